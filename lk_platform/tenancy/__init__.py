"""Which organisation a request is for, and the view predicates that keep a
plugin's views away from organisations that have it off.

An organisation is chosen by host name (``platform.hosts``, edited by the
operator) or by the path ``/o/<slug>/``. For a mapped host the
organisation becomes the virtual root, so its URLs read ``/...`` instead of
``/o/<slug>/...``.
"""
from __future__ import annotations

from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound
from pyramid.traversal import resource_path

from lk_platform.model.organisations import find_organisation
from lk_platform.model.platform import get_platform
from lk_platform.tenancy.hosts import VH_ROOT, host_name
from lk_platform.tenancy.urls import allowed_host

__all__ = ["VH_ROOT", "UnknownHost", "root_factory"]


class UnknownHost(HTTPBadRequest):
    """The request names a host the platform does not serve (answered 400
    with a short page by lk_platform.web.errors)."""


def root_factory(request):
    platform = get_platform(request)
    if not allowed_host(request, platform):
        # Before traversal and any view (static files included): a forged
        # Host never reaches a page, a redirect or a link built from it.
        raise UnknownHost()
    # The virtual root is ours to set, from the host mapping, on every
    # attempt: a client's own X-Vhm-Root header would move traversal and URLs.
    request.environ.pop(VH_ROOT, None)
    if platform.hosts:
        org = platform.organisation_for_host(host_name(request.host))
        if org is not None:
            request.environ[VH_ROOT] = resource_path(org)
    if VH_ROOT in request.environ and ".." in request.path_info.split("/"):
        # Traversal resolves ".." after prefixing the virtual root, so
        # "/../uk-dom/" on vodokanal's host would climb into another tenant.
        raise HTTPNotFound()
    return platform


def request_organisation(request):
    return find_organisation(getattr(request, "context", None))


def request_hooks(request):
    org = request.organisation
    return request.registry.lk.plugins.scoped(org.enabled_plugins if org is not None else ())


def request_user(request):
    return request.identity


class PluginPredicate:
    """``plugin="meters"``: the view matches only where the request's
    organisation has the plugin enabled (else 404, like any unknown URL)."""

    def __init__(self, value, config):
        self.plugin = value

    def text(self):
        return "plugin = %s" % self.plugin

    phash = text

    def __call__(self, context, request):
        if self.plugin is None:
            return True
        org = find_organisation(context)
        return org is not None and self.plugin in org.enabled_plugins


class ContentTypePredicate:
    """``content_type="meter"``: the context is (a folder of) that type."""

    def __init__(self, value, config):
        self.type_name = value

    def text(self):
        return "content_type = %s" % self.type_name

    phash = text

    def __call__(self, context, request):
        found = getattr(context, "content_type", None) or getattr(context, "type_name", None)
        return found == self.type_name


def includeme(config):
    config.add_view_predicate("plugin", PluginPredicate)
    config.add_view_predicate("content_type", ContentTypePredicate)
    config.add_request_method(request_organisation, "organisation", reify=True)
    config.add_request_method(request_hooks, "hooks", reify=True)
    config.add_request_method(request_user, "user", reify=True)
