"""From mentions to slots: which metric, which members, which breakdowns.

Kept apart from intent scoring so each rule can be read (and tested) on its own:
the metric choice by product kind (规模 -> AUM for wealth, deposit balance for
deposits, loan balance for loans), member comparisons (two members of a dimension
become a filter AND a breakdown), and breakdown words around a dimension name
(按渠道, 各区域, by region, 逾期率最高的渠道).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bankpm_core.metrics.catalog import Catalog
from bankpm_core.routing.cues import APPROVAL_RATE_HINT, APPROVAL_TIME_HINT
from bankpm_core.routing.text import NUM, mask, posseg
from bankpm_core.routing.vocabulary import FAMILIES, Mention

_BD_PREFIX = re.compile(
    r"(?:按照?|分|各个?|每一?个|不同|所有|全部|各类|哪一?个|哪些|哪家|哪|"
    r"(?:最高|最低|最多|最少|最好|最差|最大|最小|最快|最慢|最短|最长)的?(?:" + NUM + r"个)?|"
    r"(?:前|后|倒数)\s*" + NUM + r"\s*(?:名|个|大)?的?|"
    r"(?<![a-z])(?:by|per|across|each|every|which|split by|broken down by|break ?down by|"
    r"for each|for all|all|different|top|bottom|top\s*" + NUM + r"|bottom\s*" + NUM + r"))"
    r"\s*(?:the\s+|our\s+|all\s+|different\s+|sales\s+|customer\s+|各个?)?"
    r"(?:贷款|信用卡|卡|理财|存款|loan\s+|card\s+|credit card\s+)?\s*$"
)
_BD_SUFFIX = re.compile(
    r"^\s*(?:分布|维度|拆分|对比|排名|排行|结构|占比|"
    r"breakdown|mix|split|distribution|wise|ranking|comparison)"
)
_CHAIN = re.compile(r"\s*(?:和|与|及|、|,|/|\band\b|以及)\s*(?:按|分|各|by\s+)?\s*")
TIME_METRIC_UNITS = ("hours", "days")


@dataclass
class Facts:
    """What the question names, grouped: the raw material of every intent's slots."""

    metrics: list[Mention] = field(default_factory=list)
    members: dict[str, list[Mention]] = field(default_factory=dict)
    dimensions: list[Mention] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    @property
    def named(self) -> bool:
        return bool(self.members or self.kinds)

    def codes(self, dimension: str) -> list[str]:
        seen: list[str] = []
        for m in self.members.get(dimension, []):
            if m.term.code not in seen:
                seen.append(m.term.code)
        return seen


def gather(mentions: list[Mention]) -> Facts:
    facts = Facts()
    for m in mentions:
        kind = m.term.kind
        if kind == "metric":
            facts.metrics.append(m)
        elif kind == "member":
            facts.members.setdefault(m.term.dimension, []).append(m)
        elif kind == "dimension":
            facts.dimensions.append(m)
        elif kind == "kind" and m.term.code not in facts.kinds:
            facts.kinds.append(m.term.code)
    return facts


def product_kinds(catalog: Catalog, facts: Facts) -> set[str]:
    kinds = set(facts.kinds)
    for code in facts.codes("product"):
        member = catalog.dimensions["product"].members.get(code)
        if member and member.kind:
            kinds.add(member.kind)
    return kinds


@dataclass(frozen=True)
class MetricChoice:
    """The metric, or the candidates when the words fit more than one."""

    code: str | None
    candidates: tuple[str, ...] = ()
    mention: Mention | None = None


def choose_metric(catalog: Catalog, facts: Facts, text: str) -> MetricChoice:
    """First metric named; generic words by product kind; stems only as a last resort."""
    named = [m for m in facts.metrics if m.term.weight >= 0.8]
    pick = named[0] if named else (facts.metrics[0] if facts.metrics else None)
    # "利率太高的投诉有多少": complaints are the head noun; 利率 says what they are about
    about = [
        m
        for m in named
        if m.term.code in _ABOUT_HEADS
        and (text[: m.start].rstrip().endswith("的") or any(o.end == m.start for o in named))
    ]
    if about and pick is not about[0]:
        pick = about[0]
    if pick is None:
        return MetricChoice(None)
    code = pick.term.code
    stem = _stem_before(facts, pick, text)
    if pick.term.family == "balance" and stem is not None:
        pick, code = stem, stem.term.code  # "放款规模": the amount disbursed, not a balance
    elif pick.term.family:
        code = _by_kind(catalog, facts, pick) or code
    codes = {m.term.code for m in facts.metrics}
    if code == "overdue_rate" and "overdue_rate_m3" in codes:
        code = "overdue_rate_m3"  # "M3+的逾期率": the qualifier wins
    if (
        code == "market_share"
        and "cards_issued" in codes
        and "card_market_share" in catalog.metrics
    ):
        code = "card_market_share"  # "发卡的市场份额": a share of card issuance
    if pick.term.alternatives:
        candidates = (code, *pick.term.alternatives)
        return _approval_hint(candidates, text, pick)
    timed = _TIME_OF.get(code)
    if (
        timed
        and timed in catalog.metrics
        and _ASKS_DURATION.search(mask(text, [(pick.start, pick.end)]))
    ):
        return MetricChoice(timed, mention=pick)  # "投诉处理平均多少天": how long, not how many
    return MetricChoice(code, mention=pick)


#: Metrics that are the head noun of "X的…" when another metric names their subject.
_ABOUT_HEADS = frozenset(["complaints", "market_share", "card_market_share"])
#: A count whose question asks how long is the matching duration metric.
_TIME_OF = {"complaints": "complaint_resolution_days"}
_ASKS_DURATION = re.compile(
    r"多少天|几天|多久|多长时间|时长|天数|时效|"
    r"\b(?:how long|how many days|days to (?:resolve|close|handle)|turnaround|time to (?:resolve|close))\b",
    re.IGNORECASE,
)


def _by_kind(catalog: Catalog, facts: Facts, mention: Mention) -> str | None:
    """A generic word's metric for the products named (余额 of a deposit: deposit_balance),
    or None when they do not agree on one."""
    kinds = product_kinds(catalog, facts)
    mapped = {FAMILIES[mention.term.family].get(k) for k in kinds} - {None}
    only = mapped.pop() if len(mapped) == 1 else None
    return only if only in catalog.metrics else None


def also_asked(catalog: Catalog, facts: Facts, choice: MetricChoice, text: str) -> list[str]:
    """The other metrics the question names ("闪借上月逾期率和通过率": approval_rate), each
    read as the first one is: a generic word by product kind, and not when it is part of
    the first one's name ("放款规模" is the amount disbursed, not also a balance)."""
    first = choice.mention
    if first is None or choice.code is None:
        return []
    codes = []
    for m in facts.metrics:
        if m.term.weight < 0.8 or (m.start, m.end) == (first.start, first.end):
            continue
        if m.term.family:
            if _stem_before(facts, m, text) is not None:
                continue
            code = _by_kind(catalog, facts, m) or m.term.code
        else:
            code = m.term.code
        if code != choice.code and code in catalog.metrics and code not in codes:
            codes.append(code)
    return codes


def _stem_before(facts: Facts, pick: Mention, text: str) -> Mention | None:
    """A weak stem right before a generic word ("放款" in "放款规模", "发卡" in "发卡规模")."""
    for m in facts.metrics:
        if (
            m.term.weight < 0.8
            and m.end <= pick.start
            and not text[m.end : pick.start].strip("的 ")
        ):
            return m
    return None


def _approval_hint(candidates: tuple[str, ...], text: str, pick: Mention) -> MetricChoice:
    rest = text[: pick.start] + " " + text[pick.end :]
    wants_time = bool(APPROVAL_TIME_HINT.search(rest))
    wants_rate = bool(APPROVAL_RATE_HINT.search(rest))
    if wants_time != wants_rate:
        target = "approval_time" if wants_time else "approval_rate"
        if target in candidates:
            return MetricChoice(target, mention=pick)
    return MetricChoice(None, candidates=candidates, mention=pick)


def narrowing_metrics(
    catalog: Catalog, facts: Facts, choice: MetricChoice, text: str
) -> list[Mention]:
    """Metric names that say which products another metric is about: 存款 in "存款的市场份额",
    "deposits" in "market share in deposits" — the metric of a narrower kind right next to
    the chosen one (X的Y, XY, "Y in/of/for X"). They narrow the products; they are not a
    second figure asked for."""
    head = choice.mention
    spec = catalog.metrics.get(choice.code or "")
    if head is None or spec is None:
        return []
    wide = set(spec.applies_to)
    out = []
    for m in facts.metrics:
        other = catalog.metrics.get(m.term.code)
        if m is head or other is None or not other.applies_to:
            continue
        if wide and not set(other.applies_to) < wide:
            continue
        before = m.end <= head.start and _OF_ZH.fullmatch(text[m.end : head.start])
        after = head.end <= m.start and _OF_EN.fullmatch(text[head.end : m.start])
        if before or after:
            out.append(m)
    return out


_OF_ZH = re.compile(r"\s*的?\s*")
_OF_EN = re.compile(r"\s+(?:in|of|for|on)\s+(?:our\s+|the\s+|all\s+)?")


def implied_kinds(catalog: Catalog, choice: MetricChoice, narrowing: list[Mention]) -> list[str]:
    """Product kinds the metric's own words name: those of a narrowing metric (存款的市场份额:
    deposits), and a kind inside the name the question used (理财客户数: wealth products,
    of a metric that counts deposit and wealth holders alike)."""
    kinds: list[str] = []
    for m in narrowing:
        kinds += [k for k in catalog.metrics[m.term.code].applies_to if k not in kinds]
    spec = catalog.metrics.get(choice.code or "")
    if choice.mention is not None and spec is not None and len(spec.applies_to) > 1:
        said = [k for w, k in _KIND_IN_NAME.items() if w in choice.mention.term.text]
        if len(set(said)) == 1 and said[0] in spec.applies_to and said[0] not in kinds:
            kinds.append(said[0])
    return kinds


#: Kind words that may stand inside a metric's name.
_KIND_IN_NAME = {"理财": "wealth", "wealth": "wealth", "存款": "deposit", "deposit": "deposit"}


def filters_for(
    catalog: Catalog, facts: Facts, metric: str | None, implied: list[str] | None = None
) -> dict[str, list[str]]:
    """Named members by dimension; a kind word (信用卡) only when it narrows the metric, and
    so do the kinds the metric's own words imply (implied_kinds)."""
    filters = {dim: facts.codes(dim) for dim in facts.members}
    kinds = list(facts.kinds)
    kinds += [k for k in implied or () if k not in kinds]
    if "product" not in filters and kinds:
        spec = catalog.metrics.get(metric or "")
        applies = set(spec.applies_to) if spec else set()
        if not applies or applies - set(kinds):
            products = list(catalog.products_of_kind(tuple(kinds)))
            if products:
                filters["product"] = products
    return {d: codes for d, codes in filters.items() if codes}


def breakdown_for(facts: Facts, text: str, which: bool) -> list[str]:
    """Dimensions to split by: compared members, then 按X / by X / which X."""
    dims: list[str] = [d for d in facts.members if len(facts.codes(d)) >= 2]
    previous_end = -1
    for m in facts.dimensions:
        before = text[max(0, m.start - 16) : m.start]
        after = text[m.end : m.end + 8]
        chained = previous_end >= 0 and bool(_CHAIN.fullmatch(text[previous_end : m.start]))
        if _BD_PREFIX.search(before) or _BD_SUFFIX.match(after) or chained:
            if m.term.code not in dims:
                dims.append(m.term.code)
            previous_end = m.end
        else:
            previous_end = -1
    if which and not dims:
        qualifiers = {(m.end, m.term.dimension) for ms in facts.members.values() for m in ms}
        free = [
            m.term.code
            for m in facts.dimensions
            if not any(dim == m.term.code and 0 <= m.start - end <= 1 for end, dim in qualifiers)
        ]
        dims = free[:1]
    return dims


def is_time_metric(catalog: Catalog, code: str | None) -> bool:
    spec = catalog.metrics.get(code or "")
    return bool(spec and spec.unit in TIME_METRIC_UNITS)


#: Words that end a product's name (助学贷款, 大额存单, 基金定投).
PRODUCT_HEADS = ("贷款", "存单", "信用卡", "借记卡", "定投", "基金", "保险")
_PRODUCT_HEAD = re.compile(rf"(?P<mod>[\u4e00-\u9fff]{{1,4}})(?P<head>{'|'.join(PRODUCT_HEADS)})")
_MODIFIER_BREAK = re.compile(r".*[的和与及、是在有把给对为了从按]")
#: Words that qualify a product category, not name a product ("消费贷款", "新发放贷款").
_GENERIC_MODIFIERS = frozenset(
    [
        "个人",
        "消费",
        "经营",
        "住房",
        "信用",
        "所有",
        "全部",
        "各类",
        "各",
        "新发",
        "发放",
        "新发放",
        "对公",
        "零售",
        "普惠",
        "小微",
        "线上",
        "互联网",
        "我行",
        "本行",
        "银行",
        "商业",
        "抵押",
        "担保",
        "存量",
        "新增",
        "不良",
        "逾期",
        "正常",
        "汽车",
        "这类",
        "哪些",
        "产品",
        "各产品",
        "哪个",
        "哪种",
        "每种",
        "不同",
        "哪类",
        "各个",
        "公司",
        "企业",
        "每笔",
        "单笔",
        "这笔",
        "一笔",
        "该",
        "此",
        "其",
        "总",
        "整体",
        "全行",
        "客户",
        "用户",
        "办理",
        "申请",
        "使用",
        "购买",
        "买",
    ]
)


def unknown_products(text: str, mentions: list[Mention]) -> list[str]:
    """Products the question names that the catalog does not know (助学贷款, 大额存单).

    A metric answer would silently drop such a name and report on the bank's other
    products — "助学贷款利率" answered with the average rate of every loan. The words
    before a product head (贷款, 存单, 基金 …), cut at the last particle, name the
    product; generic qualifiers (消费贷款, 新发放贷款) and catalog names do not count.
    """
    taken = [(m.start, m.end) for m in mentions]
    found = []
    for m in _PRODUCT_HEAD.finditer(text):
        mod = _MODIFIER_BREAK.sub("", m.group("mod"))
        start = m.end("mod") - len(mod)
        if len(mod) < 2 or is_generic_qualifier(mod):
            continue
        if any(s < m.end() and start < e for s, e in taken):
            continue
        found.append(mod + m.group("head"))
    return found


def unknown_english_products(text: str, mentions: list[Mention]) -> list[str]:
    """English product names the catalog does not know: the word before loan, card or
    mortgage ("student loan", "debit card"), unless it is a category or a question word.

    Weaker evidence than the Chinese heads ("DROP TABLE loans"), so it only stops a
    metric answer; it does not send a question to the documents."""
    taken = [(m.start, m.end) for m in mentions]
    return [
        m.group(0)
        for m in _EN_PRODUCT.finditer(text)
        if m.group("mod") not in _EN_GENERIC_MODIFIERS
        and not _EN_NOT_A_NAME.search(m.group("mod"))
        and not any(s < m.end("mod") and m.start() < e for s, e in taken)
    ]


#: An English product name: a word before loan/card/mortgage ("student loan", "debit card")
_EN_PRODUCT = re.compile(r"\b(?P<mod>[a-z][a-z-]{2,}) (?:loans?|cards?|mortgages?)\b")
#: A superlative, comparative, participle or adverb ranks or describes; it names no
#: product ("which region has the highest card activation rate", "approved loans").
_EN_NOT_A_NAME = re.compile(r"(?:est|ed|ly)$|^(?:higher|lower|bigger|smaller|larger|better|worse)$")
#: Words that qualify a category, ask or count rather than name a product.
_EN_GENERIC_MODIFIERS = frozenset(
    [
        "all",
        "any",
        "are",
        "average",
        "bad",
        "bank",
        "best",
        "both",
        "business",
        "consumer",
        "credit",
        "disbursed",
        "each",
        "every",
        "existing",
        "few",
        "fewer",
        "for",
        "had",
        "has",
        "have",
        "how",
        "its",
        "large",
        "many",
        "more",
        "most",
        "much",
        "new",
        "non-performing",
        "nonperforming",
        "old",
        "online",
        "other",
        "our",
        "outstanding",
        "overdue",
        "per",
        "performing",
        "personal",
        "retail",
        "secured",
        "small",
        "some",
        "sme",
        "such",
        "the",
        "their",
        "these",
        "those",
        "top",
        "total",
        "unsecured",
        "was",
        "were",
        "what",
        "which",
        "whose",
        "with",
        "worst",
        "your",
        "active",
        "inactive",
        "issued",
        "approved",
        "rejected",
        "declined",
        "delinquent",
        "defaulted",
        "did",
        "does",
        "and",
        "not",
        "number",
        "share",
        "count",
        "rate",
        "level",
        "home",
        "housing",
        "auto",
        "car",
    ]
)


#: A currency other than the renminbi qualifying a product: the catalog has no currency
#: to filter by, so "外币存款利率" answered with the deposit rate would be the RMB one.
_FOREIGN_CURRENCY = re.compile(
    r"(?:外币|外汇|美元|港币|港元|欧元|日元|英镑)(?:定期)?(?:存款|理财|贷款|账户)|"
    r"\b(?:foreign[- ]currency|(?:US |U\.S\. |Hong Kong |HK )?dollars?|USD|HKD|EUR|euro|JPY|yen|GBP|sterling)"
    r"(?: time| fixed)? (?:deposits?|accounts?|loans?|wealth products?)\b",
    re.IGNORECASE,
)


def foreign_currency_products(text: str) -> list[str]:
    """Products the question qualifies by a foreign currency (外币存款, 美元理财)."""
    return [m.group(0) for m in _FOREIGN_CURRENCY.finditer(text)]


def is_generic_qualifier(words: str) -> bool:
    """Made only of generic qualifiers ("个人住房", "新发放个人"): a category, not a product."""
    ok = [True] + [False] * len(words)
    for end in range(1, len(words) + 1):
        ok[end] = any(ok[start] and words[start:end] in _GENERIC_MODIFIERS for start in range(end))
    return ok[-1]


#: Words before a product that qualify nothing the data could filter by ("我们的闪借").
_NOT_QUALIFIERS = frozenset(
    ["我们", "我行", "本行", "你们", "他们", "咱们", "目前", "现在", "整体", "全部", "所有"]
)
_EN_QUALIFIER = re.compile(
    r"\bfor (?:buying |purchasing |financing |a |an |the )*(?P<noun>[a-z][a-z-]{2,})\b"
)
_EN_NOT_QUALIFIERS = frozenset(
    ["each", "every", "all", "both", "our", "the", "this", "that", "these", "those", "us", "me"]
)


def unfiltered_qualifiers(text: str, mentions: list[Mention]) -> list[str]:
    """Words that narrow a product to something the data cannot filter by: 商铺 in
    "买商铺的房贷利率", "shop" in "the mortgage rate for buying a shop". The figure is the
    whole product's, so the answer must say it is not narrowed by them.

    Chinese: the noun right before a named product (or product kind), with or without 的.
    English: the noun after "for (buying) (a)". Words the catalog knows are mentions, not
    qualifiers; generic ones (个人, 新发放) qualify nothing."""
    taken = [(m.start, m.end) for m in mentions]
    blank = mask(text, taken)
    found: list[str] = []
    for m in mentions:
        if not (m.term.kind == "kind" or m.term.dimension == "product"):
            continue
        before = blank[max(0, m.start - 8) : m.start].rstrip()
        before = before.removesuffix("的").rstrip()
        if not before or not "\u4e00" <= before[-1] <= "\u9fff":
            continue
        words = [(w.word, w.flag) for w in posseg()(before.split()[-1])]
        word, flag = words[-1] if words else ("", "")
        if (
            len(word) >= 2
            and flag.startswith(("n", "vn"))
            and word not in _NOT_QUALIFIERS
            and not is_generic_qualifier(word)
        ):
            found.append(word)
    found += [
        q.group("noun")
        for q in _EN_QUALIFIER.finditer(blank)
        if q.group("noun") not in _EN_NOT_QUALIFIERS
    ]
    return list(dict.fromkeys(found))


#: "新增/净增/new" right before a metric's name: the question asks for a flow.
_ZH_NEW = re.compile(r"(?:新增加?|净增加?|新开户?|新获取?|新进|新拓|新)\s*的?\s*$")
_EN_NEW = re.compile(r"\b(?:net new|newly acquired|newly added|new|additional|incremental)\s+$")


def new_of_stock(catalog: Catalog, text: str, mention: Mention | None, code: str | None) -> str:
    """The question's words when it asks for the *new* part of a stock ("新增客户数",
    "new customers", "净增存款"): the catalog holds the month-end stock (active customers,
    deposit balance), whose name matched, so the figure would be the stock itself — another
    question. Empty when that is not so; a flow with "new" in its own name (新发卡量) is a
    longer match and never gets here."""
    if mention is None or code is None or code not in catalog.metrics:
        return ""
    if not catalog.is_stock(code):
        return ""
    return _named_with_words_before(text, mention, 16, _ZH_NEW, _EN_NEW)


def _named_with_words_before(
    text: str, mention: Mention, reach: int, *patterns: re.Pattern[str]
) -> str:
    """The metric's name as the question writes it with the words right before it that
    one of ``patterns`` (anchored at the name) finds within ``reach`` characters: "新增客户数"
    from 新增 + 客户数. Empty when none does."""
    before = text[max(0, mention.start - reach) : mention.start]
    m = next((found for p in patterns if (found := p.search(before))), None)
    return (before[m.start() :] + text[mention.start : mention.end]).strip() if m else ""


#: "占比", "what share of", "percentage of": a figure as a share of a total.
SHARE_ASK = re.compile(
    r"占比|比重|所占比例|占.{0,12}?(?:的)?(?:比例|百分之几|百分比)|中[\u4e00-\u9fff]{1,8}的?比例|"
    r"\b(?:what share of|share of (?!market)|(?:what )?percentage of|proportion of|"
    r"what percent(?:age)? of|how much of)\b",
    re.IGNORECASE,
)
#: A share of a loan balance that names its part is that part's rate ("逾期余额占比",
#: "what share of FlashLoan balance is overdue"): first match wins, the narrowest first.
_SHARE_RATES = (
    (re.compile(r"不良|\bnpl\b|non-?performing", re.IGNORECASE), "npl_ratio"),
    (re.compile(r"m3|90\s*(?:天|days?|\+)|严重逾期", re.IGNORECASE), "overdue_rate_m3"),
    (re.compile(r"逾期|overdue|past[- ]due|delinquen", re.IGNORECASE), "overdue_rate"),
)
_BALANCES = ("loan_balance", "overdue_balance", "npl_balance")
#: The same for counts whose part a rate measures: the share of applications approved is
#: the approval rate, of cards issued activated the activation rate.
_PART_RATES: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    **dict.fromkeys(_BALANCES, _SHARE_RATES),
    "applications": ((re.compile(r"approv|通过|批准|获批", re.IGNORECASE), "approval_rate"),),
    "cards_issued": ((re.compile(r"activat|激活|开卡", re.IGNORECASE), "activation_rate"),),
}


def share_reading(catalog: Catalog, text: str, code: str | None) -> tuple[str | None, bool]:
    """The metric a share question asks for, and whether to add each figure's share of a
    total: the part's rate for a named part (of a loan balance, applications, cards
    issued); a share of the total for any
    other count or amount; nothing new for a rate (it is a ratio already)."""
    if code is None or not SHARE_ASK.search(text):
        return code, False
    for words, rate in _PART_RATES.get(code, ()):
        if words.search(text) and rate in catalog.metrics:
            return rate, False
    spec = catalog.metrics.get(code)
    return code, bool(spec and spec.unit in ("count", "amount"))


#: "人均/户均/卡均…" right before a metric's name, or "per customer/card" after it.
_ZH_PER_HEAD = re.compile(
    r"(?:人均|户均|卡均|客均|每人平均|每户平均|平均每人|平均每户|平均每张卡)\s*的?\s*$"
)
_EN_PER_HEAD = re.compile(
    r"^\s*(?:per (?:customer|cardholder|card|capita|account|client|head|borrower))\b", re.I
)


def per_head_of_total(
    catalog: Catalog, text: str, mention: Mention | None, code: str | None
) -> str:
    """The question's words when it asks for a total per customer or card ("人均交易金额",
    "spend per cardholder") of a metric the catalog holds only as a total: the figure is the
    total, and the answer must say so. Empty otherwise (an average metric, or no such
    words)."""
    if mention is None or code is None or code not in catalog.metrics:
        return ""
    metric = catalog.metrics[code]
    if metric.unit not in ("count", "amount") or any(
        m.agg == "avg" for m in metric.measures.values()
    ):
        return ""
    words = _named_with_words_before(text, mention, 8, _ZH_PER_HEAD)
    if words:
        return words
    after = _EN_PER_HEAD.match(text[mention.end : mention.end + 24])
    if after:
        return (text[mention.start : mention.end] + after.group(0)).strip()
    return ""
