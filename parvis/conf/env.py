"""Typed readers of environment variables that refuse bad values loudly.

Every message names the variable, in French then English, because the person reading it
is an administrator starting the instance, not a developer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on", "oui", "vrai"}
_FALSE = {"0", "false", "no", "off", "non", "faux"}


class SettingError(ImproperlyConfigured):
    """A configuration variable is missing or holds a value we cannot use."""

    def __init__(self, name: str, fr: str, en: str) -> None:
        self.name = name
        super().__init__(f"{name} : {fr} / {name}: {en}")


class Env:
    """Reads variables from a mapping (``os.environ`` by default) and records what was read."""

    def __init__(self, source: Mapping[str, str] | None = None) -> None:
        self.source = os.environ if source is None else source

    def _raw(self, name: str) -> str | None:
        value = self.source.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def string(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self._raw(name)
        if value is None:
            if required or default is None:
                raise SettingError(
                    name, "variable obligatoire absente", "required variable is missing"
                )
            return default
        return value

    def optional_str(self, name: str) -> str | None:
        return self._raw(name)

    def boolean(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise SettingError(
            name,
            f"« {value} » n'est pas un booléen (attendu : true/false, 1/0, oui/non)",
            f"'{value}' is not a boolean (expected true/false, 1/0, yes/no)",
        )

    def integer(
        self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise SettingError(
                name, f"« {value} » n'est pas un nombre entier", f"'{value}' is not an integer"
            ) from None
        if minimum is not None and number < minimum:
            raise SettingError(
                name, f"doit valoir au moins {minimum}", f"must be at least {minimum}"
            )
        if maximum is not None and number > maximum:
            raise SettingError(name, f"doit valoir au plus {maximum}", f"must be at most {maximum}")
        return number

    def strings(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self._raw(name)
        if value is None:
            return default
        if value not in choices:
            expected = ", ".join(choices)
            raise SettingError(
                name,
                f"« {value} » n'est pas une valeur possible (attendu : {expected})",
                f"'{value}' is not an allowed value (expected one of: {expected})",
            )
        return value

    def parsed(self, name: str, parse: Callable[[str], T], default: T, *, what: str) -> T:
        """Read a variable through ``parse``; a ValueError becomes a SettingError."""
        value = self._raw(name)
        if value is None:
            return default
        try:
            return parse(value)
        except ValueError as error:
            raise SettingError(
                name, f"valeur invalide pour {what} ({error})", f"invalid {what} ({error})"
            ) from None
