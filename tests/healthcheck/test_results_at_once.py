"""Once a check closes, both sides see its results on their next page, whatever was shown (or
cached: the tests run on Redis, as production does) while it was open. Guards any cache put in
front of these pages later: a close must make it show the results at once."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from healthcheck.models import HealthCheck

from .factories import answer, open_check, world

pytestmark = pytest.mark.django_db


def signed_in(user, *, portal: bool = False) -> Client:
    client = Client()
    client.force_login(user)
    if portal:
        client.get("/portal/")  # the first request of a session notes when they were last seen
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_tests_run_on_the_production_cache():
    assert settings.CACHES["default"]["BACKEND"] == "config.cache.TolerantRedisCache"


def test_after_close_now_both_sides_see_the_results_on_their_next_page():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    for person in ours:
        answer(check, person, {"governance": 5})
    for person in theirs:
        answer(check, person, {"governance": 2})
    us, them = signed_in(ours[0]), signed_in(theirs[0], portal=True)
    ours_urls = {
        "detail": check.get_absolute_url(),
        "tab": reverse("partnerships:tab", args=[partnership.pk, "health-checks"]),
        "dashboard": reverse("portfolio:dashboard"),
    }
    their_urls = {
        "results": reverse("portal:healthcheck", args=[partnership.pk, check.pk]),
        "partnership": reverse("portal:partnership", args=[partnership.pk]),
    }
    # While open: progress only, on every page, twice (anything cacheable is now cached).
    for _ in range(2):
        assert "Who has answered" in page(us, ours_urls["detail"])
        assert "Open for answers until" in page(us, ours_urls["tab"])
        assert (
            partnership.name not in page(us, ours_urls["dashboard"]).split("Widest perception")[1]
        )
        assert "Answers so far" in page(them, their_urls["results"])
        assert "Change your answers" in page(them, their_urls["partnership"])

    response = us.post(reverse("healthcheck:close", args=[partnership.pk, check.pk]))
    assert response.status_code == 302

    assert "The widest gap is in governance" in page(us, ours_urls["detail"])
    tab = page(us, ours_urls["tab"])
    assert "Open for answers until" not in tab and check.get_absolute_url() in tab
    gaps = page(us, ours_urls["dashboard"]).split("Widest perception")[1]
    assert partnership.name in gaps.split("</table>")[0]
    assert "you rate it 2.0 out of 5, 3.0 points below our 5.0." in page(
        them, their_urls["results"]
    )
    card = page(them, their_urls["partnership"])
    assert "Change your answers" not in card and "See the results" in card


def test_past_its_closing_moment_the_portal_page_shows_it_closed_before_beat_runs():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    them = signed_in(theirs[0], portal=True)
    url = reverse("portal:partnership", args=[partnership.pk])
    assert "Answer the health check" in page(them, url)
    HealthCheck.objects.filter(pk=check.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    card = page(them, url)
    assert "Answer the health check" not in card and "See the results" in card
    check.refresh_from_db()
    assert check.is_closed and check.closed_because == "date"
