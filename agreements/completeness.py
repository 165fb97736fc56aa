"""What an agreement still needs before it may be signed, in words. Reads the parts through
``.all()`` so that pages which prefetched them run no further query."""

import datetime

from django.utils import timezone

from partnerships.models import Partnership

from .models import Agreement, CommunicationPlan, Party, Status


def plan_of(agreement: Agreement) -> CommunicationPlan | None:
    try:
        return agreement.plan
    except CommunicationPlan.DoesNotExist:
        return None


def missing_for_signing(agreement: Agreement) -> list[str]:
    missing: list[str] = []
    parties = {r.party for r in agreement.responsibilities.all()}
    if Party.US not in parties:
        missing.append("Add at least one responsibility of ours.")
    if Party.PARTNER not in parties:
        missing.append("Add at least one responsibility of the partner's.")
    plan = plan_of(agreement)
    if plan is None:
        missing.append(
            "Write the communication plan, with a check-in cadence and a review cadence."
        )
    else:
        if plan.check_in_cadence_id is None:
            missing.append("Choose a check-in cadence in the communication plan.")
        if plan.review_cadence_id is None:
            missing.append("Choose a review cadence in the communication plan.")
    if not agreement.escalation_steps.all():
        missing.append("Add at least one step to the dispute-resolution ladder.")
    if agreement.effective_date is None:
        missing.append("Set the effective date.")
    return missing


def signed_agreement_gate(partnership: Partnership) -> list[str]:
    """The gate to `active`: a signed, complete agreement that has not expired."""
    versions = list(
        Agreement.objects.filter(partnership=partnership)
        .exclude(status__in=[Status.SUPERSEDED])
        .select_related("plan")
        .prefetch_related("responsibilities", "escalation_steps")
        .order_by("-version")
    )
    signed = next((a for a in versions if a.status == Status.SIGNED), None)
    today = timezone.localdate()
    if signed is not None and (signed.expiry_date is None or signed.expiry_date >= today):
        return []
    draft = next((a for a in versions if a.is_open), None)
    if draft is not None:
        return [f"Sign agreement version {draft.version}.", *missing_for_signing(draft)]
    if signed is not None:
        expired_on = _date(signed.expiry_date)
        return [f"The signed agreement expired on {expired_on}: sign a new version."]
    return ["Draft an agreement and have an executive sign it."]


def _date(value: datetime.date | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""
