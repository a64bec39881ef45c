"""Alert text in timeline entries. Labels, annotations and names come from outside: they are escaped so
they show as typed and can never become markup, links or images (entries are Markdown)."""

import re

from .models import Alert

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape(text: str) -> str:
    """Markdown-inert text: HTML characters as entities, Markdown punctuation backslash-escaped, one line."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return MARKDOWN_SPECIALS.sub(r"\\\1", text)


def alert_line(alert: Alert) -> str:
    """`- **CheckoutErrorRate** (instance checkout-1:8080): Checkout 5xx above 5% · [source](…)`"""
    line = f"- **{escape(alert.name)}**"
    if instance := alert.labels.get("instance") or alert.labels.get("host"):
        line += f" ({escape(instance)})"
    if alert.summary and alert.summary != alert.name:
        line += f": {escape(alert.summary[:300])}"
    if alert.source_url:
        line += f" · [source]({_link(alert.source_url)})"
    return line


def _link(url: str) -> str:
    # Characters that would end a Markdown link target early are percent-encoded.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
