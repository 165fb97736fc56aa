from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(ctx.captured_queries), ctx


def assert_constant_queries(client, url: str | Callable[[], str], add_rows: Callable[[], None]):
    """Render a page, add many rows, render it again: the number of SQL queries must not move."""
    resolve = url if callable(url) else (lambda: url)
    few, _ = count_queries(client, resolve())
    add_rows()
    many, ctx = count_queries(client, resolve())
    queries = "\n".join(q["sql"] for q in ctx.captured_queries)
    assert few == many, f"{few} queries with few rows, {many} with many:\n{queries}"
    return many
