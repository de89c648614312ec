"""The training network: it behaves as a network does, and keeps everything in the instance."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parvis.connectors import services
from parvis.connectors.base import Draft, MediaFile
from parvis.connectors.errors import ConnectorError
from parvis.connectors.models import ConnectedAccount, Health, Network
from parvis.connectors.sandbox import scenarios
from parvis.connectors.sandbox.models import SandboxPost, SandboxProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(client, organisation, admin) -> ConnectedAccount:
    client.force_login(admin)
    response = client.post(
        reverse("connectors:sandbox_connect", kwargs={"org": organisation.slug}),
        {"name": "Ville-Test", "display_name": "Ville de Test", "followers": "1200"},
    )
    assert response.status_code == 302
    return ConnectedAccount.objects.get(organisation=organisation, network=Network.SANDBOX)


def _connector(account: ConnectedAccount):
    return services.connector_for(account)


def test_an_administrator_creates_a_training_account(account):
    assert account.handle == "ville-test.bac-a-sable"
    assert account.followers_count == 1200
    assert account.display_name == "Ville de Test"
    assert account.credentials_dict() == {}
    assert account.get_network_display() == "Bac à sable (entraînement)"


def test_a_taken_or_malformed_handle_is_refused_in_french(client, organisation, account):
    url = reverse("connectors:sandbox_connect", kwargs={"org": organisation.slug})
    taken = client.post(url, {"name": "ville-test", "display_name": "X", "followers": "0"})
    assert "existe déjà dans le bac à sable" in taken.content.decode()
    bad = client.post(url, {"name": "Ville de Test !", "display_name": "X", "followers": "0"})
    assert "lettres minuscules, chiffres et tirets" in bad.content.decode()
    assert SandboxProfile.objects.count() == 1


def test_publishing_twice_with_one_key_makes_one_post(account):
    connector = _connector(account)
    draft = Draft(
        text="Bonjour !", media=(MediaFile(b"x" * 10, "image/png", "a.png", alt_text="Un logo"),)
    )
    first = connector.publish(draft, idempotency_key="key-1")
    again = connector.publish(draft, idempotency_key="key-1")
    assert first.remote_id == again.remote_id
    post = SandboxPost.objects.get()
    assert post.ours
    assert post.text == "Bonjour !"
    assert post.media == [
        {"mime_type": "image/png", "alt_text": "Un logo", "width": None, "height": None, "size": 10}
    ]
    assert connector.find_published("key-1") == first
    assert connector.find_published("key-2") is None
    assert first.url.endswith(f"/bac-a-sable/{account.handle}/#post-{first.remote_id}")


def test_the_network_refuses_what_a_network_would(account):
    connector = _connector(account)
    with pytest.raises(ConnectorError) as too_long:
        connector.publish(Draft(text="a" * 501), idempotency_key="k")
    assert too_long.value.permanent
    assert "501 caractères sur 500" in too_long.value.message
    with pytest.raises(ConnectorError) as missing:
        connector.publish(Draft(text="Réponse", in_reply_to="nope"), idempotency_key="k2")
    assert missing.value.status == 404
    assert not SandboxPost.objects.exists()


def test_delete_pin_like_and_replies(account):
    connector = _connector(account)
    one = connector.publish(Draft(text="Un"), idempotency_key="1")
    two = connector.publish(Draft(text="Deux"), idempotency_key="2")
    connector.pin(one.remote_id)
    connector.pin(two.remote_id)
    assert list(SandboxPost.objects.filter(pinned=True).values_list("remote_id", flat=True)) == [
        two.remote_id
    ]
    connector.like(two.remote_id)
    reply = connector.publish(Draft(text="Suite", in_reply_to=two.remote_id), idempotency_key="3")
    assert [post.remote_id for post in connector.replies(two.remote_id)] == [reply.remote_id]
    metrics = connector.metrics([two.remote_id])[two.remote_id]
    assert (metrics.likes, metrics.replies) == (1, 1)
    connector.delete(one.remote_id)
    with pytest.raises(ConnectorError):
        connector.get_post(one.remote_id)


def test_a_revoked_token_marks_the_account_for_reconnection(client, organisation, account):
    client.post(
        reverse("connectors:sandbox_revoke", kwargs={"org": organisation.slug, "pk": account.pk})
    )
    with pytest.raises(ConnectorError):
        services.call(account, lambda c: c.publish(Draft(text="Bonjour"), idempotency_key="k"))
    account.refresh_from_db()
    assert account.health == Health.RECONNECT
    client.post(
        reverse("connectors:sandbox_reconnect", kwargs={"org": organisation.slug, "pk": account.pk})
    )
    account.refresh_from_db()
    assert account.health == Health.OK
    services.call(account, lambda c: c.publish(Draft(text="Bonjour"), idempotency_key="k"))


def test_playing_a_scenario_spreads_its_reactions_over_time(
    client, organisation, account, django_capture_on_commit_callbacks
):
    url = reverse("connectors:sandbox_play", kwargs={"org": organisation.slug, "pk": account.pk})
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"scenario": "bad_buzz"})
    assert "réactions arrivent" in client.get(response["Location"]).content.decode()
    jobs = DBTaskResult.objects.filter(task_path__endswith="sandbox.tasks.react")
    wave = scenarios.SCENARIOS["bad_buzz"].reactions
    assert jobs.count() == len(wave)
    delays = sorted((job.run_after - before).total_seconds() for job in jobs)
    assert delays[0] >= 5
    assert delays[-1] >= 300  # a wave over minutes, not one burst
    assert client.post(url, {"scenario": "nope"}).status_code == 302
    assert jobs.count() == len(wave)


def test_reactions_answer_our_latest_post_and_are_read_as_notifications(account):
    connector = _connector(account)
    profile = SandboxProfile.objects.get()
    scenarios.apply(profile, "mentions", 0)  # nothing of ours yet: a mention
    ours = connector.publish(Draft(text="Forum samedi"), idempotency_key="1")
    for index in range(len(scenarios.SCENARIOS["questions"].reactions)):
        scenarios.apply(profile, "questions", index)
    page = connector.notifications()
    kinds = [item.kind for item in page.items]
    assert kinds.count("reply") == 4
    assert kinds.count("mention") == 1
    assert page.items[-1].post.text.startswith(f"@{account.handle} ")
    assert len(connector.replies(ours.remote_id)) == 4
    for index in range(len(scenarios.SCENARIOS["followers"].reactions)):
        scenarios.apply(profile, "followers", index)
    assert connector.verify().followers_count == 1200 + 120


def test_unfollows_never_go_below_zero(account):
    profile = SandboxProfile.objects.get()
    SandboxProfile.objects.update(followers_count=3)
    unfollow = next(
        i for i, r in enumerate(scenarios.SCENARIOS["bad_buzz"].reactions) if r.kind == "unfollow"
    )
    scenarios.apply(profile, "bad_buzz", unfollow)
    profile.refresh_from_db()
    assert profile.followers_count == 0


def test_the_timeline_is_shown_to_members_only(client, organisation, account, outsider):
    connector = _connector(account)
    ours = connector.publish(Draft(text="Forum des associations samedi"), idempotency_key="1")
    scenarios.apply(SandboxProfile.objects.get(), "questions", 0)
    url = reverse("sandbox:timeline", kwargs={"handle": account.handle})
    page = client.get(url).content.decode()
    assert "Forum des associations samedi" in page
    assert "déchetterie" in page
    assert f'id="post-{ours.remote_id}"' in page
    assert "réseau d'entraînement" in page
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_an_old_reaction_job_for_a_removed_account_does_nothing(account):
    from parvis.connectors.sandbox.tasks import react

    profile_id = SandboxProfile.objects.get().pk
    SandboxProfile.objects.all().delete()
    assert react.call(profile_id, "questions", 0) == "gone"


def _other_account(client, organisation) -> ConnectedAccount:
    client.post(
        reverse("connectors:sandbox_connect", kwargs={"org": organisation.slug}),
        {"name": "ecole", "display_name": "École", "followers": "10"},
    )
    return ConnectedAccount.objects.get(handle="ecole.bac-a-sable")


def test_a_post_of_another_account_is_found_by_its_address_and_reposted_once(
    client, organisation, account
):
    school = _connector(_other_account(client, organisation))
    shared = school.publish(Draft(text="Portes ouvertes samedi"), idempotency_key="po")
    connector = _connector(account)

    found = connector.find_post(shared.url)  # as pasted from its timeline
    first = connector.repost(shared.url)
    again = connector.repost(shared.remote_id)

    assert found.remote_id == shared.remote_id
    assert found.author.handle == "ecole.bac-a-sable"
    assert first == again
    assert SandboxPost.objects.get(remote_id=shared.remote_id).reposts == 1
    assert SandboxPost.objects.get(remote_id=first.remote_id).repost_of == shared.remote_id
    with pytest.raises(ConnectorError):
        connector.find_post(f"{shared.url}-inconnu")


def test_a_followed_account_s_posts_leave_out_its_replies_and_reposts(
    client, organisation, account
):
    school = _connector(_other_account(client, organisation))
    first = school.publish(Draft(text="Rentrée lundi"), idempotency_key="a")
    second = school.publish(Draft(text="Cantine : menu de la semaine"), idempotency_key="b")
    school.publish(Draft(text="Merci", in_reply_to=first.remote_id), idempotency_key="c")
    ours = _connector(account).publish(Draft(text="Fête de la ville"), idempotency_key="d")
    school.repost(ours.remote_id)

    posts = _connector(account).account_posts("@ecole.bac-a-sable")

    assert [post.remote_id for post in posts] == [second.remote_id, first.remote_id]
    with pytest.raises(ConnectorError) as raised:
        _connector(account).account_posts("personne.bac-a-sable")
    assert "n'existe pas dans le bac à sable" in raised.value.message
