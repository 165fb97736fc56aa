"""The one CSV writer: streamed, BOM first, every text cell inert, numbers left numbers."""

import codecs
import csv
import datetime
import io
from decimal import Decimal as D

import pytest

import accord_csv
from accord_csv import csv_lines, csv_response, neutralise, restore, safe_filename

from ..downloads import FORMULAS


def parse(chunks) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(chunks).removeprefix("\ufeff"), newline="")))


@pytest.mark.parametrize("text", FORMULAS)
def test_it_quotes_text_that_starts_like_a_formula(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Northwind", "", " =not first", "a=b", "'quoted", "1-2", "€"])
def test_it_leaves_other_text_alone(text):
    assert neutralise(text) == text


def test_it_leaves_numbers_numbers_even_negative_ones():
    assert neutralise(D("-3.5")) == D("-3.5")
    assert neutralise(-7) == -7
    assert neutralise(-0.25) == -0.25
    assert parse(csv_lines(["n"], [[D("-3.5"), -7, -0.25, D("1E+2")]]))[1] == [
        "-3.5", "-7", "-0.25", "100",
    ]  # fmt: skip


def test_it_quotes_text_that_only_looks_like_a_negative_number():
    # Typed by a user, "-3.5" is text; "-1+2" would be a formula. Only numbers are trusted.
    assert neutralise("-3.5") == "'-3.5"


def test_it_writes_what_is_not_a_number_as_text():
    assert neutralise(None) == ""
    assert neutralise(datetime.date(2026, 3, 1)) == "2026-03-01"
    assert neutralise(float("-inf")) == "'-inf"

    class Person:
        def __str__(self) -> str:
            return "=Mallory"

    assert neutralise(Person()) == "'=Mallory"


@pytest.mark.parametrize(
    "text", [*FORMULAS, "'=already quoted", "''-twice", "plain", "'plain", "", "'", "-"]
)
def test_restore_gives_back_exactly_what_was_neutralised(text):
    assert restore(neutralise(text)) == text


def test_restore_takes_off_one_quote_only_before_a_formula_character():
    assert restore("'=1+1") == "=1+1"
    assert restore("''=1+1") == "'=1+1"
    assert restore("'Tis") == "'Tis"
    assert restore("'") == "'"


def test_the_file_starts_with_a_byte_order_mark_and_keeps_accents():
    text = "".join(csv_lines(["Name"], [["Café Zürich — ñ"]]))
    data = text.encode("utf-8")
    assert data.startswith(codecs.BOM_UTF8)
    assert data.decode("utf-8-sig") == "Name\r\nCafé Zürich — ñ\r\n"


def test_cells_with_commas_quotes_and_newlines_survive():
    row = ['say "hi", then', "two\nlines", "=a,b"]
    assert parse(csv_lines(["a", "b", "c"], [row]))[1] == [*row[:2], "'=a,b"]


def test_it_reads_rows_as_it_writes_them_in_bounded_chunks():
    pulled = 0

    def rows():
        nonlocal pulled
        for i in range(5000):
            pulled += 1
            yield [i, f"row {i}", "x" * 20]

    chunks = csv_lines(["n", "name", "pad"], rows())
    first = next(chunks)
    assert 0 < pulled < 5000  # the first chunk left before the rows were all read
    assert len(first) <= accord_csv.FLUSH_AT + 100
    rest = list(chunks)
    assert pulled == 5000 and len(rest) > 3
    assert all(len(c) <= accord_csv.FLUSH_AT + 100 for c in rest)
    assert len(parse([first, *rest])) == 5001


def test_an_empty_export_is_the_header():
    assert "".join(csv_lines(["a", "b"], [])) == "\ufeffa,b\r\n"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("partnerships-2026-03-01.csv", "partnerships-2026-03-01.csv"),
        ("kpis-7-2026-03-01", "kpis-7-2026-03-01.csv"),
        ('../../etc/"passwd"\r\n.csv', "etc-passwd.csv"),
        ("Café Zürich.csv", "Cafe-Zurich.csv"),
        ("", "export.csv"),
    ],
)
def test_the_filename_is_safe_in_a_header(name, safe):
    assert safe_filename(name) == safe


def test_the_response_streams_an_attachment():
    pulled = []
    rows = (pulled.append(i) or [i, "=x"] for i in range(3))
    response = csv_response(filename='evil"; name=x.csv', header=["n", "t"], rows=rows)
    assert response.streaming is True
    assert pulled == []  # nothing read before the client asks
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="evil-name-x.csv"'
    body = b"".join(response.streaming_content)
    assert body == codecs.BOM_UTF8 + b"n,t\r\n0,'=x\r\n1,'=x\r\n2,'=x\r\n"
