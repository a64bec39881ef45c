"""Property tests: whatever text or JSON arrives, the sanitizer lets no script through and the alert parsers
either read it or refuse it with a PayloadError (the 4xx path), never another exception."""

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrations import senders
from integrations.senders.events import PayloadError
from warroom.markdown import quote_plain, render_markdown

HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "<a href='data:text/html,x'>y</a>",
        "<svg onload=alert(1)>",
        "<iframe src=//evil>",
        "`<b>`",
        "**",
        "<",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=40), HOSTILE), max_size=8).map("".join)


class Elements(HTMLParser):
    """The tags and attributes an HTML fragment really has (text that merely looks like markup is not one)."""

    def __init__(self):
        super().__init__()
        self.tags, self.attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.extend(attrs)


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


@settings(max_examples=300, derandomize=True, deadline=None)
@given(TEXT)
def test_the_sanitizer_lets_no_script_through(text):
    found = elements(render_markdown(text))
    assert not found.tags & {"script", "iframe", "svg", "img", "object", "embed", "style"}
    for name, value in found.attributes:
        assert not name.startswith("on"), (name, value)
        if name in ("href", "src"):
            assert (value or "").strip().lower().split(":")[0] in ("http", "https", "mailto") or ":" not in value


@settings(max_examples=300, derandomize=True, deadline=None)
@given(TEXT)
def test_quoted_text_renders_as_sent_without_markup(text):
    assert elements(render_markdown(quote_plain(text))).tags <= {"p", "br"}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)
SHAPED = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["firing", "resolved", "triggered", "x", 1, None]),
        "alerts": st.lists(JSON, max_size=3),
        "title": JSON,
        "severity": JSON,
        "labels": JSON,
        "event_action": st.sampled_from(["trigger", "acknowledge", "resolve", "x"]),
        "payload": JSON,
        "routing_key": JSON,
        "message": JSON,
        "alias": JSON,
    },
)


@pytest.mark.parametrize("kind", sorted(senders.PARSERS))
@settings(max_examples=150, derandomize=True, deadline=None)
@given(payload=st.one_of(st.dictionaries(st.text(max_size=12), JSON, max_size=6), SHAPED))
def test_alert_parsers_read_or_refuse_any_json_object(kind, payload):
    """The door refuses a body that is not a JSON object; any object must parse or raise PayloadError."""
    try:
        senders.PARSERS[kind](payload, {})
    except PayloadError:
        pass
