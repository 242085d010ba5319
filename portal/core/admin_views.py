"""Building blocks for admin views that write through services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.log_actions import log


def add_service_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field if shown, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class ServiceSaveMixin:
    """Save the validated form through `save_through_service()`; errors return to the form."""

    log_action = "wagtail.create"

    def save_through_service(self):
        raise NotImplementedError

    def save_instance(self):
        instance = self.save_through_service()
        log(instance=instance, action=self.log_action, user=self.request.user)
        return instance

    def form_valid(self, form):
        try:
            # A savepoint, so a service that fails half-way leaves nothing behind.
            with transaction.atomic():
                return super().form_valid(form)
        except ValidationError as error:
            add_service_error(form, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
