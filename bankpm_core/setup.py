"""`bankpm init`: build the sample bank, its rollups and the knowledge index.

Kept out of the CLI so tests and the bot's first start share the same path.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bankpm_core.bootstrap import open_metrics
from bankpm_core.clock import Clock, today
from bankpm_core.config import Settings
from bankpm_core.db import has_tables, make_engine
from bankpm_core.errors import NotReadyError
from bankpm_core.metrics.catalog import load_catalog
from bankpm_core.metrics.rollups import build_rollups


def is_initialised(settings: Settings) -> bool:
    try:
        open_metrics(settings).engine.dispose()
    except NotReadyError:
        return False
    return True


def initialise(
    settings: Settings,
    clock: Clock,
    *,
    scale: float = 1.0,
    seed: int | None = None,
    months: int = 36,
    force: bool = False,
    index_docs: bool = True,
    echo: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Generate the sample bank unless present (or ``force``), rebuild rollups, index docs."""
    from ingest.sample_bank import generate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog(settings.resolved_catalog_path)
    engine = make_engine(settings.resolved_database_url)
    report: dict[str, Any] = {"data_dir": str(settings.data_dir.resolve())}
    try:
        present = has_tables(engine, *catalog.tables)
        if force or not present:
            echo(f"Building the sample bank (scale {scale}) …")
            gen = generate(
                engine,
                seed=settings.sample_seed if seed is None else seed,
                today=today(clock),
                scale=scale,
                months=months,
            )
            report["sample_bank"] = {
                "rows": dict(gen.rows),
                "first_month": str(gen.first_month),
                "last_month": str(gen.last_month),
                "seconds": round(gen.seconds, 1),
            }
        else:
            report["sample_bank"] = "present (use --force to rebuild)"
        started = time.perf_counter()
        report["rollups"] = build_rollups(engine, catalog)
        report["rollup_seconds"] = round(time.perf_counter() - started, 2)
    finally:
        engine.dispose()
    if index_docs:
        report["knowledge"] = _index_knowledge(settings, echo)
    return report


def _index_knowledge(settings: Settings, echo: Callable[[str], None]) -> Any:
    from bankpm_core.capabilities.knowledge import index_bundled

    echo("Indexing the bundled knowledge …")
    return index_bundled(settings)
