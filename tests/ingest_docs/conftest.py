"""Helpers that write real files of each supported format into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data" / "regulations"


def minimal_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF with a Helvetica text stream (pypdf cannot write text)."""
    ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def write_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Savings Account Guide", level=1)
    document.add_heading("Interest", level=2)
    document.add_paragraph("Interest is paid monthly on the daily balance.")
    document.add_heading("Fees", level=2)
    document.add_paragraph("There is no monthly maintenance fee.")
    table = document.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("Tier", "Rate"), ("Basic", "1.0%"), ("Premium", "1.5%")]):
        table.cell(r, 0).text = a
        table.cell(r, 1).text = b
    document.save(str(path))


def write_encrypted_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as fh:
        writer.write(fh)


@pytest.fixture()
def shared_regulations() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared/data/regulations is absent")
    return SHARED
