"""Each format loads to text with headings/tables kept; bad files raise DocumentError."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import minimal_pdf, write_docx, write_encrypted_pdf

from ingest.documents.chunking import chunk_document
from ingest.documents.loaders import DocumentError, load_document


def test_markdown_front_matter(tmp_path: Path) -> None:
    p = tmp_path / "a.md"
    p.write_text(
        "---\ntitle: 标题\nkind: product\nversion: 1.0\n---\n\n# 标题\n\n## 年费\n\n首年免年费。\n",
        "utf-8",
    )
    doc = load_document(p)
    assert doc.meta["title"] == "标题" and doc.meta["kind"] == "product"
    assert "首年免年费" in doc.text and "kind:" not in doc.text


def test_txt_in_gb18030(tmp_path: Path) -> None:
    p = tmp_path / "notice.txt"
    p.write_bytes(
        "关于信用卡的通知\n第一条 本通知自发布之日起施行。\n第二条 其他。\n".encode("gb18030")
    )
    assert "第一条" in load_document(p).text


def test_pdf_text(tmp_path: Path) -> None:
    p = tmp_path / "policy.pdf"
    p.write_bytes(
        minimal_pdf(["Overdraft Policy", "Section 1 Customers must opt in to overdraft service."])
    )
    doc = load_document(p)
    assert "opt in to overdraft" in doc.text
    chunks = chunk_document(doc, p, "policy.pdf", "regulation", "h")
    assert chunks and chunks[0].title == "Overdraft Policy"


def test_docx_headings_and_table(tmp_path: Path) -> None:
    p = tmp_path / "guide.docx"
    write_docx(p)
    doc = load_document(p)
    assert "# Savings Account Guide" in doc.text and "## Fees" in doc.text
    assert "| Tier | Rate |" in doc.text and "| Premium | 1.5% |" in doc.text
    chunks = chunk_document(doc, p, "guide.docx", "product", "h")
    sections = {c.section: c for c in chunks}
    assert {"Interest", "Fees"} <= set(sections)
    assert "| Basic | 1.0% |" in sections["Fees"].text  # table stays with its section


def test_html_headings_and_table(tmp_path: Path) -> None:
    p = tmp_path / "faq.html"
    p.write_text(
        "<html><head><title>Card FAQ</title><script>var x=1;</script></head><body>"
        "<h1>Card FAQ</h1><h2>Annual fee</h2><p>The annual fee is waived in year one.</p>"
        "<table><tr><th>Card</th><th>Fee</th></tr><tr><td>Youth</td><td>100</td></tr></table>"
        "</body></html>",
        "utf-8",
    )
    doc = load_document(p)
    assert "## Annual fee" in doc.text and "| Youth | 100 |" in doc.text and "var x" not in doc.text
    chunks = chunk_document(doc, p, "faq.html", "product", "h")
    assert chunks[0].section == "Annual fee" and chunks[0].title == "Card FAQ"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", b"", "empty"),
        ("blank.txt", b"   \n\n  ", "no text"),
        ("broken.pdf", b"%PDF-1.4\nthis is not a pdf", "malformed"),
        ("broken.docx", b"PK\x03\x04garbage", "malformed"),
        ("ole.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "zip"),
        ("binary.txt", b"abc\x00\x01\x02", "binary"),
        ("bad_front.md", b"---\ntitle: [unclosed\n---\nbody\n", "front matter"),
        ("sheet.xlsx", b"PK", "unsupported"),
    ],
)
def test_bad_files_raise(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(DocumentError) as err:
        load_document(p)
    assert reason in err.value.reason


def test_encrypted_pdf(tmp_path: Path) -> None:
    p = tmp_path / "locked.pdf"
    write_encrypted_pdf(p)
    with pytest.raises(DocumentError, match="encrypted"):
        load_document(p)


def test_huge_file(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    with p.open("wb") as fh:  # sparse: no 30 MB written to disk
        fh.truncate(31 * 1024 * 1024)
    with pytest.raises(DocumentError, match="too large"):
        load_document(p)
