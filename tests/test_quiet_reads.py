"""A normal page view writes nothing: no new ZODB transaction (so readers never
conflict) and no re-signed session cookie."""


def test_page_views_write_nothing(demo_browser, lk_demo):
    storage = lk_demo.registry.lk.database.storage
    demo_browser.login("ivanov")
    demo_browser.get("/cabinet")
    before = storage.lastTransaction()
    for url in ("/cabinet", "/o/vodokanal/cabinet", "/o/vodokanal/accounts/1000001/", "/o/uk-dom/"):
        response = demo_browser.get(url)
        assert "Set-Cookie" not in response.headers, url
    assert storage.lastTransaction() == before
