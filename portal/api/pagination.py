"""Pagination for every list: numbered pages by default, cursors for the big, growing lists."""

from django.core.paginator import Paginator
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


class FirstPageCountingPaginator(Paginator):
    """Django's paginator, minus its COUNT(*) when the first page is not full: that page then
    holds every row, so its length is the count. Most people's lists (their children, their
    centres) fit on one page, so most requests save a query."""

    def page(self, number):
        try:
            first = int(number) == 1
        except (TypeError, ValueError):
            first = False
        if not first or self.orphans:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if not rows and not self.allow_empty_first_page:
            return super().page(number)
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # Paginator.count is a cached_property
        return self._get_page(rows, 1, self)


class StrictPageSizeMixin:
    """A page size outside 1..max is a clear 400, rather than silently something else."""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Must be a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return size


class PagePagination(StrictPageSizeMixin, PageNumberPagination):
    django_paginator_class = FirstPageCountingPaginator
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class NewestFirstCursorPagination(StrictPageSizeMixin, CursorPagination):
    """Stable under inserts, and constant-time at any depth: for logs, submissions, ops."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"

    @classmethod
    def ordered_by(cls, *ordering: str, page_size: int | None = None) -> type:
        """The same pagination over another (unique) ordering."""
        attributes = {"ordering": ordering, "page_size": page_size or cls.page_size}
        return type(f"CursorPaginationBy{'_'.join(ordering)}", (cls,), attributes)
