from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone


class Size(models.TextChoices):
    STARTUP = "startup", "Start-up (under 50)"
    SMALL = "small", "Small (50–249)"
    MEDIUM = "medium", "Medium (250–999)"
    LARGE = "large", "Large (1,000–9,999)"
    ENTERPRISE = "enterprise", "Enterprise (10,000+)"


class Organization(models.Model):
    """A company we partner with, or consider partnering with."""

    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    industry = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    size = models.CharField(max_length=16, choices=Size.choices, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="partnerships_organization_name_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(size__in=["", *Size.values]),
                name="partnerships_organization_size_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:organization_detail", args=[self.pk])

    def validate_constraints(self, exclude=None) -> None:
        # Django names a functional unique constraint's error after the constraint; say it in words.
        if (
            self.name
            and Organization.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"name": "An organization with this name already exists."})
        super().validate_constraints(exclude=exclude)


class ContactQuerySet(models.QuerySet):
    def current(self, *, keep=()) -> "ContactQuerySet":
        """Contacts still at their organisation: the ones pickers offer for something new.
        ``keep`` (ids) adds back the former ones a record being edited already names."""
        keep = [pk for pk in keep if pk]
        condition = models.Q(left_on__isnull=True)
        return self.filter(condition | models.Q(pk__in=keep) if keep else condition)


class Contact(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField(max_length=40, blank=True)
    title = models.CharField("job title", max_length=120, blank=True)
    left_on = models.DateField(
        "left the organisation on",
        null=True,
        blank=True,
        help_text="A former contact stays on the records that name them, but is no longer "
        "offered for anything new. Clear the date if they are back.",
    )
    # Their sign-in to the portal, made when they are first invited: a Partner contact user
    # is tied to one organisation through this contact.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_contact",
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:organization_detail", args=[self.organization_id])

    def clean(self) -> None:
        super().clean()
        if self.left_on and self.left_on > timezone.localdate():
            raise ValidationError({"left_on": "The day they left cannot be in the future."})

    @property
    def is_former(self) -> bool:
        return self.left_on is not None

    @property
    def label(self) -> str:
        """How a picker names them: with their title, and "former" once they have left."""
        text = f"{self.name}, {self.title}" if self.title else self.name
        return f"{text} (former contact)" if self.is_former else text


class Stage(models.TextChoices):
    DEFINING = "defining", "Defining objectives"
    SELECTING = "selecting", "Choosing the partner"
    AGREEING = "agreeing", "Agreeing"
    ACTIVE = "active", "Active"
    RENEWING = "renewing", "Renewing"
    ENDED = "ended", "Ended"


class PartnershipType(models.TextChoices):
    TECHNOLOGY = "technology", "Technology"
    CHANNEL = "channel", "Distribution / channel"
    CO_MARKETING = "co_marketing", "Co-marketing"
    SUPPLY = "supply", "Supply"
    JOINT_VENTURE = "joint_venture", "Joint venture"
    RESEARCH = "research", "Research"


class Tier(models.IntegerChoices):
    STRATEGIC = 1, "Tier 1 · strategic"
    KEY = 2, "Tier 2 · key"
    STANDARD = 3, "Tier 3 · standard"


class PartnershipQuerySet(models.QuerySet):
    def open(self) -> "PartnershipQuerySet":
        return self.exclude(stage=Stage.ENDED)

    def for_list(self) -> "PartnershipQuerySet":
        """What a row of a list shows. The managers land in ``manager_list``, a plain list: a
        list page reads them 25 times, and ``p.managers.all`` builds a manager and a queryset
        on every read."""
        from django.contrib.auth import get_user_model

        managers = get_user_model().objects.only("full_name", "email")
        return self.select_related("organization", "executive_sponsor").prefetch_related(
            models.Prefetch("managers", queryset=managers, to_attr="manager_list")
        )


class Partnership(models.Model):
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=PartnershipType.choices)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.KEY)
    description = models.TextField(blank=True)
    executive_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sponsored_partnerships",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_partnerships", blank=True
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
        help_text="The partner, once chosen.",
    )
    start_date = models.DateField(null=True, blank=True)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.DEFINING)
    ended_reason = models.TextField(blank=True)
    check_in_cadence = models.ForeignKey(
        "reminders.Cadence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose": "check_in"},
    )
    review_cadence = models.ForeignKey(
        "reminders.Cadence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose": "review"},
    )
    next_check_in_due = models.DateField(null=True, blank=True, db_index=True)
    next_review_due = models.DateField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="partnerships_partnership_name_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values),
                name="partnerships_partnership_stage_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=PartnershipType.values),
                name="partnerships_partnership_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(tier__in=Tier.values),
                name="partnerships_partnership_tier_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="ended") | ~models.Q(ended_reason=""),
                name="partnerships_partnership_ended_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "name"]),
            # The list's default order: 25 rows read from the index, not a sort of them all.
            models.Index(fields=["name"], name="partnerships_name_idx"),
            # The reminder sweep asks, per cadence, which live partnerships fall due in a range
            # of days; "overdue" has no lower bound, so without the condition it would walk
            # every ended partnership's last due date as well.
            models.Index(
                fields=["check_in_cadence", "next_check_in_due"],
                condition=~models.Q(stage="ended"),
                name="partnerships_check_in_due_idx",
            ),
            models.Index(
                fields=["review_cadence", "next_review_due"],
                condition=~models.Q(stage="ended"),
                name="partnerships_review_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:detail", args=[self.pk])

    def validate_constraints(self, exclude=None) -> None:
        if (
            self.name
            and Partnership.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"name": "A partnership with this name already exists."})
        super().validate_constraints(exclude=exclude)

    @property
    def is_ended(self) -> bool:
        return self.stage == Stage.ENDED


class Transition(models.Model):
    """One move through the lifecycle: from where, to where, who, when and why."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(max_length=16, choices=Stage.choices)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.from_stage} → {self.to_stage}"


class Activity(models.Model):
    """A row of a partnership's timeline. Step apps write rows as their services act."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    url = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["partnership", "-at"])]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.summary


class PortalAccessQuerySet(models.QuerySet):
    def active(self) -> "PortalAccessQuerySet":
        return self.filter(revoked_at__isnull=True)


class PortalAccess(models.Model):
    """A partner contact invited to take part in one partnership through the portal."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="portal_accesses"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="portal_accesses")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PortalAccessQuerySet.as_manager()

    class Meta:
        ordering = ["contact__name"]
        verbose_name = "portal access"
        verbose_name_plural = "portal accesses"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "contact"], name="partnerships_portal_access_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact.name} on {self.partnership}"

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        return "joined" if self.joined_at else "invited"
