"""The form of a notification channel; its secret is written, never shown back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.notify.models import NotificationChannel


class ChannelForm(forms.ModelForm[NotificationChannel]):
    secret = forms.CharField(
        label=_("Jeton ou secret"),
        required=False,
        strip=True,
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "Jeton d'accès du compte Matrix qui écrit dans le salon (obligatoire pour Tchap), "
            "ou secret de signature du webhook (facultatif)."
        ),
    )

    class Meta:
        model = NotificationChannel
        fields = ["name", "kind", "target", "room", "secret", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stored_secret = self.instance.secret if self.instance.pk else ""
        if self.stored_secret:
            self.fields["secret"].help_text = _(
                "Un secret est enregistré ; laissez vide pour le garder, saisissez-en un "
                "autre pour le remplacer."
            )

    def clean_secret(self) -> str:
        # Blank on edit keeps the stored secret: it is never sent to the browser.
        return str(self.cleaned_data.get("secret") or "") or self.stored_secret

    def values(self) -> dict[str, Any]:
        """What the action functions store."""
        return {
            field: self.cleaned_data[field]
            for field in ("name", "kind", "target", "room", "is_active", "secret")
        }
