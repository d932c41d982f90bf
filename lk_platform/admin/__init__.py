"""The staff admin generated from content types' colander schemas (list,
view, add, edit, delete, CSV export), and the core's own admin pages:
organisation settings, users and roles, the audit log, the operator's pages."""


def includeme(config):
    config.include("lk_platform.admin.content_views")
    for module in ("audit_views", "operator_views", "org_views", "user_views"):
        config.scan("lk_platform.admin." + module)
