"""How a check closed, said wherever it shows: early by someone (dated from that day, not from
the closing date it was opened with), at the end of its closing date, or because the
partnership ended."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from healthcheck import services
from healthcheck.models import HealthCheck
from partnerships import services as partnership_services
from partnerships.models import Activity, Stage

from .factories import answer, open_check, world

pytestmark = pytest.mark.django_db


def client_for(user, *, portal: bool = False) -> Client:
    client = Client()
    client.force_login(user)
    if portal:
        client.get("/portal/")  # the first request of a session notes when they were last seen
    return client


def day(value: datetime.date) -> str:
    return f"{value:%-d %b %Y}"


def local_day(moment: datetime.datetime, user) -> datetime.date:
    return timezone.localdate(moment, user.tzinfo)


def test_a_check_closed_early_shows_the_day_it_closed_and_who_closed_it_on_every_page():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs, days=20)
    for person in ours + theirs:
        answer(check, person, 4)
    planned = check.closes_on
    closed = services.healthcheck_close(check=check, by=ours[0])
    assert closed.closed_because == "by_hand"
    today = local_day(closed.closed_at, ours[0])
    assert today < planned
    said = f"Closed early by {ours[0]} on {day(today)} (its closing date was {day(planned)})."

    us = client_for(ours[1])
    results = us.get(check.get_absolute_url()).content.decode()
    assert said in results and f"Closed {day(today)}" in results
    assert f"Closed {day(planned)}" not in results
    tab = us.get(reverse("partnerships:tab", args=[partnership.pk, "health-checks"]))
    tab_html = tab.content.decode()
    assert f"{day(today)}</a>" in tab_html and f"early, by {ours[0]}" in tab_html
    answer_page = us.get(reverse("healthcheck:answer", args=[partnership.pk, check.pk]))
    assert said in answer_page.content.decode()
    assert day(planned) + ", " not in answer_page.content.decode()  # no "answers until" left

    them = client_for(theirs[0], portal=True)
    portal_results = them.get(reverse("portal:healthcheck", args=[partnership.pk, check.pk]))
    assert said in portal_results.content.decode()
    portal_answer = them.get(
        reverse("portal:healthcheck_answer", args=[partnership.pk, check.pk])
    ).content.decode()
    assert said in portal_answer and f"closed on {day(planned)}" not in portal_answer
    card = them.get(reverse("portal:partnership", args=[partnership.pk])).content.decode()
    assert f"closed on {day(today)}" in card

    # An answer sent after it is refused with the same words, and the timeline says how.
    with pytest.raises(services.HealthCheckClosed, match=r"Closed early by .* on "):
        answer(check, theirs[1], 2)
    assert Activity.objects.filter(
        partnership=partnership, summary__startswith=f"Joint health check closed early by {ours[0]}"
    ).exists()


def test_a_check_that_reached_its_date_says_so():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs, days=3)
    services.close_due(now=check.closes_at + datetime.timedelta(minutes=2))
    check.refresh_from_db()
    assert check.closed_because == "date" and check.closed_by is None
    said = f"Closed at the end of its closing date, {day(check.closes_on)}."
    assert check.how_it_closed() == said
    page = client_for(ours[1]).get(check.get_absolute_url()).content.decode()
    assert check.how_it_closed() in page and f"Closed {day(check.closes_on)}" in page
    assert Activity.objects.filter(summary__startswith="Joint health check closed at its closing")


def test_close_now_pressed_after_the_closing_moment_counts_as_reaching_the_date():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs, days=2)
    late = check.closes_at + datetime.timedelta(hours=1)
    closed = services.healthcheck_close(check=check, by=ours[0], now=late)
    assert closed.closed_because == "date" and closed.closed_note == ""
    assert closed.closed_on == check.closes_on


def test_a_check_closed_by_the_partnership_s_end_says_so():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs, days=30)
    partnership_services.partnership_move(
        partnership=partnership, to_stage=Stage.ENDED, by=ours[0], note="Merged elsewhere"
    )
    services.close_due()
    check = HealthCheck.objects.get(pk=check.pk)
    assert check.is_closed and check.closed_because == "ended"
    assert check.closed_note == "when the partnership ended"
    assert "when the partnership ended (its closing date was" in check.how_it_closed()
    assert Activity.objects.filter(summary__contains="closed as the partnership ended").exists()
    page = client_for(ours[0]).get(check.get_absolute_url()).content.decode()
    assert check.how_it_closed() in page and "at its closing date" not in page


@pytest.mark.django_db(transaction=True)
def test_checks_closed_before_the_field_are_told_why_from_their_rows():
    """The migration that adds closed_because fills it in: at or after the closing moment, its
    date; before it, by hand when someone closed it, otherwise the partnership's end."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    partnership, ours, theirs = world()
    by_hand = open_check(partnership, ours, theirs, days=10)
    services.healthcheck_close(check=by_hand, by=ours[0])
    at_date = open_check(partnership, ours, theirs, days=3)
    services.close_due(now=at_date.closes_at)
    ended = open_check(partnership, ours, theirs, days=5)
    services.healthcheck_close(check=ended)
    before, after = (
        [("healthcheck", "0002_default_questions")],
        [("healthcheck", "0003_closed_because")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
    finally:
        connection.close()
    found = dict(HealthCheck.objects.values_list("pk", "closed_because"))
    assert found == {by_hand.pk: "by_hand", at_date.pk: "date", ended.pk: "ended"}
