"""Upload checks: the type comes from the content, with limits."""
import io

from lk_appeals.demo import demo_png
from lk_appeals.uploads import MAX_FILE_BYTES, MAX_FILES, read_uploads
from lk_platform.i18n import translate
from lk_platform.util.files import safe_filename, sniff

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 400


class Field:
    """What webob hands a view for one uploaded file."""

    def __init__(self, filename, data):
        self.filename = filename
        self.file = io.BytesIO(data)


def test_types_are_told_by_content(jpeg):
    assert sniff(jpeg) == "image/jpeg"
    assert sniff(demo_png()) == "image/png"
    assert sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n") == "application/pdf"
    assert sniff(EXE) is None
    assert sniff(b"<html><script>alert(1)</script></html>") is None


def test_an_executable_named_jpg_is_refused(jpeg):
    uploads, errors = read_uploads([Field("photo.jpg", jpeg), Field("котик.jpg", EXE)])
    assert uploads == []          # nothing of a bad batch is kept
    assert [translate(e) for e in errors] == ["Файл «котик.jpg» не является фотографией (JPEG, PNG, WEBP) или документом PDF — "
                      "такие файлы не принимаются."]


def test_size_count_and_empty_files(jpeg):
    big = jpeg + b"\x00" * MAX_FILE_BYTES
    _uploads, errors = read_uploads([Field("big.jpg", big)])
    assert [translate(e) for e in errors] == ["Файл «big.jpg» больше 10 МБ — уменьшите фото или разделите документ."]
    _uploads, errors = read_uploads([Field("%d.jpg" % i, jpeg) for i in range(MAX_FILES + 1)])
    assert [translate(e) for e in errors] == ["Можно приложить не больше 5 файлов, выбрано 6."]
    _uploads, errors = read_uploads([Field("empty.pdf", b"")])
    assert [translate(e) for e in errors] == ["Файл «empty.pdf» пустой."]
    uploads, errors = read_uploads([Field("a.jpg", jpeg), "", Field("b.png", demo_png())])
    assert errors == [] and [u.content_type for u in uploads] == ["image/jpeg", "image/png"]


def test_file_names_are_cleaned_and_match_the_type():
    assert safe_filename("C:\\Users\\Иван\\Фото 1.JPEG", "image/jpeg", default="файл") == "Фото 1.jpeg"
    assert safe_filename("../../etc/passwd.jpg", "image/png", default="файл") == "passwd.jpg.png"
    assert safe_filename("scan\x00\x07.pdf", "application/pdf", default="файл") == "scan.pdf"
    assert safe_filename("...", "image/webp", default="файл") == "файл.webp"
