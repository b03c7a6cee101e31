"""A question about something the knowledge base never mentions is refused, and says what."""

from __future__ import annotations

import pytest
from kb_corpus import IngestDocs

from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.entities import named_things
from bankpm_core.retrieval.glossary import Glossary

#: US text about deposit insurance: it answers 存款保险 only where the question is about the US
US_DEPOSIT_RULES = (
    "---\ntitle: US deposit rules\nkind: regulation\nlanguage: en\n---\n\n"
    "§ 1 Deposit insurance. Accounts are covered by deposit insurance up to the limit.\n"
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("国家助学贷款的财政贴息政策是怎样的？", ["助学贷款"]),
        ("大额存单的起存金额和利率是多少？", ["大额存单"]),
        ("基金定投的申购费率是多少？", ["基金定投"]),
        ("What escrow analysis does RESPA require for mortgages?", ["escrow", "RESPA"]),
        (
            "How is a bank's Community Reinvestment Act rating determined?",
            ["Community Reinvestment Act"],
        ),
        ("How often may a collector call under Regulation F?", ["Regulation F"]),
        ("Under Reg. CC, when must deposits be available?", ["Reg CC", "CC"]),
        ("根据《反洗钱法》，可疑交易报告要几天内提交？", ["反洗钱法", "可疑交易报告"]),
        ("数字人民币钱包怎么开通？", ["人民币钱包"]),
        ("港币定期存款余额是多少", ["港币定期存款"]),
        ("美元存款可以提前支取吗？", ["美元存款"]),
        ("Can USD time deposits be withdrawn early?", ["USD time deposits"]),
    ],
)
def test_named_things_are_products_acronyms_and_acts(question: str, expected: list[str]) -> None:
    assert named_things(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "消费贷款上个月的逾期率是多少？",  # a category, not a product
        "个人住房贷款的余额是多少？",
        "新发放贷款的平均利率",
        "How much can I withdraw at an ATM per day, and what APR applies?",
        "催收电话每天最多可以打几次？",
        # a PM's everyday word: the documents discuss metrics without writing "KPI"
        "What KPIs should a new loan product track?",
    ],
)
def test_categories_and_everyday_acronyms_are_not_named_things(question: str) -> None:
    assert named_things(question) == []


def test_question_about_an_unknown_product_is_refused_naming_it(real_kb: KnowledgeBase) -> None:
    answer = real_kb.answer("青春信用卡和助学贷款可以一起办吗？", "zh")
    assert answer.grounded is False
    assert answer.result["not_in_knowledge_base"] == ["助学贷款"]
    assert "没有提到：助学贷款" in answer.text
    # a wallet is a product too: the card manuals' repayment channels are no answer
    wallet = real_kb.answer("数字人民币钱包怎么开通", "zh")
    assert wallet.grounded is False
    assert wallet.result["not_in_knowledge_base"] == ["人民币钱包"]
    english = real_kb.answer("Does RESPA limit how long customer records are kept?", "en")
    assert english.grounded is False
    assert "never mention: RESPA" in english.text


def test_named_things_the_documents_mention_are_answered(real_kb: KnowledgeBase) -> None:
    assert real_kb.searcher.absent_names("青春信用卡的年费怎么收？") == []
    answer = real_kb.answer("青春信用卡的年费怎么收？", "zh")
    assert answer.grounded is True
    assert answer.result.get("not_in_knowledge_base") is None


def test_another_name_counts_only_in_the_languages_the_question_is_about(
    fake_kb: KnowledgeBase, ingest_docs: IngestDocs
) -> None:
    """A lexicon synonym stands for a name the documents do not use — in the question's
    language or the jurisdiction it names, not in another country's rules."""
    ingest_docs(
        {
            "collection.md": (
                "---\ntitle: 催收规定\nkind: regulation\n---\n\n"
                "第一条 催收电话每日不超过三次，本办法依据中国人民银行的有关规定制定。\n"
            ),
            "us_rules.md": US_DEPOSIT_RULES,
        }
    )
    absent = fake_kb.searcher.absent_names
    # PBOC names China, and the Chinese text speaks of 中国人民银行: the same institution
    assert absent("Does the PBOC cap collection calls?") == []
    # Chinese law about 存款保险 is not answered by US text about "deposit insurance"…
    assert absent("存款保险最多能赔付储户多少钱？") == ["存款保险"]
    # …unless the question asks about the US
    assert absent("美国的存款保险最多能赔付储户多少钱？") == []


def test_named_documents_and_regulations_are_looked_up_as_whole_words(
    real_kb: KnowledgeBase,
) -> None:
    absent = real_kb.searcher.absent_names
    assert absent("《示例银行催收行为管理办法》第四条是怎么规定的？") == []  # the title is indexed
    assert absent("《反洗钱法》对催收有什么要求？") == ["反洗钱法"]
    assert absent("Under Regulation F, may collectors call colleagues?") == ["Regulation F"]


def test_a_latin_name_is_mentioned_only_as_a_whole_word() -> None:
    _mentioned = Glossary.bundled().used

    corpus = "this regulation for banks; see regulation b. the fdic insures deposits."
    assert not _mentioned(corpus, "regulation f")  # only "regulation for"
    assert _mentioned(corpus, "regulation b") and _mentioned(corpus, "fdic")
    assert _mentioned("员工个人信息另行规定", "个人信息")


def test_whole_word_edges_only_where_the_name_ends_in_a_letter_or_digit() -> None:
    from bankpm_core.retrieval.text import whole_word

    assert whole_word("SAR").search("file a SAR.") and not whole_word("SAR").search("disbursar")
    assert not whole_word("SAR").search("sar")  # an acronym as written
    assert whole_word("sar", ignore_case=True).search("File a SAR")
    assert whole_word("Reg.").search("see Reg.B")  # "." ends the name: no edge needed


def test_a_multi_word_lexicon_term_matches_in_either_order_across_small_words() -> None:
    from bankpm_core.retrieval.lexicon import Lexicon
    from bankpm_core.retrieval.text import TextAnalyzer

    lexicon, analyzer = Lexicon.load(), TextAnalyzer()

    def ids(q: str) -> list[str]:
        return lexicon.expand(q, analyzer).describe()

    assert "home_visit" in ids("Can collectors visit a debtor's home?")  # "visit the debtor"
    assert "reward_points" in ids("How many points do I earn per yuan?")  # "earn points"
    assert "ab_test" in ids("How do we run an A/B test?")  # "AB test"
    # small words do not count as words between: "repay … early" is two words apart here
    assert "early_repayment" in ids("Can I repay the auto loan early without a fee?")
    # in the other order the words must be neighbours: a noun compound is not split
    assert "competitor_benchmarking" not in ids(
        "Can we share customer data with a marketing partner?"
    )
    # …and not words scattered across the question
    assert "home_visit" not in ids("Our home loan office is downtown; may customers visit?")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("商业银行的拨备覆盖率监管底线是多少？", ["拨备覆盖率"]),
        # the longest term, not also the one inside it
        ("核心一级资本充足率最低要多少？", ["核心一级资本充足率"]),
        ("When must a bank file a suspicious activity report?", ["suspicious activity report"]),
        # a term is reported as the question wrote it, and "Basel III" is no acronym "III"
        (
            "What Liquidity Coverage Ratio applies under Basel III?",
            ["Liquidity Coverage Ratio", "Basel III"],
        ),
        # an acronym is matched as written: the CARD Act is no card
        ("What late fee may a card issuer charge under the CARD Act?", ["CARD"]),
    ],
)
def test_terms_of_art_are_named_things(question: str, expected: list[str]) -> None:
    assert named_things(question) == expected


def test_a_term_of_art_the_documents_never_use_is_refused(
    fake_kb: KnowledgeBase, ingest_docs: IngestDocs
) -> None:
    """A question about a banking term of art needs a document that names it — by any of
    its names (glossary.yaml) — however close the nearest passage sounds."""
    ingest_docs(
        {
            "capital.md": (
                "---\ntitle: 资本管理办法\nkind: regulation\n---\n\n"
                "第一条 商业银行资本充足率不得低于百分之八，监管部门按季度监测。\n\n"
                "第二条 商业银行应当按照规定报告大额交易。\n"
            ),
            "cards.md": (
                "---\ntitle: Card rules\nkind: regulation\nlanguage: en\n---\n\n"
                "§ 1 Fees. A card issuer discloses every fee; the annual card fee is stated in the agreement.\n\n"
                "§ 2 Form. Print: ALL QUESTIONS ABOUT YOUR (NAME OF CARD) CARD MUST BE DIRECTED TO US. "
                "Balances are insured by the FDIC.\n"
            ),
        }
    )
    absent = fake_kb.searcher.absent_names
    assert absent("商业银行的拨备覆盖率监管底线是多少？") == ["拨备覆盖率"]
    assert absent("商业银行的资本充足率最低是多少？") == []
    # another name of the term counts: 大额交易报告 is the statute's 大额交易
    assert absent("大额交易报告要报给谁？") == []
    # "card" is everywhere in the text, the CARD Act nowhere
    assert absent("What late fee may an issuer charge under the CARD Act?") == ["CARD"]
    # nor does a line set in capitals in a model form mention it; running text does
    assert absent("Does the FDIC insure card balances?") == []
    # "may a bank trade futures?" is answered by what a bank may do, which need not name them
    assert absent("商业银行可以做期货吗？") == []
    # …but "may a loan be transferred?" is about the loan: its manual would have to say so
    assert absent("房贷可以转按揭吗？") == ["转按揭"]
    assert absent("期货保证金比例是多少？") == ["期货"]
    answer = fake_kb.answer("商业银行的拨备覆盖率监管底线是多少？", "zh")
    assert answer.grounded is False
    assert answer.result["not_in_knowledge_base"] == ["拨备覆盖率"]


def test_the_banks_own_documents_name_a_term_in_either_language(
    fake_kb: KnowledgeBase, ingest_docs: IngestDocs
) -> None:
    """The bank's own manual binds whatever language it is asked in: an English question
    about a down payment is answered from the Chinese manual's 首付, while external law in
    one language does not answer a question about another jurisdiction's."""
    ingest_docs(
        {
            "auto.md": (
                "---\ntitle: 示例银行汽车贷款产品手册\nkind: product\nowner: 零售信贷部\n---\n\n"
                "## 申请条件\n\n新能源车首付最低 15%。\n"
            ),
            "law.md": US_DEPOSIT_RULES,
        }
    )
    absent = fake_kb.searcher.absent_names
    assert absent("What is the minimum down payment for an electric car?") == []
    assert absent("存款保险最多赔付多少？") == ["存款保险"]


def test_a_term_of_art_is_answered_only_from_a_passage_that_uses_it(
    fake_kb: KnowledgeBase, ingest_docs: IngestDocs
) -> None:
    """The documents mention 理财子公司 only where they list who they apply to; the
    registered-capital rule is about commercial banks. The capital rule matches the
    question best but is no answer about a wealth-management subsidiary."""
    ingest_docs(
        {
            "rules.md": (
                "---\ntitle: 机构管理办法\nkind: regulation\n---\n\n"
                "第一条 设立商业银行的注册资本最低限额为十亿元人民币，注册资本应当是实缴资本。\n\n"
                "第二条 本办法适用于商业银行、理财子公司和信托公司的消费者权益保护工作。\n"
            ),
        }
    )
    question = "理财子公司的最低注册资本是多少？"
    assert fake_kb.search(question, k=1)[0].section == "第一条"  # the premise
    assert fake_kb.searcher.absent_names(question) == []  # the term is mentioned
    fake_kb.threshold = 0.0  # whatever the score: which passages may answer at all
    grounding = fake_kb.ground(question)
    assert grounding.grounded is True
    assert [p.section for p in grounding.passages] == ["第二条"]
    # the one passage left is no unrivalled answer: its lead is measured over 第一条 too
    from bankpm_core.retrieval.confidence import confidence, feature_vector

    found = fake_kb.search(question, k=8)
    left = next(p for p in found if p.section == "第二条")
    score = fake_kb.answerability(question, found)[0]
    assert feature_vector([left])["margin"] > 0
    assert score == pytest.approx(confidence([left, found[0]]))
    assert score < confidence([left])


def test_a_term_listed_among_others_is_no_passage_about_it(
    fake_kb: KnowledgeBase, ingest_docs: IngestDocs
) -> None:
    """ "理财子公司、金融资产管理公司、信托公司参照本办法执行" is about what the listed
    institutions share: no answer to a question about 理财子公司's capital."""
    from bankpm_core.knowledge_qa import _listed

    ingest_docs(
        {
            "rules.md": (
                "---\ntitle: 机构管理办法\nkind: regulation\n---\n\n"
                "第一条 设立商业银行的注册资本最低限额为十亿元人民币，注册资本应当是实缴资本。\n\n"
                "第二条 商业银行理财子公司、金融资产管理公司、信托公司参照本办法执行。\n"
            ),
        }
    )
    fake_kb.threshold = 0.0  # whatever the score: no passage may answer
    grounding = fake_kb.ground("理财子公司的最低注册资本是多少？")
    assert grounding.grounded is False
    assert grounding.confidence == 0.0
    text = "第二条 商业银行理财子公司、金融资产管理公司、信托公司参照本办法执行。"
    assert _listed(text, text.find("理财子公司"), text.find("理财子公司") + 5)
    prose = "理财子公司的注册资本不得低于十亿元，金融资产管理公司另行规定。"
    assert not _listed(prose, 0, 5)
