"""The strategy an organisation writes down, as data: for now its two charters.

A charter is a series of immutable versions. Changing a charter writes a new version with all
its articles; nothing is ever deleted, so a moderation decision that cites an article of a
version keeps pointing at the words it applied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.analysis.analyzers.moderation import CATEGORIES
from parvis.organisations.models import Organisation

TITLE_MAX = 200
TEXT_MAX = 20_000  # an introduction or an article: pages of text, not a book
NOTE_MAX = 500


class CharterKind(models.TextChoices):
    MODERATION = "moderation", _("Charte de modération")
    INTERNAL = "internal", _("Charte interne")


# The categories of the public charter are those the text analysis recognises (DESIGN §2),
# plus copyright, which no analyzer detects.
CATEGORY_CHOICES = [
    *((code, _(label)) for code, label in CATEGORIES.items()),
    ("copyright", _("atteinte au droit d'auteur")),
]


class CharterVersion(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="charter_versions"
    )
    kind = models.CharField(_("charte"), max_length=20, choices=CharterKind.choices)
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titre"), max_length=TITLE_MAX)
    introduction = models.TextField(_("préambule"), max_length=TEXT_MAX, blank=True)
    change_note = models.CharField(
        _("ce qui a changé et pourquoi"), max_length=NOTE_MAX, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version de charte")
        verbose_name_plural = _("versions de charte")
        ordering = ["organisation", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "number"], name="one_charter_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number} — {self.organisation}"

    def public_url(self) -> str:
        """Where anyone reads this version, without logging in (moderation charter only)."""
        return reverse(
            "charters:version",
            kwargs={"org": self.organisation.slug, "number": self.number},
        )


class Article(models.Model):
    """One numbered article of one version of a charter: never changed once written."""

    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=TITLE_MAX)
    body = models.TextField(_("texte"), max_length=TEXT_MAX)
    category = models.CharField(
        _("catégorie de modération"),
        max_length=30,
        choices=CATEGORY_CHOICES,
        blank=True,
        help_text=_(
            "La catégorie de contenus interdits que l'article couvre : la modération cite "
            "l'article quand l'analyse reconnaît cette catégorie."
        ),
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="one_article_number")
        ]

    def __str__(self) -> str:
        return _("Article %(number)d — %(title)s") % {"number": self.number, "title": self.title}

    @property
    def anchor(self) -> str:
        return f"article-{self.number}"
