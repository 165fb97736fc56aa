import pytest
from django.core.management import call_command

from accounts.models import User
from partnerships.models import Organization, Partnership, Stage, Transition

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_a_user_per_role_and_partnerships_in_every_stage():
    call_command("seed_demo")
    coo = User.objects.get(email="coo@accord.example")
    assert coo.is_executive and coo.check_password("accord-demo")
    assert User.objects.get(email="manager@accord.example").is_partner_manager
    assert User.objects.get(email="admin@accord.example").is_administrator
    assert Partnership.objects.count() >= 12
    assert set(Partnership.objects.values_list("stage", flat=True)) == set(Stage.values)
    active = Partnership.objects.filter(stage=Stage.ACTIVE)
    assert all(p.next_check_in_due and p.check_in_cadence for p in active)


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    counts = (
        User.objects.count(),
        Organization.objects.count(),
        Partnership.objects.count(),
        Transition.objects.count(),
    )
    call_command("seed_demo")
    call_command("seed_demo", if_empty=True)
    assert counts == (
        User.objects.count(),
        Organization.objects.count(),
        Partnership.objects.count(),
        Transition.objects.count(),
    )
