"""Attachment downloads: ``<appeal>/@@file/<id>/<name>``, only for people
who may see the appeal (its residents and the organisation's appeals
staff); files of staff notes only for staff. Served with the type detected
at upload, ``nosniff``, and a download disposition for PDF."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from lk_platform.util.files import file_response

from ..models import Appeal
from . import is_appeals_staff


def file_url(request, appeal, attachment):
    return request.resource_url(appeal, "@@file", str(attachment.id), attachment.filename)


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
    return file_response(request, attachment, attachment=not attachment.is_image,
                         cache_control="private, max-age=86400")
