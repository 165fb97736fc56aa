"""Where you are signed in: two browsers of one person, one signs the other out."""

import re

import pytest
from playwright.sync_api import expect

from ..factories import manager
from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(context, user):
    page = context.new_page()
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def test_a_person_signs_out_their_other_browser_from_the_profile(new_context, screenshot):
    user = manager(email="sam@example.com", full_name="Sam Patel", time_zone="Europe/Berlin")
    laptop, phone = _sign_in(new_context(), user), _sign_in(new_context(), user)

    laptop.goto("/accounts/profile/")
    sessions = laptop.get_by_test_id("sessions")
    expect(sessions.get_by_role("listitem")).to_have_count(2)
    expect(sessions.get_by_text("This device")).to_have_count(1)
    expect(laptop.get_by_text("Times are in Europe/Berlin")).to_be_visible()
    assert_accessible(laptop)
    screenshot(laptop, "two-sessions")

    sessions.get_by_role("button", name="Sign out").click()
    expect(laptop.get_by_text("That session is signed out.")).to_be_visible()
    expect(laptop.get_by_text("You are signed in nowhere else.")).to_be_visible()
    screenshot(laptop, "one-session")

    phone.goto("/partnerships/")
    expect(phone).to_have_url(re.compile(r"/accounts/sign-in/"))
