from django.core.management.base import BaseCommand

from reminders import services


class Command(BaseCommand):
    help = (
        "Insert the reminders now due and enqueue what is unsent (what beat triggers every few "
        "minutes; safe to run at any time, or from cron where beat is not used)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--queue", help="Celery queue for the delivery tasks.")

    def handle(self, *args, queue: str | None = None, **options) -> None:
        result = services.sweep(queue=queue)
        self.stdout.write(f"created={result.created} queued={result.queued}")
        if result.failed_sources:
            self.stderr.write("failed sources: " + ", ".join(result.failed_sources))
