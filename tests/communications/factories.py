import datetime

import factory
from django.utils import timezone

from communications.models import (
    ActionComment,
    ActionItem,
    CheckIn,
    Concern,
    DueDateProposal,
    Reply,
    Thread,
)

from ..factories import PartnershipFactory, executive


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    partnership = factory.SubFactory(PartnershipFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    kind = "call"
    summary = "Volumes reviewed; pricing next."
    sentiment = 4
    logged_by = factory.LazyAttribute(lambda o: o.partnership.executive_sponsor)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    party = "us"
    owner = factory.LazyAttribute(lambda o: o.partnership.executive_sponsor)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    created_by = factory.LazyAttribute(lambda o: o.partnership.executive_sponsor)


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concern

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Concern {n}")
    raised_by = "partner"
    severity = "high"
    raised_at = factory.LazyFunction(timezone.now)
    respond_by = factory.LazyAttribute(lambda o: o.raised_at + datetime.timedelta(hours=24))
    resolve_by = factory.LazyAttribute(lambda o: o.raised_at + datetime.timedelta(hours=120))
    created_by = factory.LazyAttribute(lambda o: o.partnership.executive_sponsor)


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Thread {n}")
    body = "Let's talk."
    author = factory.LazyFunction(executive)


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    thread = factory.SubFactory(ThreadFactory)
    body = "Agreed."
    author = factory.LazyAttribute(lambda o: o.thread.author)


class ActionCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionComment

    action = factory.SubFactory(ActionItemFactory)
    body = "On track."
    author = factory.LazyAttribute(lambda o: o.action.created_by)


class DueDateProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DueDateProposal

    action = factory.SubFactory(ActionItemFactory)
    proposed_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=21))
    previous_due_on = factory.LazyAttribute(lambda o: o.action.due_on)
    proposed_by = factory.LazyAttribute(lambda o: o.action.created_by)
