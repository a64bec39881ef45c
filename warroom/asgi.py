"""ASGI entry point: HTTP through Django, WebSockets through Channels (the live room)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from .routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application})
