"""Bluesky (AT Protocol): connection with an app password, publishing, reading, metrics.

- :mod:`.connect` — from a handle and an app password to a stored session;
- :mod:`.connector` — :class:`~.connector.BlueskyConnector`, the network for one account;
- :mod:`.session` — the account's tokens, renewed and saved;
- :mod:`.xrpc` — the atproto SDK wired to Parvis's outbound HTTP wrapper, and its errors;
- :mod:`.facets`, :mod:`.tid`, :mod:`.mapping`, :mod:`.embeds` — pure parts, tested alone.

Notes for developers and administrators: ``docs/connectors/bluesky.md``.
"""
