"""Authenticated encryption of secrets at rest (network tokens, app passwords...).

A stored value reads ``pv1:<key id>:<base64url(nonce + ciphertext + tag)>``: AES-256-GCM with a
random 96-bit nonce. Keys come from ``settings.PARVIS_ENCRYPTION_KEYS``; the first one encrypts,
all of them decrypt, which is what makes rotation possible (``parvis rotate-keys``).
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "pv1"
MIN_KEY_LENGTH = 32
NONCE_BYTES = 12
# Fixed, public salt: the configured strings are already long random secrets; HKDF only has
# to turn any of them into a uniform 256-bit key, and to separate the key id from the key.
_SALT = b"parvis/secrets-at-rest"


class DecryptionError(Exception):
    """A stored secret cannot be read back with the configured keys."""


class KeyConfigurationError(ImproperlyConfigured):
    """PARVIS_ENCRYPTION_KEYS is empty or holds a key too short to be safe."""


def key_problems(secrets: list[str]) -> list[str]:
    """What is wrong with a list of configured keys, one French / English sentence each."""
    if not secrets:
        return [
            "PARVIS_ENCRYPTION_KEYS est vide : aucune clé pour chiffrer les secrets. "
            "/ PARVIS_ENCRYPTION_KEYS is empty: no key to encrypt secrets."
        ]
    return [
        f"PARVIS_ENCRYPTION_KEYS : la clé n° {position} est trop courte "
        f"({len(secret.strip())} caractères, {MIN_KEY_LENGTH} au moins). "
        f"/ PARVIS_ENCRYPTION_KEYS: key #{position} is too short "
        f"({len(secret.strip())} characters, at least {MIN_KEY_LENGTH})."
        for position, secret in enumerate(secrets, start=1)
        if len(secret.strip()) < MIN_KEY_LENGTH
    ]


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose).derive(
        secret.strip().encode()
    )


@dataclass(frozen=True)
class Key:
    id: str
    cipher: AESGCM

    @classmethod
    def from_secret(cls, secret: str) -> Key:
        # The id is derived separately so that publishing it says nothing about the key.
        key_id = _derive(secret, b"parvis:key-id:v1").hex()[:12]
        return cls(id=key_id, cipher=AESGCM(_derive(secret, b"parvis:aes-256-gcm:v1")))


@dataclass(frozen=True)
class Keyring:
    current: Key
    by_id: dict[str, Key]


@lru_cache(maxsize=8)
def _keyring(secrets: tuple[str, ...]) -> Keyring:
    problems = key_problems(list(secrets))
    if problems:
        raise KeyConfigurationError(" ".join(problems))
    keys = [Key.from_secret(secret) for secret in secrets]
    by_id: dict[str, Key] = {}
    for key in keys:
        by_id.setdefault(key.id, key)
    return Keyring(current=keys[0], by_id=by_id)


def keyring() -> Keyring:
    """The keys of the current settings (cached per list, so tests may override the setting)."""
    return _keyring(tuple(settings.PARVIS_ENCRYPTION_KEYS))


def is_encrypted(value: str) -> bool:
    return value.startswith(f"{VERSION}:")


def key_id_of(token: str) -> str:
    """The id of the key that encrypted ``token``."""
    return _split(token)[0]


def encrypt(plaintext: str) -> str:
    """Encrypt with the current key; two calls on the same text give different tokens."""
    key = keyring().current
    nonce = os.urandom(NONCE_BYTES)
    # The header is authenticated too: a token cannot be relabelled with another key id.
    sealed = key.cipher.encrypt(nonce, plaintext.encode(), _header(key.id))
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{VERSION}:{key.id}:{body}"


def decrypt(token: str) -> str:
    """The clear text of ``token``, or ``DecryptionError`` saying why not."""
    key_id, body = _split(token)
    key = keyring().by_id.get(key_id)
    if key is None:
        raise DecryptionError(
            f"Secret chiffré avec la clé « {key_id} », absente de PARVIS_ENCRYPTION_KEYS : "
            "remettez l'ancienne clé dans la liste. "
            f"/ Secret encrypted with key '{key_id}', which is not in PARVIS_ENCRYPTION_KEYS: "
            "put the old key back in the list."
        )
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return key.cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _header(key_id)).decode()
    except (InvalidTag, ValueError, binascii.Error):
        raise DecryptionError(
            f"Secret illisible avec la clé « {key_id} » : valeur altérée ou tronquée. "
            f"/ Secret cannot be decrypted with key '{key_id}': value altered or truncated."
        ) from None


def reencrypt(token: str) -> str | None:
    """``token`` encrypted with the current key, or ``None`` when it already is."""
    if key_id_of(token) == keyring().current.id:
        return None
    return encrypt(decrypt(token))


def _header(key_id: str) -> bytes:
    return f"{VERSION}:{key_id}".encode()


def _split(token: str) -> tuple[str, str]:
    version, _, rest = token.partition(":")
    key_id, _, body = rest.partition(":")
    if version != VERSION or not key_id or not body:
        raise DecryptionError(
            "Valeur non chiffrée ou de format inconnu (préfixe « pv1: » attendu). "
            "/ Value is not encrypted or has an unknown format ('pv1:' prefix expected)."
        )
    return key_id, body
