"""Pagination for every list: numbered pages by default, cursors for the big, growing lists."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


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
