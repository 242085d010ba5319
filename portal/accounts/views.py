"""The Wagtail admin's sign-in address, kept for bookmarks: it opens the one sign-in page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def admin_sign_in(request):
    """`/admin/login/` → the portal's sign-in page, coming back to the admin afterwards."""
    next_url = request.GET.get("next") or reverse("wagtailadmin_home")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
