"""Security headers: a Content-Security-Policy with no inline script on every page, HSTS and Secure cookies
with HTTPS=1, and the API docs from the app's own static files, behind login."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def policy(answer) -> dict[str, list[str]]:
    directives = {}
    for part in answer["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def test_every_page_gets_a_policy_without_inline_script(client, alice, incident):
    client.force_login(alice)
    for path in ("/incidents/", f"/incidents/{incident.pk}/", "/incidents/declare/", "/status/"):
        csp = policy(client.get(path))
        assert csp["script-src"] == ["'self'"], path
        assert csp["style-src"] == ["'self'"] and csp["object-src"] == ["'none'"], path
        assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"], path


def test_with_sso_the_provider_is_a_form_target(client, settings):
    settings.OIDC_ISSUER = "https://idp.example.com/realms/ops"
    assert policy(client.get("/login/"))["form-action"] == ["'self'", "https://idp.example.com"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"\bstyle\s*=", re.I), "an inline style attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"\bhx-on", re.I), "an hx-on handler (htmx evaluates it)"),
]


def test_templates_and_scripts_hold_nothing_the_policy_blocks():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        # The standalone postmortem export is a downloaded file (Content-Disposition: attachment), not a page.
        text = re.sub(r"{% partialdef standalone %}.*?{% endpartialdef %}", "", text, flags=re.S)
        found += [f"{path.relative_to(ROOT)}: {what}" for pattern, what in INLINE if pattern.search(text)]
    for path in sorted((ROOT / "static" / "js").rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\beval\(|new Function\(", text):
            found.append(f"{path.relative_to(ROOT)}: eval")
    assert found == []


def test_the_scanner_sees_what_it_looks_for():
    assert [what for pattern, what in INLINE if pattern.search('<button onclick="x()" style="a">')] == [
        "an inline event handler",
        "an inline style attribute",
    ]
    assert INLINE[0][0].search("<script>alert(1)</script>") and not INLINE[0][0].search('<script src="/a.js">')


def settings_under(**environ) -> dict:
    """Settings as a fresh process reads them from this environment (no test overrides)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'hsts': s.SECURE_HSTS_SECONDS, 'session': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE, "
        "'proxy': s.SECURE_PROXY_SSL_HEADER}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "warroom.settings", **environ}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_https_turns_on_hsts_and_secure_cookies():
    assert settings_under(HTTPS="1") == {
        "hsts": 31536000,
        "session": True,
        "csrf": True,
        "proxy": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    assert settings_under(HTTPS="0") == {"hsts": 0, "session": False, "csrf": False, "proxy": None}


def test_an_https_answer_carries_hsts_and_a_secure_session_cookie(client, alice, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    answer = client.post("/login/", {"username": "alice", "password": "pw-alice-123"}, HTTP_X_FORWARDED_PROTO="https")
    assert answer["Strict-Transport-Security"] == "max-age=31536000"
    assert answer.cookies["sessionid"]["secure"] is True
    assert "Strict-Transport-Security" not in client.get("/login/")  # plain http: no HSTS


def test_the_api_docs_are_behind_login_and_served_from_static(client, alice):
    anonymous = client.get("/api/v1/docs")
    assert anonymous.status_code == 302 and anonymous.url.startswith("/login/?next=/api/v1/docs")
    client.force_login(alice)
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page and "/static/js/api_docs.js" in page
    assert "cdn" not in page.lower() and "http" not in page.replace("http-equiv", "")
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Warroom API"
