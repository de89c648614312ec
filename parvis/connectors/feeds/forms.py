"""The form of a feed source: a name, an http(s) address the organisation does not follow yet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.connectors.feeds.models import MAX_URL_LENGTH, FeedSource
from parvis.core.http import AddressRefusedError, check_url
from parvis.organisations.models import Organisation


class SourceForm(forms.ModelForm[FeedSource]):
    url = forms.URLField(
        label=_("Adresse du flux"),
        max_length=MAX_URL_LENGTH,
        assume_scheme="https",
        help_text=_("Adresse d'un flux RSS ou Atom, en http:// ou https://."),
        widget=forms.URLInput(attrs={"placeholder": "https://", "spellcheck": "false"}),
    )

    class Meta:
        model = FeedSource
        fields = ["name", "url", "use", "is_active"]
        help_texts = {
            "use": _(
                "Suggestions de partage : ses articles sont proposés à la publication. "
                "Veille : ses articles alimentent la veille de l'organisation."
            ),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"]).strip()
        try:
            check_url(url)  # scheme, credentials, host: what can be said without a network call
        except AddressRefusedError as error:
            raise forms.ValidationError(error.message_fr) from None
        same = FeedSource.objects.filter(organisation=self.organisation, url=url)
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        existing = same.first()
        if existing is not None:
            raise forms.ValidationError(
                _("L'organisation suit déjà ce flux : « %(name)s ».") % {"name": existing.name}
            )
        return url

    def values(self) -> dict[str, Any]:
        """What the action functions store."""
        return {field: self.cleaned_data[field] for field in ("name", "url", "use", "is_active")}
