"""``parvis createadmin``: the first administrator of an instance, and their organisation."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from parvis.accounts.models import User
from parvis.audit.services import record
from parvis.organisations.models import Membership, Organisation, OrganisationKind, Role


class Command(BaseCommand):
    help = (
        "Crée un administrateur et, si besoin, son organisation. "
        "/ Create an administrator and, if needed, their organisation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--org", required=True, help="identifiant (slug) de l'organisation")
        parser.add_argument("--org-name", help="nom de l'organisation, si elle est à créer")
        parser.add_argument(
            "--org-kind", choices=OrganisationKind.values, default=OrganisationKind.COMMUNE
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="lire le mot de passe sur l'entrée standard (scripts)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        slug = options["org"].strip()
        try:
            validate_email(email)
            validate_slug(slug)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None and not options["org_name"]:
            raise CommandError(
                _("L'organisation « %s » n'existe pas : donnez son nom avec --org-name.") % slug
            )
        user = User.objects.filter(email__iexact=email).first()
        password = None if user else self._password(options["password_stdin"], email)
        with transaction.atomic():
            if organisation is None:
                organisation = Organisation.objects.create(
                    slug=slug, name=options["org_name"], kind=options["org_kind"]
                )
            if user is None:
                user = User.objects.create_user(email, password, full_name=options["name"])
            membership, created = Membership.objects.update_or_create(
                organisation=organisation, user=user, defaults={"role": Role.ADMIN}
            )
            record(
                organisation=organisation,
                actor=None,
                action="member.added" if created else "member.role_changed",
                target=membership,
                after={"user": user.email, "role": Role.ADMIN},
                summary=_("Administrateur créé en ligne de commande"),
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(email)s administre désormais « %(org)s ».")
                % {"email": email, "org": organisation.name}
            )
        )

    def _password(self, from_stdin: bool, email: str) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(_("Mot de passe : "))
            if password != getpass.getpass(_("Mot de passe (confirmation) : ")):
                raise CommandError(_("Les deux mots de passe diffèrent."))
        try:
            validate_password(password, User(email=email))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password
