"""Everything the bot says on its own (not answers): commands, help, refusals. zh + en."""

from __future__ import annotations

from dataclasses import dataclass

from bot.render import escape


@dataclass(frozen=True)
class Command:
    name: str
    zh: str
    en: str
    args_zh: str = ""
    args_en: str = ""

    def description(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# The one list: handlers, /help and setMyCommands all read it (a test checks each has help).
COMMANDS: tuple[Command, ...] = (
    Command("start", "开始使用，查看示例问题", "Start: what I can do, with examples"),
    Command("help", "命令说明与示例", "Commands and examples"),
    Command("ask", "提问（数据或知识）", "Ask a question (data or knowledge)", "问题", "question"),
    Command("metric", "查询产品指标", "Query a product metric", "问题", "question"),
    Command("price", "定价建议", "Pricing suggestion", "产品与客群", "product and segment"),
    Command("complaints", "投诉主题分析", "Complaint themes", "产品或时间", "product or period"),
    Command("sources", "上一个回答的出处与口径", "Where my last answer came from"),
    Command("subscribe", "订阅每日简报（即将推出）", "Subscribe to the daily digest (coming soon)"),
    Command("unsubscribe", "取消订阅每日简报", "Unsubscribe from the daily digest"),
    Command("whoami", "查看您的用户 id 与角色", "Your user id and role"),
    Command("feedback", "给我们留言反馈", "Send us feedback", "内容", "text"),
)

EXAMPLES: dict[str, dict[str, list[str]]] = {
    "metric": {
        "zh": ["闪借上个月逾期率是多少？环比呢？", "青春卡今年以来每月发卡量"],
        "en": [
            "FlashLoan overdue rate by segment last quarter",
            "Youth card cards issued this year",
        ],
    },
    "price": {
        "zh": ["给青年白领客群的闪借建议定价"],
        "en": ["suggest pricing for SME owners on the SME loan"],
    },
    "complaints": {
        "zh": ["本月信用卡投诉主要是什么问题？"],
        "en": ["what are people complaining about on FlashLoan?"],
    },
    "ask": {
        "zh": ["信用卡催收时能联系借款人的同事吗？", "闪借上个月逾期率是多少？"],
        "en": [
            "What is the annual fee policy of the Youth card?",
            "FlashLoan overdue rate last month",
        ],
    },
}

# Words that tell the router what a command meant, added when the text lacks them.
INTENT_WORDS = {
    "price": {"zh": "建议定价", "en": "suggest pricing"},
    "complaints": {"zh": "投诉", "en": "complaints"},
}
_INTENT_MARKERS = {
    "price": ("定价", "利率", "价格", "pric", "rate"),
    "complaints": ("投诉", "抱怨", "complain"),
}


def command_question(command: str, text: str, lang: str) -> str:
    """The question a command stands for: ``/price 闪借 青年白领`` → ``闪借 青年白领 建议定价``."""
    text = text.strip()
    words = INTENT_WORDS.get(command)
    if not words or not text:
        return text
    if any(m in text.lower() for m in _INTENT_MARKERS[command]):
        return text
    return f"{text} {words[lang]}" if lang == "en" else f"{text}{words['zh']}"


def help_html(lang: str, bot_username: str = "") -> str:
    zh = lang == "zh"
    lines = [
        "<b>银行产品经理的数据与知识助手</b>"
        if zh
        else "<b>A data and knowledge assistant for bank product managers</b>",
        "直接发问题即可（中文或英文）。在群里请 @我、回复我的消息，或使用命令。"
        if zh
        else "Just send a question (Chinese or English). In groups, mention me, reply to "
        "me, or use a command.",
        "",
    ]
    for c in COMMANDS:
        args = c.args_zh if zh else c.args_en
        arg = f" &lt;{escape(args)}&gt;" if args else ""
        lines.append(f"/{c.name}{arg} — {escape(c.description(lang))}")
    lines += [
        "",
        "数字都来自指标库查询（附口径、期间与数据截至日期）；制度问题附出处原文。"
        if zh
        else "Numbers come from metric queries (with definition, period and as-of date); "
        "policy answers quote their sources.",
        "回答下方的 👍/👎 帮我们改进；/sources 查看上一个回答的出处。"
        if zh
        else "Use 👍/👎 under an answer to help us improve; /sources shows where the last "
        "answer came from.",
    ]
    if bot_username:
        lines.append(
            f"群聊示例：@{escape(bot_username)} 闪借上月逾期率"
            if zh
            else f"In a group: @{escape(bot_username)} FlashLoan overdue rate last month"
        )
    return "\n".join(lines)


def start_html(lang: str, name: str) -> str:
    who = escape(name) if name else ("您" if lang == "zh" else "there")
    if lang == "zh":
        return (
            f"您好，{who}！我可以回答产品指标、产品与合规制度、定价和投诉方面的问题。"
            "点下面的示例试试，或发送 /help 查看全部命令。"
        )
    return (
        f"Hello {who}! I answer questions on product metrics, product and compliance "
        "policies, pricing and complaints. Tap an example below, or send /help for all commands."
    )


def usage(command: str, lang: str) -> str:
    zh = lang == "zh"
    c = next(c for c in COMMANDS if c.name == command)
    args = c.args_zh if zh else c.args_en
    head = (
        f"用法：/{command} &lt;{escape(args)}&gt;"
        if zh
        else f"Usage: /{command} &lt;{escape(args)}&gt;"
    )
    return head + ("\n例如：" if zh else "\nFor example:")


MESSAGES: dict[str, dict[str, str]] = {
    "digest_unavailable": {
        "zh": "每日简报功能尚未上线，暂时无法订阅或退订。上线后我会在这里说明。目前请直接提问。",
        "en": "Daily digests are not available yet, so there is nothing to subscribe to or "
        "unsubscribe from. Until then, just ask your question.",
    },
    "rate_limited": {
        "zh": "您提问太频繁了，请 {seconds} 秒后再试。",
        "en": "You are asking too quickly; please try again in {seconds} s.",
    },
    "apology": {
        "zh": "抱歉，处理您的消息时出了点意外，已记录日志。请稍后再试。",
        "en": "Sorry, something went wrong handling your message; it has been logged. "
        "Please try again later.",
    },
    "button_expired": {
        "zh": "这个按钮已过期，请重新提问。",
        "en": "This button has expired; please ask again.",
    },
    "feedback_thanks": {"zh": "谢谢反馈！", "en": "Thanks for the feedback!"},
    "feedback_saved": {
        "zh": "已收到您的反馈，谢谢！",
        "en": "Thanks, your feedback has been recorded.",
    },
    "feedback_usage": {
        "zh": "用法：/feedback 您的意见。也可以点回答下方的 👍/👎。",
        "en": "Usage: /feedback your comments. You can also tap 👍/👎 under an answer.",
    },
    "no_last_answer": {
        "zh": "还没有可以溯源的回答。先问一个问题，再发送 /sources。",
        "en": "There is no answer to trace yet. Ask a question first, then send /sources.",
    },
    "unsupported": {
        "zh": "我只能处理文字问题，以及带“加入知识库”说明的文档（PDF、DOCX、MD、TXT）。",
        "en": "I can handle text questions, and documents (PDF, DOCX, MD, TXT) sent with a "
        "caption such as “add to knowledge”.",
    },
    "document_no_caption": {
        "zh": "收到文件。如需加入知识库，请重新发送并在说明中写“加入知识库”。",
        "en": "Got the file. To add it to the knowledge base, send it again with the caption "
        "“add to knowledge”.",
    },
    "upload_failed": {
        "zh": "下载文件失败，请稍后重发。",
        "en": "Downloading the file failed; please send it again later.",
    },
}


def message(key: str, lang: str, **kwargs: object) -> str:
    return MESSAGES[key][lang if lang in ("zh", "en") else "zh"].format(**kwargs)


def whoami_html(lang: str, user_id: int, chat_id: int, chat_type: str, role: str) -> str:
    if lang == "zh":
        return (
            f"用户 id：<code>{user_id}</code>\n聊天 id：<code>{chat_id}</code>（{escape(chat_type)}）"
            f"\n角色：{escape(role)}"
        )
    return (
        f"User id: <code>{user_id}</code>\nChat id: <code>{chat_id}</code> ({escape(chat_type)})"
        f"\nRole: {escape(role)}"
    )
