"""Refusal calibration on a bank's own questions: the lists, the fit, the CLI, the KB."""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import typer
from typer.testing import CliRunner

from bankpm_core.clock import FixedClock
from bankpm_core.config import BUNDLED_KNOWLEDGE, load_settings
from bankpm_core.errors import BadInputError
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.calibration import (
    Calibration,
    assess,
    calibrate,
    cross_validate,
    fit_threshold,
    rates,
)
from bankpm_core.retrieval.confidence import REFUSAL_THRESHOLD
from bankpm_core.retrieval.embeddings import HashingEmbedder
from bankpm_core.retrieval.question_sets import LabelledQuestion, load_question_set
from console.knowledge_cli import ingest_app, knowledge_app

CLOCK = FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


# ---------- question lists ----------
def test_the_bundled_question_list_parses_into_both_kinds() -> None:
    questions = load_question_set(BUNDLED_KNOWLEDGE / "QUESTIONS.md")
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    assert answerable and unanswerable
    for q in answerable:
        assert q.document and (BUNDLED_KNOWLEDGE / q.document).is_file(), q.document
        assert q.label and q.language in ("zh", "en")
    assert all(q.document is None and q.number.startswith("B") for q in unanswerable)
    assert "白金信用卡每年可以免费打几次高尔夫？" in {q.text for q in unanswerable}


def test_csv_and_jsonl_lists_accept_chinese_and_english_labels(tmp_path: Path) -> None:
    sheet = tmp_path / "qs.csv"
    sheet.write_text(
        "question,answerable\n催收电话每天最多打几次？,是\nDo Youth card points expire?,yes\n"
        "反洗钱报告几天内提交？,否\n,true\n",
        "utf-8-sig",  # Excel's BOM
    )
    got = load_question_set(sheet)
    assert [(q.text, q.answerable, q.language) for q in got] == [
        ("催收电话每天最多打几次？", True, "zh"),
        ("Do Youth card points expire?", True, "en"),
        ("反洗钱报告几天内提交？", False, "zh"),
    ]
    lines = tmp_path / "qs.jsonl"
    lines.write_text(
        json.dumps({"question": "年费多少？", "answerable": True}, ensure_ascii=False)
        + "\n\n"
        + json.dumps({"question": "What is the golf benefit?", "answerable": "no"})
        + "\n",
        "utf-8",
    )
    assert [q.answerable for q in load_question_set(lines)] == [True, False]


@pytest.mark.parametrize(
    ("name", "content", "zh", "en"),
    [
        ("bad.jsonl", '{"question": "ok", "answerable": true}\nnot json\n', "第 2 行", "line 2"),
        ("bad.jsonl", '{"question": "ok", "answerable": "maybe"}\n', "answerable", "true/false"),
        ("bad.csv", "q,a\nx,1\n", "question 和 answerable", "columns question and answerable"),
        ("bad.xlsx", "whatever", "不支持", "unsupported"),
        ("empty.md", "# nothing here\n", "没有找到问题", "no questions found"),
    ],
)
def test_a_bad_list_says_what_is_wrong_in_both_languages(
    tmp_path: Path, name: str, content: str, zh: str, en: str
) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(BadInputError) as err:
        load_question_set(path)
    assert zh in err.value.message_zh and en in err.value.message_en


# ---------- the fit ----------
@pytest.mark.parametrize("seed", range(20))
def test_the_threshold_is_the_highest_that_keeps_false_refusals_within_the_target(
    seed: int,
) -> None:
    rng = random.Random(seed)
    scores = [rng.random() for _ in range(rng.randint(10, 120))]
    target = rng.choice([0.0, 0.05, 0.1])
    thr = fit_threshold(scores, target)
    refused = sum(s < thr for s in scores)
    assert refused <= target * len(scores) + 1e-9
    # one step higher (the next kept score) would refuse more than allowed
    kept = sorted(s for s in scores if s >= thr)
    assert sum(s <= kept[0] for s in scores) > target * len(scores) - 1e-9


@pytest.mark.parametrize("seed", range(20))
def test_the_threshold_is_lowered_while_it_refuses_as_many_unanswerable_questions(
    seed: int,
) -> None:
    rng = random.Random(seed)
    ans = [rng.random() for _ in range(rng.randint(20, 120))]
    unans = [rng.random() * 0.6 for _ in range(rng.randint(3, 20))]
    target = rng.choice([0.05, 0.1])
    highest = fit_threshold(ans, target)
    thr = fit_threshold(ans, target, unans)
    assert thr <= highest
    # the same unanswerable questions refused, no more answerable ones
    assert sum(s < thr for s in unans) == sum(s < highest for s in unans)
    assert sum(s < thr for s in ans) <= sum(s < highest for s in ans)
    # the next lower candidate (one answerable question fewer refused) would refuse fewer
    a = sorted(ans)
    k = sum(s < thr for s in a)
    if k > 0:
        lower = a[0] if k == 1 else (a[k - 2] + a[k - 1]) / 2
        assert sum(s < lower for s in unans) < sum(s < thr for s in unans)


def test_a_higher_threshold_that_refuses_nothing_more_is_not_taken() -> None:
    # 40 answerable scores; 5 % allows refusing two of them (0.30 and 0.35)
    ans = [0.30, 0.35] + [0.5 + i / 100 for i in range(38)]
    assert fit_threshold(ans, 0.05) == pytest.approx((0.35 + 0.5) / 2)
    # the unanswerable questions score 0.1 and 0.9: refusing 0.30 and 0.35 buys nothing
    assert fit_threshold(ans, 0.05, [0.1, 0.9]) == pytest.approx(0.30)
    # one scoring 0.32 is worth refusing 0.30 for, not 0.35
    assert fit_threshold(ans, 0.05, [0.1, 0.32, 0.9]) == pytest.approx((0.30 + 0.35) / 2)


def test_rates_and_cross_validation_count_what_they_should() -> None:
    ans = [0.1, 0.5, 0.6, 0.7, 0.8, 0.9, 0.55, 0.65, 0.75, 0.85]
    unans = [0.2, 0.3, 0.95]
    refused, false_ref = rates(0.45, ans, unans)
    assert refused == pytest.approx(2 / 3) and false_ref == pytest.approx(1 / 10)
    assert rates(0.5, ans, [])[0] is None
    cv = cross_validate(ans, unans, 0.05)
    assert cv is not None
    # with 8 training scores a 5 % target refuses none of them: threshold = their minimum;
    # the fold holding 0.1 is refused (training min 0.5), every other fold keeps all
    assert cv[1] == pytest.approx(1 / 10)
    # unanswerable 0.2 sits in that fold and is refused; 0.3 and 0.95 meet a threshold of 0.1
    assert cv[0] == pytest.approx(1 / 3)
    assert cross_validate(ans[:5], unans, 0.05) is None  # too few to split


# ---------- on a real index ----------
@pytest.fixture(scope="module")
def bundled_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The bundled knowledge in a real Chroma dir (hashing embedder: the fit does not care)."""
    root = tmp_path_factory.mktemp("calib")
    settings = load_settings(data_dir=root / "data")
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    report = kb.ingest([str(BUNDLED_KNOWLEDGE)])
    assert not report.problems and report.chunks_written > 100
    return kb


def test_calibration_on_the_bundled_list_meets_its_target_on_independently_scored_questions(
    bundled_kb: KnowledgeBase,
) -> None:
    questions = load_question_set(BUNDLED_KNOWLEDGE / "QUESTIONS.md")
    result = calibrate(bundled_kb, questions, CLOCK, "QUESTIONS.md", max_false_refusals=0.05)
    assert result.answerable == sum(q.answerable for q in questions)
    assert result.chunks == bundled_kb.index.store.count()
    assert result.calibrated_at == "2026-11-30T09:00:00+08:00"
    # rescore independently through ground(): the saved threshold refuses ≤ 5 % of answerable
    bundled_kb.threshold = result.threshold
    refused_answerable = sum(
        not bundled_kb.ground(q.text).grounded for q in questions if q.answerable
    )
    assert refused_answerable <= 0.05 * result.answerable
    assert refused_answerable / result.answerable == pytest.approx(result.false_refusals)
    refused_unanswerable = sum(
        not bundled_kb.ground(q.text).grounded for q in questions if not q.answerable
    )
    assert refused_unanswerable / result.unanswerable == pytest.approx(result.refused)


def test_too_few_answerable_questions_is_refused_with_a_reason(bundled_kb: KnowledgeBase) -> None:
    few = [LabelledQuestion(str(i), "zh", f"问题{i}", True) for i in range(3)]
    with pytest.raises(BadInputError) as err:
        calibrate(bundled_kb, few, CLOCK, "few.csv")
    assert "至少需要 10 个" in err.value.message_zh and "at least 10" in err.value.message_en


def test_the_saved_calibration_is_what_the_next_knowledge_base_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled_kb: KnowledgeBase
) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    settings.data_dir.mkdir(parents=True)
    opened = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    assert (opened.threshold, opened.threshold_origin) == (REFUSAL_THRESHOLD, "built-in")

    questions = load_question_set(BUNDLED_KNOWLEDGE / "QUESTIONS.md")
    result = calibrate(bundled_kb, questions, CLOCK, "QUESTIONS.md")
    result.save(settings.calibration_file)
    assert Calibration.load(settings.calibration_file) == result
    opened = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    assert (opened.threshold, opened.threshold_origin) == (result.threshold, "calibrated")

    # an explicit setting wins; a damaged file falls back to the built-in threshold
    pinned = load_settings(data_dir=tmp_path / "data", refusal_threshold=0.9)
    assert KnowledgeBase.open(pinned, embedder=HashingEmbedder()).threshold == 0.9
    settings.calibration_file.write_text('{"threshold": 0.5', "utf-8")
    opened = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    assert (opened.threshold, opened.threshold_origin) == (REFUSAL_THRESHOLD, "built-in")


def test_scores_are_those_ground_compares(bundled_kb: KnowledgeBase) -> None:
    qs = [LabelledQuestion("1", "zh", "示例银行的助学贷款利率是多少？", False)]
    ((score, _rank),) = assess(bundled_kb, qs)
    assert score == bundled_kb.ground(qs[0].text).confidence


# ---------- the command ----------
def test_calibrate_and_status_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANKPM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BANKPM_EMBEDDER", "hashing")
    monkeypatch.delenv("BANKPM_CHROMA_URL", raising=False)
    monkeypatch.delenv("BANKPM_REFUSAL_THRESHOLD", raising=False)
    app = typer.Typer()
    app.add_typer(ingest_app, name="ingest")
    app.add_typer(knowledge_app, name="knowledge")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "docs", str(BUNDLED_KNOWLEDGE)]).exit_code == 0
    questions = str(BUNDLED_KNOWLEDGE / "QUESTIONS.md")
    cal_file = tmp_path / "data" / "refusal_calibration.json"

    dry = runner.invoke(app, ["knowledge", "calibrate", questions, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run: not saved" in dry.output and "cross-validated" in dry.output
    assert "the passage your list names comes first for" in dry.output
    assert not cal_file.exists()

    done = runner.invoke(app, ["knowledge", "calibrate", questions, "--json"])
    assert done.exit_code == 0, done.output
    payload = json.loads(done.output)
    assert payload["saved"] and payload["previous_threshold"] == REFUSAL_THRESHOLD
    assert json.loads(cal_file.read_text("utf-8"))["threshold"] == payload["threshold"]

    status = runner.invoke(app, ["knowledge", "status", "--json"])
    info = json.loads(status.output)
    assert info["threshold_origin"] == "calibrated"
    assert info["threshold"] == payload["threshold"]
    assert info["documents"] >= 20 and info["calibration_stale"] is False
    borders = {(Path(b["source"]).name, b["subject"]) for b in info["borders"]}
    assert {("td.md", "大额存单"), ("personal_information_policy.md", "员工个人信息")} <= borders
    text = runner.invoke(app, ["knowledge", "status"]).output
    assert "大额存单 — td.md" in text and "refusal threshold" in text
    # the bundled terms of art, no bank glossary beside the bundled knowledge
    assert info["terms_of_art"] > 100 and info["glossary"] is None
    assert f"terms of art: {info['terms_of_art']} (bundled)" in text

    bad = tmp_path / "few.csv"
    bad.write_text("question,answerable\n年费多少？,是\n", "utf-8")
    refused = runner.invoke(app, ["knowledge", "calibrate", str(bad)])
    assert refused.exit_code == 1 and "at least 10 answerable" in refused.output
    assert json.loads(cal_file.read_text("utf-8"))["threshold"] == payload["threshold"]


def test_a_saved_calibration_knows_when_the_index_has_moved_on(tmp_path: Path) -> None:
    cal = Calibration(
        threshold=0.5,
        max_false_refusals=0.05,
        answerable=40,
        unanswerable=10,
        refused=0.6,
        false_refusals=0.05,
        cv_refused=None,
        cv_false_refusals=None,
        chunks=1000,
        source="qs.csv",
        calibrated_at="2026-11-30T09:00:00+08:00",
    )
    assert not cal.is_stale(1150) and not cal.is_stale(850)
    assert cal.is_stale(1300) and cal.is_stale(700)
    path = tmp_path / "cal.json"
    cal.save(path)
    assert Calibration.load(path) == cal and not path.with_suffix(".tmp").exists()
    path.write_text(path.read_text("utf-8").replace('"threshold": 0.5', '"threshold": 7'), "utf-8")
    assert Calibration.load(path) is None  # a threshold outside [0, 1] is not trusted
    assert Calibration.load(tmp_path / "missing.json") is None


def test_which_passage_answers_a_listed_question() -> None:
    from bankpm_core.retrieval.question_sets import answers_it

    article = LabelledQuestion("1", "zh", "q", True, "regulations/collection.md", "第七条")
    assert answers_it(article, "/data/knowledge/regulations/collection.md", "第七条")
    assert not answers_it(article, "/data/knowledge/regulations/collection.md", "第十七条")
    assert not answers_it(article, "/data/other/collection.md", "第七条")  # another folder
    section = LabelledQuestion("2", "en", "q", True, "regulations/pricing_en.md", "§ 3")
    assert answers_it(section, "knowledge/regulations/pricing_en.md", "§ 3 Interest rate cap")
    assert not answers_it(section, "knowledge/regulations/pricing_en.md", "§ 30 Other")
    heading = LabelledQuestion("3", "zh", "q", True, "products/cc_youth.md", "年费规则")
    assert answers_it(heading, "k/products/cc_youth.md", "年费规则")
    assert answers_it(heading, "k/products/cc_youth.md", "首年免年费", chapter="年费规则")
    unanswerable = LabelledQuestion("B1", "zh", "q", False)
    assert not answers_it(unanswerable, "k/products/cc_youth.md", "年费规则")


def test_calibration_reports_how_often_search_finds_the_named_passage(
    bundled_kb: KnowledgeBase,
) -> None:
    from bankpm_core.retrieval.question_sets import answers_it

    questions = load_question_set(BUNDLED_KNOWLEDGE / "QUESTIONS.md")
    result = calibrate(bundled_kb, questions, CLOCK, "QUESTIONS.md")
    named = [q for q in questions if q.document]
    assert result.named == len(named) > 0
    first = top5 = 0
    for q in named:  # recount through search itself
        found = bundled_kb.search(q.text, k=8)
        hits = [i for i, p in enumerate(found, 1) if answers_it(q, p.source, p.section, p.chapter)]
        first += bool(hits) and hits[0] == 1
        top5 += bool(hits) and hits[0] <= 5
    assert (result.found_first, result.found_top5) == (first, top5)
    assert 0 < result.found_first <= result.found_top5 <= result.named
