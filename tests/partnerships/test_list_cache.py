"""The partnership list's rows and filter bar are cached HTML: whatever changes what they show,
through a service, a form or a bulk update that no signal sees, the next request shows it."""

import datetime

import pytest
from django.utils import timezone

from communications import services as communications
from partnerships import services
from partnerships.models import Partnership

from ..communications.conftest import active, monthly  # noqa: F401  (fixtures)
from ..factories import manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, alice):
    client.force_login(alice)
    return lambda query="": client.get(f"/partnerships/{query}").content.decode()


def test_what_a_row_shows_is_new_on_the_next_request_after_any_change(page, active, bob, alice):  # noqa: F811
    assert "Northwind supply" in page()
    services.partnership_update(partnership=active, by=alice, name="Northwind logistics")
    assert "Northwind logistics" in page()

    active.organization.name = "Northwind Holdings"
    active.organization.save()
    assert "Northwind Holdings" in page()

    bob.full_name = "Robert Brown"
    bob.save()
    assert "Robert Brown" in page()

    Partnership.objects.filter(pk=active.pk).update(tier=3, stage="renewing")
    html = page()
    assert "stage-renewing" in html
    assert ">3</td>" in html

    before = timezone.localdate() + datetime.timedelta(days=3)
    assert before.strftime("%-d %b %Y") in html
    communications.check_in_log(
        partnership=active,
        by=bob,
        held_on=timezone.localdate(),
        kind="call",
        summary="On track",
        sentiment=4,
    )
    active.refresh_from_db()
    assert active.next_check_in_due != before
    assert active.next_check_in_due.strftime("%-d %b %Y") in page()


def test_a_due_date_turns_overdue_on_the_day_it_passes(page, active, monkeypatch):  # noqa: F811
    assert "overdue" not in page()
    later = timezone.localdate() + datetime.timedelta(days=4)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    assert "overdue" in page()


def test_a_new_partner_manager_is_offered_in_the_filter_at_once(page, active):  # noqa: F811
    assert "Dana Novak" not in page()
    manager(full_name="Dana Novak")
    assert "Dana Novak" in page()
    assert "Dana Novak" in page("?stage=active")


def test_the_filter_bar_shows_the_values_asked_for(page, active, bob):  # noqa: F811
    assert 'value="active" selected' in page("?stage=active")
    assert 'value="active" selected' not in page("?stage=renewing")
    assert f'value="{bob.pk}" selected' in page(f"?manager={bob.pk}")
