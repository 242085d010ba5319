"""OpenAPI schema generation: our paths only, and the standard error shape on every operation."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema_serializer
from rest_framework import serializers

from portal.api.serializers import StrictSerializer


def only_api_v1(endpoints):
    """Document our API only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def closed_request_bodies(result, generator, request, public):
    """Request bodies refuse unknown fields (see RejectUnknownFieldsMixin); say so."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result


def request_example(summary: str, value: dict):
    """`@request_example("…", {...})` on a serializer: an example request body for every
    operation that takes it (create, update, partial update or action)."""
    return extend_schema_serializer(
        examples=[OpenApiExample(summary, value=value, request_only=True)]
    )


class ErrorDetailSerializer(StrictSerializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.JSONField(), required=False, help_text="Field name → messages."
    )


class ErrorSerializer(StrictSerializer):
    error = ErrorDetailSerializer()


ERRORS = {
    "400": "The request is malformed or a field is not valid; `fields` says which.",
    "401": "No valid access token (missing, expired, forged or of a deactivated account).",
    "403": "The object is visible to you, but you may not do this to it.",
    "404": "No such object, or not one of your centres'.",
    "415": "The body's Content-Type is not one this operation reads (JSON, or a form).",
    "429": "Too many requests; wait for the number of seconds in Retry-After.",
}


class PortalAutoSchema(AutoSchema):
    """Every operation documents the errors it can answer with, in the one error shape."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status, description in ERRORS.items():
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), status
                )
        return responses
