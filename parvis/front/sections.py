"""The domains of an organisation, as shown in the main navigation.

Sections not built yet point to a placeholder page that says what they will do; an issue that
builds one replaces its ``url_name`` by the name of its own URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    url_name: str
    # One sentence from the brief, shown while the section is not available yet.
    description: str | Promise = ""
    available: bool = True


SECTIONS: tuple[Section, ...] = (
    Section("dashboard", _("Tableau de bord"), "front:dashboard"),
    Section("strategy", _("Stratégie"), "strategy:index"),
    Section("publishing", _("Publication"), "publishing:index"),
    Section(
        "inbox",
        _("Boîte de réception"),
        "front:inbox",
        _(
            "Une seule boîte pour les mentions, réponses, commentaires et messages privés de "
            "tous les comptes, avec l'aiguillage des questions vers les personnes ressources "
            "et la modération."
        ),
        available=False,
    ),
    Section(
        "listening",
        _("Veille"),
        "front:listening",
        _(
            "Les mots-clés, mots-dièse et noms du territoire suivis en continu, avec la "
            "détection des bad buzz et des comptes qui usurpent votre identité."
        ),
        available=False,
    ),
    Section(
        "analytics",
        _("Statistiques"),
        "front:analytics",
        _(
            "Les mesures par publication et par compte dans le temps : taux d'engagement, "
            "meilleures heures, publications sans réaction, progrès des objectifs et délais "
            "de réponse."
        ),
        available=False,
    ),
    Section(
        "reports",
        _("Rapports"),
        "front:reports",
        _(
            "Un rapport synthétique hebdomadaire ou mensuel pour la hiérarchie, en page web et "
            "en PDF, envoyé par courriel, chaque graphique accompagné de son tableau de données."
        ),
        available=False,
    ),
    Section("settings", _("Paramètres"), "organisations:profile"),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
PLACEHOLDER_SECTIONS = tuple(section for section in SECTIONS if not section.available)


@dataclass(frozen=True)
class NavItem:
    section: Section
    url: str
    current: bool


def navigation(request: HttpRequest, slug: str) -> list[NavItem]:
    """The main menu of organisation ``slug``; the section holding the current page is marked."""
    items = []
    for section in SECTIONS:
        url = reverse(section.url_name, kwargs={"org": slug})
        # The dashboard is the root of every other section: it is current only on itself.
        current = (
            request.path == url if section.key == "dashboard" else request.path.startswith(url)
        )
        items.append(NavItem(section, url, current))
    return items


def current_section(request: HttpRequest, slug: str) -> Section | None:
    for item in navigation(request, slug):
        if item.current:
            return item.section
    return None
