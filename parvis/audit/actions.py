"""French labels of the action codes; an unknown code is shown as it is."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "member.added": _("Membre ajouté"),
    "member.removed": _("Membre retiré"),
    "member.role_changed": _("Rôle d'un membre modifié"),
    "member.invited": _("Personne invitée"),
    "organisation.updated": _("Profil de l'organisation modifié"),
    "resource_person.created": _("Personne ressource ajoutée"),
    "resource_person.updated": _("Personne ressource modifiée"),
    "resource_person.deleted": _("Personne ressource supprimée"),
    "notification_channel.created": _("Canal de notification ajouté"),
    "notification_channel.updated": _("Canal de notification modifié"),
    "notification_channel.deleted": _("Canal de notification supprimé"),
    "notification_channel.tested": _("Message d'essai envoyé"),
    "instance.keys_rotated": _("Secrets rechiffrés (rotation des clés)"),
    "feed_source.created": _("Source ajoutée"),
    "feed_source.updated": _("Source modifiée"),
    "feed_source.deleted": _("Source supprimée"),
    "followed_account.created": _("Compte suivi comme source"),
    "followed_account.deleted": _("Compte suivi retiré des sources"),
    "account.connected": _("Compte de réseau connecté"),
    "account.disconnected": _("Compte de réseau déconnecté"),
    "post.confirmed": _("Publication confirmée"),
    "post.cancelled": _("Envoi d'une publication annulé"),
    "post.retried": _("Nouvel essai d'envoi"),
    "post.rescheduled": _("Publication déplacée"),
    "post.resumed": _("Envoi repris après le mode crise"),
    "crisis.started": _("Mode crise déclenché"),
    "crisis.ended": _("Fin du mode crise"),
    "calendar_feed.renewed": _("Lien privé du calendrier changé"),
    "post.published": _("Publication envoyée"),
    "post.deleted": _("Publication supprimée"),
    "moderation.hidden": _("Message masqué (modération)"),
    "moderation.deleted": _("Message supprimé (modération)"),
    "moderation.reported": _("Message signalé (modération)"),
    "settings.changed": _("Paramètres modifiés"),
    "charter.version_created": _("Nouvelle version d'une charte"),
    "editorial_line.version_created": _("Nouvelle version de la ligne éditoriale"),
    "certification.updated": _("Certification d'un compte mise à jour"),
    "buzzform.submitted": _("Questionnaire de stratégie validé"),
    "objective.saved": _("Objectif enregistré"),
    "objective.deleted": _("Objectif supprimé"),
    "buzzform.sent": _("Questionnaire de stratégie envoyé au service communication"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))
