"""Requests no view can serve, refused before they reach one."""

from django.http import HttpResponseBadRequest, JsonResponse


class RefuseUnstorableQueryMiddleware:
    """A NUL character in the query string cannot be stored or searched for: 400 (JSON under /api/), never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            message = "The query string contains a NUL character."
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message}, status=400, content_type="application/json; charset=utf-8")
            return HttpResponseBadRequest(message)
        return self.get_response(request)
