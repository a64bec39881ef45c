"""Mattermost's shape of a chat message (incoming webhook): Markdown text with a link to the room, posted as
"Warroom". Sent by the chat pipeline (chat.py)."""

import re

MARKDOWN_LINK_TEXT = re.compile(r"([\[\]\\])")


def message(head: dict, text: str) -> dict:
    title = f"{head['ref']} {head['title']}" if head["title"] else head["ref"]
    label = MARKDOWN_LINK_TEXT.sub(r"\\\1", title)
    line = f"**{head['severity']}** [{label}]({head['url']})"
    return {"username": "Warroom", "text": f"{line}\n{text}"}
