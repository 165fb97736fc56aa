import zoneinfo
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.functions import Lower
from django.utils import timezone

from . import roles


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone we know, such as Europe/London.")


TIME_ZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones())


class UserQuerySet(models.QuerySet):
    def with_role(self, role: str) -> "UserQuerySet":
        return self.filter(groups__name=role, is_active=True).distinct()

    def executives(self) -> "UserQuerySet":
        return self.with_role(roles.EXECUTIVE)

    def partner_managers(self) -> "UserQuerySet":
        return self.with_role(roles.PARTNER_MANAGER)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150)
    time_zone = models.CharField(
        max_length=64, default="UTC", choices=TIME_ZONE_CHOICES, validators=[validate_time_zone]
    )
    is_active = models.BooleanField(
        default=True, help_text="Untick instead of deleting: their history stays attributed."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def role_names(self) -> frozenset[str]:
        # Every page asks (navigation, the access rule). Plain SQL, measured on 7 Dec 2026
        # (benchmarks/README.md): 167–273 µs, against 523–761 µs through the ORM; a cached copy
        # would cost a Redis GET, 215–232 µs, and an invalidation to get right.
        field, group = self._meta.get_field("groups"), Group._meta
        db = connections[self._state.db or DEFAULT_DB_ALIAS]
        qn = db.ops.quote_name
        sql = (
            f"SELECT g.{qn(group.get_field('name').column)} FROM {qn(group.db_table)} g "
            f"JOIN {qn(field.m2m_db_table())} m "
            f"ON m.{qn(field.m2m_reverse_name())} = g.{qn(group.pk.column)} "
            f"WHERE m.{qn(field.m2m_column_name())} = %s"
        )
        with db.cursor() as cursor:
            cursor.execute(sql, [self.pk])
            return frozenset(name for (name,) in cursor.fetchall())

    @property
    def internal_role_names(self) -> frozenset[str]:
        """Our roles: none at all for a partner contact, even if one was granted by mistake."""
        if roles.PARTNER_CONTACT in self.role_names:
            return frozenset()
        return self.role_names

    @property
    def is_executive(self) -> bool:
        return roles.EXECUTIVE in self.internal_role_names

    @property
    def is_partner_manager(self) -> bool:
        return roles.PARTNER_MANAGER in self.internal_role_names

    @property
    def is_partner_contact(self) -> bool:
        """One of the partner's people: the portal only, whatever else they were granted."""
        return roles.PARTNER_CONTACT in self.role_names and not self.is_superuser

    @property
    def is_administrator(self) -> bool:
        return roles.ADMINISTRATOR in self.internal_role_names or self.is_superuser

    @property
    def is_staff(self) -> bool:
        # Django admin's templates ask for is_staff; the Administrator role is what grants it.
        return self.is_administrator

    @property
    def role_label(self) -> str:
        for role in roles.ALL:
            if role in self.role_names:
                return role
        return "Administrator" if self.is_superuser else "No role yet"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class SignedInSession(models.Model):
    """One signed-in browser, as its owner sees it on their profile. Our own table, not the
    session engine's, so the list survives a change of engine (cached_db, Redis): the engine
    keeps the session, this row says whose it is and from where (accounts.signed_in)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField("address", null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen", "-pk"]
        indexes = [models.Index(fields=["user", "-last_seen"], name="accounts_sis_user_seen")]

    def __str__(self) -> str:
        return f"{self.device} · {self.ip or 'unknown address'}"

    @property
    def device(self) -> str:
        from .devices import describe

        return describe(self.user_agent)


class SsoIdentity(models.Model):
    """Who the provider says a user is: its issuer and that person's ``sub``, which never changes
    where an e-mail can. Once linked, an account signs in by SSO only as this identity."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "SSO identity"
        verbose_name_plural = "SSO identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="accounts_sso_iss_sub"),
            models.UniqueConstraint(fields=["user", "issuer"], name="accounts_sso_user_iss"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
