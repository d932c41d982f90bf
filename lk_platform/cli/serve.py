"""``lk serve``: waitress with the ini's ``[server:main]`` section.

The section carries what keeps the service honest behind nginx and bounded
against abuse: ``listen``, ``threads``, the trusted proxy (``trusted_proxy``,
``trusted_proxy_count``, ``trusted_proxy_headers``,
``clear_untrusted_proxy_headers``: without them every client looks like
127.0.0.1 and links come out as ``http://``) and the server's own limits
(``max_request_body_size``, ``max_request_header_size``,
``connection_limit``, ``channel_timeout``). ``--host``, ``--port`` and
``--threads`` on the command line override it. ``pserve INI`` reads the same
section (docs/deploy.md).
"""
from __future__ import annotations

import plaster
from waitress.adjustments import Adjustments

#: every option waitress.serve takes (its ``Adjustments``)
WAITRESS_OPTIONS = frozenset(name for name, _convert in Adjustments._params)
#: the ``use =`` lines that name waitress
WAITRESS_USES = {"egg:waitress", "egg:waitress#main", "call:waitress:serve_paste"}

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 6543
#: bytes over ``lk.max_upload_bytes`` waitress still accepts when the section
#: sets no ``max_request_body_size``: a body just over the application's
#: limit gets the application's own 413 page, one far over it is refused by
#: waitress as soon as its headers arrive, before a byte of it is buffered
BODY_MARGIN = 1024 * 1024
#: waitress' own default is 256 KiB; cookies and headers need far less
DEFAULT_HEADER_LIMIT = 64 * 1024


def _first_listen(listen: str) -> tuple[str, int | None]:
    """Host and port of the first address of a ``listen`` line."""
    first = listen.split()[0]
    if first.startswith("["):  # [::1]:6543
        host, _sep, port = first[1:].partition("]")
        return host, int(port.lstrip(":")) if port.lstrip(":") else None
    if first.count(":") == 1:
        host, port = first.split(":")
        return host, int(port)
    return first, None


def server_options(ini: str, app_settings: dict, host=None, port=None, threads=None) -> dict:
    """The keyword arguments for ``waitress.serve`` from ``[server:main]`` of
    ``ini``, the command-line overrides and the application's settings.
    Raises ``ValueError`` for a section waitress cannot serve."""
    section = dict(plaster.get_settings(ini, "server:main"))
    use = section.pop("use", "egg:waitress#main").strip()
    if use not in WAITRESS_USES:
        raise ValueError("[server:main] uses %s, not waitress: serve it with pserve %s" % (use, ini))
    unknown = sorted(set(section) - WAITRESS_OPTIONS)
    if unknown:
        raise ValueError("[server:main]: waitress has no option %s" % ", ".join(unknown))
    options = dict(section)

    if host is not None or port is not None:
        ini_host, ini_port = DEFAULT_HOST, DEFAULT_PORT
        if options.get("listen", "").strip():
            listen_host, listen_port = _first_listen(options["listen"])
            ini_host, ini_port = listen_host or ini_host, listen_port or ini_port
        ini_host = options.pop("host", ini_host)
        ini_port = options.pop("port", ini_port)
        options.pop("listen", None)
        options["host"] = host if host is not None else ini_host
        options["port"] = int(port if port is not None else ini_port)
    elif not any(options.get(name) for name in ("listen", "host", "port", "sockets", "unix_socket")):
        # waitress alone would listen on every interface
        options["listen"] = "%s:%d" % (DEFAULT_HOST, DEFAULT_PORT)
    if threads is not None:
        options["threads"] = int(threads)

    if "max_request_body_size" not in options:
        options["max_request_body_size"] = int(app_settings["lk.max_upload_bytes"]) + BODY_MARGIN
    options.setdefault("max_request_header_size", DEFAULT_HEADER_LIMIT)
    Adjustments(**options)  # every value checked before the app is served
    return options


def body_limit_warning(options: dict, app_settings: dict) -> str | None:
    """A warning when ``[server:main]`` lets waitress buffer bodies far
    bigger than the application will take."""
    upload = int(app_settings["lk.max_upload_bytes"])
    body = int(options["max_request_body_size"])
    if body > upload + BODY_MARGIN:
        return ("[server:main] max_request_body_size = %d: waitress buffers bodies the application refuses "
                "(lk.max_upload_bytes = %d); leave it out, or set it to %d" % (body, upload, upload + BODY_MARGIN))
    return None


def addresses(options: dict) -> list[str]:
    """``host:port`` of every address the options listen on."""
    if "listen" in options:
        return options["listen"].split()
    if "host" in options or "port" in options:
        return ["%s:%s" % (options.get("host", DEFAULT_HOST), options.get("port", DEFAULT_PORT))]
    return []
