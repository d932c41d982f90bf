"""Request size limits: an oversized upload is refused before it is read."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPRequestEntityTooLarge


def body_limit_tween_factory(handler, registry):
    limit = int(registry.settings["lk.max_upload_bytes"])

    def body_limit_tween(request):
        length = request.content_length
        if length is not None and length > limit:
            raise HTTPRequestEntityTooLarge(
                detail="request body of %d bytes exceeds the limit of %d bytes" % (length, limit))
        if length is None and request.method in ("POST", "PUT", "PATCH") and \
                request.environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            raise HTTPRequestEntityTooLarge(detail="chunked uploads are not accepted")
        return handler(request)

    return body_limit_tween
