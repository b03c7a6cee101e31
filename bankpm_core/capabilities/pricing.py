"""Pricing capability: "给青年白领客群的闪借建议定价", "suggest pricing for SME owners on the SME loan".

``build(settings, assistant)`` loads ``pricing.yaml`` from the knowledge folder and reads
history through ``assistant.metrics.engine``. ``answer(question, route, user)`` takes the
router's slots (``product``, ``segment``, ``channel`` as catalog codes, ``overrides`` as
fractions) and returns an :class:`Answer` with the rate build-up, the estimates behind
it, current vs suggested, a sensitivity table, policy checks with their sources and a
chart. Deposit and wealth products get the customer-rate answer instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from bankpm_core.answer import (
    Answer,
    Chart,
    Citation,
    Definition,
    ErrorInfo,
    Suggestion,
    Table,
    TextBlock,
)
from bankpm_core.charts import bar_spec, line_spec
from bankpm_core.errors import UnknownMemberError
from bankpm_core.formatting import format_amount, format_value
from bankpm_core.i18n import t as _t
from bankpm_core.metrics.catalog import Catalog
from bankpm_core.metrics.engine import MetricEngine
from bankpm_core.pricing.config import (
    Overrides,
    PricingConfig,
    assumptions_for,
    load_pricing_config,
)
from bankpm_core.pricing.history import Cell, LoanHistory
from bankpm_core.pricing.savings import SavingsFacts, savings_facts
from bankpm_core.pricing.service import PricingResult, price
from bankpm_core.routing.types import Route
from bankpm_core.users import UserContext

CREDIT_KINDS = ("loan", "credit_card")
SAVINGS_KINDS = ("deposit", "wealth")

COMPONENT_NAMES = {
    "ftp": ("资金成本（FTP）", "Funding cost (FTP)"),
    "expected_loss": ("预期损失（PD×LGD）", "Expected loss (PD × LGD)"),
    "opex": ("运营成本", "Operating cost"),
    "capital": ("资本成本", "Cost of capital"),
    "margin": ("目标利差", "Target margin"),
    "total": ("模型利率", "Model rate"),
}
SCENARIO_NAMES = {
    "base": ("基准", "Base case"),
    "pd_down": ("PD −50%", "PD −50%"),
    "pd_up": ("PD +50%", "PD +50%"),
    "ftp_down": ("FTP −50bp", "FTP −50 bp"),
    "ftp_up": ("FTP +50bp", "FTP +50 bp"),
}
LEVEL_NAMES = {
    ("segment", "channel"): ("产品×客群×渠道", "product × segment × channel"),
    ("segment",): ("产品×客群", "product × segment"),
    ("channel",): ("产品×渠道", "product × channel"),
    (): ("产品整体", "whole product"),
}


def _pct(value: Any, lang: str) -> str:
    return format_value(float(value), "percent", lang)


def _shift_text(change: float, lang: str) -> str:
    """ "（上调 0.50pp）" / " (up 0.50pp)": how the question moved an assumption."""
    size = f"{abs(change) * 100:.2f}pp"
    if lang == "zh":
        return f"（{'上调' if change > 0 else '下调'} {size}）"
    return f" ({'up' if change > 0 else 'down'} {size})"


@dataclass
class PricingCapability:
    config: PricingConfig
    history: LoanHistory
    catalog: Catalog
    metrics: MetricEngine

    # -- entry point -------------------------------------------------------------
    def answer(self, question: str, route: Route, user: UserContext) -> Answer:
        lang = route.language
        slots = route.slots or {}
        overrides = Overrides.from_slots(slots.get("overrides"))  # bad input raises
        product = slots.get("product")
        if not product:
            return self._ask_product(question, lang, slots)
        try:
            product = self._member("product", product)
            segment = self._member("segment", slots.get("segment"))
            channel = self._member("channel", slots.get("channel"))
        except UnknownMemberError as exc:
            return self._unknown_member(question, lang, exc, slots)
        kind = self.catalog.member("product", product).kind
        if kind in SAVINGS_KINDS:
            return self._savings_answer(question, lang, product, kind, segment)
        if product not in self.config.products:
            return self._not_configured(question, lang, product)
        shifts = slots.get("shifts") or {}
        overrides = overrides.shifted(self.config, product, shifts)  # bad input raises
        assumptions = assumptions_for(self.config, product, overrides)
        result = price(self.config, self.history, Cell(product, segment, channel), assumptions)
        return self._pricing_answer(question, lang, result, overrides, shifts)

    # -- slot resolution -----------------------------------------------------------
    def _member(self, dimension: str, value: Any) -> str | None:
        """A catalog code from a code or any alias; unknown values raise with suggestions."""
        if value in (None, "", [], ()):
            return None
        if isinstance(value, list | tuple):
            value = value[0]
        members = self.catalog.dimensions[dimension].members
        text = str(value).strip()
        if text in members:
            return text
        names: dict[str, str] = {}
        for code, member in members.items():
            names[code.lower()] = code
            for alias in (*member.zh, *member.en):
                names[alias.lower()] = code
        if text.lower() in names:
            return names[text.lower()]
        close = process.extract(text.lower(), list(names), scorer=fuzz.WRatio, limit=6)
        ranked = list(dict.fromkeys(names[c[0]] for c in close if c[1] >= 60))
        dim = self.catalog.dimensions[dimension]
        raise UnknownMemberError(
            f"{dim.name('zh')}中没有“{text}”。",
            f"'{text}' is not a known {dim.name('en')}.",
            suggestions=[
                f"{dimension}:{code}"
                for code in [*ranked, *(c for c in members if c not in ranked)][:4]
            ],
        )

    def _question(self, lang: str, product: str, segment: str | None = None) -> str:
        p = self.catalog.member("product", product).name(lang)
        if segment is None:
            return _t(lang, f"{p}建议定价", f"suggest pricing for {p}")
        s = self.catalog.member("segment", segment).name(lang)
        group = s if s.endswith(("客户", "客群")) else f"{s}客群"
        return _t(lang, f"给{group}的{p}建议定价", f"suggest pricing for {s} on {p}")

    def _unknown_member(
        self, question: str, lang: str, exc: UnknownMemberError, slots: dict
    ) -> Answer:
        product = slots.get("product")
        product = product if product in self.catalog.dimensions["product"].members else None
        suggestions = []
        for item in exc.suggestions:
            dim, code = item.split(":", 1)
            if dim == "segment" and product:
                suggestions.append(
                    Suggestion(
                        label=self.catalog.member("segment", code).name(lang),
                        question=self._question(lang, product, code),
                    )
                )
            elif dim == "product" and code in self.config.products:
                suggestions.append(
                    Suggestion(
                        label=self.catalog.member("product", code).name(lang),
                        question=self._question(lang, code),
                    )
                )
            else:
                name = self.catalog.member(dim, code).name(lang)
                suggestions.append(Suggestion(label=name, question=""))
        message = exc.message(lang)
        lead = _t(lang, "可以选择：", "Known options: ")
        listing = _t(lang, "、", ", ").join(s.label for s in suggestions)
        return Answer(
            question=question,
            language=lang,  # type: ignore[arg-type]
            intent="error",
            blocks=[TextBlock(kind="warning", text=message), TextBlock(text=lead + listing)],
            suggestions=[s for s in suggestions if s.question],
            error=ErrorInfo(code=exc.code, message=message),
        )

    def _ask_product(self, question: str, lang: str, slots: dict) -> Answer:
        segment = slots.get("segment")
        segment = segment if segment in self.catalog.dimensions["segment"].members else None
        options = [
            Suggestion(
                label=self.catalog.member("product", code).name(lang),
                question=self._question(lang, code, segment),
            )
            for code in self.config.products
        ]
        prompt = _t(lang, "要为哪个产品定价？", "Which product should I price?")
        return Answer(
            question=question,
            language=lang,  # type: ignore[arg-type]
            intent="clarify",
            blocks=[TextBlock(kind="headline", text=prompt)],
            options=options,
        )

    def _not_configured(self, question: str, lang: str, product: str) -> Answer:
        name = self.catalog.member("product", product).name(lang)
        message = _t(
            lang,
            f"定价参数文件中没有{name}的假设（FTP、运营成本、资本占用），暂时无法给出风险定价。",
            f"The pricing config has no assumptions (FTP, opex, capital) for {name}, so it "
            "cannot be priced yet.",
        )
        suggestions = [
            Suggestion(
                label=self.catalog.member("product", c).name(lang), question=self._question(lang, c)
            )
            for c in self.config.products
        ]
        return Answer(
            question=question,
            language=lang,  # type: ignore[arg-type]
            intent="error",
            blocks=[TextBlock(kind="warning", text=message)],
            suggestions=suggestions[:4],
            error=ErrorInfo(code="not_configured", message=message),
        )

    # -- the credit answer -------------------------------------------------------------
    def _cell_name(self, cell: Cell, lang: str) -> str:
        parts = [self.catalog.member("product", cell.product).name(lang)]
        if cell.segment:
            parts.append(self.catalog.member("segment", cell.segment).name(lang))
        if cell.channel:
            parts.append(self.catalog.member("channel", cell.channel).name(lang))
        return " × ".join(parts)

    def _pricing_answer(
        self,
        question: str,
        lang: str,
        r: PricingResult,
        overrides: Overrides,
        shifts: Mapping[str, float] | None = None,
    ) -> Answer:
        cell, risk, a = r.cell, r.risk, r.assumptions
        name = self._cell_name(cell, lang)
        current = risk.book.current_rate
        blocks = [TextBlock(kind="headline", text=self._headline(lang, name, r))]
        blocks.append(TextBlock(text=self._raroc_text(lang, r)))
        blocks.extend(self._warnings(lang, r))
        if overrides.as_dict():
            changed = ", ".join(
                f"{k.upper() if k in ('roe', 'ftp') else k} = {_pct(v, lang)}"
                + (_shift_text(float(shifts[k]), lang) if shifts and k in shifts else "")
                for k, v in overrides.as_dict().items()
            )
            blocks.append(
                TextBlock(
                    kind="note",
                    text=_t(
                        lang,
                        f"已按问题中的假设调整：{changed}。",
                        f"Assumptions from your question: {changed}.",
                    ),
                )
            )
        blocks.append(TextBlock(kind="note", text=self._fair_lending_note(lang, cell)))
        tables = [
            self._build_table(lang, r),
            self._estimates_table(lang, r),
            self._compare_table(lang, r),
            self._sensitivity_table(lang, r),
            self._checks_table(lang, r),
        ]
        labels = [_t(lang, *COMPONENT_NAMES[k]) for k, _ in r.build.items()]
        values = [float(v.value) for _, v in r.build.items()]
        labels.append(_t(lang, *COMPONENT_NAMES["total"]))
        values.append(float(r.model_rate.value))
        if current is not None:
            labels.append(_t(lang, "当前利率", "Current rate"))
            values.append(float(current.value))
        chart = Chart(
            title=_t(lang, f"{name} 定价构成（年化）", f"{name}: rate build-up (annual)"),
            spec=bar_spec(
                _t(lang, f"{name} 定价构成", f"{name}: rate build-up"), labels, values, "percent"
            ),
            alt=_t(
                lang,
                "各定价成分与模型利率、当前利率的柱状图",
                "Bars of each component, the model rate and the current rate",
            ),
        )
        return Answer(
            question=question,
            language=lang,  # type: ignore[arg-type]
            intent="pricing",
            blocks=blocks,
            tables=tables,
            charts=[chart],
            definitions=self._definitions(lang, r),
            citations=self._citations(lang, r),
            suggestions=self._follow_ups(lang, cell),
            as_of=risk.as_of,
            result={
                "product": cell.product,
                "segment": cell.segment,
                "channel": cell.channel,
                "model_rate": float(r.model_rate.value),
                "recommended_rate": float(r.recommended.value),
                "range": [float(r.low.value), float(r.high.value)],
                "current_rate": float(current.value) if current is not None else None,
                "pd": float(risk.pd.value),
                "pd_loans": risk.pd.used.trials,
                "pd_level": list(risk.pd.level),
                "lgd": float(risk.lgd.value),
                "raroc_current": float(r.raroc_current.value) if r.raroc_current else None,
                "raroc_recommended": float(r.raroc_recommended.value),
                "breaches": [c.constraint.id for c in r.breaches],
                "assumptions": {
                    "ftp": float(a.ftp.value),
                    "opex": float(a.opex.value),
                    "capital_ratio": float(a.capital_ratio),
                    "target_roe": float(a.target_roe.value),
                    "risk_free": float(a.risk_free.value),
                    "margin": float(a.target_margin.value),
                    "overridden": list(a.overridden),
                },
            },
            sources=[self.config.path or "pricing.yaml", self.history.mapping.loans.table],
        )

    def _headline(self, lang: str, name: str, r: PricingResult) -> str:
        rec, lo, hi = (
            _pct(r.recommended.value, lang),
            _pct(r.low.value, lang),
            _pct(r.high.value, lang),
        )
        current = r.risk.book.current_rate
        cur = _pct(current.value, lang) if current is not None else "—"
        if r.band and r.band.position != "within":
            model = _pct(r.model_rate.value, lang)
            return _t(
                lang,
                f"{name}：模型利率 {model}（区间 {lo}–{hi}），受产品利率区间约束，建议执行 {rec}；当前平均执行利率 {cur}。",
                f"{name}: model rate {model} (range {lo}–{hi}); within the product's approved band "
                f"the recommended rate is {rec}; the current average rate is {cur}.",
            )
        return _t(
            lang,
            f"{name}：建议年化利率 {rec}（区间 {lo}–{hi}），当前平均执行利率 {cur}。",
            f"{name}: suggested APR {rec} (range {lo}–{hi}); the current average rate is {cur}.",
        )

    def _raroc_text(self, lang: str, r: PricingResult) -> str:
        target = _pct(r.assumptions.target_roe.value, lang)
        at_rec = _pct(r.raroc_recommended.value, lang)
        if r.raroc_current is None:
            return _t(
                lang,
                f"按建议利率 RAROC 为 {at_rec}（目标 ROE {target}）。",
                f"RAROC at the suggested rate is {at_rec} (target ROE {target}).",
            )
        at_cur = _pct(r.raroc_current.value, lang)
        below = r.raroc_current < r.assumptions.target_roe
        verdict = _t(
            lang,
            "低于目标，当前定价不足以覆盖风险与资本成本。" if below else "高于目标。",
            "below target: today's price does not cover risk and capital."
            if below
            else "above target.",
        )
        return _t(
            lang,
            f"当前利率下 RAROC 为 {at_cur}，{verdict}建议利率下 RAROC 为 {at_rec}（目标 ROE {target}）。",
            f"RAROC at the current rate is {at_cur}, {verdict} At the suggested rate it is "
            f"{at_rec} (target ROE {target}).",
        )

    def _warnings(self, lang: str, r: PricingResult) -> list[TextBlock]:
        out = []
        pd_est, lgd, min_n = r.risk.pd, r.risk.lgd, r.risk.pd.min_sample
        if pd_est.fallback:
            asked = _t(lang, *LEVEL_NAMES[pd_est.asked])
            used = _t(lang, *LEVEL_NAMES[pd_est.level])
            own = _pct(pd_est.cell.rate, lang) if pd_est.cell.trials else "—"
            out.append(
                TextBlock(
                    kind="warning",
                    text=_t(
                        lang,
                        f"样本不足：{asked}只有 {pd_est.cell.trials} 笔满12个月表现期的贷款（政策要求至少 {min_n} 笔），"
                        f"违约率改用{used}的估计（{pd_est.used.trials} 笔）。该客群自身的观测违约率为 "
                        f"{own}，仅供参考。",
                        f"Small sample: the {asked} cell has only {pd_est.cell.trials} loans with a full "
                        f"12-month window (policy minimum {min_n}); PD falls back to the {used} "
                        f"estimate ({pd_est.used.trials} loans). The cell's own observed rate is "
                        f"{own}, for reference only.",
                    ),
                )
            )
        if pd_est.thin:
            out.append(
                TextBlock(
                    kind="warning",
                    text=_t(
                        lang,
                        f"即使在产品层面也只有 {pd_est.used.trials} 笔样本，低于 {min_n} 笔，违约率估计不可靠，请谨慎使用。",
                        f"Even the product level has only {pd_est.used.trials} loans (< {min_n}); the PD "
                        "estimate is unreliable.",
                    ),
                )
            )
        if lgd.from_config:
            out.append(
                TextBlock(
                    kind="note",
                    text=_t(
                        lang,
                        f"已处置的违约样本不足，LGD 采用定价参数中的兜底值 {_pct(lgd.value, lang)}。",
                        f"Too few worked-out defaults: LGD uses the configured fallback {_pct(lgd.value, lang)}.",
                    ),
                )
            )
        loss = r.risk.book.realised_loss
        if (
            loss is not None
            and loss.value > r.build.expected_loss.value * 3 / 2
            and loss.value > 0.005
        ):
            out.append(
                TextBlock(
                    kind="warning",
                    text=_t(
                        lang,
                        f"近12个月实际损失率 {_pct(loss.value, lang)} 明显高于模型预期损失 "
                        f"{_pct(r.build.expected_loss.value, lang)}：近期资产质量在恶化，基于早期放款批次的 PD 可能低估风险。",
                        f"The realised loss rate over the last 12 months ({_pct(loss.value, lang)}) is well "
                        f"above the model's expected loss ({_pct(r.build.expected_loss.value, lang)}): recent "
                        "credit quality is deteriorating and a PD from older cohorts may understate risk.",
                    ),
                )
            )
        if r.band and r.band.position == "above":
            out.append(
                TextBlock(
                    kind="warning",
                    text=_t(
                        lang,
                        f"模型利率 {_pct(r.model_rate.value, lang)} 高于产品利率上限 {_pct(r.band.ceiling.value, lang)}"
                        f"（不得突破，见政策 § 8.4）：在上限执行时 RAROC 为 {_pct(r.raroc_recommended.value, lang)}，"
                        "建议收紧准入或降低成本，而不是提价。",
                        f"The model rate {_pct(r.model_rate.value, lang)} is above the band ceiling "
                        f"{_pct(r.band.ceiling.value, lang)} (which may not be exceeded, policy § 8.4): at the "
                        f"ceiling RAROC is {_pct(r.raroc_recommended.value, lang)}; tighten underwriting or "
                        "cut cost rather than raise the price.",
                    ),
                )
            )
        elif r.band and r.band.position == "below":
            out.append(
                TextBlock(
                    kind="note",
                    text=_t(
                        lang,
                        f"模型利率 {_pct(r.model_rate.value, lang)} 低于产品利率下限 {_pct(r.band.floor.value, lang)}，"
                        "按下限执行；低于下限的定价须报零售定价委员会审批（政策 § 8.2）。",
                        f"The model rate {_pct(r.model_rate.value, lang)} is below the band floor "
                        f"{_pct(r.band.floor.value, lang)}; the floor applies, and any price below it needs the "
                        "Retail Pricing Committee (policy § 8.2).",
                    ),
                )
            )
        for check in r.breaches:
            src = check.constraint.source.label()
            out.append(
                TextBlock(
                    kind="warning",
                    text=_t(
                        lang,
                        f"违反约束：{check.constraint.description('zh')}（{_pct(check.rate.value, lang)}；出处：{src}）",
                        f"Breaks a constraint: {check.constraint.description('en')} "
                        f"({_pct(check.rate.value, lang)}; source: {src})",
                    ),
                )
            )
        return out

    def _fair_lending_note(self, lang: str, cell: Cell) -> str:
        base = _t(
            lang,
            "客群层面的估计用于设定利率区间和评估盈利性；单笔合同利率须按风险等级确定，不得以户籍、年龄等受保护特征定价（公平信贷政策 § 6）。",
            "Segment-level estimates set the band and test profitability; individual contract "
            "rates follow the risk grade and may not use protected characteristics such as "
            "household registration or age (Fair Lending Policy § 6).",
        )
        if cell.segment == "NEW_URBAN":
            base += _t(
                lang,
                "新市民不得仅因户籍在外地而被加价或拒绝（§ 6.2）。",
                " New urban residents may not be charged more only because their household "
                "registration is elsewhere (§ 6.2).",
            )
        return base

    def _build_table(self, lang: str, r: PricingResult) -> Table:
        money = dict(r.per_10k())
        rows = [
            [_t(lang, *COMPONENT_NAMES[k]), float(v.value), float(money[k].amount)]
            for k, v in r.build.items()
        ]
        rows.append(
            [
                _t(lang, *COMPONENT_NAMES["total"]),
                float(r.model_rate.value),
                float(money["total"].amount),
            ]
        )
        return Table(
            title=_t(lang, "定价构成（年化）", "Rate build-up (annual)"),
            columns=[
                _t(lang, "成分", "Component"),
                _t(lang, "年化", "Annual rate"),
                _t(
                    lang,
                    f"每万元余额每年（{r.currency}）",
                    f"Per 10,000 {r.currency} of balance per year",
                ),
            ],
            rows=rows,
            units=[None, "percent", "amount"],
        )

    def _estimates_table(self, lang: str, r: PricingResult) -> Table:
        pd_est, lgd = r.risk.pd, r.risk.lgd
        lo, hi = pd_est.interval
        exact = pd_est.used.exact
        level = _t(lang, *LEVEL_NAMES[pd_est.level])
        lgd_level = (
            _t(lang, "参数兜底值", "configured fallback")
            if lgd.level is None
            else _t(lang, *LEVEL_NAMES[lgd.level])
        )
        rows = [
            [
                _t(lang, "违约率 PD（12个月）", "PD (12-month)"),
                float(pd_est.value),
                float(lo),
                float(hi),
                pd_est.used.trials,
                pd_est.used.events,
                level,
            ],
            [
                _t(lang, "PD 精确区间（Clopper-Pearson）", "PD exact interval (Clopper-Pearson)"),
                float(pd_est.value),
                exact[0],
                exact[1],
                pd_est.used.trials,
                pd_est.used.events,
                level,
            ],
            [
                _t(lang, "违约损失率 LGD", "LGD"),
                float(lgd.value),
                None,
                None,
                None,
                lgd.defaults or None,
                lgd_level,
            ],
            [
                _t(
                    lang,
                    f"期限内累计 PD（{r.assumptions.product.term_months}个月）",
                    f"Lifetime PD over {r.assumptions.product.term_months} months",
                ),
                float(r.lifetime_pd),
                None,
                None,
                None,
                None,
                level,
            ],
        ]
        return Table(
            title=_t(lang, "风险参数估计", "Risk estimates"),
            columns=[
                _t(lang, "参数", "Estimate"),
                _t(lang, "估计值", "Value"),
                _t(lang, "95%下限", "95% low"),
                _t(lang, "95%上限", "95% high"),
                _t(lang, "贷款笔数", "Loans"),
                _t(lang, "违约笔数", "Defaults"),
                _t(lang, "估计层级", "Level"),
            ],
            rows=rows,
            units=[None, "percent", "percent", "percent", "count", "count", None],
        )

    def _compare_table(self, lang: str, r: PricingResult) -> Table:
        book = r.risk.book

        def f(x: Any) -> float | None:
            return None if x is None else float(x.value)

        rows = [
            [
                _t(
                    lang,
                    "当前平均执行利率（近12个月放款，金额加权）",
                    "Current average rate (last 12 months' loans, amount-weighted)",
                ),
                f(book.current_rate),
            ],
            [
                _t(
                    lang,
                    "实际收益率（正常资产利息 ÷ 平均余额）",
                    "Realised yield (interest on performing balance ÷ average balance)",
                ),
                f(book.realised_yield),
            ],
            [
                _t(
                    lang,
                    "实际损失率（近12个月违约 × LGD ÷ 平均余额）",
                    "Realised loss rate (last 12 months' defaults × LGD ÷ average balance)",
                ),
                f(book.realised_loss),
            ],
            [_t(lang, "模型利率", "Model rate"), f(r.model_rate)],
            [_t(lang, "建议执行利率", "Recommended rate"), f(r.recommended)],
            [_t(lang, "RAROC（当前利率）", "RAROC at current rate"), f(r.raroc_current)],
            [_t(lang, "RAROC（建议利率）", "RAROC at recommended rate"), f(r.raroc_recommended)],
            [_t(lang, "目标 ROE", "Target ROE"), f(r.assumptions.target_roe)],
        ]
        return Table(
            title=_t(lang, "当前 vs 建议", "Current vs suggested"),
            columns=[_t(lang, "指标", "Measure"), _t(lang, "数值", "Value")],
            rows=rows,
            units=[None, "percent"],
        )

    def _sensitivity_table(self, lang: str, r: PricingResult) -> Table:
        rows = [
            [
                _t(lang, *SCENARIO_NAMES[s.key]),
                float(s.rate.value),
                float(s.change_bp) / 10_000,
                None if s.raroc_at_current is None else float(s.raroc_at_current.value),
            ]
            for s in r.scenarios
        ]
        return Table(
            title=_t(lang, "敏感性分析", "Sensitivity"),
            columns=[
                _t(lang, "情景", "Scenario"),
                _t(lang, "模型利率", "Model rate"),
                _t(lang, "较基准变化", "Change vs base"),
                _t(lang, "当前利率下 RAROC", "RAROC at current rate"),
            ],
            rows=rows,
            units=[None, "percent", "change:percent", "percent"],
        )

    def _checks_table(self, lang: str, r: PricingResult) -> Table:
        rows = []
        for c in r.checks:
            limit = c.constraint.max_apr or c.constraint.min_apr
            status = (
                _t(lang, "须披露", "disclose")
                if not c.constraint.is_limit
                else (_t(lang, "违反", "BREACH") if c.breached else _t(lang, "符合", "ok"))
            )
            rows.append(
                [
                    c.constraint.description(lang),
                    None if limit is None else float(limit.value),
                    status,
                    c.constraint.source.label(),
                ]
            )
        if r.band:
            rows.append(
                [
                    _t(lang, "产品批准利率区间（上限）", "Approved rate band (ceiling)"),
                    float(r.band.ceiling.value),
                    _t(lang, "高于上限", "model above")
                    if r.band.position == "above"
                    else _t(lang, "符合", "ok"),
                    r.assumptions.product.source.label() if r.assumptions.product.source else "",
                ]
            )
        return Table(
            title=_t(lang, "政策约束检查", "Policy checks"),
            columns=[
                _t(lang, "规则", "Rule"),
                _t(lang, "限额", "Limit"),
                _t(lang, "结果", "Result"),
                _t(lang, "出处", "Source"),
            ],
            rows=rows,
            units=[None, "percent", None, None],
        )

    def _definitions(self, lang: str, r: PricingResult) -> list[Definition]:
        months = self.history.mapping.performance_months
        cohort = r.risk.pd.cohort
        window = f"{cohort[0].isoformat()} ~ {cohort[1].isoformat()}" if cohort else "—"
        return [
            Definition(
                metric="pd_12m",
                name=_t(lang, "12个月违约率 PD", "12-month PD"),
                description=_t(
                    lang,
                    f"放款后{months}个月内首次逾期90天以上的贷款占比；只统计已满{months}个月表现期的贷款（放款日 {window}），数据截至 {r.risk.as_of}。",
                    f"Share of loans that first reached 90+ days past due within {months} months of "
                    f"disbursement, over loans with a full {months}-month window (disbursed {window}); "
                    f"data as of {r.risk.as_of}.",
                ),
                formula="defaults_within_12m / observed_loans; 95% CI Wilson (exact: Clopper-Pearson)",
                unit="percent",
            ),
            Definition(
                metric="lgd",
                name=_t(lang, "违约损失率 LGD", "Loss given default"),
                description=_t(
                    lang,
                    f"违约满{self.history.mapping.lgd_workout_months}个月的贷款：1 − 回收金额 ÷ 违约时风险暴露；样本不足时用参数兜底值。",
                    f"Over defaults at least {self.history.mapping.lgd_workout_months} months old: "
                    "1 − recoveries ÷ exposure at default; the configured fallback when too few.",
                ),
                formula="1 - sum(recovered) / sum(ead)",
                unit="percent",
            ),
            Definition(
                metric="model_rate",
                name=_t(lang, "模型利率", "Model rate"),
                description=_t(
                    lang,
                    "公平信贷与定价政策 § 4.1 的风险定价公式；区间为 PD 取 95% 置信区间上下限时的模型利率。所有成分均为年化单利。",
                    "The risk-based pricing formula of the Fair Lending and Pricing Policy § 4.1; "
                    "the range is the model rate at the ends of the PD's 95% interval. All "
                    "components are annual simple rates.",
                ),
                formula="FTP + PD×LGD + opex_ratio + capital_ratio×(target_ROE − risk_free) + margin",
                unit="percent",
            ),
            Definition(
                metric="raroc",
                name="RAROC",
                description=_t(
                    lang,
                    "风险调整后资本回报率；模型利率（不含利差）下正好等于目标 ROE。未考虑税收。",
                    "Risk-adjusted return on capital; at the model rate without margin it equals "
                    "the target ROE. Tax is not modelled.",
                ),
                formula="(rate − FTP − opex − PD×LGD) / capital_ratio + risk_free",
                unit="percent",
            ),
        ]

    def _citations(self, lang: str, r: PricingResult) -> list[Citation]:
        out = []
        seen = set()
        for c in r.checks:
            key = (c.constraint.source.document, c.constraint.source.section)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Citation(
                    n=len(out) + 1,
                    source=c.constraint.source.document,
                    title=c.constraint.id,
                    section=c.constraint.source.section or None,
                    quote=c.constraint.description(lang),
                    kind="regulation",
                )
            )
        src = r.assumptions.product.source
        if src:
            out.append(
                Citation(
                    n=len(out) + 1,
                    source=src.document,
                    title=_t(lang, "产品利率区间", "Product rate band"),
                    section=src.section or None,
                    kind="product",
                )
            )
        out.append(
            Citation(
                n=len(out) + 1,
                source=self.config.path or "knowledge/pricing.yaml",
                title=_t(lang, "定价参数", "Pricing assumptions"),
                section=self.config.as_of,
                kind="config",
            )
        )
        return out

    def _follow_ups(self, lang: str, cell: Cell) -> list[Suggestion]:
        p = self.catalog.member("product", cell.product).name(lang)
        base = self._question(lang, cell.product, cell.segment)
        out = [
            Suggestion(
                label=_t(lang, "ROE 按15%", "ROE 15%"),
                question=base + _t(lang, " ROE按15%算", ", ROE 15%"),
            ),
            Suggestion(
                label=_t(lang, "FTP 2.5%", "FTP 2.5%"),
                question=base + _t(lang, " FTP 2.5%", ", FTP 2.5%"),
            ),
            Suggestion(
                label=_t(lang, f"{p}逾期率趋势", f"{p} overdue rate trend"),
                question=_t(
                    lang,
                    f"{p}近12个月逾期率趋势",
                    f"{p} overdue rate trend over the past 12 months",
                ),
            ),
        ]
        if cell.channel is None:
            out.append(
                Suggestion(
                    label=_t(lang, "合作平台渠道", "partner channel"),
                    question=_t(
                        lang,
                        f"{p}合作平台渠道建议定价",
                        f"suggest pricing for {p} via partner platforms",
                    ),
                )
            )
        return out

    # -- deposits and wealth ----------------------------------------------------------
    def _savings_answer(
        self, question: str, lang: str, product: str, kind: str, segment: str | None
    ) -> Answer:
        facts = savings_facts(
            self.metrics,
            self.config.data.savings,
            product,
            kind,
            segment,
            self.config.benchmarks.get(product),
        )
        name = self.catalog.member("product", product).name(lang)
        blocks = [
            TextBlock(
                kind="headline",
                text=_t(
                    lang,
                    f"{name}是{'存款' if kind == 'deposit' else '理财'}产品：风险定价模型只覆盖信贷产品，这里给出与定价相关的决策依据——客户利率/收益率与基准的比较、规模与市场份额走势。",
                    f"{name} is a {kind} product: the risk-based pricing model covers credit products, "
                    "so here is what its pricing decision rests on instead: the customer rate against "
                    "a benchmark, and the balance and market-share trends.",
                ),
            )
        ]
        blocks.append(TextBlock(text=self._savings_text(lang, facts)))
        months = [m.strftime("%Y-%m") for m in facts.months]
        table = Table(
            title=_t(lang, f"{name} 近12个月", f"{name}, last 12 months"),
            columns=[
                _t(lang, "月份", "Month"),
                _t(lang, "余额", "Balance"),
                _t(lang, "客户利率/收益率", "Customer rate / yield"),
                _t(lang, "市场份额", "Market share"),
            ],
            rows=[
                [m, b, r, s]
                for m, b, r, s in zip(months, facts.balance, facts.rate, facts.share, strict=True)
            ],
            units=[None, "amount", "rate", "percent"],
        )
        series: dict[str, list[float | None]] = {_t(lang, "客户利率", "Customer rate"): facts.rate}
        if facts.benchmark:
            series[_t(lang, facts.benchmark.name_zh, facts.benchmark.name_en)] = [
                float(facts.benchmark.rate.value)
            ] * len(months)
        chart = Chart(
            title=_t(lang, f"{name} 客户利率走势", f"{name}: customer rate"),
            spec=line_spec(
                _t(lang, f"{name} 客户利率", f"{name}: customer rate"), months, series, "rate"
            ),
            alt=_t(lang, "客户利率的月度折线图", "Monthly line chart of the customer rate"),
        )
        return Answer(
            question=question,
            language=lang,  # type: ignore[arg-type]
            intent="pricing",
            blocks=blocks,
            tables=[table],
            charts=[chart],
            definitions=[
                Definition(
                    metric="customer_rate",
                    name=_t(lang, "客户利率/收益率", "Customer rate / yield"),
                    description=_t(
                        lang,
                        f"月末各细分余额按余额加权的年化客户利率（理财为年化收益率），数据截至 {facts.as_of}。",
                        "Month-end annual customer rate (annualised yield for wealth products), "
                        f"weighted by balance; data as of {facts.as_of}.",
                    ),
                    formula="sum(balance × rate) / sum(balance)",
                    unit="rate",
                )
            ],
            suggestions=[
                Suggestion(
                    label=_t(lang, f"{name}规模趋势", f"{name} balance trend"),
                    question=_t(
                        lang,
                        f"{name}规模近12个月趋势",
                        f"{name} balance trend over the past 12 months",
                    ),
                )
            ],
            as_of=facts.as_of,
            result={
                "product": product,
                "kind": kind,
                "benchmark": float(facts.benchmark.rate.value) if facts.benchmark else None,
            },
        )

    def _savings_text(self, lang: str, f: SavingsFacts) -> str:
        parts = []
        rates = [r for r in f.rate if r is not None]
        balances = [b for b in f.balance if b is not None]
        if rates:
            latest, first = (
                format_value(rates[-1], "rate", lang),
                format_value(rates[0], "rate", lang),
            )
            parts.append(
                _t(
                    lang,
                    f"最新客户利率 {latest}，12个月前 {first}。",
                    f"The latest customer rate is {latest}, against {first} twelve months ago.",
                )
            )
        if balances:
            growth = balances[-1] / balances[0] - 1 if balances[0] else 0.0
            parts.append(
                _t(
                    lang,
                    f"余额 {format_amount(balances[-1], lang)}，12个月变化 {growth * 100:+.1f}%。",
                    f"Balance {format_amount(balances[-1], lang)}, {growth * 100:+.1f}% over 12 months.",
                )
            )
        share_change = f.change(f.share)
        if share_change is not None:
            parts.append(
                _t(
                    lang,
                    f"市场份额变化 {share_change * 100:+.2f} 个百分点。",
                    f"Market share moved {share_change * 100:+.2f} pp.",
                )
            )
        if f.benchmark and rates:
            gap = (rates[-1] - float(f.benchmark.rate.value)) * 10_000
            bname = _t(lang, f.benchmark.name_zh, f.benchmark.name_en)
            brate = format_value(float(f.benchmark.rate.value), "rate", lang)
            parts.append(
                _t(
                    lang,
                    f"较{bname}（{brate}）{gap:+.0f}bp。",
                    f"{gap:+.0f} bp against the {bname} ({brate}).",
                )
            )
        else:
            parts.append(
                _t(
                    lang,
                    "定价参数中未配置竞品/基准利率（pricing.yaml 的 benchmarks），因此以市场份额走势作为竞争力信号：份额下降而利率已低于同业时，降息空间有限。",
                    "No competitor or benchmark rate is configured (benchmarks in pricing.yaml), so "
                    "the market-share trend stands in as the competitive signal: a falling share "
                    "means little room to cut the rate further.",
                )
            )
        return "".join(parts) if lang == "zh" else " ".join(parts)


def build(settings: Any, assistant: Any) -> PricingCapability:
    """Composition-root hook called by :func:`bankpm_core.bootstrap.build_assistant`."""
    path = settings.knowledge_dir / "pricing.yaml"
    config = load_pricing_config(path)
    history = LoanHistory(assistant.metrics.engine, config.data)
    return PricingCapability(config, history, assistant.catalog, assistant.metrics)
