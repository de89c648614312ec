from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.strategy.models import NOTE_MAX, Article, CharterVersion

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
