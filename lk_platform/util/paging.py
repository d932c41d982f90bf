"""Page number and size from a query string, as every list reads them:
bad or absurd values fall back instead of failing."""
from __future__ import annotations

PAGE_SIZES = (20, 50, 100)
#: beyond this a page number is a typo or a probe, not a page
MAX_PAGE = 100_000


def page_number(params) -> int:
    try:
        return max(1, min(MAX_PAGE, int(params.get("page", 1))))
    except (TypeError, ValueError):
        return 1


def page_size(params, sizes=PAGE_SIZES) -> int:
    try:
        size = int(params.get("size", sizes[0]))
    except (TypeError, ValueError):
        return sizes[0]
    return size if size in sizes else sizes[0]


def page_count(total: int, size: int) -> int:
    return max(1, (total + size - 1) // size)
