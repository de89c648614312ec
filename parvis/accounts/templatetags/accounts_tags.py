"""Template helpers of the accounts pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration_in_minutes(delay: timedelta | None) -> str:
    """'15 minutes', rounded up: the lockout delay as people read it."""
    if not delay:
        return ""
    minutes = max(1, -(-int(delay.total_seconds()) // 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


@register.filter
def retry_at(delay: timedelta | None) -> datetime | None:
    """The local time after which a locked-out login may be tried again."""
    if not delay:
        return None
    return timezone.localtime(timezone.now() + delay)
