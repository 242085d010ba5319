"""Publishing rights in the editor: hide "Publish" from those who must submit for review, and
refuse a publish that slips past the menu."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from portal.publishing.models import CentreContent, user_may_publish

REFUSAL = "You can't publish this yourself: submit it for review by a centre admin."


@hooks.register("construct_snippet_action_menu")
def hide_publish_without_the_right(menu_items, request, context):
    model = context.get("model")
    if model is None or not issubclass(model, CentreContent):
        return
    instance = context.get("instance")
    allowed = user_may_publish(request.user, instance if instance and instance.pk else None)
    if not allowed:
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


@hooks.register("before_publish")
def refuse_publish_without_the_right(request, obj):
    if isinstance(obj, CentreContent) and not user_may_publish(request.user, obj):
        messages.error(request, REFUSAL)
        return redirect(obj.snippet_viewset.get_url_name("edit"), obj.pk)
    return None
