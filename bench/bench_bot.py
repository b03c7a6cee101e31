"""The bot under load: N simulated users asking metric questions through the sandbox.

    python bench/bench_bot.py [--users 50] [--questions 2] [--think 0] [--workers N] [--data-dir DIR]

The bot runs as it does in production — its own process (``python -m bot``),
long-polling a Bot API at ``BANKPM_TELEGRAM_BASE_URL`` — except that the Bot API is
the local sandbox, started here, in whose world the simulated users live. Every user
asks its questions one after another (optionally with think time), all users at
once. A question counts as answered when the bot's answer (the message with the 👍/👎
keyboard: numbers, definitions, follow-ups) has arrived; trend and breakdown
questions also get a chart, drawn after every waiting question has its answer and
sent as a reply to it — its latency is reported separately, and a missing chart
counts as lost. With ``--think T`` users arrive spread over T seconds and
wait T seconds on average (exponential) between questions; with 0 all users ask at once
(a burst, the worst case). Reports reply latency (first message, answer, chart)
p50/p95/max, throughput, the bot-side latency the audit trail recorded, and
lost or duplicated replies (exit code 1 if any). Target: p95 ≤ 1.5 s.

The default sample bank (scale 1) is built once into bench/.data/bot/ (≈ 25 s).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bankpm_core.audit import AuditLog  # noqa: E402
from bankpm_core.clock import SystemClock  # noqa: E402
from bankpm_core.config import Settings  # noqa: E402
from bot.sandbox import DEFAULT_TOKEN, SandboxServer  # noqa: E402

TARGET_P95 = 1.5
PRODUCTS_ZH = ["闪借", "易车贷", "小微经营贷", "安居房贷"]
PRODUCTS_EN = ["FlashLoan", "EasyCar auto loan", "SME loan", "HomeLoan"]
METRICS_ZH = ["逾期率", "不良率", "放款金额", "审批通过率", "贷款余额", "审批时长"]
METRICS_EN = ["overdue rate", "NPL ratio", "disbursed amount", "approval rate", "loan balance"]
SHAPES_ZH = ["{p}上个月{m}是多少？", "{p}上个月{m}环比", "{p}上季度{m}按渠道", "{p}近6个月{m}趋势"]
SHAPES_EN = ["{p} {m} last month", "{p} {m} last month MoM", "{p} {m} by channel last quarter"]
CHART_SHAPE = ("按渠道", "趋势", "by channel")  # a breakdown or a trend comes with a chart


def wants_chart(question: str) -> bool:
    return any(cue in question for cue in CHART_SHAPE)


def questions(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        if rng.random() < 0.6:
            shape, p, m = rng.choice(SHAPES_ZH), rng.choice(PRODUCTS_ZH), rng.choice(METRICS_ZH)
        else:
            shape, p, m = rng.choice(SHAPES_EN), rng.choice(PRODUCTS_EN), rng.choice(METRICS_EN)
        out.append(shape.format(p=p, m=m))
    return out


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


@dataclass
class Sample:
    user: int
    question: str
    first: float | None = None
    done: float | None = None  # the answer (with the feedback keyboard)
    chart_done: float | None = None  # its chart, for trend and breakdown questions
    error: bool = False

    @property
    def chart(self) -> bool:
        return wants_chart(self.question)

    @property
    def complete(self) -> bool:
        return self.done is not None and (not self.chart or self.chart_done is not None)


@dataclass
class Result:
    samples: list[Sample] = field(default_factory=list)
    wall: float = 0.0


def is_final(message: object) -> bool:
    markup = getattr(message, "reply_markup", None) or {}
    rows = markup.get("inline_keyboard", [])
    return any(str(b.get("callback_data", "")).startswith("f:") for row in rows for b in row)


async def one_user(
    sandbox: SandboxServer,
    user: int,
    asks: list[str],
    think: float,
    timeout: float,
    rng: random.Random,
) -> list[Sample]:
    world = sandbox.world
    out = []
    if think:  # users arrive spread over one think time, not all in the same instant
        await asyncio.sleep(rng.uniform(0, think))
    for question in asks:
        sample = Sample(user, question)
        start = time.perf_counter()
        sent = world.post_message(user, question)

        def arrived(sample: Sample = sample, start: float = start, sent: object = sent) -> bool:
            messages = world.bot_messages(user, after=sent)  # type: ignore[arg-type]
            if messages and sample.first is None:
                sample.first = time.perf_counter() - start
            finals = [m for m in messages if is_final(m)]
            if finals and sample.done is None:
                sample.done = time.perf_counter() - start
                sample.error = any(
                    "抱歉" in (m.text or "") or "Sorry" in (m.text or "") for m in messages
                )
            if any(m.photo for m in messages) and sample.chart_done is None:
                sample.chart_done = time.perf_counter() - start
            return sample.complete

        with contextlib.suppress(TimeoutError):
            await world.wait_for(arrived, timeout, f"answer to {question!r}", recheck=0.5)
        out.append(sample)
        if think:
            await asyncio.sleep(rng.expovariate(1 / think))
    return out


def ensure_bank(data_dir: Path, scale: float) -> Settings:
    from bankpm_core.setup import initialise, is_initialised

    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    if not is_initialised(settings):
        print(f"building the sample bank (scale {scale}) in {data_dir} …", flush=True)
        initialise(settings, SystemClock(settings.tz), scale=scale, index_docs=False)
    return settings


def start_bot(
    sandbox: SandboxServer, settings: Settings, users: list[int], log_path: Path, workers: int
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "BANKPM_DATA_DIR": str(settings.data_dir),
        "BANKPM_TELEGRAM_TOKEN": DEFAULT_TOKEN,
        "BANKPM_TELEGRAM_BASE_URL": sandbox.api_prefix,
        "BANKPM_ALLOWED_USERS": ",".join(f"{u}:pm" for u in users),
        "BANKPM_RATE_LIMIT_PER_MINUTE": "10000",
    }
    env.pop("BANKPM_WEBHOOK_URL", None)
    log = log_path.open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "--workers", str(workers)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


async def run(args: argparse.Namespace) -> int:
    settings = ensure_bank(args.data_dir, args.scale)
    rng = random.Random(args.seed)
    sandbox = SandboxServer(DEFAULT_TOKEN, bot_username="bankpm_bench_bot")
    await sandbox.start()
    n_warm = max(1, args.workers)
    ids = [
        sandbox.world.create_user(f"user{n}", id=30_000 + n, language_code="zh-hans").id
        for n in range(args.users + n_warm)
    ]
    warm, users = ids[:n_warm], ids[n_warm:]
    bot = start_bot(sandbox, settings, ids, args.data_dir / "bench_bot.log", args.workers)
    try:
        # Ready when one real question has been answered (loads the tokenizer, fonts…).
        warmed = await asyncio.gather(
            *(one_user(sandbox, w, ["闪借近6个月逾期率趋势"], 0, 120, rng) for w in warm)
        )
        if any(not s.complete for group in warmed for s in group):
            print(f"the bot did not answer; see {args.data_dir / 'bench_bot.log'}")
            return 2
        began = datetime.now(UTC)
        plans = {u: questions(rng, args.questions) for u in users}
        started = time.perf_counter()
        per_user = await asyncio.gather(
            *(
                one_user(sandbox, u, plans[u], args.think, args.timeout, random.Random(u))
                for u in users
            )
        )
        wall = time.perf_counter() - started
        # Anything arriving late (a duplicate, say) has had every chance to show up.
        await asyncio.sleep(0.5)
        samples = [s for group in per_user for s in group]
        duplicated = 0
        for u in users:  # each user waited for every answer, so finals must equal questions
            finals = sum(1 for m in sandbox.world.bot_messages(u) if is_final(m))
            duplicated += max(0, finals - len(plans[u]))
        audit = AuditLog.from_url(settings.resolved_database_url)
        rows = [r for r in audit.rows(began) if r["user_id"] in {str(u) for u in users}]
        audit.close()
        return report(args, samples, wall, rows, duplicated)
    finally:
        bot.send_signal(signal.SIGINT)
        try:
            await asyncio.to_thread(bot.wait, 15)
        except subprocess.TimeoutExpired:
            bot.kill()
        await sandbox.stop()


def report(
    args: argparse.Namespace, samples: list[Sample], wall: float, rows: list[dict], duplicated: int
) -> int:
    done = [s.done for s in samples if s.done is not None]
    first = [s.first for s in samples if s.first is not None]
    charts = [s.chart_done for s in samples if s.chart_done is not None]
    lost = sum(1 for s in samples if s.done is None)
    lost_charts = sum(1 for s in samples if s.done is not None and not s.complete)
    audit_extra = max(0, len(rows) - len(samples))
    errors = sum(1 for s in samples if s.error)
    bot_side = [float(r["latency_ms"]) / 1000 for r in rows if r["latency_ms"] is not None]
    print(
        f"\nbankpm bot bench — {args.users} users × {args.questions} questions, think {args.think}s, "
        f"workers {args.workers}, {os.cpu_count()} CPUs"
    )
    print(f"{'':30}{'p50':>8}{'p95':>8}{'max':>8}")
    for label, values in (
        ("first message (s)", first),
        ("answer, numbers + buttons (s)", done),
        ("  of trend/breakdown qs (s)", [s.done for s in samples if s.done and s.chart]),
        ("  of the others (s)", [s.done for s in samples if s.done and not s.chart]),
        ("chart, after its answer (s)", charts),
        ("bot-side, audit (s)", bot_side),
    ):
        print(
            f"{label:30}{pct(values, 0.5):8.2f}{pct(values, 0.95):8.2f}{max(values, default=float('nan')):8.2f}"
        )
    print(f"throughput: {len(done) / wall:.1f} answers/s ({len(done)} in {wall:.1f} s)")
    print(
        f"lost: {lost} answers, {lost_charts} charts   duplicated: {duplicated}   "
        f"extra audit rows: {audit_extra}   error answers: {errors}"
    )
    p95 = pct(done, 0.95)
    print(
        f"target answer p95 ≤ {TARGET_P95} s: {'met' if p95 <= TARGET_P95 else 'NOT met'} "
        f"({p95:.2f} s; charts p95 {pct(charts, 0.95):.2f} s)"
    )
    return 1 if lost or lost_charts or duplicated or audit_extra else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=2, help="questions per user")
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean think time between questions (s)"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds before a reply counts as lost"
    )
    parser.add_argument("--data-dir", type=Path, default=REPO / "bench" / ".data" / "bot")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="sample-bank scale if it must be built"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="bot worker processes, as BANKPM_BOT_WORKERS (default: one per core; 0 = threads)",
    )
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
