"""Admin forms for a centre's people; they validate, the services write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password

from portal.accounts.models import User
from portal.centres.models import Guardianship, Membership, Role
from portal.core.viewsets import CentreScopedForm


class MembershipForm(CentreScopedForm):
    """Add a person to a centre (creating their account if new) or change their role."""

    email = forms.EmailField(label="E-mail address")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Only for new accounts. Leave empty to let the person set one by e-mail.",
    )

    class Meta:
        model = Membership
        fields = ["centre", "role", "external_id", "is_active", "publishes_directly"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("email", "first_name", "last_name", "password"):
                del self.fields[name]
        else:
            # A new membership starts active and untrusted; both are decided on its edit page.
            del self.fields["is_active"]
            del self.fields["publishes_directly"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            validate_password(password)
        return password

    def clean(self):
        cleaned = super().clean()
        centre, role = self.selected_centre(), cleaned.get("role")
        user = self.instance.user if self.instance.pk else None
        if user is None and cleaned.get("email"):
            user = User.objects.filter(email__iexact=cleaned["email"]).first()
            if user is not None and cleaned.get("password"):
                self.add_error(
                    "password", "This person already has an account; leave the password empty."
                )
            if user is None and not cleaned.get("first_name"):
                self.add_error("first_name", "Enter the first name of a new person.")
        if (
            user is not None
            and centre
            and role
            and Membership.objects.filter(user=user, centre=centre, role=role)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("role", "This person already has this role at this centre.")
        return cleaned


class GuardianshipForm(CentreScopedForm):
    class Meta:
        model = Guardianship
        fields = ["centre", "guardian", "student", "relationship"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = Membership.objects.filter(centre__in=self.managed_centres)
        self.fields["guardian"].queryset = User.objects.filter(
            pk__in=people.filter(role=Role.GUARDIAN).values("user")
        )
        self.fields["student"].queryset = User.objects.filter(
            pk__in=people.filter(role=Role.STUDENT).values("user")
        )
        if self.instance.pk:
            # A link is re-made, not re-pointed: only the relationship changes in place.
            self.fields["guardian"].disabled = True
            self.fields["student"].disabled = True

    def clean(self):
        cleaned = super().clean()
        # The model's clean() checks both people hold their roles at *this* centre; it needs
        # the centre on the instance even when the field is fixed.
        self.instance.centre = self.selected_centre()
        return cleaned
