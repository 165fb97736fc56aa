"""Administrators keep the question set and the settings; a check's admin page says who was
asked and whether they answered, never what anyone said."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from healthcheck.models import HealthCheckSettings, Question, TooManyOpenQuestions

from .factories import answer, open_check, world

pytestmark = pytest.mark.django_db


def test_the_default_question_set_has_three_statements_per_area_and_two_open_questions():
    statements = Question.objects.filter(kind="rating")
    assert sorted(set(statements.values_list("area", flat=True))) == [
        "governance", "operational", "relationship", "strategic",
    ]  # fmt: skip
    assert statements.count() == 12
    assert Question.objects.filter(kind="open").count() == 2


def test_a_third_open_question_is_refused_in_words():
    with pytest.raises(ValidationError, match="at most 2 open questions"):
        Question(kind="open", text="A third?").full_clean()
    with pytest.raises(ValidationError, match="Choose the area"):
        Question(kind="rating", text="No area").full_clean()


def _one_open_active_and_two_spare() -> tuple[Question, Question]:
    _first, second = Question.objects.filter(kind="open", active=True).order_by("pk")
    Question.objects.filter(pk=second.pk).update(active=False)
    spare = [Question.objects.create(kind="open", text=f"Spare {n}?", active=False) for n in (1, 2)]
    return spare[0], spare[1]


def _changelist(client, rows: list[Question], active: set[int]):
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "Save"}
    for n, q in enumerate(rows):
        data[f"form-{n}-id"] = q.pk
        data[f"form-{n}-position"] = q.position
        if q.pk in active:
            data[f"form-{n}-active"] = "on"
    return client.post("/admin/healthcheck/question/", data)


def test_the_changelist_cannot_tick_two_open_questions_past_the_limit(client, admin_user):
    """Each row alone sees one other active: the page as a whole would leave three."""
    client.force_login(admin_user)
    a, b = _one_open_active_and_two_spare()
    page = _changelist(client, [a, b], {a.pk, b.pk})
    assert page.status_code == 200
    assert "this would leave 3 active" in page.content.decode()
    assert Question.objects.filter(kind="open", active=True).count() == 1
    # One of them is fine, and so is swapping in two steps.
    assert _changelist(client, [a, b], {a.pk}).status_code == 302
    assert Question.objects.filter(kind="open", active=True).count() == 2
    refused = _changelist(client, [b], {b.pk})
    assert "make another one inactive first" in refused.content.decode()


def test_a_save_that_skips_the_form_is_refused_too():
    a, b = _one_open_active_and_two_spare()
    a.active = True
    a.save()
    b.active = True
    with pytest.raises(TooManyOpenQuestions):
        b.save()
    assert Question.objects.filter(kind="open", active=True).count() == 2
    b.kind, b.area = "rating", "governance"
    b.save()  # a statement is not counted


def test_a_save_that_lost_the_race_says_so_in_admin_instead_of_failing(
    client, admin_user, monkeypatch
):
    client.force_login(admin_user)
    a, _b = _one_open_active_and_two_spare()
    Question.objects.filter(kind="open", active=False).exclude(pk=a.pk).update(active=True)
    # As if another administrator's save had landed between this form's check and its save.
    monkeypatch.setattr(Question, "clean", lambda self: None)
    url = f"/admin/healthcheck/question/{a.pk}/change/"
    response = client.post(url, {"kind": "open", "area": "", "text": a.text, "position": 1,
                                 "active": "on"}, follow=True)  # fmt: skip
    assert response.status_code == 200
    assert "at most 2 open questions" in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    a.refresh_from_db()
    assert not a.active


@pytest.mark.django_db(transaction=True)
def test_two_administrators_saving_at_once_leave_at_most_two_open_questions():
    """The first one's transaction is still open when the second one saves: the second waits
    for it on the settings row, then counts the first's question and is refused."""
    a, b = _one_open_active_and_two_spare()
    first_saved, commit_first = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                question = Question.objects.get(pk=a.pk)
                question.active = True
                question.save()
                first_saved.set()
                commit_first.wait(10)
        finally:
            first_saved.set()
            connection.close()

    def second() -> None:
        try:
            first_saved.wait(10)
            question = Question.objects.get(pk=b.pk)
            question.active = True
            question.save()
            outcome["second"] = "saved"
        except TooManyOpenQuestions as exc:
            outcome["second"] = exc.messages
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_saved.wait(10)
    time.sleep(0.5)  # the second one is now waiting on the first one's lock
    assert "second" not in outcome
    commit_first.set()
    for thread in threads:
        thread.join(20)
    assert outcome["second"] == ["A health check asks at most 2 open questions: make another "
                                 "one inactive first."]  # fmt: skip
    assert Question.objects.filter(kind="open", active=True).count() == 2


def test_administrators_edit_the_set_and_the_settings(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/healthcheck/question/").status_code == 200
    response = client.post(
        "/admin/healthcheck/question/add/",
        {"kind": "rating", "area": "governance", "text": "Decisions stick.", "position": 9,
         "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302 and Question.objects.filter(text="Decisions stick.")
    row = HealthCheckSettings.load()
    page = client.get("/admin/healthcheck/healthchecksettings/")
    assert page.status_code == 302
    response = client.post(
        f"/admin/healthcheck/healthchecksettings/{row.pk}/change/",
        {"cadence": row.cadence_id, "answer_reminder_offsets": "10, 2"},
    )
    assert response.status_code == 302
    assert HealthCheckSettings.load().answer_reminder_offsets == [10, 2]
    refused = client.post(
        f"/admin/healthcheck/healthchecksettings/{row.pk}/change/",
        {"cadence": row.cadence_id, "answer_reminder_offsets": "three"},
    )
    assert "is not a whole number of days" in refused.content.decode()


def test_the_check_s_admin_page_shows_who_answered_never_what(client, admin_user):
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    answer(check, theirs[0], 2, comment="A secret comment", open_text="An open secret")
    client.force_login(admin_user)
    listing = client.get("/admin/healthcheck/healthcheck/").content.decode()
    assert "1 of 6" in listing
    page = client.get(f"/admin/healthcheck/healthcheck/{check.pk}/change/").content.decode()
    assert theirs[0].email in page or str(theirs[0]) in page
    assert "A secret comment" not in page and "An open secret" not in page
    for url in ("/admin/healthcheck/response/", "/admin/healthcheck/answer/"):
        assert client.get(url).status_code == 404
