"""Forms of the organisation settings; they validate, the action functions change things."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from parvis.organisations.models import STATE_KINDS, OrganisationKind, ResourcePerson, Role, Theme

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4000
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
# A Matrix user id, as Tchap uses them: @localpart:server
MATRIX_ID = re.compile(r"^@[^\s:@]+:[A-Za-z0-9.-]+(:\d+)?$")


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'organisation"), max_length=200)
    kind = forms.ChoiceField(label=_("Type d'organisation"), choices=OrganisationKind.choices)
    theme = forms.ChoiceField(
        label=_("Thème de l'interface"),
        choices=[("", _("Automatique : selon le type d'organisation")), *Theme.choices],
        required=False,
        help_text=_(
            "Le système de design de l'État est réservé aux services de l'État ; "
            "les collectivités utilisent le thème neutre."
        ),
    )
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF ou WebP, 2 Mo et 4000 pixels de côté au plus."),
        error_messages={
            "invalid_image": _(
                "Le fichier envoyé n'est pas une image lisible : envoyez un fichier PNG, "
                "JPEG, GIF ou WebP."
            )
        },
    )
    communication_email = forms.EmailField(
        label=_("Adresse du service communication"),
        required=False,
        help_text=_("Reçoit les escalades et le questionnaire de stratégie."),
    )

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged (the current file) or cleared (False)
        if logo.size is not None and logo.size > LOGO_MAX_BYTES:
            raise ValidationError(
                _("Le logo pèse %(size)s : 2 Mo au plus."),
                code="too_large",
                params={"size": filesizeformat(logo.size)},
            )
        image = getattr(logo, "image", None)  # set by forms.ImageField once Pillow read it
        if image is None or image.format not in LOGO_FORMATS:
            raise ValidationError(
                _("Format d'image non accepté : envoyez un fichier PNG, JPEG, GIF ou WebP."),
                code="format",
            )
        width, height = image.size
        if max(width, height) > LOGO_MAX_PIXELS:
            raise ValidationError(
                _("L'image mesure %(width)s × %(height)s pixels : 4000 pixels de côté au plus."),  # noqa: RUF001
                code="too_many_pixels",
                params={"width": width, "height": height},
            )
        return logo

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("theme") == Theme.DSFR and cleaned.get("kind") not in STATE_KINDS:
            self.add_error(
                "theme",
                _(
                    "Le système de design de l'État est réservé aux services et startups "
                    "de l'État : choisissez le thème neutre."
                ),
            )
        return cleaned


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_(
            "Si la personne n'a pas encore de compte, elle reçoit une invitation à choisir "
            "son mot de passe."
        ),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.CONTRIBUTOR)

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


def parse_subjects(text: str) -> list[str]:
    """``"état civil, urbanisme,, état civil"`` → ``["état civil", "urbanisme"]``."""
    subjects: list[str] = []
    for part in text.split(","):
        subject = " ".join(part.split())
        if subject and subject.casefold() not in {s.casefold() for s in subjects}:
            subjects.append(subject)
    return subjects


class ResourcePersonForm(forms.ModelForm[ResourcePerson]):
    subjects_text = forms.CharField(
        label=_("Sujets"),
        required=False,
        max_length=1000,
        help_text=_("Séparés par des virgules, par exemple : état civil, élections, cimetière"),
    )

    class Meta:
        model = ResourcePerson
        fields = ["name", "email", "chat_handle"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["subjects_text"] = ", ".join(self.instance.subjects)

    def clean_chat_handle(self) -> str:
        handle = str(self.cleaned_data.get("chat_handle", "")).strip()
        if handle and not MATRIX_ID.match(handle):
            raise ValidationError(
                _("Identifiant Tchap/Matrix attendu, par exemple @prenom.nom:agent.tchap.gouv.fr"),
                code="matrix_id",
            )
        return handle

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("email") and not cleaned.get("chat_handle"):
            raise ValidationError(
                _("Indiquez au moins une adresse électronique ou un identifiant Tchap/Matrix."),
                code="no_contact",
            )
        cleaned["subjects"] = parse_subjects(cleaned.get("subjects_text", ""))
        return cleaned

    def values(self) -> dict[str, Any]:
        """What the action functions store."""
        return {
            "name": self.cleaned_data["name"],
            "email": self.cleaned_data["email"],
            "chat_handle": self.cleaned_data["chat_handle"],
            "subjects": self.cleaned_data["subjects"],
        }
