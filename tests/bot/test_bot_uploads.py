"""Uploads into the knowledge base: role, type, size, content sniffing, ingest outcome."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bankpm_core.uploads import UploadRequest, Uploads, safe_name, wants_ingest
from bankpm_core.users import UserContext
from ingest.documents.pipeline import FileProblem, IngestReport

PM = UserContext(user_id="10001", role="pm")
VIEWER = UserContext(user_id="10002", role="viewer")


@dataclass
class FakeKnowledge:
    report: IngestReport = field(
        default_factory=lambda: IngestReport(added=["x"], chunks_written=4)
    )
    paths: list[Path] = field(default_factory=list)
    fail: Exception | None = None

    def ingest(self, paths: list[Path]) -> IngestReport:
        if self.fail:
            raise self.fail
        self.paths += paths
        return self.report


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("caption", "wanted"),
    [
        ("加入知识库", True),
        ("请把这个文件添加到知识库", True),
        ("add to knowledge", True),
        ("Please add this to the knowledge base", True),
        ("upload to KB", True),
        ("看看这个", False),
        ("", False),
        (None, False),
    ],
)
def test_captions(caption: str | None, wanted: bool) -> None:
    assert wants_ingest(caption) is wanted


def test_safe_names_stay_in_their_folder() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\evil.PDF") == "evil.pdf"
    assert safe_name("产品 手册 v2.md") == "产品_手册_v2.md"
    assert safe_name("") == "document"


def test_refusals_before_download(tmp_path: Path) -> None:
    uploads = Uploads(tmp_path, {"knowledge": FakeKnowledge()}, max_bytes=1000)
    by_role = uploads.check(UploadRequest("a.pdf", 10, "加入知识库"), VIEWER)
    assert by_role is not None and by_role.error and by_role.error.code == "forbidden"
    assert "viewer" in by_role.text
    by_type = uploads.check(UploadRequest("a.exe", 10, "add to knowledge"), PM)
    assert by_type is not None and by_type.error.code == "unsupported_type"  # type: ignore[union-attr]
    assert by_type.language == "en" and "PDF, DOCX, MD or TXT" in by_type.text
    too_big = uploads.check(UploadRequest("a.md", 5000, "加入知识库"), PM)
    assert too_big is not None and too_big.error.code == "too_large"  # type: ignore[union-attr]
    assert uploads.check(UploadRequest("a.md", 10, "加入知识库"), PM) is None


def test_no_knowledge_capability_says_so_clearly(tmp_path: Path) -> None:
    uploads = Uploads(tmp_path, {"pricing": object()})
    answer = uploads.check(UploadRequest("a.md", 10, "加入知识库"), PM)
    assert answer is not None and answer.error.code == "capability_unavailable"  # type: ignore[union-attr]
    assert "知识库目前不可用" in answer.text
    answer = uploads.accept(UploadRequest("a.md", 10, "加入知识库"), b"# hi", PM)
    assert answer.error.code == "capability_unavailable"  # type: ignore[union-attr]
    assert not list(tmp_path.rglob("*.md"))  # nothing saved


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.pdf", b"hello", "not a PDF"),
        ("a.docx", b"PK\x03\x04garbage", "not a Word"),
        ("a.docx", b"%PDF-1.4", "not a Word"),
        ("a.txt", b"\x00\x01\x02binary", "not readable text"),
        ("a.md", b"   \n", "empty"),
    ],
)
def test_content_is_sniffed_not_trusted(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    knowledge = FakeKnowledge()
    uploads = Uploads(tmp_path, {"knowledge": knowledge})
    answer = uploads.accept(UploadRequest(name, len(data), "add to knowledge"), data, PM)
    assert answer.error is not None and reason in answer.text
    assert knowledge.paths == []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("规定.md", "# 第一条\n信用卡催收不得联系借款人同事。".encode()),
        ("notes.txt", "旧系统导出".encode("gb18030")),
        ("a.pdf", b"%PDF-1.7\n..."),
        ("b.docx", docx_bytes()),
    ],
)
def test_accepted_files_are_saved_and_ingested(tmp_path: Path, name: str, data: bytes) -> None:
    knowledge = FakeKnowledge()
    uploads = Uploads(tmp_path, {"knowledge": knowledge})
    answer = uploads.accept(UploadRequest(f"../{name}", len(data), "加入知识库"), data, PM)
    assert answer.ok and answer.intent == "knowledge", answer.text
    assert "已将" in answer.text and "4 个片段" in answer.text
    (path,) = knowledge.paths
    assert path.parent == tmp_path / "10001" and path.read_bytes() == data
    assert answer.sources == [str(path)]


def test_ingest_outcomes(tmp_path: Path) -> None:
    data = b"# doc"
    req = UploadRequest("a.md", len(data), "add to knowledge")
    unchanged = Uploads(tmp_path, {"knowledge": FakeKnowledge(IngestReport(skipped=["a"]))})
    assert "already in the knowledge base" in unchanged.accept(req, data, PM).text

    problem = FileProblem("a.md", "no text")
    broken = Uploads(tmp_path, {"knowledge": FakeKnowledge(IngestReport(problems=[problem]))})
    answer = broken.accept(req, data, PM)
    assert answer.error is not None and "no text" in answer.text

    class DocumentError(Exception):
        reason = "encrypted PDF"

    failing = Uploads(tmp_path, {"knowledge": FakeKnowledge(fail=DocumentError())})
    assert "encrypted PDF" in failing.accept(req, data, PM).text
    crashing = Uploads(tmp_path, {"knowledge": FakeKnowledge(fail=RuntimeError("boom"))})
    answer = crashing.accept(req, data, PM)
    assert answer.error is not None and "boom" not in answer.text  # internals stay in the log
