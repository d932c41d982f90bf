"""Host names as the platform compares them."""
from __future__ import annotations

#: the environ key of the virtual root a mapped host name sets (repoze.vhm's)
VH_ROOT = "HTTP_X_VHM_ROOT"


def host_name(netloc: str) -> str:
    """``netloc`` (a ``Host`` header, ``host:port``) as a bare, lower-case
    host name without the port or a trailing dot; IPv6 keeps its brackets."""
    netloc = (netloc or "").strip().lower()
    if netloc.startswith("["):
        end = netloc.find("]")
        return netloc[:end + 1] if end > 0 else netloc
    return netloc.split(":", 1)[0].rstrip(".")
