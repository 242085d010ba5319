"""Serializer base classes shared by every API endpoint."""

from __future__ import annotations

from rest_framework import serializers


class RejectUnknownFieldsMixin:
    """A misspelt field is an error, not silently ignored (the client thinks it was saved).

    Read-only fields are still accepted and ignored, so a client may send back what it read.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class StrictModelSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    pass


class StrictSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    pass
