"""Slack's shape of a chat message (incoming webhook): one line with a link to the room, then the text in mrkdwn.
Sent by the chat pipeline (integrations/outbound/chat.py) like every chat's."""


def message(head: dict, text: str) -> dict:
    title = f"{head['ref']} {head['title']}" if head["title"] else head["ref"]
    line = f"*{head['severity']}* <{head['url']}|{escape(title)}>"
    return {"text": f"{line}\n{escape(text)}", "unfurl_links": False}


def escape(text: str) -> str:
    # Slack treats &, < and > as control characters in message text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
