"""Every change to a charter goes through here: one new version, one audit event.

A version is written whole (its title, preamble and every article), in one transaction; the
versions before it are never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

from parvis.accounts.models import User
from parvis.audit.services import record
from parvis.organisations.models import Organisation
from parvis.strategy.models import Article, CharterKind, CharterVersion
from parvis.strategy.versioning import write_version


@dataclass(frozen=True)
class ArticleText:
    title: str
    body: str
    category: str = ""


@dataclass(frozen=True)
class CharterText:
    title: str
    introduction: str
    articles: tuple[ArticleText, ...]


def current(organisation: Organisation, kind: str) -> CharterVersion | None:
    """The version in force: the latest one."""
    return (
        CharterVersion.objects.filter(organisation=organisation, kind=kind)
        .order_by("-number")
        .first()
    )


def text_of(version: CharterVersion) -> CharterText:
    return CharterText(
        title=version.title,
        introduction=version.introduction,
        articles=tuple(
            ArticleText(a.title, a.body, a.category) for a in version.articles.order_by("number")
        ),
    )


class ArticleGoneError(Exception):
    """The article to change is no longer in the version in force (changed meanwhile)."""


def write(
    organisation: Organisation, kind: str, text: CharterText, *, actor: User | None, note: str
) -> CharterVersion:
    """A new version of the charter ``kind`` holding ``text``."""
    return change(organisation, kind, lambda _before: text, actor=actor, note=note)


def change(
    organisation: Organisation,
    kind: str,
    edit: Callable[[CharterText | None], CharterText],
    *,
    actor: User | None,
    note: str,
) -> CharterVersion:
    """A new version made by ``edit`` from the version in force (None when there is none);
    articles are numbered from 1 in their order.

    Two editors saving at once: the second's version number is taken, so its edit is made
    again on the version the first one wrote, and neither change is lost.
    """
    return write_version(lambda: _write(organisation, kind, edit, actor=actor, note=note))


def _write(
    organisation: Organisation,
    kind: str,
    edit: Callable[[CharterText | None], CharterText],
    *,
    actor: User | None,
    note: str,
) -> CharterVersion:
    before = current(organisation, kind)
    text = edit(None if before is None else text_of(before))
    version = CharterVersion.objects.create(
        organisation=organisation,
        kind=kind,
        number=(before.number if before else 0) + 1,  # taken meanwhile: IntegrityError
        title=text.title,
        introduction=text.introduction,
        change_note=note,
        author=actor,
    )
    Article.objects.bulk_create(
        Article(version=version, number=number, **asdict(article))
        for number, article in enumerate(text.articles, start=1)
    )
    record(
        organisation=organisation,
        actor=actor,
        action="charter.version_created",
        target=version,
        before=None if before is None else _state(before),
        after=_state(version),
        summary=note,
    )
    return version


def _state(version: CharterVersion) -> dict[str, Any]:
    return {
        "charter": version.kind,
        "version": version.number,
        "title": version.title,
        "articles": [f"{a.number}. {a.title}" for a in version.articles.order_by("number")],
    }


def with_article(text: CharterText, number: int | None, article: ArticleText) -> CharterText:
    """``text`` with article ``number`` replaced by ``article``, or ``article`` added last."""
    articles = list(text.articles)
    if number is None:
        articles.append(article)
    else:
        _check(text, number)
        articles[number - 1] = article
    return CharterText(text.title, text.introduction, tuple(articles))


def without_article(text: CharterText, number: int) -> CharterText:
    """``text`` without article ``number``: the articles after it move up one number."""
    _check(text, number)
    articles = [a for index, a in enumerate(text.articles, start=1) if index != number]
    return CharterText(text.title, text.introduction, tuple(articles))


def _check(text: CharterText, number: int) -> None:
    if not 1 <= number <= len(text.articles):
        raise ArticleGoneError(number)


def model_charter(kind: str, organisation: Organisation) -> CharterText:
    """The model a new charter starts from: the guides' categories, to adapt."""
    if kind == CharterKind.INTERNAL:
        return CharterText(
            title=_("Charte interne des réseaux sociaux — %(name)s") % {"name": organisation},
            introduction=_(
                "Cette charte fixe, pour l'équipe qui anime nos comptes, ce dont nous parlons "
                "et ce dont nous ne parlons pas, notre niveau de langage et les comptes que nous "
                "suivons."
            ),
            articles=(
                ArticleText(
                    _("Ce dont nous parlons"),
                    _(
                        "Les services, les projets et la vie du territoire ; les informations "
                        "pratiques ; les alertes et la prévention."
                    ),
                ),
                ArticleText(
                    _("Ce dont nous ne parlons pas"),
                    _(
                        "Les opinions politiques ou religieuses, les affaires judiciaires en "
                        "cours, la vie privée des agents et des élus."
                    ),
                ),
                ArticleText(
                    _("Niveau de langage"),
                    _(
                        "Simple, courtois, impertinent parfois, jamais agressif. Nous vouvoyons "
                        "et signons les réponses sensibles."
                    ),
                ),
                ArticleText(
                    _("Comptes suivis et pages aimées"),
                    _(
                        "Les autres services publics, les partenaires institutionnels et les "
                        "acteurs du territoire ; jamais un parti ou un candidat."
                    ),
                ),
            ),
        )
    article = ArticleText
    return CharterText(
        title=_("Charte de modération — %(name)s") % {"name": organisation},
        introduction=_(
            "Nos comptes sont des espaces d'information et d'échange ouverts à tous. Les "
            "critiques y sont les bienvenues. Pour que chacun puisse s'exprimer, les contenus "
            "décrits ci-dessous sont masqués ou supprimés ; chaque décision cite l'article "
            "appliqué."
        ),
        articles=(
            article(
                _("Insultes et attaques personnelles"),
                _("Les insultes, injures et attaques visant une personne, agent, élu ou usager."),
                "insult",
            ),
            article(
                _("Haine et discrimination"),
                _(
                    "Les propos haineux, racistes, sexistes, homophobes ou discriminatoires, "
                    "quels qu'ils visent."
                ),
                "hate",
            ),
            article(
                _("Menaces et harcèlement"),
                _("Les menaces, l'intimidation et le harcèlement, y compris répétés en privé."),
                "threat",
            ),
            article(
                _("Diffamation"),
                _("L'accusation sans preuve d'une personne nommée ou reconnaissable."),
                "defamation",
            ),
            article(
                _("Données personnelles"),
                _(
                    "La publication des coordonnées ou données personnelles d'un tiers "
                    "(téléphone, adresse, courriel, numéro de sécurité sociale, IBAN)."
                ),
                "personal_data",
            ),
            article(
                _("Publicité et spam"),
                _("La publicité, les liens commerciaux, les arnaques et les messages en série."),
                "spam",
            ),
            article(
                _("Hors sujet et flood"),
                _("Les messages sans rapport avec la publication et les messages répétés."),
                "flooding",
            ),
            article(
                _("Propagande électorale ou religieuse"),
                _(
                    "Les appels à voter, les messages de campagne et le prosélytisme ; la règle "
                    "est appliquée plus strictement pendant les périodes électorales."
                ),
                "propaganda",
            ),
            article(
                _("Droit d'auteur"),
                _("Les contenus publiés sans l'accord de leur auteur."),
                "copyright",
            ),
        ),
    )
