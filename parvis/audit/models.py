from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.audit.actions import action_label


class AppendOnlyError(Exception):
    """An audit event was about to be changed or deleted."""

    def __init__(self) -> None:
        super().__init__(
            "Le journal d'audit est en ajout seul : un événement ne se modifie ni ne se "
            "supprime. / The audit log is append-only: events cannot be changed or deleted."
        )


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    # Deleting a user still works: Django's collector nulls ``actor`` through the plain base
    # manager, and ``actor_label`` keeps the name.
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError


class AuditEvent(models.Model):
    """One thing that changed the outside world or the organisation, kept as it happened."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        # Empty for instance-level events. PROTECT: an organisation with a history is archived,
        # never silently deleted with its audit trail.
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The actor's name when the event happened; survives the deletion of the account.
    actor_label = models.CharField(_("auteur"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=100)
    target_type = models.CharField(_("type de cible"), max_length=100, blank=True)
    target_id = models.CharField(_("identifiant de cible"), max_length=64, blank=True)
    target_label = models.CharField(_("cible"), max_length=255, blank=True)
    before = models.JSONField(_("avant"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("après"), null=True, blank=True, encoder=DjangoJSONEncoder)
    summary = models.TextField(_("résumé"), blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    objects: ClassVar[models.Manager[AuditEvent]] = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement du journal")
        verbose_name_plural = _("événements du journal")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="audit_org_created"),
            models.Index(fields=["organisation", "action"], name="audit_org_action"),
        ]

    def __str__(self) -> str:
        return f"{self.action} — {self.target_label or self.target_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError

    @property
    def action_display(self) -> str:
        return action_label(self.action)

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        """(key, before, after) for each key that differs, in a stable order."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        keys = list(before) + [key for key in after if key not in before]
        return [
            (key, before.get(key), after.get(key))
            for key in keys
            if before.get(key) != after.get(key)
        ]
