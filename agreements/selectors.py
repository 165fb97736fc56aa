"""Reads shared by the agreement pages: each builds what a page shows in a fixed number of
queries, whatever the number of versions, parts or changes."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from partnerships.models import Contact, Partnership
from reminders.models import Cadence

from .completeness import plan_of
from .models import (
    OPEN_STATUSES,
    Agreement,
    Channel,
    CommunicationPlan,
    EscalationStep,
    Party,
    Responsibility,
)


def with_parts(queryset: QuerySet[Agreement] | None = None) -> QuerySet[Agreement]:
    qs = queryset if queryset is not None else Agreement.objects.all()
    return qs.select_related(
        "partnership",
        "signed_by",
        "created_by",
        "plan",
        "plan__check_in_cadence",
        "plan__review_cadence",
        "plan__our_lead",
        "plan__partner_lead",
    ).prefetch_related(
        Prefetch(
            "responsibilities",
            queryset=Responsibility.objects.select_related(
                "accountable_user", "accountable_contact"
            ),
        ),
        Prefetch(
            "escalation_steps",
            queryset=EscalationStep.objects.select_related("our_person", "partner_person"),
        ),
    )


def in_force_of(partnership: Partnership) -> Agreement | None:
    """The agreement in force: the latest signed version."""
    return Agreement.objects.filter(partnership=partnership).in_force().order_by("-version").first()


def versions_of(partnership: Partnership) -> list[Agreement]:
    return list(
        Agreement.objects.filter(partnership=partnership)
        .select_related("signed_by")
        .order_by("-version")
    )


def current_of(versions: list[Agreement]) -> Agreement | None:
    """The version being worked on if one is open, else the newest."""
    for version in versions:
        if version.status in OPEN_STATUSES:
            return version
    return versions[0] if versions else None


PARTY_ORDER = [Party.US, Party.PARTNER, Party.JOINT]


def responsibilities_by_party(agreement: Agreement) -> list[tuple[str, list[Responsibility]]]:
    items = list(agreement.responsibilities.all())
    return [
        (Party(party).label, [r for r in items if r.party == party])
        for party in PARTY_ORDER
        if any(r.party == party for r in items)
    ]


# Comparing two versions ---------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    left: str
    right: str
    state: str = "same"  # same, changed, added, removed

    @property
    def differs(self) -> bool:
        return self.state != "same"


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(1 for r in self.rows if r.differs)


def _show(value: object) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return value.strftime("%-d %b %Y")
    return str(value)


def _row(label: str, left: object, right: object) -> Row:
    a, b = _show(left), _show(right)
    return Row(label, a, b, "same" if a == b else "changed")


TERM_ROWS = [
    ("Status", lambda a: a.get_status_display()),
    ("Title", lambda a: a.title),
    ("Effective date", lambda a: a.effective_date),
    ("Expiry date", lambda a: a.expiry_date),
    ("Notice period", lambda a: f"{a.notice_period_days} days"),
    ("Notice deadline", lambda a: a.notice_deadline),
    ("Renews automatically", lambda a: a.auto_renew),
    ("Commercial terms", lambda a: a.commercial_terms),
    ("Signed for us by", lambda a: a.our_signatory),
    ("Signed for the partner by", lambda a: a.partner_signatory),
    ("Date signed", lambda a: a.signed_on),
    ("Document", lambda a: a.document_name),
]

PLAN_ROWS = [
    ("Check-in cadence", lambda p: p.check_in_cadence),
    ("Review cadence", lambda p: p.review_cadence),
    ("Channels", lambda p: ", ".join(p.channel_labels())),
    ("Our lead", lambda p: p.our_lead),
    ("Partner's lead", lambda p: p.partner_lead.name if p.partner_lead_id else None),
    ("What is reported", lambda p: p.reporting),
    ("Reported how often", lambda p: p.get_reporting_frequency_display()),
]


def _describe_responsibility(r: Responsibility | None) -> str:
    if r is None:
        return "—"
    who = r.accountable_user or (r.accountable_contact.name if r.accountable_contact_id else "")
    return f"{r.description} (accountable: {who})"


def _describe_step(s: EscalationStep | None) -> str:
    if s is None:
        return "—"
    return (
        f"{s.get_mechanism_display()}; ours: {s.our_side or '—'}; partner: "
        f"{s.partner_side or '—'}; {s.days_to_respond} days to respond"
    )


def _matched(left: dict, right: dict, describe, label) -> list[Row]:
    rows = []
    for key in sorted(set(left) | set(right), key=str):
        a, b = left.get(key), right.get(key)
        row = Row(label(a or b), describe(a), describe(b))
        if a is None:
            row.state = "added"
        elif b is None:
            row.state = "removed"
        elif row.left != row.right:
            row.state = "changed"
        rows.append(row)
    return rows


def compare(left: Agreement, right: Agreement) -> list[Section]:
    """Both versions must come from ``with_parts``."""
    terms = Section("Terms", [_row(label, get(left), get(right)) for label, get in TERM_ROWS])

    def by_area(agreement: Agreement) -> dict:
        return {
            (PARTY_ORDER.index(r.party), r.area.lower()): r
            for r in agreement.responsibilities.all()
        }

    responsibilities = Section(
        "Roles and responsibilities",
        _matched(
            by_area(left),
            by_area(right),
            _describe_responsibility,
            lambda r: f"{r.get_party_display()} · {r.area}",
        ),
    )
    lp, rp = plan_of(left), plan_of(right)
    plan = Section(
        "Communication plan",
        [_row(label, get(lp) if lp else None, get(rp) if rp else None) for label, get in PLAN_ROWS],
    )
    ladder = Section(
        "Dispute-resolution ladder",
        _matched(
            {s.level: s for s in left.escalation_steps.all()},
            {s.level: s for s in right.escalation_steps.all()},
            _describe_step,
            lambda s: f"Level {s.level}",
        ),
    )
    return [terms, responsibilities, plan, ladder]


# History ------------------------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime.datetime
    user: object
    subject: str
    action: str  # created, changed, deleted
    reason: str
    changes: list[Change]


HIDDEN = {
    "id",
    "agreement",
    "partnership",
    "created_by",
    "created_at",
    "updated_at",
    "document",
    "document_size",
}


class _Names:
    """Names of the users, contacts and cadences that history rows refer to by id, fetched in
    one query per kind."""

    def __init__(self, records: list) -> None:
        users, contacts, cadences = set(), set(), set()
        for record in records:
            for name in ("signed_by_id", "accountable_user_id", "our_lead_id", "our_person_id"):
                if getattr(record, name, None):
                    users.add(getattr(record, name))
            for name in ("accountable_contact_id", "partner_lead_id", "partner_person_id"):
                if getattr(record, name, None):
                    contacts.add(getattr(record, name))
            for name in ("check_in_cadence_id", "review_cadence_id"):
                if getattr(record, name, None):
                    cadences.add(getattr(record, name))
        self.users = {u.pk: str(u) for u in User.objects.filter(pk__in=users)}
        self.contacts = {c.pk: c.name for c in Contact.objects.filter(pk__in=contacts)}
        self.cadences = {c.pk: str(c) for c in Cadence.objects.filter(pk__in=cadences)}

    def show(self, model_field, value: object) -> str:
        if value is None:
            return "—"
        target = getattr(model_field, "related_model", None)
        if target is not None:
            table = {User: self.users, Contact: self.contacts, Cadence: self.cadences}.get(
                target, {}
            )
            return table.get(value, f"#{value} (since removed)")
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value)) or "—"
        if model_field.name == "channels" and isinstance(value, list):
            return ", ".join(Channel(c).label for c in value if c in Channel.values) or "—"
        return _show(value)


def _fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in HIDDEN]


def _subject(model, record) -> str:
    if model is Agreement:
        return f"Terms of version {record.version}"
    if model is Responsibility:
        return f"Responsibility “{record.area}” ({Party(record.party).label.lower()})"
    if model is CommunicationPlan:
        return "Communication plan"
    return f"Escalation level {record.level}"


def history_of(agreement: Agreement) -> list[Entry]:
    """Every recorded change to the version and its parts, newest first."""
    sources = [
        (Agreement, Agreement.history.filter(id=agreement.pk)),
        (Responsibility, Responsibility.history.filter(agreement_id=agreement.pk)),
        (CommunicationPlan, CommunicationPlan.history.filter(agreement_id=agreement.pk)),
        (EscalationStep, EscalationStep.history.filter(agreement_id=agreement.pk)),
    ]
    loaded = [
        (model, list(qs.select_related("history_user").order_by("history_date", "history_id")))
        for model, qs in sources
    ]
    names = _Names([r for _, records in loaded for r in records])
    entries: list[Entry] = []
    for model, records in loaded:
        fields = _fields(model)
        previous: dict[int, object] = {}
        for record in records:
            before = previous.get(record.id)
            changes = []
            if record.history_type == "~" and before is not None:
                for f in fields:
                    old, new = getattr(before, f.attname), getattr(record, f.attname)
                    if old != new:
                        changes.append(
                            Change(
                                f.verbose_name.capitalize(), names.show(f, old), names.show(f, new)
                            )
                        )
            elif record.history_type == "+":
                for f in fields:
                    value = getattr(record, f.attname)
                    if value not in (None, "", [], False):
                        changes.append(
                            Change(f.verbose_name.capitalize(), "", names.show(f, value))
                        )
            previous[record.id] = record
            if record.history_type == "~" and not changes:
                continue  # a save that changed nothing shown here
            entries.append(
                Entry(
                    at=record.history_date,
                    user=record.history_user,
                    subject=_subject(model, record),
                    action={"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                    reason=record.history_change_reason or "",
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
