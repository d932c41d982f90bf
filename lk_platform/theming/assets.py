"""What ``/static/theme/`` may serve: only the files in a theme's
``static/`` folder that are assets (stylesheets, scripts, images, fonts).

The static view is registered on the whole themes folder, so that
``request.static_url`` builds the theme chain's asset URLs; the route
predicate here keeps it from answering for anything else in that folder —
a theme's ``templates/`` and ``deform/`` (Chameleon sources) and files of
any other kind. A refused path matches no route and traversal answers 404.
"""
from __future__ import annotations

import posixpath

#: file name endings a theme may publish from its static/ folder
ASSET_EXTENSIONS = frozenset({
    ".css", ".js", ".map",
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico",
    ".woff", ".woff2", ".ttf", ".otf", ".eot",
})


def is_theme_asset(subpath) -> bool:
    """``subpath`` (the segments after ``/static/theme/``) names an asset in
    a theme's ``static/`` folder: ``<theme>/static/…/<name>.<asset ext>``."""
    if len(subpath) < 3 or subpath[1] != "static":
        return False
    for segment in subpath:
        if not segment or segment.startswith(".") or "/" in segment or "\\" in segment or "\x00" in segment:
            return False
    return posixpath.splitext(subpath[-1].lower())[1] in ASSET_EXTENSIONS


class ThemeAssetPredicate:
    """``lk_theme_asset=True`` on the themes' static route."""

    def __init__(self, value, config):
        self.value = bool(value)

    def text(self):
        return "lk_theme_asset = %s" % self.value

    phash = text

    def __call__(self, info, request):
        if not self.value:
            return True
        return is_theme_asset(tuple(info["match"].get("subpath", ())))
