"""Building blocks for reminder sources (see :mod:`reminders.registry`).

They build querysets shaped as ``registry.COLUMNS`` from any model with a due date, with database
functions only, so the sweep can turn them into one ``INSERT … SELECT`` on PostgreSQL and on
SQLite. The usual shape of a due date's reminders is covered by :func:`upcoming` (N days before)
and :func:`on_day` (the day itself, the day after, N days after for an escalation).
"""

import datetime
from collections.abc import Callable, Sequence

from django.db.models import CharField, DateField, Expression, F, Func, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from .registry import COLUMNS, PREFIX, DueWindow


class AddDays(Func):
    """``date + days`` as a date, on PostgreSQL and SQLite (``days`` may be negative)."""

    arity = 2
    output_field = DateField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" + ", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", ",
            **extra,
        )


def add_days(expression: str | Expression, days: int | Expression) -> AddDays:
    expression = F(expression) if isinstance(expression, str) else expression
    days = Value(int(days)) if isinstance(days, int) else days
    return AddDays(expression, days)


def text(*parts: str | Expression) -> Expression:
    """Concatenate literal text and expressions: ``text("Check-in: ", F("name"))``."""
    values = [Value(p) if isinstance(p, str) else p for p in parts if p != ""]
    if len(values) == 1:
        return Cast(values[0], CharField()) if not isinstance(values[0], Value) else values[0]
    return Concat(*values, output_field=CharField())


def key(prefix: str, field: str = "pk", suffix: str = "") -> Expression:
    """A subject key such as ``partnership:12:check_in`` from ``key("partnership:", "pk",
    ":check_in")``."""
    return text(prefix, Cast(field, CharField()), suffix)


def link(viewname: str, *, fixed: dict[str, str] | None = None, **fields: str) -> Expression:
    """The path of a page, with its URL arguments taken from fields of each row:
    ``link("partnerships:detail", partnership_pk="pk")``; ``fixed`` arguments are the same for
    every row: ``link("partnerships:tab", fixed={"tab": "health"}, partnership_pk="pk")``."""
    sentinels = {name: 900_000_000 + i for i, name in enumerate(fields)}
    path = reverse(viewname, kwargs={**(fixed or {}), **sentinels})
    parts: list[str | Expression] = []
    for name, sentinel in sentinels.items():
        before, path = path.split(str(sentinel), 1)
        parts += [before, Cast(fields[name], CharField())]
    parts.append(path)
    return text(*parts)


def shape(
    queryset: QuerySet,
    *,
    kind: str,
    subject_key: Expression,
    due_on: str | Expression,
    remind_on: Expression,
    last_day: Expression | None,
    recipient: str,
    url: Expression,
    title: Expression,
) -> QuerySet:
    """The queryset as rows of ``registry.COLUMNS``."""
    values = {
        "kind": Value(kind, output_field=CharField()),
        "subject_key": subject_key,
        "due_on": F(due_on) if isinstance(due_on, str) else due_on,
        "remind_on": remind_on,
        "last_day": last_day if last_day is not None else Cast(Value(None), DateField()),
        "recipient_id": F(recipient),
        "url": url,
        "title": title,
    }
    assert tuple(values) == COLUMNS
    # Prefixed, so that a model's own field named like a column (an agreement's ``title``)
    # never clashes; no ORDER BY, which would sort every due row for nothing.
    return queryset.order_by().values(**{PREFIX + name: v for name, v in values.items()})


TitleFor = Callable[[int], Expression]


def upcoming(
    queryset: QuerySet,
    due: str,
    offsets: Sequence[int],
    window: DueWindow,
    *,
    kind: str,
    subject_key: Expression,
    recipient: str,
    url: Expression,
    title: TitleFor,
) -> list[QuerySet]:
    """ "Coming up" reminders, one per positive offset (days before ``due``).

    Each offset's reminder is worth sending until the next, nearer one is due, so a due date
    entered late, or a sweep that missed some days, sends the latest reminder only, not a burst.
    """
    days = sorted({o for o in offsets if o > 0}, reverse=True)
    querysets = []
    for index, offset in enumerate(days):
        nearer = days[index + 1] if index + 1 < len(days) else 0
        rows = queryset.filter(
            **{
                f"{due}__lte": window.latest + _days(offset),
                f"{due}__gte": window.earliest + _days(nearer + 1),
            }
        )
        querysets.append(
            shape(
                rows,
                kind=kind,
                subject_key=subject_key,
                due_on=due,
                remind_on=add_days(due, -offset),
                last_day=add_days(due, -(nearer + 1)),
                recipient=recipient,
                url=url,
                title=title(offset),
            )
        )
    return querysets


def on_day(
    queryset: QuerySet,
    due: str,
    window: DueWindow,
    *,
    kind: str,
    days_after: int = 0,
    until_days_after: int | None = None,
    subject_key: Expression,
    recipient: str,
    url: Expression,
    title: Expression,
) -> QuerySet:
    """One reminder on ``due + days_after`` (0: the day itself; 1: overdue; N: escalate),
    worth sending until ``due + until_days_after`` (``None``: until it is sent)."""
    filters = {f"{due}__lte": window.latest - _days(days_after)}
    if until_days_after is not None:
        filters[f"{due}__gte"] = window.earliest - _days(until_days_after)
    return shape(
        queryset.filter(**filters),
        kind=kind,
        subject_key=subject_key,
        due_on=due,
        remind_on=add_days(due, days_after),
        last_day=add_days(due, until_days_after) if until_days_after is not None else None,
        recipient=recipient,
        url=url,
        title=title,
    )


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
