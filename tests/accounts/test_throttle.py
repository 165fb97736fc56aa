"""Sign-in throttling that cannot be sidestepped: by the e-mail's case, by the address, by spreading
guesses over accounts, or by guessing the current password on the password-change page."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import call_command
from django.utils import timezone

from accounts import throttle

from ..factories import executive, manager

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
RIGHT = "secret-pass-123"


def sign_in(client, email, password="wrong", ip="10.0.0.1", **extra):
    return client.post(SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def jordan(db):
    return executive(email="jordan@accord.example", full_name="Jordan Reyes")


def test_five_wrong_then_the_right_password_in_another_case_is_refused(client, jordan):
    # The variant that got in: the lock counted "jordan@" while sign-in matched "Jordan@" too.
    for _ in range(5):
        sign_in(client, "jordan@accord.example")
    response = sign_in(client, "Jordan@accord.example", RIGHT)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert not signed_in(client)


def test_case_variants_share_one_count(client, jordan):
    for email in ["jordan@accord.example"] * 2 + ["JOrdan@accord.example", "JORDAN@ACCORD.EXAMPLE"]:
        assert sign_in(client, email).status_code == 200
    # The fifth failure, whatever its case, locks the account at this address.
    assert sign_in(client, "jOrDaN@accord.example").status_code == 429
    assert sign_in(client, "Jordan@accord.example", RIGHT).status_code == 429
    assert AccessAttempt.objects.get().username == "jordan@accord.example"


def test_an_unknown_e_mail_is_counted_in_lower_case(client):
    for email in ["Nobody@Accord.example", "NOBODY@accord.example"]:
        sign_in(client, email)
    assert set(AccessFailureLog.objects.values_list("username", flat=True)) == {
        "nobody@accord.example"
    }


def test_another_address_does_not_start_from_zero(client, jordan):
    for _ in range(5):
        sign_in(client, "jordan@accord.example", ip="10.0.0.1")
    # From a second address the account has only what is left of its account-wide allowance.
    for _ in range(4):
        assert sign_in(client, "jordan@accord.example", ip="10.0.0.2").status_code == 200
    locked = sign_in(client, "Jordan@accord.example", ip="10.0.0.2")
    assert locked.status_code == 429
    # And from a third, with the right password, it is still refused.
    response = sign_in(client, "jordan@accord.example", RIGHT, ip="10.0.0.3")
    assert response.status_code == 429
    assert "from more than one place" in response.content.decode()
    assert not signed_in(client)


def test_a_guess_spread_over_many_addresses_is_stopped_for_a_short_while(client, jordan):
    for n in range(10):
        sign_in(client, "jordan@accord.example", ip=f"10.1.0.{n}")
    response = sign_in(client, "jordan@accord.example", RIGHT, ip="10.1.0.99")
    assert response.status_code == 429
    # A short lock: it lifts once the oldest of those failures leaves the ten-minute window.
    assert 0 < int(response["Retry-After"]) <= 10 * 60
    AccessFailureLog.objects.update(attempt_time=timezone.now() - timedelta(minutes=11))
    assert sign_in(client, "jordan@accord.example", RIGHT, ip="10.1.0.99").status_code == 302
    assert signed_in(client)


def test_spraying_many_accounts_from_one_address_locks_that_address(client, jordan):
    for n in range(10):
        manager(email=f"person{n}@accord.example")
        sign_in(client, f"person{n}@accord.example", ip="203.0.113.7")
    response = sign_in(client, "jordan@accord.example", RIGHT, ip="203.0.113.7")
    assert response.status_code == 429
    assert "too many different accounts" in response.content.decode()
    assert not signed_in(client)
    # The accounts themselves are not locked: from elsewhere, Jordan signs in.
    assert sign_in(client, "jordan@accord.example", RIGHT, ip="198.51.100.1").status_code == 302


def test_the_lock_says_when_to_come_back_and_guesses_during_it_do_not_extend_it(client, jordan):
    for _ in range(5):
        last = sign_in(client, "jordan@accord.example")
    assert last.status_code == 429
    assert 14 * 60 < int(last["Retry-After"]) <= 15 * 60 + 1
    for _ in range(5):
        assert sign_in(client, "jordan@accord.example").status_code == 429
    assert AccessAttempt.objects.get().failures_since_start == 5
    assert AccessFailureLog.objects.count() == 5


def test_a_forged_forwarded_for_header_earns_no_fresh_tries(client, jordan):
    for n in range(5):
        sign_in(client, "jordan@accord.example", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = sign_in(client, "jordan@accord.example", RIGHT, HTTP_X_FORWARDED_FOR="192.0.2.50")
    assert response.status_code == 429


def test_behind_our_proxy_the_address_it_saw_is_the_one_counted(client, jordan, settings):
    settings.ACCORD_PROXY_COUNT = 1
    # The left entry is the client's say-so; the right one was written by our proxy.
    for n in range(5):
        sign_in(
            client,
            "jordan@accord.example",
            ip="10.9.9.9",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.20",
        )
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {"198.51.100.20"}
    response = sign_in(
        client, "jordan@accord.example", RIGHT, ip="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.21"
    )
    assert response.status_code == 302


def test_guessing_the_current_password_counts_like_a_failed_sign_in(client, jordan):
    client.force_login(jordan)
    data = {"new_password1": "x-long-one-2026", "new_password2": "x-long-one-2026"}
    for _ in range(4):
        response = client.post(
            "/accounts/password/", {**data, "old_password": "guess"}, REMOTE_ADDR="10.0.0.1"
        )
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in response.content.decode()
    # Four guesses there and one here are the account's five at this address.
    client.logout()
    assert sign_in(client, "jordan@accord.example", ip="10.0.0.1").status_code == 429


def test_the_password_change_locks_after_five_wrong_current_passwords(client, jordan):
    client.force_login(jordan)
    data = {"new_password1": "x-long-one-2026", "new_password2": "x-long-one-2026"}
    for _ in range(5):
        client.post(
            "/accounts/password/", {**data, "old_password": "guess"}, REMOTE_ADDR="10.0.0.1"
        )
    response = client.post(
        "/accounts/password/", {**data, "old_password": RIGHT}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    jordan.refresh_from_db()
    assert jordan.check_password(RIGHT)
    # The same count guards the sign-in.
    client.logout()
    assert sign_in(client, "jordan@accord.example", RIGHT, ip="10.0.0.1").status_code == 429


def test_an_administrator_unlocks_an_account_in_admin(client, jordan, admin_user):
    for n in range(10):
        sign_in(client, "Jordan@accord.example", ip=f"10.2.0.{n}")
    assert sign_in(client, "jordan@accord.example", RIGHT, ip="10.2.0.0").status_code == 429
    admin = client.__class__()
    admin.force_login(admin_user)
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [jordan.pk]},
        follow=True,
    )
    assert "Sign-in unlocked for 1 account" in response.content.decode()
    assert not AccessFailureLog.objects.exists()
    assert sign_in(client, "jordan@accord.example", RIGHT, ip="10.2.0.0").status_code == 302


def test_the_unlock_command_lifts_an_account_or_an_address(client, jordan, capsys):
    for _ in range(5):
        sign_in(client, "jordan@accord.example", ip="10.3.0.1")
    call_command("unlock_sign_in", "--email", "JORDAN@accord.example")
    assert "unlocked" in capsys.readouterr().out
    assert sign_in(client, "jordan@accord.example", RIGHT, ip="10.3.0.1").status_code == 302

    client.logout()
    for n in range(10):
        sign_in(client, f"sprayed{n}@accord.example", ip="203.0.113.9")
    assert sign_in(client, "jordan@accord.example", RIGHT, ip="203.0.113.9").status_code == 429
    call_command("unlock_sign_in", "--ip", "203.0.113.9")
    assert sign_in(client, "jordan@accord.example", RIGHT, ip="203.0.113.9").status_code == 302


def test_pruning_keeps_only_the_failures_a_window_still_counts(client, jordan):
    sign_in(client, "jordan@accord.example")
    sign_in(client, "someone@accord.example")
    AccessFailureLog.objects.filter(username="someone@accord.example").update(
        attempt_time=timezone.now() - timedelta(hours=2)
    )
    assert throttle.prune_failure_log() == 1
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == [
        "jordan@accord.example"
    ]


def test_the_failure_log_is_pruned_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-prune-sign-in-failures"]
    assert entry["task"] == "accounts.tasks.prune_sign_in_failures"
