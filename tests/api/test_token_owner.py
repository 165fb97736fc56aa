"""A token acts as its user, never more: an inactive user's token is refused, a user left without
a role (an administrator, or SSO's group map, took it) gets nothing."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles

from .conftest import api_client, token_for

pytestmark = pytest.mark.django_db


def test_a_deactivated_users_token_gets_401(bob, bobs_partnership):
    secret = token_for(bob)
    assert api_client(secret).get("/api/v1/partnerships/").status_code == 200
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    response = api_client(secret).get("/api/v1/partnerships/")
    assert response.status_code == 401


def test_a_user_whose_role_was_removed_gets_403(bob, bobs_partnership):
    secret = token_for(bob)
    bob.groups.remove(Group.objects.get(name=roles.PARTNER_MANAGER))
    assert api_client(secret).get("/api/v1/partnerships/").status_code == 403
