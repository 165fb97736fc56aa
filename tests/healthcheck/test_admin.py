"""Administrators keep the question set and the settings; a check's admin page says who was
asked and whether they answered, never what anyone said."""

import pytest
from django.core.exceptions import ValidationError

from healthcheck.models import HealthCheckSettings, Question

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
