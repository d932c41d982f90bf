"""Attachment downloads: ``<appeal>/@@file/<id>/<name>``, only for people
who may see the appeal (its residents and the organisation's appeals
staff); files of staff notes only for staff. Served with the type detected
at upload, ``nosniff``, and a download disposition for PDF."""
from __future__ import annotations

from urllib.parse import quote

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import FileIter, Response
from pyramid.view import view_config

from ..appeal import Appeal
from . import is_appeals_staff


def file_url(request, appeal, attachment):
    return request.resource_url(appeal, "@@file", str(attachment.id), attachment.filename)


def content_disposition(kind: str, filename: str) -> str:
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename)
    return "%s; filename=\"%s\"; filename*=UTF-8''%s" % (kind, ascii_name, quote(filename, safe=""))


@view_config(context=Appeal, name="file", plugin="appeals", permission="appeal.file", request_method="GET")
def download(context, request):
    try:
        attachment = context.attachment(int(request.subpath[0])) if request.subpath else None
    except ValueError:
        attachment = None
    if attachment is None:
        raise HTTPNotFound()
    message = context._messages.get(attachment.message)
    if message is None or message.internal and not is_appeals_staff(request, context):
        raise HTTPNotFound()
    response = Response(app_iter=FileIter(attachment.open()), content_type=attachment.content_type)
    response.content_length = attachment.size
    response.content_disposition = content_disposition("inline" if attachment.is_image else "attachment",
                                                       attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control = "private, max-age=86400"
    return response
