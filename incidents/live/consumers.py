"""The live war room socket, `/ws/incidents/<id>/`: everyone in the room sees the same record, at once.

Thin by design (DESIGN.md, "Broadcast"): authenticate and authorize before accepting, join the
incident's group, replay from the database what the client missed, then forward the fragments that
incidents/live/broadcast.py rendered once per transaction. Protocol (README, "Live room protocol"):

- server → client: text frames of HTML fragments (htmx out-of-band swaps); each entry has `id="entry-<pk>"`.
- client → server: `{"type": "resume", "after": <last entry id shown>}` on every (re)connect.
"""

import asyncio
import json
import logging
import time
from collections import deque
from urllib.parse import urlsplit

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import validate_host
from django.utils import timezone

from ..access import can_write
from ..models import ApiToken
from . import broadcast, presence, replay

log = logging.getLogger(__name__)

#: Close codes the page understands: access ended (signed out, deactivated, token revoked or expired) and
#: the room is no longer visible to this user (made private, removed from it). Neither reconnects.
CLOSE_ACCESS_ENDED = 4401
CLOSE_NOT_VISIBLE = 4404
#: At most this many resume frames are honoured per window; one replay runs at a time (messages are serial).
RESUME_BURST = 3
RESUME_WINDOW = 10.0


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class BearerTokenAuthMiddleware(BaseMiddleware):
    """Bots send `Authorization: Bearer <token>` on the handshake; it replaces the session user."""

    async def __call__(self, scope, receive, send):
        auth = _header(scope, b"authorization") or ""
        if auth[:7].lower() == "bearer ":
            token = await database_sync_to_async(ApiToken.objects.find)(auth[7:].strip())
            scope = dict(
                scope,
                user=token.user if token else AnonymousUser(),
                auth="bearer",
                token_id=token.pk if token else None,
                token_expires_at=token.expires_at if token else None,
            )
        return await super().__call__(scope, receive, send)


def auth_stack(inner):
    """Session cookie for browsers, bearer token for bots (the token wins when both are sent)."""
    return AuthMiddlewareStack(BearerTokenAuthMiddleware(inner))


def origin_allowed(scope) -> bool:
    """Browsers always send Origin: it must be this site's own (scheme, host and port), or another site could
    ride the session cookie. Only a bearer-token client (a bot) may connect without one."""
    origin = _header(scope, b"origin")
    if origin is None:
        return scope.get("auth") == "bearer"
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    try:
        parts = urlsplit(origin)
        origin_port = parts.port
    except ValueError:
        return False
    host = _header(scope, b"host") or ""
    own_host, own_port = split_host(host)
    if not parts.hostname or not own_host or not validate_host(own_host, settings.ALLOWED_HOSTS):
        return False
    forwarded = (_header(scope, b"x-forwarded-proto") or "").lower()
    secure = scope.get("scheme") == "wss" or forwarded == "https" or settings.HTTPS
    scheme = "https" if secure else "http"
    default = 443 if scheme == "https" else 80
    origin_host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return parts.scheme == scheme and origin_host == own_host and (origin_port or default) == (own_port or default)


def split_host(host: str) -> tuple[str, int | None]:
    """A Host header split into name and port: `example.com:8000` → ("example.com", 8000), `[::1]` keeps brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        name, rest = host[: end + 1], host[end + 1 :]
        port = rest[1:] if rest.startswith(":") else ""
    elif host.count(":") == 1:
        name, port = host.split(":")
    else:
        name, port = host, ""
    return name, int(port) if port.isdigit() else None


class RoomConsumer(AsyncWebsocketConsumer):
    group: str | None = None

    async def connect(self):
        self.incident_id = int(self.scope["url_route"]["kwargs"]["pk"])
        user = self.scope.get("user")
        if not origin_allowed(self.scope) or not await database_sync_to_async(replay.may_watch)(user, self.incident_id):
            await self.close()  # before accept(): the handshake is refused with 403
            return
        self.user = user
        self.can_write = await database_sync_to_async(can_write)(user)
        self.last_id: int | None = None  # highest entry id sent on this socket
        self.replayed: set[int] = set()  # sent from the database; their live copies are dropped
        self.resumes: deque[float] = deque(maxlen=RESUME_BURST)  # when the last resume frames were honoured
        # The groups that end this socket when its user, session or token loses access.
        session = self.scope.get("session")
        self.access_groups = broadcast.access_groups(
            user_id=user.pk,
            session_key=session.session_key if session is not None and self.scope.get("auth") != "bearer" else None,
            token_id=self.scope.get("token_id"),
        )
        # Join before accepting: whatever commits from now on arrives live, the rest is in the database.
        try:
            for group in [*self.access_groups, broadcast.group_name(self.incident_id)]:
                await self.channel_layer.group_add(group, self.channel_name)
        except Exception:
            # The channel layer (Redis) is down: refuse the handshake cleanly; the page shows Reconnecting, retries
            # with back-off, and catches up from the database once the layer is back.
            log.warning("refused a socket to incident %s: the channel layer is unavailable", self.incident_id)
            await self.close()
            return
        self.group = broadcast.group_name(self.incident_id)
        await self.accept()
        expires_at = self.scope.get("token_expires_at")
        if expires_at is not None:
            delay = max(0.0, (expires_at - timezone.now()).total_seconds())
            self.expiry = asyncio.get_running_loop().call_later(
                delay, lambda: asyncio.ensure_future(self.close(code=CLOSE_ACCESS_ENDED))
            )
        presence.heartbeats.attach()
        if await database_sync_to_async(presence.join)(self.incident_id, user.pk, self.channel_name):
            await self._announce_presence()

    async def disconnect(self, code):
        if self.group is None:
            return
        if getattr(self, "expiry", None) is not None:
            self.expiry.cancel()
        for group in self.access_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        await self.channel_layer.group_discard(self.group, self.channel_name)
        presence.heartbeats.detach()
        if await database_sync_to_async(presence.leave)(self.channel_name):
            await self._announce_presence()

    async def receive(self, text_data=None, bytes_data=None):
        try:
            request = json.loads(text_data or "")
            after = int(request["after"]) if request.get("type") == "resume" else None
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):  # 1e400 is infinity: no id
            log.info("ignored a malformed frame on %s", self.channel_name)
            return
        if after is None:
            return
        # A client resumes once per (re)connect; a flood of resume frames is not honoured.
        now = time.monotonic()
        if len(self.resumes) == RESUME_BURST and now - self.resumes[0] < RESUME_WINDOW:
            log.info("ignored a resume beyond the rate on %s", self.channel_name)
            return
        self.resumes.append(now)
        await self._replay(after, late=True)
        self.last_id = max(self.last_id or 0, after)
        await self.send(
            text_data=await database_sync_to_async(replay.room_state)(self.incident_id, can_write=self.can_write)
        )

    # --- group messages (types sent by incidents/live/broadcast.py) --------------------------------

    async def room_update(self, event):
        """A committed transaction: its entries, and the touched panels in the variant this user may see."""
        if event.get("recheck_access") and not await self._still_allowed():
            return
        previous = event.get("previous_id")
        if self.last_id is not None and previous is not None and previous > self.last_id:
            # The layer dropped messages for this socket (its buffer was full): catch up from the record.
            await self._replay(self.last_id)
        frame = []
        for entry_id, html in event["entries" if self.can_write else "entries_read"]:
            if entry_id in self.replayed:
                self.replayed.discard(entry_id)
                continue
            if self.replayed and entry_id > max(self.replayed):
                self.replayed.clear()  # the live stream has passed the replayed range
            self.last_id = max(self.last_id or 0, entry_id)
            frame.append(html)
        frame.append(event["panels"]["write" if self.can_write else "read"])
        text = "".join(frame)
        if text:
            await self.send(text_data=text)

    async def room_html(self, event):
        await self.send(text_data=event["html"])

    async def access_ended(self, event):
        """The user was deactivated or changed password, the session logged out, or the token was revoked."""
        log.info("closing %s: %s", self.channel_name, event.get("reason", "access ended"))
        await self.close(code=CLOSE_ACCESS_ENDED)

    async def _still_allowed(self) -> bool:
        """After a change of who may see the room: close this socket if its user no longer may."""
        allowed, writer = await database_sync_to_async(replay.access_now)(self.user.pk, self.incident_id)
        if not allowed:
            await self.close(code=CLOSE_NOT_VISIBLE)
            return False
        self.can_write = writer
        return True

    # --- helpers ------------------------------------------------------------------------------------

    async def _replay(self, after: int, *, late: bool = False) -> None:
        while True:
            frames = await database_sync_to_async(replay.entry_frames)(
                self.incident_id, after, late=late, can_write=self.can_write
            )
            for entry_id, html in frames:
                await self.send(text_data=html)
                self.replayed.add(entry_id)
                self.last_id = max(self.last_id or 0, entry_id)
            if len(frames) < replay.REPLAY_BATCH:
                return
            after, late = frames[-1][0], False

    async def _announce_presence(self) -> None:
        html = await database_sync_to_async(presence.render)(self.incident_id)
        await broadcast.send_presence(self.incident_id, html)
