"""Teaches the walks the health-check routes: ``check_pk`` is the partnership's open check, with
everyone of ours who sees the partnership asked (so its answer page opens for them); the form
that acts on a closed check's gaps is walked on a closed check with a gap to act on."""


def _open_check(partnership) -> int:
    from .factories import ensure_open_check

    return ensure_open_check(partnership).pk


def _closed_with_gaps(partnership, user) -> dict:
    from .factories import closed_row

    check = closed_row(partnership, ours="4.5", theirs="2.5")
    return {"partnership_pk": partnership.pk, "check_pk": check.pk}


OBJECT_MAKERS = {"check_pk": _open_check}

ROUTE_ARGUMENTS = {"healthcheck:actions": _closed_with_gaps}

# The actions form is on the closed check's page.
FORM_HOSTS = {"healthcheck:actions": "healthcheck:detail"}
