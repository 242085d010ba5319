"""Site-wide error pages; the API answers in its JSON error shape even for unknown URLs."""

from __future__ import annotations

from django.views.defaults import page_not_found, server_error

from portal.api.errors import error_response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        response = error_response(404, "not_found", "Not found.")
        response.accepted_renderer = _json_renderer()
        response.accepted_media_type = "application/json"
        response.renderer_context = {}
        return response.render()
    return page_not_found(request, exception)


def server_failure(request):
    if _is_api(request):
        from django.http import JsonResponse

        return JsonResponse(
            {"error": {"status": 500, "code": "server_error", "message": "Server error."}},
            status=500,
        )
    return server_error(request)


def _json_renderer():
    from rest_framework.renderers import JSONRenderer

    return JSONRenderer()
