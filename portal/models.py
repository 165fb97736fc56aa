from django.db import models
from django.utils import timezone


class LinkRequest(models.Model):
    """A request for a fresh portal link, kept only to throttle them (by e-mail and address).

    The answer is the same whether or not the address is known, so the e-mail is recorded as
    typed (lower-cased), known or not.
    """

    email = models.CharField(max_length=254)
    ip_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["email", "at"]),
            models.Index(fields=["ip_address", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.email} at {self.at:%Y-%m-%d %H:%M}"
