"""Bad input gets a clear answer and leaves nothing half-stored."""
import os

from lk_appeals.uploads import MAX_FILE_BYTES

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 4000


def blob_files(settings):
    folder = os.path.join(os.path.dirname(settings["mail.directory"]), "blobs")
    return sorted(os.path.join(d, f) for d, _s, files in os.walk(folder) for f in files if f.endswith(".blob"))


def test_an_executable_renamed_to_jpg_is_refused_and_nothing_stored(appeals, jpeg, lk_settings):
    before, blobs = appeals.count(), blob_files(lk_settings)
    page = appeals.open(files=[("photo.jpg", jpeg, "image/jpeg"), ("invoice.jpg", EXE, "image/jpeg")],
                        status=400)
    assert "Обращение не отправлено" in page.text
    assert "Файл «invoice.jpg» не является фотографией (JPEG, PNG, WEBP) или документом PDF" in page.text
    # What the resident typed comes back; the good photo is not kept either.
    assert page.forms["new-appeal-form"]["subject"].value == "Течёт кран на кухне"
    assert appeals.count() == before
    assert blob_files(lk_settings) == blobs
    assert [m for m in appeals.mails() if m["to"] == "appeals@vodokanal.example"] == []
    # The same photo alone is accepted and kept as a ZODB blob file.
    appeals.open(files=[("photo.jpg", jpeg, "image/jpeg")])
    added = sorted(set(blob_files(lk_settings)) - set(blobs))
    assert len(added) == 1 and open(added[0], "rb").read() == jpeg


def test_a_file_over_the_per_file_limit_is_refused(appeals, jpeg):
    before = appeals.count()
    big = jpeg + b"\x00" * MAX_FILE_BYTES   # 10 MB + a photo: under the 20 MB body limit
    page = appeals.open(files=[("big.jpg", big, "image/jpeg")], status=400)
    assert "Файл «big.jpg» больше 10 МБ" in page.text
    assert appeals.count() == before


def test_a_50_mb_upload_is_refused_before_the_view_runs(appeals, jpeg):
    before = appeals.count()
    huge = jpeg + b"\x00" * (50 * 1024 * 1024)
    page = appeals.open(files=[("huge.jpg", huge, "image/jpeg")], status=413)
    assert "слишком велики" in page.text
    assert appeals.count() == before


def test_too_many_files_and_missing_fields(appeals, jpeg):
    before = appeals.count()
    page = appeals.open(files=[("%d.jpg" % i, jpeg, "image/jpeg") for i in range(6)], status=400)
    assert "Можно приложить не больше 5 файлов, выбрано 6." in page.text
    page = appeals.open(subject="Эх", text="   ", category="999", status=400)
    errors = page.html.select_one("#form-errors").get_text(" ", strip=True)
    assert "Тема: не короче 3 знаков." in errors
    assert "Текст обращения: заполните поле." in errors
    assert "Выберите категорию обращения из списка." in errors
    page = appeals.open(text="х" * 5001, status=400)
    assert "Текст обращения: не длиннее 5000 знаков (сейчас 5001)." in page.text
    assert appeals.count() == before


def test_an_account_of_someone_else_cannot_be_chosen(appeals):
    before = appeals.count()
    # 1000002 is Petrova's, 1000003 has no holder, 2000001 is Ivanov's but at another organisation.
    for number in ("1000002", "1000003", "2000001", "../1000001"):
        page = appeals.open(account=number, status=400)
        assert "Выберите лицевой счёт из списка ваших счетов." in page.text
    assert appeals.count() == before


def test_a_delegate_needs_the_appeals_right(appeals):
    with appeals.db() as platform:
        account = platform.organisations["vodokanal"]["accounts"]["1000002"]
        account.delegates = (("ivanov", ("meters.submit",)),)
        platform.users["ivanov"].link_account("vodokanal", "1000002")   # a delegate sees the account
    appeals.open(account="1000002", status=400)
    with appeals.db() as platform:
        account = platform.organisations["vodokanal"]["accounts"]["1000002"]
        account.delegates = (("ivanov", ("appeals.write",)),)
    appeals.open(account="1000002", status=302)


def test_a_form_without_the_csrf_token_is_refused(appeals):
    before = appeals.count()
    browser = appeals.browser("ivanov")
    browser.app.post("/o/vodokanal/appeals/@@new", {"account": "1000001", "subject": "Тема", "text": "Текст",
                                                    "category": appeals.category_id()}, status=400)
    assert appeals.count() == before
