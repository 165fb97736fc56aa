import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import User

from ..factories import UserFactory, manager

pytestmark = pytest.mark.django_db


def test_a_user_holds_the_roles_of_their_groups_and_no_other(django_assert_num_queries):
    user = manager()
    user.groups.add(Group.objects.create(name="Book club"))
    user = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        assert user.role_names == {roles.PARTNER_MANAGER, "Book club"}
        assert user.is_partner_manager and not user.is_executive and not user.is_administrator
    assert user.role_label == roles.PARTNER_MANAGER


def test_a_role_taken_away_is_gone_on_the_next_request(client):
    user = manager()
    client.force_login(user)
    assert client.get("/partnerships/").status_code == 200
    user.groups.remove(Group.objects.get(name=roles.PARTNER_MANAGER))
    # Losing a role ends the session (accounts.signed_in); signed in again, the role is gone.
    assert client.get("/partnerships/")["Location"].startswith("/accounts/sign-in/")
    client.force_login(user)
    assert client.get("/partnerships/").status_code == 403
    assert User.objects.get(pk=user.pk).role_label == "No role yet"


def test_a_user_without_groups_has_no_role():
    assert UserFactory().role_names == frozenset()
