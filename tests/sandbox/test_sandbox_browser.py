"""The chat page in headless Chromium: send, see the reply and a photo, press a button.

Needs Debian's ``chromium`` and ``chromium-driver`` packages and the ``selenium``
Python package; skipped with the reason when any is missing. Selenium is given
both binaries explicitly so that it never tries to download a driver.
"""

from __future__ import annotations

import asyncio
import os

import pytest
from sandbox_helpers import Harness

from bot.sandbox import SandboxServer
from tests.browser import NEEDS_CHROMIUM, chromium

pytestmark = NEEDS_CHROMIUM


def browse(url: str, user_id: int, screenshot: str | None) -> dict[str, object]:
    """Drive the page like a person would (blocking; runs in a worker thread)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    with chromium() as driver:
        wait = WebDriverWait(driver, 10, poll_frequency=0.05)
        driver.get(f"{url}/?user={user_id}")
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
        driver.find_element(By.ID, "input").send_keys("逾期率 <趋势> & chart")
        driver.find_element(By.ID, "send").click()
        wait.until(
            ec.text_to_be_present_in_element(
                (By.CSS_SELECTOR, ".msg.bot .text"), "echo: 逾期率 <趋势> & chart"
            )
        )
        image = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".msg.bot img")))
        wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", image) > 0)
        bold = driver.find_element(By.CSS_SELECTOR, ".msg.bot .caption b").text
        driver.find_element(By.CSS_SELECTOR, 'button.inline-btn[data-callback="approve"]').click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "toast"), "Got approve"))
        wait.until(
            ec.text_to_be_present_in_element(
                (By.CSS_SELECTOR, ".msg.bot.edited .caption"), "chosen: approve"
            )
        )
        if screenshot:
            driver.save_screenshot(screenshot)
        return {
            "user_messages": len(driver.find_elements(By.CSS_SELECTOR, ".msg.user")),
            "bold": bold,
            "buttons_left": len(driver.find_elements(By.CSS_SELECTOR, "button.inline-btn")),
        }


async def test_chat_page_end_to_end(sandbox: SandboxServer, harness: Harness) -> None:
    pytest.importorskip("selenium", reason="needs the selenium package (pip install selenium)")

    async def echo_with_chart(update, context) -> None:  # type: ignore[no-untyped-def]
        """After the echo, send a chart with buttons, like an Answer with a chart."""
        if update.effective_message.text and not update.effective_message.text.startswith("/"):
            from sandbox_helpers import photo

            await photo(update, context)

    from telegram.ext import MessageHandler, filters

    harness.app.add_handler(MessageHandler(filters.TEXT, echo_with_chart), group=1)
    user = sandbox.world.create_user("Alice", username="alice_pm", language_code="en")
    result = await asyncio.to_thread(
        browse, sandbox.url, user.id, os.environ.get("SANDBOX_SCREENSHOT")
    )
    assert result == {"user_messages": 1, "bold": "Overdue rate", "buttons_left": 0}
    assert sandbox.world.messages(user.id)[0].text == "逾期率 <趋势> & chart"
