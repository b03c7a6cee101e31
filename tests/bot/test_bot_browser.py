"""The real bankpm bot in headless Chromium, through the sandbox's chat page.

A person opens the page, asks a metric question in Chinese, sees the answer with its
numbers, then the chart, and presses a follow-up button that runs the next question.
Needs Debian's ``chromium`` and ``chromium-driver`` (installed by ``make test``'s
set-up) and ``selenium``; skipped with the reason when any is missing.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from tests.browser import NEEDS_CHROMIUM, chromium

if TYPE_CHECKING:
    from conftest import BotHarness


pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    *NEEDS_CHROMIUM,
]

QUESTION = "闪借近6个月逾期率趋势"


def converse(url: str, user_id: int) -> dict[str, object]:
    """Blocking browser session (runs in a thread while the bot answers on the loop)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    with chromium() as driver:
        wait = WebDriverWait(driver, 30, poll_frequency=0.1)
        driver.get(f"{url}/?user={user_id}")
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
        driver.find_element(By.ID, "input").send_keys(QUESTION)
        driver.find_element(By.ID, "send").click()
        wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".msg.bot .text"), "逾期率"))
        image = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".msg.bot img")))
        wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", image) > 0)
        answer = driver.find_elements(By.CSS_SELECTOR, ".msg.bot .text")[0].text
        follow_ups = [
            b
            for b in driver.find_elements(By.CSS_SELECTOR, "button.inline-btn")
            if (b.get_attribute("data-callback") or "").startswith("q:")
        ]
        label = follow_ups[0].text
        before = len(driver.find_elements(By.CSS_SELECTOR, ".msg.bot .text"))
        follow_ups[0].click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".msg.bot .text")) > before)
        return {
            "answer": answer,
            "image_width": driver.execute_script("return arguments[0].naturalWidth", image),
            "follow_up": label,
            "user_messages": len(driver.find_elements(By.CSS_SELECTOR, ".msg.user")),
        }


async def test_a_person_asks_sees_numbers_and_chart_and_presses_a_follow_up(
    bot: BotHarness,
) -> None:
    pytest.importorskip("selenium", reason="needs the selenium package")
    uid = bot.user("pm")
    seen = await asyncio.to_thread(converse, bot.sandbox.url, uid)
    assert "逾期率" in str(seen["answer"]) and "数据截至" in str(seen["answer"])
    assert int(seen["image_width"]) >= 600  # the chart, drawn and shown
    assert seen["user_messages"] == 1  # the follow-up was a button, not typed
    rows = bot.audit(uid)
    assert [r["outcome"] for r in rows] == ["answered", "answered"]
    assert rows[0]["question"] == QUESTION and rows[1]["question"] != QUESTION
