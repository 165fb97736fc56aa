from django.core.management.base import BaseCommand

from audit import services


class Command(BaseCommand):
    help = "Remove audit events older than ACCORD_AUDIT_RETENTION_DAYS (0 keeps everything)."

    def handle(self, *args, **options) -> None:
        keep = services.retention()
        if keep is None:
            self.stdout.write("ACCORD_AUDIT_RETENTION_DAYS is 0: every event is kept")
            return
        removed = services.prune()
        self.stdout.write(f"pruned: {removed} event(s) older than {keep.days} days")
