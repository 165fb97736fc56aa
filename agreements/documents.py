"""What an uploaded agreement document may be: a PDF or a Word (DOCX) file, told by its content
and never by its name, at most 10 MB."""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCX_PARTS = {"[Content_Types].xml", "word/document.xml"}


@dataclass(frozen=True)
class Kind:
    suffix: str
    content_type: str
    label: str


PDF = Kind(".pdf", "application/pdf", "PDF")
DOCX = Kind(
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word document",
)
KINDS = {PDF.suffix: PDF, DOCX.suffix: DOCX}


def _size_words(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def sniff(upload) -> Kind | None:
    """The kind of file by its first bytes (and, for a ZIP, the parts a DOCX must have)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(upload) as archive:
                    names = set(archive.namelist())
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
                return None
            return DOCX if names >= DOCX_PARTS else None
        return None
    finally:
        upload.seek(0)


def check_document(upload: UploadedFile) -> Kind:
    """Refuse, in words, anything but a PDF or DOCX of at most 10 MB. Reads only memory or the
    upload's temporary file: nothing is written under MEDIA_ROOT before this passes."""
    if upload is None:
        raise ValidationError("Choose a file to upload.")
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            f"“{upload.name}” is {_size_words(upload.size)}: the limit is 10 MB. "
            "Upload a smaller file, for example a PDF saved at a lower quality."
        )
    if not upload.size:
        raise ValidationError(f"“{upload.name}” is empty.")
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            f"“{upload.name}” is not a PDF or a Word (DOCX) document, whatever its name says. "
            "Upload the signed agreement as a PDF or DOCX file."
        )
    return kind
