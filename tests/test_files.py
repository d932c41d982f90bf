"""The core's stored-file helpers: type by content, safe names, sizes."""
import io
import zipfile

import pytest

from lk_platform.util.files import DOCX, XLSX, format_size, safe_filename, sniff


def _zip(*members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in members:
            z.writestr(name, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize("data, expected", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "image/png"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg"),
    (b"GIF89a" + b"\x00" * 16, "image/gif"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"%PDF-1.7\n", "application/pdf"),
    (_zip("[Content_Types].xml", "word/document.xml"), DOCX),
    (_zip("[Content_Types].xml", "xl/workbook.xml"), XLSX),
    (_zip("[Content_Types].xml", "ppt/presentation.xml"), None),   # other Office files are not taken
    (_zip("word/document.xml"), None),                               # not OOXML without its manifest
    (b"PK\x03\x04 cut short", None),
    (b"MZ\x90\x00\x03\x00\x00\x00", None),                           # Windows executable
    (b"\x7fELF\x02\x01\x01", None),
    (b"<svg onload=alert(1)></svg>", None),
    (b"<!DOCTYPE html><script>x</script>", None),
    (b"", None),
])
def test_sniff_tells_the_type_by_content(data, expected):
    assert sniff(data) == expected


def test_safe_filename_drops_folders_and_matches_the_extension():
    assert safe_filename("C:\\Users\\Иван\\Фото 1.JPEG", "image/jpeg") == "Фото 1.jpeg"
    assert safe_filename("../../etc/passwd.jpg", "image/png") == "passwd.jpg.png"
    assert safe_filename('a"<b>|:?.pdf\x00', "application/pdf") == "ab.pdf"
    assert safe_filename("...", "image/webp", default="файл") == "файл.webp"
    assert safe_filename("отчёт.docx", DOCX) == "отчёт.docx"
    assert safe_filename("logo.svg") == "logo.svg"          # no type given: the name only is cleaned


def test_format_size_in_russian_units():
    assert format_size(500) == "500 Б"
    assert format_size(2000) == "2 КБ"
    assert format_size(3 * 1024 * 1024 + 300 * 1024) == "3,3 МБ"
