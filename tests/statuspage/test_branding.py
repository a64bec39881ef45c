"""Branding from WARROOM["STATUS_PAGE"]: the page's name, logo, accent colour and support link, and the checks
that name a setting that makes no sense."""

from django.test import Client

from statuspage.checks import check_branding


def brand(settings, **config):
    settings.WARROOM = {**settings.WARROOM, "STATUS_PAGE": config}


def test_it_brands_the_page(settings, db):
    brand(
        settings,
        NAME="Acme status",
        LOGO_URL="https://cdn.acme.test/logo.svg",
        ACCENT_COLOR="#c2185b",
        SUPPORT_URL="https://acme.test/help",
    )
    html = Client().get("/status/").content.decode()
    assert "<title>Acme status</title>" in html and 'src="https://cdn.acme.test/logo.svg"' in html
    assert "--status-accent: #c2185b;" in html and 'href="https://acme.test/help">Support</a>' in html
    assert not check_branding()


def test_it_never_puts_a_colour_that_is_not_hex_into_css(settings, db):
    brand(settings, ACCENT_COLOR="red; } body { display: none")
    html = Client().get("/status/").content.decode()
    assert "display: none" not in html and "--status-accent" not in html.split("</head>")[0].split("status.css")[1]
    [error] = check_branding()
    assert error.id == "statuspage.E001" and "#1f6feb" in error.hint


def test_it_names_a_public_url_that_is_not_absolute(settings):
    brand(settings, PUBLIC_URL="status.acme.test", SUPPORT_URL="acme.test/help", LOGO_URL="https://cdn.acme.test/l.svg")
    assert [(e.id, e.msg.split()[0]) for e in check_branding()] == [
        ("statuspage.E002", "STATUS_PAGE_URL"),
        ("statuspage.E002", "STATUS_PAGE_SUPPORT_URL"),
    ]
    brand(settings, SUPPORT_URL="mailto:help@acme.test")
    assert check_branding() == []
