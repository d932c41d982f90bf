"""Caches keyed on ZODB serials: rendered fragments (``rendercache``) and
whole pages (``pagecache``), both after the permission check."""
