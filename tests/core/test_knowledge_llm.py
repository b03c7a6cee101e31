"""The optional LLM path over real HTTP: an OpenAI-compatible endpoint may phrase a
grounded answer from the cited passages, or veto it; a broken or careless model never
costs the user the extractive answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from bankpm_core.bootstrap import build_assistant
from bankpm_core.config import Settings
from bankpm_core.setup import _index_knowledge
from tests.http_fakes import JsonEndpoint

QUESTION = "催收可以在什么时间段联系客户？"


class FakeLLM:
    """A chat-completions endpoint whose next reply (and status) the test chooses."""

    def __init__(self) -> None:
        self.reply: str | None = "ok"
        self.status = 200
        self.endpoint = JsonEndpoint(self._respond)
        self.requests = self.endpoint.requests
        self.url = self.endpoint.url

    def _respond(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        if self.status != 200:
            return self.status, b"boom"
        return 200, {"choices": [{"message": {"role": "assistant", "content": self.reply}}]}


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLM]:
    fake = FakeLLM()
    yield fake
    fake.endpoint.close()


@pytest.fixture(scope="module")
def assistant(sample_db, clock, tmp_path_factory, llm: FakeLLM):
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("kb_llm"),
        database_url=sample_db,
        llm_base_url=llm.url,
        llm_model="bank-llm",
        llm_api_key=SecretStr("sk-test"),
    )
    _index_knowledge(settings, echo=lambda _m: None)
    return build_assistant(settings, clock)


def test_the_model_phrases_the_answer_from_the_cited_passages(assistant, llm: FakeLLM) -> None:
    llm.status, llm.reply = 200, "可在每日 8:00 至 21:00 之间联系客户 [1]。"
    answer = assistant.ask(QUESTION)
    assert answer.grounded is True and answer.citations
    assert answer.blocks[0].text == llm.reply  # first, above the quoted passages
    assert any("根据知识库" in b.text for b in answer.blocks[1:])
    request = llm.requests[-1]
    assert request["path"] == "/v1/chat/completions" and request["model"] == "bank-llm"
    assert request["auth"] == "Bearer sk-test"
    prompt = request["messages"][1]["content"]
    assert QUESTION in prompt and "[1]" in prompt and answer.citations[0].section in prompt
    assert "Chinese" in request["messages"][0]["content"]


def test_the_model_can_veto_an_answer_the_passages_do_not_support(assistant, llm: FakeLLM) -> None:
    llm.status, llm.reply = 200, "NOT_IN_SOURCES"
    answer = assistant.ask(QUESTION)
    assert answer.grounded is False and answer.result["checked_by_llm"] is True
    assert "没有找到" in answer.text and "可能相关" in answer.text
    assert all("8:00" not in b.text for b in answer.blocks)


@pytest.mark.parametrize(
    ("status", "reply"),
    [(500, None), (200, "【模型】每日 8:00 至 21:00。"), (200, "【模型】见第九条 [7]")],
    ids=["server-error", "no-citation", "citation-out-of-range"],
)
def test_a_failing_or_careless_model_leaves_the_extractive_answer(
    assistant, llm: FakeLLM, status: int, reply: str | None
) -> None:
    llm.status, llm.reply = status, reply
    answer = assistant.ask(QUESTION)
    assert answer.grounded is True and answer.citations
    assert answer.blocks[0].text.startswith("根据知识库中的文件")
    assert reply is None or all(reply not in b.text for b in answer.blocks)
