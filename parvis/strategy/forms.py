from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.organisations.models import Organisation
from parvis.strategy import buzzform
from parvis.strategy.models import (
    CADENCE_NETWORKS,
    NOTE_MAX,
    TEXT_MAX,
    Article,
    Certification,
    CertificationStatus,
    CharterVersion,
    LanguageLevel,
    Objective,
)

_NOTE_HELP = _("Une phrase pour l'historique des versions, par exemple « ajout de l'article 9 ».")


def _note() -> forms.CharField:
    return forms.CharField(
        label=_("Ce qui a changé et pourquoi"),
        max_length=NOTE_MAX,
        required=False,
        help_text=_NOTE_HELP,
    )


class CharterForm(forms.ModelForm[CharterVersion]):
    change_note = _note()

    class Meta:
        model = CharterVersion
        fields = ["title", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 6})}


class ArticleForm(forms.ModelForm[Article]):
    change_note = _note()

    class Meta:
        model = Article
        fields = ["title", "body", "category"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}


class DeleteArticleForm(forms.Form):
    change_note = _note()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class EditorialLineForm(forms.Form):
    """The editorial line as people write it: one theme or word a line, topics with their words."""

    themes = forms.CharField(
        label=_("Thèmes"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5_000,
        help_text=_("Un thème par ligne ; chaque publication sera rattachée à l'un d'eux."),
    )
    tone = forms.CharField(
        label=_("Ton"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        required=False,
    )
    style_rules = forms.CharField(
        label=_("Règles de style et de syntaxe"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
        required=False,
    )
    language_level = forms.ChoiceField(
        label=_("Niveau de langage"),
        choices=[("", "—"), *LanguageLevel.choices],
        required=False,
    )
    forbidden_words = forms.CharField(
        label=_("Mots interdits"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        required=False,
        help_text=_("Un mot ou une expression par ligne ; « bobo* » couvre aussi « bobos »."),
    )
    forbidden_topics = forms.CharField(
        label=_("Sujets interdits"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        required=False,
        help_text=_(
            "Un sujet par ligne, suivi de deux-points et des mots qui le révèlent, séparés par "
            "des virgules : « politique nationale : gouvernement, ministre, Assemblée »."
        ),
    )
    reply_policy = forms.CharField(
        label=_("Traitement des commentaires et des réponses"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
        required=False,
    )
    change_note = _note()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for network, label in CADENCE_NETWORKS.items():
            self.fields[f"cadence_{network}"] = forms.IntegerField(
                label=_("Publications par semaine sur %(network)s") % {"network": label},
                min_value=0,
                max_value=100,
                required=False,
            )
        self.order_fields([*self.declared_fields, *(f"cadence_{n}" for n in CADENCE_NETWORKS)])

    @classmethod
    def initial_from(cls, values: dict[str, Any]) -> dict[str, Any]:
        """The form's initial data from a version's values (the inverse of ``values``)."""
        if not values:
            return {}
        topics = values["forbidden_topics"]
        return {
            "themes": "\n".join(values["themes"]),
            "tone": values["tone"],
            "style_rules": values["style_rules"],
            "language_level": values["language_level"],
            "forbidden_words": "\n".join(values["forbidden_words"]),
            "forbidden_topics": "\n".join(f"{t} : {', '.join(w)}" for t, w in topics.items()),
            "reply_policy": values["reply_policy"],
            **{f"cadence_{n}": count for n, count in values["cadence"].items()},
        }

    def clean_themes(self) -> list[str]:
        themes = _lines(self.cleaned_data["themes"])
        too_long = [t for t in themes if len(t) > 100]
        if too_long:
            raise forms.ValidationError(
                _("Un thème tient en 100 caractères au plus : « %(theme)s… ».")
                % {"theme": too_long[0][:40]}
            )
        if len(themes) > 30:
            raise forms.ValidationError(_("30 thèmes au plus : regroupez-les."))
        return list(dict.fromkeys(themes))

    def clean_forbidden_words(self) -> list[str]:
        return list(dict.fromkeys(_lines(self.cleaned_data["forbidden_words"])))

    def clean_forbidden_topics(self) -> dict[str, list[str]]:
        topics: dict[str, list[str]] = {}
        for number, line in enumerate(_lines(self.cleaned_data["forbidden_topics"]), start=1):
            topic, colon, words = line.partition(":")
            found = [w.strip() for w in words.split(",") if w.strip()]
            if not colon or not topic.strip() or not found:
                raise forms.ValidationError(
                    _(
                        "Ligne %(number)d : écrivez le sujet, deux-points, puis les mots qui le "
                        "révèlent, séparés par des virgules (« %(line)s »)."
                    )
                    % {"number": number, "line": line[:60]}
                )
            topics[topic.strip()] = found
        return topics

    def values(self) -> dict[str, Any]:
        """The cleaned values, as a version of the editorial line stores them."""
        data = self.cleaned_data
        return {
            "themes": data["themes"],
            "tone": data["tone"],
            "style_rules": data["style_rules"],
            "language_level": data["language_level"],
            "forbidden_words": data["forbidden_words"],
            "forbidden_topics": data["forbidden_topics"],
            "cadence": {
                network: data[f"cadence_{network}"]
                for network in CADENCE_NETWORKS
                if data.get(f"cadence_{network}")
            },
            "reply_policy": data["reply_policy"],
        }


class DeclareAccountForm(forms.ModelForm[Certification]):
    """An account on a network Parvis does not publish to, declared to follow its badge."""

    class Meta:
        model = Certification
        fields = ["network", "handle"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_handle(self) -> str:
        handle = str(self.cleaned_data["handle"]).strip()
        if not handle:
            raise forms.ValidationError(_("Indiquez l'identifiant du compte."))
        return handle

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        taken = Certification.objects.filter(
            organisation=self.organisation,
            network=data.get("network"),
            handle=data.get("handle"),
        ).exists()
        if taken:
            raise forms.ValidationError(_("Ce compte est déjà suivi."))
        return data


class CertificationForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), choices=CertificationStatus.choices)
    done = forms.MultipleChoiceField(
        label=_("Étapes faites"), widget=forms.CheckboxSelectMultiple, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000, required=False
    )

    def __init__(self, *args: Any, steps: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done"].choices = steps  # type: ignore[attr-defined]


def _choices(options: dict[str, Any]) -> list[tuple[str, Any]]:
    return list(options.items())


class BuzzForm(forms.Form):
    """The questionnaire. As a draft (``draft=True``) nothing is required: it is kept as typed."""

    organisation_name = forms.CharField(label=_("Projet ou organisation"), max_length=200)
    person = forms.CharField(label=_("Personne responsable"), max_length=200)
    email = forms.EmailField(label=_("Adresse électronique"))
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    audiences = forms.MultipleChoiceField(
        label=_("Publics visés"),
        choices=_choices(buzzform.AUDIENCES),
        widget=forms.CheckboxSelectMultiple,
    )
    audiences_other = forms.CharField(label=_("Autre public"), max_length=200, required=False)
    subjects = forms.MultipleChoiceField(
        label=_("Sujets"), choices=_choices(buzzform.SUBJECTS), widget=forms.CheckboxSelectMultiple
    )
    subjects_other = forms.CharField(label=_("Autre sujet"), max_length=200, required=False)
    methods = forms.MultipleChoiceField(
        label=_("Moyens"), choices=_choices(buzzform.METHODS), widget=forms.CheckboxSelectMultiple
    )
    methods_other = forms.CharField(label=_("Autre moyen"), max_length=200, required=False)
    frequency = forms.ChoiceField(
        label=_("Fréquence de publication"),
        choices=[(key, label) for key, (label, _n) in buzzform.FREQUENCIES.items()],
        widget=forms.RadioSelect,
    )
    strategy = forms.CharField(
        label=_("En quoi ces réseaux vont-ils aider votre projet ?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_MAX,
    )

    def __init__(self, *args: Any, draft: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, buzzform.ACCOUNTS + 1):
            self.fields[f"account_{number}"] = forms.CharField(
                label=_("Compte %(number)d (adresse ou identifiant)") % {"number": number},
                max_length=300,
                required=False,
            )
        names = list(self.declared_fields)
        accounts = [f"account_{n}" for n in range(1, buzzform.ACCOUNTS + 1)]
        self.order_fields([*names[:4], *accounts, *names[4:]])
        if draft:  # kept as typed: even an address still being typed is no error yet
            self.fields["email"] = forms.CharField(
                label=self.fields["email"].label, max_length=254, required=False
            )
            for field in self.fields.values():
                field.required = False

    @classmethod
    def initial_from(cls, answers: dict[str, Any]) -> dict[str, Any]:
        initial = {key: value for key, value in answers.items() if key != "accounts"}
        for number, account in enumerate(answers.get("accounts", []), start=1):
            initial[f"account_{number}"] = account
        return initial

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        accounts = [data.get(f"account_{n}", "") for n in range(1, buzzform.ACCOUNTS + 1)]
        return {
            **{key: data.get(key, "") for key in self.declared_fields},
            "accounts": [a.strip() for a in accounts if a and a.strip()],
        }


class ObjectiveForm(forms.ModelForm[Objective]):
    class Meta:
        model = Objective
        fields = ["title", "kpi", "network", "baseline", "target", "start", "deadline"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, deadline = data.get("start"), data.get("deadline")
        if start and deadline and deadline <= start:
            self.add_error("deadline", _("L'échéance doit venir après le début."))
        if data.get("baseline") is not None and data.get("baseline") == data.get("target"):
            self.add_error("target", _("La cible doit différer du point de départ."))
        return data
