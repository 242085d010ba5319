"""Rich text is sanitised when it is written, whoever writes it, and again when it is shown.

The Draftail editor can only produce the HTML its features allow, but the API, a roster of
pages made by a script or an old revision need not have come through it: a teacher could store
`<script>` in homework instructions that every student, parent and admin then opens on the
portal's own origin. So:

* `SanitisedRichTextField` cleans its value, against the elements its editor features allow in
  Wagtail's stored (database) format, every time it is validated (`full_clean`, which every
  service and admin form runs) and every time it is written to the database (`get_prep_value`,
  on every save, bulk write and `update()`), so nothing else can reach a row.
* The `rich_text` template filter (`portal_tags`) cleans what it shows before Wagtail expands
  links and images, so revisions and rows stored before this module existed are safe to show.

Cleaning is nh3's (the ammonia HTML sanitiser): an element or attribute that no feature allows
is dropped, text is kept, and `<script>`/`<style>` lose their content as well.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import nh3
from wagtail.fields import RichTextField
from wagtail.rich_text import features as feature_registry

#: Always allowed: paragraphs and line breaks (every editor makes them).
BASE_ELEMENTS: dict[str, set[str]] = {"p": set(), "br": set()}
#: What each editor feature adds to the stored HTML: element → its attributes.
FEATURE_ELEMENTS: dict[str, dict[str, set[str]]] = {
    **{f"h{level}": {f"h{level}": set()} for level in range(1, 7)},
    "bold": {"b": set()},
    "italic": {"i": set()},
    "ol": {"ol": set(), "li": set()},
    "ul": {"ul": set(), "li": set()},
    "hr": {"hr": set()},
    "code": {"code": set()},
    "superscript": {"sup": set()},
    "subscript": {"sub": set()},
    "strikethrough": {"s": set()},
    "blockquote": {"blockquote": set()},
    # Links: external (href) or to a page/document by id (linktype + id).
    "link": {"a": {"href", "linktype", "id"}},
    "document-link": {"a": {"linktype", "id"}},
    "image": {"embed": {"embedtype", "id", "format", "alt"}},
    "embed": {"embed": {"embedtype", "url"}},
}
#: Elements Draftail gives a `data-block-key` (what comments attach to).
BLOCK_ELEMENTS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote"}
#: The only values these attributes may take.
ATTRIBUTE_VALUES = {"linktype": {"page", "document"}, "embedtype": {"image", "media"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute in ATTRIBUTE_VALUES:
        return value if value in ATTRIBUTE_VALUES[attribute] else None
    if attribute == "id":
        return value if value.isdigit() else None
    if attribute == "url":  # a media embed's address, fetched server-side
        return value if value.startswith(("https://", "http://")) else None
    return value


@functools.cache
def _cleaner(features: tuple[str, ...]) -> nh3.Cleaner:
    allowed = {element: set(attributes) for element, attributes in BASE_ELEMENTS.items()}
    for feature in features:
        for element, attributes in FEATURE_ELEMENTS.get(feature, {}).items():
            allowed.setdefault(element, set()).update(attributes)
    for element in BLOCK_ELEMENTS & allowed.keys():
        allowed[element].add("data-block-key")
    return nh3.Cleaner(
        tags=set(allowed),
        attributes=allowed,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def editor_features(features: Iterable[str] | None) -> tuple[str, ...]:
    """A field's features, or the editor's defaults when it names none."""
    chosen = feature_registry.get_default_features() if features is None else features
    return tuple(sorted(chosen))


#: Every feature this module knows: what the template filter allows when showing text.
ALL_FEATURES = tuple(sorted(FEATURE_ELEMENTS))


def sanitise_rich_text(html: str, features: Iterable[str] | None = None) -> str:
    """`html` (Wagtail's stored format) with only what the editor `features` allow."""
    if not html:
        return html
    return _cleaner(editor_features(features)).clean(html)


class SanitisedRichTextField(RichTextField):
    """A RichTextField that keeps only what its editor features allow, however it is written."""

    def to_python(self, value):
        value = super().to_python(value)
        return sanitise_rich_text(value, self.features) if isinstance(value, str) else value


def sanitise_stored_rich_text(apps, schema_editor, *, model: str, fields: list[str]) -> None:
    """For data migrations: clean rich text stored before it was cleaned on write, in the rows
    and in their revisions (which previews and reverts show)."""
    app_label, model_name = model.split(".")
    Model = apps.get_model(app_label, model_name)
    for row in Model._base_manager.all().only("pk", *fields).iterator():
        cleaned = {
            name: sanitise_rich_text(getattr(row, name) or "", ALL_FEATURES) for name in fields
        }
        if any(getattr(row, name) != value for name, value in cleaned.items()):
            Model._base_manager.filter(pk=row.pk).update(**cleaned)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label=app_label, model=model_name).first()
    if content_type is None:
        return
    for revision in Revision.objects.filter(content_type=content_type).iterator():
        content = dict(revision.content)
        for name in fields:
            if isinstance(content.get(name), str):
                content[name] = sanitise_rich_text(content[name], ALL_FEATURES)
        if content != revision.content:
            Revision.objects.filter(pk=revision.pk).update(content=content)
