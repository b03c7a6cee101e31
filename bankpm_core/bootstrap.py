"""The composition root: settings in, a ready :class:`Assistant` out.

Nothing is built at import time anywhere in ``bankpm_core``; this is where files,
databases and models are opened, once per process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bankpm_core.assistant import Assistant
from bankpm_core.clock import Clock, SystemClock
from bankpm_core.config import Settings
from bankpm_core.db import has_tables, make_engine
from bankpm_core.errors import ConfigError, NotReadyError
from bankpm_core.metrics.catalog import Catalog, load_catalog
from bankpm_core.metrics.engine import MetricEngine

log = logging.getLogger(__name__)


def open_metrics(settings: Settings, catalog: Catalog | None = None) -> MetricEngine:
    catalog = catalog or load_catalog(settings.resolved_catalog_path)
    # checked before connecting: connecting to SQLite would create an empty file
    if settings.database_url is None and not settings.sqlite_file.exists():
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


def _capability(
    name: str, build: Callable[[Settings, Assistant], Any], settings: Settings, assistant: Assistant
) -> Any:
    """Build one capability; one whose data is not ready must not stop the assistant."""
    try:
        return build(settings, assistant)
    except Exception as exc:
        log.warning("capability %s unavailable: %s", name, exc)
        if isinstance(exc, ConfigError):  # the deployment's to fix: tell the user why
            assistant.unavailable[name] = exc
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
    # imported here, not at module level: importing the core loads no models or charts
    from bankpm_core.capabilities import complaints, knowledge, pricing

    for intent, module in (
        ("knowledge", knowledge),
        ("pricing", pricing),
        ("complaints", complaints),
    ):
        capability = _capability(intent, module.build, settings, assistant)
        if capability is not None:
            assistant.capabilities[intent] = capability
    return assistant
