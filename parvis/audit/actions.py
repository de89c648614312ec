"""French labels of the action codes; an unknown code is shown as it is."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "member.added": _("Membre ajouté"),
    "member.removed": _("Membre retiré"),
    "member.role_changed": _("Rôle d'un membre modifié"),
    "account.connected": _("Compte de réseau connecté"),
    "account.disconnected": _("Compte de réseau déconnecté"),
    "post.published": _("Publication envoyée"),
    "post.deleted": _("Publication supprimée"),
    "moderation.hidden": _("Message masqué (modération)"),
    "moderation.deleted": _("Message supprimé (modération)"),
    "moderation.reported": _("Message signalé (modération)"),
    "settings.changed": _("Paramètres modifiés"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))
