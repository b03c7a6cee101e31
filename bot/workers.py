"""Where answers are computed: off the event loop, in threads or in worker processes.

Handlers ``await services.answers.ask(question, user)`` for the answer without its
pictures, send it, then ``await services.answers.draw(answer)`` for the charts. Both
share the pool's slots, and a waiting question always goes before a waiting chart:
under a burst every user gets their numbers first (drawing a chart costs several
times more than computing the answer). The default runs
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
import functools
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from bankpm_core.answer import Answer
from bankpm_core.charts import render_charts
from bankpm_core.config import Settings
from bankpm_core.users import UserContext

log = logging.getLogger(__name__)
T = TypeVar("T")

QUESTION, CHART = 0, 1  # priorities: lower runs first


class AnswerPool(Protocol):
    async def ask(self, question: str, user: UserContext) -> Answer:
        """The answer with its charts as specs (not drawn yet)."""
        ...

    async def draw(self, answer: Answer) -> Answer:
        """``answer`` with its charts drawn; runs only when no question is waiting."""
        ...

    async def warm_up(self) -> None:
        """Load models, indexes and fonts before the first user's question needs them."""
        ...

    def refresh(self) -> None: ...

    def close(self) -> None: ...


class PrioritySlots:
    """At most ``size`` jobs at once; a freed slot goes to the most urgent waiter.

    An executor's own queue is first come, first served, so jobs are handed to it
    only when it has a free worker and the choice of which job is still ours.
    """

    def __init__(self, size: int) -> None:
        self._free = max(1, size)
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @property
    def waiting(self) -> int:
        return sum(1 for *_, fut in self._waiting if not fut.done())

    async def run(self, priority: int, job: Callable[[], Awaitable[T]]) -> T:
        if self._free > 0 and not self.waiting:
            self._free -= 1
        else:
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (priority, next(self._order), fut))
            try:
                await fut
            except asyncio.CancelledError:
                if fut.done() and not fut.cancelled():  # the slot was ours already
                    self._release()
                raise
        try:
            return await job()
        finally:
            self._release()

    def _release(self) -> None:
        while self._waiting:
            *_, fut = heapq.heappop(self._waiting)
            if not fut.done():
                fut.set_result(None)  # the slot passes straight to this waiter
                return
        self._free += 1


class ThreadAnswers:
    """``Assistant.ask`` in a dedicated, small thread pool (the default)."""

    def __init__(self, assistant: Any, threads: int = 2) -> None:
        self.assistant = assistant
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bankpm-ask")
        self._slots = PrioritySlots(threads)

    async def _run(self, priority: int, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        return await self._slots.run(priority, lambda: loop.run_in_executor(self._pool, fn))

    async def ask(self, question: str, user: UserContext) -> Answer:
        ask = functools.partial(self.assistant.ask, question, user, draw_charts=False)
        return await self._run(QUESTION, ask)

    async def draw(self, answer: Answer) -> Answer:
        return await self._run(CHART, functools.partial(render_charts, answer))

    async def warm_up(self) -> None:
        await self._run(QUESTION, self.assistant.warm_up)
        await self.ask(warm_up_question(self.assistant), WARM_UP_USER)

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
    try:  # load dictionaries, fonts and indexes now, not on a user's first question
        _worker_assistant.warm_up()
        _worker_assistant.ask(warm_up_question(_worker_assistant), WARM_UP_USER)
    except Exception:
        log.exception("warm-up failed in a worker")


def _ping() -> int:
    import os

    return os.getpid()


WARM_UP_USER = UserContext(user_id="warm-up", role="admin")


def warm_up_question(assistant: Any) -> str:
    """A real metric question in the assistant's language: it touches the database too."""
    from bot.texts import EXAMPLES

    return EXAMPLES["metric"][assistant.default_language][0]


def _ask_in_worker(question: str, user: UserContext) -> Answer:
    return _worker_assistant.ask(question, user, draw_charts=False)  # type: ignore[no-any-return]


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
        self._slots = PrioritySlots(processes)

    def _start(self) -> Executor:
        import multiprocessing

        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.settings, self.factory),
        )

    async def _run(self, priority: int, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        # the pool is read when the job starts: a refresh may have replaced it meanwhile
        return await self._slots.run(priority, lambda: loop.run_in_executor(self._pool, fn, *args))

    async def ask(self, question: str, user: UserContext) -> Answer:
        return await self._run(QUESTION, _ask_in_worker, question, user)

    async def draw(self, answer: Answer) -> Answer:
        return await self._run(CHART, render_charts, answer)

    async def warm_up(self) -> None:
        """Start every worker now (each warms itself up as it starts, see _init_worker)."""
        await asyncio.gather(*(self._run(QUESTION, _ping) for _ in range(self.processes)))

    def refresh(self) -> None:
        """New workers (they load the index afresh); running questions finish on the old."""
        old, self._pool = self._pool, self._start()
        old.shutdown(wait=False)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
