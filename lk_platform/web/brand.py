"""``@@brand.css``: the organisation's colours as a stylesheet (the
Content-Security-Policy admits no inline ``<style>``). The same for every
reader, so it is public; the layout links it with a version that changes
with the colours, and that address may be kept for good."""
from pyramid.response import Response
from pyramid.view import view_config

from lk_platform.model.organisations import Organisation
from lk_platform.model.platform import Platform
from lk_platform.theming.themes import brand_css, brand_css_version


@view_config(context=Platform, name="brand.css", permission="public.view", request_method=("GET", "HEAD"))
@view_config(context=Organisation, name="brand.css", permission="public.view", request_method=("GET", "HEAD"))
def brand_stylesheet(context, request):
    brand = request.api.brand
    response = Response(brand_css(brand), content_type="text/css", charset="utf-8")
    current = request.GET.get("v") == brand_css_version(brand)
    response.cache_control = "public, max-age=31536000, immutable" if current else "public, max-age=300"
    return response
