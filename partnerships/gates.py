"""The core's own gate checks: those that read only the partnership's own fields."""

from .models import Partnership, Stage
from .registry import register_gate


def partner_chosen(partnership: Partnership) -> list[str]:
    if partnership.organization_id is None:
        return ["Choose the partner organisation."]
    return []


def cadences_set(partnership: Partnership) -> list[str]:
    missing = []
    if partnership.check_in_cadence_id is None:
        missing.append("Set a check-in cadence.")
    if partnership.review_cadence_id is None:
        missing.append("Set a review cadence.")
    return missing


register_gate(Stage.AGREEING, partner_chosen)
register_gate(Stage.ACTIVE, cadences_set)
