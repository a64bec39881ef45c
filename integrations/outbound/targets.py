"""Where Warroom may send: outgoing targets on loopback, private, link-local or otherwise non-public addresses are
refused (a subscriber must not make the server call into its own network) unless WARROOM_OUTBOUND_ALLOW_PRIVATE=1,
which self-hosted setups on one network set. Redirects are never followed: a 3xx is an answer, not a new target."""

import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeTarget(ValueError):
    """The URL may not be sent to; the message says why and what to do."""


def check_target(url: str) -> None:
    """Raise UnsafeTarget unless `url` is http(s) and every address its host resolves to is public (or allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget("The URL must be an absolute http:// or https:// URL.")
    if settings.WARROOM_OUTBOUND_ALLOW_PRIVATE:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)}
    except (OSError, ValueError) as error:
        raise UnsafeTarget(f"The host {parts.hostname} cannot be resolved ({error}).")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise UnsafeTarget(
                f"{parts.hostname} resolves to {ip}, a loopback or private address; Warroom sends only to public "
                "addresses unless WARROOM_OUTBOUND_ALLOW_PRIVATE=1 is set."
            )


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx


OPENER = urllib.request.build_opener(_RefuseRedirects)


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, str]:
    """POST `body`; returns (status, the first 500 characters of the answer). Raises UnsafeTarget, or OSError
    (urllib.error.URLError included) when there is no answer; an HTTP error status is returned, not raised."""
    check_target(url)
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", "User-Agent": "Warroom", **headers}, method="POST"
    )
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read(2000).decode("utf-8", "replace")[:500]
    except urllib.error.HTTPError as error:
        return error.code, error.read(2000).decode("utf-8", "replace")[:500]
