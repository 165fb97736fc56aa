import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from agreements import services
from agreements.demo import demo_pdf
from agreements.documents import MAX_DOCUMENT_BYTES
from agreements.models import Status
from partnerships.models import Stage

from ..factories import OrganizationFactory
from .conftest import stored_files
from .factories import AgreementFactory, complete_agreement, with_document

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf(name: str = "Signed agreement.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf("Signed"), content_type="application/pdf")


def docx_bytes(parts=("[Content_Types].xml", "word/document.xml")) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<xml/>")
    return buffer.getvalue()


@pytest.fixture
def draft(bobs_partnership):
    return AgreementFactory(partnership=bobs_partnership, version=1)


def test_a_pdf_is_stored_under_a_name_nobody_can_guess(draft, bob, media_root):
    services.agreement_attach_document(agreement=draft, by=bob, upload=pdf())
    draft.refresh_from_db()
    stored = draft.document.name
    assert stored.startswith("agreements/") and stored.endswith(".pdf")
    assert "Signed" not in stored and "Northwind" not in stored
    assert len(stored.removeprefix("agreements/").removesuffix(".pdf")) >= 32
    assert draft.document_name == "Signed agreement.pdf"
    assert draft.document_size == len(demo_pdf("Signed"))
    assert stored_files(media_root) == [media_root / stored]


def test_a_docx_is_accepted_by_its_content_whatever_its_name(draft, bob):
    upload = SimpleUploadedFile("contract.bin", docx_bytes(), content_type="application/zip")
    services.agreement_attach_document(agreement=draft, by=bob, upload=upload)
    draft.refresh_from_db()
    assert draft.document.name.endswith(".docx")
    assert draft.document_name == "contract.bin"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "is not a PDF or a Word (DOCX) document"),
        ("notes.docx", docx_bytes(parts=("readme.txt",)), "is not a PDF or a Word (DOCX)"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "is not a PDF or a Word (DOCX)"),
        ("empty.pdf", b"", "is empty"),
    ],
    ids=["exe-renamed-pdf", "zip-without-word-parts", "broken-zip", "empty"],
)
def test_anything_but_a_pdf_or_docx_is_refused_and_nothing_is_stored(
    draft, bob, media_root, name, content, words
):
    with pytest.raises(ValidationError) as exc:
        services.agreement_attach_document(
            agreement=draft, by=bob, upload=SimpleUploadedFile(name, content)
        )
    assert words in exc.value.messages[0]
    draft.refresh_from_db()
    assert not draft.document and draft.document_name == ""
    assert stored_files(media_root) == []


def test_a_file_over_10_mb_is_refused_and_nothing_is_stored(draft, bob, media_root):
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        services.agreement_attach_document(agreement=draft, by=bob, upload=big)
    assert exc.value.messages == [
        "“scan.pdf” is 50.0 MB: the limit is 10 MB. Upload a smaller file, for example a PDF "
        "saved at a lower quality."
    ]
    assert stored_files(media_root) == []


def test_exactly_10_mb_is_accepted(draft, bob):
    content = b"%PDF-1.4\n" + b"0" * (MAX_DOCUMENT_BYTES - 9)
    upload = SimpleUploadedFile("big.pdf", content)
    services.agreement_attach_document(agreement=draft, by=bob, upload=upload)
    draft.refresh_from_db()
    assert draft.document_size == MAX_DOCUMENT_BYTES


def test_replacing_an_open_versions_document_removes_the_old_file(draft, bob, media_root):
    services.agreement_attach_document(agreement=draft, by=bob, upload=pdf("first.pdf"))
    # The old file goes only once the change is committed.
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.agreement_attach_document(agreement=draft, by=bob, upload=pdf("second.pdf"))
    draft.refresh_from_db()
    assert draft.document_name == "second.pdf"
    assert stored_files(media_root) == [media_root / draft.document.name]


def test_a_signed_version_takes_its_document_once_and_never_a_replacement(
    bobs_partnership, alice, media_root
):
    bobs_partnership.stage = Stage.AGREEING
    bobs_partnership.organization = OrganizationFactory()
    bobs_partnership.save()
    agreement = complete_agreement(bobs_partnership, version=1)
    services.agreement_sign(
        agreement=agreement,
        by=alice,
        signed_on=agreement.effective_date,
        our_signatory="Alice",
        partner_signatory="Hannah",
    )
    services.agreement_attach_document(agreement=agreement, by=alice, upload=pdf())
    with pytest.raises(ValidationError, match="can no longer be replaced"):
        services.agreement_attach_document(agreement=agreement, by=alice, upload=pdf("new.pdf"))
    agreement.refresh_from_db()
    assert agreement.document_name == "Signed agreement.pdf"
    assert len(stored_files(media_root)) == 1


def test_a_superseded_version_takes_no_document(bobs_partnership, alice, media_root):
    old = AgreementFactory(
        partnership=bobs_partnership,
        status=Status.SUPERSEDED,
        signed_on=AgreementFactory.effective_date,
    )
    with pytest.raises(ValidationError, match="can no longer take a document"):
        services.agreement_attach_document(agreement=old, by=alice, upload=pdf())
    assert stored_files(media_root) == []


# Through the pages ----------------------------------------------------------------------------


def test_the_upload_page_refuses_a_renamed_exe_next_to_the_field(client, draft, bob, media_root):
    client.force_login(bob)
    url = f"/partnerships/{draft.partnership_id}/agreements/{draft.pk}/document/upload/"
    response = client.post(url, {"document": SimpleUploadedFile("invoice.pdf", b"MZ" * 100)})
    assert response.status_code == 200
    assert response.context["form"].errors["document"] == [
        "“invoice.pdf” is not a PDF or a Word (DOCX) document, whatever its name says. "
        "Upload the signed agreement as a PDF or DOCX file."
    ]
    assert stored_files(media_root) == []


def test_the_upload_page_refuses_50_mb_with_a_clear_message(client, draft, bob, media_root):
    client.force_login(bob)
    url = f"/partnerships/{draft.partnership_id}/agreements/{draft.pk}/document/upload/"
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024))
    response = client.post(url, {"document": big})
    assert "the limit is 10 MB" in response.content.decode()
    assert stored_files(media_root) == []


def test_the_document_downloads_as_an_attachment_with_its_original_name(client, draft, bob):
    with_document(draft)
    client.force_login(bob)
    response = client.get(f"/partnerships/{draft.partnership_id}/agreements/{draft.pk}/document/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Signed agreement.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_outsider_cannot_download_the_document(client, draft, charlie):
    with_document(draft)
    client.force_login(charlie)
    url = f"/partnerships/{draft.partnership_id}/agreements/{draft.pk}/document/"
    assert client.get(url).status_code == 404


def test_a_version_without_a_document_has_nothing_to_download(client, draft, bob):
    client.force_login(bob)
    url = f"/partnerships/{draft.partnership_id}/agreements/{draft.pk}/document/"
    assert client.get(url).status_code == 404


def test_the_stored_file_is_not_served_at_a_media_url(client, draft, bob):
    with_document(draft)
    client.force_login(bob)
    assert client.get(f"/media/{draft.document.name}").status_code == 404
