"""Invitation of a person who has no account yet: a link to choose a password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from parvis.accounts.models import User
from parvis.core.links import absolute_url
from parvis.organisations.models import Membership


def invitation_url(membership: Membership) -> str:
    """An absolute link, valid PASSWORD_RESET_TIMEOUT seconds, until a password is chosen."""
    user = membership.user
    return absolute_url(
        "organisations:invitation",
        org=membership.organisation.slug,
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )


def send_invitation_email(membership: Membership, inviter: User | None) -> None:
    user = membership.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "organisation": membership.organisation,
            "role": membership.get_role_display(),
            "inviter": inviter.display_name if inviter else "",
            "url": invitation_url(membership),
            "instance_name": settings.PARVIS_INSTANCE_NAME,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        }
        subject = render_to_string("organisations/email/invitation_subject.txt", context)
        body = render_to_string("organisations/email/invitation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
