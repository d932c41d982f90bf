"""Folder.query sorted by a field index, on a real (in-memory) ZODB: the
unfiltered ascending path reads the index's value tree directly."""
import transaction
import ZODB
from ZODB.MappingStorage import MappingStorage

from lk_platform.model.content import Content
from lk_platform.model.folders import Folder


class Item(Content):
    type_name = "item"
    holder = None
    searchable_fields = ("holder",)


def test_sorted_pages_follow_the_index_and_children_without_a_value_go_last():
    db = ZODB.DB(MappingStorage())
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        folder = conn.root()["f"] = Folder("f", "item")
        folder.ensure_indexes(fields=["holder"])
        names = ["Яковлев", "Андреев", "Борисов", "Петров", "Андреев", None, "Сидоров"]
        for n, holder in enumerate(names):
            item = Item()
            item.holder = holder
            folder.add(item, "i%d" % n)
        tm.commit()
        expected = sorted((h.lower(), "i%d" % n) for n, h in enumerate(names) if h)
        expected = [name for _h, name in expected] + ["i5"]
        for offset, limit in [(0, 3), (2, 3), (4, 10), (6, 5)]:
            total, page = folder.query(sort="holder", offset=offset, limit=limit)
            assert total == len(names)
            got = [i.__name__ for i in page]
            # equal values keep no particular order between them; compare by value, then the set of names
            assert [folder[n].holder for n in got] == [folder[n].holder for n in expected[offset:offset + limit]]
        assert sorted(i.__name__ for i in folder.query(sort="holder", limit=50)[1]) == sorted("i%d" % n for n in
                                                                                                 range(7))
        # descending and filtered sorts take hypatia's path and agree with it
        assert [i.holder for i in folder.query(sort="holder", reverse=True, limit=2)[1]] == ["Яковлев", "Сидоров"]
    finally:
        tm.abort()
        conn.close()
        db.close()


def test_search_finds_what_the_ranked_text_query_finds():
    from lk_platform.model.folders import _text_matches
    db = ZODB.DB(MappingStorage())
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        folder = conn.root()["f"] = Folder("f", "item")
        folder.ensure_indexes(fields=["holder"], text=True)
        holders = ["Житель %d" % n for n in range(300)] + ["Иванов Иван", "Иванова Мария", "Петров Ли",
                                                          "Ли Сергей", "Ивановский Пётр"]
        for n, holder in enumerate(holders):
            item = Item()
            item.holder = holder
            folder.add(item, "i%d" % n)
        tm.commit()
        index = folder.catalog["text"]
        for search in ["Житель 12", "житель 123", "Иванов", "иванова мар", "Ли", "Ли Петров", "Сидоров",
                       "житель Иванов", "12"]:
            ranked = index.contains(" ".join(w + "*" if len(w) > 2 else w for w in search.split())).execute()
            assert sorted(_text_matches(index, search)) == sorted(ranked.ids), search
            total, items = folder.query(search=search, limit=500)
            assert total == len(ranked.ids) and {i.__name__ for i in items} == {
                folder.resolve(d).__name__ for d in ranked.ids}
        assert sorted(folder.query(search="Иванов")[1], key=lambda i: i.holder)[0].holder == "Иванов Иван"
    finally:
        tm.abort()
        conn.close()
        db.close()
