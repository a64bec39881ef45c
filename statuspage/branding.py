"""The status page's name, logo, accent colour, support link and public address, from WARROOM["STATUS_PAGE"].

A custom domain works by pointing it at the app, listing it in ALLOWED_HOSTS and setting the public URL
(STATUS_PAGE_URL, else SITE_URL + /status/): links in the JSON, the feeds and the mail use it.
"""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


@dataclass(frozen=True)
class Branding:
    name: str
    logo_url: str
    accent_colour: str  # "#rrggbb" or "" (the site's accent)
    support_url: str
    public_url: str  # absolute, ends with "/"

    @property
    def page_id(self) -> str:
        """Statuspage's page id: short, stable for one public address."""
        return hashlib.sha256(self.public_url.encode()).hexdigest()[:12]

    def link(self, path: str = "") -> str:
        """An absolute public link; `path` is relative to the status page ("incidents/4/")."""
        return self.public_url + path.lstrip("/")


def branding() -> Branding:
    config = settings.WARROOM.get("STATUS_PAGE", {})
    public_url = (config.get("PUBLIC_URL") or f"{settings.SITE_URL}/status/").rstrip("/") + "/"
    colour = config.get("ACCENT_COLOR", "")
    return Branding(
        name=config.get("NAME") or "Service status",
        logo_url=config.get("LOGO_URL", ""),
        # Anything but a hex colour is dropped here (and reported by check statuspage.E001), never put in CSS.
        accent_colour=colour if HEX_COLOUR.match(colour) else "",
        support_url=config.get("SUPPORT_URL", ""),
        public_url=public_url,
    )
