import datetime

import pytest
from django.utils import timezone

from agreements.models import Agreement
from partnerships.models import Stage
from planning.models import Milestone, Opportunity, RenewalDecision
from tests import factories
from tests.communications.factories import ThreadFactory
from tests.helpers import assert_constant_queries

from .conftest import signed
from .factories import MilestoneFactory, OpportunityFactory, achieved

pytestmark = pytest.mark.django_db


def tab(partnership) -> str:
    return f"/partnerships/{partnership.pk}/tab/relationship/"


def base(partnership) -> str:
    return f"/partnerships/{partnership.pk}/relationship/"


def test_the_relationship_tab_shows_milestones_successes_opportunities_and_ideas(
    client, bob, active
):
    MilestoneFactory(partnership=active, title="Peak season at 98% on time")
    achieved(active, title="Second hub live", value_amount=180000, value_unit="€")
    OpportunityFactory(partnership=active, title="Nordic hub", estimated_value=450000)
    OpportunityFactory(partnership=active, title="Reseller discount", status="declined",
                       declined_reason="Margin too thin.")  # fmt: skip
    ThreadFactory(partnership=active, is_idea=True, title="Shared dashboard")
    client.force_login(bob)
    body = client.get(tab(active)).content.decode()
    for text in (
        "Peak season at 98% on time",
        "Second hub live",
        "€180,000",
        "Nordic hub",
        "€450,000",
        "Pursued and declined (1)",
        "Margin too thin.",
        "Shared dashboard",
        "Make it an opportunity",
    ):
        assert text in body, text


def test_the_relationship_tab_says_what_to_do_when_empty(client, bob, active):
    client.force_login(bob)
    body = client.get(tab(active)).content.decode()
    assert "No milestones yet. Plan the steps worth reaching together" in body
    assert "No open opportunities." in body


def test_the_relationship_tab_renders_in_fixed_queries(client, bob, active):
    client.force_login(bob)

    def more():
        for _ in range(6):
            MilestoneFactory(partnership=active, objective=None)
            achieved(active, value_amount=10, value_unit="€")
            OpportunityFactory(partnership=active)
            ThreadFactory(partnership=active, is_idea=True)
        signed(active, expiry=timezone.localdate() + datetime.timedelta(days=300))

    assert_constant_queries(client, tab(active), more)


def test_a_milestone_is_planned_from_its_form(client, bob, active):
    client.force_login(bob)
    assert client.get(base(active) + "milestones/new/").status_code == 200
    response = client.post(
        base(active) + "milestones/new/",
        {"title": "Korea launch", "target_date": "2027-03-01", "description": ""},
    )
    milestone = Milestone.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{tab(active)}#milestone-{milestone.pk}"


def test_the_achievement_form_refuses_a_day_before_the_start_and_keeps_the_input(
    client, bob, active
):
    milestone = MilestoneFactory(partnership=active)
    client.force_login(bob)
    url = base(active) + f"milestones/{milestone.pk}/achieve/"
    too_early = active.start_date - datetime.timedelta(days=3)
    response = client.post(
        url,
        {"achieved_on": too_early.isoformat(), "evidence": "Signed report", "value_amount": "12",
         "value_unit": "%", "value_note": ""},
    )  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be achieved before that" in body
    assert "Signed report" in body and too_early.isoformat() in body
    milestone.refresh_from_db()
    assert milestone.achieved_on is None


def test_the_achievement_form_records_the_success(client, bob, active):
    milestone = MilestoneFactory(partnership=active)
    client.force_login(bob)
    response = client.post(
        base(active) + f"milestones/{milestone.pk}/achieve/",
        {"achieved_on": timezone.localdate().isoformat(), "evidence": "Go-live report",
         "value_amount": "", "value_unit": "€", "value_note": "Next-day delivery in 14 countries"},
    )  # fmt: skip
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.is_achieved and milestone.value_unit == ""  # no amount, no unit
    assert milestone.value_note == "Next-day delivery in 14 countries"


def test_an_opportunity_declined_without_reason_is_refused_next_to_the_field(client, bob, active):
    client.force_login(bob)
    response = client.post(
        base(active) + "opportunities/new/",
        {"title": "Nordic hub", "description": "", "estimated_value": "450000",
         "horizon": "next_year", "status": "declined", "declined_reason": "", "owner": bob.pk},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Say why the opportunity was declined." in response.content.decode()
    assert not Opportunity.objects.exists()


def test_one_click_turns_an_idea_into_an_opportunity_linked_to_its_thread(client, bob, active):
    idea = ThreadFactory(partnership=active, is_idea=True, title="Shared dashboard")
    client.force_login(bob)
    response = client.post(base(active) + f"ideas/{idea.pk}/make-opportunity/")
    opportunity = Opportunity.objects.get()
    assert response["Location"] == base(active) + f"opportunities/{opportunity.pk}/edit/"
    assert opportunity.source_thread == idea
    page = client.get(response["Location"]).content.decode()
    assert "From the discussion" in page and idea.get_absolute_url() in page
    # The idea no longer waits on the tab.
    assert "Make it an opportunity" not in client.get(tab(active)).content.decode()


def test_an_idea_becomes_an_opportunity_from_its_own_page_and_then_links_to_it(client, bob, active):
    idea = ThreadFactory(partnership=active, is_idea=True, title="Shared dashboard")
    plain = ThreadFactory(partnership=active, is_idea=False, title="Agenda for Monday")
    client.force_login(bob)
    action = base(active) + f"ideas/{idea.pk}/make-opportunity/"
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Make it an opportunity" in page and f'action="{action}"' in page
    assert "Make it an opportunity" not in client.get(plain.get_absolute_url()).content.decode()

    client.post(action)
    opportunity = Opportunity.objects.get(source_thread=idea)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Make it an opportunity" not in page
    assert base(active) + f"opportunities/{opportunity.pk}/edit/" in page
    assert "Opportunity · Idea" in page


def test_an_idea_of_another_partnership_is_404(client, bob, active):
    idea = ThreadFactory(is_idea=True)
    client.force_login(bob)
    assert client.post(base(active) + f"ideas/{idea.pk}/make-opportunity/").status_code == 404


def test_the_renewal_page_explains_when_the_partnership_is_not_renewing(client, alice, active):
    client.force_login(alice)
    response = client.get(base(active) + "renewal/")
    assert response.status_code == 200
    assert "a renewal decision is recorded once it is “Renewing”" in response.content.decode()
    response = client.post(base(active) + "renewal/", {"decision": "renew", "rationale": "Go."})
    assert response.status_code == 200
    assert "recorded once it is “Renewing”" in response.content.decode()
    assert not RenewalDecision.objects.exists()


def test_a_manager_sees_the_renewal_but_cannot_decide(client, bob, renewing):
    client.force_login(bob)
    assert (
        "An executive records the renewal decision"
        in client.get(base(renewing) + "renewal/").content.decode()
    )
    client.post(base(renewing) + "renewal/", {"decision": "exit", "rationale": "No."})
    renewing.refresh_from_db()
    assert renewing.stage == Stage.RENEWING
    assert not RenewalDecision.objects.exists()


def test_an_executive_renegotiates_and_lands_on_the_new_draft(client, alice, renewing):
    client.force_login(alice)
    response = client.post(
        base(renewing) + "renewal/", {"decision": "renegotiate", "rationale": "Better terms."}
    )
    draft = Agreement.objects.filter(partnership=renewing).order_by("-version").first()
    assert response["Location"] == draft.get_absolute_url()
    assert draft.status == "draft"
    body = client.get(tab(renewing)).content.decode()
    assert "Renegotiate" in body and "Better terms." in body


def test_the_renewal_form_says_what_is_missing(client, alice, renewing):
    client.force_login(alice)
    body = client.post(base(renewing) + "renewal/", {"rationale": ""}).content.decode()
    assert "Choose renew, renegotiate or exit." in body
    assert "Give the rationale for the decision." in body


def test_successes_list_only_what_the_user_may_see_in_fixed_queries(client, bob, active, charlie):
    achieved(active, title="Ours")
    achieved(factories.PartnershipFactory(managers=[charlie]), title="Theirs")
    client.force_login(bob)
    body = client.get("/successes/?days=90").content.decode()
    assert "Ours" in body and "Theirs" not in body

    def more():
        for _ in range(30):
            achieved(active)

    assert_constant_queries(client, "/successes/", more)


def test_opportunities_list_filters_by_horizon_and_status(client, alice, active):
    OpportunityFactory(partnership=active, title="Soon", horizon="next_quarter")
    OpportunityFactory(partnership=active, title="Later on", horizon="later", status="planned")
    OpportunityFactory(partnership=active, title="Done", horizon="later", status="pursued")
    client.force_login(alice)
    names = lambda url: [o.title for o in client.get(url).context["opportunities"]]  # noqa: E731
    assert names("/opportunities/") == ["Soon", "Later on"]
    assert names("/opportunities/?horizon=later") == ["Later on"]
    assert names("/opportunities/?horizon=later&status=all") == ["Later on", "Done"]
    assert names("/opportunities/?status=pursued") == ["Done"]

    def more():
        for _ in range(30):
            OpportunityFactory(partnership=active, owner=factories.executive())

    assert_constant_queries(client, "/opportunities/", more)


def test_a_post_to_remove_an_achieved_milestone_is_refused_with_a_message(client, bob, active):
    success = achieved(active, title="Second hub live")
    planned = MilestoneFactory(partnership=active, title="Nordic hub")
    client.force_login(bob)
    response = client.post(f"{base(active)}milestones/{success.pk}/delete/", follow=True)
    assert "“Second hub live” was achieved on" in response.content.decode()
    assert Milestone.objects.filter(pk=success.pk).exists()
    response = client.post(f"{base(active)}milestones/{planned.pk}/delete/", follow=True)
    assert "Milestone “Nordic hub” removed." in response.content.decode()
    assert not Milestone.objects.filter(pk=planned.pk).exists()


def test_the_forms_of_an_ended_partnership_do_not_open(client, alice, active):
    milestone = MilestoneFactory(partnership=active)
    opportunity = OpportunityFactory(partnership=active)
    active.stage, active.ended_reason = Stage.ENDED, "Exit agreed."
    active.save()
    client.force_login(alice)
    for url in (
        f"{base(active)}milestones/new/",
        f"{base(active)}milestones/{milestone.pk}/edit/",
        f"{base(active)}milestones/{milestone.pk}/achieve/",
        f"{base(active)}opportunities/new/",
        f"{base(active)}opportunities/{opportunity.pk}/edit/",
        f"{base(active)}renewal/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == tab(active), url
        followed = client.get(url, follow=True).content.decode()
        assert "This partnership has ended: its relationship plan is a record now." in followed
    # The removal has no page of its own, ended or not.
    assert client.get(f"{base(active)}milestones/{milestone.pk}/delete/").status_code == 405
