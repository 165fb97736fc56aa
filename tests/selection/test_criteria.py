from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from selection.defaults import ensure_default_criteria
from selection.models import Criterion

from .factories import CriterionFactory

pytestmark = pytest.mark.django_db


def test_a_migration_seeds_the_criteria_in_three_groups():
    seeded = list(Criterion.objects.values_list("name", "group", "active"))
    assert seeded == [
        ("Values", "compatibility", True),
        ("Strategic goals", "compatibility", True),
        ("Culture", "compatibility", True),
        ("Resources", "capability", True),
        ("Expertise", "capability", True),
        ("Reputation", "capability", True),
        ("Track record", "track_record", True),
    ]
    assert all(c.guidance for c in Criterion.objects.all())
    assert sum(c.weight for c in Criterion.objects.all()) == 100


@pytest.mark.parametrize("weight", [0, -5])
def test_the_database_refuses_a_weight_of_zero_or_less(weight):
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionFactory(weight=weight)


def test_the_admin_refuses_a_weight_of_zero_in_words_and_keeps_the_old_one(client, admin_user):
    criterion = Criterion.objects.get(name="Culture")
    client.force_login(admin_user)
    response = client.post(
        f"/admin/selection/criterion/{criterion.pk}/change/",
        {"name": "Culture", "group": "compatibility", "weight": "0", "guidance": "",
         "active": "on", "position": "30"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "The weight must be more than zero." in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.weight == Decimal("10")


def test_an_administrator_changes_a_weight_in_the_admin(client, admin_user):
    criterion = Criterion.objects.get(name="Culture")
    client.force_login(admin_user)
    response = client.post(
        f"/admin/selection/criterion/{criterion.pk}/change/",
        {"name": "Culture", "group": "compatibility", "weight": "25.5", "guidance": "Look",
         "active": "on", "position": "30"},
    )  # fmt: skip
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.weight == Decimal("25.5")


def test_criterion_names_are_unique_whatever_the_case(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/selection/criterion/add/",
        {"name": "CULTURE", "group": "compatibility", "weight": "5", "position": "0"},
    )
    assert "A criterion with this name already exists." in response.content.decode()


def test_an_installation_without_criteria_gets_the_defaults_and_no_removed_one_comes_back():
    Criterion.objects.exclude(name="Culture").delete()
    ensure_default_criteria()
    assert list(Criterion.objects.values_list("name", flat=True)) == ["Culture"]
    Criterion.objects.all().delete()
    ensure_default_criteria()
    assert Criterion.objects.count() == 7
