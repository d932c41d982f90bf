"""``GET /health`` for load balancers: version, storage, pending evolve steps."""
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from lk_platform import __version__
from lk_platform.model.platform import Platform, get_platform


@view_config(context=Platform, name="health", renderer="json", request_method="GET",
             permission=NO_PERMISSION_REQUIRED)
def health(request):
    try:
        platform = get_platform(request)
        storage_ok = platform is not None
        platform.organisations.__len__()  # touches storage
    except Exception as exc:  # reported, not raised: the balancer wants JSON
        request.response.status = 503
        return {"status": "error", "version": __version__, "storage": "unreachable: %s" % type(exc).__name__}
    pending = request.registry.lk.pending_evolve
    if not storage_ok:
        request.response.status = 503
    return {"status": "ok" if storage_ok else "error", "version": __version__,
            "storage": "ok" if storage_ok else "unreachable", "pending_evolve": pending}
