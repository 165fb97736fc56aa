import datetime
import re
from html import unescape

import pytest

from partnerships.models import Stage, Transition
from selection.models import Candidate, Criterion, Score

from ..factories import OrganizationFactory, PartnershipFactory, executive, manager
from ..helpers import assert_constant_queries, count_queries
from ..objectives.factories import ObjectiveFactory
from .factories import CandidateFactory, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def selecting(bobs_partnership):
    bobs_partnership.stage = Stage.SELECTING
    bobs_partnership.save()
    return bobs_partnership


def _body(response) -> str:
    return unescape(response.content.decode())


def _text(response) -> str:
    """The page's words without markup, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", _body(response)).split())


def _sheet(value="4") -> dict:
    data = {}
    for c in Criterion.objects.active():
        data[f"score_{c.pk}"] = value
        data[f"comment_{c.pk}"] = f"On {c.name}"
    return data


def test_the_selection_tab_lists_candidates_with_what_the_viewer_still_has_to_score(
    client, bob, alice, selecting
):
    scored = CandidateFactory(partnership=selecting, organization__name="PayWave")
    CandidateFactory(partnership=selecting, organization__name="Ledgerline")
    score_all(scored, alice, 5)
    client.force_login(bob)
    response = client.get(f"/partnerships/{selecting.pk}/tab/selection/")
    assert "Your scores are awaited for Ledgerline and PayWave." in _text(response)
    body = _body(response)
    assert body.count("Hidden until you score") == 2


def test_a_candidate_is_added_with_a_new_organisation(client, bob, selecting):
    client.force_login(bob)
    response = client.post(
        f"/partnerships/{selecting.pk}/candidates/new/",
        {"new_organization_name": "Quanta", "status": "short_list", "risks": "Small team"},
        follow=True,
    )
    assert "Quanta is on the short list." in _body(response)
    candidate = Candidate.objects.get()
    assert (candidate.organization.name, candidate.risks, candidate.added_by) == (
        "Quanta",
        "Small team",
        bob,
    )


def test_the_candidate_form_says_what_is_wrong_and_keeps_the_input(client, bob, selecting):
    taken = CandidateFactory(partnership=selecting, organization__name="Helios")
    client.force_login(bob)
    response = client.post(
        f"/partnerships/{selecting.pk}/candidates/new/",
        {"organization": taken.organization_id, "status": "chosen", "references": "Kept"},
    )
    form = response.context["form"]
    assert set(form.errors) == {"organization", "status"}
    assert "Kept" in _body(response)
    assert Candidate.objects.count() == 1


def test_scoring_through_the_form_then_seeing_the_others(client, alice, bob, selecting):
    candidate = CandidateFactory(partnership=selecting)
    score_all(candidate, alice, 5)
    client.force_login(bob)
    detail = f"/partnerships/{selecting.pk}/candidates/{candidate.pk}/"
    assert "Alice Ashby" not in _body(client.get(detail))

    response = client.post(f"{detail}score/", _sheet("3"), follow=True)

    body = _body(response)
    assert "Your scores of" in body
    assert "Alice Ashby" in body and "On Culture" in body
    assert Score.objects.filter(evaluator=bob, value=3).count() == 7


def test_a_score_form_with_bad_values_says_so_next_to_each_and_saves_nothing(
    client, bob, selecting
):
    candidate = CandidateFactory(partnership=selecting)
    culture = Criterion.objects.get(name="Culture")
    values = Criterion.objects.get(name="Values")
    data = _sheet()
    data[f"score_{culture.pk}"] = "7"
    del data[f"score_{values.pk}"]
    client.force_login(bob)
    response = client.post(f"/partnerships/{selecting.pk}/candidates/{candidate.pk}/score/", data)
    body = _body(response)
    assert "Give a score from 1 to 5." in body
    assert "Give “Values” a score from 1 to 5." in body
    assert "On Resources" in body  # the input is kept
    assert not Score.objects.exists()


def test_a_declined_candidate_cannot_be_scored_from_the_page(client, bob, selecting):
    candidate = CandidateFactory(partnership=selecting, status="declined", declined_reason="No")
    client.force_login(bob)
    url = f"/partnerships/{selecting.pk}/candidates/{candidate.pk}/score/"
    assert "is declined: it can no longer be scored." in _body(client.get(url))
    response = client.post(url, _sheet())
    assert "is declined: it can no longer be scored." in _body(response)
    assert not Score.objects.exists()


def test_declining_from_the_page_needs_a_reason(client, bob, selecting):
    candidate = CandidateFactory(partnership=selecting)
    client.force_login(bob)
    url = f"/partnerships/{selecting.pk}/candidates/{candidate.pk}/decline/"
    assert "Say why the candidate is declined." in _body(client.post(url, {"reason": ""}))
    client.post(url, {"reason": "Too far"})
    candidate.refresh_from_db()
    assert (candidate.status, candidate.declined_reason) == ("declined", "Too far")


def test_choosing_from_the_page_moves_the_partnership_to_agreeing(client, alice, selecting):
    chosen = CandidateFactory(partnership=selecting, organization__name="PayWave")
    other = CandidateFactory(partnership=selecting)
    client.force_login(alice)
    response = client.post(
        f"/partnerships/{selecting.pk}/candidates/{chosen.pk}/choose/",
        {"reason": "Best coverage", "move_on": "on"},
        follow=True,
    )
    body = _body(response)
    assert "PayWave is chosen as the partner." in body
    assert "Moved to “Agreeing”." in body
    selecting.refresh_from_db()
    assert (selecting.stage, selecting.organization.name) == (Stage.AGREEING, "PayWave")
    other.refresh_from_db()
    assert other.declined_reason == "Best coverage"


def test_the_choose_page_refuses_in_words_when_the_partnership_is_not_choosing(
    client, alice, bobs_partnership
):
    candidate = CandidateFactory(partnership=bobs_partnership)
    client.force_login(alice)
    url = f"/partnerships/{bobs_partnership.pk}/candidates/{candidate.pk}/choose/"
    assert "this one is “Defining objectives”" in _body(client.get(url))
    response = client.post(url, {"move_on": "on"})
    assert "this one is “Defining objectives”" in _body(response)
    candidate.refresh_from_db()
    assert candidate.status == "long_list"


def test_a_candidate_of_another_partnership_is_a_404(client, alice, selecting):
    foreign = CandidateFactory()
    client.force_login(alice)
    base = f"/partnerships/{selecting.pk}/candidates/{foreign.pk}"
    for suffix in ("/", "/edit/", "/score/", "/decline/", "/choose/"):
        assert client.get(f"{base}{suffix}").status_code == 404, suffix
    assert client.post(f"{base}/choose/", {"move_on": "on"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "long_list"


def test_the_comparison_ranks_candidates_with_groups_and_disagreements(
    client, alice, bob, selecting
):
    best = CandidateFactory(partnership=selecting, organization__name="PayWave")
    worst = CandidateFactory(partnership=selecting, organization__name="Ledgerline")
    score_all(best, alice, {"Culture": 5, "Expertise": 5})
    score_all(best, bob, {"Culture": 1, "Expertise": 5})
    score_all(worst, alice, 2)
    score_all(worst, bob, 2)
    client.force_login(alice)
    response = client.get(f"/partnerships/{selecting.pk}/selection/comparison/")
    scorecard = response.context["scorecard"]
    assert [c.candidate for c in scorecard.ranking] == [best, worst]
    chart = response.context["chart"]
    assert chart["labels"] == ["PayWave", "Ledgerline"]
    assert [d["label"] for d in chart["datasets"]] == [
        "Compatibility",
        "Capability",
        "Track record",
    ]
    assert 'id="group-chart-data"' in _body(response)
    assert "Culture for PayWave: a spread of 4 points (Alice Ashby gave 5, Bob Brown gave 1)" in (
        _text(response)
    )


def test_the_track_record_shows_our_past_partnerships_with_the_organisation(
    client, alice, selecting
):
    org = OrganizationFactory(name="Cobalt")
    past = PartnershipFactory(
        name="Old reseller deal",
        organization=org,
        stage=Stage.ENDED,
        ended_reason="Missed targets.",
        start_date=datetime.date(2023, 1, 1),
    )
    Transition.objects.create(partnership=past, from_stage="active", to_stage="ended", by=alice)
    ObjectiveFactory(partnership=past, status="achieved")
    ObjectiveFactory(partnership=past, status="missed")
    ObjectiveFactory(partnership=past, party="partner", status="achieved")
    candidate = CandidateFactory(partnership=selecting, organization=org)
    client.force_login(alice)
    body = _body(client.get(f"/partnerships/{selecting.pk}/candidates/{candidate.pk}/"))
    assert "Old reseller deal" in body
    assert "1 Jan 2023 to" in body
    assert "Ended: Missed targets." in body
    assert "1 of 2 objectives achieved, 1 missed." in body


def test_the_track_record_shows_only_partnerships_the_viewer_may_see(client, bob, selecting):
    org = OrganizationFactory()
    PartnershipFactory(name="Someone else's deal", organization=org, managers=[manager()])
    candidate = CandidateFactory(partnership=selecting, organization=org)
    client.force_login(bob)
    body = _body(client.get(f"/partnerships/{selecting.pk}/candidates/{candidate.pk}/"))
    assert "Someone else's deal" not in body


def test_the_comparison_runs_the_same_queries_for_3_and_15_candidates(
    client, alice, bob, selecting
):
    def add(n: int) -> None:
        for _ in range(n):
            candidate = CandidateFactory(partnership=selecting)
            score_all(candidate, alice, 4)
            score_all(candidate, bob, 2)
            score_all(candidate, executive(), 3)

    add(3)
    client.force_login(alice)
    url = f"/partnerships/{selecting.pk}/selection/comparison/"
    three, _ = count_queries(client, url)
    add(12)
    fifteen, _ = count_queries(client, url)
    assert three == fifteen
    assert len(client.get(url).context["scorecard"].ranking) == 15


def test_the_selection_pages_run_a_fixed_number_of_queries(client, alice, bob, selecting):
    first = CandidateFactory(partnership=selecting)
    score_all(first, bob)
    score_all(first, alice)
    PartnershipFactory(organization=first.organization, stage=Stage.ENDED, ended_reason="Done")
    client.force_login(alice)

    def add_rows():
        for _ in range(8):
            org = OrganizationFactory()
            PartnershipFactory(organization=org, stage=Stage.ENDED, ended_reason="Done")
            candidate = CandidateFactory(partnership=selecting, organization=org)
            score_all(candidate, bob, 3)
            score_all(candidate, alice, 4)
        score_all(first, executive())
        score_all(first, executive())
        for _ in range(3):
            past = PartnershipFactory(organization=first.organization)
            ObjectiveFactory(partnership=past)

    pk = selecting.pk
    detail = f"/partnerships/{pk}/candidates/{first.pk}/"
    assert_constant_queries(client, f"/partnerships/{pk}/tab/selection/", add_rows)
    assert_constant_queries(client, f"/partnerships/{pk}/candidates/", add_rows)
    assert_constant_queries(client, detail, add_rows)
    assert_constant_queries(client, f"{detail}score/", add_rows)
    assert_constant_queries(client, f"/partnerships/{pk}/selection/comparison/", add_rows)


def test_the_candidate_list_paginates(client, alice, selecting):
    CandidateFactory.create_batch(30, partnership=selecting)
    client.force_login(alice)
    url = f"/partnerships/{selecting.pk}/candidates/"
    assert len(client.get(url).context["cards"]) == 25
    assert len(client.get(f"{url}?page=2").context["cards"]) == 5
