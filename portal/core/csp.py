"""Content-Security-Policy (django-csp): the middleware, and each request's nonce for templates.

The policy (CONTENT_SECURITY_POLICY in settings) runs scripts from our own origin only, and
inline scripts only when they carry the nonce of the response they arrived in. Our own
templates have no inline scripts; Wagtail's admin has a few, in templates overridden under
templates/wagtailadmin/ and in its chooser widgets (below).

Form widgets are rendered without the request in their context, so the nonce is not reached
through `request.csp_nonce` there. The middleware keeps the request in a context variable for
as long as it runs, and `{% csp_nonce %}` (`{% load portal_csp %}`) reads its nonce from there,
wherever it is rendered. Asking for the nonce is what puts it into the response's header. (The
variable holds the request, not its lazy nonce: asgiref compares context values when it
passes them between threads, and comparing the lazy nonce would make one for every response.)

HTML fetched later by the admin's scripts (a chooser modal, a refreshed listing) was rendered
in another request: a nonce in it is that response's, which the page does not accept.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import mark_safe

_answering: ContextVar[HttpRequest | None] = ContextVar("csp_request", default=None)


def current_nonce() -> str:
    """The nonce of the request being answered; "" outside one (e-mails, tasks)."""
    request = _answering.get()
    return "" if request is None else str(request.csp_nonce)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the request's nonce for `{% csp_nonce %}`, and
    `frame-ancestors 'self'` on the answers a view lets its own site frame (X-Frame-Options
    SAMEORIGIN: Wagtail's preview panel), so the two headers always say the same."""

    # Sync only: the context variable is set and reset around the view in one context.
    async_capable = False

    def __call__(self, request):
        outer = _answering.get()
        if getattr(request, "is_dummy", False) and outer is not None:
            # Wagtail renders a preview as a request of its own inside the admin's request
            # (make_preview_request); its HTML leaves in the admin's response, so it goes under
            # that response's policy and nonce.
            request.csp_nonce = outer.csp_nonce
            return self.get_response(request)
        self.process_request(request)
        token = _answering.set(request)
        try:
            response = self.get_response(request)
        finally:
            _answering.reset(token)
        return self.process_response(request, response)

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts


def nonce_wagtail_chooser_scripts() -> None:
    """Give the nonce to the inline `<script>` that Wagtail's chooser widgets (document, page,
    image, snippet, task) append to their HTML in Python (`BaseChooser.render`), which no
    template override reaches. Applied once, when the app is ready."""
    from wagtail.admin.widgets.chooser import BaseChooser

    render = BaseChooser.render
    if getattr(render, "gives_csp_nonce", False):
        return

    @functools.wraps(render)
    def render_with_nonce(self, *args, **kwargs):
        html = render(self, *args, **kwargs)
        # The widget ends with `<script>new XChooser(…);</script>`; nothing else gets the nonce.
        widget, tag, script = html.rpartition("<script>")
        if not tag or script.count("<") != 1:
            return html
        return mark_safe(f'{widget}<script nonce="{escape(current_nonce())}">{script}')

    render_with_nonce.gives_csp_nonce = True
    BaseChooser.render = render_with_nonce
