"""Where step apps plug into the core without the core importing them.

Each step app calls these from its AppConfig.ready():

- ``register_gate(stage, check)``: ``check(partnership)`` returns the conditions still missing
  (in words) before a partnership may move to ``stage``;
- ``register_tab(Tab(...))``: a tab of the partnership workspace;
- ``register_nav(NavItem(...))``: a link in the top navigation;
- ``register_slot(name, template, order)``: a fragment the core's templates render at a named
  place (``{% slot "name" %}``), with the surrounding template's context;
- ``register_demo_seeder(seed, order)``: ``seed(stdout)`` adds the step's demo data to the
  partnerships that ``seed_demo`` made; it must be idempotent;
- ``register_contact_uses(ContactUses(...))``: where the step names a partner contact, and how
  to hand the open ones to another contact (see ``partnerships.services.contact_reassign``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Contact, Partnership

GateCheck = Callable[["Partnership"], list[str]]

_gates: dict[str, list[GateCheck]] = {}


def register_gate(stage: str, check: GateCheck) -> None:
    checks = _gates.setdefault(stage, [])
    if check not in checks:
        checks.append(check)


def gate_checks(stage: str) -> list[GateCheck]:
    return list(_gates.get(stage, []))


@dataclass(frozen=True)
class Tab:
    """A workspace tab. ``context(request, partnership)`` returns the template's extra context."""

    slug: str
    label: str
    template: str
    order: int
    context: Callable[["HttpRequest", "Partnership"], dict] | None = None


_tabs: dict[str, Tab] = {}


def register_tab(tab: Tab) -> None:
    _tabs[tab.slug] = tab


def tabs() -> list[Tab]:
    return sorted(_tabs.values(), key=lambda t: t.order)


DemoSeeder = Callable[..., None]
_seeders: list[tuple[int, DemoSeeder]] = []


def register_demo_seeder(seed: DemoSeeder, order: int) -> None:
    if all(existing is not seed for _, existing in _seeders):
        _seeders.append((order, seed))


def demo_seeders() -> list[DemoSeeder]:
    return [seed for _, seed in sorted(_seeders, key=lambda item: item[0])]


@dataclass(frozen=True)
class NavItem:
    """A top-navigation link; ``visible(user)`` decides who sees it."""

    label: str
    url_name: str
    order: int
    visible: Callable[..., bool] = lambda user: True


_nav: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    _nav[item.url_name] = item


def nav_items() -> list[NavItem]:
    return sorted(_nav.values(), key=lambda n: n.order)


# Named places in the core's templates where step apps add fragments:
#   "overview.check_ins"  under the check-in facts of the workspace overview (``partnership``)
#   "overview.end"        at the end of the overview (modals)
#   "list.check_in_cell"  in a row's next-check-in cell of the partnership list (``p``)
#   "list.end"            at the end of the partnership list (modals)
#   "thread.idea"         beside the vote button of an idea in the discussion (``thread``,
#                         ``partnership``)
_slots: dict[str, list[tuple[int, str]]] = {}


def register_slot(name: str, template: str, order: int) -> None:
    entries = _slots.setdefault(name, [])
    if all(existing != template for _, existing in entries):
        entries.append((order, template))
        entries.sort()


def slot_templates(name: str) -> list[str]:
    return [template for _, template in _slots.get(name, [])]


@dataclass(frozen=True)
class ContactUse:
    """One place that names a partner contact. ``movable``: it is current work (an open action
    item, a part of an agreement version still open) that can go to another contact; otherwise
    it is a record of what was (a signed version, a done action item, an attended meeting)."""

    partnership_id: int
    partnership_name: str
    what: str
    url: str
    movable: bool


@dataclass(frozen=True)
class ContactUses:
    """``find(contact)`` lists the places; ``move(contact, to, by)`` hands the movable ones to
    ``to`` inside the caller's transaction and returns the places it moved."""

    name: str
    find: Callable[["Contact"], list[ContactUse]]
    move: Callable[["Contact", "Contact", object], list[ContactUse]] | None = None


_contact_uses: dict[str, ContactUses] = {}


def register_contact_uses(uses: ContactUses) -> None:
    _contact_uses[uses.name] = uses


def contact_uses() -> list[ContactUses]:
    return list(_contact_uses.values())
