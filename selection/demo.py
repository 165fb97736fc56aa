"""Demo candidates and scores for the partnerships that seed_demo made (found by name).

Partnerships still choosing get a long and short list, scored by the COO and their manager (one
candidate still waits for the manager's scores, so the no-anchoring rule shows). Partnerships past
that step get their history: the partner chosen, and the runner-up declined. Idempotent.
"""

from accounts.models import User
from partnerships.models import Organization, Partnership, Stage

from .models import Candidate, CandidateStatus, Criterion, Score

NEW_ORGANIZATIONS = {
    # name: (website, industry, region, size)
    "Nimbus Insights": ("https://nimbus.example", "Data & AI", "North America", "medium"),
    "Stratos Machine Learning": ("https://stratos.example", "Data & AI", "Europe", "startup"),
    "PayWave": ("https://paywave.example", "Fintech", "Europe", "large"),
    "Ledgerline": ("https://ledgerline.example", "Fintech", "North America", "small"),
    "Baltic Freight Partners": ("https://balticfreight.example", "Logistics", "Europe", "medium"),
    "Orbit Retail Asia": ("https://orbitretail.example", "Retail", "Asia-Pacific", "large"),
}

# Scores are given in this order of the criteria the migration seeds.
CRITERIA = [
    "Values",
    "Strategic goals",
    "Culture",
    "Resources",
    "Expertise",
    "Reputation",
    "Track record",
]
CHOOSING = {
    "Analytics capability partner": [
        (
            "Quanta Analytics",
            "short_list",
            "Built forecasting for two retailers; both renewed.",
            "Ingrid Olsen's former client at Atlas praised delivery speed.",
            "Small team: key-person risk on their lead data scientist.",
            {"coo": [5, 4, 5, 2, 5, 3, 4], "manager": [4, 4, 4, 2, 5, 4, 3]},
        ),
        (
            "Helios Cloud",
            "short_list",
            "Our co-sell partner since last year; large alliance programme.",
            "Marcus Webb; our own co-sell team.",
            "Analytics is not their core business; could deprioritise us.",
            {"coo": [4, 3, 3, 5, 3, 5, 4], "manager": [4, 2, 3, 5, 3, 5, 5]},
        ),
        (
            "Nimbus Insights",
            "long_list",
            "Partnered with two SaaS vendors in 2024.",
            "",
            "Acquisition rumours.",
            {"coo": [3, 4, 2, 4, 4, 3, 2]},
        ),  # the manager has not scored it yet
        ("Stratos Machine Learning", "long_list", "", "", "Seed-stage start-up.", {}),
    ],
    "Payments integration": [
        (
            "PayWave",
            "short_list",
            "Embedded payments for 40 SaaS platforms.",
            "Two platform CTOs, both positive.",
            "Pricing above the market for low volumes.",
            {"coo": [4, 5, 4, 5, 5, 4, 4], "jordan": [4, 4, 3, 5, 5, 5, 4]},
        ),
        (
            "Cobalt Payments",
            "short_list",
            "Our reseller programme with them ended after missing targets.",
            "Rafael Souza.",
            "Past partnership with us ended badly.",
            {"coo": [3, 4, 2, 3, 4, 3, 1], "jordan": [3, 3, 4, 3, 4, 3, 3]},
        ),
        (
            "Ledgerline",
            "long_list",
            "",
            "",
            "Only licensed in North America.",
            {"coo": [4, 3, 4, 2, 3, 2, 3]},
        ),  # Jordan has not scored it yet
    ],
}

# Partnerships past choosing: the chosen partner is their organisation; the runner-up was declined.
HISTORY = {
    "Northwind fulfilment network": ("Baltic Freight Partners", "Coverage of 6 countries, not 14."),
    "Meridian APAC distribution": ("Orbit Retail Asia", "No presence in South Korea."),
    "BrightPath co-marketing": (None, ""),
    "Atlas component sourcing": (None, ""),
    "Helios cloud co-sell": (None, ""),
    "Verdant sustainable packaging": (None, ""),
    "Lumen applied research": (None, ""),
    "Legacy reseller programme": (None, ""),
}
CHOSEN_SCORES = [4, 4, 4, 4, 4, 4, 4]
RUNNER_UP_SCORES = [4, 3, 3, 3, 3, 4, 3]


def _organizations() -> dict[str, Organization]:
    for name, (website, industry, region, size) in NEW_ORGANIZATIONS.items():
        Organization.objects.get_or_create(
            name=name,
            defaults={"website": website, "industry": industry, "region": region, "size": size},
        )
    return {o.name: o for o in Organization.objects.all()}


def _score(
    candidate: Candidate, evaluator: User, values: list[int], criteria: dict[str, Criterion]
) -> int:
    added = 0
    for name, value in zip(CRITERIA, values, strict=True):
        criterion = criteria.get(name)
        if criterion is None:  # an administrator removed or renamed it
            continue
        _, created = Score.objects.get_or_create(
            candidate=candidate,
            criterion=criterion,
            evaluator=evaluator,
            defaults={"value": value},
        )
        added += created
    return added


def seed(stdout) -> None:
    users = {
        "coo": User.objects.filter(email="coo@accord.example").first(),
        "manager": User.objects.filter(email="manager@accord.example").first(),
        "jordan": User.objects.filter(email="jordan@accord.example").first(),
    }
    if not all(users.values()):
        return
    criteria = {c.name: c for c in Criterion.objects.filter(active=True)}
    orgs = _organizations()
    partnerships = {p.name: p for p in Partnership.objects.filter(name__in=[*CHOOSING, *HISTORY])}
    candidates = scores = 0

    for name, rows in CHOOSING.items():
        partnership = partnerships.get(name)
        if partnership is None or partnership.stage != Stage.SELECTING:
            continue
        for org, status, past, references, risks, sheets in rows:
            candidate, created = Candidate.objects.get_or_create(
                partnership=partnership,
                organization=orgs[org],
                defaults={
                    "status": status,
                    "past_partnerships": past,
                    "references": references,
                    "risks": risks,
                    "added_by": users["coo"],
                },
            )
            candidates += created
            for who, values in sheets.items():
                scores += _score(candidate, users[who], values, criteria)

    for name, (runner_up, reason) in HISTORY.items():
        partnership = partnerships.get(name)
        if partnership is None or partnership.organization is None:
            continue
        # The first manager it had: a co-manager added later (the health-check demo adds one)
        # must not score it again on the next run.
        manager = partnership.managers.order_by("pk").first()
        chosen, created = Candidate.objects.get_or_create(
            partnership=partnership,
            organization=partnership.organization,
            defaults={"status": CandidateStatus.CHOSEN, "added_by": users["coo"]},
        )
        candidates += created
        scores += _score(chosen, users["coo"], CHOSEN_SCORES, criteria)
        if manager:
            scores += _score(chosen, manager, CHOSEN_SCORES, criteria)
        if runner_up:
            declined, created = Candidate.objects.get_or_create(
                partnership=partnership,
                organization=orgs[runner_up],
                defaults={
                    "status": CandidateStatus.DECLINED,
                    "declined_reason": reason,
                    "added_by": users["coo"],
                },
            )
            candidates += created
            scores += _score(declined, users["coo"], RUNNER_UP_SCORES, criteria)
    stdout.write(f"Selection: {candidates} candidates and {scores} scores added.")
