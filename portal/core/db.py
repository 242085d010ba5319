"""Query expressions the ORM lacks, for both databases we run on (PostgreSQL and SQLite)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import JSONObject


class JSONList(models.Aggregate):
    """The values of an expression over a group, as one JSON array (in no particular order;
    SQL NULL over no rows). With `JSONObject` or `JSONArray` it brings a row's children along
    in the row's own query, as a subquery: one round trip instead of a second query."""

    function = "JSONB_AGG"
    output_field = models.JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def json_list_of(children: models.QuerySet, *, parent: str, **fields) -> models.Subquery:
    """A subquery for each outer row: the JSON array of `fields` (name → column or
    expression) of its `children`, the rows of `children` whose `parent` is the outer row."""
    return models.Subquery(
        children.filter(**{parent: models.OuterRef("pk")})
        .order_by()
        .values(parent)
        .annotate(items=JSONList(JSONObject(**fields)))
        .values("items")
    )
