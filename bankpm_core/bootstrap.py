"""The composition root: settings in, a ready :class:`Assistant` out.

Nothing is built at import time anywhere in ``bankpm_core``; this is where files,
databases and models are opened, once per process.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from bankpm_core.assistant import Assistant
from bankpm_core.clock import Clock, SystemClock
from bankpm_core.config import Settings
from bankpm_core.db import has_tables, make_engine
from bankpm_core.errors import NotReadyError
from bankpm_core.metrics.catalog import Catalog, load_catalog
from bankpm_core.metrics.engine import MetricEngine

log = logging.getLogger(__name__)


def open_metrics(settings: Settings, catalog: Catalog | None = None) -> MetricEngine:
    catalog = catalog or load_catalog(settings.resolved_catalog_path)
    if settings.database_url is None:
        db_file = settings.data_dir / "bankpm.sqlite3"
        if not db_file.exists():
            raise NotReadyError(
                f"数据目录 {settings.data_dir} 还没有初始化，请先运行 `bankpm init`。",
                f"The data directory {settings.data_dir} is not initialised yet: run `bankpm init`.",
            )
    engine = make_engine(settings.resolved_database_url)
    tables = list(catalog.tables)
    if not has_tables(engine, *tables):
        raise NotReadyError(
            "数据库中缺少指标表，请先运行 `bankpm init`。",
            "The database lacks the metric tables: run `bankpm init`.",
        )
    use_rollups = settings.use_rollups and has_tables(engine, *catalog.rollups)
    return MetricEngine(engine, catalog, use_rollups=use_rollups)


def _optional(module: str, factory: str, *args: Any) -> Any:
    """Build an optional capability if its module is installed and its data is ready."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    try:
        return getattr(mod, factory)(*args)
    except Exception as exc:
        log.warning("capability %s unavailable: %s", module, exc)
        return None


def build_assistant(settings: Settings, clock: Clock | None = None) -> Assistant:
    from bankpm_core.routing.parser import Router

    clock = clock or SystemClock(settings.tz)
    catalog = load_catalog(settings.resolved_catalog_path)
    metrics = open_metrics(settings, catalog)
    router = Router(catalog, clock, default_language=settings.language)
    assistant = Assistant(
        catalog=catalog,
        metrics=metrics,
        router=router,
        clock=clock,
        default_language=settings.language,
    )
    for intent, module in (
        ("knowledge", "bankpm_core.capabilities.knowledge"),
        ("pricing", "bankpm_core.capabilities.pricing"),
        ("complaints", "bankpm_core.capabilities.complaints"),
    ):
        capability = _optional(module, "build", settings, assistant)
        if capability is not None:
            assistant.capabilities[intent] = capability
    return assistant
