"""User text is Markdown rendered through a sanitizer: hostile input never reaches a page or the API."""

import pytest

from warroom.markdown import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">x</p>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=a></form>',
    "<object data=x></object><embed src=x>",
    '<a href="&#106;avascript:alert(1)">entity</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_it_strips_everything_executable(payload):
    html = render_markdown(payload).lower()
    for needle in [
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "data:",
        "<iframe",
        "<svg",
        "<style",
        "<form",
        "<object",
        "<embed",
        "style=",
    ]:
        assert needle not in html, (payload, html)


def test_it_keeps_ordinary_markdown():
    html = render_markdown("**bold** and `code`\n\n- one\n- two\n\n[runbook](https://wiki.example/runbook)")
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html and "<li>one</li>" in html
    assert '<a href="https://wiki.example/runbook" rel="noopener noreferrer nofollow">runbook</a>' in html


def test_it_escapes_angle_brackets_in_text():
    assert render_markdown("latency < 5s & errors > 1%") == "<p>latency &lt; 5s &amp; errors &gt; 1%</p>"
