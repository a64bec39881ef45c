"""WebSocket routes. The live room consumer lives in incidents/consumers.py."""

websocket_urlpatterns: list = []
