import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from partnerships import services as partnership_services
from partnerships.models import Activity, Organization, Stage
from selection import services
from selection.models import Candidate, Criterion, Score

from ..factories import OrganizationFactory, PartnershipFactory
from .factories import CandidateFactory, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def selecting(bobs_partnership):
    bobs_partnership.stage = Stage.SELECTING
    bobs_partnership.save()
    return bobs_partnership


def _sheet(value: int = 4, comment: str = "") -> dict:
    return {c: (value, comment) for c in Criterion.objects.active()}


# Candidates ----------------------------------------------------------------------------------


def test_a_candidate_is_added_from_a_known_or_a_new_organisation(selecting, bob):
    known = OrganizationFactory(name="Helios")
    first = services.candidate_add(partnership=selecting, by=bob, organization=known)
    second = services.candidate_add(
        partnership=selecting, by=bob, new_organization_name="  Quanta ", status="short_list"
    )
    assert first.organization == known and first.status == "long_list"
    assert second.organization.name == "Quanta" and second.status == "short_list"
    assert Activity.objects.filter(kind="selection").count() == 2


@pytest.mark.parametrize("both", [True, False])
def test_a_candidate_needs_exactly_one_organisation(selecting, bob, both):
    kwargs = {"organization": OrganizationFactory(), "new_organization_name": "X"} if both else {}
    with pytest.raises(ValidationError) as exc:
        services.candidate_add(partnership=selecting, by=bob, **kwargs)
    assert "Choose an organisation, or give the name" in exc.value.message_dict["organization"][0]
    assert not Candidate.objects.exists()


def test_a_new_organisation_with_a_known_name_is_refused_in_words(selecting, bob):
    OrganizationFactory(name="Quanta")
    with pytest.raises(ValidationError) as exc:
        services.candidate_add(partnership=selecting, by=bob, new_organization_name="QUANTA")
    assert exc.value.message_dict["new_organization_name"] == [
        "An organization with this name already exists."
    ]


def test_an_organisation_is_a_candidate_once_per_partnership(selecting, bob):
    org = OrganizationFactory()
    services.candidate_add(partnership=selecting, by=bob, organization=org)
    with pytest.raises(ValidationError):
        services.candidate_add(partnership=selecting, by=bob, organization=org)
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidateFactory(partnership=selecting, organization=org)


def test_candidates_cannot_be_added_once_the_choice_is_made(bob):
    agreeing = PartnershipFactory(stage=Stage.AGREEING, managers=[bob])
    with pytest.raises(ValidationError) as exc:
        services.candidate_add(partnership=agreeing, by=bob, new_organization_name="Late")
    assert "The choice of partner is closed" in exc.value.messages[0]
    assert not Organization.objects.filter(name="Late").exists()


def test_an_outsider_cannot_add_candidates(selecting, charlie):
    with pytest.raises(PermissionDenied):
        services.candidate_add(partnership=selecting, by=charlie, new_organization_name="X")


def test_a_declined_candidate_has_a_reason_and_can_come_back(selecting, bob):
    candidate = CandidateFactory(partnership=selecting)
    with pytest.raises(ValidationError):
        services.candidate_decline(candidate=candidate, by=bob, reason="  ")
    services.candidate_decline(candidate=candidate, by=bob, reason="Too small")
    candidate.refresh_from_db()
    assert (candidate.status, candidate.declined_reason) == ("declined", "Too small")
    services.candidate_update(candidate=candidate, by=bob, status="short_list")
    candidate.refresh_from_db()
    assert (candidate.status, candidate.declined_reason) == ("short_list", "")


def test_the_database_refuses_a_declined_candidate_without_a_reason(selecting):
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidateFactory(partnership=selecting, status="declined", declined_reason="")


# Scores --------------------------------------------------------------------------------------


def test_an_evaluator_scores_every_criterion_once_and_may_revise(selecting, bob):
    candidate = CandidateFactory(partnership=selecting)
    services.scores_submit(candidate=candidate, evaluator=bob, scores=_sheet(3, "ok"))
    services.scores_submit(candidate=candidate, evaluator=bob, scores=_sheet(5))
    scores = Score.objects.filter(candidate=candidate, evaluator=bob)
    assert scores.count() == 7
    assert set(scores.values_list("value", flat=True)) == {5}
    summaries = list(Activity.objects.order_by("pk").values_list("summary", flat=True))
    org = candidate.organization.name
    assert summaries == [f"Bob Brown scored {org}", f"Bob Brown revised their scores of {org}"]


@pytest.mark.parametrize("value", [0, 6, -1, "4", 2.5, True])
def test_a_score_outside_1_to_5_is_refused_and_nothing_changes(selecting, bob, value):
    candidate = CandidateFactory(partnership=selecting)
    sheet = _sheet()
    sheet[Criterion.objects.get(name="Culture")] = (value, "")
    with pytest.raises(ValidationError) as exc:
        services.scores_submit(candidate=candidate, evaluator=bob, scores=sheet)
    assert exc.value.message_dict["Culture"] == ["Give a score from 1 to 5."]
    assert not Score.objects.exists()


@pytest.mark.parametrize("value", [0, 6])
def test_the_database_refuses_a_score_outside_1_to_5(selecting, bob, value):
    candidate = CandidateFactory(partnership=selecting)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            candidate=candidate, criterion=Criterion.objects.first(), evaluator=bob, value=value
        )


def test_the_database_keeps_one_score_per_evaluator_criterion_and_candidate(selecting, bob):
    candidate = CandidateFactory(partnership=selecting)
    criterion = Criterion.objects.first()
    Score.objects.create(candidate=candidate, criterion=criterion, evaluator=bob, value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(candidate=candidate, criterion=criterion, evaluator=bob, value=4)


def test_a_sheet_must_cover_every_active_criterion(selecting, bob):
    candidate = CandidateFactory(partnership=selecting)
    sheet = _sheet()
    del sheet[Criterion.objects.get(name="Values")]
    with pytest.raises(ValidationError) as exc:
        services.scores_submit(candidate=candidate, evaluator=bob, scores=sheet)
    assert exc.value.messages == ["Score every criterion; missing: Values."]
    assert not Score.objects.exists()


def test_a_declined_candidate_cannot_be_scored(selecting, bob):
    candidate = CandidateFactory(partnership=selecting, status="declined", declined_reason="No")
    with pytest.raises(ValidationError) as exc:
        services.scores_submit(candidate=candidate, evaluator=bob, scores=_sheet())
    assert exc.value.messages == [f"{candidate} is declined: it can no longer be scored."]
    assert not Score.objects.exists()


def test_only_people_who_see_the_partnership_may_score(selecting, charlie, alice):
    candidate = CandidateFactory(partnership=selecting)
    with pytest.raises(PermissionDenied):
        services.scores_submit(candidate=candidate, evaluator=charlie, scores=_sheet())
    services.scores_submit(candidate=candidate, evaluator=alice, scores=_sheet())
    assert Score.objects.filter(evaluator=alice).count() == 7


# Choosing ------------------------------------------------------------------------------------


def test_choosing_a_candidate_makes_it_the_partner_and_declines_the_others(selecting, alice):
    chosen = CandidateFactory(partnership=selecting, organization__name="PayWave")
    other = CandidateFactory(partnership=selecting, organization__name="Ledgerline")
    gone = CandidateFactory(partnership=selecting, status="declined", declined_reason="Too small")
    assert partnership_services.gate(selecting, Stage.AGREEING).missing

    services.choose_candidate(
        partnership=selecting, candidate=chosen, by=alice, reason="PayWave covers Europe."
    )

    selecting.refresh_from_db()
    assert selecting.organization.name == "PayWave"
    assert partnership_services.gate(selecting, Stage.AGREEING).is_open
    chosen.refresh_from_db(), other.refresh_from_db(), gone.refresh_from_db()
    assert chosen.status == "chosen"
    assert (other.status, other.declined_reason) == ("declined", "PayWave covers Europe.")
    assert gone.declined_reason == "Too small"
    assert selecting.activities.get().summary == (
        "PayWave chosen as the partner; declined Ledgerline"
    )
    partnership_services.partnership_move(partnership=selecting, to_stage=Stage.AGREEING, by=alice)


def test_without_a_reason_the_others_are_told_who_was_chosen(selecting, alice):
    chosen = CandidateFactory(partnership=selecting, organization__name="PayWave")
    other = CandidateFactory(partnership=selecting)
    services.choose_candidate(partnership=selecting, candidate=chosen, by=alice)
    other.refresh_from_db()
    assert other.declined_reason == "PayWave was chosen as the partner."


def _nothing_changed(partnership, *candidates) -> None:
    partnership.refresh_from_db()
    assert partnership.organization is None
    for c in candidates:
        before = c.status
        c.refresh_from_db()
        assert c.status == before
    assert not Activity.objects.filter(partnership=partnership).exists()


def test_a_candidate_of_another_partnership_cannot_be_chosen(selecting, alice):
    foreign = CandidateFactory()
    mine = CandidateFactory(partnership=selecting)
    with pytest.raises(ValidationError) as exc:
        services.choose_candidate(partnership=selecting, candidate=foreign, by=alice)
    assert exc.value.messages == [f"{foreign} is a candidate of another partnership."]
    _nothing_changed(selecting, mine)
    _nothing_changed(foreign.partnership, foreign)


def test_a_second_candidate_cannot_be_chosen(selecting, alice):
    first = CandidateFactory(partnership=selecting, organization__name="PayWave")
    second = CandidateFactory(partnership=selecting)
    services.choose_candidate(partnership=selecting, candidate=first, by=alice)
    services.candidate_update(candidate=second, by=alice, status="long_list")
    with pytest.raises(ValidationError) as exc:
        services.choose_candidate(partnership=selecting, candidate=second, by=alice)
    assert exc.value.messages == ["PayWave is already chosen as the partner."]
    second.refresh_from_db()
    assert second.status == "long_list"


def test_the_database_refuses_two_chosen_candidates(selecting):
    CandidateFactory(partnership=selecting, status="chosen")
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidateFactory(partnership=selecting, status="chosen")


def test_a_declined_candidate_cannot_be_chosen(selecting, alice):
    declined = CandidateFactory(partnership=selecting, status="declined", declined_reason="No")
    with pytest.raises(ValidationError) as exc:
        services.choose_candidate(partnership=selecting, candidate=declined, by=alice)
    assert "was declined" in exc.value.messages[0]
    _nothing_changed(selecting, declined)


def test_a_partner_is_chosen_only_while_choosing(bobs_partnership, alice):
    candidate = CandidateFactory(partnership=bobs_partnership)
    with pytest.raises(ValidationError) as exc:
        services.choose_candidate(partnership=bobs_partnership, candidate=candidate, by=alice)
    assert "this one is “Defining objectives”" in exc.value.messages[0]
    _nothing_changed(bobs_partnership, candidate)


def test_scores_are_kept_when_a_candidate_is_chosen(selecting, alice, bob):
    chosen = CandidateFactory(partnership=selecting)
    score_all(chosen, bob)
    services.choose_candidate(partnership=selecting, candidate=chosen, by=alice)
    assert Score.objects.filter(candidate=chosen).count() == 7
