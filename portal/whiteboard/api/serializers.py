from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.schema import request_example
from portal.api.serializers import StrictModelSerializer, StrictSerializer
from portal.classes.models import SchoolClass
from portal.homework.models import Homework
from portal.whiteboard.models import Whiteboard
from portal.whiteboard.selectors import EXPORT_FORMATS, OPS_PAGE


@extend_schema_field(OpenApiTypes.INT)  # a primary key, also where no model tells the schema
class VisibleTo(serializers.PrimaryKeyRelatedField):
    """An object of `model` the requesting user can see; others are "does not exist"."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.visible_to(self.context["request"].user)


@request_example("A board for one lesson", {"school_class": 3, "title": "Fractions, lesson 2"})
class WhiteboardSerializer(StrictModelSerializer):
    """A board; `last_seq` is also how many ops it holds (seqs have no gaps)."""

    school_class = VisibleTo(SchoolClass)
    class_code = serializers.CharField(source="school_class.code", read_only=True)
    centre = serializers.IntegerField(source="school_class.centre_id", read_only=True)

    class Meta:
        model = Whiteboard
        fields = [
            "id",
            "centre",
            "school_class",
            "class_code",
            "title",
            "is_default",
            "locked",
            "last_seq",
            "created_at",
        ]
        read_only_fields = ["id", "is_default", "locked", "last_seq", "created_at"]


class HistoryQuerySerializer(StrictSerializer):
    after = serializers.IntegerField(min_value=0, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=OPS_PAGE, default=OPS_PAGE)


class HistoryPageSerializer(serializers.Serializer):
    ops = serializers.ListField(child=serializers.DictField())
    next_after = serializers.IntegerField(
        allow_null=True, help_text="Pass as `after` for the next page; null on the last page."
    )


class ExportQuerySerializer(StrictSerializer):
    file_format = serializers.ChoiceField(choices=list(EXPORT_FORMATS), default="png")
    seq = serializers.IntegerField(min_value=0, required=False)


@request_example("Attach the board to a homework", {"homework": 7})
class AttachSerializer(StrictSerializer):
    homework = VisibleTo(Homework)


class AttachedDocumentSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    title = serializers.CharField()
    homework = serializers.IntegerField()
