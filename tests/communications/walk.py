"""Teaches the access walk the arguments of the communication routes."""

from .factories import ActionItemFactory, CheckInFactory, ConcernFactory, ThreadFactory

OBJECT_MAKERS = {
    "check_in_pk": lambda partnership: CheckInFactory(partnership=partnership).pk,
    "action_pk": lambda partnership: ActionItemFactory(partnership=partnership).pk,
    "concern_pk": lambda partnership: ConcernFactory(partnership=partnership).pk,
    "thread_pk": lambda partnership: ThreadFactory(partnership=partnership, is_idea=True).pk,
}
