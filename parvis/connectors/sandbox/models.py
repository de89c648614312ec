"""The training network's own store: its accounts and what is posted on it.

It plays the part a network's servers play for the real connectors, inside the instance:
the connector reads and writes these rows, and the rest of Parvis sees only the connector.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def _new_id() -> str:
    return uuid.uuid4().hex


class SandboxProfile(models.Model):
    """An account on the training network (ours, connected to an organisation)."""

    remote_id = models.CharField(max_length=32, unique=True, default=_new_id, editable=False)
    handle = models.CharField(_("identifiant"), max_length=100, unique=True)
    display_name = models.CharField(_("nom affiché"), max_length=200, blank=True)
    followers_count = models.PositiveIntegerField(_("abonnés"), default=0)
    # Set by the "jeton révoqué" exercise: every call is refused until reconnection.
    revoked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("compte du bac à sable")
        verbose_name_plural = _("comptes du bac à sable")

    def __str__(self) -> str:
        return self.handle


class SandboxPost(models.Model):
    """A post on the training network: one of ours, or a scripted citizen's reaction."""

    profile = models.ForeignKey(SandboxProfile, on_delete=models.CASCADE, related_name="posts")
    remote_id = models.CharField(max_length=32, unique=True, default=_new_id, editable=False)
    ours = models.BooleanField(default=False)
    # The key a publication was sent with: a second publication with it is the same post.
    # Null for reactions: the unique constraint holds only between keys.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    author_handle = models.CharField(max_length=100)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    content_warning = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=8, blank=True)
    visibility = models.CharField(max_length=10, blank=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    quote_of = models.CharField(max_length=300, blank=True)
    repost_of = models.CharField(max_length=300, blank=True)  # our repost of this post
    mentions_us = models.BooleanField(default=False)
    media = models.JSONField(default=list, blank=True)  # [{mime_type, alt_text, width, height}]
    likes = models.PositiveIntegerField(default=0)
    reposts = models.PositiveIntegerField(default=0)
    pinned = models.BooleanField(default=False)
    scenario = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "idempotency_key"], name="sandbox_one_post_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_handle}: {self.text[:40]}"
