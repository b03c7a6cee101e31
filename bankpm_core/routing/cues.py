"""Cue words: what kind of answer the question asks for, beyond the names it contains.

Each capability other than metric queries is recognised by words, not names:
knowledge by 规定/政策/年费/如何/"what is the policy", pricing by 定价/建议利率/
"suggest a rate", complaint themes by 投诉…问题/"complaining about", help by
greetings and "what can you do". Each family adds a weight to its intent's score;
the router compares the scores with the metric reading. Regexes are compiled once
at import (cheap, no I/O) so a route costs microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bankpm_core.routing.text import NUM, to_int

_L = r"(?<![a-z0-9])"
_R = r"(?![a-z0-9])"


#: "数据" as something to look at (看数据), not the customers' data (客户数据, 数据泄露):
#: a request for numbers, or for a status
_DATA = r"(?<!客户)(?<!个人)(?<!用户)数据(?!安全|泄露)"
_DATA_EN = r"(?<!their )(?<!customer )(?<!personal )(?<!my )(?<!his )(?<!her )data"
#: "what / which channels can customers use…": the channels as a means, not a split
_CHANNELS_EN = r"(?:what|which) channels? (?:can|do|should|may)"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# --- knowledge -------------------------------------------------------------------------

KNOWLEDGE_KINDS: dict[str, re.Pattern[str]] = {
    "regulation": _rx(
        r"规定|监管|法规|合规|条例|管理办法|办法|指引|银保监|金融监管|人民银行|央行|人行|"
        r"反洗钱|催收|个人信息|隐私|消费者权益|消保|适当性|双录|违规|处罚|红线|禁止|不得|"
        r"泄露|数据安全|安全事件|"
        r"允许|限制|上限|资本充足|风险揭示|信息披露|"
        rf"{_L}(?:regulat\w*|complian\w*|laws?|legal|legally|rules?|allowed|permitted|"
        r"prohibit\w*|aml|kyc|collections?|collectors?|debt collection|privacy|"
        r"consumer protection|disclosures?|cbirc|pboc|nfra|cap on|caps?)"
        rf"{_R}"
    ),
    "product": _rx(
        r"年费|费用|手续费|违约金|滞纳金|免息|额度|提前还款|还款方式|申请条件|准入|资格|门槛|收费|"
        r"权益|积分|条款|合同|产品说明|产品介绍|介绍一下|特点|卖点|起购|赎回|起存|能贷多少|"
        r"最高能贷|能借多少|怎么申请|如何申请|怎么办理|如何办理|办理|期限多长|贷款期限|"
        r"最长期限|还款|分期|提前支取|保本|风险等级|干什么|做什么的|适合|适用|面向|卖给谁|"
        r"目标客群|目标客户|客群定位|"
        rf"{_L}(?:fees?|annual fee|charges?|eligib\w*|terms|features|benefits|rewards?|"
        r"points|prepay\w*|early repayment|repay\w*|credit limit|limits?|tenor|maximum term|"
        r"rate range|range of (?:interest )?rates|rate band|"
        r"minimum (?:deposit|investment|amount)|redeem\w*|redemption|interest[- ]free|"
        r"grace period|how (?:do|can) (?:i|we|customers) apply|apply for|installments?|"
        rf"early withdrawal|risk level|documents?|required documents|suitable|offer|offers|"
        rf"designed for|target customers|who can|max(?:imum)? (?:loan )?amount|loan limit|"
        rf"how much can (?:i|a customer|customers|we) borrow){_R}"
    ),
    "methodology": _rx(
        r"方法论?|访谈|调研|焦点小组|问卷|用户研究|用户画像|画像|a/b|ab测试|实验设计|框架|"
        r"怎么做|如何做|需求分析|竞品分析|swot|kano|用户旅程|旅程地图|优先级|路线图|"
        r"需求文档|prd|埋点|漏斗|怎么写|如何写|怎么设计|如何设计|怎么评估|如何评估|怎么制定|如何制定|"
        r"生命周期|产品定位|目标市场|市场细分|商业模式|客户旅程|用户体验|可用性测试|"
        r"检查清单|后评价|复盘|准入委员会|退出评估|产品下线|下线|停售|退出市场|"
        r"(?:写|准备|输出)(?:哪些|什么)(?:文档|材料|报告)|指标异动|异动|"
        r"(?:怎么|如何|怎样)(?:给.{0,8})?定价|定价(?:方法|策略|思路)|账龄分析|同期群|"
        # working with other departments: 和风控意见不一致, 跨部门协作, 对齐
        r"意见不一致|意见分歧|有分歧|冲突|跨部门|协作|协同|对齐|拉通|"
        rf"{_L}(?:methodolog\w*|method|interviews?|interviewing|focus groups?|surveys?|"
        r"user research|personas?|a/b tests?|ab tests?|experiments?|framework|journey maps?|"
        r"competitive analysis|prioriti[sz]\w*|roadmaps?|funnel|checklists?|go-live|"
        r"post-launch|launch review|sunset|sunsetting|discontinu\w*|stakeholders?|positioning|"
        r"disagree\w*|cross-functional|cross-department\w*|alignment|approval committee|"
        r"product review|after launch|self-checks?|"
        r"segmentation|segment (?:our |the )?(?:customers|clients|market)|vintage|cohort|"
        r"structure effect|mix effect|rate effect|结构效应|比率效应|decision report|"
        r"how (?:should|do|can) (?:we|i) price|pricing (?:method\w*|strateg\w*|approach)|"
        rf"how to (?:run|do|conduct|design|write|build|measure)){_R}"
    ),
}
#: Asking what a term covers: the definition, not the data ("what counts as a major complaint").
DEFINES = _rx(
    rf"(?:怎么|如何|怎样)(?:界定|认定)|界定标准|认定标准|算不算|才算|"
    rf"{_L}(?:what counts as|what qualifies as|what is considered|how is .{{1,30}} defined){_R}"
)
DEFINITION = _rx(
    r"口径|定义|怎么算|如何算|如何计算|怎么计算|怎样计算|计算公式|公式|什么意思|含义|指的是|"
    r"(?:怎么|如何|怎样)(?:界定|认定)|界定标准|认定标准|what counts as|what qualifies as|"
    r"counted by|(?:receipt|resolution|booking) date|按什么(?:日期|时间)统计|"
    r"统计规则|统计口径|有什么区别|什么区别|的区别|有何区别|区别是什么|差别|什么是|"
    r"是什么[?？!！。\s]*$|"
    rf"{_L}(?:definition|defined|define|formula|meaning of|difference between|calculat\w*|"
    rf"computed?){_R}|"
    r"how (?:is|are|do you|do we) .{1,40}?(?:calculated|computed|measured|defined|calculate|"
    r"compute|measure)|what does .{1,40}? mean"
)
BARE_DEFINITION = _rx(
    r"^\s*(?:what(?:'s| is| are)|define|explain) (?!the |our |a |an |this |that |my )"
    r"[a-z0-9+ /-]{2,40}[?？]*\s*$"
)
"""'What is overdue rate?' asks for a definition; 'what is the overdue rate' for a value."""
KNOWLEDGE_GENERAL = _rx(
    r"政策|制度|规则|流程|要求|标准|注意事项|须知|"
    rf"{_L}(?:policy|policies|process|procedures?|guidelines?|requirements?|"
    rf"how do i|how do we|how can i|how can we|how should we|what should we){_R}"
)
YES_NO = _rx(
    r"(?:可以|能否|是否|能不能|可不可以|允许|必须|要不要|能)[^。？?]{0,20}吗|"
    r"^\s*(?:can|could|may|must|is it|is there|are we|are customers|do we|does|should) "
)
"""A yes/no question about what is allowed or possible: a knowledge question."""
#: "白金卡境外消费有返现吗 / 贷款逾期会影响征信吗 / does the card have …?": whether a
#: product has a feature or a rule has a consequence — the documents say, not a number
#: (a number asked for, a time or a trend makes it a data question again: see the router).
FEATURE = _rx(
    r"有(?!多少)[^。？?，,]{0,12}吗|有没有|会不会|会[^。？?，,]{0,12}吗|是否(?:会|有|支持|包含)|"
    r"需要[^。？?，,]{0,10}吗|是[^。？?，,]{1,8}还是[^。？?，,]{1,8}|会怎么样|会怎样|什么后果|"
    r"要不要|需不需要|用不用|(?<![需只])要[^。？?，,]{1,10}吗|"
    r"支持[^。？?，,]{0,10}吗|"
    rf"{_L}(?:does (?:the|a|an|our|this) .{{0,40}}(?:have|include|offer|support|come with|affect)|"
    rf"is there (?:a|an|any)|will (?:it|this|a|an|late|missed) .{{0,40}}(?:affect|hurt|show)|"
    rf"what happens (?:if|when|after)|"
    rf"(?:is|are) (?:the|this|it|a|an|our) .{{0,40}}(?:guaranteed|insured|covered|protected|"
    rf"refundable|secured|transferable)){_R}"
)
#: "may we / can a bank / 我们能…吗": asking what is permitted — a rule, even when the
#: question names something the data also counts ("Can we call a customer's emergency
#: contact?" is not a question about active customers).
PERMISSION = _rx(
    r"我们(?:能|可以)|(?:可以|是否可以|允许|能)[^。？?]{0,20}吗|能不能|可不可以|能否|可否|"
    rf"{_L}(?:can we|may we|can i|may i|could we|are we allowed|is it (?:ok|okay|allowed|legal|"
    r"permitted)|can (?:a|the) (?:bank|lender|creditor|collector|card issuer)s?|can banks|"
    rf"can lenders|can collectors|"
    rf"can (?:a|the|our) (?:customer|client|borrower|cardholder|debtor|consumer|user)s?|"
    rf"can (?:customers|clients|borrowers|cardholders|users)){_R}"
)
KNOWLEDGE_WEAK = _rx(
    r"吗|能否|是否|可以|能不能|可不可以|怎么(?!样)|(?<![表现情况效果])如何(?![了呀])|什么|哪些|"
    r"是什么|为什么|要不要|需要|应该|哪里|在哪|去哪|"
    rf"{_L}(?:what is|what are|what's|how do|how can|how should|can i|can we|can a|"
    rf"can the|should|is it|are we|do we|does|why|who|where){_R}|"
    # "Is FlashLoan an internet loan?": a yes/no question, as 吗 is ("闪借是互联网贷款吗")
    r"^\s*(?:is|are)\s"
)

#: A data question that also asks how to analyse it ("逾期率环比上升，怎么判断是哪个渠道出了
#: 问题"): the numbers answer it, and the methodology notes say how to read them. Without
#: a metric in it, such a question is a rule question (RULE_QUESTION has the same cues).
_HOW_TO_ANALYSE = r"(?:怎么|如何)(?:判断|分析|排查|定位|拆解)"
METHOD_QUESTION = _rx(
    rf"{_HOW_TO_ANALYSE}|"
    rf"{_L}(?:how do (?:i|we) tell|how (?:do|should|can) (?:i|we) (?:analy[sz]e|find out|diagnose)){_R}"
)

#: "通过哪些渠道 / what channels can …": the channels as a means (a policy lists them),
#: not a split of the numbers by channel.
MEANS_QUESTION = _rx(
    r"(?:通过|有|用)哪些(?:渠道|途径|方式)|(?:渠道|途径)有哪些|"
    rf"{_L}{_CHANNELS_EN}{_R}"
)

RULE_QUESTION = _rx(
    r"多长时间内|多久内|多少天内|几天内|几个工作日|时限|要在.{0,12}内|多久(?:之内)?(?:不能|不得)|"
    r"(?:多久|多长时间)(?:之内|以内)?(?:要|必须|须|应当|得)|"
    r"提前多久|保存多久|保存期限|留存多久|有效期|由谁审批|谁审批|谁来审批|审批权限|谁负责|"
    r"(?:由|要|需要|找)?谁(?:来)?(?:批准|审核|签批|审定)|"
    # who may apply (eligibility), and when a consequence follows (多久会处置)
    r"(?:哪些人|什么人|谁)(?:不能|不可以|可以|能)(?:申请|办理|购买|买|贷)|不能申请|"
    r"多久(?:会|就会|后会|以后会)|"
    # how soon something takes effect or is done: 撤回授权后多久生效, 赎回多久到账
    r"多久(?:之后|以后|后)?(?:才)?(?:能)?(?:生效|到账|完成|办结|失效|过期|清零|恢复|解除)|"
    # levels of approval, limits on contact, how often something is due, what to do when…
    r"几级(?:审批|审查|审核)|审批层级|最多(?:能|可以)?(?:打|发|拨打|联系|上门)几次|"
    r"多久(?:要|需要|得)?[\u4e00-\u9fff]{0,6}一次|多长时间[\u4e00-\u9fff]{0,6}一次|频率|频次|"
    r"怎么办|怎么处理|如何处理|"
    # a process: which approvals, steps or papers ("新产品上线前要经过哪些审批")
    r"(?:要|需要|须|必须|得)经过(?:哪些|什么)|哪些(?:审批|流程|环节|步骤|手续)|(?:什么|哪些)手续|"
    r"流程是(?:什么|怎样)|"
    # where and how to complain or apply: the channels a policy lists, not counts by channel
    r"(?:通过|有)哪些(?:渠道|途径|方式)|(?:渠道|途径)有哪些|(?:怎么|如何|去哪里?|找谁)(?:投诉|申诉)|"
    r"最低(?:要)?多少|最高(?:能|可以)?(?:贷|借|批)|(?:最多|最高)(?:能|可以)?(?:取|转|存|透支)多少|至少需要|至少要|上限是|下限是|利率范围|利率区间|"
    # how a rate or fee must be shown: 年化利率怎么展示, 费率如何披露
    r"(?:怎么|如何|怎样)(?:展示|披露|标注|标示|公示)|展示方式|披露方式|"
    # a discount or a penalty a manual sets: 首贷户利率能优惠多少, 罚息怎么算
    r"(?:能|可以)?优惠多少|优惠幅度|下浮多少|罚息(?:是|要|收)?(?:多少|怎么算|怎么收|如何计算)|"
    # a product's longest term: 房贷最长贷多少年, 最多能分几期
    r"最长(?:能|可以)?(?:贷|借|分|还)|(?:能|可以)(?:贷|借)(?:多少|几)年|最多(?:能|可以)?分(?:多少|几)期|"
    r"年化利率(?:是)?多少|[一二三五\d]\s*年期|\d+\s*期的|首付|脱敏|掩码|退订|抽查|受理|办结|"
    rf"{_HOW_TO_ANALYSE}|有.{{0,4}}优惠吗|才算|算不算|"
    # a fee's amount is a fact of the product manual ("货币转换费是多少"); fee *income* is not
    r"费率?(?:是|要|收)?(?:多少|几)|"
    # compensation and liability: who pays, how much is paid out — a rule, never a metric
    r"赔(?:付|偿)?多少|最多(?:能|可以)?(?:赔|退)|获赔|谁(?:来)?(?:赔|承担)|"
    rf"{_L}(?:must|may we|are we allowed|allowed to|required to|how quickly|how soon|"
    r"within how many|who approves|approval authority|deadline|retention|retain|keep .{1,30} for|"
    r"who (?:can|may|is eligible to) apply|who is eligible|what does .{1,40} trigger|触发|"
    r"how many .{1,40} (?:are |is )?(?:needed|required)|"
    r"how long (?:are|is|do|should|must) .{1,40}(?:kept|stored|retained|held|saved)|"
    r"what(?:'s| is) the (?:minimum|maximum|min|max) (?:[a-z]+ ){0,3}(?:age|income|term|tenor|"
    r"amount|deposit|investment|down payment|limit|purchase|subscription|holding|balance)|"
    r"how often (?:must|should|do) we|"
    # a requirement asked yes/no: "Do we need customer consent before sharing data?"
    r"(?:do|does) (?:we|i|the bank|a bank|banks|our bank) (?:need|have to)|"
    r"how (?:is|are) (?:the |a |an )?.{1,30} (?:disbursed|repaid|approved|charged|collected)|"
    r"(?:interest )?rate range|range of (?:interest )?rates|"
    r"what (?:approvals?|steps) (?:are|is|does|do)|which approvals?|"
    rf"{_CHANNELS_EN}|(?:how|where) (?:can|do|should|may) .{{1,30}}complain|"
    r"how (?:must|should|do) (?:we|i|banks?) (?:show|display|disclose|present)|"
    r"(?:what|how much) (?:is|are) (?:the )?.{0,20}(?:penalty interest|default interest|"
    r"penalty rate|late (?:payment )?fees?)|"
    r"down payment|how do (?:i|we) tell|how (?:do|should) (?:i|we) (?:analy[sz]e|find out|diagnose)|"
    r"who (?:pays|bears|is liable)|how much .{0,30}(?:reimburse|compensat|cover(?:ed)?\b)|"
    r"how much is the .{0,30}fee\b|what (?:is the )?.{0,30}fee (?:is|for|on|when)\b)"
    rf"{_R}"
)
"""Deadlines, limits, obligations, approvals: what a policy or manual answers, not a number."""

#: "稳盈理财的业绩比较基准是多少", "托管银行是哪家", "取现每天最多能取多少": an attribute of a
#: product or of the bank, asked by name. When the name is no metric of the catalog, the
#: documents may state it (or say plainly they do not) — better than offering metrics.
ATTRIBUTE = _rx(
    r"的[\u4e00-\u9fff]{2,10}(?:是|有|为)?(?:多少|几|哪家|哪个|哪些|什么)|"
    r"^\s*[\u4e00-\u9fff]{3,10}(?:是|为)多少|"
    r"(?:最多|最高|最低|最少)(?:能|可以)?[\u4e00-\u9fff]{0,2}多少|是哪家|"
    # "What is the cooling-off period for Steady?": a product's attribute, in English
    r"^\s*what(?:'s| is| are) the [a-z][a-z -]{2,40} (?:of|for|on) "
)

# --- pricing ---------------------------------------------------------------------------

PRICING_STRONG = _rx(
    r"建议定价|定价建议|给(?:个|出)?(?:一个)?定价|怎么定价|如何定价|定价多少|定价方案|定价测算|"
    r"利率(?:应该|该|要)?定(?:在)?多少|利率定多少|定(?:个|多少)利率|定多少|建议(?:的)?(?:执行)?利率|"
    r"利率建议|报个?价|测算.{0,6}定价|风险定价|给.{0,12}定个?价|建议.{0,12}(?:利率|定价|价格)|"
    r"(?:利率|价格|定价).{0,6}(?:多少合适|多少比较好|多少比较合适|怎么定|如何定|定多少)|"
    rf"{_L}(?:raroc|suggest(?:ed)? (?:a |an |the )?(?:rate|price|pricing)|"
    r"recommend(?:ed)? (?:a |an |the )?(?:rate|price|pricing)|"
    r"pricing (?:suggestion|recommendation|advice|proposal)|what rate should|"
    r"which rate should|how should (?:we|i) price|price (?:the|a|this|our)|"
    rf"quote (?:a|the)|rate to offer|rate should (?:we|i) (?:charge|offer|set)|"
    rf"(?:price|rate) should (?:we|i) (?:set|charge|offer|use)|set (?:the|a) (?:price|rate) for|"
    rf"(?:suggest|recommend|propose)\w* .{{0,40}}(?:rate|price|pricing)){_R}"
)
#: "What should we charge young professionals for FlashLoan?": a price to set — when a
#: product or segment is named (the parser checks); "What should we charge for a collection
#: visit?" names nothing to price and stays a question for the rules.
CHARGE_ASK = _rx(
    rf"{_L}(?:what|how much)(?: (?:rate|interest rate|interest|apr))? (?:should|would|could) "
    rf"(?:we|i) charge{_R}|(?:应该|应|该)收(?:多少|几个点)(?:的)?(?:利息|利率)"
)
#: "怎么给新产品定价 / how should we price a new product": asking for the method. With
#: nothing named to price (no product, segment or channel) the methodology answers it;
#: with one named, the pricing model does.
HOW_TO = _rx(rf"怎么|如何|怎样|{_L}(?:how (?:do|should|can|would) (?:we|i|you|banks?)|how to){_R}")
PRICING_WEAK = _rx(rf"定价|{_L}(?:pricing|priced?){_R}")
PRICING_STRONG_SCORE = 4.5
PRICING_WEAK_SCORE = 2.5  # ties with one knowledge cue go to knowledge ("定价方法论")

OVERRIDE_KEYS: dict[str, str] = {
    "roe": r"(?:目标\s*)?(?:roe|资本回报率|净资产收益率|股本回报率|return on equity)(?:\s*目标)?",
    "ftp": r"ftp|资金成本|内部资金转移价格|资金转移定价|funding cost|cost of funds?",
    "margin": r"(?:目标\s*)?(?:利差|margin|加点|spread)",
    "opex": r"opex|运营成本|营运成本|经营成本|operating cost|cost ratio|成本率|费用率",
    "capital_ratio": r"capital ratio|资本占用|资本比例|资本系数|capital charge|capital requirement",
}
_VALUE = r"(?<![\d.])([-−]?\d{1,6}(?:\.\d{1,6})?)\s*(%|个百分点|个基点|个点|bps|bp|基点)?"
_OVERRIDES = tuple(
    (
        key,
        re.compile(
            rf"(?:{pattern})\s*(?:[:=]|为|是|取|按|设为|设定为|定为|到|of|at|is|to|=|"
            rf"(?:提高|上调|下调|降低|调整|调|降|升|增加|减少|raised|cut|changed)\s*(?:到|至|为|to))?"
            rf"\s*{_VALUE}"
        ),
        re.compile(rf"{_VALUE}\s*(?:的)?\s*(?:{pattern})"),
    )
    for key, pattern in OVERRIDE_KEYS.items()
)

_UP = r"上调|上升|提高|增加|上浮|调高|抬高|加|涨|升|goes up|rises?|increases?|is raised|up"
_DOWN = r"下调|下降|降低|减少|下浮|调低|减|降|goes down|falls?|decreases?|is cut|down"
#: "资金成本上调50个基点", "FTP up 50bp", "ROE 提高2个点": a change to the assumption, not its
#: new value ("提高到 3%" sets it: 到/至/to make it absolute, read by _OVERRIDES).
_SHIFTS = tuple(
    (
        key,
        re.compile(
            rf"(?:{pattern})\s*(?:再|要|将)?\s*(?:(?P<up>{_UP})|(?P<down>{_DOWN}))\s*(?:了|by)?\s*"
            rf"(?!到|至|to\b){_VALUE}"
        ),
    )
    for key, pattern in OVERRIDE_KEYS.items()
)

# --- complaint themes --------------------------------------------------------------------

COMPLAINT_THEME = _rx(
    r"(?:投诉|客诉)[^。？?!]{0,10}?(?:问题|原因|主题|热点|焦点|类型|分类|集中在|集中于|反映|"
    r"哪些方面|哪方面|痛点|槽点|诉求)|(?:投诉|客诉)(?![率量数])(?:了|的|些|都)?[^。？?!]{0,4}?(?:什么|啥)|"
    r"(?:主要|常见|热点|典型|高频|集中|最常见|前几大?)[^。，,]{0,3}(?:投诉|客诉)(?![率量数])|"
    r"吐槽|抱怨|槽点|痛点|差评|不满(?!意度)|(?:有什么|有哪些|主要的?)(?:意见|负面反馈)|"
    rf"{_L}(?:complain(?:ing|ed|s)?|complaint (?:themes?|topics?|reasons?|categories|types?|"
    r"issues?|drivers?|hot ?spots?|content|trends in themes)|"
    r"(?:main|top|common|biggest|key|major|frequent|recurring|typical|most common) "
    rf"complaints?(?: (?:themes?|issues?|topics?))?|pain points?|themes? (?:in|of) (?:the )?complaints?|"
    rf"complaints?.{{0,30}}by (?:theme|topic|reason|category)|"
    r"(?:issues|problems|pain points|feedback) (?:are |do |did )?(?:[a-z]+ ){0,2}(?:customers|clients|users|"
    rf"borrowers|cardholders) (?:raising|reporting|having|facing|mentioning|complaining)|"
    rf"(?:customers|clients|users) (?:are )?saying about|negative feedback){_R}"
)
COMPLAINT_COUNT = _rx(
    r"投诉量|投诉数|投诉率|投诉笔数|多少(?:笔|条|件|个)?投诉|几(?:笔|条|件|个)投诉|"
    rf"{_L}(?:how many|number of|count of|complaint rate|complaint count|volume of){_R}"
)

# --- help --------------------------------------------------------------------------------

HELP_CAPABILITY = _rx(
    r"你(?:能|会|可以)(?:做|干|帮我?做?|帮我?干)?(?:什么|啥|哪些|嘛)|你是谁|你是做什么的|怎么用你|如何使用|"
    r"(?:能|可以)(?:回答|问)(?:什么|哪些)|(?:哪些|什么)功能|你都?会些?什么|"
    r"使用说明|有什么功能|功能介绍|^\s*/?(?:help|帮助|菜单|start)\s*[?？!！]*\s*$|"
    r"what can you do|what can i ask|who are you|what do you do|what are you|"
    r"how (?:do i|to|can i) use (?:you|this|the bot|it)|what (?:kind of )?questions can|"
    r"how can you help|what do you know|what are you able to|"
    r"capabilit\w*|能问什么|可以问什么|怎么使用"
)
HELP_SOCIAL = _rx(
    r"^\s*(?:你好|您好|嗨|哈喽|哈啰|早上好|上午好|下午好|晚上好|早安|在吗|在不在|hi|hello|hey|"
    r"good (?:morning|afternoon|evening))(?![a-z])|"
    r"谢谢|多谢|感谢|辛苦了|thanks|thank you|\bthx\b|再见|拜拜|\bbye\b|"
    r"^\s*(?:好的|ok|okay|收到|明白|了解|嗯|好)\s*[!.。！~]*\s*$"
)
DOMAIN = _rx(
    r"银行|贷|信用卡|卡|存款|理财|利率|利息|客户|客群|产品|额度|还款|账户|监管|合规|风险|催收|"
    r"征信|逾期|不良|投诉|定价|息差|利差|资本|拨备|渠道|营销|用户|需求|调研|指标|"
    r"外汇|汇率|牌价|结售汇|汇款|转账|数字人民币|钱包|挂失|开户|销户|网点|柜台|手机银行|网银|"
    r"风控|部门|审批|授信|担保|抵押|外呼|利润|成本|收益率|人脸|指纹|生物识别|隐私|个人信息|"
    rf"{_L}(?:banks?|banking|loans?|credit|cards?|deposits?|wealth|rates?|interest|customers?|"
    r"clients?|products?|accounts?|fees?|complian\w*|regulat\w*|risk|collections?|borrowers?|"
    r"mortgages?|pricing|channels?|segments?|users?|research|metrics?|kpis?|apr|"
    r"delinquen\w*|npl|roe|ftp|transfers?|wire|remittances?|exchange rates?|fx|branch\w*|"
    r"complaints?|marketing|sms|"
    rf"atms?|wallets?|lost card|stolen card|department|approval){_R}"
)
OUT_OF_SCOPE = _rx(
    r"天气|笑话|股价|股市|大盘|基金涨|彩票|机票|酒店|外卖|吃什么|午饭|晚饭|电影|翻译|写.{0,4}(?:诗|歌)|足球|比分|星座|菜谱|"
    rf"{_L}(?:weather|joke|stock price|stock market|lottery|lunch|dinner|movie|translate|poem|"
    rf"song|football|horoscope|recipe|flight|hotel|capital of){_R}"
)

# --- data-question shape -------------------------------------------------------------------

NUMBER_ASK = _rx(
    rf"多少|几(?:个|笔|张|户|家|成|天|小时)|多高|多大|多长|{_DATA}|"
    r"数值|查一?下|看一?下|看看|给我|"
    r"拉一?下|出一?下|报一?下|统计|"
    rf"{_L}(?:how much|how many|what(?:'s| is| was| were) (?:the|our)|show me|give me|pull|"
    rf"numbers?|figures?|{_DATA_EN}|report|tell me){_R}"
)
STATUS = _rx(
    r"情况|表现|(?<!会)怎么样|咋样|(?<![会怎])怎样|好不好|概况|整体|"
    rf"{_DATA}|指标|"
    rf"{_L}(?:how (?:is|are|was|were|'s) .{{0,40}}(?:doing|performing|going)|how's|performance|"
    rf"(?:doing|performing|going) (?:well|badly|ok|okay|fine|poorly)|"
    rf"overview|status|situation|update on|metrics|kpis?|numbers){_R}"
)
GROWTH = _rx(
    r"增长|增加|下降|减少|上升|上涨|涨了|跌了|降了|升了|增幅|降幅|增速|涨幅|跌幅|"
    rf"{_L}(?:growth|grew|grow|grown|increased?|decreased?|rose|rise|fell|fall|dropped|"
    rf"went up|went down|go up|go down|gone up|gone down){_R}"
)
APPROVAL_TIME_HINT = _rx(
    r"时长|时间|时效|多久|多长|小时|几天|快|慢|速度|效率|"
    rf"{_L}(?:hours?|how long|time|fast\w*|slow\w*|quick\w*|speed|turnaround|tat|days){_R}"
)
APPROVAL_RATE_HINT = _rx(r"率|比例|通过|占比|%|" + rf"{_L}(?:rate|ratio|share|percent\w*){_R}")

# --- rankings ------------------------------------------------------------------------------

Order = Literal["desc", "asc"]
TOP_N = _rx(rf"(?:{_L}top|排名前|前)\s*-?\s*({NUM})\s*(?:名|个|位|家|大|款|种)?")
BOTTOM_N = _rx(rf"(?:{_L}bottom|后|倒数(?:前)?)\s*-?\s*({NUM})\s*(?:名|个|位|家|款|种)?")
WHICH_N = _rx(
    rf"哪\s*({NUM})\s*(?:个|家|款|种|类|位)|"
    rf"(?:最高|最低|最多|最少|最好|最差|最大|最小|最快|最慢|最短|最长)的?\s*({NUM})\s*(?:个|家|名|位|款|种)|"
    rf"{_L}(?:the )?({NUM}) (?:highest|lowest|best|worst|largest|smallest|biggest|fastest|slowest)|"
    rf"{_L}the ({NUM}) [a-z]+ (?:with|by) the (?:highest|lowest|most|least|best|worst)"
)
TOP_WORD = _rx(rf"{_L}top{_R}|排名靠前|靠前的")
RANK_WORD = _rx(rf"排名|排行|排序|{_L}(?:rank|ranking|ranked|league table|sorted){_R}")
WHICH_ONE = _rx(
    rf"哪个|哪一个|哪家|哪款|哪种|哪类|哪一|哪位|哪条|{_L}which(?! (?:ones|are))|"
    rf"what (?:product|channel|segment|region){_R}"
)
WHICH_MANY = _rx(
    rf"哪些|{_L}which (?:ones|are){_R}|"
    rf"{_L}which [a-z]+(?<!s)s (?:have|are|had|were|show|showed|get|got){_R}"
)
SUPERLATIVES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fast", _rx(rf"最快|最短|{_L}(?:fastest|quickest|shortest){_R}")),
    ("slow", _rx(rf"最慢|最长|{_L}(?:slowest|longest){_R}")),
    ("best", _rx(rf"最好|最佳|最优|{_L}(?:best|strongest){_R}")),
    ("worst", _rx(rf"最差|最糟|最弱|{_L}(?:worst|weakest|poorest){_R}")),
    ("high", _rx(rf"最高|最多|最大|{_L}(?:highest|most|largest|biggest|greatest){_R}")),
    ("low", _rx(rf"最低|最少|最小|{_L}(?:lowest|least|fewest|smallest){_R}")),
)


@dataclass(frozen=True)
class Cues:
    """Scores and flags read from the question's wording."""

    knowledge: float = 0.0
    knowledge_kind: str | None = None
    kind_scores: dict[str, float] = field(default_factory=dict)
    definition: bool = False
    bare_definition: bool = False
    pricing: float = 0.0
    complaint_theme: float = 0.0
    help: float = 0.0
    domain: bool = False
    off_topic: bool = False
    pricing_strong: bool = False
    number_ask: bool = False
    status: bool = False
    growth: bool = False
    overrides: dict[str, float] = field(default_factory=dict)
    shifts: dict[str, float] = field(default_factory=dict)
    rule: bool = False
    permission: bool = False
    means: bool = False
    feature: bool = False
    how_to: bool = False
    attribute: bool = False
    charge_ask: bool = False


def _hits(pattern: re.Pattern[str], text: str) -> int:
    return sum(1 for _ in pattern.finditer(text))


def read_cues(text: str, pricing_text: str) -> Cues:
    """Score every cue family on normalised text (pricing on text without metric names)."""
    kind_scores = {k: min(2, _hits(p, text)) * 2.5 for k, p in KNOWLEDGE_KINDS.items()}
    definition = bool(DEFINITION.search(text))
    if definition:
        kind_scores["methodology"] = kind_scores["methodology"] + 4.0
    best_kind = max(kind_scores, key=lambda k: kind_scores[k])
    knowledge = max(kind_scores.values())
    knowledge += 2.0 * min(1, _hits(KNOWLEDGE_GENERAL, text))
    knowledge += min(1.5, 1.0 * _hits(KNOWLEDGE_WEAK, text))
    if YES_NO.search(text):
        knowledge += 1.5
    shifts = parse_shifts(text)
    overrides = {k: v for k, v in parse_overrides(text).items() if k not in shifts}
    pricing = PRICING_STRONG_SCORE if PRICING_STRONG.search(pricing_text) else 0.0
    if not pricing and PRICING_WEAK.search(pricing_text):
        pricing = PRICING_WEAK_SCORE
    if overrides or shifts:
        pricing = pricing + 1.0 if pricing else 2.5
    theme = 5.5 if COMPLAINT_THEME.search(text) else 0.0
    if theme and COMPLAINT_COUNT.search(text):
        theme -= 3.0
    if theme and DEFINES.search(text):
        theme -= 3.0  # "What counts as a major complaint?" asks the policy's definition
    help_score = 5.0 if HELP_CAPABILITY.search(text) else 0.0
    off_topic = bool(OUT_OF_SCOPE.search(text))
    if not help_score and (HELP_SOCIAL.search(text) or off_topic):
        help_score = 3.0
    return Cues(
        knowledge=knowledge,
        knowledge_kind=best_kind if kind_scores[best_kind] > 0 else None,
        kind_scores=kind_scores,
        definition=definition,
        bare_definition=bool(BARE_DEFINITION.search(text)),
        pricing=pricing,
        complaint_theme=theme,
        help=help_score,
        domain=bool(DOMAIN.search(text)),
        off_topic=off_topic,
        pricing_strong=bool(PRICING_STRONG.search(pricing_text)),
        number_ask=bool(NUMBER_ASK.search(text)),
        rule=bool(RULE_QUESTION.search(text)),
        permission=bool(PERMISSION.search(text)),
        means=bool(MEANS_QUESTION.search(text)),
        feature=bool(FEATURE.search(text)),
        how_to=bool(HOW_TO.search(text)),
        attribute=bool(ATTRIBUTE.search(text)),
        charge_ask=bool(CHARGE_ASK.search(text)),
        status=bool(STATUS.search(text)),
        growth=bool(GROWTH.search(text)),
        overrides=overrides,
        shifts=shifts,
    )


def _fraction(value: str, unit: str | None, key: str) -> float:
    # a negative value is passed on as asked: the pricing model rejects it with a clear message
    number = float(value.replace("−", "-"))
    if unit in ("bp", "bps", "基点", "个基点"):
        return round(number / 10000, 6)
    if unit or abs(number) >= 1 or key not in ("roe", "capital_ratio"):
        return round(number / 100, 6)
    return number


def parse_shifts(text: str) -> dict[str, float]:
    """ "资金成本上调50个基点" / "FTP down 20bp" -> signed changes by key, as fractions."""
    found: dict[str, float] = {}
    for key, pattern in _SHIFTS:
        m = pattern.search(text)
        if m:
            size = _fraction(m.group(3), m.group(4) or "%", key)
            found[key] = -size if m.group("down") else size
    return found


def parse_overrides(text: str) -> dict[str, float]:
    """ "ROE 15%" / "FTP 2.2%" / "目标ROE 12%" / "margin 150bp" -> fractions by key."""
    found: dict[str, float] = {}
    for key, after, before in _OVERRIDES:
        m = after.search(text) or before.search(text)
        if m:
            found[key] = _fraction(m.group(1), m.group(2), key)
    return found


@dataclass(frozen=True)
class Ranking:
    """Order and size of a ranking, if the question asks for one."""

    order: Order | None
    top_n: int | None
    which: bool  # "哪个/which" (wants a breakdown even without a superlative)
    asked: bool  # a superlative, top-N or rank word was found


def read_ranking(text: str, higher_is_better: bool, time_metric: bool) -> Ranking:
    """哪个X最高 -> desc 1; 最低 -> asc 1; top 3 / 前三 -> desc 3; 排名 -> desc."""
    top = TOP_N.search(text)
    bottom = BOTTOM_N.search(text)
    which_n = WHICH_N.search(text)
    superlative = next((name for name, p in SUPERLATIVES if p.search(text)), None)
    which_one = bool(WHICH_ONE.search(text))
    which_many = bool(WHICH_MANY.search(text))
    order: Order | None = None
    if superlative in ("high", "low"):
        order = "desc" if superlative == "high" else "asc"
    elif superlative in ("best", "worst"):
        good_first = superlative == "best"
        order = "desc" if good_first == higher_is_better else "asc"
    elif superlative in ("fast", "slow"):
        lowest_first = superlative == "fast" and time_metric
        lowest_first = lowest_first or (superlative == "slow" and not time_metric)
        order = "asc" if lowest_first else "desc"
    n: int | None = None
    if bottom:
        n, order = to_int(bottom.group(1)), order or "asc"
    elif top:
        n, order = to_int(top.group(1)), order or "desc"
    elif which_n:
        n = to_int(next(g for g in which_n.groups() if g))
    rank = bool(RANK_WORD.search(text)) or bool(TOP_WORD.search(text))
    if rank and order is None:
        order = "desc"
    if n is None and superlative and which_one and not which_many:
        n = 1
    if n is None and superlative and not rank and not which_many and order is not None:
        n = 1
    asked = order is not None
    return Ranking(order, n if asked else None, which_one or which_many, asked)
