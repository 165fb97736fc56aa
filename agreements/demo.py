"""Demo agreements for the partnerships that seed_demo made (found by name). Idempotent: a
partnership that already has an agreement is left alone.

Partnerships past this step get a signed agreement (the ended one's was terminated, the renewing
one's notice deadline has passed and a renewal draft is open); those agreeing get one open
version: a draft with parts missing, and one in review that is ready to sign.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from partnerships.models import Partnership
from reminders.models import Cadence

from .models import (
    Agreement,
    Channel,
    CommunicationPlan,
    EscalationStep,
    Mechanism,
    Party,
    Responsibility,
    Status,
)

# name: (status, term in years, notice days, auto-renew, commercial terms, responsibilities)
DEMO = {
    "Northwind fulfilment network": (
        Status.SIGNED,
        3,
        90,
        False,
        "Per-parcel fee of €2.10 under 50,000 parcels a month, €1.85 above; next-day delivery "
        "to 14 countries at a 98% service level, with service credits below 96%.",
        [
            (Party.US, "Forecasts", "Weekly volume forecast per hub, 4 weeks ahead."),
            (Party.PARTNER, "Fulfilment", "Pick, pack and ship within 24 hours of the order."),
            (Party.PARTNER, "Returns", "Process returns within 5 working days."),
            (Party.JOINT, "Service review", "Monthly review of service levels and credits."),
        ],
    ),
    "Helios cloud co-sell": (
        Status.SIGNED,
        3,
        180,
        True,
        "20% referral fee on first-year revenue of marketplace deals; joint marketing fund of "
        "$250,000 a year, matched 1:1.",
        [
            (Party.US, "Product", "Keep the marketplace listing certified on every release."),
            (Party.PARTNER, "Marketplace", "Feature the listing in two campaigns a year."),
            (Party.JOINT, "Pipeline", "Shared pipeline reviewed every quarter."),
        ],
    ),
    "Verdant sustainable packaging": (
        Status.SIGNED,
        2,
        120,
        False,
        "Fixed price per unit for 24 months; volume commitment of 1.2 million units a year.",
        [
            (Party.US, "Specifications", "Approve packaging specifications within 10 days."),
            (Party.PARTNER, "Supply", "Deliver recycled packaging to both warehouses weekly."),
        ],
    ),
    "Meridian APAC distribution": (
        Status.SIGNED,
        3,
        90,
        False,
        "Exclusive distribution in Japan and South Korea; 30% distributor margin; minimum "
        "purchase of ¥400 million a year.",
        [
            (Party.US, "Supply", "Ship to the Osaka hub within 3 weeks of a purchase order."),
            (Party.PARTNER, "Sales", "Cover 300 retail doors by the end of year one."),
            (Party.PARTNER, "Reporting", "Sell-out data per store every month."),
        ],
    ),
    "Lumen applied research": (
        Status.SIGNED,
        1,
        90,
        True,
        "€180,000 a year for two PhD positions; publications after a 60-day review.",
        [
            (Party.US, "Data", "Anonymised supply-chain data sets, refreshed quarterly."),
            (Party.PARTNER, "Research", "Two PhD projects on supply-chain optimisation."),
        ],
    ),
    "Legacy reseller programme": (
        Status.TERMINATED,
        3,
        90,
        False,
        "15% reseller discount; annual target of €2 million.",
        [
            (Party.US, "Enablement", "Sales training twice a year."),
            (Party.PARTNER, "Sales", "Resell our payments module to mid-market merchants."),
        ],
    ),
    "BrightPath co-marketing": (
        Status.DRAFT,
        1,
        30,
        False,
        "Campaign costs split 50/50 up to $120,000.",
        [(Party.US, "Content", "Case studies and product messaging for every campaign.")],
    ),
    "Atlas component sourcing": (
        Status.IN_REVIEW,
        3,
        90,
        False,
        "Framework price list reviewed yearly; 8-week lead time; quality at 200 ppm or better.",
        [
            (Party.US, "Forecasts", "Rolling 6-month forecast, updated monthly."),
            (Party.PARTNER, "Quality", "Ship at 200 defective parts per million or better."),
        ],
    ),
}


def seed_demo_agreements(stdout) -> None:
    coo = User.objects.filter(email="coo@accord.example").first()
    if coo is None:
        return
    partnerships = (
        Partnership.objects.filter(name__in=DEMO)
        .select_related("organization")
        .prefetch_related("managers", "organization__contacts")
    )
    made = 0
    for partnership in partnerships:
        if partnership.agreements.exists():
            continue
        with transaction.atomic():
            _seed(partnership, coo)
        made += 1
    if made:
        stdout.write(f"Demo agreements: {made} partnerships given an agreement.")


def _seed(partnership: Partnership, coo: User) -> None:
    status, years, notice, auto_renew, terms, duties = DEMO[partnership.name]
    today = timezone.localdate()
    effective = partnership.start_date or today + datetime.timedelta(days=30)
    manager = next(iter(partnership.managers.all()), coo)
    contacts = list(partnership.organization.contacts.all()) if partnership.organization else []
    contact = contacts[0] if contacts else None

    if partnership.name == "Helios cloud co-sell":
        # An earlier, shorter agreement, superseded by the expanded one signed later.
        first = _agreement(
            partnership, 1, Status.SUPERSEDED, effective, 2, 90, False,
            "15% referral fee; no marketing fund.", coo,
        )  # fmt: skip
        _parts(first, duties[:2], manager, contact, coo, monthly=True)
        effective = effective + relativedelta(months=14)
        version = 2
    else:
        version = 1
    agreement = _agreement(
        partnership, version, status, effective, years, notice, auto_renew, terms, coo
    )
    complete = status != Status.DRAFT
    _parts(agreement, duties, manager, contact, coo, monthly=partnership.tier != 1, plan=complete)
    if status == Status.TERMINATED:
        agreement.ended_note = partnership.ended_reason or "Ended by mutual agreement."
        agreement._history_user = coo
        agreement.save()
    if partnership.name == "Meridian APAC distribution":
        # The renewal under negotiation: a copy of the signed terms, extended.
        renewal = _agreement(
            partnership, 2, Status.DRAFT, agreement.expiry_date, 3, 90, False,
            terms.replace("30%", "28%") + " Adds Taiwan from year two.", coo,
        )  # fmt: skip
        _parts(renewal, duties, manager, contact, coo, monthly=False)


def _agreement(
    partnership: Partnership,
    version: int,
    status: str,
    effective: datetime.date,
    years: int,
    notice: int,
    auto_renew: bool,
    terms: str,
    coo: User,
) -> Agreement:
    signed = status not in (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED)
    agreement = Agreement(
        partnership=partnership,
        version=version,
        status=status,
        title=f"{partnership.name} agreement",
        effective_date=effective,
        expiry_date=effective + relativedelta(years=years),
        notice_period_days=notice,
        auto_renew=auto_renew,
        commercial_terms=terms,
        created_by=coo,
    )
    if signed:
        agreement.signed_on = effective - datetime.timedelta(days=7)
        agreement.signed_by = coo
        agreement.our_signatory = f"{coo.full_name}, COO"
        contacts = partnership.organization.contacts.all() if partnership.organization else []
        first = next(iter(contacts), None)
        agreement.partner_signatory = (
            f"{first.name}, {first.title}" if first else "Authorised signatory"
        )
        agreement.document.save("document.pdf", ContentFile(demo_pdf(str(agreement))), save=False)
        agreement.document_name = f"{partnership.name} agreement v{version} (signed).pdf"
        agreement.document_size = agreement.document.size
    agreement.full_clean()
    agreement._history_user = coo
    agreement.save()
    return agreement


def _parts(
    agreement: Agreement,
    duties: list,
    manager: User,
    contact,
    coo: User,
    *,
    monthly: bool,
    plan: bool = True,
) -> None:
    for party, area, text in duties:
        item = Responsibility(
            agreement=agreement,
            party=party,
            area=area,
            description=text,
            accountable_user=manager if party != Party.PARTNER or contact is None else None,
            accountable_contact=contact if party == Party.PARTNER and contact else None,
        )
        item.full_clean()
        item._history_user = coo
        item.save()
    if not plan:
        return
    check_in = Cadence.objects.filter(
        purpose="check_in", frequency="monthly" if monthly else "weekly"
    ).first()
    review = Cadence.objects.filter(purpose="review", frequency="quarterly").first()
    plan_row = CommunicationPlan(
        agreement=agreement,
        check_in_cadence=check_in,
        review_cadence=review,
        channels=[Channel.VIDEO, Channel.EMAIL, Channel.IN_PERSON],
        our_lead=manager,
        partner_lead=contact,
        reporting="Volumes, service levels and open issues.",
        reporting_frequency="monthly",
    )
    plan_row._history_user = coo
    plan_row.save()
    ladder = [
        (1, Mechanism.NEGOTIATION, manager, "Partner manager", "Partnership lead", 10),
        (2, Mechanism.EXECUTIVE, coo, "COO", "Managing director", 15),
        (3, Mechanism.MEDIATION, None, "Legal counsel", "Legal counsel", 30),
    ]
    for level, mechanism, ours, our_role, partner_role, days in ladder:
        step = EscalationStep(
            agreement=agreement,
            level=level,
            mechanism=mechanism,
            our_person=ours,
            our_role=our_role,
            partner_person=contact if level == 1 else None,
            partner_role=partner_role,
            days_to_respond=days,
        )
        step.full_clean()
        step._history_user = coo
        step.save()


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF that says what it stands for."""
    text = "".join(ch for ch in title if ch.isascii() and ch not in "()\\")
    stream = f"BT /F1 16 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out
