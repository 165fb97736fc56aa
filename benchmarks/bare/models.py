from django.conf import settings
from django.db import models


class Company(models.Model):
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A partnership's shape: a name, a stage, an organisation, a manager, dates."""

    name = models.CharField(max_length=200, db_index=True)
    stage = models.CharField(max_length=20)
    company = models.ForeignKey(Company, on_delete=models.CASCADE)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    next_due = models.DateField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    """A check-in's shape: the rows a list counts and a detail page shows."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="notes")
    held_on = models.DateField()
    summary = models.TextField()

    def __str__(self) -> str:
        return f"{self.partner_id} {self.held_on}"
