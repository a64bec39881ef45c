"""System checks for the status page's settings, registered by StatusPageConfig.ready()."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error

from .branding import HEX_COLOUR


def check_branding(app_configs=None, **kwargs) -> list[Error]:
    config = settings.WARROOM.get("STATUS_PAGE", {})
    errors = []
    colour = config.get("ACCENT_COLOR", "")
    if colour and not HEX_COLOUR.match(colour):
        errors.append(
            Error(
                f"STATUS_PAGE_ACCENT_COLOR {colour!r} is not a hex colour; the page uses the site's accent instead.",
                hint='Write it like "#1f6feb" or "#16b".',
                id="statuspage.E001",
            )
        )
    for name, env in (
        ("PUBLIC_URL", "STATUS_PAGE_URL"),
        ("LOGO_URL", "STATUS_PAGE_LOGO_URL"),
        ("SUPPORT_URL", "STATUS_PAGE_SUPPORT_URL"),
    ):
        value = config.get(name, "")
        parts = urlsplit(value)
        absolute = parts.scheme in ("http", "https") and parts.netloc
        if name == "SUPPORT_URL" and parts.scheme == "mailto" and parts.path:
            absolute = True  # a support address is a fine support link
        if value and not absolute:
            errors.append(
                Error(
                    f"{env} {value!r} is not an absolute http(s) URL.",
                    hint=f"Set {env} like https://status.example.com/ (or leave it unset).",
                    id="statuspage.E002",
                )
            )
    return errors
