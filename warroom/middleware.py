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


class ApiErrorsAreJsonMiddleware:
    """Under /api/, every error is a JSON object, whoever produced it (an unknown path, a method the route does not
    take, Django refusing a request before any view ran): bots parse one shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            message = {
                404: "No such API endpoint. The operations are listed at /api/v1/openapi.json.",
                405: f"{request.method} is not allowed here; allowed: {response.get('Allow', 'see /api/v1/docs')}.",
            }.get(response.status_code, response.reason_phrase)
            json_response = JsonResponse(
                {"error": message}, status=response.status_code, content_type="application/json; charset=utf-8"
            )
            for header in ("Allow", "Retry-After"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response
