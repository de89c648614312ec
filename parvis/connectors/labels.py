"""French labels of what connectors can do, for the pages that show it."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parvis.connectors.base import Capability

CAPABILITY_LABELS: dict[Capability, Promise] = {
    Capability.PUBLISH_TEXT: _("publier du texte"),
    Capability.MEDIA: _("joindre des images ou des vidéos"),
    Capability.ALT_TEXT: _("décrire les images (texte alternatif)"),
    Capability.CONTENT_WARNING: _("avertissement de contenu"),
    Capability.THREAD: _("publier un fil"),
    Capability.REPLY: _("répondre"),
    Capability.QUOTE: _("citer une publication"),
    Capability.REPOST: _("repartager"),
    Capability.LIKE: _("aimer"),
    Capability.DELETE: _("supprimer une publication"),
    Capability.EDIT: _("modifier une publication"),
    Capability.PIN: _("épingler"),
    Capability.POLL: _("sondage"),
    Capability.LINK_CARD: _("carte d'aperçu de lien"),
    Capability.READ_MENTIONS: _("lire les mentions"),
    Capability.READ_NOTIFICATIONS: _("lire les notifications"),
    Capability.READ_REPLIES: _("lire les réponses à nos publications"),
    Capability.READ_ACCOUNT_POSTS: _("lire les publications d'un autre compte"),
    Capability.DIRECT_MESSAGES: _("messages privés"),
    Capability.MODERATE_REPLIES: _("masquer ou supprimer un commentaire"),
    Capability.SEARCH_POSTS: _("rechercher des publications (veille)"),
    Capability.LOOKUP_ACCOUNTS: _("trouver un compte par son identifiant"),
    Capability.SEARCH_ACCOUNTS: _("rechercher des comptes"),
    Capability.FOLLOW: _("s'abonner à un compte"),
    Capability.POST_METRICS: _("statistiques par publication"),
    Capability.FOLLOWER_COUNT: _("nombre d'abonnés"),
}


def capability_rows(available: frozenset[Capability]) -> list[tuple[Promise, bool]]:
    """Every capability in the interface's order, with whether this account has it."""
    return [(label, capability in available) for capability, label in CAPABILITY_LABELS.items()]
