"""Bare Django: the yardstick Accord's pages are measured against.

A project of its own, with no Accord code, on the same Django, psycopg, gunicorn, PostgreSQL and
connection settings (``CONN_MAX_AGE`` 60, health checks), signed in through Django's own
database sessions. Three pages of the same shape as Accord's: a 25-row list with a count per row,
a detail page with one prefetch, and the same list as JSON. ``benchmarks/portfolio_bench.py``
seeds it at the same scale and measures it in the same run as Accord.
"""
