"""The demo's publications: training accounts with four weeks of posts behind them.

The demo cannot connect real accounts, so it connects two accounts of the training network
(:mod:`parvis.connectors.sandbox`) and publishes through them, as the composer would; the
objectives then show progress computed from these deliveries and followers.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from parvis.accounts.models import User
from parvis.connectors import actions as accounts
from parvis.connectors import services
from parvis.connectors.models import ConnectedAccount, Network
from parvis.connectors.sandbox.connector import connection_for
from parvis.connectors.sandbox.models import SandboxPost, SandboxProfile
from parvis.organisations.models import Organisation
from parvis.publishing.models import Delivery, DeliveryState, Post, PostState, Variant

# (handle, display name, followers): together 2,400, half way to the demo's 3,000 objective.
DEMO_ACCOUNTS = (
    ("ville-de-demo.bac-a-sable", "Ville de Démo (bac à sable)", 1500),
    ("ville-de-demo-actu.bac-a-sable", "Ville de Démo — actualités (bac à sable)", 900),
)
# "days ago | theme | text": fourteen posts in four weeks, 3.5 a week.
DEMO_POSTS = tuple(
    (int(days), theme.strip(), text.strip())
    for days, theme, text in (
        line.split("|")
        for line in """
27 | Travaux et mobilités | Rue Victor-Hugo : travaux du 3 au 14, le bus 4 est dévié rue des Écoles.
25 | Culture et sport | La médiathèque ouvre le dimanche matin dès ce week-end, de 10 h à 13 h.
23 | Vie scolaire | Inscriptions à la cantine : en ligne jusqu'au 30, ou à l'accueil de la mairie.
21 | Alertes et sécurité | Vigilance orange orages cet après-midi : évitez les bords de rivière.
19 | Culture et sport | Forum des associations samedi de 10 h à 17 h au gymnase Jean-Moulin.
17 | Travaux et mobilités | Piste cyclable avenue de la Gare : 1,2 km entre le lycée et le centre.
15 | Vie scolaire | Semaine du goût dans les écoles : les menus sont en ligne sur le site.
13 | Culture et sport | Concert gratuit du conservatoire vendredi 20 h, église Saint-Martin.
11 | Travaux et mobilités | Parking du marché fermé mardi matin : stationnement place de la Poste.
9 | Alertes et sécurité | Coupure d'eau jeudi de 9 h à 12 h quartier des Lilas (travaux réseau).
7 | Culture et sport | Exposition « Notre ville en 1900 » à l'hôtel de ville jusqu'à fin du mois.
5 | Vie scolaire | Le programme du centre de loisirs est disponible : inscriptions ouvertes.
3 | Travaux et mobilités | Encombrants lundi prochain : sortez-les la veille au soir, pas avant.
1 | Culture et sport | Merci aux 300 bénévoles du marathon ! Les photos sont sur le site.
""".strip().splitlines()
    )
)


def _account(
    organisation: Organisation, handle: str, name: str, followers: int
) -> ConnectedAccount:
    profile, _created = SandboxProfile.objects.get_or_create(
        handle=handle, defaults={"display_name": name, "followers_count": followers}
    )
    known = ConnectedAccount.objects.filter(
        organisation=organisation, network=Network.SANDBOX, remote_id=profile.remote_id
    ).first()
    if known is not None:
        return known
    return accounts.do_connect(
        organisation, actor=None, network=Network.SANDBOX, connection=connection_for(profile)
    )


def load(organisation: Organisation, author: User) -> None:
    """Connect the training accounts and publish the posts of the last four weeks, once."""
    connected = [_account(organisation, *spec) for spec in DEMO_ACCOUNTS]
    if Post.objects.filter(organisation=organisation).exists():
        return
    now = timezone.now()
    for index, (days, theme, text) in enumerate(DEMO_POSTS):
        when = now - dt.timedelta(days=days, hours=index % 5)
        account = connected[index % len(connected)]
        post = Post.objects.create(
            organisation=organisation,
            created_by=author,
            updated_by=author,
            confirmed_by=author,
            confirmed_at=when,
            text=text,
            theme=theme,
            state=PostState.SCHEDULED,
            scheduled_at=when,
        )
        Variant.objects.create(post=post, account=account)
        delivery = Delivery.objects.create(
            organisation=organisation,
            account=account,
            post=post,
            created_by=author,
            text=text,
            scheduled_at=when,
            state=DeliveryState.SENDING,
            attempts=1,
            first_attempt_at=when,
            claimed_at=when,
        )
        published = services.connector_for(account).publish(
            delivery.draft(), idempotency_key=str(delivery.idempotency_key)
        )
        SandboxPost.objects.filter(remote_id=published.remote_id).update(created_at=when)
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.SENT,
            sent_at=when,
            remote_id=published.remote_id,
            remote_url=published.url,
        )
