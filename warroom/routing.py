"""WebSocket routes: the live war room (incidents/live/consumers.py), behind session and bearer-token auth."""

from channels.routing import URLRouter
from django.urls import path

from incidents.live.consumers import RoomConsumer, auth_stack

websocket_urlpatterns: list = [
    path("ws/incidents/<int:pk>/", RoomConsumer.as_asgi()),
]

websocket_application = auth_stack(URLRouter(websocket_urlpatterns))
