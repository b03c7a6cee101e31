"""Charts draw Chinese labels with a real CJK font: no missing-glyph boxes."""

from __future__ import annotations

import io
import threading
import warnings

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from PIL import Image

from bankpm_core import charts

LABELS = ["合作平台", "手机银行", "网点", "青年白领", "新市民", "逾期率（%）", "闪借消费贷"]


def test_bundled_font_covers_every_label_glyph() -> None:
    font = FT2Font(str(charts.cjk_font_path()))
    cmap = font.get_charmap()
    missing = {ch for label in LABELS for ch in label if ord(ch) not in cmap and not ch.isspace()}
    assert missing == set()


def test_rendering_chinese_emits_no_missing_glyph_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.bar_chart(
            "闪借消费贷 逾期率（按渠道）", LABELS[:3], [0.041, 0.0123, 0.0169], "percent"
        )
        line = charts.line_chart(
            "稳盈理财 理财规模", ["2026-01", "2026-02"], {"稳盈理财": [1.0, 2.0]}, "amount"
        )
    glyph_warnings = [
        w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)
    ]
    assert glyph_warnings == []
    for data in (png, line):
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size[0] >= 600  # readable on a phone, not huge
        assert len(data) < 200_000


def test_charts_drawn_in_parallel_threads_keep_their_font() -> None:
    """The bot draws charts in worker threads; matplotlib's font settings are global, so
    without serialising, one chart's cleanup reset another's font mid-draw (CJK as boxes)."""

    def draw(i: int) -> None:
        for _ in range(3):
            charts.line_chart(
                f"闪借逾期率{i}", ["一月", "二月"], {"闪借消费贷": [0.01, 0.02]}, "percent"
            )
            charts.bar_chart("按渠道", LABELS[:2], [0.1, 0.2], "percent")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        threads = [threading.Thread(target=draw, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert [w for w in caught if "missing from" in str(w.message)] == []


def test_the_font_is_the_one_matplotlib_uses() -> None:
    family = charts._font_family()
    found = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    assert found == str(charts.cjk_font_path())


def test_answers_carry_specs_and_a_chart_that_cannot_be_drawn_is_dropped() -> None:
    from bankpm_core.answer import Answer, Chart, ChartSpec

    good = charts.line_spec("闪借 逾期率", ["2026-01", "2026-02"], {"逾期率": [0.01, 0.02]}, "rate")
    bad = ChartSpec(
        kind="bar", title="坏", labels=["a", "b"], series={"x": [1.0, 2.0, 3.0]}, unit="count"
    )
    answer = Answer(
        question="q",
        language="zh",
        intent="metric_query",
        charts=[Chart(title="好", spec=good), Chart(title="坏", spec=bad)],
    )
    assert all(not c.png for c in answer.charts)  # specs only until someone draws them
    charts.render_charts(answer)
    assert [c.title for c in answer.charts] == ["好"]  # mismatched bar lengths: dropped
    assert answer.charts[0].png.startswith(b"\x89PNG")
    assert answer.to_json_dict()["charts"][0]["bytes"] == len(answer.charts[0].png)
