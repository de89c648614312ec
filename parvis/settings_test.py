"""Settings for the test suite: the real settings with a throwaway data directory."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("PARVIS_ENV", "test")
os.environ.setdefault("PARVIS_DATA_DIR", tempfile.mkdtemp(prefix="parvis-test-"))
os.environ.setdefault("PARVIS_EMAIL_BACKEND", "console")

from parvis import settings as _base
from parvis.settings import *  # noqa: F403

# Hashing with Argon2 costs ~50 ms a user; tests create many. One test checks the real list.
PRODUCTION_PASSWORD_HASHERS = _base.PASSWORD_HASHERS
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# WhiteNoise warns about a missing static root; the test data directory starts empty.
_base.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
