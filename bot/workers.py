"""Where answers are computed: off the event loop, in threads or in worker processes.

Handlers ``await services.answers.ask(question, user)``. The default runs
``Assistant.ask`` in a small dedicated thread pool: blocking work never touches
the event loop, and because the core is CPU-bound under the GIL a *small* pool
(not asyncio's default of up to 32 threads) keeps the loop responsive enough to
send replies while answers are being computed.

``ProcessAnswers`` runs the core in worker processes (one Assistant each, built
from the same settings), so answers use more than one core. Replies are pickled
Answers (numbers, text, PNG bytes). After a document is ingested the workers are
replaced so that every one sees the new index.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Protocol

from bankpm_core.answer import Answer
from bankpm_core.config import Settings
from bankpm_core.users import UserContext

log = logging.getLogger(__name__)


class AnswerPool(Protocol):
    async def ask(self, question: str, user: UserContext) -> Answer: ...

    def refresh(self) -> None: ...

    def close(self) -> None: ...


class ThreadAnswers:
    """``Assistant.ask`` in a dedicated, small thread pool (the default)."""

    def __init__(self, assistant: Any, threads: int = 2) -> None:
        self.assistant = assistant
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bankpm-ask")

    async def ask(self, question: str, user: UserContext) -> Answer:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self.assistant.ask, question, user)

    def refresh(self) -> None:
        """Nothing to do: threads share the one Assistant."""

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


_worker_assistant: Any = None  # one per worker process, set by the pool's initializer


def _init_worker(settings: Settings, factory: Callable[[Settings], Any] | None) -> None:
    global _worker_assistant
    if factory is None:
        from bankpm_core.bootstrap import build_assistant as factory
    _worker_assistant = factory(settings)
    try:  # load dictionaries and fonts now, not on a user's first question
        from bot.texts import EXAMPLES

        _worker_assistant.ask(EXAMPLES["metric"][settings.language][0])
    except Exception:
        log.exception("warm-up question failed in a worker")


def _ask_in_worker(question: str, user: UserContext) -> Answer:
    return _worker_assistant.ask(question, user)  # type: ignore[no-any-return]


class ProcessAnswers:
    """``Assistant.ask`` in ``processes`` worker processes, each with its own Assistant."""

    def __init__(
        self,
        settings: Settings,
        processes: int,
        factory: Callable[[Settings], Any] | None = None,
    ) -> None:
        self.settings = settings  # pickled to each worker (secrets included, unlike JSON)
        self.processes = processes
        self.factory = factory  # a module-level function; default bootstrap.build_assistant
        self._pool: Executor = self._start()

    def _start(self) -> Executor:
        import multiprocessing

        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.settings, self.factory),
        )

    async def ask(self, question: str, user: UserContext) -> Answer:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, _ask_in_worker, question, user)

    def refresh(self) -> None:
        """New workers (they load the index afresh); running questions finish on the old."""
        old, self._pool = self._pool, self._start()
        old.shutdown(wait=False)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
