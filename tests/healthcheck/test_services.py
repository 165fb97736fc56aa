"""Opening, answering and closing a joint health check, through its services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from healthcheck import services
from healthcheck.models import Answer, HealthCheck, Participant, Question, Response, Side
from partnerships.models import Activity, Stage

from ..factories import executive, manager
from .factories import answer, closed_check, open_check, partner_people, world

pytestmark = pytest.mark.django_db

D = Decimal


# Opening ------------------------------------------------------------------------------------------


def test_it_opens_with_both_sides_asked_and_the_question_set_copied():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    assert check.is_open and check.min_answers == 3
    assert Participant.objects.filter(health_check=check, side=Side.US).count() == 3
    assert Participant.objects.filter(health_check=check, side=Side.PARTNER).count() == 3
    active = Question.objects.filter(active=True).count()
    assert check.questions.count() == active == 14
    # Editing the set afterwards changes nothing in the check under way.
    Question.objects.update(text="Changed")
    assert not check.questions.filter(text="Changed").exists()
    summary = Activity.objects.filter(partnership=partnership, kind="health_check").get().summary
    assert summary.startswith(f"Joint health check opened by {ours[0]}: 3 of ours and 3 of ")


def test_a_set_with_too_many_open_questions_from_before_the_limit_asks_two():
    from healthcheck.models import Question

    Question.objects.bulk_create([Question(kind="open", text="A third, from before?", position=99)])
    assert Question.objects.filter(kind="open", active=True).count() == 3
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    asked = list(check.questions.filter(kind="open").values_list("text", flat=True))
    assert len(asked) == 2 and "A third, from before?" not in asked
    assert check.questions.filter(kind="rating").count() == 12


def test_the_closing_date_must_be_in_the_future_and_within_90_days():
    partnership, ours, theirs = world()
    for days, words in ((0, "in the future"), (-3, "in the future"), (91, "at most 90 days")):
        with pytest.raises(ValidationError) as exc:
            open_check(partnership, ours, theirs, days=days)
        assert words in str(exc.value.message_dict["closes_on"])
    assert open_check(partnership, ours, theirs, days=90).is_open


def test_each_side_needs_as_many_people_as_the_anonymity_threshold(settings):
    partnership, ours, theirs = world(n_ours=2, n_theirs=2)
    with pytest.raises(ValidationError) as exc:
        open_check(partnership, ours, theirs)
    errors = exc.value.message_dict
    assert "Ask at least 3 of our people" in errors["ours"][0]
    assert "Invite more of them from the Partner's people tab" in errors["theirs"][0]
    settings.ACCORD_HEALTHCHECK_MIN_ANSWERS = 2
    assert open_check(partnership, ours, theirs).min_answers == 2


def test_only_people_who_may_take_part_can_be_asked():
    partnership, ours, theirs = world()
    outsider = manager()  # manages nothing here
    with pytest.raises(ValidationError) as exc:
        open_check(partnership, [*ours[:2], outsider], theirs)
    assert "who see this partnership" in exc.value.message_dict["ours"][0]
    _other, _, foreign = world()
    with pytest.raises(ValidationError) as exc:
        open_check(partnership, ours, [*theirs[:2], foreign[0]])
    assert "invited to this partnership's portal" in exc.value.message_dict["theirs"][0]
    # Revoked, the contact is no longer the partner's people on this partnership.
    from portal import services as portal

    portal.revoke(access=theirs[0].partner_contact.portal_accesses.get(), by=ours[0])
    assert theirs[0] not in services.partner_candidates(partnership)


def test_one_open_check_at_a_time_and_only_on_a_live_partnership():
    partnership, ours, theirs = world()
    open_check(partnership, ours, theirs)
    with pytest.raises(ValidationError, match="already open"):
        open_check(partnership, ours, theirs)
    with transaction.atomic(), pytest.raises(IntegrityError):
        HealthCheck.objects.filter(partnership=partnership).update(status="open", closed_at=None)
        first = HealthCheck.objects.get(partnership=partnership)
        HealthCheck.objects.create(
            partnership=partnership, opened_by=ours[0], opened_at=first.opened_at,
            opens_on=first.opens_on, closes_on=first.closes_on, closes_at=first.closes_at,
        )  # fmt: skip
    agreeing, ours2, theirs2 = world(stage=Stage.AGREEING)
    with pytest.raises(ValidationError, match="once it is active"):
        open_check(agreeing, ours2, theirs2)


def test_someone_who_cannot_see_the_partnership_cannot_open_one():
    partnership, ours, theirs = world()
    with pytest.raises(PermissionDenied):
        open_check(partnership, ours, theirs, by=manager())


# Answering ----------------------------------------------------------------------------------------


def test_a_participant_has_one_set_of_answers_and_changes_it_until_the_close():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    answer(check, theirs[0], 2, comment="Slow hand-overs")
    answer(check, theirs[0], 5, comment="Better now")
    assert Response.objects.filter(health_check=check).count() == 1
    response = Response.objects.get(health_check=check)
    ratings = Answer.objects.filter(response=response).exclude(rating=None)
    assert set(ratings.values_list("rating", flat=True)) == {5}
    assert not Answer.objects.filter(comment="Slow hand-overs").exists()
    assert Participant.objects.get(health_check=check, user=theirs[0]).has_answered


def test_the_database_refuses_a_second_set_for_the_same_participant():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    answer(check, ours[0], 4)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Response.objects.create(
            health_check=check, side=Side.US, ballot=services.ballot(check.pk, ours[0].pk)
        )


def test_an_answer_set_does_not_name_its_participant():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    answer(check, ours[1], 4)
    response = Response.objects.get()
    fields = {f.name for f in Response._meta.get_fields()}
    assert fields == {"id", "health_check", "side", "ballot", "answers"}
    assert not {f.name for f in Answer._meta.get_fields()} & {"user", "created_at", "participant"}
    # The ballot is a keyed hash of the check and the person: only the secret key recomputes it.
    assert len(response.ballot) == 64
    assert response.ballot == services.ballot(check.pk, ours[1].pk)
    assert response.ballot != services.ballot(check.pk, ours[1].pk, secret="another key")


def test_answers_survive_a_secret_key_rotation(settings):
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    answer(check, ours[0], 2)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-test-0123456789"
    answer(check, ours[0], 5)
    response = Response.objects.get()
    assert response.ballot == services.ballot(check.pk, ours[0].pk)
    assert set(Answer.objects.exclude(rating=None).values_list("rating", flat=True)) == {5}


def test_every_statement_needs_a_rating_and_comments_have_a_limit():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    statements = list(check.questions.filter(kind="rating"))
    with pytest.raises(ValidationError) as exc:
        services.answers_save(
            check=check,
            by=ours[0],
            ratings={statements[0].pk: 4, statements[1].pk: 9},
            comments={statements[0].pk: "x" * 1001},
        )
    errors = exc.value.message_dict
    assert errors[f"rating_{statements[1].pk}"] == ["Choose how far you agree, from 1 to 5."]
    assert f"rating_{statements[2].pk}" in errors
    assert f"comment_{statements[0].pk}" in errors
    assert not Response.objects.exists()


def test_someone_not_asked_cannot_answer():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    for stranger in (executive(), partner_people(partnership, 1)[0]):
        with pytest.raises(PermissionDenied):
            answer(check, stranger, 4)
    assert not Response.objects.exists()


def test_answers_are_refused_after_the_close_in_words():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    answer(check, ours[0], 4)
    after = check.closes_at + datetime.timedelta(seconds=1)
    with pytest.raises(services.HealthCheckClosed) as exc:
        answer(check, ours[0], 1, now=after)
    assert "Answers can no longer be given or changed" in exc.value.messages[0]
    services.healthcheck_close(check=check, by=ours[0])
    with pytest.raises(services.HealthCheckClosed):
        answer(check, theirs[0], 1)
    assert set(Answer.objects.exclude(rating=None).values_list("rating", flat=True)) == {4}


# Closing: the threshold and the figures -----------------------------------------------------------


def _area(check, area):
    return next(a for a in check.results["areas"] if a["area"] == area)


def test_a_side_shows_only_once_enough_of_its_people_have_answered():
    partnership, ours, theirs = world(n_ours=3, n_theirs=4)
    check = open_check(partnership, ours, theirs)
    for person in ours[:2]:
        answer(check, person, 4, comment="Ours")
    for person in theirs[:3]:
        answer(check, person, 2, comment="Theirs")
    check = services.healthcheck_close(check=check, by=ours[0])
    assert check.results["visible"] == {"us": False, "partner": True}
    assert check.results["counts"] == {"us": 2, "partner": 3}
    assert check.our_average is None and check.partner_average == D("2.0")
    assert all(a["ours"] is None and a["gap"] is None for a in check.results["areas"])
    assert all(s["ours"] is None for s in check.results["statements"])
    assert check.widest_gap is None and check.widest_gap_area == ""
    from healthcheck.selectors import comments, gap_sentences

    shown = comments(check)
    assert {side for per in shown.values() for side in per} == {"partner"}
    assert gap_sentences(check, partner_name="Northwind") == []


def test_the_gap_is_the_partner_s_average_less_ours_per_area_and_the_widest_is_named():
    partnership, ours, theirs = world(organization=None)
    partnership.organization.name = "Northwind"
    partnership.organization.save()
    check = open_check(partnership, ours, theirs)
    for person, governance in zip(ours, (4, 4, 5), strict=True):
        answer(check, person, {"strategic": 4, "operational": 4, "relationship": 4,
                               "governance": governance})  # fmt: skip
    for person, governance in zip(theirs, (2, 2, 3), strict=True):
        answer(check, person, {"strategic": 4, "operational": 3, "relationship": 5,
                               "governance": governance})  # fmt: skip
    check = services.healthcheck_close(check=check, by=ours[0])
    gov = _area(check, "governance")
    assert (gov["ours"], gov["theirs"], gov["gap"]) == (4.3, 2.3, -2.0)
    assert _area(check, "strategic")["gap"] == 0.0
    assert _area(check, "operational")["gap"] == -1.0
    assert _area(check, "relationship")["gap"] == 1.0
    assert check.widest_gap == D("2.0") and check.widest_gap_area == "governance"
    assert check.results["widest"][0] == "governance"
    # Overall: the mean of the four area averages, each to one decimal.
    assert check.our_average == D("4.1")  # (4 + 4 + 4 + 4.3) / 4 = 4.075
    assert check.partner_average == D("3.6")  # (4 + 3 + 5 + 2.3) / 4 = 3.575

    from healthcheck.selectors import gap_sentences

    ours_words = gap_sentences(check, partner_name="Northwind")
    assert ours_words[0] == (
        "The widest gap is in governance: Northwind rates it 2.3 out of 5, 2.0 points below "
        "our 4.3."
    )
    assert ours_words[1] == (
        "Next comes operational effectiveness: Northwind rates it 3.0 out of 5, 1.0 point below "
        "our 4.0."
    )
    assert ours_words[2].startswith("Next comes relationship and trust: Northwind rates it 5.0")
    assert ours_words[2].endswith("1.0 point above our 4.0.")
    assert gap_sentences(check, partner_name="Northwind", portal=True)[0] == (
        "The widest gap is in governance: you rate it 2.3 out of 5, 2.0 points below our 4.3."
    )


def test_sides_that_agree_are_said_to_see_it_alike():
    partnership, ours, theirs = world()
    check = closed_check(partnership, ours, theirs, our_ratings=4, their_ratings=4)
    from healthcheck.selectors import gap_sentences

    (sentence,) = gap_sentences(check, partner_name="Them")
    assert sentence.startswith("Both sides see the partnership alike")


def test_closing_twice_closes_once_and_only_the_opener_or_an_executive_closes_by_hand():
    partnership, ours, theirs = world()
    second_manager = ours[1]
    check = open_check(partnership, ours, theirs, by=second_manager)
    with pytest.raises(PermissionDenied):
        services.healthcheck_close(check=check, by=ours[2])  # another manager
    assert services.healthcheck_close(check=check, by=ours[0]).is_closed  # the sponsor, exec
    with pytest.raises(ValidationError, match="already closed"):
        services.healthcheck_close(check=check, by=second_manager)
    assert services.healthcheck_close(check=check).closed_by == ours[0]  # by itself: a no-op
    kinds = Activity.objects.filter(partnership=partnership, kind="health_check")
    assert kinds.count() == 2


def test_checks_close_by_themselves_at_the_end_of_their_closing_date():
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    assert services.close_due(now=check.closes_at - datetime.timedelta(minutes=1)) == 0
    assert services.close_due(now=check.closes_at) == 1
    check.refresh_from_db()
    assert check.is_closed and check.closed_by is None and check.latest
    assert services.close_due(now=check.closes_at) == 0


def test_the_closing_moment_is_the_end_of_the_day_in_the_opener_s_time_zone():
    moment = services.closing_moment(datetime.date(2027, 3, 20), "America/New_York")
    assert moment == datetime.datetime(2027, 3, 21, 4, 0, tzinfo=datetime.UTC)


def test_the_latest_check_carries_the_next_due_date_until_a_new_one_opens():
    partnership, ours, theirs = world()
    first = closed_check(partnership, ours, theirs)
    closed_on = timezone.localdate(first.closed_at)
    cadence = services.HealthCheckSettings.load().cadence
    assert first.latest and first.next_due_on == cadence.next_due(closed_on)
    second = open_check(partnership, ours, theirs)
    first.refresh_from_db()
    assert first.next_due_on is None and first.latest
    services.healthcheck_close(check=second, by=ours[0])
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.latest and second.latest and second.next_due_on is not None


def test_beat_closes_due_checks_every_few_minutes_through_a_thin_task():
    from config.celery import app
    from healthcheck.tasks import close_due

    entry = app.conf.beat_schedule["healthcheck-close-due"]
    assert entry["task"] == close_due.name == "healthcheck.tasks.close_due"
    partnership, ours, theirs = world()
    check = open_check(partnership, ours, theirs)
    HealthCheck.objects.filter(pk=check.pk).update(closes_at=timezone.now())
    assert close_due.apply().get() == 1
    check.refresh_from_db()
    assert check.is_closed and check.closed_by is None
