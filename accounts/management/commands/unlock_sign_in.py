from django.core.management.base import BaseCommand, CommandError

from accounts import throttle


class Command(BaseCommand):
    help = (
        "Lift every sign-in lock on an account (any address) or on an address (any account): "
        "axes's own lock and the wider limits counted from the failure log."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", help="the account's e-mail, in any case")
        parser.add_argument("--ip", help="an address locked for password spraying")

    def handle(self, *args, email=None, ip=None, **options) -> None:
        if not email and not ip:
            raise CommandError("Give --email, --ip, or both.")
        removed = throttle.unlock(username=email, ip_address=ip)
        self.stdout.write(f"unlocked: {removed} failure record(s) removed")
