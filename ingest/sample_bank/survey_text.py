"""Short optional comments left with NPS answers, matched to the score and the moment.

Comments follow the score (promoters praise, detractors complain) and the storylines:
Youth card customers complain about the broken app release in the spike months, FLASH
customers booked through partners about collection calls, everyone about marketing calls
once that theme emerges. That way the comments and the complaint data tell one story.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

GENERAL = {
    ("zh", "promoter"): (
        "服务很好，办理很快",
        "APP很好用，推荐",
        "客户经理很专业，解释得很清楚",
        "用了好几年了，一直很满意",
        "网点环境不错，工作人员很耐心",
        "很方便，会推荐给朋友",
        "整体体验很好👍",
    ),
    ("zh", "passive"): (
        "还行吧",
        "一般般，没什么特别的",
        "利率要是再低一点就好了",
        "APP有时候有点卡",
        "客服电话不太好打通",
        "中规中矩",
        "比别家好一点点",
    ),
    ("zh", "detractor"): (
        "利息太高了",
        "客服电话打不通",
        "收费不透明",
        "办个业务要跑好几趟",
        "APP老是出问题",
        "态度很差，不会再用了",
        "说好的优惠没兑现",
        "有事找不到人",
    ),
    ("en", "promoter"): (
        "Fast and easy, great service.",
        "The app works well.",
        "Very helpful relationship manager.",
        "Would recommend to friends.",
        "Happy customer for years.",
    ),
    ("en", "passive"): (
        "It's ok.",
        "Nothing special.",
        "Rates could be better.",
        "The app is a bit slow sometimes.",
        "Hard to reach customer service.",
    ),
    ("en", "detractor"): (
        "Interest is too high.",
        "Hidden fees everywhere.",
        "Terrible customer service.",
        "The app keeps failing.",
        "Would not recommend.",
    ),
}

PRODUCT = {
    ("zh", "CC_YOUTH"): (
        "审批快，额度也合适",
        "积分兑换太麻烦",
        "额度有点低",
        "年费规则讲不清楚",
        "刷卡返现不错",
    ),
    ("zh", "CC_PLAT"): ("机场贵宾厅很好用", "积分价值比以前低了", "年费有点贵", "权益不错"),
    ("zh", "FLASH"): (
        "审批快，额度也合适",
        "放款快，但是利率偏高",
        "额度给得爽快",
        "提前还款要手续费不合理",
    ),
    ("zh", "HOME"): ("放款等了太久", "利率降得太慢", "客户经理跟进很到位"),
    ("zh", "SME"): ("审批材料太多", "经营贷额度帮了大忙", "续贷流程太复杂"),
    ("zh", "AUTO"): ("车贷审批很快", "4S店推荐的，手续简单", "提前还款限制多"),
    ("zh", "TD"): ("存款利率越来越低了", "到期提醒很及时", "网点办理方便"),
    ("zh", "WM_STABLE"): ("收益比存款高一点", "净值波动有点吓人", "赎回到账慢"),
    ("en", "CC_YOUTH"): ("Points are hard to redeem.", "Cashback is nice."),
    ("en", "CC_PLAT"): ("Lounge access is great.", "Annual fee is too high."),
    ("en", "FLASH"): ("Fast money but expensive.", "Prepayment fee is unfair."),
    ("en", "HOME"): ("Disbursement took too long.", "Rate cuts are passed on slowly."),
    ("en", "SME"): ("Too much paperwork.", "The loan helped my business."),
    ("en", "AUTO"): ("Quick approval at the dealer.",),
    ("en", "TD"): ("Deposit rates keep falling.",),
    ("en", "WM_STABLE"): ("Returns dipped, a bit worried.", "Better than a deposit."),
}

INCIDENTS = {
    ("zh", "app_upgrade"): (
        "新版APP闪退，绑卡都绑不上",
        "升级之后登录不了，太坑了",
        "APP更新后还款页面一直转圈",
        "新版本bug太多了",
    ),
    ("en", "app_upgrade"): (
        "The new app version keeps crashing.",
        "Cannot log in since the update.",
    ),
    ("zh", "collection"): ("催收电话太频繁了", "合作平台的催收太吓人了"),
    ("en", "collection"): ("Too many collection calls.",),
    ("zh", "marketing"): ("营销电话太多了，烦", "天天推销贷款，能不能别打了", "短信退订了还在发"),
    ("en", "marketing"): ("Too many sales calls.", "Stop the marketing SMS please."),
    ("zh", "wobble"): ("净值跌了，说好的稳健呢", "理财亏了，很失望"),
    ("en", "wobble"): ("The 'stable' product lost value.",),
}


def sentiment(score: int) -> str:
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"


def comments(
    rng: np.random.Generator,
    scores: np.ndarray,
    languages: Sequence[str],
    products: Sequence[str],
    incidents: Sequence[str | None],
) -> list[str | None]:
    """A comment or None per answer; detractors and incident months comment more often."""
    n = scores.size
    u = rng.random((n, 4))
    out: list[str | None] = []
    for i in range(n):
        mood = sentiment(int(scores[i]))
        p_comment = {"promoter": 0.3, "passive": 0.25, "detractor": 0.5}[mood]
        incident = incidents[i]
        if incident is not None and mood != "promoter":
            p_comment += 0.25
        if u[i, 0] >= p_comment:
            out.append(None)
            continue
        language = languages[i]
        if incident is not None and mood != "promoter" and u[i, 1] < 0.7:
            pool: Sequence[str] = INCIDENTS[(language, incident)]
        elif u[i, 1] < 0.35:
            pool = PRODUCT[(language, products[i])]
        else:
            pool = GENERAL[(language, mood)]
        out.append(pool[int(u[i, 2] * len(pool))])
    return out
