"""Finding 7 of the security review, kept fixed:

  "The edge cache is retired. It is a second answer path that skips the
  authorisation re-check and response policy: a deleted account's pages stay
  served for minutes, a client X-Vhm-Root header poisons the session's
  entries, a transient plugin failure page stays cached after recovery, and
  its key (the whole Cookie header, up to 256 KB) is not counted against its
  memory limit. Remove edgecache; keep the page cache, which runs after the
  permission check, with these fixes: deletions and any change to links,
  roles or delegations move a counter that every cached page depends on;
  pages showing a degraded section are never cached; memory accounting
  counts keys; keys are bounded (a hash)."
"""
from __future__ import annotations

import importlib.util
import types

import pytest

import lk_platform
from lk_platform.caching import pagecache, rendercache
from lk_platform.model.stamps import access
from lk_platform.model.users import link_account
from lk_platform.plugins.declarations import Widget
from lk_platform.testing import DB, Browser, close_app, make_app

lk_demo = pytest.fixture(lambda lk_demo_copy: lk_demo_copy)


def served():
    return pagecache.cached_answers()


def test_no_edge_cache_remains(lk_demo):
    assert importlib.util.find_spec("lk_platform.caching.edgecache") is None
    # only the security headers wrap Pyramid's router: nothing answers before it
    assert type(lk_demo).__name__ == "SecurityHeaders" and type(lk_demo.app).__name__ == "Router"


def test_a_deleted_account_leaves_every_cached_page_at_once(lk_demo):
    resident = Browser(lk_demo)
    resident.login("ivanov")
    for _ in range(2):
        page = resident.get("/o/vodokanal/accounts/1000001/")
    assert "1000001" in page.text
    with DB(lk_demo) as platform:
        before = access(platform)._p_serial if hasattr(access(platform), "_p_serial") else None
        platform.organisations["vodokanal"]["accounts"].remove("1000001")
    with DB(lk_demo) as platform:
        assert getattr(access(platform), "_p_serial", None) != before           # the access counter moved
    assert resident.get("/o/vodokanal/accounts/1000001/", expect_errors=True).status_int == 404
    before = served()
    dashboard = resident.get("/cabinet")
    assert served() == before and "1000001" not in dashboard.text


def test_linking_an_account_moves_every_cached_page(lk_demo):
    resident = Browser(lk_demo)
    resident.login("petrova")
    resident.get("/cabinet")
    before = served()
    resident.get("/cabinet")
    assert served() == before + 1
    with DB(lk_demo) as platform:
        link_account(platform.users["petrova"], platform.organisations["vodokanal"]["accounts"]["1000003"])
    before = served()
    assert "1000003" in resident.get("/cabinet").text and served() == before


def test_a_clients_vhm_root_header_is_ignored(lk_demo):
    resident = Browser(lk_demo)
    resident.login("ivanov")
    assert resident.get("/o/vodokanal/readings").status_int == 200
    # the header would make "/readings" traverse into vodokanal (and its links drop the prefix)
    assert resident.get("/readings", headers={"X-Vhm-Root": "/o/vodokanal"}, expect_errors=True).status_int == 404


def _flaky_plugin(state):
    module = types.ModuleType("lk_test_flaky_widget")

    @lk_platform.hookimpl
    def lk_dashboard_widgets(request, organisation, accounts):
        if state["broken"]:
            raise RuntimeError("the plugin's store is briefly unavailable")
        return [Widget("Проверочный блок", "lk_platform:templates/none.pt", {}, order=1)]

    @lk_platform.hookimpl
    def lk_cabinet_depends(request, organisation, accounts):
        return [state["broken"]]

    module.lk_dashboard_widgets = lk_dashboard_widgets
    module.lk_cabinet_depends = lk_cabinet_depends
    return module


def test_a_page_with_a_failed_section_is_never_cached(lk_settings):
    state = {"broken": True}
    settings = dict(lk_settings)
    app = make_app(settings)
    plugins = app.registry.lk.plugins
    plugins.pm.register(_flaky_plugin(state), name="flaky")
    try:
        from lk_platform.demo import load_demo
        with DB(app) as platform:
            load_demo(platform, app.registry)
            for org in platform.organisations.values():
                org.enabled_plugins = frozenset(org.enabled_plugins) | {"flaky"}
        resident = Browser(app)
        resident.login("ivanov")
        before = served()
        for _ in range(3):
            page = resident.get("/o/vodokanal/cabinet")
            assert "недоступна" in page.text
        assert served() == before                   # rendered every time while a part is missing
    finally:
        plugins.pm.unregister(name="flaky")
        close_app(app)


def test_keys_are_bounded_and_counted(lk_demo):
    resident = Browser(lk_demo)
    resident.login("ivanov")
    rendercache.clear()
    long_query = "?q=" + "x" * 100_000
    resident.get("/o/vodokanal/readings" + long_query, expect_errors=True)
    page_keys = [k for k in rendercache._entries if isinstance(k, tuple) and len(k) == 2
                 and isinstance(k[1], tuple) and k[1][:1] == ("page",)]
    assert page_keys and all(len(repr(k[1])) < 1000 for k in page_keys)          # a digest, not the address
    stats = rendercache.stats()
    assert stats["bytes"] >= sum(rendercache._key_cost(k) + rendercache._cost(v) for k, v in rendercache._entries.items())
