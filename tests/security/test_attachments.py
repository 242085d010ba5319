"""A homework attachment is a document of the homework's own centre: the download hook serves
it to the whole class, so another centre's document id must never be accepted."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from portal.homework.forms import HomeworkForm
from portal.homework.models import Homework, HomeworkAttachment
from portal.homework.wagtail_hooks import HomeworkViewSet

pytestmark = pytest.mark.django_db


def _document(centre, title: str):
    document = get_document_model()(title=title, collection=centre.collection)
    document.file.save(f"{title}.pdf", ContentFile(b"%PDF-1.4 worksheet"), save=False)
    document.save()
    return document


def test_another_centres_document_cannot_be_attached(riverside, hillcrest):
    homework = Homework.objects.filter(school_class__centre=riverside).first()
    theirs = _document(hillcrest, "their-worksheet")
    with pytest.raises(ValidationError) as refused:
        HomeworkAttachment(homework=homework, document=theirs).full_clean()
    assert "Choose a document of this centre." in str(refused.value)
    HomeworkAttachment(homework=homework, document=_document(riverside, "ours")).full_clean()


def test_the_editor_offers_only_the_authors_centres_documents(riverside, hillcrest, person):
    ours, theirs = _document(riverside, "ours"), _document(hillcrest, "theirs")
    teacher = person("teacher1@riverside.example")
    form_class = HomeworkViewSet().get_edit_handler().get_form_class()
    assert issubclass(form_class, HomeworkForm)
    form = form_class(instance=Homework(), for_user=teacher)
    offered = form.formsets["attachments"].empty_form.fields["document"].queryset
    assert offered.filter(pk=ours.pk).exists()
    assert not offered.filter(pk=theirs.pk).exists()
