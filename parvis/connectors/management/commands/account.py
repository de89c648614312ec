"""``parvis account``: connect and list network accounts from the command line.

parvis account add bluesky --org SLUG --handle H --app-password P [--service URL]
parvis account add mastodon --org SLUG --instance URL --token T
parvis account list [--org SLUG]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parvis.connectors import actions
from parvis.connectors.base import Connection
from parvis.connectors.bluesky.connect import login
from parvis.connectors.errors import ConnectorError
from parvis.connectors.forms import BlueskyConnectForm, MastodonConnectForm
from parvis.connectors.mastodon.oauth import connect_with_token
from parvis.connectors.models import ConnectedAccount, Health, Network
from parvis.organisations.models import Organisation


class Command(BaseCommand):
    help = "Connecte et liste les comptes des réseaux / Connect and list network accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        add = commands.add_parser("add", help="connecter un compte / connect an account")
        networks = add.add_subparsers(dest="network", required=True)
        bluesky = networks.add_parser("bluesky", help="identifiant + mot de passe d'application")
        bluesky.add_argument("--org", required=True, help="organisation (slug)")
        bluesky.add_argument("--handle", required=True)
        bluesky.add_argument("--app-password", required=True)
        bluesky.add_argument("--service", default="", help="serveur (PDS), trouvé sinon")
        mastodon = networks.add_parser("mastodon", help="instance + jeton d'accès existant")
        mastodon.add_argument("--org", required=True, help="organisation (slug)")
        mastodon.add_argument("--instance", required=True)
        mastodon.add_argument("--token", required=True, help="jeton (Préférences > Développement)")
        listing = commands.add_parser("list", help="lister les comptes / list accounts")
        listing.add_argument("--org", default=None, help="une seule organisation (slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list(options["org"])
            return
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"Organisation inconnue : {options['org']} / unknown organisation")
        connection = self._connect(options)
        account = actions.do_connect(
            organisation, actor=None, network=options["network"], connection=connection
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Compte connecté / account connected: #{account.pk} {account.handle} "
                f"({account.get_network_display()}, {organisation.slug})"
            )
        )

    def _connect(self, options: dict[str, Any]) -> Connection:
        # The same validation as the web forms, the same French messages.
        if options["network"] == Network.BLUESKY:
            form: BlueskyConnectForm | MastodonConnectForm = BlueskyConnectForm(
                {
                    "handle": options["handle"],
                    "app_password": options["app_password"],
                    "service": options["service"],
                }
            )
        else:
            form = MastodonConnectForm({"instance": options["instance"]})
        if not form.is_valid():
            problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
            raise CommandError(problems)
        try:
            if options["network"] == Network.BLUESKY:
                return login(
                    form.cleaned_data["handle"],
                    form.cleaned_data["app_password"],
                    form.cleaned_data["service"] or None,
                )
            return connect_with_token(form.cleaned_data["instance"], options["token"])
        except ConnectorError as error:
            raise CommandError(error.message) from None

    def _list(self, slug: str | None) -> None:
        rows = ConnectedAccount.objects.select_related("organisation").order_by(
            "organisation__slug", "network", "handle"
        )
        if slug:
            rows = rows.filter(organisation__slug=slug)
        now = timezone.now()
        for account in rows:
            health = account.health_now(now)
            state = Health(health).label
            line = (
                f"#{account.pk:<5} {account.organisation.slug:<24} {account.network:<9} "
                f"{account.handle:<40} {state}"
            )
            if account.last_error and health not in (Health.OK, Health.DISCONNECTED):
                line += f" — {account.last_error}"
            self.stdout.write(line)
        if not rows:
            self.stdout.write("Aucun compte connecté / no connected account.")
