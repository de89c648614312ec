"""Background work of the organisations: tasks take ids and are enqueued after commit."""

from __future__ import annotations

from django_tasks import task

from parvis.accounts.models import User
from parvis.organisations.invitations import send_invitation_email
from parvis.organisations.models import Membership


@task()
def send_invitation(membership_id: int, inviter_id: int | None) -> None:
    """Send the invitation e-mail; nothing to do if the membership was removed meanwhile."""
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    if membership is None or membership.user.has_usable_password():
        return
    inviter = User.objects.filter(pk=inviter_id).first() if inviter_id else None
    send_invitation_email(membership, inviter)
