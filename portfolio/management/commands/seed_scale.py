from django.core.management.base import BaseCommand, CommandError

from portfolio.scale import seed_scale


class Command(BaseCommand):
    help = (
        "Add scale partnerships with a year of history, up to N in all (for benchmarks). "
        "Usually run as `seed_demo --scale N`, which loads the demo first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("count", type=int, help="How many scale partnerships in all.")
        parser.add_argument(
            "--history-days",
            type=int,
            default=120,
            help="Days of (made-up) daily health snapshots behind today's.",
        )

    def handle(self, *args, count: int, history_days: int, **options) -> None:
        if count < 1:
            raise CommandError("Give a number of partnerships of 1 or more.")
        try:
            added = seed_scale(count, self.stdout, history_days=history_days)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        if not added:
            self.stdout.write(f"Scale data: the {count:,} partnerships are there already.")
