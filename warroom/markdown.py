"""User text is Markdown; it is rendered and sanitized once, when saved, and stored beside its source.

Templates show the stored HTML; nothing else in the project marks user text safe.
"""

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
    "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}, "span": {"class"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]


def render_markdown(text: str) -> str:
    """Markdown to sanitized HTML: no scripts, event handlers, javascript: or data: URLs survive."""
    html = md.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


# Inline markup only (the quote sits inside a sentence): emphasis, code, links, tables, strikethrough.
_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_[]|~"})


def quote_plain(text: str) -> str:
    """Untrusted plain text (an alert's summary, a title) quoted inside Markdown the record writes: shown exactly
    as sent, never lost to the sanitizer and never read as markup (`5% <script>x</script>` stays visible)."""
    escaped = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.translate(_MARKDOWN_SPECIALS).replace("\r", " ").replace("\n", " ")
