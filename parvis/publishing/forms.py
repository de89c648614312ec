"""The composer's forms: the post and its variants, its images, and when it leaves."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.connectors.models import ConnectedAccount
from parvis.publishing.crisis import PLACEHOLDER_LABELS, Template, placeholders
from parvis.publishing.models import PostKind, QueueSlot

TEXT_MAX = 20_000  # far above any network: the checks say by how much a text is too long
ALT_MAX = 5_000
# An upload larger than this is refused before being read (the networks take far less).
UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def local_datetime(day: dt.date, clock: dt.time) -> dt.datetime:
    """``day`` at ``clock`` in the instance's time zone (Europe/Paris), as a UTC datetime.

    The hour skipped when summer time starts does not exist and is refused; the hour lived
    twice when it ends is taken the first time (summer time), as clocks show it first.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    naive = dt.datetime.combine(day, clock)
    aware = naive.replace(tzinfo=zone)
    back = aware.astimezone(dt.UTC).astimezone(zone)
    if back.replace(tzinfo=None) != naive:
        raise ValidationError(
            _(
                "%(time)s n'existe pas le %(day)s : les horloges passent de 2 h à 3 h "
                "(heure d'été). Choisissez une autre heure."
            )
            % {"time": clock.strftime("%H:%M"), "day": day.strftime("%d/%m/%Y")},
            code="dst_gap",
        )
    return aware.astimezone(dt.UTC)  # UTC: arithmetic across a change stays right


# A post's page (https://…), an at:// URI, or a network's own id of it.
TARGET_ADDRESS = re.compile(r"^(?:https?://\S+|at://\S+|[A-Za-z0-9]+)$")
THREAD_SEPARATOR = re.compile(r"^\s*-{3,}\s*$", re.MULTILINE)


def split_thread(text: str) -> tuple[str, ...]:
    """The parts of a thread typed in one field, separated by lines of "---"."""
    return tuple(part.strip() for part in THREAD_SEPARATOR.split(text) if part.strip())


def join_thread(parts: list[str]) -> str:
    return "\n---\n".join(parts)


class ComposerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=PostKind.choices,
        initial=PostKind.POST,
        required=False,  # a publication unless said otherwise
        widget=forms.RadioSelect,
    )
    target = forms.CharField(
        label=_("Adresse de la publication visée"),
        required=False,
        max_length=500,
        help_text=_(
            "Pour une réponse, une citation ou un repartage : l'adresse de la publication, "
            "copiée depuis le réseau (par exemple https://bsky.app/profile/…/post/…). "
            "Un repartage ne publie ni texte ni image."
        ),
    )
    text = forms.CharField(
        label=_("Texte"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Le texte commun à tous les comptes ; chaque compte peut avoir le sien."),
    )
    theme = forms.ChoiceField(label=_("Thème de la ligne éditoriale"), required=False)
    content_warning = forms.CharField(
        label=_("Avertissement de contenu (facultatif)"),
        required=False,
        max_length=500,
        help_text=_("Masque le texte derrière cet avertissement, là où le réseau le permet."),
    )
    thread = forms.CharField(
        label=_("Suite du fil (facultatif)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Pour un fil : les publications suivantes, chacune répondant à la précédente, "
            "séparées par une ligne « --- ». Le même fil pour tous les comptes."
        ),
    )
    accounts = forms.ModelMultipleChoiceField(
        label=_("Comptes"),
        queryset=ConnectedAccount.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    image = forms.FileField(
        label=_("Ajouter une image"),
        required=False,
        help_text=_("JPEG, PNG, GIF ou WebP, 20 Mo au plus."),
    )
    image_alt = forms.CharField(
        label=_("Texte alternatif de l'image ajoutée"),
        required=False,
        max_length=ALT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire : ce que voit la personne qui regarde l'image."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        accounts: list[ConnectedAccount],
        themes: list[str],
        media_ids: list[int] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        accounts_field: Any = self.fields["accounts"]
        accounts_field.queryset = ConnectedAccount.objects.filter(
            pk__in=[account.pk for account in accounts]
        )
        accounts_field.label_from_instance = _account_label
        theme: Any = self.fields["theme"]
        theme.choices = [("", _("— choisir —"))] + [(name, name) for name in themes]
        theme.required = bool(themes)
        self.account_list = accounts
        for account in accounts:
            self.fields[f"variant_{account.pk}"] = forms.CharField(
                label=_("Texte pour %(handle)s (vide : le texte commun)")
                % {"handle": account.handle},
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        for pk in media_ids:
            self.fields[f"alt_{pk}"] = forms.CharField(
                label=_("Texte alternatif"),
                required=False,
                max_length=ALT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"remove_{pk}"] = forms.BooleanField(
                label=_("Retirer l'image"), required=False
            )

    def clean_target(self) -> str:
        value = str(self.cleaned_data.get("target") or "").strip()
        if value and not TARGET_ADDRESS.match(value):
            raise ValidationError(
                _(
                    "« %(value)s » n'est pas l'adresse d'une publication : copiez-la depuis le "
                    "réseau (elle commence par https://)."
                )
                % {"value": value[:80]},
                code="not_an_address",
            )
        return value

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if upload is not None and upload.size > UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("%(name)s pèse %(size)d Mo : 20 Mo au plus (les réseaux en acceptent moins).")
                % {"name": upload.name, "size": upload.size // (1024 * 1024)},
                code="too_large",
            )
        return upload

    def variant_fields(self) -> list[forms.BoundField]:
        return [self[f"variant_{account.pk}"] for account in self.account_list]

    def media_fields(
        self, media: list[Any]
    ) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        """Each saved image with its alt-text and removal fields."""
        return [(item, self[f"alt_{item.pk}"], self[f"remove_{item.pk}"]) for item in media]

    def thread_parts(self) -> tuple[str, ...]:
        return split_thread(str(self.cleaned_data.get("thread") or ""))

    def variant_text(self, account: ConnectedAccount) -> str:
        return str(self.cleaned_data.get(f"variant_{account.pk}") or "")


def _account_label(account: ConnectedAccount) -> str:
    return f"{account.handle} ({account.get_network_display()})"


class ScheduleForm(forms.Form):
    when = forms.ChoiceField(
        label=_("Quand"),
        choices=[
            ("now", _("Maintenant")),
            ("queue", _("Au prochain créneau libre de la file de chaque compte")),
            ("later", _("À une date et une heure")),
        ],
        widget=forms.RadioSelect,
        initial="now",
    )
    day = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    clock = forms.TimeField(
        label=_("Heure (heure de Paris)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    override_reason = forms.CharField(
        label=_("Motif pour publier malgré les points bloquants (administrateur)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") != "later":
            data["at"] = None
            return data
        day, clock = data.get("day"), data.get("clock")
        if day is None or clock is None:
            raise ValidationError(_("Indiquez la date et l'heure de publication."), code="missing")
        at = local_datetime(day, clock)
        if at <= timezone.now():
            raise ValidationError(
                _("Le %(day)s à %(time)s est déjà passé : choisissez un moment à venir.")
                % {"day": day.strftime("%d/%m/%Y"), "time": clock.strftime("%H:%M")},
                code="past",
            )
        data["at"] = at
        return data


class CrisisForm(forms.Form):
    """The placeholders of one crisis template, each required."""

    def __init__(self, *args: Any, template: Template, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in placeholders(template):
            self.fields[name] = forms.CharField(
                label=str(PLACEHOLDER_LABELS.get(name, name)), max_length=300
            )


class RescheduleForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    clock = forms.TimeField(
        label=_("Heure (heure de Paris)"), widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") is not None and data.get("clock") is not None:
            data["at"] = local_datetime(data["day"], data["clock"])
        return data


class QueueSlotForm(forms.ModelForm[QueueSlot]):
    class Meta:
        model = QueueSlot
        fields = ["weekday", "time"]
        widgets = {"time": forms.TimeInput(attrs={"type": "time"})}


class FollowForm(forms.Form):
    account = forms.ModelChoiceField(
        label=_("Lu par le compte"),
        queryset=ConnectedAccount.objects.none(),
        help_text=_("Un compte de l'organisation sur le même réseau que le compte suivi."),
    )
    handle = forms.CharField(
        label=_("Compte à suivre"),
        max_length=300,
        help_text=_("Son identifiant : prefecture@social.exemple.fr, ecole.bsky.social…"),
    )

    def __init__(self, *args: Any, accounts: list[ConnectedAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["account"]
        field.queryset = ConnectedAccount.objects.filter(pk__in=[a.pk for a in accounts])
        field.label_from_instance = _account_label
