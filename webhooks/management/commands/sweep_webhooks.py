from django.core.management.base import BaseCommand

from webhooks import services


class Command(BaseCommand):
    help = (
        "Enqueue the webhook deliveries that are due (what beat triggers every minute; safe to "
        "run at any time, or from cron where beat is not used)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--queue", default=None, help="Celery queue for delivery tasks.")

    def handle(self, *args, queue=None, **options) -> None:
        self.stdout.write(f"queued={services.sweep(queue=queue)}")
