"""Demo objectives for the partnerships that seed_demo made (found by name). Idempotent."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from partnerships.models import Partnership

from .models import Alignment, Objective

# partnership -> objectives: (key, party, category, title, success measure, baseline, current,
# target, unit, due in days, priority, status); then links: (our key, their key, kind, note)
# fmt: off
OBJECTIVES = {
    "Northwind fulfilment network": (
        [
            ("cost", "ours", "cost_savings", "Cut the cost per order shipped",
             "Fulfilment cost per order", "6.40", "5.10", "4.80", "€",
             120, "high", "on_track"),
            ("speed", "ours", "operational_support", "Next-day delivery in 14 countries",
             "Share of orders delivered next day", "62", "81", "95", "%",
             200, "high", "at_risk"),
            ("volume", "partner", "market_expansion", "Fill the new Rotterdam hub",
             "Hub utilisation", "35", "58", "80", "%",
             240, "medium", "on_track"),
        ],
        [
            ("cost", "volume", "aligned",
             "More of our volume through their hubs lowers our unit cost."),
            ("speed", "volume", "partly",
             "Rotterdam serves 9 of the 14 countries."),
        ],
    ),
    "Helios cloud co-sell": (
        [
            ("pipeline", "ours", "market_expansion", "Marketplace-sourced pipeline",
             "Qualified pipeline from the Helios marketplace", "0", "3200000", "5000000", "€",
             150, "high", "on_track"),
            ("logos", "partner", "market_access", "Enterprise logos on the marketplace",
             "New enterprise customers on the marketplace", "0", "14", "25", "customers",
             150, "medium", "on_track"),
            ("commit", "shared", "market_expansion", "Joint annual commitment drawn down",
             "Consumption against the committed spend", "0", "62", "100", "%",
             300, "high", "on_track"),
        ],
        [
            ("pipeline", "logos", "aligned",
             "Every deal we win there is a logo for them."),
        ],
    ),
    "Verdant sustainable packaging": (
        [
            ("recycled", "ours", "product_development", "Recycled share of packaging",
             "Recycled material by weight", "18", "41", "60", "%",
             400, "high", "on_track"),
            ("unitcost", "ours", "cost_savings", "Keep packaging cost flat",
             "Packaging cost per unit", "0.42", "0.47", "0.41", "€",
             200, "medium", "at_risk"),
            ("margin", "partner", "other", "Premium pricing for recycled lines",
             "Price premium on recycled packaging", "0", "9", "12", "%",
             365, "medium", "on_track"),
        ],
        [
            ("recycled", "margin", "aligned",
             ""),
            ("unitcost", "margin", "conflicting",
             "Their premium pushes our unit cost up; agreed to revisit at the next review."),
        ],
    ),
    "Meridian APAC distribution": (
        [
            ("revenue", "ours", "market_expansion", "Revenue in Japan and South Korea",
             "Annual net revenue through Meridian", "1200000", "4100000", "4000000", "€",
             -30, "high", "achieved"),
            ("stores", "ours", "market_access", "Stores carrying the range",
             "Meridian stores with the range on shelf", "0", "310", "400", "stores",
             -30, "medium", "missed"),
            ("exclusive", "partner", "market_access", "Exclusive rights for five more years",
             "Term of exclusivity", "3", "3", "5", "years",
             60, "high", "not_started"),
        ],
        [
            ("revenue", "exclusive", "partly",
             "Exclusivity suits us only if revenue keeps growing."),
        ],
    ),
    "BrightPath co-marketing": (
        [
            ("leads", "ours", "market_expansion", "Mid-market leads from joint campaigns",
             "Marketing-qualified leads", "0", None, "600", "leads",
             180, "high", "not_started"),
            ("cases", "partner", "other", "Case studies for their portfolio",
             "Published case studies", "0", None, "3", "case studies",
             180, "low", "not_started"),
        ],
        [
            ("leads", "cases", "aligned",
             "Campaign results make the case studies."),
        ],
    ),
    "Atlas component sourcing": (
        [
            ("lead", "ours", "operational_support", "Cut lead time for precision parts",
             "Median lead time", "42", None, "21", "days",
             240, "high", "not_started"),
            ("second", "ours", "cost_savings", "Second source below current price",
             "Unit price against the incumbent", "100", None, "94", "index",
             240, "medium", "not_started"),
            ("volume", "partner", "market_expansion", "Committed annual volume",
             "Units ordered per year", "0", None, "250000", "units",
             365, "high", "not_started"),
        ],
        [
            ("second", "volume", "conflicting",
             "They want volume commitments we cannot give while the second source is unproven."),
        ],
    ),
    "Analytics capability partner": (
        [
            ("feature", "ours", "product_development", "Predictive analytics in the product",
             "Customers using the forecasting module", "0", None, "150", "customers",
             270, "high", "not_started"),
            ("time", "ours", "technology_access", "Ship in two quarters, not four",
             "Months to general availability", "12", None, "6", "months",
             180, "medium", "not_started"),
        ],
        [],
    ),
    "Payments integration": (
        [
            ("attach", "ours", "product_development", "Embedded payments attach rate",
             "Customers processing payments through us", "0", None, "20", "%",
             300, "high", "not_started"),
            ("fees", "ours", "cost_savings", "Payment revenue share",
             "Share of processing fees", "0", None, "30", "bps",
             300, "medium", "not_started"),
        ],
        [],
    ),
    "Lumen applied research": (
        [
            ("papers", "ours", "technology_access", "Route-optimisation research we can use",
             "Methods adopted in our planning tools", "0", "1", "2", "methods",
             500, "medium", "on_track"),
            ("phd", "partner", "other", "Two funded PhD projects",
             "PhD students funded", "0", "2", "2", "students",
             90, "medium", "achieved"),
            ("data", "partner", "technology_access", "Access to real logistics data",
             "Anonymised datasets shared", "0", "3", "5", "datasets",
             200, "low", "on_track"),
        ],
        [
            ("papers", "phd", "aligned",
             "The PhD projects are the research we want."),
        ],
    ),
    "Legacy reseller programme": (
        [
            ("resale", "ours", "market_expansion", "Reseller revenue",
             "Annual revenue through Cobalt", "0", "310000", "1500000", "€",
             -120, "high", "missed"),
            ("certified", "ours", "operational_support", "Certified reseller staff",
             "Certified sales engineers", "0", "4", "12", "people",
             -200, "low", "missed"),
            ("margin", "partner", "other", "Reseller margin of 30%",
             "Margin on resold licences", "20", "30", "30", "%",
             -300, "medium", "achieved"),
        ],
        [
            ("resale", "margin", "partly",
             "Their margin was met; our revenue never followed."),
        ],
    ),
    # Defining: one with a measurable target (the gate is open), one without (it says what is
    # missing).
    "LATAM market entry": (
        [
            ("share", "ours", "market_expansion", "Revenue in Brazil and Mexico",
             "Annual net revenue in both countries", "0", None, "2500000", "€",
             540, "high", "not_started"),
            ("licence", "partner", "market_access", "Local manufacturing licence",
             "", None, None, None, "",
             None, "high", "not_started"),
        ],
        [],
    ),
    "Battery materials research": (
        [
            ("recyclable", "ours", "product_development", "Recyclable battery chemistry",
             "Share of cell materials recoverable", None, None, "90", "%",
             None, "medium", "not_started"),
        ],
        [],
    ),
}
# fmt: on


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def seed(stdout) -> None:
    today = timezone.localdate()
    partnerships = Partnership.objects.filter(name__in=OBJECTIVES).prefetch_related("managers")
    added = 0
    for partnership in partnerships:
        rows, links = OBJECTIVES[partnership.name]
        owner: User = partnership.managers.first() or partnership.executive_sponsor
        by_key = {}
        for (
            key,
            party,
            category,
            title,
            measure,
            baseline,
            current,
            target,
            unit,
            due,
            *rest,
        ) in rows:
            priority, status = rest
            objective, created = Objective.objects.get_or_create(
                partnership=partnership,
                title=title,
                defaults={
                    "party": party,
                    "category": category,
                    "success_measure": measure,
                    "baseline": _decimal(baseline),
                    "current": _decimal(current),
                    "target": _decimal(target),
                    "unit": unit,
                    "due_date": today + datetime.timedelta(days=due) if due is not None else None,
                    "owner": owner,
                    "priority": priority,
                    "status": status,
                },
            )
            added += created
            by_key[key] = objective
        for ours, theirs, kind, note in links:
            Alignment.objects.get_or_create(
                objective=by_key[ours],
                partner_objective=by_key[theirs],
                defaults={"kind": kind, "note": note},
            )
    stdout.write(f"Objectives: {added} added.")
