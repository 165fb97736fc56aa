"""Demo data: three users (one per role) and a dozen partnerships across every stage.

Idempotent: running it twice changes nothing. Step apps extend it with their own data.
"""

import datetime

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from partnerships.models import (
    Activity,
    Contact,
    Organization,
    Partnership,
    Stage,
    Transition,
)
from partnerships.registry import demo_seeders
from reminders.models import Cadence

DEMO_PASSWORD = "accord-demo"

USERS = [
    # e-mail, name, role, time zone
    ("coo@accord.example", "Olivia Grant", roles.EXECUTIVE, "Europe/London"),
    ("manager@accord.example", "Sam Patel", roles.PARTNER_MANAGER, "Europe/Berlin"),
    ("admin@accord.example", "Morgan Lee", roles.ADMINISTRATOR, "UTC"),
    ("jordan@accord.example", "Jordan Reyes", roles.PARTNER_MANAGER, "America/New_York"),
]

ORGANIZATIONS = [
    # name, website, industry, region, size, contacts
    (
        "Northwind Logistics",
        "https://northwind.example",
        "Logistics",
        "Europe",
        "large",
        [("Hannah Berg", "VP Partnerships", "hannah.berg@northwind.example", "+44 20 7946 0101")],
    ),
    (
        "Helios Cloud",
        "https://helios.example",
        "Cloud infrastructure",
        "North America",
        "enterprise",
        [
            ("Marcus Webb", "Director, Alliances", "m.webb@helios.example", "+1 415 555 0142"),
            ("Priya Nair", "Solutions Architect", "p.nair@helios.example", ""),
        ],
    ),
    (
        "Verdant Packaging",
        "https://verdant.example",
        "Packaging",
        "Europe",
        "medium",
        [("Luca Romano", "Head of Sales", "luca@verdant.example", "+39 02 555 0199")],
    ),
    (
        "Quanta Analytics",
        "https://quanta.example",
        "Data & AI",
        "Europe",
        "small",
        [("Ingrid Olsen", "CEO", "ingrid@quanta.example", "")],
    ),
    (
        "Meridian Retail Group",
        "https://meridian.example",
        "Retail",
        "Asia-Pacific",
        "enterprise",
        [("Kenji Mori", "Partnerships Lead", "kenji.mori@meridian.example", "+81 3 5555 0123")],
    ),
    (
        "BrightPath Marketing",
        "https://brightpath.example",
        "Marketing services",
        "North America",
        "small",
        [("Ava Thompson", "Account Director", "ava@brightpath.example", "")],
    ),
    (
        "Atlas Components",
        "https://atlas.example",
        "Manufacturing",
        "Europe",
        "large",
        [("Tomasz Nowak", "Supply Chain Director", "t.nowak@atlas.example", "+48 22 555 0177")],
    ),
    (
        "Lumen Research Institute",
        "https://lumen.example",
        "Research",
        "Europe",
        "medium",
        [("Dr. Elise Martin", "Programme Director", "e.martin@lumen.example", "")],
    ),
    (
        "Cobalt Payments",
        "https://cobalt.example",
        "Fintech",
        "Europe",
        "medium",
        [("Rafael Souza", "Partner Manager", "rafael@cobalt.example", "")],
    ),
]

PARTNERSHIPS = [
    # name, type, tier, stage, organization, manager e-mail, start (days ago), description
    (
        "Northwind fulfilment network",
        "supply",
        1,
        Stage.ACTIVE,
        "Northwind Logistics",
        "manager@accord.example",
        420,
        "Outsourced European fulfilment: two hubs, next-day delivery in 14 countries.",
    ),
    (
        "Helios cloud co-sell",
        "technology",
        1,
        Stage.ACTIVE,
        "Helios Cloud",
        "manager@accord.example",
        610,
        "Joint go-to-market of our platform on Helios's marketplace.",
    ),
    (
        "Verdant sustainable packaging",
        "supply",
        2,
        Stage.ACTIVE,
        "Verdant Packaging",
        "jordan@accord.example",
        300,
        "Switch 60% of packaging to recycled materials by 2027.",
    ),
    (
        "Meridian APAC distribution",
        "channel",
        1,
        Stage.RENEWING,
        "Meridian Retail Group",
        "jordan@accord.example",
        1050,
        "Exclusive distribution in Japan and South Korea; renewal due.",
    ),
    (
        "BrightPath co-marketing",
        "co_marketing",
        3,
        Stage.AGREEING,
        "BrightPath Marketing",
        "manager@accord.example",
        None,
        "Joint campaigns for the mid-market launch.",
    ),
    (
        "Atlas component sourcing",
        "supply",
        2,
        Stage.AGREEING,
        "Atlas Components",
        "jordan@accord.example",
        None,
        "Second source for precision components to cut lead times.",
    ),
    (
        "Analytics capability partner",
        "technology",
        2,
        Stage.SELECTING,
        None,
        "manager@accord.example",
        None,
        "Find a partner to embed predictive analytics in our product.",
    ),
    (
        "Payments integration",
        "technology",
        2,
        Stage.SELECTING,
        None,
        "jordan@accord.example",
        None,
        "Offer embedded payments to our customers.",
    ),
    (
        "Battery materials research",
        "research",
        2,
        Stage.DEFINING,
        None,
        "manager@accord.example",
        None,
        "Explore a research partnership on recyclable battery materials.",
    ),
    (
        "LATAM market entry",
        "joint_venture",
        1,
        Stage.DEFINING,
        None,
        "jordan@accord.example",
        None,
        "A joint venture to enter Brazil and Mexico.",
    ),
    (
        "Lumen applied research",
        "research",
        3,
        Stage.ACTIVE,
        "Lumen Research Institute",
        "manager@accord.example",
        200,
        "Two PhD projects on supply-chain optimisation.",
    ),
    (
        "Legacy reseller programme",
        "channel",
        3,
        Stage.ENDED,
        "Cobalt Payments",
        "jordan@accord.example",
        900,
        "A reseller agreement that did not meet its targets.",
    ),
]

PATHS = {
    Stage.DEFINING: [],
    Stage.SELECTING: [Stage.SELECTING],
    Stage.AGREEING: [Stage.SELECTING, Stage.AGREEING],
    Stage.ACTIVE: [Stage.SELECTING, Stage.AGREEING, Stage.ACTIVE],
    Stage.RENEWING: [Stage.SELECTING, Stage.AGREEING, Stage.ACTIVE, Stage.RENEWING],
    Stage.ENDED: [Stage.SELECTING, Stage.AGREEING, Stage.ACTIVE, Stage.ENDED],
}


class Command(BaseCommand):
    help = "Load Accord's demo users and partnerships (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds partnerships.",
        )
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help="Then add N partnerships with a year of history, for benchmarks (bulk inserts).",
        )

    def handle(self, *args, if_empty: bool = False, scale: int | None = None, **options) -> None:
        if if_empty and Partnership.objects.exists():
            self.stdout.write("Demo data skipped: the database already has partnerships.")
            return
        with transaction.atomic():
            users = self.seed_users()
            orgs = self.seed_organizations()
            self.seed_partnerships(users, orgs)
            for seed in demo_seeders():
                seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        if scale:
            # The portfolio app owns the scale data (it writes every step's tables); named here,
            # not imported: the core never imports a step app.
            call_command("seed_scale", scale, stdout=self.stdout)

    def seed_users(self) -> dict[str, User]:
        users = {}
        for email, name, role, tz in USERS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"full_name": name, "time_zone": tz}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            users[email] = user
        return users

    def seed_organizations(self) -> dict[str, Organization]:
        orgs = {}
        for name, website, industry, region, size, contacts in ORGANIZATIONS:
            org, _ = Organization.objects.get_or_create(
                name=name,
                defaults={"website": website, "industry": industry, "region": region, "size": size},
            )
            for contact_name, title, email, phone in contacts:
                Contact.objects.get_or_create(
                    organization=org,
                    name=contact_name,
                    defaults={"title": title, "email": email, "phone": phone},
                )
            orgs[name] = org
        return orgs

    def seed_partnerships(self, users: dict[str, User], orgs: dict[str, Organization]) -> None:
        coo = users["coo@accord.example"]
        weekly = Cadence.objects.get(name="Weekly check-in")
        monthly = Cadence.objects.get(name="Monthly check-in")
        quarterly = Cadence.objects.get(name="Quarterly business review")
        today = timezone.localdate()
        for index, (name, kind, tier, stage, org, manager, start_ago, about) in enumerate(
            PARTNERSHIPS
        ):
            if Partnership.objects.filter(name=name).exists():
                continue
            live = stage in (Stage.ACTIVE, Stage.RENEWING)
            partnership = Partnership.objects.create(
                name=name,
                type=kind,
                tier=tier,
                description=about,
                executive_sponsor=coo,
                organization=orgs.get(org) if org else None,
                start_date=today - datetime.timedelta(days=start_ago) if start_ago else None,
                stage=stage,
                ended_reason="Targets missed for three quarters; both sides agreed to close."
                if stage == Stage.ENDED
                else "",
                check_in_cadence=(weekly if tier == 1 else monthly) if live else None,
                review_cadence=quarterly if live else None,
                # Spread due dates so the demo shows something overdue, due soon and later.
                next_check_in_due=today + datetime.timedelta(days=(index % 5) * 3 - 4)
                if live
                else None,
                next_review_due=today + datetime.timedelta(days=index * 9 - 10) if live else None,
            )
            partnership.managers.add(users[manager])
            Activity.objects.create(
                partnership=partnership,
                kind="partnership",
                summary=f"Partnership created by {coo}",
                actor=coo,
            )
            previous = Stage.DEFINING
            for to_stage in PATHS[stage]:
                Transition.objects.create(
                    partnership=partnership,
                    from_stage=previous,
                    to_stage=to_stage,
                    by=coo,
                    note="Ended by mutual agreement." if to_stage == Stage.ENDED else "",
                )
                Activity.objects.create(
                    partnership=partnership,
                    kind="stage",
                    summary=f"Moved from {Stage(previous).label} to {Stage(to_stage).label}",
                    actor=coo,
                )
                previous = to_stage
