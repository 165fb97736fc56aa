"""Step 3: the agreement of a partnership, in versions, with its parts: who is responsible for
what, how the parties communicate, and how disputes climb the ladder."""

import datetime
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from partnerships.models import Contact, Partnership
from reminders.models import Frequency


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    SIGNED = "signed", "Signed"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"
    SUPERSEDED = "superseded", "Superseded"


# A version is open (editable) until it is signed; from then on it is a record.
OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED)
SIGNED_STATUSES = (Status.SIGNED, Status.EXPIRED, Status.TERMINATED, Status.SUPERSEDED)


def document_path(instance: "Agreement", filename: str) -> str:
    # The stored name says nothing about the partnership and cannot be guessed; the original
    # name is kept in `document_name` for the download.
    suffix = PurePath(filename).suffix.lower()
    return f"agreements/{secrets.token_urlsafe(24)}{suffix}"


class AgreementQuerySet(models.QuerySet):
    def open(self) -> "AgreementQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def in_force(self) -> "AgreementQuerySet":
        return self.filter(status=Status.SIGNED)

    def for_list(self) -> "AgreementQuerySet":
        return self.select_related("partnership", "partnership__organization")


class Agreement(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="agreements"
    )
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(max_length=200)
    effective_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(
        null=True, blank=True, help_text="Leave empty for an agreement without an end date."
    )
    notice_period_days = models.PositiveIntegerField(
        "notice period (days)",
        default=90,
        help_text="Days before expiry by which either party must give notice.",
    )
    notice_deadline = models.DateField(
        null=True, blank=True, editable=False, db_index=True, help_text="Expiry minus notice."
    )
    auto_renew = models.BooleanField(
        "renews automatically",
        default=False,
        help_text="Renews for the same term unless notice is given.",
    )
    commercial_terms = models.TextField(
        "summary of commercial terms",
        blank=True,
        help_text="Fees, revenue share, exclusivity, volumes: what each side pays or commits.",
    )
    our_signatory = models.CharField(
        "our signatory", max_length=150, blank=True, help_text="Name and title."
    )
    partner_signatory = models.CharField(
        "partner's signatory", max_length=150, blank=True, help_text="Name and title."
    )
    signed_on = models.DateField("date signed", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The executive who recorded the signature in Accord.",
    )
    ended_note = models.TextField(blank=True)
    document = models.FileField(upload_to=document_path, blank=True, max_length=200)
    document_name = models.CharField(max_length=200, blank=True)
    document_size = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "version"],
                name="agreements_agreement_version_unique",
                violation_error_message="This partnership already has a version with this number.",
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="agreements_agreement_one_open_version",
                violation_error_message=(
                    "This partnership already has a version open: finish or discard it first."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="agreements_agreement_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="agreements_agreement_version_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(expiry_date__isnull=True)
                | models.Q(effective_date__isnull=True)
                | models.Q(expiry_date__gt=models.F("effective_date")),
                name="agreements_agreement_expiry_after_effective",
                violation_error_message="The expiry date must come after the effective date.",
            ),
            # The deadline is expiry minus notice, so "notice no longer than the term" reads
            # "the deadline is not before the effective date".
            models.CheckConstraint(
                condition=models.Q(notice_deadline__isnull=True)
                | models.Q(effective_date__isnull=True)
                | models.Q(notice_deadline__gte=models.F("effective_date")),
                name="agreements_agreement_notice_within_term",
                violation_error_message="The notice period is longer than the agreement's term.",
            ),
            models.CheckConstraint(
                condition=models.Q(expiry_date__isnull=True, notice_deadline__isnull=True)
                | models.Q(expiry_date__isnull=False, notice_deadline__isnull=False),
                name="agreements_agreement_deadline_iff_expiry",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=SIGNED_STATUSES)
                | models.Q(effective_date__isnull=False, signed_on__isnull=False),
                name="agreements_agreement_signed_has_dates",
            ),
        ]
        indexes = [models.Index(fields=["status", "notice_deadline"])]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs) -> None:
        self.notice_deadline = self.compute_notice_deadline()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "expiry_date" in update_fields:
            kwargs["update_fields"] = {*update_fields, "notice_deadline"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.partnership_id, self.pk])

    def compute_notice_deadline(self) -> datetime.date | None:
        if self.expiry_date is None or self.notice_period_days is None:
            return None
        try:
            return self.expiry_date - datetime.timedelta(days=self.notice_period_days)
        except OverflowError:  # a deadline before 1 January of year 1; clean() says so
            return None

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.effective_date and self.expiry_date:
            if self.expiry_date <= self.effective_date:
                errors["expiry_date"] = "The expiry date must come after the effective date."
            else:
                term = (self.expiry_date - self.effective_date).days
                if self.notice_period_days is not None and self.notice_period_days > term:
                    errors["notice_period_days"] = (
                        f"The notice period ({self.notice_period_days} days) is longer than the "
                        f"term ({term} days, from the effective date to expiry)."
                    )
        self.notice_deadline = self.compute_notice_deadline()
        if self.expiry_date and self.notice_period_days is not None and not self.notice_deadline:
            errors.setdefault(
                "notice_period_days",
                "The notice period reaches back before the calendar begins: check it and the "
                "expiry date.",
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_signed(self) -> bool:
        return self.status in SIGNED_STATUSES

    @property
    def term_days(self) -> int | None:
        if self.effective_date and self.expiry_date:
            return (self.expiry_date - self.effective_date).days
        return None


class Party(models.TextChoices):
    US = "us", "Us"
    PARTNER = "partner", "Partner"
    JOINT = "joint", "Joint"


class Responsibility(models.Model):
    """Who contributes or is expected to do what, and who answers for it."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="responsibilities"
    )
    party = models.CharField(max_length=8, choices=Party.choices)
    area = models.CharField(max_length=120, help_text="For example: logistics, marketing, data.")
    description = models.TextField("what is contributed or expected")
    accountable_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="accountable (our side)",
    )
    accountable_contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="accountable (partner contact)",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["party", "area", "pk"]
        verbose_name_plural = "responsibilities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(party__in=Party.values),
                name="agreements_responsibility_party_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(accountable_user__isnull=False, accountable_contact__isnull=True)
                | models.Q(accountable_user__isnull=True, accountable_contact__isnull=False),
                name="agreements_responsibility_one_accountable",
                violation_error_message=(
                    "Name one accountable person: one of ours, or a contact at the partner."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.area}"

    def clean(self) -> None:
        super().clean()
        if self.accountable_user_id and self.accountable_contact_id:
            raise ValidationError(
                {"accountable_contact": "Name one accountable person, not two: clear one field."}
            )
        if not self.accountable_user_id and not self.accountable_contact_id:
            raise ValidationError(
                {"accountable_user": "Name who is accountable: one of ours, or a partner contact."}
            )

    @property
    def accountable(self) -> object:
        return self.accountable_user or self.accountable_contact


class Channel(models.TextChoices):
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    CHAT = "chat", "Shared chat channel"
    PORTAL = "portal", "Partner portal"


def validate_channels(value: object) -> None:
    if not isinstance(value, list) or any(item not in Channel.values for item in value):
        raise ValidationError("Choose channels from the list.")


class CommunicationPlan(models.Model):
    """How the parties keep in touch: one per agreement version."""

    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="plan")
    check_in_cadence = models.ForeignKey(
        "reminders.Cadence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose": "check_in"},
        verbose_name="check-in cadence",
    )
    review_cadence = models.ForeignKey(
        "reminders.Cadence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose": "review"},
    )
    channels = models.JSONField(default=list, blank=True, validators=[validate_channels])
    our_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partner_lead = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="partner's lead",
    )
    reporting = models.TextField(
        "what is reported", blank=True, help_text="For example: volumes, service levels, pipeline."
    )
    reporting_frequency = models.CharField(
        "reported how often", max_length=16, choices=Frequency.choices, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reporting_frequency__in=["", *Frequency.values]),
                name="agreements_plan_reporting_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Communication plan of {self.agreement}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.check_in_cadence_id and self.check_in_cadence.purpose != "check_in":
            errors["check_in_cadence"] = "Choose a cadence meant for check-ins."
        if self.review_cadence_id and self.review_cadence.purpose != "review":
            errors["review_cadence"] = "Choose a cadence meant for reviews."
        if errors:
            raise ValidationError(errors)

    def channel_labels(self) -> list[str]:
        return [Channel(c).label for c in self.channels if c in Channel.values]


class Mechanism(models.TextChoices):
    NEGOTIATION = "negotiation", "Managers negotiate"
    EXECUTIVE = "executive", "Executive escalation"
    STEERING = "steering", "Steering committee"
    MEDIATION = "mediation", "Mediation"
    ARBITRATION = "arbitration", "Arbitration"


class EscalationStep(models.Model):
    """A rung of the dispute-resolution ladder: unresolved after `days_to_respond`, go up one."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="escalation_steps"
    )
    level = models.PositiveSmallIntegerField()
    mechanism = models.CharField(max_length=16, choices=Mechanism.choices)
    our_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="our person",
    )
    our_role = models.CharField(
        "our side (role)", max_length=120, blank=True, help_text="For example: COO, legal counsel."
    )
    partner_person = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="partner's person",
    )
    partner_role = models.CharField("partner's side (role)", max_length=120, blank=True)
    days_to_respond = models.PositiveSmallIntegerField(
        help_text="Days this level has to resolve it before it goes to the next."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "level"],
                name="agreements_step_level_unique",
                violation_error_message="The ladder already has a step at this level.",
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1), name="agreements_step_level_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(days_to_respond__gte=1),
                name="agreements_step_days_positive",
                violation_error_message="Give at least one day to respond.",
            ),
            models.CheckConstraint(
                condition=models.Q(mechanism__in=Mechanism.values),
                name="agreements_step_mechanism_valid",
            ),
            models.CheckConstraint(
                condition=(models.Q(our_person__isnull=False) | ~models.Q(our_role=""))
                & (models.Q(partner_person__isnull=False) | ~models.Q(partner_role="")),
                name="agreements_step_both_sides_named",
                violation_error_message="Say who takes part on each side.",
            ),
        ]

    def __str__(self) -> str:
        return f"Level {self.level}: {self.get_mechanism_display()}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if not self.our_person_id and not self.our_role.strip():
            errors["our_role"] = "Say who takes part on our side: a person or a role."
        if not self.partner_person_id and not self.partner_role.strip():
            errors["partner_role"] = "Say who takes part on the partner's side: a person or a role."
        if self.days_to_respond is not None and self.days_to_respond < 1:
            errors["days_to_respond"] = "Give at least one day to respond."
        if errors:
            raise ValidationError(errors)

    @property
    def our_side(self) -> str:
        parts = [str(self.our_person) if self.our_person_id else "", self.our_role]
        return ", ".join(p for p in parts if p)

    @property
    def partner_side(self) -> str:
        name = self.partner_person.name if self.partner_person_id else ""
        return ", ".join(p for p in [name, self.partner_role] if p)
