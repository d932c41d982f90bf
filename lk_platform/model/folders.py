"""Persistent folders: BTree children, a conflict-free counter, and a catalog.

A folder scales to millions of children: it never lists by iterating all of
them except in key order with a limit; sorting and searching go through its
hypatia catalog (field indexes per column, one text index).
"""
from __future__ import annotations

import random
from typing import Iterable

import BTrees
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from hypatia.catalog import Catalog
from hypatia.field import FieldIndex
from hypatia.keyword import KeywordIndex
from hypatia.text import TextIndex
from persistent import Persistent

from lk_platform.model.stamps import touch, touch_access

FAMILY = BTrees.family64
_MISSING = object()


class Attr:
    """Picklable discriminator: the attribute (or custom field) value, with
    None and empty strings left out of the index (they do not sort)."""

    def __init__(self, name: str, lower: bool = False):
        self.name = name
        self.lower = lower

    def __call__(self, obj, default):
        if self.name.startswith("x_"):
            value = (getattr(obj, "custom", None) or {}).get(self.name, None)
        else:
            value = getattr(obj, self.name, None)
        if value is None or value == "":
            return default
        if isinstance(value, (list, tuple, set, frozenset)):
            return default
        if self.lower and isinstance(value, str):
            return value.lower()
        return value

    def __eq__(self, other):
        return isinstance(other, Attr) and (self.name, self.lower) == (other.name, other.lower)


class Keywords(Attr):
    def __call__(self, obj, default):
        value = getattr(obj, self.name, None)
        return tuple(value) if value else default


class Folder(Persistent):
    """A container of persistent children keyed by string names."""

    def __init__(self, name: str | None = None, content_type: str | None = None, title: str = ""):
        self.__name__ = name
        self.__parent__ = None
        self.content_type = content_type
        self.title = title
        self._items = OOBTree()
        self._count = Length()
        self._serial = Length()
        self._docids = FAMILY.OI.BTree()
        self._names = FAMILY.IO.BTree()
        self.catalog = Catalog(family=FAMILY)

    # -- mapping protocol ----------------------------------------------------
    def __getitem__(self, name):
        return self._items[name]

    def get(self, name, default=None):
        if not isinstance(name, str):
            return default
        return self._items.get(name, default)

    def __contains__(self, name):
        return isinstance(name, str) and name in self._items

    def __len__(self):
        return self._count()

    def __bool__(self):
        return True

    def __iter__(self):
        return iter(self._items.keys())

    def keys(self, min=None, max=None):
        return self._items.keys(min, max)

    def values(self, min=None, max=None):
        return self._items.values(min, max)

    def items(self, min=None, max=None):
        return self._items.items(min, max)

    # -- changes -----------------------------------------------------------
    def next_name(self) -> str:
        """A new numeric name. The serial is a Length, so concurrent adds merge
        instead of conflicting; a rare duplicate retries the request."""
        self._serial.change(1)
        name = str(self._serial())
        while name in self._items:
            self._serial.change(1)
            name = str(self._serial())
        return name

    def add(self, obj, name: str | None = None) -> str:
        if name is None:
            name = self.next_name()
        if not isinstance(name, str) or not name or "/" in name or name.startswith("@@"):
            raise ValueError("bad name %r" % (name,))
        if name in self._items:
            raise KeyError(name)
        obj.__name__ = name
        obj.__parent__ = self
        self._items[name] = obj
        self._count.change(1)
        docid = self._new_docid()
        self._docids[name] = docid
        self._names[docid] = name
        self.catalog.index_doc(docid, obj)
        touch(self)
        return name

    def remove(self, name: str):
        obj = self._items.pop(name)
        self._count.change(-1)
        docid = self._docids.pop(name, None)
        if docid is not None:
            del self._names[docid]
            self.catalog.unindex_doc(docid)
        touch(self)
        touch_access(self)      # no cached page may show what was deleted
        return obj

    def reindex(self, obj):
        docid = self._docids.get(obj.__name__)
        if docid is not None:
            self.catalog.reindex_doc(docid, obj)
        touch(self)

    def _new_docid(self) -> int:
        # Random ids spread writes over the BTree's buckets, so concurrent
        # adds rarely touch the same bucket (Substance D does the same).
        while True:
            docid = random.randrange(1, 2**62)
            if docid not in self._names:
                return docid

    # -- indexes -----------------------------------------------------------
    def ensure_indexes(self, fields: Iterable[str] = (), text: bool = False, keywords: Iterable[str] = ()):
        """Create missing indexes and fill them from the stored children."""
        wanted = {}
        for field in fields:
            wanted["f_" + field] = lambda f=field: FieldIndex(Attr(f, lower=True), family=FAMILY)
        for field in keywords:
            wanted["k_" + field] = lambda f=field: KeywordIndex(Keywords(f), family=FAMILY)
        if text:
            wanted["text"] = lambda: TextIndex(Attr("searchable_text"), family=FAMILY)
        created = []
        for name, make in wanted.items():
            if name not in self.catalog:
                self.catalog[name] = make()
                created.append(self.catalog[name])
        if created and self._count():
            for name, docid in self._docids.items():
                obj = self._items[name]
                for index in created:
                    index.index_doc(docid, obj)
        return created

    def _first_by(self, index, offset, limit):
        """Docids ``offset:offset+limit`` of every child in ``index`` order,
        straight from the index's value -> docids tree: hypatia's forward scan
        copies all docids into a new set first (tens of ms at 100,000)."""
        want = offset + limit
        out = []
        for ids in index._fwd_index.values():
            out.extend(ids)
            if len(out) >= want:
                return out[offset:want]
        # children without a value for the column go last
        seen = set(out)
        for docid in self._names.keys():
            if docid not in seen:
                out.append(docid)
                if len(out) >= want:
                    break
        return out[offset:want]

    def resolve(self, docid):
        return self._items[self._names[docid]]

    def query(self, search: str = "", sort: str | None = None, reverse: bool = False,
              offset: int = 0, limit: int = 50, eq: dict | None = None):
        """One page of children: ``(total, [objects])``.

        ``search`` uses the text index, ``eq`` field or keyword equality,
        ``sort`` a field index; without any, key order from the BTree.
        """
        offset = max(0, int(offset))
        limit = max(1, int(limit))
        conditions = []
        matched = None
        if search and "text" in self.catalog:
            matched = _text_matches(self.catalog["text"], search)
            if matched is None:     # an index this shortcut does not know: hypatia's ranked query
                terms = " ".join(w + "*" if len(w) > 2 else w for w in search.split())
                conditions.append(self.catalog["text"].contains(terms))
        for field, value in (eq or {}).items():
            if "f_" + field in self.catalog:
                v = value.lower() if isinstance(value, str) else value
                conditions.append(self.catalog["f_" + field].eq(v))
            elif "k_" + field in self.catalog:
                conditions.append(self.catalog["k_" + field].any([value]))
        sort_index = self.catalog.get("f_" + sort) if sort else None
        if matched is None and not conditions:
            if sort_index is None:
                total = self._count()
                keys = self._items.keys()
                if reverse:
                    names = list(keys)[::-1][offset:offset + limit] if total < 5000 else \
                        _reverse_page(keys, total, offset, limit)
                else:
                    names = _page(keys, offset, limit)
                return total, [self._items[n] for n in names]
            if not reverse and hasattr(sort_index, "_fwd_index"):
                return self._count(), [self.resolve(d) for d in self._first_by(sort_index, offset, limit)]
            # Every child: copying 100,000 docids into a set per page view
            # cost more than the sort itself.
            docids = _AllDocids(self._names, self._count())
        else:
            docids = matched
            if conditions:
                query = conditions[0]
                for cond in conditions[1:]:
                    query = query & cond
                ids = query.execute().ids
                docids = ids if matched is None else FAMILY.IF.intersection(FAMILY.IF.TreeSet(ids), matched)
        total = len(docids)
        if sort_index is not None:
            # Children without a value for the sort column go last.
            sorted_ids = list(sort_index.sort(docids, reverse=reverse, limit=offset + limit,
                                              raise_unsortable=False))
            if len(sorted_ids) < offset + limit:
                seen = set(sorted_ids)
                for d in docids:
                    if d not in seen:
                        sorted_ids.append(d)
                        if len(sorted_ids) >= offset + limit:
                            break
            page = sorted_ids[offset:offset + limit]
        else:
            page = _page(docids, offset, limit)
        return total, [self.resolve(d) for d in page]


def _text_matches(index, search):
    """Docids (an ``IF.TreeSet``) of the children whose text has every word
    of ``search`` (words of three letters or more as prefixes), or None when
    ``index`` is not the text index this reads.

    hypatia's ranked query scores every match of every word: a search for
    a holder's name and a number among 100,000 accounts all named "Житель
    N" cost 40 ms, spent on the common word. A list does not need ranks, so
    this starts from the rarest word's documents and keeps those the other
    words also reach: the work follows the smallest match, not the largest."""
    lexicon, okapi = getattr(index, "lexicon", None), getattr(index, "index", None)
    postings = getattr(okapi, "_wordinfo", None)
    if lexicon is None or postings is None or not hasattr(lexicon, "globToWordIds"):
        return None
    words = []
    for term in lexicon.parseTerms(search):
        wids = lexicon.globToWordIds(term + "*") if len(term) > 2 else lexicon.termToWordIds(term)
        found = [postings[w] for w in wids if w and w in postings]
        if not found:
            return FAMILY.IF.TreeSet()
        words.append(found)
    if not words:
        return None
    words.sort(key=lambda maps: sum(len(m) for m in maps))
    candidates = set()
    for docs in words[0]:
        candidates.update(docs.keys())
    for maps in words[1:]:
        candidates = {d for d in candidates if any(d in m for m in maps)}
        if not candidates:
            break
    return FAMILY.IF.TreeSet(candidates)


class _AllDocids:
    """A folder's docids as a set for hypatia's sort: membership and
    iteration from the docid tree, the size from the folder's counter."""

    def __init__(self, names, count):
        self._names, self._len = names, count

    def __len__(self):
        return self._len

    def __contains__(self, docid):
        return docid in self._names

    def __iter__(self):
        return iter(self._names.keys())


def _page(iterable, offset, limit):
    out = []
    for i, item in enumerate(iterable):
        if i >= offset + limit:
            break
        if i >= offset:
            out.append(item)
    return out


def _reverse_page(keys, total, offset, limit):
    start = max(0, total - offset - limit)
    return _page(keys, start, total - offset - start)[::-1]
