"""Two writers at once: the one whose version number was taken writes again."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from parvis.strategy import editorial
from parvis.strategy.models import EditorialLineVersion
from parvis.strategy.versioning import write_version

pytestmark = pytest.mark.django_db

VALUES = {
    "themes": ["Travaux"],
    "tone": "",
    "style_rules": "",
    "language_level": "",
    "forbidden_words": [],
    "forbidden_topics": {},
    "cadence": {},
    "reply_policy": "",
}


def test_a_write_refused_by_the_version_constraint_is_run_again(organisation):
    editorial.write(organisation, VALUES, actor=None, note="")
    calls = []

    def write() -> EditorialLineVersion:
        calls.append(1)
        number = 1 if len(calls) == 1 else 2  # the first attempt read a stale number
        return EditorialLineVersion.objects.create(
            organisation=organisation, number=number, **{**VALUES, "tone": "Le nôtre"}
        )

    version = write_version(write)
    assert len(calls) == 2
    assert version.number == 2
    assert list(EditorialLineVersion.objects.values_list("number", flat=True)) == [2, 1]


def test_a_write_that_keeps_failing_is_not_retried_forever():
    calls = []

    def write() -> None:
        calls.append(1)
        raise IntegrityError("taken")

    with pytest.raises(IntegrityError):
        write_version(write)
    assert len(calls) == 3
