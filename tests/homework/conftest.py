from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType


def remove_content(queryset) -> None:
    """Delete reviewed content with the rows Wagtail and we keep about it by generic key."""
    from wagtail.models import ModelLogEntry, Revision, WorkflowState

    from portal.notifications.models import NotificationLog

    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return
    content_type = ContentType.objects.get_for_model(queryset.model)
    as_text = [str(pk) for pk in ids]
    NotificationLog.objects.filter(content_type=content_type, object_id__in=ids).delete()
    queryset.model.objects.filter(pk__in=ids).delete()
    WorkflowState.objects.filter(base_content_type=content_type, object_id__in=as_text).delete()
    Revision.objects.filter(base_content_type=content_type, object_id__in=as_text).delete()
    ModelLogEntry.objects.filter(content_type=content_type, object_id__in=as_text).delete()


@pytest.fixture
def live_db(django_db_setup, django_db_blocker):
    """Writes commit for real, so worker and server processes see them; the homework a test
    made is removed afterwards, leaving the shared demo data as it was."""
    from portal.homework.models import Homework

    with django_db_blocker.unblock():
        before = set(Homework.objects.values_list("pk", flat=True))
        yield
        remove_content(Homework.objects.exclude(pk__in=before))
