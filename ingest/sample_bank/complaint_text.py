"""Free-text complaints, composed from phrase pools per theme and language.

A complaint is an opening, a problem statement, one or two details with amounts and
dates, sometimes a line of personal data (name, mobile number, ID or card number: what
the masking code must catch), a demand and an emotional close. Every pool has several
paraphrases, colloquial Chinese, a few typos and the mixed Chinese/English that
customers really type ("APP闪退", "OTP收不到"), so that clustering and keyword rules
have something realistic to chew on. All choices come from a row of pre-drawn uniforms,
so texts are as deterministic as the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

DRAWS_PER_TEXT = 48
SAVINGS = ("TD", "WM_STABLE")

# --- theme pools -------------------------------------------------------------------------
# Keys: problem (the core sentence), detail (amounts, dates, context), demand.

ZH: dict[str, dict[str, tuple[str, ...]]] = {
    "high_interest": {
        "problem": (
            "{product}的利率也太高了吧，宣传的时候说年化才{rate_low}，实际算下来有{rate}",
            "借了{amount}，每个月的利息比我想的多好多，感觉被坑了",
            "客户经理说日息才万分之几很划算，我自己一算年化居然{rate}",
            "同样的贷款别家银行利率低得多，你们的{product}凭什么这么贵",
            "提前还款还要收违约金，利息照样按全期算，这合理吗",
            "之前说好的优惠利率到期后直接涨到{rate}，一点提醒都没有",
            "LPR都降了好几次了，我的{product}利率一点没动",
            "分期的时候只说了每期手续费，没说实际年化利率是{rate}",
        ),
        "detail": (
            "我是{date}借的{amount}，分{term}期，光利息就要还{interest}",
            "合同上写的是{rate_low}，APP页面上显示的却是{rate}",
            "问了三次客服，每次的说法都不一样",
            "我身边朋友同样的条件利率比我低一大截",
            "你们的宣传海报上写着'低至{rate_low}'，谁能借到这个利率？",
        ),
        "demand": (
            "要求重新核算利息，退还多收的部分",
            "请给我一个书面的利率计算说明",
            "希望能按当初承诺的利率执行",
            "请把实际年化利率明明白白告诉客户",
        ),
    },
    "fees": {
        "problem": (
            "莫名其妙被扣了{fee}的年费，我根本没开通过什么服务",
            "{product}说好首年免年费，结果{date}扣了{fee}",
            "分期手续费说是每期0.6%，算下来比利息还贵",
            "账户管理费、短信提醒费一堆杂七杂八的费用，办的时候都没说",
            "还款晚了一天就收了{fee}的违约金，太狠了",
            "取现手续费没有任何提示就扣了{fee}",
            "自动开通了一个什么会员服务，每个月扣{fee}",
        ),
        "problem_savings": (
            "{product}提前支取被扣了{fee}的手续费，办的时候没人说过",
            "买{product}的时候说没有任何费用，赎回的时候扣了{fee}",
            "账户管理费每个季度扣{fee}，我存的钱又不多",
            "销售费、托管费这些收费在APP里根本找不到说明",
        ),
        "detail": (
            "账单里多了一笔{fee}，备注写的是'服务费'",
            "我{date}打电话问，客服说是系统自动收取的",
            "刷满{times}次免年费的条件我明明达到了",
            "我从来没有同意过开通这个收费项目",
            "这笔钱不多，但是这种做法让人很不舒服",
        ),
        "demand": (
            "请退还{fee}",
            "要求取消这项收费并书面解释收费依据",
            "以后收费能不能提前通知一下",
            "把我名下所有自动扣费的服务都关掉",
        ),
    },
    "points_redemption": {
        "problem": (
            "积分兑换页面一直显示库存不足，我攒了{points}积分什么都换不了",
            "积分规则改了也不通知，我的{points}积分说过期就过期了",
            "兑换的商品{days}天了还没发货",
            "积分换里程的比例突然变了，以前1000分换100里程现在要2000",
            "消费了{amount}只给了一点点积分，跟宣传的双倍积分根本不一样",
            "积分商城里一点兑换就报错，页面显示error",
            "说好的消费满额送积分，活动结束也没到账",
        ),
        "detail": (
            "我是{date}兑换的，订单号一直查不到物流",
            "客服让我等，已经等了{times}次回复了",
            "活动页面我都截图了",
            "我的{product}用了好几年了，积分一直是我选这张卡的原因",
        ),
        "demand": (
            "请把积分补回来",
            "要求按原来的规则兑换",
            "尽快发货，不然就把积分退回来",
            "积分规则调整请提前通知持卡人",
        ),
    },
    "collection_conduct": {
        "problem": (
            "催收电话一天打{times}次，上班时间还打到我单位去了",
            "催收员态度特别恶劣，说话带脏字还威胁我",
            "我只是逾期了{days}天，你们就给我通讯录里的亲戚朋友打电话",
            "晚上十一点多还在打催收电话，家里老人都被吵醒了",
            "催收的人冒充律师说要起诉我，还说要上门找我",
            "已经跟你们协商好还款计划了，第三方催收公司还在一直骚扰",
            "催收短信发到了我同事手机上，让我在单位很难堪",
        ),
        "detail": (
            "来电号码每次都不一样，拉黑了还换号打",
            "我{date}已经还了{amount}",
            "每次通话我都有录音，可以作证",
            "他们说的话我都不好意思复述",
            "我不是不还，是最近确实困难，需要一点时间",
        ),
        "demand": (
            "要求立即停止骚扰我的家人和同事",
            "请核查催收人员的行为并给我道歉",
            "希望提供正规的协商还款渠道",
            "请告诉我委托的是哪家催收公司",
        ),
    },
    "app_digital": {
        "problem": (
            "APP更新之后一直闪退，根本打不开",
            "手机银行登录不上，一直提示系统繁忙",
            "人脸识别验证了{times}次都不通过",
            "收不到短信验证码，OTP一直不来",
            "还款的时候APP卡住了，结果扣款失败算我逾期",
            "新版APP界面太乱了，连还款入口都找不到",
            "绑卡一直报error，客服说是系统问题让我等",
            "APP里的账单金额和短信通知的金额对不上",
        ),
        "problem_savings": (
            "新版APP里找不到{product}的入口了，想查到期日都查不到",
            "APP上买{product}一直提示交易失败，钱却被冻结了",
            "手机银行登录不上，一直提示系统繁忙",
            "收不到短信验证码，OTP一直不来，理财赎回不了",
        ),
        "detail": (
            "我的手机是{phone_model}，系统已经是最新的",
            "从{date}开始就这样了",
            "卸载重装、清缓存都试过了，没用",
            "问客服只会让我重启手机",
            "升级前一点问题都没有",
        ),
        "demand": (
            "请尽快修复",
            "因为系统问题造成的逾期请帮我消除",
            "希望给个明确的修复时间",
            "能不能把旧版本的入口留着",
        ),
    },
    "service_attitude": {
        "problem": (
            "客服电话打了{times}次都是转人工排队，等了半个多小时",
            "网点柜员态度很差，问两句就不耐烦",
            "客户经理答应回电话，结果{days}天了也没人联系我",
            "同一个问题问了三个客服，给了三个答案",
            "去网点办业务排了{hours}个小时的队，只开了一个窗口",
            "智能客服答非所问，转人工又转不过去",
            "理财经理推荐产品的时候只说收益不讲风险",
        ),
        "detail": (
            "对方工号{staff}",
            "我是{date}去的{city}的网点",
            "全程没有一个人能给我解释清楚",
            "我年纪大了，不会用手机，只能跑网点",
        ),
        "demand": (
            "希望你们加强员工培训",
            "要求对这名员工进行处理",
            "请给我一个明确的答复",
            "请安排专人跟进这件事",
        ),
    },
    "disputed_transaction": {
        "problem": (
            "账单上有一笔{amount}的消费不是我本人操作的",
            "在{merchant}的订单已经退款了，但是信用卡一直没退回来",
            "同一笔交易被扣了两次",
            "我{date}在{merchant}消费，被多扣了{amount}",
            "商家一直不发货，我申请拒付你们却说不符合条件",
            "外币消费的汇率换算明显不对",
            "理财赎回的钱迟迟没有到账",
        ),
        "problem_savings": (
            "{product}{date}到期了，本息到现在还没到账",
            "赎回{product}的{amount}说T+1到账，三天了还没看到",
            "到期自动转存了，我明明选的是到期转活期",
            "{product}实际收益和页面上写的业绩比较基准差太多了",
        ),
        "detail": (
            "商户已经出具了退款凭证",
            "争议申请已经提交{days}天了还没有结果",
            "交易时间是凌晨，我当时在睡觉",
            "小票和截图我都保留着",
        ),
        "demand": (
            "请尽快处理退款",
            "要求调查并撤销这笔交易",
            "请告诉我处理进度",
            "处理期间这笔钱不要算利息",
        ),
    },
    "fraud": {
        "problem": (
            "我的卡被盗刷了{amount}，卡一直在我身上",
            "接到冒充你们客服的电话，被骗了{amount}",
            "收到钓鱼短信点了链接，之后账户就少了钱",
            "有人用我的身份信息在你们这里办了{product}",
            "手机银行被异地登录，转走了{amount}",
            "有人冒充你们工作人员说能提额，让我先交保证金",
        ),
        "detail": (
            "我已经报警了，有报警回执",
            "发现之后第一时间打电话挂失了",
            "交易地点在外地，我人一直在本地",
            "对方连我的身份证后四位都知道",
        ),
        "demand": (
            "请冻结账户并追回资金",
            "要求银行承担责任赔偿损失",
            "希望加强风控，别再让其他人受骗",
            "请调查我的个人信息是怎么泄露的",
        ),
    },
    "credit_reporting": {
        "problem": (
            "我每期都按时还款，征信报告上却显示逾期",
            "因为你们系统的问题导致我征信有了污点，现在房贷批不下来",
            "已经结清的{product}，征信上还显示未结清",
            "我从来没申请过你们的贷款，征信上却有查询记录",
            "逾期只有{days}天而且已经还清了，能不能消除征信记录",
        ),
        "detail": (
            "征信报告是{date}打印的",
            "结清证明我都有",
            "房贷审批就卡在这一条记录上",
            "当时是APP故障导致扣款失败，不是我的原因",
        ),
        "demand": (
            "请尽快向征信中心报送更正",
            "要求出具非恶意逾期证明",
            "请核实并修改错误的记录",
        ),
    },
    "marketing_harassment": {
        "problem": (
            "每天都接到你们的推销电话，推贷款推理财，说了不需要还一直打",
            "短信退订了也没用，营销短信一天好几条",
            "刚还完{product}就有人打电话让我再借",
            "已经说了不要再打了，换个号码继续打来推销分期",
            "{days}天里接了{times}个营销电话，全是你们银行的",
            "推销电话说是'额度提升'，其实就是让我办新的贷款",
            "中午休息时间也打营销电话推{product}，太烦了",
            "AI机器人一天打好几个电话推销，根本没法沟通",
        ),
        "problem_savings": (
            "存了个{product}之后天天有人打电话推保险推基金",
            "理财经理每天发微信打电话让我加仓，说了不需要还是一直推",
            "营销短信一天好几条，退订了也没用",
        ),
        "detail": (
            "来电显示就是你们的客服号码",
            "回复TD退订也没有用",
            "我从来没有授权你们给我打营销电话",
            "上个月开始越来越频繁",
        ),
        "demand": (
            "请把我的号码从营销名单里删掉",
            "要求停止一切营销电话和短信",
            "再打我就向监管部门投诉",
        ),
    },
}

EN: dict[str, dict[str, tuple[str, ...]]] = {
    "high_interest": {
        "problem": (
            "The interest on my {product} is way higher than advertised. You said {rate_low}, the real APR is {rate}.",
            "I borrowed {amount} and the monthly interest is much more than I was told.",
            "Your rate is much higher than other banks for the same loan.",
            "The promotional rate ended and my rate jumped to {rate} without any notice.",
            "The LPR has been cut several times but my {product} rate never changed.",
        ),
        "detail": (
            "I took the loan on {date_en} for {term} months and will pay {interest} in interest.",
            "The contract says {rate_low} but the app shows {rate}.",
            "I called customer service three times and got three different answers.",
        ),
        "demand": (
            "Please recalculate the interest and refund the difference.",
            "I want a written explanation of how the rate is calculated.",
            "Please honour the rate I was promised.",
        ),
    },
    "fees": {
        "problem": (
            "I was charged an annual fee of {fee} although the first year was supposed to be free.",
            "There is a {fee} 'service fee' on my statement that nobody explained.",
            "A late fee of {fee} for paying one day late is ridiculous.",
            "The installment fee is higher than the interest would have been.",
            "A membership service was activated without my consent and costs {fee} every month.",
        ),
        "problem_savings": (
            "I was charged {fee} for early withdrawal of my {product}, nobody told me about it.",
            "You said the {product} had no fees, but {fee} was deducted on redemption.",
        ),
        "detail": (
            "I met the condition of {times} purchases for the fee waiver.",
            "The agent said the charge is automatic and cannot be reversed.",
            "I never agreed to this fee.",
        ),
        "demand": (
            "Please refund the {fee}.",
            "Cancel this fee and explain in writing what it is for.",
            "Please notify customers before charging fees.",
        ),
    },
    "points_redemption": {
        "problem": (
            "Every item in the points mall is out of stock, I cannot use my {points} points.",
            "My {points} points expired after a rule change nobody told me about.",
            "I redeemed a gift {days} days ago and it still has not shipped.",
            "The points to miles conversion rate was changed overnight.",
            "The redemption page keeps showing an error.",
        ),
        "detail": (
            "I redeemed on {date_en} and there is no tracking number.",
            "I took screenshots of the promotion page.",
            "Points were the main reason I chose the {product}.",
        ),
        "demand": (
            "Please restore my points.",
            "Let me redeem under the old rules.",
            "Ship the item or give the points back.",
        ),
    },
    "collection_conduct": {
        "problem": (
            "Your collectors call me {times} times a day, even at my workplace.",
            "The collection agent was rude and threatened me.",
            "I am only {days} days late and you are calling my relatives and friends.",
            "Collection calls at 11pm woke up my whole family.",
            "A third-party collector keeps harassing me although we agreed a repayment plan.",
        ),
        "detail": (
            "They call from a different number every time.",
            "I already paid {amount} on {date_en}.",
            "I have recordings of the calls.",
        ),
        "demand": (
            "Stop contacting my family and colleagues immediately.",
            "Investigate the collector's behaviour and apologise.",
            "Please give me a proper channel to agree a repayment plan.",
        ),
    },
    "app_digital": {
        "problem": (
            "Since the latest update the app crashes on launch.",
            "I cannot log in to mobile banking, it says the system is busy.",
            "Face verification failed {times} times in a row.",
            "I never receive the OTP by SMS.",
            "The app froze during repayment and now I am marked as overdue.",
            "The new app design is confusing, I cannot even find where to repay.",
        ),
        "detail": (
            "My phone is a {phone_model} with the latest system update.",
            "This started on {date_en}.",
            "Reinstalling the app did not help.",
        ),
        "demand": (
            "Please fix it as soon as possible.",
            "Remove the late mark caused by your system error.",
            "Tell me when it will be fixed.",
        ),
    },
    "service_attitude": {
        "problem": (
            "I called the hotline {times} times and waited more than 30 minutes each time.",
            "The branch staff were impatient and rude.",
            "My relationship manager promised to call back {days} days ago and never did.",
            "Three agents gave me three different answers to the same question.",
            "The chatbot does not understand anything and I cannot reach a human.",
        ),
        "detail": (
            "The agent's ID was {staff}.",
            "I visited the branch in {city} on {date_en}.",
            "Nobody could explain the issue to me.",
        ),
        "demand": (
            "Please train your staff better.",
            "I expect a clear answer.",
            "Please assign someone to follow up.",
        ),
    },
    "disputed_transaction": {
        "problem": (
            "There is a charge of {amount} on my card that I did not make.",
            "{merchant} refunded my order but the refund never reached my card.",
            "The same transaction was charged twice.",
            "The merchant never delivered and my chargeback request was rejected.",
            "The exchange rate on my foreign purchase is clearly wrong.",
        ),
        "problem_savings": (
            "My {product} matured on {date_en} and the money is still not in my account.",
            "The actual return of the {product} is far below the benchmark you showed me.",
            "My {product} was rolled over although I asked to withdraw at maturity.",
        ),
        "detail": (
            "The merchant has issued a refund confirmation.",
            "My dispute was filed {days} days ago with no result.",
            "The transaction happened at 3am while I was asleep.",
        ),
        "demand": (
            "Please process the refund quickly.",
            "Investigate and reverse this transaction.",
            "Do not charge interest on the disputed amount.",
        ),
    },
    "fraud": {
        "problem": (
            "My card was used fraudulently for {amount} while it was in my wallet.",
            "Someone pretending to be your customer service scammed me out of {amount}.",
            "After clicking a link in a phishing SMS money disappeared from my account.",
            "Someone opened a {product} in my name.",
        ),
        "detail": (
            "I have reported it to the police.",
            "I called to freeze the card immediately.",
            "The transaction was in another city.",
        ),
        "demand": (
            "Freeze the account and recover my money.",
            "The bank should compensate my loss.",
            "Find out how my personal data was leaked.",
        ),
    },
    "credit_reporting": {
        "problem": (
            "I always paid on time but my credit report shows a late payment.",
            "My {product} is fully repaid but the credit report still shows it as open.",
            "There is an inquiry from your bank on my credit report that I never authorised.",
            "Because of your system error my mortgage application was rejected.",
        ),
        "detail": (
            "I printed the credit report on {date_en}.",
            "I have the settlement certificate.",
        ),
        "demand": (
            "Please correct the record with the credit bureau.",
            "Issue a letter confirming the late payment was not my fault.",
        ),
    },
    "marketing_harassment": {
        "problem": (
            "I get sales calls from your bank every day pushing loans and wealth products.",
            "I unsubscribed from marketing SMS but still receive several a day.",
            "Right after I repaid my {product} someone called to offer me another loan.",
            "{times} marketing calls in {days} days, all from your bank.",
            "A robot calls me several times a day about a 'credit limit increase'.",
        ),
        "problem_savings": (
            "Since I opened a {product} I get calls every day selling insurance and funds.",
            "My wealth manager messages me daily to buy more, although I said no.",
        ),
        "detail": (
            "The caller ID is your official hotline.",
            "Replying TD to unsubscribe does nothing.",
            "I never consented to marketing calls.",
        ),
        "demand": (
            "Remove my number from all marketing lists.",
            "Stop all marketing calls and messages.",
            "If this continues I will complain to the regulator.",
        ),
    },
}

OPENINGS_ZH = (
    "",
    "",
    "你好，",
    "您好，我要投诉。",
    "我要投诉你们银行！",
    "实在忍不了了，",
    "麻烦看一下，",
    "投诉一下，",
    "本人是你们的老客户了，",
    "我是{product}的用户，",
    "各位领导好，",
    "说真的，",
)
CLOSINGS_ZH = (
    "",
    "",
    "",
    "真的无语了。",
    "气死我了！！",
    "太失望了",
    "希望认真对待。",
    "谢谢。",
    "请尽快处理！！！",
    "不然我就打12378了",
    "再不解决就去金融监管总局投诉",
    "？？？",
    "搞什么啊",
)
DEMANDS_ZH = ("请尽快回复", "请给个说法", "希望尽快解决", "麻烦尽快处理一下")
OPENINGS_EN = (
    "",
    "",
    "Hello, ",
    "Hi, ",
    "I want to file a complaint. ",
    "To whom it may concern: ",
)
CLOSINGS_EN = ("", "", "Thanks.", "Very disappointed.", "Please respond ASAP!!", "Not acceptable.")
DEMANDS_EN = ("Please reply soon.", "I expect an answer.", "Please sort this out.")

TYPOS_ZH = (
    ("登录", "登陆"),
    ("已经", "以经"),
    ("账单", "帐单"),
    ("的时候", "得时候"),
    ("根本", "跟本"),
    ("按时", "安时"),
    ("莫名其妙", "莫明其妙"),
    ("一直", "一只"),
    ("再打", "在打"),
    ("态度", "太度"),
)
TYPOS_EN = (
    ("received", "recieved"),
    ("account", "acount"),
    ("immediately", "immediatly"),
    ("interest", "intrest"),
    ("the ", "teh "),
    ("payment", "payemnt"),
    ("charged", "chargd"),
)

MERCHANTS_ZH = ("京东", "淘宝", "美团", "拼多多", "携程", "一家加油站", "超市", "滴滴", "抖音商城")
MERCHANTS_EN = ("JD.com", "Taobao", "Meituan", "Ctrip", "a gas station", "Pinduoduo", "Didi")
CITIES = (
    ("上海", "Shanghai"),
    ("杭州", "Hangzhou"),
    ("南京", "Nanjing"),
    ("北京", "Beijing"),
    ("天津", "Tianjin"),
    ("广州", "Guangzhou"),
    ("深圳", "Shenzhen"),
    ("武汉", "Wuhan"),
    ("长沙", "Changsha"),
    ("成都", "Chengdu"),
    ("重庆", "Chongqing"),
    ("西安", "Xi'an"),
    ("沈阳", "Shenyang"),
)
PHONE_MODELS = (
    "华为Mate60",
    "iPhone 15",
    "小米14",
    "OPPO Reno",
    "vivo X100",
    "荣耀90",
    "iPhone 13",
)
RELATIVE_DAYS_ZH = ("昨天", "前天", "上周五", "上周", "月初", "这个月")
MONTH_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# --- personal data ----------------------------------------------------------------------

SURNAMES = (
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("马", "Ma"),
    ("朱", "Zhu"),
    ("胡", "Hu"),
    ("郭", "Guo"),
    ("林", "Lin"),
    ("何", "He"),
)
GIVEN_NAMES = (
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("磊", "Lei"),
    ("强", "Qiang"),
    ("洋", "Yang"),
    ("艳", "Yan"),
    ("杰", "Jie"),
    ("涛", "Tao"),
    ("秀英", "Xiuying"),
    ("建国", "Jianguo"),
    ("子涵", "Zihan"),
    ("浩然", "Haoran"),
    ("雨桐", "Yutong"),
    ("欣怡", "Xinyi"),
    ("志强", "Zhiqiang"),
)
ID_AREAS = (
    "110105",
    "310104",
    "320102",
    "330106",
    "440106",
    "440305",
    "420102",
    "510107",
    "610113",
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

PII_ZH = (
    "我叫{name}，电话{phone}",
    "本人{name}，身份证号{id_number}",
    "卡号{card}",
    "联系电话{phone}，有问题打给我",
    "我的卡号是{card_spaced}",
    "{name} {phone}",
    "身份证{id_number}，可以核实",
    "请回电{phone}，找{name}",
)
PII_EN = (
    "My name is {name_en}, phone {phone}.",
    "Card number: {card}.",
    "You can reach me at {phone}.",
    "ID number {id_number} for verification.",
    "Card {card_spaced}, holder {name_en}.",
)


def id_check_digit(first17: str) -> str:
    """GB 11643 check character of a Chinese resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit, as real card numbers carry one."""
    total = 0
    for i, digit in enumerate(reversed(prefix)):
        d = int(digit)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


class Picker:
    """Choices driven by one row of uniforms: deterministic and cheap."""

    def __init__(self, uniforms: np.ndarray):
        self.u = uniforms.tolist()
        self.i = 0

    def next(self) -> float:
        value = self.u[self.i % len(self.u)]
        self.i += 1
        return value

    def pick(self, options: Sequence[str]) -> str:
        return options[int(self.next() * len(options))]

    def chance(self, p: float) -> bool:
        return self.next() < p

    def between(self, low: int, high: int) -> int:
        return low + int(self.next() * (high - low + 1))

    def digits(self, n: int) -> str:
        """Up to 9 random digits from a single draw."""
        return f"{int(self.next() * 10**n):0{n}d}"


def personal_data(pick: Picker) -> dict[str, str]:
    """A name, a mobile number, an ID number and a card number that look real."""
    surname, given = pick.pick(SURNAMES), pick.pick(GIVEN_NAMES)
    year, month, day = pick.between(1960, 2003), pick.between(1, 12), pick.between(1, 28)
    first17 = f"{pick.pick(ID_AREAS)}{year:04d}{month:02d}{day:02d}{pick.digits(3)}"
    card = luhn_complete(
        "62" + pick.pick(("2202", "2848", "1700", "5880", "2588")) + pick.digits(9)
    )
    return {
        "name": surname[0] + given[0],
        "name_en": f"{given[1]} {surname[1]}",
        "phone": "1" + str(pick.between(3, 9)) + pick.digits(9),
        "id_number": first17 + id_check_digit(first17),
        "card": card,
        "card_spaced": " ".join(card[i : i + 4] for i in range(0, 16, 4)),
    }


class Slots(dict):
    """Template values, drawn only when a template asks for them (format_map).

    Most templates use two or three of the slots, so drawing lazily keeps composing
    cheap; values are cached, so a slot used twice reads the same both times.
    """

    def __init__(self, pick: Picker, product: str, received: np.datetime64, english: bool):
        super().__init__(product=product)
        self.pick = pick
        self.month = int(received.astype("datetime64[M]").astype(int) % 12)
        self.english = english

    def __missing__(self, key: str) -> str:
        value = getattr(self, f"_{key}")()
        self[key] = value
        return value

    def _number(self) -> int:
        base = self.pick.pick((800, 1500, 2380, 3999, 5000, 8600, 12000, 20000, 35000, 120000))
        return base + 10 * self.pick.between(0, 99)

    def _amount(self) -> str:
        n = self._number()
        if self.english:
            return self.pick.pick((f"RMB {n:,}", f"{n:,} yuan", f"¥{n}"))
        return self.pick.pick((f"{n:,}元", f"{n}块", f"{n}元"))

    def _interest(self) -> str:
        n = self._number() * self.pick.between(8, 30) // 100
        return f"RMB {n:,}" if self.english else f"{n:,}元"

    def _fee(self) -> str:
        n = self.pick.pick((25, 50, 88, 120, 168, 200, 300, 580, 800))
        return f"RMB {n}" if self.english else f"{n}元"

    def _rate(self) -> str:
        return f"{self.pick.between(120, 240) / 10:.1f}%"

    def _rate_low(self) -> str:
        return self.pick.pick(("3.6%", "4.5%", "5.8%", "7.2%"))

    def _term(self) -> str:
        return self.pick.pick(("6", "12", "24", "36"))

    def _points(self) -> str:
        return str(self.pick.between(3, 120) * 1000)

    def _merchant(self) -> str:
        return self.pick.pick(MERCHANTS_EN if self.english else MERCHANTS_ZH)

    def _times(self) -> str:
        return str(self.pick.between(3, 15))

    def _days(self) -> str:
        return str(self.pick.between(2, 30))

    def _hours(self) -> str:
        return str(self.pick.between(1, 4))

    def _date(self) -> str:
        if self.pick.chance(0.3):
            return self.pick.pick(RELATIVE_DAYS_ZH)
        suffix = "日" if self.pick.chance(0.5) else "号"
        return f"{self.month + 1}月{self.pick.between(1, 28)}{suffix}"

    def _date_en(self) -> str:
        return f"{MONTH_EN[self.month]} {self.pick.between(1, 28)}"

    def _staff(self) -> str:
        return self.pick.digits(5)

    def _city(self) -> str:
        return self.pick.pick(CITIES)[1 if self.english else 0]

    def _phone_model(self) -> str:
        return self.pick.pick(PHONE_MODELS)


def _typo(text: str, pick: Picker, typos: tuple[tuple[str, str], ...]) -> str:
    candidates = [pair for pair in typos if pair[0] in text]
    if not candidates:
        return text
    right, wrong = candidates[int(pick.next() * len(candidates))]
    return text.replace(right, wrong, 1)


def _problem(pool: dict[str, tuple[str, ...]], savings: bool, pick: Picker) -> str:
    """Deposit and wealth customers get their own problem sentences where they differ."""
    return pick.pick(
        pool["problem_savings"] if savings and "problem_savings" in pool else pool["problem"]
    )


def _zh_text(theme: str, pick: Picker, slots: Slots, pii: dict | None, savings: bool) -> str:
    pool = ZH[theme]
    parts = [pick.pick(OPENINGS_ZH) + _problem(pool, savings, pick)]
    for _ in range(pick.between(0, 2)):
        detail = pick.pick(pool["detail"])
        if detail not in parts:
            parts.append(detail)
    if pii is not None:
        parts.insert(pick.between(1, len(parts)), pick.pick(PII_ZH).format(**pii))
    parts.append(pick.pick(pool["demand"] + DEMANDS_ZH))
    comma = "，" if pick.chance(0.75) else ","
    text = comma.join(parts)
    text = text + pick.pick(("。", "！", "！！", "。", "")) + pick.pick(CLOSINGS_ZH)
    text = text.format_map(slots)
    if pick.chance(0.12):
        text = _typo(text, pick, TYPOS_ZH)
    if pick.chance(0.15):
        text = text.replace("，", " ", 1)  # people type on phones
    return text


def _en_text(theme: str, pick: Picker, slots: Slots, pii: dict | None, savings: bool) -> str:
    pool = EN[theme]
    parts = [pick.pick(OPENINGS_EN) + _problem(pool, savings, pick)]
    if pick.chance(0.7):
        parts.append(pick.pick(pool["detail"]))
    if pii is not None:
        parts.append(pick.pick(PII_EN).format(**pii))
    parts.append(pick.pick(pool["demand"] + DEMANDS_EN))
    closing = pick.pick(CLOSINGS_EN)
    text = " ".join(parts + ([closing] if closing else [])).format_map(slots)
    if pick.chance(0.1):
        text = _typo(text, pick, TYPOS_EN)
    if pick.chance(0.08):
        text = text.lower()
    return text


def compose(
    rng: np.random.Generator,
    themes: Sequence[str],
    languages: Sequence[str],
    products: Sequence[str],
    received: np.ndarray,
    product_names: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]],
    pii_share: float = 0.1,
) -> list[str]:
    """One complaint text per row; ``product_names`` maps code -> (zh aliases, en aliases)."""
    uniforms = rng.random((len(themes), DRAWS_PER_TEXT))
    with_pii = rng.random(len(themes)) < pii_share
    texts = []
    for i, (theme, language, product) in enumerate(zip(themes, languages, products, strict=True)):
        pick = Picker(uniforms[i])
        names = product_names[product][0 if language == "zh" else 1]
        slots = Slots(pick, pick.pick(names), received[i], english=language != "zh")
        pii = personal_data(pick) if with_pii[i] else None
        write = _zh_text if language == "zh" else _en_text
        texts.append(write(theme, pick, slots, pii, product in SAVINGS))
    return texts
