"""The strategy an organisation writes down, as data: for now its two charters.

A charter is a series of immutable versions. Changing a charter writes a new version with all
its articles; nothing is ever deleted, so a moderation decision that cites an article of a
version keeps pointing at the words it applied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
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


class LanguageLevel(models.TextChoices):
    SIMPLE = "simple", _("Simple : phrases courtes, mots courants (FALC quand c'est possible)")
    STANDARD = "standard", _("Courant")
    FORMAL = "formal", _("Soutenu")


# The networks a cadence can be set for (the connectors' networks, and those the guides name).
CADENCE_NETWORKS: dict[str, str | Promise] = {
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    # The training network: a cadence to practise with (shown only where it is set).
    "sandbox": _("Bac à sable (entraînement)"),
}


class EditorialLineVersion(models.Model):
    """One version of the editorial line: what the organisation publishes, how, how often."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="editorial_lines"
    )
    number = models.PositiveIntegerField(_("version"))
    themes = models.JSONField(_("thèmes"), default=list)
    tone = models.TextField(_("ton"), max_length=TEXT_MAX, blank=True)
    style_rules = models.TextField(
        _("règles de style et de syntaxe"), max_length=TEXT_MAX, blank=True
    )
    language_level = models.CharField(
        _("niveau de langage"), max_length=20, choices=LanguageLevel.choices, blank=True
    )
    forbidden_words = models.JSONField(_("mots interdits"), default=list)
    # topic → the words that reveal it
    forbidden_topics = models.JSONField(_("sujets interdits"), default=dict)
    # network → publications per week
    cadence = models.JSONField(_("rythme de publication"), default=dict)
    reply_policy = models.TextField(
        _("traitement des commentaires et des réponses"), max_length=TEXT_MAX, blank=True
    )
    change_note = models.CharField(
        _("ce qui a changé et pourquoi"), max_length=NOTE_MAX, blank=True
    )
    changed_fields = models.JSONField(default=list)  # names of the fields this version changed
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version de la ligne éditoriale")
        verbose_name_plural = _("versions de la ligne éditoriale")
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="one_editorial_line_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — ligne éditoriale v{self.number}"

    def cadence_rows(self) -> list[tuple[str, int]]:
        return [
            (str(label), int(self.cadence[network]))
            for network, label in CADENCE_NETWORKS.items()
            if self.cadence.get(network)
        ]


class CertificationNetwork(models.TextChoices):
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    X = "x", "X"
    META = "meta", _("Facebook et Instagram (Meta)")


class CertificationStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    SUBMITTED = "submitted", _("Demande envoyée")
    VERIFIED = "verified", _("Certifié")
    REFUSED = "refused", _("Refusé")


class Certification(models.Model):
    """Where one account of the organisation stands on the way to its network's badge."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="certifications"
    )
    network = models.CharField(_("réseau"), max_length=20, choices=CertificationNetwork.choices)
    handle = models.CharField(_("identifiant du compte"), max_length=300)
    # The connected account, for the networks Parvis publishes to.
    account = models.ForeignKey(
        "connectors.ConnectedAccount",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("état"), max_length=20, choices=CertificationStatus.choices, default="todo"
    )
    done = models.JSONField(default=list)  # keys of the checklist steps done
    notes = models.TextField(_("notes"), max_length=5_000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["network", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "network", "handle"], name="one_certification_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()} {self.handle}"


class BuzzFormDraft(models.Model):
    """The questionnaire half filled: saved as it is, resumed later."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="buzzform_draft"
    )
    answers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    def __str__(self) -> str:
        return f"{self.organisation} — BuzzForm (brouillon)"


class BuzzFormVersion(models.Model):
    """One completed questionnaire of the strategy (the beta.gouv BuzzForm), never changed."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="buzzforms"
    )
    number = models.PositiveIntegerField(_("version"))
    answers = models.JSONField(default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_to = models.EmailField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="one_buzzform_number")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — BuzzForm v{self.number}"


class Kpi(models.TextChoices):
    """Indicators Parvis can compute; an objective's progress is never typed in."""

    FOLLOWERS = "followers", _("Abonnés")
    POSTS_PER_WEEK = "posts_per_week", _("Publications par semaine")
    ENGAGEMENT_RATE = "engagement_rate", _("Taux d'engagement (%)")
    REACH = "reach", _("Portée ou impressions")
    RESPONSE_TIME = "response_time", _("Délai médian de réponse (heures)")
    ANSWERED_SHARE = "answered_share", _("Part des questions répondues dans le délai visé (%)")


class Objective(models.Model):
    """A SMART objective: a computed indicator, from a baseline to a target, by a deadline."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(_("objectif"), max_length=TITLE_MAX)
    kpi = models.CharField(_("indicateur"), max_length=30, choices=Kpi.choices)
    network = models.CharField(
        _("réseau"),
        max_length=20,
        choices=[("mastodon", "Mastodon"), ("bluesky", "Bluesky")],
        blank=True,
        help_text=_("Vide : tous les comptes connectés."),
    )
    baseline = models.FloatField(_("point de départ"))
    target = models.FloatField(_("cible"))
    start = models.DateField(_("début"))
    deadline = models.DateField(_("échéance"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["deadline", "title"]

    def __str__(self) -> str:
        return self.title
