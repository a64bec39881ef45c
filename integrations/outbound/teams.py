"""Microsoft Teams' shape of a chat message: an Adaptive Card, as a Teams Workflows webhook ("post to a channel when
a webhook request is received") and the older incoming webhooks take it. Sent by the chat pipeline (chat.py)."""

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
COLORS = {"SEV1": "Attention", "SEV2": "Attention", "SEV3": "Warning"}


def message(head: dict, text: str) -> dict:
    title = f"{head['ref']} {head['title']}" if head["title"] else head["ref"]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": f"{head['severity']} · {title}",
                "weight": "Bolder",
                "size": "Medium",
                "color": COLORS.get(head["severity"], "Default"),
                "wrap": True,
            },
            {"type": "TextBlock", "text": text, "wrap": True},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open the war room", "url": head["url"]}],
    }
    return {"type": "message", "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}]}
