"""Hand an event (:mod:`lk_platform.model.events`, or a plugin's own) to the
``lk_handle_event`` hook of the plugins the organisation has enabled, inside
the request's transaction."""
from __future__ import annotations


def notify(request, organisation, event):
    plugins = request.registry.lk.plugins
    hooks = plugins.scoped(organisation.enabled_plugins if organisation is not None else ())
    hooks.lk_handle_event(request=request, organisation=organisation, event=event)
