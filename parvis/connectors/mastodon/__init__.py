"""Mastodon (any instance), through Mastodon.py on Parvis's guarded HTTP session."""
