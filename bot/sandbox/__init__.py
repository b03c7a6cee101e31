"""A local Telegram Bot API server for running and testing the bot without Telegram.

``SandboxServer`` speaks the Bot API over HTTP (python-telegram-bot connects to
it through ``base_url``), keeps chats in memory, lets tests act as users
(``server.world``) and inject failures (``server.faults``), and serves a web
chat page at ``/`` where a person can talk to the bot.
"""

from bot.sandbox.errors import ApiError
from bot.sandbox.faults import Fault, FaultPlan
from bot.sandbox.models import CallbackQuery, Chat, Event, Message, StoredFile, User
from bot.sandbox.run import run_sandbox, seed_demo, serve
from bot.sandbox.server import DEFAULT_TOKEN, SandboxServer
from bot.sandbox.world import BotAccount, World

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotAccount",
    "CallbackQuery",
    "Chat",
    "Event",
    "Fault",
    "FaultPlan",
    "Message",
    "SandboxServer",
    "StoredFile",
    "User",
    "World",
    "run_sandbox",
    "seed_demo",
    "serve",
]
