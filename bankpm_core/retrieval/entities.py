"""Named things in a question — a product, an act, an agency — that the answer must be about.

A question about something the knowledge base never mentions cannot be answered from
it, however close the nearest passage looks: "国家助学贷款的贴息政策" over a bank's
loan manuals, "What does RESPA require" over Regulations B/E/P/V/DD. Retrieval finds
a passage about loans or disclosures and the refusal score, which only sees how well
words overlap, may accept it. So bankpm picks out the *named* things — the ones a
passage cannot paraphrase away — and refuses when one of them occurs nowhere in the
index and is no term of the concept lexicon (which knows, e.g., PBOC = 中国人民银行).

Named things:

* Chinese product names: a noun before a product head (助学+贷款, 大额+存单,
  基金+定投), or one word ending in such a head, whose qualifier is not generic
  (消费贷款, 个人住房贷款 and 新发放贷款 are categories, not products); and a product in
  a foreign currency (美元存款, 港币定期存款, "foreign currency deposits");
* English acronyms (RESPA, TILA, FDIC; not everyday ones like ATM or APR), the
  names of acts and programs ("Community Reinvestment Act") and lettered regulations
  ("Regulation F", "Reg CC");
* a document named in 书名号 (《反洗钱法》): a Chinese question that names its source
  is about that text, and an index without it cannot answer;
* a banking term of art (glossary.yaml: 拨备覆盖率, 理财子公司, "suspicious activity
  report"): a document that answers a question about it has to use one of its names.

Acronyms are matched as written: "CARD Act" is not about a card, nor "SAR" about "sar".
"""

from __future__ import annotations

import re

from bankpm_core.retrieval.glossary import Glossary
from bankpm_core.routing.slots import PRODUCT_HEADS as ROUTER_PRODUCT_HEADS
from bankpm_core.routing.slots import foreign_currency_products, is_generic_qualifier
from bankpm_core.routing.text import posseg

# the router's product heads, and 理财: "养老理财" is a product a document must mention, but
# the router leaves 理财 alone — "理财规模/理财AUM" questions ask for the wealth metrics;
# 钱包 too: a (数字)人民币钱包 is a product, and a bank's card manuals do not describe it
PRODUCT_HEADS = (*ROUTER_PRODUCT_HEADS, "理财", "钱包")
_ANY_HEAD = re.compile("|".join(PRODUCT_HEADS))
_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")
_NAMED_ACT = re.compile(
    r"\b(?:[A-Z][a-z]+ ){1,4}(?:Act|Law|Rule|Program|Programme|Corporation|Fund)\b"
)
_NAMED_REGULATION = re.compile(r"\b(?:Regulation|Reg\.?) [A-Z]{1,2}\b")
_BOOK_TITLE = re.compile(r"《([^《》]{2,40})》")
#: Acronyms any banking text uses in passing; they name no topic of their own.
_EVERYDAY_ACRONYMS = frozenset(
    [
        "US",
        "USA",
        "UK",
        "EU",
        "UN",
        "ATM",
        "APR",
        "APY",
        "PM",
        "ID",
        "OK",
        "FAQ",
        "PIN",
        "SMS",
        "APP",
        "KYC",
        "CEO",
        "CFO",
        "PDF",
        "IT",
        "AI",
        "API",
        "URL",
        "VIP",
        "SME",
        "FX",
        "CNY",
        "RMB",
        "USD",
        "EUR",
        "GDP",
        "NPS",
        "KPI",
        "OKR",
        # roman numerals: "Title III", "Basel III", "Part IV"
        "II",
        "III",
        "IV",
        "VI",
        "VII",
        "VIII",
        "IX",
        "XI",
        "XII",
    ]
)


def named_things(
    question: str, terms_of_art: bool = True, glossary: Glossary | None = None
) -> list[str]:
    """The product names, acronyms, named acts and (unless told not to) terms of art — of
    ``glossary``, else the bundled one — in a question, in order."""
    found: list[tuple[int, int, str]] = [_at(question, n) for n in _chinese_products(question)]
    # 美元存款, 港币定期存款: a product in a currency is another product than the RMB one
    found += [_at(question, n) for n in foreign_currency_products(question)]
    found += [(*m.span(1), m.group(1)) for m in _BOOK_TITLE.finditer(question)]
    found += [(*m.span(), m.group(0)) for m in _NAMED_ACT.finditer(question)]
    # "Reg. CC" is looked up as "Reg CC"
    found += [
        (*m.span(), m.group(0).replace("Reg. ", "Reg "))
        for m in _NAMED_REGULATION.finditer(question)
    ]
    found += [
        (*m.span(), m.group(0))
        for m in _ACRONYM.finditer(question)
        if m.group(0).rstrip("s") not in _EVERYDAY_ACRONYMS
    ]
    if terms_of_art:  # not again inside a name found above (国家助学贷款: 助学贷款)
        taken = [(start, end) for start, end, _ in found]
        terms = (glossary or Glossary.bundled()).terms(question, taken=taken)
        found += [_at(question, t) for t in terms]
    found.sort(key=lambda f: f[0])
    return list(dict.fromkeys(name for _, _, name in found))


def _at(question: str, name: str) -> tuple[int, int, str]:
    """Where ``name`` (as the question writes it) first occurs, and the name."""
    start = question.find(name)
    return start, start + len(name), name


def _chinese_products(question: str) -> list[str]:
    if not _ANY_HEAD.search(question):
        return []
    tokens = [(w.word, w.flag) for w in posseg()(question)]
    out = []
    for i, (word, _flag) in enumerate(tokens):
        head = next((h for h in PRODUCT_HEADS if word.endswith(h)), None)
        if head is None:
            continue
        if word != head:  # one word: 助学贷款
            qualifier, name = word[: -len(head)], word
        elif i > 0 and tokens[i - 1][1].startswith("n"):  # noun + head: 大额 存单
            qualifier, name = tokens[i - 1][0], tokens[i - 1][0] + word
        else:
            continue
        if len(qualifier) >= 2 and not is_generic_qualifier(qualifier):
            out.append(name)
    return out
