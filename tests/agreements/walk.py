"""Teaches the access walk the arguments of the agreement routes. Every maker works inside the
partnership's one open version (with a document, so the download answers 200 to insiders)."""

from agreements.models import Agreement

from .factories import (
    AgreementFactory,
    EscalationStepFactory,
    ResponsibilityFactory,
    with_document,
)


def _open_version(partnership) -> Agreement:
    existing = Agreement.objects.filter(partnership=partnership).open().first()
    return existing or with_document(AgreementFactory(partnership=partnership, version=1))


OBJECT_MAKERS = {
    "agreement_pk": lambda partnership: _open_version(partnership).pk,
    "responsibility_pk": lambda partnership: (
        ResponsibilityFactory(agreement=_open_version(partnership)).pk
    ),
    "step_pk": lambda partnership: EscalationStepFactory(agreement=_open_version(partnership)).pk,
}
