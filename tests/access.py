"""The access walk: every URL that names a partnership, or something that belongs to one, must
answer 404 to a signed-in user who may not see that partnership.

Routes that name a partnership put it in the ``partnership_pk`` argument. Any other argument of
such a route must be taught to the walk (OBJECT_MAKERS): how to make an object of that kind
inside the given partnership. Routes with arguments that do not belong to a partnership are
listed in NOT_PARTNERSHIP_ROUTES, so a new route is never left out by accident.

Each app's tests teach the walk in ``tests/<app>/walk.py``, which may define ``OBJECT_MAKERS``
(a dict) and ``NOT_PARTNERSHIP_ROUTES`` (a set); they are merged here.
"""

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from partnerships.models import Partnership

# name of a route argument -> function(partnership) -> value for that argument
OBJECT_MAKERS: dict[str, Callable[[Partnership], object]] = {
    "tab": lambda partnership: "overview",
}

# Routes whose arguments name something that does not belong to a partnership.
NOT_PARTNERSHIP_ROUTES = {
    "partnerships:organization_detail",
    "partnerships:organization_edit",
    "partnerships:contact_create",
    "partnerships:contact_edit",
    "partnerships:contact_delete",
    "partnerships:contact_retire",
    "partnerships:contact_reassign",
}

for _module in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _module.ispkg and (Path(__file__).parent / _module.name / "walk.py").exists():
        _walk_module = importlib.import_module(f"tests.{_module.name}.walk")
        OBJECT_MAKERS.update(getattr(_walk_module, "OBJECT_MAKERS", {}))
        NOT_PARTNERSHIP_ROUTES.update(getattr(_walk_module, "NOT_PARTNERSHIP_ROUTES", set()))


@dataclass(frozen=True)
class Route:
    name: str
    template: str  # "partnerships/{partnership_pk}/edit/"
    arguments: tuple[str, ...]

    def url(self, values: dict[str, object]) -> str:
        return "/" + self.template.format(**values)


def _walk(
    patterns, prefix: str = "", namespace: str = "", *, everything: bool = False
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(
                entry.url_patterns, prefix + str(entry.pattern), ns, everything=everything
            )
        elif isinstance(entry, URLPattern):
            if (prefix + str(entry.pattern)).lstrip("^").startswith("api/v1/"):
                continue  # the API has its own walks, from its schema (tests/api/)
            route = prefix + str(entry.pattern)
            converters = {**getattr(entry.pattern, "converters", {})}
            template, arguments = _template(route)
            if arguments or converters or everything:
                yield Route(f"{namespace}{entry.name}", template, tuple(arguments))


def _template(route: str) -> tuple[str, list[str]]:
    """'partnerships/<int:partnership_pk>/tab/<slug:tab>/' -> format string and argument names."""
    arguments: list[str] = []

    def replace(match: re.Match) -> str:
        name = match.group(2)
        arguments.append(name)
        return "{" + name + "}"

    template = re.sub(r"<(?:(\w+):)?(\w+)>", replace, route.lstrip("^").rstrip("$"))
    return template, arguments


def routes_with_arguments() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def is_portal(route: Route) -> bool:
    """The partner's side: its own walk (tests/portal/test_portal_walk.py)."""
    return route.template.startswith("portal/")


def partnership_routes() -> list[Route]:
    """Our side's routes that name a partnership."""
    return [
        r
        for r in routes_with_arguments()
        if r.name not in NOT_PARTNERSHIP_ROUTES and not is_portal(r)
    ]


def portal_routes() -> list[Route]:
    return [
        r for r in routes_with_arguments() if is_portal(r) and r.name not in NOT_PARTNERSHIP_ROUTES
    ]


def every_route() -> list[Route]:
    """Every route but the admin's, with or without arguments."""
    return list(_walk(get_resolver().url_patterns, everything=True))
