"""Webhook delivery: POST each pending update to the bot's URL, in order.

Telegram retries a failed delivery and reports the last error in
getWebhookInfo; the sandbox does the same with a short back-off, so a bot in
webhook mode can be tested end to end. Only loopback URLs are accepted by
setWebhook, so this never sends anything off the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp

from bot.sandbox.world import BotAccount, World

_LOGGER = logging.getLogger(__name__)
RETRY_DELAY = 0.5


class WebhookDelivery:
    """One background task that serves every bot with a webhook set."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._task = asyncio.create_task(self._run(), name="sandbox-webhooks")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._session:
            await self._session.close()

    async def _run(self) -> None:
        while True:
            progressed = False
            failed = False
            for bot in list(self.world.bots.values()):
                if bot.webhook and bot.updates:
                    ok = await self._deliver_one(bot)
                    progressed |= ok
                    failed |= not ok
            if failed:
                await asyncio.sleep(RETRY_DELAY)
            elif not progressed:
                await self.world.update_arrived.wait(3600)

    async def _deliver_one(self, bot: BotAccount) -> bool:
        assert self._session is not None and bot.webhook is not None
        update = bot.updates[0]
        headers = {}
        if bot.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = bot.webhook["secret_token"]
        try:
            async with self._session.post(
                bot.webhook["url"], json=update.to_api(), headers=headers
            ) as response:
                if 200 <= response.status < 300:
                    if bot.updates and bot.updates[0] is update:
                        bot.updates.pop(0)
                    bot.webhook_error = None
                    return True
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection refused: {exc.__class__.__name__}"
        _LOGGER.debug("webhook delivery to %s failed: %s", bot.webhook["url"], error)
        bot.webhook_error = {"last_error_date": self.world.now(), "last_error_message": error}
        return False
