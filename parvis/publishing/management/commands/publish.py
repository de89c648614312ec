"""``parvis publish --account ID "texte" [--image FICHIER --alt TEXTE]…``

The same checks and the same exactly-once delivery as the web composer; prints the address
of the post once it is published.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.analysis.findings import Severity
from parvis.connectors.base import Draft
from parvis.connectors.models import ConnectedAccount
from parvis.jobs.errors import TransientError
from parvis.publishing import delivery as delivery_machine
from parvis.publishing.actions import MediaRefusedError, do_create_delivery, read_image
from parvis.publishing.models import Delivery, DeliveryState

WAIT_SECONDS = 120


class Command(BaseCommand):
    help = "Publie sur un compte connecté / Publish through a connected account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", help="le texte de la publication")
        parser.add_argument(
            "--account", type=int, required=True, help="n° du compte (parvis account list)"
        )
        parser.add_argument(
            "--image",
            type=Path,
            action="append",
            default=[],
            help="image à joindre (plusieurs possibles)",
        )
        parser.add_argument(
            "--alt",
            action="append",
            default=[],
            help="texte alternatif de chaque image, dans l'ordre",
        )
        parser.add_argument("--cw", default="", help="avertissement de contenu")
        parser.add_argument("--language", default="fr")
        parser.add_argument(
            "--reply-to", default="", help="identifiant sur le réseau du message auquel répondre"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        account = (
            ConnectedAccount.objects.select_related("organisation")
            .filter(pk=options["account"], disconnected_at=None)
            .first()
        )
        if account is None:
            raise CommandError(
                f"Aucun compte connecté n° {options['account']} (parvis account list)."
            )
        draft = Draft(
            text=options["text"],
            media=self._images(options["image"], options["alt"]),
            content_warning=options["cw"],
            language=options["language"],
            in_reply_to=options["reply_to"],
        )
        prepared = do_create_delivery(account, actor=None, draft=draft)
        for finding in prepared.findings:
            mark = "ERREUR" if finding.severity == Severity.BLOCKING else "Attention"
            self.stderr.write(f"{mark} [{finding.code}] {finding.message}")
        if prepared.delivery is None:
            raise CommandError("Publication refusée : corrigez les erreurs ci-dessus.")
        self.stdout.write(self._send(prepared.delivery))

    def _images(self, paths: list[Path], alts: list[str]) -> tuple[Any, ...]:
        if len(alts) > len(paths):
            raise CommandError("Plus de --alt que d'--image.")
        images = []
        for index, path in enumerate(paths):
            try:
                data = path.read_bytes()
            except OSError as error:
                raise CommandError(f"{path} : lecture impossible ({error.strerror}).") from None
            alt = alts[index] if index < len(alts) else ""
            try:
                images.append(read_image(data, path.name, alt))
            except MediaRefusedError as error:
                raise CommandError(str(error)) from None
        return tuple(images)

    def _send(self, delivery: Delivery) -> str:
        try:
            delivery_machine.deliver(delivery.pk)
        except TransientError as error:
            raise CommandError(
                f"Échec temporaire : {error}. Le worker réessaiera (envoi n° {delivery.pk})."
            ) from None
        # A worker may have taken it first: wait for the outcome rather than send twice.
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            delivery.refresh_from_db()
            if delivery.state == DeliveryState.SENT:
                return f"Publié : {delivery.remote_url}"
            if delivery.state == DeliveryState.FAILED:
                raise CommandError(f"Échec : {delivery.last_error}")
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Toujours en cours d'envoi par le worker (envoi n° {delivery.pk})."
                )
            time.sleep(0.5)
