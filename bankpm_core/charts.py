"""Small PNG charts readable on a phone, with Chinese labels that never turn into tofu.

matplotlib runs on the Agg backend; the CJK font is Noto Sans CJK SC shipped inside
the ``mplfonts`` package (installed with the project, nothing is downloaded). Charts
are rendered in a private figure, never through pyplot's global state, so threads
do not step on each other.

Answers are built with chart *specs* (:func:`line_spec`, :func:`bar_spec`) and drawn by
:func:`render_charts`: drawing costs several times more than the answer itself, so a
front end under load can send the numbers first and the picture after.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from bankpm_core.answer import Answer, Chart, ChartSpec
from bankpm_core.formatting import chart_scale

log = logging.getLogger(__name__)

_FONT_FILES = ("NotoSansCJKsc-Regular.otf", "SimHei.ttf")


@cache
def cjk_font_path() -> Path:
    """The bundled CJK font; raises if the package is missing (a setup problem)."""
    import mplfonts

    folder = Path(mplfonts.__file__).parent / "fonts"
    for name in _FONT_FILES:
        if (folder / name).exists():
            return folder / name
    raise RuntimeError("CJK font not found in the mplfonts package; reinstall the project")


@cache
def _font_family() -> str:
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _figure(title: str, ylabel: str):  # type: ignore[no-untyped-def]
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.8), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_title(title, fontsize=12)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _png(fig) -> bytes:  # type: ignore[no-untyped-def]
    # fixed margins instead of tight_layout(): its repeated text layout with a CJK font
    # costs most of a chart's render time, and our charts all share one shape
    fig.subplots_adjust(left=0.11, right=0.97, top=0.88, bottom=0.2)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", pil_kwargs={"compress_level": 3})
    return buf.getvalue()


_DRAWING = threading.Lock()


@contextmanager
def _drawing() -> Iterator[None]:
    """Our fonts for one chart. rcParams are global to the process: charts drawn in two
    threads at once (the bot's workers) would reset each other's font mid-draw and
    print CJK as empty boxes, so one chart is drawn at a time."""
    import matplotlib

    rc = {
        "font.family": "sans-serif",
        "font.sans-serif": [_font_family(), "DejaVu Sans"],
        "axes.unicode_minus": False,
    }
    with _DRAWING, matplotlib.rc_context(rc):
        yield


def line_chart(
    title: str, x_labels: list[str], series: dict[str, list[float | None]], unit: str
) -> bytes:
    scale, ylabel = chart_scale(unit)
    with _drawing():
        fig, ax = _figure(title, ylabel)
        for name, values in series.items():
            ys = [None if v is None else v * scale for v in values]
            ax.plot(x_labels, ys, marker="o", markersize=3, linewidth=1.8, label=name)
        if len(series) > 1:
            ax.legend(fontsize=8, frameon=False, ncol=min(3, len(series)))
        step = max(1, len(x_labels) // 8)
        ax.set_xticks(range(0, len(x_labels), step))
        ax.set_xticklabels(x_labels[::step], rotation=30, fontsize=8)
        return _png(fig)


def bar_chart(title: str, labels: list[str], values: list[float | None], unit: str) -> bytes:
    scale, ylabel = chart_scale(unit)
    with _drawing():
        fig, ax = _figure(title, ylabel)
        ys = [0.0 if v is None else v * scale for v in values]
        bars = ax.bar(labels, ys, color="#3b6ea8")
        ax.bar_label(bars, fmt="%.2f" if scale != 1.0 else "%.4g", fontsize=8)
        ax.tick_params(axis="x", labelsize=9, rotation=20 if len(labels) > 4 else 0)
        return _png(fig)


def line_spec(
    title: str, x_labels: list[str], series: dict[str, list[float | None]], unit: str
) -> ChartSpec:
    return ChartSpec(kind="line", title=title, labels=x_labels, series=series, unit=unit)


def bar_spec(title: str, labels: list[str], values: list[float | None], unit: str) -> ChartSpec:
    return ChartSpec(kind="bar", title=title, labels=labels, series={title: values}, unit=unit)


def render(spec: ChartSpec) -> bytes:
    """The PNG for ``spec``."""
    if spec.kind == "line":
        return line_chart(spec.title, spec.labels, spec.series, spec.unit)
    values = next(iter(spec.series.values()), [])
    return bar_chart(spec.title, spec.labels, values, spec.unit)


def render_chart(chart: Chart) -> Chart:
    """``chart`` with its PNG drawn (unchanged if already drawn or nothing to draw)."""
    if chart.png or chart.spec is None:
        return chart
    return chart.model_copy(update={"png": render(chart.spec)})


def render_charts(answer: Answer) -> Answer:
    """Draw every chart of ``answer`` in place; a chart that fails is dropped, not fatal."""
    drawn = []
    for chart in answer.charts:
        try:
            chart = render_chart(chart)
        except Exception:  # a picture must never cost the user the answer
            log.exception("chart %r could not be drawn", chart.title)
            continue
        if chart.png:
            drawn.append(chart)
    answer.charts = drawn
    return answer
