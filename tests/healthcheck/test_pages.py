"""The health-check pages on our side and in the portal: who reaches what, what they show, and a
fixed number of queries whatever the number of participants."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communications.models import ActionItem
from healthcheck import services
from healthcheck.models import GapAction, HealthCheck, Kind, Participant, Response

from ..factories import executive, manager
from ..helpers import assert_constant_queries, count_queries
from .factories import answer, closed_check, open_check, our_people, partner_people, world

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(check, rating: int = 4, **extra) -> dict:
    data = {}
    for q in check.questions.all():
        if q.kind == Kind.RATING:
            data[f"rating_{q.pk}"] = str(rating)
            data[f"comment_{q.pk}"] = ""
        else:
            data[f"open_{q.pk}"] = ""
    return {**data, **extra}


# Our side -----------------------------------------------------------------------------------------


def test_the_tab_offers_to_open_one_and_says_what_it_is_for():
    partnership, ours, _theirs = world()
    url = reverse("partnerships:tab", args=[partnership.pk, "health-checks"])
    page = client_for(ours[0]).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Open the first health check" in html and "No health check has closed yet" in html


def test_opening_from_the_form_asks_both_sides(mailoutbox):
    partnership, ours, theirs = world()
    url = reverse("healthcheck:open", args=[partnership.pk])
    page = client_for(ours[0]).get(url)
    assert page.status_code == 200
    for person in theirs:
        assert person.partner_contact.name in page.content.decode()
    closes = timezone.localdate() + datetime.timedelta(days=10)
    response = client_for(ours[0]).post(
        url,
        {"ours": [u.pk for u in ours], "theirs": [u.pk for u in theirs], "closes_on": closes},
    )
    check = HealthCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == check.get_absolute_url()
    assert check.participants.count() == 6


def test_the_form_says_what_is_wrong_in_words():
    partnership, ours, _theirs = world()
    url = reverse("healthcheck:open", args=[partnership.pk])
    page = client_for(ours[0]).post(
        url, {"ours": [ours[0].pk], "theirs": [], "closes_on": "2001-01-01"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Choose a closing date in the future" in html
    assert not HealthCheck.objects.exists()


def test_a_partnership_not_live_yet_says_so_on_the_open_page():
    partnership, ours, _theirs = world(stage="agreeing")
    page = client_for(ours[0]).get(reverse("healthcheck:open", args=[partnership.pk]))
    assert page.status_code == 200
    assert "open one once it is active" in page.content.decode()


def test_our_participant_answers_and_changes_their_answers_on_the_answer_page():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    url = reverse("healthcheck:answer", args=[partnership.pk, check.pk])
    client = client_for(ours[1])
    assert "Send my answers" in client.get(url).content.decode()
    assert client.post(url, form_data(check, 4)).status_code == 302
    page = client.get(url).content.decode()
    assert "Save my changes" in page and 'value="4" checked' in page
    assert client.post(url, form_data(check, 2)).status_code == 302
    assert Response.objects.count() == 1


def test_a_missing_rating_is_shown_next_to_its_statement():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    first = check.questions.filter(kind=Kind.RATING).first()
    data = form_data(check)
    del data[f"rating_{first.pk}"]
    page = client_for(ours[0]).post(
        reverse("healthcheck:answer", args=[partnership.pk, check.pk]), data
    )
    html = page.content.decode()
    assert page.status_code == 200 and "Choose how far you agree, from 1 to 5." in html
    assert "Some answers are missing" in html and not Response.objects.exists()


def test_someone_not_asked_gets_404_on_the_answer_page():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs[:3])
    stranger = executive()  # sees the partnership, not asked
    url = reverse("healthcheck:answer", args=[partnership.pk, check.pk])
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(stranger).post(url, form_data(check)).status_code == 404
    assert client_for(manager()).get(url).status_code == 404  # does not see the partnership
    assert not Response.objects.exists()


def test_after_the_close_the_answer_page_refuses_in_words():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    services.healthcheck_close(check=check, by=ours[0])
    url = reverse("healthcheck:answer", args=[partnership.pk, check.pk])
    client = client_for(ours[1])
    assert "Answers can no longer be given or changed" in client.get(url).content.decode()
    response = client.post(url, form_data(check), follow=True)
    assert "Answers can no longer be given or changed" in response.content.decode()
    assert not Response.objects.exists()


def test_the_results_show_the_radar_the_gap_in_words_and_the_comments_without_names():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    for person in ours:
        answer(check, person, {"governance": 5, "strategic": 4}, comment=f"note {person.pk}")
    for person in theirs:
        answer(check, person, {"governance": 2, "strategic": 4}, comment="theirs")
    services.healthcheck_close(check=check, by=ours[0])
    html = client_for(ours[0]).get(check.get_absolute_url()).content.decode()
    assert 'data-chart="radar"' in html and 'id="hc-chart"' in html
    assert "The widest gap is in governance" in html
    assert "This is the partnership's first joint health check" in html
    assert f"note {ours[1].pk}" in html  # the comment, never with its author
    statements = html.split("Statement by statement")[1].split("Act on the gaps")[0]
    for person in ours[1:] + theirs:
        assert person.full_name not in statements


def test_the_opener_turns_the_widest_gaps_into_action_items_once_per_area():
    partnership, ours, theirs = world()
    check = closed_check(partnership, ours, theirs, our_ratings=5, their_ratings=2)
    url = reverse("healthcheck:actions", args=[partnership.pk, check.pk])
    client = client_for(ours[0])
    due = timezone.localdate() + datetime.timedelta(days=20)
    page = client.get(check.get_absolute_url()).content.decode()
    assert "Create the action items" in page
    response = client.post(
        url, {"areas": ["governance", "strategic"], "owner": ours[1].pk, "due_on": due}
    )
    assert response.status_code == 302
    items = ActionItem.objects.filter(partnership=partnership)
    assert items.count() == 2
    title = items.get(pk=GapAction.objects.get(area="governance").action_item_id).title
    assert title.startswith("Close the perception gap on governance: ")
    assert "rates it 2.0/5, we rate it 5.0/5" in title
    assert items.filter(owner=ours[1], due_on=due).count() == 2
    # Again: nothing twice; a manager who did not open it cannot.
    client.post(url, {"areas": ["governance"], "owner": ours[1].pk, "due_on": due})
    assert items.count() == 2
    assert client_for(ours[2]).post(url, {"areas": ["operational"], "owner": ours[1].pk,
                                          "due_on": due}).status_code == 404  # fmt: skip
    assert items.count() == 2


def test_close_now_is_for_the_opener_and_executives():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs, by=ours[1])
    url = reverse("healthcheck:close", args=[partnership.pk, check.pk])
    client_for(ours[2]).post(url)
    check.refresh_from_db()
    assert check.is_open
    assert "Close now" not in client_for(ours[2]).get(check.get_absolute_url()).content.decode()
    assert "Close now" in client_for(ours[1]).get(check.get_absolute_url()).content.decode()
    client_for(ours[1]).post(url)
    check.refresh_from_db()
    assert check.is_closed and check.closed_by == ours[1]


def test_a_page_shows_an_open_check_past_its_closing_time_closed():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    HealthCheck.objects.filter(pk=check.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    html = client_for(ours[0]).get(check.get_absolute_url()).content.decode()
    assert "Closed" in html and "The two sides cannot be compared this time" in html


def test_the_results_page_has_fixed_queries_for_3_or_30_participants(settings):
    settings.ACCORD_HEALTHCHECK_MIN_ANSWERS = 3
    partnership, ours, theirs = world()
    few = closed_check(partnership, ours, theirs)
    more_ours = our_people(partnership, 30)
    more_theirs = theirs + partner_people(partnership, 27)
    many = {}

    def add_rows():
        check = open_check(partnership, more_ours, more_theirs)
        for person in more_ours:
            answer(check, person, 4, comment=f"c{person.pk}", open_text="o")
        for person in more_theirs:
            answer(check, person, 3, comment=f"c{person.pk}", open_text="o")
        many["check"] = services.healthcheck_close(check=check, by=ours[0])

    client = client_for(ours[0])
    assert_constant_queries(client, lambda: (many.get("check") or few).get_absolute_url(), add_rows)


# The portal ---------------------------------------------------------------------------------------


def portal_client(user) -> Client:
    client = client_for(user)
    client.get("/portal/")  # the first request of a session notes when they were last seen
    return client


def test_a_partner_contact_answers_in_the_portal_and_sees_the_same_results():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    home = portal_client(theirs[0]).get(reverse("portal:partnership", args=[partnership.pk]))
    assert "Answer the health check" in home.content.decode()
    url = reverse("portal:healthcheck_answer", args=[partnership.pk, check.pk])
    client = portal_client(theirs[0])
    assert client.get(url).status_code == 200
    assert client.post(url, form_data(check, 2)).status_code == 302
    assert Participant.objects.get(health_check=check, user=theirs[0]).has_answered
    assert Response.objects.get().side == "partner"
    for person in theirs[1:]:
        answer(check, person, 2)
    for person in ours:
        answer(check, person, 5)
    services.healthcheck_close(check=check, by=ours[0])
    results = reverse("portal:healthcheck", args=[partnership.pk, check.pk])
    html = client.get(results).content.decode()
    assert "you rate it 2.0 out of 5, 3.0 points below our 5.0." in html
    assert 'data-chart="radar"' in html and "chart.umd.min.js" in html
    ours_html = client_for(ours[0]).get(check.get_absolute_url()).content.decode()
    assert "rates it 2.0 out of 5, 3.0 points below our 5.0." in ours_html


def test_portal_pages_are_404_to_contacts_not_asked_or_of_elsewhere():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    answer_url = reverse("portal:healthcheck_answer", args=[partnership.pk, check.pk])
    results_url = reverse("portal:healthcheck", args=[partnership.pk, check.pk])
    invited_not_asked = partner_people(partnership, 1)[0]
    assert portal_client(invited_not_asked).get(answer_url).status_code == 404
    assert portal_client(invited_not_asked).post(answer_url, form_data(check)).status_code == 404
    assert portal_client(invited_not_asked).get(results_url).status_code == 200
    _elsewhere, _, foreign = world()
    for url in (answer_url, results_url):
        assert portal_client(foreign[0]).get(url).status_code == 404
    # Internal health-check pages are closed to every partner contact.
    internal = reverse("healthcheck:answer", args=[partnership.pk, check.pk])
    for url in (check.get_absolute_url(), internal):
        assert portal_client(theirs[0]).get(url).status_code == 404
    assert not Response.objects.exists()


def test_the_portal_answer_page_has_fixed_queries_for_3_or_30_participants():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    answer(check, theirs[0], 3)
    url = reverse("portal:healthcheck_answer", args=[partnership.pk, check.pk])

    def add_rows():
        extra = partner_people(partnership, 27)
        Participant.objects.bulk_create(
            Participant(health_check=check, user=u, side="partner") for u in extra
        )
        for person in extra:
            answer(check, person, 4, comment="more")

    assert_constant_queries(portal_client(theirs[0]), url, add_rows)


def test_the_portal_results_page_has_fixed_queries_for_3_or_30_participants():
    partnership, ours, theirs = world()
    few = closed_check(partnership, ours, theirs)
    many = {}

    def add_rows():
        more_ours = our_people(partnership, 30)
        more_theirs = theirs + partner_people(partnership, 27)
        check = open_check(partnership, more_ours, more_theirs)
        for person in more_ours:
            answer(check, person, 4, comment=f"c{person.pk}", open_text="o")
        for person in more_theirs:
            answer(check, person, 3, comment=f"c{person.pk}", open_text="o")
        many["check"] = services.healthcheck_close(check=check, by=ours[0])

    assert_constant_queries(
        portal_client(theirs[0]),
        lambda: reverse("portal:healthcheck", args=[partnership.pk, (many.get("check") or few).pk]),
        add_rows,
    )


def test_the_tab_and_an_open_check_s_page_have_fixed_queries_for_3_or_30_participants():
    partnership, ours, theirs = world()
    closed_check(partnership, ours, theirs)
    check = open_check(partnership, ours, theirs)
    answer(check, ours[1], 4)
    client = client_for(ours[0])

    def add_rows():
        more_ours = our_people(partnership, 30)[3:]
        more_theirs = partner_people(partnership, 27)
        Participant.objects.bulk_create(
            [Participant(health_check=check, user=u, side="us") for u in more_ours]
            + [Participant(health_check=check, user=u, side="partner") for u in more_theirs]
        )
        for person in more_ours[:10] + more_theirs[:10]:
            answer(check, person, 3)

    urls = (reverse("partnerships:tab", args=[partnership.pk, "health-checks"]),
            check.get_absolute_url())  # fmt: skip
    few = [count_queries(client, url)[0] for url in urls]
    add_rows()
    assert [count_queries(client, url)[0] for url in urls] == few


def test_our_answer_page_has_fixed_queries_for_3_or_30_participants():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    answer(check, ours[1], 3, comment="mine")
    url = reverse("healthcheck:answer", args=[partnership.pk, check.pk])

    def add_rows():
        more_ours = our_people(partnership, 30)[3:]
        more_theirs = partner_people(partnership, 27)
        Participant.objects.bulk_create(
            [Participant(health_check=check, user=u, side="us") for u in more_ours]
            + [Participant(health_check=check, user=u, side="partner") for u in more_theirs]
        )
        for person in more_ours + more_theirs:
            answer(check, person, 4, comment="more", open_text="o")

    assert_constant_queries(client_for(ours[1]), url, add_rows)


def test_the_open_form_has_fixed_queries_for_3_or_30_people_to_pick_from():
    partnership, ours, _ = world()
    client = client_for(ours[0])
    url = reverse("healthcheck:open", args=[partnership.pk])
    few = count_queries(client, url)[0]
    our_people(partnership, 30)
    partner_people(partnership, 27)
    assert count_queries(client, url)[0] == few
