"""Widgets (dashboard blocks, public-page sections) rendered one by one, so
a plugin's widget that fails — a bug, or stored objects whose class can no
longer be loaded — leaves out only itself, not the whole page."""
from __future__ import annotations

import logging

from transaction.interfaces import TransientError

from lk_platform.plugins.manager import DEGRADED
from lk_platform.theming.themes import render

log = logging.getLogger(__name__)


def render_widgets(request, widgets, organisation):
    """``([(widget, html)], failed)``: each widget rendered through the
    theme's ``widget.pt`` (its template's ``widget`` macro with ``data`` and
    ``organisation``); ``failed`` tells that some were left out."""
    rendered, failed = [], False
    for widget in widgets:
        try:
            html = render(request, "widget.pt", {"widget": widget, "data": widget.data,
                                                 "organisation": organisation})
        except TransientError:
            raise   # a ZODB conflict: the whole request is retried
        except Exception:
            log.exception("widget %r (%s) failed to render; it is left out", widget.title, widget.template)
            failed = True
            request.environ[DEGRADED] = True    # a page missing a part is never cached
            continue
        rendered.append((widget, html))
    return rendered, failed
