"""allauth's sign-in form, also taking the field name the portal's first sign-in form used."""

from __future__ import annotations

from allauth.account.forms import LoginForm


class PortalLoginForm(LoginForm):
    """Sign in with e-mail and password. Scripts and password managers written for the
    earlier form send `username`; it is read as the e-mail."""

    def __init__(self, *args, **kwargs):
        data = kwargs.get("data")
        if data is not None and "login" not in data and "username" in data:
            data = data.copy()
            data["login"] = data["username"]
            kwargs["data"] = data
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "E-mail address"
