"""The one way Accord writes a CSV download, and reads one of its own back.

Every export goes through ``csv_response``: it streams (rows are read from the iterable as the
client downloads them, 16 KB at a time, never the whole file in memory), starts with a
UTF-8 byte order mark so Excel shows accents right, names the file as an attachment, and makes
every text cell inert for a spreadsheet (``neutralise``). An import of a file Accord wrote
undoes that with ``restore``.

This package imports nothing of Accord, so any app may use it.
"""

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection
FLUSH_AT = 16 * 1024  # characters buffered before a chunk goes to the client

_STARTS = "[" + re.escape("".join(FORMULA_STARTS)) + "]"
# Text a spreadsheet would run as a formula, or text already carrying the quote(s) we add.
_NEEDS_QUOTE = re.compile("'*" + _STARTS)
_QUOTED = re.compile("'+" + _STARTS)


def neutralise(value: object) -> object:
    """One cell as a spreadsheet should see it.

    Numbers (int, Decimal, finite float) stay numbers: written out they are only digits, a
    sign, a dot (and for a float perhaps an exponent), which a spreadsheet reads as a number,
    never as a formula; quoting a negative value such as -3.5 would turn it into text that a
    spreadsheet cannot sum and that an import would have to unpick. The choice goes by type,
    not by content: everything else is written as text (None as empty, dates in ISO form), and
    text that starts with =, +, -, @, tab or carriage return gets a single quote in front, as
    OWASP recommends for CSV injection. Text that merely looks like a number ("-3.5" typed into
    a name) is quoted too: text is what someone typed, and "-1+2" is as much a formula as
    "=1+2". So an export that means a number must pass the number (a Decimal, say), not a string
    it formatted.

    Text that already starts with quotes before such a character gets one more, so that
    ``restore`` gives back exactly what was written.
    """
    if isinstance(value, int | Decimal) or (isinstance(value, float) and math.isfinite(value)):
        return value
    text = "" if value is None else str(value)
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def restore(text: str) -> str:
    """A cell as it was before ``neutralise``: one leading quote fewer where neutralise added
    one (quotes followed by =, +, -, @, tab or carriage return); any other text as it is."""
    return text[1:] if _QUOTED.match(text) else text


def _plain(value: object) -> object:
    # Decimal's str() may use an exponent (Decimal("1E+2")), which spreadsheets read differently.
    return format(value, "f") if isinstance(value, Decimal) else value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The file in chunks: the byte order mark and the header, then the rows, every cell
    through ``neutralise``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([_plain(neutralise(cell)) for cell in row])
        if buffer.tell() >= FLUSH_AT:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def safe_filename(name: str) -> str:
    """ASCII letters, digits, dots, dashes and underscores only (accents dropped), ending in .csv:
    nothing that could end the header's quoted string or name a folder."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name.removesuffix(".csv")).strip(".-")
    return f"{stem or 'export'}.csv"


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """A streamed CSV download. ``rows`` is read lazily, as the client downloads the file:
    pass a generator or a queryset's ``iterator()``, not a list."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    return response
