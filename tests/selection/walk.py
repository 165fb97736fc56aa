"""Teaches the access walk (tests/access.py) the selection's URL arguments."""

from .factories import CandidateFactory

OBJECT_MAKERS = {
    "candidate_pk": lambda partnership: CandidateFactory(partnership=partnership).pk,
}
