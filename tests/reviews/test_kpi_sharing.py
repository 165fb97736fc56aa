"""Sharing a KPI with the partner: one click on its page, or the box on its form."""

import pytest

from partnerships.models import Stage
from reviews.models import KPI

from .factories import KPIFactory

pytestmark = pytest.mark.django_db


def share_url(kpi) -> str:
    return f"/partnerships/{kpi.partnership_id}/performance/kpis/{kpi.pk}/share/"


def test_it_shares_a_kpi_in_one_click_and_says_so_on_the_timeline(client, active, bob):
    kpi = KPIFactory(partnership=active, name="On-time delivery")
    client.force_login(bob)
    page = client.get(kpi.get_absolute_url()).content.decode()
    assert "Share with the partner" in page

    response = client.post(share_url(kpi), {"shared": "1"}, follow=True)
    assert "is shared: the partner sees it" in response.content.decode()
    assert KPI.objects.get(pk=kpi.pk).shared
    assert "Stop sharing with the partner" in response.content.decode()
    assert active.activities.filter(
        summary="KPI shared with the partner: On-time delivery"
    ).exists()

    client.post(share_url(kpi), {"shared": "0"})
    assert not KPI.objects.get(pk=kpi.pk).shared


def test_sharing_twice_writes_the_timeline_once(client, active, bob):
    kpi = KPIFactory(partnership=active)
    client.force_login(bob)
    client.post(share_url(kpi), {"shared": "1"})
    client.post(share_url(kpi), {"shared": "1"})
    assert active.activities.filter(kind="kpi").count() == 1


def test_a_choice_that_is_neither_refuses_in_words(client, active, bob):
    kpi = KPIFactory(partnership=active, shared=True)
    client.force_login(bob)
    response = client.post(share_url(kpi), {"shared": "maybe"}, follow=True)
    assert "Choose whether to share the KPI" in response.content.decode()
    assert KPI.objects.get(pk=kpi.pk).shared


def test_an_ended_partnership_s_kpis_stay_as_they_were(client, active, bob):
    kpi = KPIFactory(partnership=active)
    active.stage, active.ended_reason = Stage.ENDED, "Wound down"
    active.save(update_fields=["stage", "ended_reason"])
    client.force_login(bob)
    response = client.post(share_url(kpi), {"shared": "1"}, follow=True)
    assert "has ended" in response.content.decode()
    assert not KPI.objects.get(pk=kpi.pk).shared


def test_the_kpi_form_shares_it_too(client, active, bob):
    client.force_login(bob)
    response = client.post(
        f"/partnerships/{active.pk}/performance/kpis/new/",
        {
            "name": "Fill rate",
            "unit": "%",
            "direction": "higher",
            "baseline": "80",
            "target": "95",
            "frequency": "monthly",
            "shared": "on",
        },
    )
    assert response.status_code == 302
    assert KPI.objects.get(name="Fill rate").shared


def test_the_kpi_list_marks_the_shared_ones(client, active, bob):
    KPIFactory(partnership=active, name="Shared one", shared=True)
    client.force_login(bob)
    body = client.get(f"/partnerships/{active.pk}/performance/kpis/").content.decode()
    assert "shared</span>" in body
