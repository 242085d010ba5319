"""`{% csp_nonce %}`: this response's Content-Security-Policy nonce, for an inline script
(`<script nonce="{% csp_nonce %}">`). Works in templates rendered without the request, such as
form widgets; see portal.core.csp."""

from django import template

from portal.core.csp import current_nonce

register = template.Library()


@register.simple_tag
def csp_nonce() -> str:
    return current_nonce()
