"""The process-wide plugin manager and its per-organisation scoping.

Every installed plugin is registered once at start-up (entry point group
``lk_platform.plugins``). Per organisation we never register or unregister:
we hand out hook callers that skip the plugins the organisation has off,
cached per frozenset of enabled names (pytest scopes conftest plugins so).
"""
from __future__ import annotations

import functools
import importlib
import logging
import threading
from dataclasses import replace
from importlib import metadata

import pluggy
from transaction.interfaces import TransientError

from lk_platform import hookspecs
from lk_platform.plugins.declarations import PluginInfo

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "lk_platform.plugins"
#: environ key set when a plugin failed in a per-request hook and its part of
#: the page is missing: such a page is never cached (lk_platform.caching.pagecache)
DEGRADED = "lk.degraded"
#: Name under which the core's own hook implementations are registered.
CORE = "core"


class PluginClash(RuntimeError):
    """Two plugins claim the same thing (content type, container, role...)."""


class Plugins:
    """All installed plugins, with metadata and scoped hook access."""

    def __init__(self, pm: pluggy.PluginManager):
        self.pm = pm
        self._scoped: dict[frozenset, ScopedHooks] = {}
        self._lock = threading.Lock()
        self.info = self._collect_info()

    # -- loading ----------------------------------------------------------
    @classmethod
    def load(cls, core, extra=(), entry_points=True, exclude=()):
        """Build the manager: ``core`` (the core's own hook implementations,
        :mod:`lk_platform.corehooks`, handed in by the composition root), entry
        points, then ``extra`` plugins (module names or objects, as tests and
        ``lk.plugins.extra`` give)."""
        pm = pluggy.PluginManager("lk_platform")
        pm.add_hookspecs(hookspecs)
        pm.register(core, name=CORE)
        if entry_points:
            for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
                if ep.name in exclude or pm.get_plugin(ep.name) is not None:
                    continue
                try:
                    pm.register(ep.load(), name=ep.name)
                except Exception:  # a broken plugin must not take the site down
                    log.exception("plugin %s failed to load; it stays off", ep.name)
        for item in extra:
            name, obj = _resolve_extra(item)
            if pm.get_plugin(name) is None:
                pm.register(obj, name=name)
        pm.check_pending()  # a misspelt hook name fails loudly here
        return cls(pm)

    def _collect_info(self) -> dict[str, PluginInfo]:
        declared = dict(self.per_plugin("lk_plugin_info"))
        info = {}
        for name, plugin in self.pm.list_name_plugin():
            found = declared.get(name)
            if found is None:
                found = PluginInfo(title=name)
            if not found.version:
                found = replace(found, version=_dist_version(plugin))
            if name == CORE:
                found = replace(found, always_enabled=True)
            info[name] = found
        return info

    # -- queries ----------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return sorted(self.info)

    @property
    def optional(self) -> list[str]:
        """Plugins an operator can switch on and off."""
        return [n for n in self.names if not self.info[n].always_enabled]

    def per_plugin(self, hookname: str, **kwargs):
        """Call a start-up (declaration) hook on each plugin separately:
        yields ``(plugin_name, result)`` so the core knows who declared
        what. pluggy's call options (firstresult, wrappers) do not apply."""
        caller = getattr(self.pm.hook, hookname)
        for impl in reversed(caller.get_hookimpls()):
            if impl.wrapper or impl.hookwrapper:
                raise TypeError("plugin %r: %s is called on each plugin separately and cannot be wrapped"
                                % (impl.plugin_name, hookname))
            result = impl.function(**kwargs)
            if result is not None:
                yield impl.plugin_name, result

    def scoped(self, enabled) -> "ScopedHooks":
        key = frozenset(enabled or ()) | {n for n, i in self.info.items() if i.always_enabled}
        hooks = self._scoped.get(key)
        if hooks is None:
            with self._lock:
                hooks = self._scoped.setdefault(key, ScopedHooks(self.pm, key))
        return hooks

    def only(self, name: str) -> "ScopedHooks":
        """Hooks of one plugin alone (enable-time and demo hooks)."""
        return ScopedHooks(self.pm, frozenset({name}))


class ScopedHooks:
    """Attribute access like ``pm.hook``, reaching only the enabled plugins."""

    def __init__(self, pm: pluggy.PluginManager, enabled: frozenset):
        self._pm = pm
        self.enabled = enabled
        self._callers = {}
        self._implementers = {}

    def __getattr__(self, hookname):
        if not hookname.startswith("lk_"):
            raise AttributeError(hookname)
        caller = self._callers.get(hookname)
        if caller is None:
            off = [p for n, p in self._pm.list_name_plugin() if n not in self.enabled]
            caller = self._pm.subset_hook_caller(hookname, off)
            self._callers[hookname] = caller
        return caller

    def implementers(self, hookname: str) -> frozenset:
        """Names of the enabled plugins implementing ``hookname``."""
        found = self._implementers.get(hookname)
        if found is None:
            found = self._implementers[hookname] = frozenset(
                i.plugin_name for i in getattr(self, hookname).get_hookimpls())
        return found

    def call_each(self, hookname: str, keep_none: bool = False, **kwargs):
        """Call a per-request hook plugin by plugin, so a plugin that fails (a
        bug, or stored objects whose class it can no longer load) costs only
        its own part of the page. Returns ``(results, failed_plugin_names)``.
        Transient errors (ZODB conflicts) still propagate, for the retry."""
        caller = getattr(self, hookname)
        impls = caller.get_hookimpls()
        if any(i.wrapper or i.hookwrapper for i in impls):
            return caller(**kwargs), []
        results, failed = [], []
        for impl in reversed(impls):   # pluggy's order: last registered first
            try:
                result = impl.function(*[kwargs[name] for name in impl.argnames])
            except TransientError:
                raise
            except Exception:
                log.exception("plugin %s failed in %s; its part is left out", impl.plugin_name, hookname)
                failed.append(impl.plugin_name)
                request = kwargs.get("request")
                if request is not None:
                    request.environ[DEGRADED] = True
                continue
            if result is not None or keep_none:
                results.append(result)
        return results, failed


def _resolve_extra(item):
    if isinstance(item, tuple):
        return item
    if isinstance(item, str):
        name, _, modname = item.rpartition("=")
        module = importlib.import_module(modname.strip())
        return (name.strip() or modname.rsplit(".", 1)[-1]), module
    return getattr(item, "__name__", repr(item)).rsplit(".", 1)[-1], item


@functools.cache
def _distributions():
    return metadata.packages_distributions()


def _dist_version(plugin) -> str:
    modname = getattr(plugin, "__name__", type(plugin).__module__).split(".")[0]
    try:
        dists = _distributions().get(modname) or []
        return metadata.version(dists[0]) if dists else ""
    except metadata.PackageNotFoundError:
        return ""
