"""Creating a training account, and choosing a scenario to play on it."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parvis.connectors.sandbox.models import SandboxProfile
from parvis.connectors.sandbox.scenarios import SCENARIOS

HANDLE = re.compile(r"[a-z0-9][a-z0-9-]{1,60}")
SUFFIX = ".bac-a-sable"


class SandboxAccountForm(forms.Form):
    name = forms.CharField(
        label=_("Identifiant"),
        max_length=60,
        help_text=_(
            "Lettres minuscules, chiffres et tirets : ville-de-demo donne "
            "ville-de-demo.bac-a-sable."
        ),
    )
    display_name = forms.CharField(label=_("Nom affiché"), max_length=200)
    followers = forms.IntegerField(
        label=_("Abonnés au départ"),
        min_value=0,
        max_value=10_000_000,
        initial=0,
        help_text=_("Pour s'exercer avec une audience : le bac à sable n'a pas de vrais abonnés."),
    )

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip().lower().removesuffix(SUFFIX)
        if not HANDLE.fullmatch(name):
            raise ValidationError(
                _(
                    "Identifiant attendu : lettres minuscules, chiffres et tirets, "
                    "de 2 à 61 signes."
                ),
                code="handle",
            )
        if SandboxProfile.objects.filter(handle=name + SUFFIX).exists():
            raise ValidationError(
                _("Le compte %(handle)s existe déjà dans le bac à sable.")
                % {"handle": name + SUFFIX},
                code="taken",
            )
        return name + SUFFIX


class ScenarioForm(forms.Form):
    scenario = forms.ChoiceField(
        label=_("Scénario"),
        choices=[(key, scenario.label) for key, scenario in SCENARIOS.items()],
    )
