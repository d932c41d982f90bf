"""URLs: the platform's public address, links that leave the site, and
fast resource URLs for templates.

**Links that leave the site** (mail, SMS, exports, plugins' letters) are
built by :func:`link` from the configured public address — ``lk.public_url``,
or the organisation's own mapped host name with the public URL's scheme,
port and path — never from the request's ``Host`` header, which a client
chooses (a reset link "for" ``evil.example`` would hand its token over).
:func:`allowed_host` is the list of names the platform answers for at all
(see :func:`lk_platform.tenancy.root_factory`).

**Pages** link with :class:`URLMaker`: ``request.resource_url`` goes through
adapter lookups and re-reads the host on every call (about 40 µs); a
dashboard makes dozens. This builds the same URL from the lineage's names
with the request's application URL computed once, honouring the virtual
root a mapped host name sets. (The host it uses is one the platform
answers for: unknown ones are refused before traversal.)
"""
from __future__ import annotations

import functools
import logging
from urllib.parse import urlencode, urlsplit

from pyramid.traversal import quote_path_segment

from lk_platform.model.organisations import Organisation
from lk_platform.tenancy.hosts import VH_ROOT, host_name

log = logging.getLogger(__name__)

#: ``lk.public_url`` when unset: development only (``make run``, tests)
DEV_PUBLIC_URL = "http://127.0.0.1:6543"
#: names a development setup (no ``lk.public_url``) answers for besides its public URL's
DEV_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


class PublicURL:
    """``lk.public_url`` parsed once: ``base`` (no trailing slash), its
    ``scheme``, ``netloc_suffix`` (``:port`` or ""), ``path`` and ``host``;
    ``hosts`` the names the platform itself answers for."""

    def __init__(self, value: str, extra_hosts: str = ""):
        self.configured = bool(value.strip())
        value = value.strip() or DEV_PUBLIC_URL
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("lk.public_url must be an http(s) address such as https://kabinet.example.ru, "
                             "not %r" % value)
        self.scheme = parts.scheme
        self.host = host_name(parts.netloc)
        self.netloc_suffix = ":%d" % parts.port if parts.port else ""
        self.path = parts.path.rstrip("/")
        self.base = "%s://%s%s%s" % (self.scheme, self.host, self.netloc_suffix, self.path)
        hosts = {self.host} | {host_name(h) for h in extra_hosts.replace(",", " ").split() if h.strip()}
        self.hosts = frozenset(hosts if self.configured else hosts | DEV_HOSTS)

    def on_host(self, host: str) -> str:
        """The base URL on another host name: this one's scheme, port and path."""
        return "%s://%s%s%s" % (self.scheme, host, self.netloc_suffix, self.path)


@functools.lru_cache(maxsize=16)
def _parse(value: str, extra: str) -> PublicURL:
    return PublicURL(value, extra)


def public(request_or_registry) -> PublicURL:
    """The parsed ``lk.public_url`` (and ``lk.allowed_hosts``) of the registry."""
    registry = getattr(request_or_registry, "registry", request_or_registry)
    settings = registry.settings or {}
    return _parse(settings.get("lk.public_url") or "", settings.get("lk.allowed_hosts") or "")


def check_settings(settings) -> PublicURL:
    """Start-up: refuse a malformed ``lk.public_url``, warn when it is unset."""
    found = _parse(settings.get("lk.public_url") or "", settings.get("lk.allowed_hosts") or "")
    if not found.configured:
        log.warning("lk.public_url is unset: links in mail use %s and only %s are served "
                    "(set it in production, docs/deploy.md)", DEV_PUBLIC_URL, ", ".join(sorted(DEV_HOSTS)))
    return found


def allowed_host(request, platform) -> bool:
    """The request's host name is one the platform answers for: the public
    URL's, ``lk.allowed_hosts``, or one mapped to an existing organisation."""
    host = host_name(request.host)
    if host in public(request).hosts:
        return True
    return platform.organisation_for_host(host) is not None


def _own_host(organisation, request_or_registry):
    """The host name ``organisation`` is served on, or None: the request's
    if it is one of the organisation's (the reader stays on the site they
    use), else the first one the platform maps to it."""
    hosts = getattr(organisation, "hosts", ())
    if not hosts:
        return None
    mapped = getattr(_root(organisation), "hosts", {})
    environ = getattr(request_or_registry, "environ", None)
    if environ is not None:
        here = host_name(request_or_registry.host)
        if here in hosts and mapped.get(here) == organisation.__name__:
            return here
    for host in hosts:
        if mapped.get(host) == organisation.__name__:
            return host
    return None


def _root(resource):
    while getattr(resource, "__parent__", None) is not None:
        resource = resource.__parent__
    return resource


def public_url(request_or_registry, organisation=None) -> str:
    """The address (no trailing slash) a link that leaves the site starts
    with: the organisation's (or its nearest parent's) own host when one is
    mapped — then paths start at that organisation — else ``lk.public_url``.
    Never the request's ``Host``. Use :func:`link` for a resource's address."""
    base, _vroot = _base(request_or_registry, organisation)
    return base


def _base(request_or_registry, resource):
    found = public(request_or_registry)
    node = resource
    while node is not None:
        if isinstance(node, Organisation):
            host = _own_host(node, request_or_registry)
            if host is not None:
                return found.on_host(host), node
        node = getattr(node, "__parent__", None)
    return found.base, None


def link(request_or_registry, resource, *elements, query=None, anchor=None) -> str:
    """The absolute address of ``resource`` (and ``elements``) for a message
    that leaves the site — mail, SMS, an export: on the organisation's own
    host if it has one, else on ``lk.public_url``; never on the request's
    ``Host``. Like ``request.resource_url``: a resource's address ends with
    ``/``, elements follow it."""
    base, vroot = _base(request_or_registry, resource)
    names = []
    node = resource
    while node is not None and node is not vroot and getattr(node, "__name__", None):
        names.append(quote_path_segment(node.__name__))
        node = node.__parent__
    url = base + "/" + "".join(name + "/" for name in reversed(names))
    if elements:
        url += "/".join(quote_path_segment(str(e)) for e in elements)
    if query:
        url += "?" + urlencode(query, doseq=True)
    if anchor:
        url += "#" + anchor
    return url


class URLMaker:
    def __init__(self, request):
        self.base = request.application_url
        self.vroot = request.environ.get(VH_ROOT, "").rstrip("/")
        self._paths = {}

    def path(self, resource) -> str:
        key = id(resource)
        found = self._paths.get(key)
        if found is None:
            names = []
            node = resource
            while node is not None and getattr(node, "__name__", None):
                names.append(quote_path_segment(node.__name__))
                node = node.__parent__
            found = "/" + "/".join(reversed(names))
            if self.vroot and (found == self.vroot or found.startswith(self.vroot + "/")):
                found = found[len(self.vroot):] or "/"
            if not found.endswith("/"):
                found += "/"
            self._paths[key] = (found, resource)  # keep the object alive while its id is cached
            return found
        return found[0]

    def __call__(self, resource, *elements, query=None, anchor=None) -> str:
        url = self.base + self.path(resource)
        if elements:
            url += "/".join(quote_path_segment(str(e)) for e in elements)
        if query:
            url += "?" + urlencode(query, doseq=True)
        if anchor:
            url += "#" + anchor
        return url
