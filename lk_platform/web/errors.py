"""Error pages: every refusal says what happened in the user's language."""
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPException, HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.i18n import get_localizer
from pyramid.response import Response
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

from lk_platform.i18n import _
from lk_platform.tenancy import UnknownHost

MESSAGES = {
    400: _("Неверный запрос."),
    401: _("Нужно войти в систему."),
    403: _("Недостаточно прав для этого действия."),
    404: _("Страница не найдена."),
    405: _("Такой запрос здесь не принимается."),
    413: _("Файл или форма слишком велики."),
    429: _("Слишком много запросов. Повторите позже."),
}


def _page(request, status, message, detail=None):
    request.response.status = status
    if request.accept.acceptable_offers(["text/html", "application/json"])[:1] == [("application/json", 1.0)]:
        request.override_renderer = "json"
        return {"error": get_localizer(request).translate(message), "status": status}
    return {"message": message, "detail": detail, "status": status, "page_title": message}


@notfound_view_config(renderer="error.pt")
def not_found(exc, request):
    return _page(request, 404, MESSAGES[404])


@forbidden_view_config(renderer="error.pt")
def forbidden(exc, request):
    if request.authenticated_userid is None and request.method == "GET":
        base = request.resource_url(request.organisation) if request.organisation is not None else \
            request.application_url + "/"
        return HTTPFound(base + "login?" + __import__("urllib.parse").parse.urlencode({"next": request.path_qs}))
    return _page(request, 403, MESSAGES[403])


@exception_view_config(BadCSRFToken, renderer="error.pt")
def bad_csrf(exc, request):
    return _page(request, 400, _("Форма устарела или отправлена не с нашего сайта. Обновите страницу и "
                                 "повторите — данные не сохранены."))


@exception_view_config(UnknownHost)
def unknown_host(exc, request):
    """A short page of its own: the themed one would link to the unknown host."""
    text = get_localizer(request).translate(_("Неизвестный адрес сайта."))
    return Response("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>400</title></head>"
                    "<body><h1>400</h1><p>%s</p></body></html>\n" % text, status=400,
                    content_type="text/html", charset="utf-8")


@exception_view_config(HTTPException, renderer="error.pt")
def http_error(exc, request):
    if exc.code < 400:
        return exc
    if exc.code == 413:
        limit = int(request.registry.settings.get("lk.max_upload_bytes", 0))
        return _page(request, 413, _("Файл или форма слишком велики: можно отправить не больше ${size} МБ. "
                                     "Ничего не сохранено.",
                                     mapping={"size": "%.1f" % (limit / 1048576) if limit % 1048576 else
                                              limit // 1048576}))
    return _page(request, exc.code, MESSAGES.get(exc.code, _("Ошибка запроса.")))


__all__ = ["HTTPForbidden", "HTTPNotFound"]
