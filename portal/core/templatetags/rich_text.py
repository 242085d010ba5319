"""`{{ value|rich_text }}`: stored rich text, cleaned, then shown as Wagtail shows it.

Templates use this instead of Wagtail's `|richtext`, so text stored before it was cleaned on
write (old rows, old revisions shown in previews) cannot run script either; see
`portal.core.rich_text`.
"""

from django import template
from wagtail.templatetags.wagtailcore_tags import richtext

from portal.core.rich_text import ALL_FEATURES, sanitise_rich_text

register = template.Library()


@register.filter
def rich_text(value):
    return richtext(sanitise_rich_text(value or "", ALL_FEATURES))
