"""The template API's fast URLs equal Pyramid's resource_url, with and
without a host-mapped virtual root."""
import pytest
from pyramid.request import Request

from lk_platform.tenancy.urls import URLMaker


@pytest.mark.parametrize("vroot", ["", "/o/uk-dom"])
def test_same_as_resource_url(lk_demo, lk_db, vroot):
    with lk_db as platform:
        environ = {"HTTP_X_VHM_ROOT": vroot} if vroot else {}
        request = Request.blank("/", environ=environ, base_url="https://kabinet.example:8443/app")
        request.registry = lk_demo.registry
        make = URLMaker(request)
        org = platform.organisations["uk-dom"]
        sub = platform.organisations["uk-dom-sever"]
        account = org["accounts"]["2000001"]
        cases = [(org, ()), (sub, ("@@admin",)), (account, ()), (account, ("@@edit",)),
                 (org["accounts"], ("@@admin",)), (org, ("a b", "ё"))]
        for resource, elements in cases:
            assert make(resource, *elements) == request.resource_url(resource, *elements)
        assert make(org, "x", query={"q": "й"}) == request.resource_url(org, "x", query={"q": "й"})
