"""Serializer base classes shared by every API endpoint."""

from __future__ import annotations

from django.http import QueryDict
from rest_framework import serializers

LIST_FIELDS = (serializers.ListField, serializers.ListSerializer, serializers.ManyRelatedField)


def wrong_type(field: serializers.Field, value) -> str | None:
    """Why `value` is not of the JSON type the schema gives `field` (None if it is). DRF would
    quietly turn a number into text or a yes/no, and an object into an empty list: the client
    would think its mistake was saved."""
    if value is None or field.read_only:
        return None
    if isinstance(field, LIST_FIELDS) and not isinstance(value, list):
        return "Expected a list."
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return "Not a valid string."
    if isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
        return "Must be true or false."
    return None


class RejectUnknownFieldsMixin:
    """A misspelt field is an error, not silently ignored (the client thinks it was saved), and
    so is a value of the wrong JSON type.

    Read-only fields are still accepted and ignored, so a client may send back what it read.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {name: ["Unknown field."] for name in sorted(set(data) - set(self.fields))}
            # A form (multipart upload) has no types: only JSON bodies are held to them.
            typed = not isinstance(data, QueryDict)
            for name, field in self.fields.items():
                if typed and name in data and (problem := wrong_type(field, data[name])):
                    errors[name] = [problem]
            if errors:
                # Report every field's problem at once, the others' too.
                try:
                    super().to_internal_value(data)
                except serializers.ValidationError as others:
                    if isinstance(others.detail, dict):
                        errors = {**others.detail, **errors}
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictModelSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    pass


class StrictSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    pass
