"""Followed accounts as curated sources: their latest posts, suggested for sharing.

An account of another body (the préfecture, a school, a partner) is read through one of the
organisation's connected accounts, on the same network. Its new posts are listed with the
RSS and Atom suggestions, read as reposts (praise of the organisation itself is flagged),
and shared as a repost or a quote of the original post.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.models import User
from parvis.analysis import engine
from parvis.analysis.context import Context, Kind
from parvis.analysis.findings import Finding
from parvis.audit.services import record
from parvis.connectors import services
from parvis.connectors.base import Capability
from parvis.connectors.errors import ConnectorError
from parvis.connectors.labels import CAPABILITY_LABELS
from parvis.connectors.models import ConnectedAccount
from parvis.organisations.models import Organisation
from parvis.publishing.models import FollowedAccount, FollowedPost, Post
from parvis.strategy.editorial import rules_for

KEPT = 100  # posts kept per followed account: older ones have been suggested long enough
SHOWN = 30


class FollowError(Exception):
    """The account cannot be followed; the message says why, in French."""


@dataclass(frozen=True)
class PostSuggestion:
    post: FollowedPost
    findings: list[Finding]
    shared: bool  # a post of the organisation already answers, quotes or reposts it


def read(followed: FollowedAccount) -> int:
    """Read the account's latest posts; returns how many were new. An error is kept on the
    row (shown on the suggestions page) and raised."""
    try:
        posts = services.connector_for(followed.account).account_posts(followed.handle)
    except ConnectorError as error:
        # An unknown handle is the followed account's problem; a refused token or a quota
        # is the reading account's, and shows on it.
        if error.needs_reconnect or error.rate_limited:
            services.record_error(followed.account, error)
        FollowedAccount.objects.filter(pk=followed.pk).update(last_error=error.message)
        followed.last_error = error.message
        raise
    new = 0
    for remote in posts:
        try:
            with transaction.atomic():
                _post, created = FollowedPost.objects.get_or_create(
                    followed=followed,
                    remote_id=remote.remote_id,
                    defaults={
                        "url": remote.url[:500],
                        "text": remote.text,
                        "published_at": remote.created_at,
                    },
                )
        except IntegrityError:  # read at the same time by another run
            continue
        new += created
    if posts and posts[0].author.display_name:
        followed.display_name = posts[0].author.display_name[:200]
    followed.last_read_at = timezone.now()
    followed.last_error = ""
    followed.save(update_fields=["display_name", "last_read_at", "last_error"])
    old = FollowedPost.objects.filter(followed=followed).order_by("-published_at", "-pk")[KEPT:]
    FollowedPost.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return new


def follow(account: ConnectedAccount, handle: str, *, actor: User) -> FollowedAccount:
    """Follow ``handle`` through ``account``: read at once, so a wrong name is said now."""
    handle = handle.strip().lstrip("@")
    if not services.connector_for(account).can(Capability.READ_ACCOUNT_POSTS):
        raise FollowError(
            _("%(network)s ne permet pas : %(what)s.")
            % {
                "network": account.get_network_display(),
                "what": CAPABILITY_LABELS[Capability.READ_ACCOUNT_POSTS],
            }
        )
    if FollowedAccount.objects.filter(account=account, handle__iexact=handle).exists():
        raise FollowError(_("%(handle)s est déjà suivi.") % {"handle": handle})
    try:
        with transaction.atomic():
            followed = FollowedAccount.objects.create(
                organisation=account.organisation, account=account, handle=handle, added_by=actor
            )
            read(followed)
    except ConnectorError as error:
        raise FollowError(
            _("Impossible de lire %(handle)s : %(reason)s")
            % {"handle": handle, "reason": error.message}
        ) from error
    record(
        organisation=account.organisation,
        actor=actor,
        action="followed_account.created",
        target=followed,
        after={"handle": handle, "account": account.handle},
        summary=str(_("Compte suivi comme source : %(handle)s")) % {"handle": handle},
    )
    return followed


def followed_accounts(organisation: Organisation) -> list[FollowedAccount]:
    return list(FollowedAccount.objects.filter(organisation=organisation).select_related("account"))


def suggestions(organisation: Organisation, limit: int = SHOWN) -> list[PostSuggestion]:
    shared = Post.objects.filter(organisation=organisation, target=OuterRef("url"))
    posts = list(
        FollowedPost.objects.filter(followed__organisation=organisation, dismissed_at=None)
        .annotate(shared=Exists(shared))
        .select_related("followed")[:limit]
    )
    rules = rules_for(organisation)
    found = engine.engine().analyse_many(
        [engine.Item(post.text, Context(kind=Kind.REPOST, rules=rules)) for post in posts]
    )
    return [
        PostSuggestion(post, findings, bool(getattr(post, "shared", False)))
        for post, findings in zip(posts, found, strict=True)
    ]
