"""Themes: the template chain (organisation theme, ``default``, plugin),
the template API every page receives as ``api``, and the layout's menus."""
from lk_platform.theming.assets import ThemeAssetPredicate
from lk_platform.theming.themes import TemplateAPI


def includeme(config):
    config.add_request_method(TemplateAPI, "api", reify=True)
    config.add_route_predicate("lk_theme_asset", ThemeAssetPredicate)
