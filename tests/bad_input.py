"""The bad-input walk: every form of the project, posted field by field with what an attacker or
a careless paste would send. Like the access walk (tests/access.py) it starts from the URL
patterns, so a form added later is walked without anyone remembering to.

A route is a *form route* when its view accepts POST. The walk finds the form as a user sees it:
on the route's own page, or else on the page whose URL is the longest prefix of the route's
(an agreement's detail page carries its status and sign forms). It reads the form's fields from
the HTML (names, types, max lengths, choices) and, for each field, posts the form with that one
field replaced by each bad value that fits its kind. Routes whose form is on no page of theirs
(say, a form rendered by a modal's HTMX fragment) are taught in FORM_HOSTS of
``tests/<app>/walk.py``.
"""

import hashlib
import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote_from_bytes, urlsplit

from django.db import connection
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

# Function views that never accept POST. A new function view must be added here or be a class.
GET_ONLY_FUNCTION_VIEWS = {"home", "health", "reminders:feed"}

# route name -> route name of the page that carries its form, for forms the prefix rule misses.
FORM_HOSTS: dict[str, str] = {}

# route name -> function(partnership, user) -> the route's arguments, for routes whose
# arguments do not name a partnership (an organisation, a contact, one's own notice).
ROUTE_ARGUMENTS: dict[str, Callable[[object, object], dict]] = {}
# route name -> function(partnership) -> the user who walks its form (else our manager, then an
# executive): the portal's forms are the partner contact's.
WALK_AS: dict[str, Callable[[object], object]] = {}

for _module in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _module.ispkg and (Path(__file__).parent / _module.name / "walk.py").exists():
        _walk_module = importlib.import_module(f"tests.{_module.name}.walk")
        FORM_HOSTS.update(getattr(_walk_module, "FORM_HOSTS", {}))
        ROUTE_ARGUMENTS.update(getattr(_walk_module, "ROUTE_ARGUMENTS", {}))
        WALK_AS.update(getattr(_walk_module, "WALK_AS", {}))


@dataclass(frozen=True)
class Route:
    name: str
    template: str
    arguments: tuple[str, ...]
    accepts_post: bool
    accepts_get: bool

    def url(self, values: dict[str, object]) -> str:
        return "/" + self.template.format(**{a: values[a] for a in self.arguments})


def _template(route: str) -> tuple[str, tuple[str, ...]]:
    arguments: list[str] = []

    def replace(match: re.Match) -> str:
        arguments.append(match.group(2))
        return "{" + match.group(2) + "}"

    return re.sub(r"<(?:(\w+):)?(\w+)>", replace, route.lstrip("^").rstrip("$")), tuple(arguments)


def _routes(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's own admin forms: walked by Django's test suite, not ours
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            if (prefix + str(entry.pattern)).lstrip("^").startswith("api/v1/"):
                continue  # the API has its own walks, from its schema (tests/api/)
            name = f"{namespace}{entry.name}"
            template, arguments = _template(prefix + str(entry.pattern))
            view_class = getattr(entry.callback, "view_class", None)
            if view_class is None:
                assert name in GET_ONLY_FUNCTION_VIEWS, (
                    f"{name} is a function view: make it a class-based view or list it in "
                    "tests/bad_input.py GET_ONLY_FUNCTION_VIEWS if it never accepts POST"
                )
                yield Route(name, template, arguments, accepts_post=False, accepts_get=True)
                continue
            yield Route(
                name,
                template,
                arguments,
                accepts_post=hasattr(view_class, "post"),
                accepts_get=hasattr(view_class, "get"),
            )


def all_routes() -> list[Route]:
    return list(_routes(get_resolver().url_patterns))


def form_routes() -> list[Route]:
    return [r for r in all_routes() if r.accepts_post]


def host_candidates(target: Route) -> list[Route]:
    """Pages that may carry the target's form: its own page, a taught host, then the pages
    about the same object (its edit page carries its delete button) and those above it, the
    closest first."""
    routes = {r.name: r for r in all_routes() if r.accepts_get}
    candidates = []
    if target.accepts_get:
        candidates.append(target)
    if target.name in FORM_HOSTS:
        candidates.append(routes[FORM_HOSTS[target.name]])
    related = [
        r
        for r in routes.values()
        if r.name != target.name
        and r.template
        and set(r.arguments) <= set(target.arguments)
        and target.template.startswith(r.template.rsplit("}", 1)[0])
    ]
    related.sort(key=lambda r: (len(r.arguments), len(r.template)), reverse=True)
    candidates.extend(r for r in related if r not in candidates)
    # A list page of the same app as a last resort (lists carry inline forms).
    namespace = target.name.split(":")[0]
    candidates.extend(
        r
        for r in routes.values()
        if r.name.startswith(namespace + ":") and not r.arguments and r not in candidates
    )
    return candidates


# --- reading forms from HTML ---------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, number, date, datetime, time, email, url, select, checkbox, ...
    value: str = ""
    maxlength: int | None = None
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    checked_values: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    enctype: str
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, f: Field) -> None:
        existing = self.fields.get(f.name)
        if existing and f.kind in ("checkbox", "radio", "submit"):
            existing.options.extend(f.options)
            existing.checked_values.extend(f.checked_values)
        elif not existing:
            self.fields[f.name] = f


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = a.get("action") or a.get("hx-post") or self.page_url
                self._form = Form(action=action, enctype=a.get("enctype", ""))
                self.forms.append(self._form)
            else:
                self._form = None
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                value = a.get("value", "on")
                form.add(
                    Field(
                        name,
                        kind,
                        options=[value],
                        checked_values=[value] if "checked" in a else [],
                    )
                )
            elif kind in ("submit", "button", "image", "reset"):
                if kind == "submit":
                    form.add(Field(name, "submit", options=[a.get("value", "")]))
            else:
                form.add(Field(name, kind, value=a.get("value", ""), maxlength=maxlength))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            form.add(Field(name, "submit", options=[a.get("value", "")]))
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea", maxlength=maxlength)
            form.add(self._textarea)
        elif tag == "select" and name:
            self._select = Field(name, "select", multiple="multiple" in a)
            form.add(self._select)
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option_value is not None or (self._select is not None and data.strip()):
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option" and self._select is not None:
            value = self._option_value
            if value is None:
                value = self._option_text.strip()
            self._select.options.append(value)
            if self._option_selected:
                self._select.checked_values.append(value)
            self._option_value = None
        elif tag == "select":
            self._select = None


def forms_on(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


def route_of(url: str) -> str | None:
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


# --- what is posted ------------------------------------------------------------------------


def baseline(form: Form) -> dict[str, list[str]]:
    """The form as a user would submit it: what the page filled in, a plausible value where it
    left a field empty, the first choice where none is selected."""
    data: dict[str, list[str]] = {}
    for f in form.fields.values():
        if f.kind in ("checkbox",):
            if f.checked_values:
                data[f.name] = list(f.checked_values)
        elif f.kind == "radio":
            data[f.name] = [f.checked_values[0] if f.checked_values else f.options[0]]
        elif f.kind == "submit":
            data[f.name] = [f.options[0]]
        elif f.kind == "select":
            chosen = f.checked_values or [o for o in f.options if o][:1]
            data[f.name] = chosen
        elif f.kind == "file":
            continue
        else:
            data[f.name] = [f.value or _plausible(f)]
    return data


def _plausible(f: Field) -> str:
    lowered = f.name.lower()
    if f.kind == "number" or lowered.endswith(("weight", "score", "value", "target")):
        return "3"
    if f.kind == "date" or lowered.endswith(("_on", "date")):
        return "2026-12-20"
    if f.kind == "datetime-local" or lowered.endswith("_at"):
        return "2026-12-20T10:00"
    if f.kind == "time":
        return "10:00"
    if f.kind == "email" or "email" in lowered:
        return "walk@example.com"
    if f.kind == "url" or lowered.endswith("url"):
        return "https://example.com/"
    if f.kind == "password":
        return "a-long-walk-password-9"
    return "Walk value"


SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
NUL = "before\x00after"
SURROGATE = "\ud800 lone"  # sent as the raw WTF-8 bytes an unpaired surrogate becomes


def mutations(f: Field, foreign: list[str]) -> list[tuple[str, list[str]]]:
    """(label, values) for one field: every bad value that fits its kind."""
    cases: list[tuple[str, list[str]]] = [("empty", [""])]
    if f.kind in ("checkbox", "radio", "select", "submit", "hidden"):
        cases += [("invalid choice", ["no-such-choice"]), ("wrong type", ["12.5e400"])]
        cases += [("negative", ["-1"]), ("huge", ["99999999999999999999"])]
        cases += [(f"foreign id {v}", [v]) for v in foreign[:2]]
        if f.kind == "hidden":
            cases += [("script", [SCRIPT]), ("nul", [NUL])]
        return cases
    if f.kind == "number":
        return [
            *cases,
            ("wrong type", ["twelve"]),
            ("negative", ["-1"]),
            ("huge", ["1" + "0" * 40]),
            ("not finite", ["NaN"]),
            ("nul", [NUL]),
        ]
    if f.kind in ("date", "datetime-local", "time"):
        cases += [("wrong type", ["not a date"]), ("year 1", ["0001-01-01"])]
        cases += [("year 9999", ["9999-12-31"]), ("beyond year 9999", ["10000-01-01"])]
        if f.kind == "datetime-local":
            cases += [("year 1 datetime", ["0001-01-01T00:00"])]
            cases += [("year 9999 datetime", ["9999-12-31T23:59"])]
        return [*cases, ("nul", [NUL])]
    if f.kind == "file":
        return []
    limit = f.maxlength or 1000
    cases += [
        ("too long", ["x" * (limit * 10)]),
        ("script", [SCRIPT]),
        ("nul", [NUL]),
        ("surrogate", [SURROGATE]),
        ("wrong type", ["12.5e400"]),
    ]
    return cases


def encode(data: dict[str, list[str]]) -> bytes:
    """A urlencoded body; an unpaired surrogate becomes the bytes a buggy client would send."""
    parts = []
    for name, values in data.items():
        for value in values:
            raw = value.encode("utf-8", "surrogatepass")
            parts.append(f"{quote_from_bytes(name.encode())}={quote_from_bytes(raw)}")
    return "&".join(parts).encode("ascii")


# --- the database before and after ---------------------------------------------------------

# Tables a refused post may still write: the session and sign-in bookkeeping.
VOLATILE_TABLES = {"django_session"}
VOLATILE_PREFIXES = ("axes_", "audit_")


def database_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every table, in one query."""
    tables = [
        t
        for t in connection.introspection.table_names()
        if t not in VOLATILE_TABLES and not t.startswith(VOLATILE_PREFIXES)
    ]
    selects = " UNION ALL ".join(
        f"SELECT '{t}', count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY "
        f"md5(t::text)), '')) FROM {connection.ops.quote_name(t)} t"
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(selects)
        return {name: (count, digest) for name, count, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in after if before.get(t) != after[t])


ERROR_MARKERS = ("invalid-feedback", "errorlist", "alert-danger", "is-invalid", 'role="alert"')


def shows_an_error(html: str) -> bool:
    return any(marker in html for marker in ERROR_MARKERS)


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:8]
