from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from parvis.accounts.models import User


class OrganisationKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    INTERCOMMUNALITE = "intercommunalite", _("Intercommunalité")
    STATE_SERVICE = "state_service", _("Service de l'État")
    STATE_STARTUP = "state_startup", _("Startup d'État")
    OTHER = "other", _("Autre organisme public")


class Theme(models.TextChoices):
    DSFR = "dsfr", _("Système de design de l'État (DSFR)")
    NEUTRAL = "neutral", _("Thème neutre accessible")


STATE_KINDS = {OrganisationKind.STATE_SERVICE, OrganisationKind.STATE_STARTUP}


class Organisation(models.Model):
    """A tenant: a public body and everything it owns in Parvis."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=OrganisationKind.choices)
    # Empty means: the State theme for State bodies, the neutral theme for the others.
    theme = models.CharField(_("thème"), max_length=10, choices=Theme.choices, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    communication_email = models.EmailField(
        _("adresse du service communication"),
        blank=True,
        help_text=_("Reçoit les escalades et le questionnaire de stratégie."),
    )
    is_demo = models.BooleanField(_("organisation de démonstration"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_theme(self) -> str:
        """The State design system is reserved to State bodies, whatever the stored choice."""
        if self.kind not in STATE_KINDS:
            return Theme.NEUTRAL
        return self.theme or Theme.DSFR


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    COMMUNITY_MANAGER = "community_manager", _("Community manager")
    CONTRIBUTOR = "contributor", _("Contributeur")
    READER = "reader", _("Lecteur (hiérarchie)")


class Permission(models.TextChoices):
    """What a role allows; views ask for a permission, never for a role."""

    VIEW = "view", _("consulter")
    DRAFT = "draft", _("rédiger des brouillons")
    PUBLISH = "publish", _("publier et modérer")
    MANAGE = "manage", _("administrer l'organisation")


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.READER: frozenset({Permission.VIEW}),
    Role.CONTRIBUTOR: frozenset({Permission.VIEW, Permission.DRAFT}),
    Role.COMMUNITY_MANAGER: frozenset({Permission.VIEW, Permission.DRAFT, Permission.PUBLISH}),
    Role.ADMIN: frozenset(
        {Permission.VIEW, Permission.DRAFT, Permission.PUBLISH, Permission.MANAGE}
    ),
}


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    def allows(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


class ResourcePerson(models.Model):
    """An agent who knows a subject and answers questions on it, without a Parvis login."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="resource_persons"
    )
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("adresse électronique"), blank=True)
    chat_handle = models.CharField(
        _("identifiant Tchap/Matrix"),
        max_length=255,
        blank=True,
        help_text=_("Par exemple @prenom.nom-agent:agent.tchap.gouv.fr"),
    )
    subjects = models.JSONField(_("sujets"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personne ressource")
        verbose_name_plural = _("personnes ressources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def memberships_of(user: User) -> models.QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")
