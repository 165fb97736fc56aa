"""The audit log: every sensitive action is written once, with who and from where, and nothing
changes or removes an event but the retention prune."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from accounts import roles
from audit import services
from audit.models import Action, AppendOnly, AuditEvent
from portal import services as portal

from ..agreements.conftest import media_root as media_root  # a fixture
from ..agreements.factories import AgreementFactory, with_document
from ..factories import executive, manager
from ..portal.factories import invite, live_partnership

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
RIGHT = "secret-pass-123"
BROWSER = "Mozilla/5.0 (Audit test)"


def events(action: Action, **filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("pk"))


def only(action: Action, **filters) -> AuditEvent:
    found = events(action, **filters)
    assert len(found) == 1, found
    return found[0]


def sign_in(client, email, password, ip="198.51.100.7"):
    return client.post(
        SIGN_IN,
        {"username": email, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=BROWSER,
    )


@pytest.fixture
def olivia(db):
    return executive(email="olivia@accord.example", full_name="Olivia Grant")


# Signing in and out ------------------------------------------------------------------------------


def test_a_sign_in_is_recorded_with_who_how_and_from_where(client, olivia):
    assert sign_in(client, "Olivia@Accord.example", RIGHT).status_code == 302
    event = only(Action.SIGNED_IN)
    assert event.actor == olivia and event.actor_email == "olivia@accord.example"
    assert event.ip_address == "198.51.100.7" and event.user_agent == BROWSER
    assert event.extra == {"method": "password"}
    assert (event.target_type, event.target_id) == ("accounts.user", str(olivia.pk))


def test_a_failed_sign_in_keeps_the_e_mail_as_typed_in_lower_case(client, olivia):
    sign_in(client, "Olivia@Accord.example", "wrong")
    sign_in(client, "nobody@accord.example", "wrong")
    failed = events(Action.SIGN_IN_FAILED)
    assert [e.actor_email for e in failed] == ["olivia@accord.example", "nobody@accord.example"]
    assert all(e.actor is None and e.ip_address == "198.51.100.7" for e in failed)
    assert not events(Action.SIGNED_IN)


def test_a_lockout_is_recorded_with_the_limit_that_was_reached(client, olivia):
    for _ in range(6):
        sign_in(client, "olivia@accord.example", "wrong")
    locked = events(Action.LOCKED_OUT)
    assert locked and locked[0].actor_email == "olivia@accord.example"
    assert locked[0].extra["limit"]


def test_signing_out_is_recorded(client, olivia):
    sign_in(client, "olivia@accord.example", RIGHT)
    client.post("/accounts/sign-out/")
    event = only(Action.SIGNED_OUT)
    assert event.actor == olivia


def test_a_partner_contact_signing_in_by_link_is_recorded_as_such(client, alice, bob):
    from ..portal.factories import delivered_link, sign_in_with

    access = invite(live_partnership(alice, [bob]), bob)
    sign_in_with(client, delivered_link(access.contact.user))
    assert only(Action.SIGNED_IN).extra == {"method": "portal link"}


def test_a_user_agent_with_nul_and_surrogates_is_stored_readably(olivia):
    client = Client(HTTP_USER_AGENT="evil\x00agent\ud800")
    client.post(SIGN_IN, {"username": "olivia@accord.example", "password": RIGHT})
    assert only(Action.SIGNED_IN).user_agent == "evil\ufffdagent\ufffd"


# Passwords, roles and unlocks --------------------------------------------------------------------


def test_changing_ones_password_is_recorded(client, olivia):
    client.force_login(olivia)
    before = len(events(Action.PASSWORD_CHANGED))
    response = client.post(
        "/accounts/password/",
        {
            "old_password": RIGHT,
            "new_password1": "a-much-longer-one-2026",
            "new_password2": "a-much-longer-one-2026",
        },
        REMOTE_ADDR="198.51.100.8",
    )
    assert response.status_code == 302
    changed = events(Action.PASSWORD_CHANGED)[before:]
    assert len(changed) == 1
    assert changed[0].actor == olivia and changed[0].target_id == str(olivia.pk)
    assert changed[0].ip_address == "198.51.100.8"


def test_the_password_page_says_the_change_is_recorded_and_shows_no_empty_rule(client, olivia):
    client.force_login(olivia)
    page = client.get("/accounts/password/").content.decode()
    assert "recorded in the audit log" in page
    assert "<li></li>" not in page


@pytest.mark.parametrize("path", ["user.groups", "group.user_set"])
def test_a_role_granted_or_removed_by_either_side_of_the_relation_is_recorded(path, olivia):
    group = Group.objects.get(name=roles.ADMINISTRATOR)
    if path == "user.groups":
        olivia.groups.add(group)
        olivia.groups.remove(group)
    else:
        group.user_set.add(olivia)
        group.user_set.remove(olivia)
    # The fixture's own grant (Executive) is in the log too.
    granted = only(Action.ROLE_GRANTED, extra__role=roles.ADMINISTRATOR)
    removed = only(Action.ROLE_REMOVED)
    for event in (granted, removed):
        assert event.target_id == str(olivia.pk)
        assert event.extra == {"role": roles.ADMINISTRATOR}
        assert event.actor is None  # nobody signed in: the shell or a script


@pytest.mark.parametrize("side", ["user", "group"])
def test_clearing_roles_records_each_one_removed(side, olivia):
    group = Group.objects.get(name=roles.EXECUTIVE)
    other = manager(email="sam@accord.example")
    if side == "user":
        olivia.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
        olivia.groups.clear()
        expected = {(str(olivia.pk), roles.EXECUTIVE), (str(olivia.pk), roles.ADMINISTRATOR)}
    else:
        group.user_set.add(other)
        group.user_set.clear()
        expected = {(str(olivia.pk), roles.EXECUTIVE), (str(other.pk), roles.EXECUTIVE)}
    assert {(e.target_id, e.extra["role"]) for e in events(Action.ROLE_REMOVED)} == expected


def test_a_role_granted_in_admin_names_the_administrator(client, olivia, admin_user):
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{olivia.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and name != "password"
    }
    data["groups"] = [
        g.pk for g in Group.objects.filter(name__in=[roles.EXECUTIVE, roles.ADMINISTRATOR])
    ]
    data["user_permissions"] = []
    for name in ("last_login", "date_joined"):
        data.pop(name, None)
    response = client.post(f"/admin/accounts/user/{olivia.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = only(Action.ROLE_GRANTED, actor=admin_user)
    assert event.target_id == str(olivia.pk) and event.extra == {"role": roles.ADMINISTRATOR}


def test_unlocking_in_admin_and_by_command_is_recorded(client, olivia, admin_user):
    for _ in range(5):
        sign_in(client, "olivia@accord.example", "wrong")
    admin = Client()
    admin.force_login(admin_user)
    admin.post(
        "/admin/accounts/user/", {"action": "unlock_sign_in", "_selected_action": [olivia.pk]}
    )
    by_admin = only(Action.SIGN_IN_UNLOCKED)
    assert by_admin.actor == admin_user
    assert by_admin.extra["email"] == "olivia@accord.example" and by_admin.extra["removed"] > 0

    call_command("unlock_sign_in", "--ip", "198.51.100.7")
    by_command = events(Action.SIGN_IN_UNLOCKED)[-1]
    assert by_command.actor is None and by_command.extra["address"] == "198.51.100.7"


# Exports, downloads and the portal ---------------------------------------------------------------


def test_every_export_is_recorded_with_what_was_asked_for(client, alice, bobs_partnership):
    client.force_login(alice)
    client.get("/partnerships/export.csv?stage=active&q=north")
    client.get("/agreements/export.csv")
    client.get(f"/partnerships/{bobs_partnership.pk}/performance/kpis/export.csv")
    exported = events(Action.EXPORTED)
    assert [e.extra["export"] for e in exported] == ["partnerships", "agreements", "kpis"]
    assert all(e.actor == alice for e in exported)
    assert exported[0].extra["query"] == "stage=active&q=north"
    assert exported[0].target_label.startswith("partnerships-")
    assert exported[2].target_id == str(bobs_partnership.pk)
    assert exported[2].target_label.startswith("Northwind supply · kpis-")


def test_an_agreement_document_download_is_recorded(client, bob, bobs_partnership, media_root):
    agreement = with_document(AgreementFactory(partnership=bobs_partnership, version=2))
    client.force_login(bob)
    url = f"/partnerships/{bobs_partnership.pk}/agreements/{agreement.pk}/document/"
    response = client.get(url)
    assert response.status_code == 200
    event = only(Action.DOCUMENT_DOWNLOADED)
    assert event.actor == bob and event.target_id == str(agreement.pk)
    assert event.target_label == "Northwind supply · v2 · Signed agreement.pdf"


def test_a_refused_download_or_export_writes_nothing(client, charlie, bobs_partnership):
    agreement = AgreementFactory(partnership=bobs_partnership, version=1)
    client.force_login(charlie)
    url = f"/partnerships/{bobs_partnership.pk}/agreements/{agreement.pk}/document/"
    assert client.get(url).status_code == 404
    assert (
        client.get(f"/partnerships/{bobs_partnership.pk}/performance/kpis/export.csv").status_code
        == 404
    )
    assert not events(Action.DOCUMENT_DOWNLOADED) and not events(Action.EXPORTED)


def test_inviting_revoking_and_link_requests_are_recorded(alice, bob):
    partnership = live_partnership(alice, [bob], name="Contoso")
    access = invite(partnership, bob)
    invited = only(Action.PORTAL_INVITED)
    assert invited.actor == bob and invited.extra == {"email": access.contact.email}
    portal.revoke(access=access, by=bob)
    revoked = only(Action.PORTAL_REVOKED)
    assert revoked.actor == bob and revoked.target_label == f"{access.contact.name} · Contoso"
    portal.request_link(email="Unknown@Example.com", ip_address="198.51.100.9")
    assert only(Action.PORTAL_LINK_REQUESTED).actor_email == "unknown@example.com"


# Append-only -------------------------------------------------------------------------------------


@pytest.fixture
def event(olivia):
    return services.record(Action.EXPORTED, actor=olivia, label="partnerships.csv")


def test_the_model_refuses_to_change_or_delete_an_event(event):
    event.target_label = "nothing to see"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET target_label = 'nothing to see'",
        "UPDATE audit_auditevent SET actor_email = '', actor_id = NULL",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    event.refresh_from_db()
    assert event.target_label == "partnerships.csv" and event.actor_email == "olivia@accord.example"


def test_a_queryset_delete_is_refused_too(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_a_user_keeps_their_events_by_e_mail(event, olivia):
    olivia.delete()
    event.refresh_from_db()
    assert event.actor is None and event.actor_email == "olivia@accord.example"


# Retention ---------------------------------------------------------------------------------------


def _aged(days: int, label: str) -> AuditEvent:
    event = services.record(Action.EXPORTED, label=label)
    # `at` is written once by the database; only a test reaches back in time, past the trigger.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_auditevent SET at = %s WHERE id = %s",
            [timezone.now() - timedelta(days=days), event.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    return event


def test_pruning_removes_only_what_is_older_than_the_retention(settings):
    settings.ACCORD_AUDIT_RETENTION_DAYS = 30
    _aged(31, "old")
    _aged(29, "recent")
    assert services.prune() == 1
    assert list(AuditEvent.objects.values_list("target_label", flat=True)) == ["recent"]


def test_a_retention_of_zero_keeps_everything(settings):
    settings.ACCORD_AUDIT_RETENTION_DAYS = 0
    _aged(4000, "ancient")
    assert services.prune() == 0
    call_command("prune_audit")
    assert AuditEvent.objects.filter(target_label="ancient").exists()


def test_the_command_and_the_daily_task_prune(settings):
    from audit.tasks import prune_audit

    settings.ACCORD_AUDIT_RETENTION_DAYS = 10
    _aged(11, "one")
    call_command("prune_audit")
    _aged(11, "two")
    prune_audit()
    assert not AuditEvent.objects.filter(target_label__in=["one", "two"]).exists()
    assert settings.CELERY_BEAT_SCHEDULE["audit-prune"]["task"] == "audit.tasks.prune_audit"


# Reading it in admin -----------------------------------------------------------------------------


def test_administrators_read_and_filter_but_never_add_change_or_delete(client, admin_user, event):
    client.force_login(admin_user)
    listing = client.get("/admin/audit/auditevent/?action=exported")
    assert listing.status_code == 200 and "partnerships.csv" in listing.content.decode()
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    detail = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert detail.status_code == 200 and 'name="target_label"' not in detail.content.decode()
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {}).status_code == 403
    assert (
        client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk, target_label="partnerships.csv").exists()


def test_our_other_roles_cannot_open_the_log(client, olivia, event):
    client.force_login(olivia)
    assert client.get("/admin/audit/auditevent/").status_code in (302, 403, 404)


def test_the_admin_list_runs_the_same_queries_whatever_its_length(client, admin_user):
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/audit/auditevent/").status_code == 200
        return len(queries)

    users = [executive(email=f"u{n}@accord.example") for n in range(3)]
    for user in users:
        services.record(Action.EXPORTED, actor=user, label="few")
    few = count()
    users += [executive(email=f"v{n}@accord.example") for n in range(30)]
    for user in users:
        services.record(Action.EXPORTED, actor=user, label="many")
    assert count() == few
