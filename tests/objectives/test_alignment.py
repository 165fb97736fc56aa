import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from objectives import services
from objectives.models import Alignment
from objectives.selectors import alignment_matrix

from ..factories import PartnershipFactory
from .factories import AlignmentFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(bobs_partnership):
    return ObjectiveFactory(partnership=bobs_partnership, title="Cut costs")


@pytest.fixture
def theirs(bobs_partnership):
    return ObjectiveFactory(partnership=bobs_partnership, party="partner", title="Sell more")


def test_linking_our_objective_to_the_partners_records_it(ours, theirs, bob):
    alignment = services.alignment_set(
        objective=ours, partner_objective=theirs, kind="partly", note="Only in Europe", by=bob
    )
    assert (alignment.kind, alignment.note) == ("partly", "Only in Europe")
    assert ours.partnership.activities.get().summary == (
        "“Cut costs” and the partner's “Sell more”: partly aligned"
    )


def test_linking_the_same_pair_again_changes_the_link(ours, theirs, bob):
    services.alignment_set(objective=ours, partner_objective=theirs, kind="aligned", by=bob)
    services.alignment_set(objective=ours, partner_objective=theirs, kind="conflicting", by=bob)
    assert Alignment.objects.get().kind == "conflicting"


def test_only_ours_can_be_linked_to_only_the_partners(ours, theirs, bob):
    with pytest.raises(ValidationError) as exc:
        services.alignment_set(objective=theirs, partner_objective=ours, kind="aligned", by=bob)
    assert exc.value.message_dict == {
        "objective": ["“Sell more” is not one of our objectives."],
        "partner_objective": ["“Cut costs” is not one of the partner's objectives."],
    }
    assert not Alignment.objects.exists()


def test_objectives_of_two_partnerships_cannot_be_linked(ours, bob):
    elsewhere = ObjectiveFactory(partnership=PartnershipFactory(), party="partner", title="Far")
    with pytest.raises(ValidationError) as exc:
        services.alignment_set(objective=ours, partner_objective=elsewhere, kind="aligned", by=bob)
    assert exc.value.message_dict["partner_objective"] == ["“Far” belongs to another partnership."]


def test_the_database_refuses_a_pair_twice_and_unknown_relations(ours, theirs):
    AlignmentFactory(objective=ours, partner_objective=theirs)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlignmentFactory(objective=ours, partner_objective=theirs)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlignmentFactory(objective=ours, kind="friendly")


def test_the_matrix_flags_every_objective_without_a_counterpart_and_every_conflict(
    bobs_partnership, ours, theirs
):
    lonely = ObjectiveFactory(partnership=bobs_partnership, title="Hire five engineers")
    unmatched = ObjectiveFactory(partnership=bobs_partnership, party="partner", title="Exclusivity")
    ObjectiveFactory(partnership=bobs_partnership, party="shared", title="Joint launch")
    AlignmentFactory(
        objective=ours, partner_objective=theirs, kind="conflicting", note="Margins clash."
    )

    matrix = alignment_matrix(bobs_partnership)

    assert [r.objective for r in matrix.rows] == [ours, lonely]
    assert matrix.theirs == [unmatched, theirs]
    assert [c.alignment.kind if c.alignment else None for c in matrix.rows[0].cells] == [
        None,
        "conflicting",
    ]
    assert matrix.findings == [
        "Our objective “Hire five engineers” has no counterpart among the partner's objectives.",
        "The partner's objective “Exclusivity” is not matched by any of ours.",
        "Conflict: our “Cut costs” works against the partner's “Sell more”. Margins clash.",
    ]
    assert [o.title for o in matrix.shared] == ["Joint launch"]
