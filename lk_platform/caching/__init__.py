"""Caches keyed on ZODB serials: rendered fragments, whole pages, and the
edge answer for a session's repeated request."""
