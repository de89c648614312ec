"""Model fields of Parvis."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from parvis.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored encrypted (``pv1:<key id>:...``) and read back in clear.

    The empty string and NULL are stored as they are: knowing that no token is set is not a
    secret, and it keeps ``blank=True`` / ``default=""`` usable. The column cannot be searched,
    since the same value never encrypts twice the same way: only ``isnull`` is allowed.
    """

    description = "Text encrypted at rest (AES-256-GCM)"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        # A lookup on ciphertext would silently match nothing: refuse it loudly instead.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
