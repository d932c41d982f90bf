"""The ST00012 payment QR builder and parser (GOST R 56042-2014)."""
import io
from decimal import Decimal

import pytest

from lk_debt import paymentqr
from lk_debt.paymentqr import PaymentQRError

PAYEE = {
    "Name": "ООО «Водоканал-Сервис»",
    "PersonalAcc": "40702810938000012345",
    "BankName": "ПАО Сбербанк",
    "BIC": "044525225",
    "CorrespAcc": "30101810400000000225",
}


def test_required_fields_come_first_in_the_standard_order():
    text = paymentqr.build({"Sum": 123456, "PersAcc": "1000001", **PAYEE})
    assert text == ("ST00012|Name=ООО «Водоканал-Сервис»|PersonalAcc=40702810938000012345|BankName=ПАО Сбербанк"
                    "|BIC=044525225|CorrespAcc=30101810400000000225|Sum=123456|PersAcc=1000001")


@pytest.mark.parametrize("missing", paymentqr.REQUIRED)
def test_each_required_field_is_required(missing):
    fields = dict(PAYEE, **{missing: "  "})
    with pytest.raises(PaymentQRError, match=missing):
        paymentqr.build(fields)


@pytest.mark.parametrize("key,value", [("PersonalAcc", "4070281093800001234"), ("BIC", "04452522X"),
                                       ("CorrespAcc", "301018104000000002251"), ("PayeeINN", "77012345"),
                                       ("KPP", "77010100")])
def test_account_numbers_are_checked(key, value):
    with pytest.raises(PaymentQRError, match=key):
        paymentqr.build(dict(PAYEE, **{key: value}))


def test_sum_is_whole_kopecks_never_a_float_or_fraction():
    assert "|Sum=5|" in paymentqr.build(dict(PAYEE, Sum=5, PersAcc="1"))
    assert paymentqr.build(dict(PAYEE, Sum=Decimal("140435"))).endswith("|Sum=140435")
    for bad in (12.5, Decimal("12.5"), -1, "100", True):
        with pytest.raises(PaymentQRError, match="Sum"):
            paymentqr.build(dict(PAYEE, Sum=bad))


def test_empty_optional_fields_are_left_out():
    text = paymentqr.build(dict(PAYEE, KPP="", Sum=None, Purpose="Оплата"))
    assert "KPP" not in text and "Sum" not in text and text.endswith("|Purpose=Оплата")


def test_a_value_with_the_separator_switches_to_another_separator():
    fields = dict(PAYEE, Name="ООО «Труба|Кран»", Purpose="Оплата за 10.2026 | л/с 7")
    text = paymentqr.build(fields)
    separator = text[7]
    assert text.startswith("ST00012") and separator != "|"
    assert all(separator not in value for value in fields.values())
    parsed = paymentqr.parse(text)
    assert parsed["Name"] == "ООО «Труба|Кран»" and parsed["Purpose"] == "Оплата за 10.2026 | л/с 7"
    assert text.count(separator) == len(fields)  # exactly one separator per pair


def test_the_next_free_separator_is_chosen():
    # '|' and '#' are taken: the builder goes on to ';'
    text = paymentqr.build(dict(PAYEE, Name="A|B", Purpose="№ 5 #2"))
    assert text[7] == ";"
    assert paymentqr.parse(text)["Purpose"] == "№ 5 #2"


def test_no_free_separator_is_an_error_not_a_broken_code():
    with pytest.raises(PaymentQRError, match="разделитель"):
        paymentqr.build(dict(PAYEE, Purpose=paymentqr.SEPARATORS))


def test_equals_sign_and_line_breaks_in_values():
    text = paymentqr.build(dict(PAYEE, Purpose="a=b\nc\t d"))
    assert paymentqr.parse(text)["Purpose"] == "a=b c d"


def test_long_free_text_is_cut_to_the_standards_limit():
    parsed = paymentqr.parse(paymentqr.build(dict(PAYEE, Purpose="я" * 400)))
    assert len(parsed["Purpose"]) == 210


@pytest.mark.parametrize("encoding,codec", [("1", "cp1251"), ("2", "utf-8"), ("3", "koi8-r")])
def test_payload_bytes_in_each_encoding_round_trip(encoding, codec):
    # KOI8-R has no «», so the payee here is named without them
    data = paymentqr.payload(dict(PAYEE, Name='ООО "Водоканал"', Purpose="Оплата ЖКУ"), encoding=encoding)
    assert data.startswith(b"ST0001" + encoding.encode() + b"|")
    assert data.decode(codec).endswith("Purpose=Оплата ЖКУ")
    assert paymentqr.parse(data)["Name"] == 'ООО "Водоканал"'
    assert len(data) < len(data.decode(codec).encode("utf-8")) or encoding == "2"


def test_unrepresentable_character_in_a_one_byte_encoding():
    with pytest.raises(PaymentQRError, match="cp1251"):
        paymentqr.build(dict(PAYEE, Purpose="Оплата 💧"), encoding="1")


@pytest.mark.parametrize("text", ["", "ST0001", "ST00019|Name=x", "XX00012|Name=a", "ST00012|Name",
                                  "ST00012|Name=a|PersonalAcc=1"])
def test_parse_rejects_what_is_not_a_payment_code(text):
    with pytest.raises(PaymentQRError):
        paymentqr.parse(text)


def test_png_decodes_with_a_real_decoder():
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    data = paymentqr.payload(dict(PAYEE, Name="ООО «Труба|Кран»", Sum=140435, PersAcc="1000001",
                                  PaymPeriod="102026", Purpose="Оплата ЖКУ за 10.2026, л/с 1000001"))
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(paymentqr.png(data))))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    assert found[0].bytes == data
    parsed = paymentqr.parse(found[0].bytes)
    assert parsed["Name"] == "ООО «Труба|Кран»" and parsed["Sum"] == "140435"
