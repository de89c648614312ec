"""The composer: shared drafts, checks per account, confirmation, undo window, retry."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from parvis.audit.models import AuditEvent
from parvis.connectors.base import MediaFile
from parvis.connectors.sandbox.models import SandboxPost, SandboxProfile
from parvis.publishing import composer
from parvis.publishing import delivery as machine
from parvis.publishing.forms import ScheduleForm, local_datetime
from parvis.publishing.models import Delivery, DeliveryState, Post, PostState
from parvis.publishing.tests.conftest import training_account

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def edit(accounts, text="Forum des associations samedi de 10 h à 17 h.", **changes):
    values = {
        "text": text,
        "theme": "",
        "content_warning": "",
        "accounts": accounts,
        "variant_texts": {},
        "alt_texts": {},
        "removed": set(),
    }
    values.update(changes)
    return composer.Edit(**values)


def draft(organisation, author, accounts, **changes) -> Post:
    post = Post(organisation=organisation)
    return composer.save_draft(post, edit(accounts, **changes), actor=author, revision=None)


def test_a_draft_keeps_one_variant_per_account_and_its_own_texts(
    organisation, contributor, sandbox
):
    other = training_account(organisation, "ville-actu.bac-a-sable")
    post = draft(organisation, contributor, [sandbox, other], variant_texts={other.pk: "Court."})
    texts = {v.account_id: v.effective_text for v in post.variants.select_related("post")}
    assert texts == {sandbox.pk: post.text, other.pk: "Court."}
    composer.save_draft(post, edit([other]), actor=contributor, revision=post.revision)
    assert list(post.variants.values_list("account_id", flat=True)) == [other.pk]


def test_an_editor_working_on_an_older_revision_does_not_overwrite(
    organisation, contributor, community_manager, sandbox
):
    post = draft(organisation, contributor, [sandbox])
    opened = post.revision
    composer.save_draft(
        post, edit([sandbox], text="Version de Carole"), actor=community_manager, revision=opened
    )
    stale = Post.objects.get(pk=post.pk)
    with pytest.raises(composer.ConflictError):
        composer.save_draft(
            stale, edit([sandbox], text="Version de Bruno"), actor=contributor, revision=opened
        )
    assert Post.objects.get(pk=post.pk).text == "Version de Carole"


def test_each_account_is_checked_against_its_network_and_the_line(
    organisation, contributor, sandbox
):
    post = draft(organisation, contributor, [sandbox], text="a" * 520)
    [item] = composer.check_post(post).variants
    assert (item.length, item.max_length) == (520, 500)
    assert "length.too_long" in [f.code for f in item.blocking]
    empty = draft(organisation, contributor, [sandbox], text="  ")
    assert [f.code for f in composer.check_post(empty).blocking] == ["length.empty"]
    nowhere = draft(organisation, contributor, [])
    assert [f.code for f in composer.check_post(nowhere).blocking] == ["post.no_account"]


def test_an_image_without_alt_text_blocks_until_described(organisation, contributor, sandbox):
    image = MediaFile(png(), "image/png", "affiche.png", width=40, height=30)
    post = draft(organisation, contributor, [sandbox], new_media=image)
    assert "a11y.missing_alt" in [f.code for f in composer.check_post(post).blocking]
    media = post.media.get()
    composer.save_draft(
        post,
        edit([sandbox], alt_texts={media.pk: "Affiche du forum"}),
        actor=contributor,
        revision=post.revision,
    )
    assert composer.check_post(post).blocking == []


def test_confirming_now_leaves_after_the_undo_window(
    settings, organisation, community_manager, sandbox
):
    settings.PARVIS_UNDO_SECONDS = 30
    post = draft(organisation, community_manager, [sandbox])
    now = timezone.now()
    [delivery] = composer.confirm(post, actor=community_manager, revision=post.revision, now=now)
    assert delivery.scheduled_at == now + dt.timedelta(seconds=30)
    assert post.state == PostState.SCHEDULED
    # Before its time the job finds it not due, and leaves it.
    assert machine.claim(delivery.pk, now=now + dt.timedelta(seconds=29)) is None
    assert machine.deliver(delivery.pk) == DeliveryState.PENDING
    Delivery.objects.filter(pk=delivery.pk).update(scheduled_at=timezone.now())
    assert machine.deliver(delivery.pk) == DeliveryState.SENT
    assert SandboxPost.objects.get().text == post.text
    assert AuditEvent.objects.filter(action="post.confirmed").count() == 1


def test_a_post_is_confirmed_once_even_when_confirmed_twice(
    organisation, community_manager, admin, sandbox
):
    post = draft(organisation, community_manager, [sandbox])
    composer.confirm(post, actor=community_manager, revision=1)
    with pytest.raises(composer.ConfirmError, match="a changé depuis"):
        composer.confirm(Post.objects.get(pk=post.pk), actor=admin, revision=1)
    assert Delivery.objects.count() == 1


def test_cancelling_in_the_undo_window_brings_the_draft_back(
    organisation, community_manager, sandbox
):
    post = draft(organisation, community_manager, [sandbox])
    [delivery] = composer.confirm(post, actor=community_manager, revision=post.revision)
    assert composer.cancel(post, actor=community_manager) == (1, 0)
    assert post.state == PostState.DRAFT
    assert machine.deliver(delivery.pk) == DeliveryState.CANCELLED
    assert not SandboxPost.objects.exists()
    # The draft can be confirmed again: a new delivery, the cancelled one kept as a record.
    composer.confirm(post, actor=community_manager, revision=post.revision)
    assert list(post.deliveries.values_list("state", flat=True).order_by("pk")) == [
        DeliveryState.CANCELLED,
        DeliveryState.PENDING,
    ]


def test_too_late_to_cancel_what_has_left(organisation, community_manager, sandbox):
    post = draft(organisation, community_manager, [sandbox])
    [delivery] = composer.confirm(
        post, actor=community_manager, revision=post.revision, when=timezone.now()
    )
    assert machine.deliver(delivery.pk) == DeliveryState.SENT
    assert composer.cancel(post, actor=community_manager) == (0, 1)
    assert Post.objects.get(pk=post.pk).state == PostState.SCHEDULED


def test_blocking_findings_stop_it_unless_an_administrator_gives_a_reason(
    organisation, community_manager, admin, sandbox
):
    post = draft(organisation, community_manager, [sandbox], text="a" * 600)
    with pytest.raises(composer.ConfirmError, match="ne peut pas partir"):
        composer.confirm(post, actor=community_manager, revision=post.revision, override_reason="x")
    with pytest.raises(composer.ConfirmError):
        composer.confirm(post, actor=admin, revision=post.revision, may_override=True)
    composer.confirm(
        post,
        actor=admin,
        revision=post.revision,
        may_override=True,
        override_reason="Texte validé par le cabinet",
    )
    event = AuditEvent.objects.get(action="post.confirmed")
    assert event.after is not None
    assert event.after["overridden"] == ["length.too_long"]
    assert post.override_reason == "Texte validé par le cabinet"


def test_a_failure_stays_visible_and_can_be_retried(organisation, community_manager, sandbox):
    post = draft(organisation, community_manager, [sandbox])
    [delivery] = composer.confirm(
        post, actor=community_manager, revision=post.revision, when=timezone.now()
    )
    SandboxProfile.objects.update(revoked=True)
    assert machine.deliver(delivery.pk) == DeliveryState.FAILED
    delivery.refresh_from_db()
    assert "reconnectez-le" in delivery.last_error
    sandbox.refresh_from_db()
    assert sandbox.health == "reconnect"
    SandboxProfile.objects.update(revoked=False)
    assert machine.retry(delivery)
    assert machine.deliver(delivery.pk) == DeliveryState.SENT


def test_a_date_in_the_past_is_refused(organisation, community_manager, sandbox):
    post = draft(organisation, community_manager, [sandbox])
    with pytest.raises(composer.ConfirmError, match="passée"):
        composer.confirm(
            post,
            actor=community_manager,
            revision=post.revision,
            when=timezone.now() - dt.timedelta(hours=1),
        )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    form = ScheduleForm(
        {"when": "later", "day": yesterday.isoformat(), "clock": "10:00", "revision": 1}
    )
    assert not form.is_valid()
    assert "déjà passé" in str(form.errors)


def test_paris_time_across_the_daylight_saving_changes():
    summer = local_datetime(dt.date(2027, 7, 1), dt.time(9, 0))
    assert summer.astimezone(PARIS).utcoffset() == dt.timedelta(hours=2)
    winter = local_datetime(dt.date(2027, 1, 15), dt.time(9, 0))
    assert winter.astimezone(PARIS).utcoffset() == dt.timedelta(hours=1)
    with pytest.raises(ValidationError, match="n'existe pas le 28/03/2027"):
        local_datetime(dt.date(2027, 3, 28), dt.time(2, 30))
    twice = local_datetime(dt.date(2027, 10, 31), dt.time(2, 30))
    assert twice.astimezone(dt.UTC).hour == 0  # the first 2:30, still summer time
    assert (
        local_datetime(dt.date(2027, 3, 28), dt.time(3, 0))
        - local_datetime(dt.date(2027, 3, 28), dt.time(1, 0))
    ) == dt.timedelta(hours=1)
    assert twice.tzinfo is not None
    assert twice.astimezone(PARIS).hour == 2


def test_the_author_is_told_of_a_failure_by_email(
    organisation, contributor, community_manager, sandbox, *, mailoutbox, jobs_run_on_commit
):
    post = draft(organisation, contributor, [sandbox])
    [delivery] = composer.confirm(
        post, actor=community_manager, revision=post.revision, when=timezone.now()
    )
    SandboxProfile.objects.update(revoked=True)
    with jobs_run_on_commit():
        assert machine.deliver(delivery.pk) == DeliveryState.FAILED
    [message] = mailoutbox
    assert sorted(message.to) == sorted([contributor.email, community_manager.email])
    assert message.subject == f"Échec de publication sur {sandbox.handle}"
    assert "reconnectez-le" in message.body
    assert f"/publication/{post.pk}/" in message.body
    machine.retry(delivery)
    assert machine.notify_failure(delivery.pk) == "not failed"  # retried meanwhile: no e-mail


def test_a_delivery_whose_job_gave_up_fails_with_its_last_reason_and_can_be_retried(
    organisation, contributor, community_manager, sandbox, *, mailoutbox, jobs_run_on_commit
):
    from parvis.publishing import tasks

    assert tasks.deliver.gave_up is machine.gave_up  # the jobs layer calls it at the end
    post = draft(organisation, contributor, [sandbox])
    [delivery] = composer.confirm(
        post, actor=community_manager, revision=post.revision, when=timezone.now()
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=8, last_error="Le réseau ne répond pas (délai dépassé)."
    )
    with jobs_run_on_commit():
        machine.gave_up(delivery.pk, reason="TransientError: …")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.last_error == (
        "Abandonné après 8 essais : Le réseau ne répond pas (délai dépassé)."
    )
    assert [message.to for message in mailoutbox] == [
        sorted([community_manager.email, contributor.email])
    ]
    machine.gave_up(delivery.pk, reason="again")  # a failed one is left as it is
    assert machine.retry(delivery)
