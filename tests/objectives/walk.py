"""Teaches the access walk (tests/access.py) the objectives' URL arguments."""

from .factories import AlignmentFactory, ObjectiveFactory

OBJECT_MAKERS = {
    "objective_pk": lambda partnership: ObjectiveFactory(partnership=partnership).pk,
    "alignment_pk": lambda partnership: AlignmentFactory(objective__partnership=partnership).pk,
}
