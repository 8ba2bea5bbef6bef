"""Slack text in, plain question out; Slack places to conversation ids. Pure functions."""

from __future__ import annotations

import re

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#[CG][A-Z0-9]+\|([^>]*)>|<#[CG][A-Z0-9]+>")
_SPECIAL = re.compile(r"<!(?:here|channel|everyone)(?:\|[^>]*)?>|<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>|<![^>]*>")
_LINK = re.compile(r"<((?:https?|mailto|tel):[^|>]*)(?:\|([^>]*))?>")
_NOT_ID = re.compile(r"[^A-Za-z0-9]")


def plain_question(text: str, bot_user_id: str | None = None) -> str:
    """The question as typed, without Slack's markup: the bot's mention dropped (every mention when the bot's id
    is unknown), another person's mention read as "someone", links as their label, channel names as #name,
    &amp; and friends undone, whitespace collapsed."""
    text = _USER.sub(lambda m: "" if bot_user_id is None or m.group(1) == bot_user_id else "someone", text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(1)}" if m.group(1) else "", text)
    text = _SPECIAL.sub(lambda m: f"@{m.group(1)}" if m.group(1) else "", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:").removeprefix("tel:"), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def conversation_id(team: str | None, channel: str, thread_ts: str | None = None, user: str | None = None) -> str:
    """A conversation id for the engine from a Slack place: `slack-<team>-<channel>[-<thread ts>][-<user>]`.

    A thread is one conversation; a direct message channel without a thread is one conversation; a /lscb
    command's conversation is the user's own in that channel. The id only holds Slack ids (no text) and matches
    the engine's `[A-Za-z0-9_-]{8,128}`.
    """
    if not channel:
        raise ValueError("a Slack conversation needs a channel id")
    parts = ["slack", team or "T", channel, *(p for p in (thread_ts, user) if p)]
    cleaned = "-".join(_NOT_ID.sub("-", p).strip("-") or "x" for p in parts)
    return cleaned[:128]
