from django.core.management.base import BaseCommand

from webhooks import services


class Command(BaseCommand):
    help = (
        "Delete delivered webhook events older than ACCORD_WEBHOOK_RETENTION_DAYS (what beat "
        "triggers daily; safe to run at any time, or from cron where beat is not used)."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"deleted={services.outbox_prune()}")
