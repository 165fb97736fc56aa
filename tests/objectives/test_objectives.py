import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from objectives import services
from objectives.models import Objective, Status
from partnerships.models import Activity

from .factories import AlignmentFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def _fields(**overrides) -> dict:
    return {
        "party": "ours",
        "category": "cost_savings",
        "title": "Cut the cost per order",
        "baseline": Decimal("6.40"),
        "target": Decimal("4.80"),
        "unit": "€",
        "due_date": datetime.date(2027, 6, 30),
        **overrides,
    }


def test_creating_an_objective_records_it_on_the_timeline(bobs_partnership, bob):
    objective = services.objective_create(partnership=bobs_partnership, by=bob, **_fields())
    assert objective.is_measurable
    activity = Activity.objects.get(partnership=bobs_partnership, kind="objective")
    assert activity.summary == "Ours objective added: Cut the cost per order"
    assert activity.actor == bob
    assert activity.url == objective.get_absolute_url()


def test_an_outsider_cannot_add_objectives(bobs_partnership, charlie):
    with pytest.raises(PermissionDenied):
        services.objective_create(partnership=bobs_partnership, by=charlie, **_fields())
    assert not Objective.objects.exists()


def test_the_owner_must_be_someone_who_sees_the_partnership(bobs_partnership, bob, charlie):
    with pytest.raises(ValidationError) as exc:
        services.objective_create(partnership=bobs_partnership, by=bob, **_fields(owner=charlie))
    assert "Charlie Chen cannot see this partnership" in exc.value.message_dict["owner"][0]
    assert not Objective.objects.exists()


def test_a_target_equal_to_the_baseline_is_refused_in_words(bobs_partnership, bob):
    with pytest.raises(ValidationError) as exc:
        services.objective_create(
            partnership=bobs_partnership, by=bob, **_fields(baseline=Decimal(5), target=Decimal(5))
        )
    assert exc.value.message_dict["target"] == [
        "The target must differ from the baseline, or there is nothing to achieve."
    ]


def test_the_database_refuses_a_target_equal_to_the_baseline(bobs_partnership):
    with pytest.raises(IntegrityError), transaction.atomic():
        ObjectiveFactory(partnership=bobs_partnership, baseline=5, target=5)


@pytest.mark.parametrize(
    "field, value",
    [("party", "nobody"), ("category", "fun"), ("status", "paused"), ("priority", "urgent")],
)
def test_the_database_refuses_unknown_choices(bobs_partnership, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        ObjectiveFactory(partnership=bobs_partnership, **{field: value})


def test_a_status_change_reads_as_such_on_the_timeline(bobs_partnership, bob):
    objective = ObjectiveFactory(partnership=bobs_partnership, title="Ship in Q3")
    services.objective_update(objective=objective, by=bob, status=Status.AT_RISK)
    assert bobs_partnership.activities.get().summary == "Objective “Ship in Q3” is now at risk"


def test_an_objective_that_changes_party_loses_links_that_no_longer_fit(bobs_partnership, bob):
    alignment = AlignmentFactory(objective__partnership=bobs_partnership)
    services.objective_update(objective=alignment.objective, by=bob, party="shared")
    assert not type(alignment).objects.exists()


def test_removing_an_objective_removes_its_links_and_says_so(bobs_partnership, bob):
    alignment = AlignmentFactory(objective__partnership=bobs_partnership, objective__title="X")
    services.objective_delete(objective=alignment.objective, by=bob)
    assert not type(alignment).objects.exists()
    assert bobs_partnership.activities.get().summary == "Objective removed: X"


@pytest.mark.parametrize(
    "baseline, current, target, status, progress",
    [
        (100, 90, 80, "on_track", 50),  # a reduction half done
        (0, 30, 60, "on_track", 50),
        (0, 80, 60, "on_track", 100),  # beyond the target counts as done
        (0, -5, 60, "at_risk", 0),  # going the wrong way counts as nothing
        (0, None, 60, "on_track", None),
        (0, None, 60, "achieved", 100),
    ],
)
def test_progress_runs_from_the_baseline_to_the_target(baseline, current, target, status, progress):
    objective = Objective(baseline=baseline, current=current, target=target, status=status)
    assert objective.progress == progress
