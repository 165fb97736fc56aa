import pytest
from django.core.exceptions import ValidationError

from communications import services
from communications.models import Mention, Vote
from reminders.models import Reminder

from .factories import ThreadFactory

pytestmark = pytest.mark.django_db


def test_a_mention_notifies_someone_who_can_see_the_partnership_in_the_bell(
    bobs_partnership, bob, alice
):
    posted = services.thread_start(
        partnership=bobs_partnership,
        by=bob,
        title="Pricing",
        body="What do you think, @[Alice Ashby]?",
    )
    assert posted.notified == [alice]
    notice = Reminder.objects.get(recipient=alice)
    assert notice.kind == "discussion.mention"
    assert notice.url == posted.post.get_absolute_url()
    assert "Bob Brown mentioned you" in notice.title
    assert Mention.objects.filter(user=alice, thread=posted.post).exists()


def test_a_mention_of_someone_who_cannot_see_the_partnership_is_not_notified_and_said_so(
    bobs_partnership, bob, charlie
):
    posted = services.thread_start(
        partnership=bobs_partnership, by=bob, title="x", body="@charlie@example.com look"
    )
    assert posted.not_notified == [charlie]
    assert posted.notified == []
    assert not Reminder.objects.exists()


def test_replying_mentions_once_and_the_sweep_adds_no_second_notice(bobs_partnership, bob, alice):
    from reminders import services as reminders

    thread = ThreadFactory(partnership=bobs_partnership, author=bob)
    posted = services.thread_reply(thread=thread, by=bob, body="@[Alice Ashby] @[Alice Ashby]")
    assert posted.notified == [alice]
    reminders.sweep()
    assert Reminder.objects.filter(recipient=alice, kind="discussion.mention").count() == 1


def test_an_unknown_name_is_reported(bobs_partnership, bob):
    posted = services.thread_start(partnership=bobs_partnership, by=bob, title="x", body="@[Zed]")
    assert posted.unknown == ["Zed"]


def test_ideas_take_one_vote_per_person_and_it_can_be_withdrawn(bobs_partnership, bob, alice):
    idea = ThreadFactory(partnership=bobs_partnership, is_idea=True)
    assert services.idea_vote(thread=idea, by=bob) == 1
    assert services.idea_vote(thread=idea, by=bob) == 1
    assert services.idea_vote(thread=idea, by=alice) == 2
    assert services.idea_vote(thread=idea, by=bob, support=False) == 1
    assert list(Vote.objects.values_list("user", flat=True)) == [alice.pk]


def test_only_ideas_take_votes(bobs_partnership, bob):
    with pytest.raises(ValidationError):
        services.idea_vote(thread=ThreadFactory(partnership=bobs_partnership), by=bob)


def test_an_empty_post_is_refused(bobs_partnership, bob):
    with pytest.raises(ValidationError):
        services.thread_start(partnership=bobs_partnership, by=bob, title="x", body="  ")
