"""The composer's work on a post: its checks per account, confirming it, cancelling it.

A post is a draft shared in the team until someone with the right to publish confirms it:
then one delivery per variant is written, due at the chosen time — or at the end of the undo
window for "publier maintenant" — and the jobs layer sends each exactly once. Until a
delivery is claimed it can be cancelled, and the post goes back to being a draft.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parvis.accounts.models import User
from parvis.analysis import engine
from parvis.analysis.context import Context, Kind, Rules
from parvis.analysis.findings import Finding, Severity, blocking
from parvis.audit.services import record
from parvis.connectors import services
from parvis.connectors.base import Capability, Connector, Draft, MediaFile
from parvis.connectors.errors import ConnectorError
from parvis.connectors.labels import CAPABILITY_LABELS
from parvis.connectors.models import ConnectedAccount
from parvis.connectors.remote import RemotePost
from parvis.publishing import crisis
from parvis.publishing.actions import store_delivery
from parvis.publishing.checks import check_capabilities, check_draft
from parvis.publishing.models import (
    NOT_CLAIMED,
    REFERRING,
    Delivery,
    DeliveryState,
    Post,
    PostKind,
    PostMedia,
    PostState,
    Variant,
    stored_media,
)
from parvis.publishing.queue import next_free
from parvis.strategy.editorial import rules_for


def undo_window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.PARVIS_UNDO_SECONDS)


def publishable_accounts(post: Post) -> list[ConnectedAccount]:
    """The organisation's accounts a post can go to (connected ones)."""
    return list(
        ConnectedAccount.objects.filter(organisation=post.organisation, disconnected_at=None)
    )


def thread_drafts(post: Post) -> list[Draft]:
    """The later parts of the post's thread (the network's reply is set when each leaves)."""
    if post.kind == PostKind.REPOST:
        return []
    return [
        Draft(text=part, content_warning=post.content_warning, language=post.language)
        for part in post.thread
    ]


def draft_of(variant: Variant, media: tuple[MediaFile, ...]) -> Draft:
    post = variant.post
    if post.kind == PostKind.REPOST:
        return Draft(text="", repost_of=post.target)
    return Draft(
        text=variant.effective_text,
        media=media,
        content_warning=post.content_warning,
        language=post.language,
        in_reply_to=post.target if post.kind == PostKind.REPLY else "",
        quote_of=post.target if post.kind == PostKind.QUOTE else "",
    )


TARGET_CACHE_SECONDS = 300  # a post found is not looked up again at every keystroke
TARGET_MISSING = {
    PostKind.REPLY: _lazy("Collez l'adresse de la publication à laquelle répondre."),
    PostKind.QUOTE: _lazy("Collez l'adresse de la publication à citer."),
    PostKind.REPOST: _lazy("Collez l'adresse de la publication à repartager."),
}


def find_target(account: ConnectedAccount, address: str) -> RemotePost:
    """The post at ``address`` as the account's server knows it (kept a few minutes).

    Raises :class:`ConnectorError`; a post not found is the draft's problem, not the
    account's, so the account's health is left as it is.
    """
    key = f"parvis:target:{account.pk}:{hashlib.sha256(address.encode()).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = services.connector_for(account).find_post(address)
        cache.set(key, found, TARGET_CACHE_SECONDS)
    return cast(RemotePost, found)


def _target_findings(
    post: Post, account: ConnectedAccount, rules: Rules
) -> tuple[RemotePost | None, list[Finding]]:
    """The post aimed at, through this account, and what to say of it: not found, or — for
    what the organisation shares (repost, quote) — the analysis of its text as a repost."""
    try:
        target = find_target(account, post.target)
    except ConnectorError as error:
        return None, [Finding("target.not_found", Severity.BLOCKING, error.message)]
    if post.kind == PostKind.REPLY:
        return target, []
    context = Context(kind=Kind.REPOST, network=account.network, rules=rules)
    findings = [
        replace(
            finding,
            message=_("Publication partagée : %(message)s") % {"message": finding.message},
            start=None,
            end=None,
        )
        for finding in engine.analyse(target.text, context)
    ]
    return target, findings


@dataclass
class VariantCheck:
    variant: Variant
    findings: list[Finding]
    length: int
    max_length: int
    length_rule: str
    target: RemotePost | None = None  # the post answered, quoted or reposted, as found

    @property
    def blocking(self) -> list[Finding]:
        return blocking(self.findings)


@dataclass
class PostCheck:
    """Everything to say about a post before it leaves: per account, and about the post."""

    variants: list[VariantCheck]
    general: list[Finding] = field(default_factory=list)
    media: tuple[MediaFile, ...] = ()  # the images checked, read once from storage

    @property
    def blocking(self) -> list[Finding]:
        found = blocking(self.general)
        for item in self.variants:
            found.extend(item.blocking)
        return found


def check_post(
    post: Post, variants: list[Variant] | None = None, media_rows: list[PostMedia] | None = None
) -> PostCheck:
    """The checks of every variant (against its network, the editorial line, the charter).

    ``variants`` and ``media_rows`` default to the saved ones; the live check passes what the
    form holds, not saved yet.
    """
    variants = list(post.variants.select_related("account")) if variants is None else variants
    rows = list(post.media.all()) if media_rows is None else media_rows
    media = tuple(stored_media(item, item.filename) for item in rows)
    rules = rules_for(post.organisation)
    general = []
    if not variants:
        general.append(
            Finding(
                "post.no_account",
                Severity.BLOCKING,
                _("Choisissez au moins un compte où publier."),
            )
        )
    refers = post.kind in REFERRING
    if refers and not post.target.strip():
        general.append(
            Finding("target.missing", Severity.BLOCKING, str(TARGET_MISSING[PostKind(post.kind)]))
        )
    if post.kind == PostKind.REPOST and (post.text.strip() or rows or post.thread):
        general.append(
            Finding(
                "repost.own_content",
                Severity.WARNING,
                _(
                    "Un repartage publie la publication telle quelle : votre texte, vos images "
                    "et la suite du fil ne partiront pas. Choisissez « Citation » pour ajouter "
                    "un commentaire."
                ),
            )
        )
    checks = []
    for variant in variants:
        draft = draft_of(variant, media)
        connector = services.connector_for(variant.account)
        limits = connector.account_limits()
        target = None
        if draft.repost_of:  # nothing of ours to check but what the network can do
            findings = check_capabilities(draft, connector)
        else:
            findings = check_draft(draft, connector, rules)
            findings.extend(_thread_findings(post, connector, rules))
        if refers and post.target.strip() and variant.account.is_connected:
            target, found = _target_findings(post, variant.account, rules)
            findings.extend(found)
        if not variant.account.is_connected:
            findings.insert(
                0,
                Finding(
                    "account.disconnected",
                    Severity.BLOCKING,
                    _("Le compte %(handle)s a été déconnecté : retirez-le ou reconnectez-le.")
                    % {"handle": variant.account.handle},
                ),
            )
        checks.append(
            VariantCheck(
                variant,
                findings,
                connector.text_length(draft.text),
                limits.max_length,
                str(limits.length_rule),
                target,
            )
        )
    return PostCheck(checks, general, media)


def _thread_findings(post: Post, connector: Connector, rules: Rules) -> list[Finding]:
    """The checks of each later part of a thread, each said with its number."""
    if not post.thread:
        return []
    if not connector.can(Capability.THREAD):
        return [
            Finding(
                "network.unsupported",
                Severity.BLOCKING,
                _("%(network)s ne permet pas : %(what)s.")
                % {"network": connector.label, "what": CAPABILITY_LABELS[Capability.THREAD]},
            )
        ]
    found = []
    for number, draft in enumerate(thread_drafts(post), start=2):
        for finding in check_draft(draft, connector, rules):
            found.append(
                replace(
                    finding,
                    message=_("Publication %(n)d du fil : %(message)s")
                    % {"n": number, "message": finding.message},
                    start=None,
                    end=None,
                )
            )
    return found


class ConflictError(Exception):
    """Someone saved the post since this editor opened it: their text is not overwritten."""


@dataclass(frozen=True)
class Edit:
    """What the composer's form holds for one save of a draft."""

    text: str
    theme: str
    content_warning: str
    accounts: list[ConnectedAccount]
    variant_texts: dict[int, str]  # account id → its own text ("" for the common one)
    alt_texts: dict[int, str]  # media id → alt text
    removed: set[int]  # media ids
    new_media: MediaFile | None = None
    thread: tuple[str, ...] = ()  # the posts that follow the first, for every account
    kind: str = PostKind.POST
    target: str = ""  # the address of the post answered, quoted or reposted


@transaction.atomic
def save_draft(post: Post, edit: Edit, *, actor: User, revision: int | None) -> Post:
    """Save the draft; ``revision`` is the one the editor started from (None: a new post)."""
    if post.pk is not None:
        current = Post.objects.select_for_update().get(pk=post.pk)
        if current.state != PostState.DRAFT or revision != current.revision:
            raise ConflictError
        post.revision = current.revision + 1
    else:
        post.created_by = actor
    post.text = edit.text
    post.theme = edit.theme
    post.content_warning = edit.content_warning
    post.kind = edit.kind
    post.target = edit.target.strip() if edit.kind in REFERRING else ""
    post.thread = [part for part in edit.thread if part.strip()]
    post.updated_by = actor
    post.save()
    chosen = {account.pk for account in edit.accounts}
    post.variants.exclude(account_id__in=chosen).delete()
    for account in edit.accounts:
        Variant.objects.update_or_create(
            post=post, account=account, defaults={"text": edit.variant_texts.get(account.pk, "")}
        )
    for item in post.media.all():
        if item.pk in edit.removed:
            item.file.delete(save=False)
            item.delete()
        elif item.pk in edit.alt_texts and edit.alt_texts[item.pk] != item.alt_text:
            item.alt_text = edit.alt_texts[item.pk]
            item.save(update_fields=["alt_text"])
    if edit.new_media is not None:
        media = edit.new_media
        last = post.media.order_by("-position").values_list("position", flat=True).first()
        PostMedia.objects.create(
            post=post,
            file=ContentFile(media.data, name=media.filename),
            filename=media.filename[:200],
            mime_type=media.mime_type,
            size=len(media.data),
            alt_text=media.alt_text,
            width=media.width,
            height=media.height,
            position=0 if last is None else last + 1,
        )
    return post


class ConfirmError(Exception):
    """The post cannot be confirmed as it is; the message says why, in French."""


def confirm(
    post: Post,
    *,
    actor: User,
    revision: int,
    when: dt.datetime | None = None,
    override_reason: str = "",
    may_override: bool = False,
    now: dt.datetime | None = None,
    broadcast: bool = False,
    queue: bool = False,
) -> list[Delivery]:
    """Write the post's deliveries, due at ``when`` (or after the undo window when None).

    ``revision`` is the one the confirming person read: a post changed since is refused, so
    that nobody publishes a text they have not seen. Blocking findings refuse it, unless an
    administrator (``may_override``) gives a reason, which is recorded. ``broadcast`` is the
    crisis broadcast; any other post confirmed during crisis mode is written paused.
    ``queue``: each account's delivery takes the next free slot of that account's queue.
    """
    now = now or timezone.now()
    due = when if when is not None else now + undo_window()
    if when is not None and when < now - dt.timedelta(minutes=1):
        raise ConfirmError(_("Cette date est passée : choisissez une date à venir."))
    checked = check_post(post)
    stopping = checked.blocking
    if stopping and not (may_override and override_reason.strip()):
        raise ConfirmError(
            _("La publication ne peut pas partir : %(reason)s") % {"reason": stopping[0].message}
        )
    times = {item.variant.account.pk: due for item in checked.variants}
    if queue:
        times = _slots(checked, after=now + undo_window())
        due = min(times.values(), default=due)
    paused = not broadcast and crisis.active(post.organisation) is not None
    with transaction.atomic():
        taken = Post.objects.filter(pk=post.pk, state=PostState.DRAFT, revision=revision).update(
            state=PostState.SCHEDULED,
            scheduled_at=due,
            confirmed_by=actor,
            confirmed_at=now,
            override_reason=override_reason.strip() if stopping else "",
            revision=F("revision") + 1,
        )
        if not taken:
            raise ConfirmError(
                _(
                    "La publication a changé depuis que vous l'avez ouverte (ou elle est déjà "
                    "confirmée) : relisez-la avant de la confirmer."
                )
            )
        deliveries = []
        for item in checked.variants:
            previous = None
            for draft in [draft_of(item.variant, checked.media), *thread_drafts(post)]:
                previous = store_delivery(
                    item.variant.account,
                    draft,
                    actor=actor,
                    post=post,
                    scheduled_at=times[item.variant.account.pk],
                    crisis=broadcast,
                    paused=paused,
                    thread_parent=previous,
                )
                deliveries.append(previous)
        record(
            organisation=post.organisation,
            actor=actor,
            action="post.confirmed",
            target=post,
            after={
                "accounts": [item.variant.account.handle for item in checked.variants],
                "scheduled_at": due.isoformat(),
                "override_reason": override_reason.strip() if stopping else "",
                "overridden": [finding.code for finding in stopping],
            },
            summary=str(_("Publication confirmée pour le %(when)s"))
            % {"when": timezone.localtime(due).strftime("%d/%m/%Y %H:%M")},
        )
    post.refresh_from_db()
    return deliveries


def _slots(checked: PostCheck, *, after: dt.datetime) -> dict[int, dt.datetime]:
    """Each account's next free slot; an account without a slot refuses the whole post."""
    times = {}
    for item in checked.variants:
        account = item.variant.account
        slot = next_free(account, after)
        if slot is None:
            raise ConfirmError(
                _(
                    "%(handle)s n'a pas de créneau dans sa file : ajoutez-en dans "
                    "Publication > File d'attente, ou choisissez une date."
                )
                % {"handle": account.handle}
            )
        times[account.pk] = slot
    return times


def cancel(post: Post, *, actor: User) -> tuple[int, int]:
    """Cancel what has not been claimed (waiting or paused); back to draft when nothing left.
    Returns (cancelled, gone)."""
    with transaction.atomic():
        cancelled = Delivery.objects.filter(post=post, state__in=NOT_CLAIMED).update(
            state=DeliveryState.CANCELLED
        )
        gone = Delivery.objects.filter(post=post).exclude(state=DeliveryState.CANCELLED).count()
        if cancelled and not gone:
            Post.objects.filter(pk=post.pk).update(
                state=PostState.DRAFT, scheduled_at=None, revision=F("revision") + 1
            )
        if cancelled:
            record(
                organisation=post.organisation,
                actor=actor,
                action="post.cancelled",
                target=post,
                after={"cancelled": cancelled, "already_sent": gone},
                summary=str(_("Envoi annulé (%(count)d compte(s))")) % {"count": cancelled},
            )
    post.refresh_from_db()
    return cancelled, gone
