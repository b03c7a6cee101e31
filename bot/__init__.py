"""Thin python-telegram-bot adapter over bankpm_core."""
