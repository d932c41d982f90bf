"""Safe limited formatting for texts staff write (announcements, public pages).

Bodies are cleaned with nh3 (the Ammonia sanitiser) when saved, so what is
stored is always safe to render. Besides cleaning we list what was removed,
in words a staff member understands (in their language), because silently
dropping part of their text would look like a bug.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import colander
import nh3

from .i18n import _

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
LINK_REL = "noopener noreferrer"
# Removed together with what is inside them (the rest keep their text).
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template",
                               "svg", "math", "frame", "frameset", "applet"})
MAX_LENGTH = 20000

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*)\s*:")


def clean(text: str) -> str:
    """The safe HTML for ``text``. Text without any tag is treated as plain
    text: blank lines start paragraphs, single line breaks are kept."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    if not _TAG.search(text):
        text = _paragraphs(text)
    safe = nh3.clean(text, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel=LINK_REL,
                     clean_content_tags=set(DROP_WITH_CONTENT), strip_comments=True).strip()
    # A result without any tag would be read as plain text next time and its
    # entities escaped twice; wrapping it keeps clean(clean(x)) == clean(x).
    if safe and not _TAG.search(safe):
        safe = "<p>%s</p>" % safe
    return safe


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    return "".join("<p>%s</p>" % html.escape(b).replace("\n", "<br>") for b in blocks)


def visible_text(safe_html: str) -> str:
    """The words a reader sees (tags dropped, entities decoded)."""
    spaced = re.sub(r"<(br|/li)\b[^>]*>", "\n", safe_html or "", flags=re.I)
    spaced = re.sub(r"</(p|ul|ol)>", "\n\n", spaced, flags=re.I)
    spaced = re.sub(r"<li\b[^>]*>", "• ", spaced, flags=re.I)
    text = html.unescape(nh3.clean(spaced, tags=set()))
    lines = [" ".join(line.split()) for line in text.replace("\xa0", " ").split("\n")]
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


class _Finder(HTMLParser):
    """Collects what the sanitiser will remove: tags, attributes, link schemes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = set()
        self.handlers = set()
        self.attributes = set()
        self.schemes = set()

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if tag not in ALLOWED_TAGS:
            self.tags.add(tag)
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self.handlers.add(name)
            elif tag in ALLOWED_TAGS and name not in ALLOWED_ATTRIBUTES.get(tag, ()) and \
                    not (tag == "a" and name == "rel"):   # rel is ours: every saved link has it
                self.attributes.add(name)
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                # Browsers ignore control characters and spaces inside a scheme.
                match = _SCHEME.match(re.sub(r"[\x00-\x20]", "", html.unescape(value)))
                scheme = match.group(1).lower() if match else ""
                if scheme and scheme not in URL_SCHEMES:
                    self.schemes.add(scheme)

    handle_startendtag = handle_starttag


def _russian(message) -> str:
    return message.interpolate() if hasattr(message, "interpolate") else str(message)


def translator_of(node):
    """How to translate for the form ``node`` belongs to: the bound
    request's localizer, else Russian."""
    bindings = getattr(node, "bindings", None) or {}
    localizer = getattr(bindings.get("request"), "localizer", None)
    return localizer.translate if localizer is not None else _russian


def findings(text: str, translate=_russian) -> list[str]:
    """What cleaning ``text`` removes, as short phrases (Russian unless
    ``translate`` says otherwise; empty when only harmless normalisation
    happens)."""
    if not text or not _TAG.search(text):
        return []
    finder = _Finder()
    try:
        finder.feed(text)
        finder.close()
    except Exception:  # the parser is lenient; never let a report break saving
        return [translate(_("разметка, которую не удалось разобрать"))]
    out = []
    dangerous = sorted(t for t in finder.tags if t in DROP_WITH_CONTENT)
    other = sorted(t for t in finder.tags if t not in DROP_WITH_CONTENT)
    if dangerous:
        tags = ", ".join("<%s>" % t for t in dangerous)
        out.append(_("теги ${tags} вместе с содержимым", mapping={"tags": tags}) if len(dangerous) > 1 else
                   _("тег ${tag} вместе с содержимым", mapping={"tag": tags}))
    if finder.handlers:
        out.append(_("обработчики событий (${names})", mapping={"names": ", ".join(sorted(finder.handlers))}))
    if finder.schemes:
        out.append(_("ссылки со схемой ${schemes}",
                     mapping={"schemes": ", ".join(s + ":" for s in sorted(finder.schemes))}))
    if other:
        out.append(_("неподдерживаемые теги (${tags}), их текст сохранён",
                     mapping={"tags": ", ".join("<%s>" % t for t in other)}))
    if finder.attributes:
        out.append(_("атрибуты оформления (${names})", mapping={"names": ", ".join(sorted(finder.attributes))}))
    return [translate(m) for m in out]


def report(found: list[str], translate=_russian) -> str:
    return translate(_("Из текста удалено небезопасное или неподдерживаемое содержимое: ${found}. "
                       "Разрешены абзацы, переносы строк, полужирный и курсивный текст, списки и ссылки http(s).",
                       mapping={"found": "; ".join(found)}))


class SafeHTML(colander.String):
    """A colander type that cleans the text on deserialisation and keeps on
    the node what was removed (``node.sanitised``) for the form to report.

    A text that had content but is empty after cleaning is refused with the
    reason, rather than silently saved blank."""

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        if value is colander.null:
            return value
        translate = translator_of(node)
        found = findings(value, translate)
        node.sanitised = found
        safe = clean(value)
        if value.strip() and not visible_text(safe):
            raise colander.Invalid(node, _("После удаления небезопасного содержимого текст пуст (${found}). "
                                           "Напишите текст без него.",
                                           mapping={"found": "; ".join(found or [translate(_("разметка"))])}))
        if len(safe) > MAX_LENGTH:
            raise colander.Invalid(node, _("Текст слишком длинный: ${length} знаков, допускается ${limit}.",
                                           mapping={"length": len(safe), "limit": MAX_LENGTH}))
        return safe or colander.null


def sanitised_notice(schema) -> str | None:
    """The message about removed content for every SafeHTML field of
    ``schema``, in the language of the request the schema is bound to."""
    found = []
    for child in schema.children:
        found.extend(getattr(child, "sanitised", None) or ())
    return report(found, translator_of(schema)) if found else None


class SanitisedBody:
    """Mixin for content with an HTML ``body``: whoever stores a body (form,
    demo, import) stores it clean; templates read ``safe_body``, indexes
    ``body_text``."""
    body = ""

    def set_values(self, values: dict) -> dict:
        if isinstance(values.get("body"), str):
            values = dict(values, body=clean(values["body"]))
        return super().set_values(values)

    @property
    def body_text(self) -> str:
        return visible_text(self.body)

    @property
    def safe_body(self) -> str:
        return clean(self.body)
