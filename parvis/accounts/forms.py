"""Forms of the accounts pages; errors are tied to their fields for screen readers."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.accounts.two_factor import confirmed_device

FORM_ERRORS_ID = "form-errors"


class DescribedErrorsMixin(forms.BaseForm):
    """When the form has errors that belong to no field, every input points to them."""

    def full_clean(self) -> None:
        super().full_clean()
        if not self.non_field_errors():
            return
        for bound_field in self.visible_fields():
            described = " ".join(filter(None, [FORM_ERRORS_ID, bound_field.aria_describedby]))
            bound_field.field.widget.attrs["aria-describedby"] = described


class LoginForm(DescribedErrorsMixin, AuthenticationForm):
    """E-mail and password. The field keeps Django's name ``username``: django-axes reads it."""

    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Vérifiez votre saisie : après "
            "plusieurs erreurs, la connexion est bloquée pendant quelques minutes."
        ),
        "inactive": _("Ce compte est désactivé. Adressez-vous à un administrateur."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"] = forms.EmailField(
            label=_("Adresse électronique"),
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
        )
        self.fields["password"].label = _("Mot de passe")
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class CodeForm(DescribedErrorsMixin, forms.Form):
    """A six-digit code from an authenticator application."""

    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        help_text=_(
            "Le code affiché par votre application d'authentification, par exemple 123456."
        ),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not code.isdigit():
            raise forms.ValidationError(_("Le code ne contient que des chiffres."))
        return code


class DisableTwoFactorForm(DescribedErrorsMixin, forms.Form):
    """Confirm with the password (or, without a password, with a current code)."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label=_("Votre mot de passe"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )
        else:
            self.fields["code"] = deepcopy(CodeForm.base_fields["code"])

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Mot de passe incorrect."))
        return password

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        device = confirmed_device(self.user)
        if device is None or not device.verify_token(code):
            raise forms.ValidationError(_("Code incorrect ou expiré."))
        return code


class AccountForm(forms.ModelForm[User]):
    """What a person may change about themselves."""

    class Meta:
        model = User
        fields = ("full_name", "language")
        labels = {"full_name": _("Nom complet"), "language": _("Langue de l'interface")}
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}
