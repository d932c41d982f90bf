"""The body sanitiser: what it keeps, what it removes, and what it reports."""
import pytest

from lk_announcements.sanitiser import clean, findings, visible_text


@pytest.mark.parametrize("dirty, gone, report", [
    ("<p>Вода<script>alert(1)</script></p>", "alert", "<script>"),
    ('<img src="x" onerror="alert(1)">Свет', "onerror", "onerror"),
    ('<a href="javascript:alert(1)">жми</a>', "javascript", "javascript:"),
    ('<a href="jav&#x09;ascript:alert(1)">жми</a>', "javascript", "javascript:"),
    ('<iframe src="https://evil.example/"></iframe>Газ', "iframe", "<iframe>"),
    ('<p onclick="steal()">Тепло</p>', "steal", "onclick"),
    ('<svg><script>alert(1)</script></svg>Лифт', "alert", "<svg>"),
])
def test_dangerous_markup_is_removed_and_reported(dirty, gone, report):
    safe = clean(dirty)
    assert gone not in safe
    assert "<script" not in safe and "<iframe" not in safe and "onerror" not in safe
    assert report in "; ".join(findings(dirty))


def test_allowed_formatting_is_kept_and_links_get_rel():
    text = ('<p>Отключение <strong>воды</strong> <em>завтра</em><br>с 10:00</p>'
            '<ul><li>дом 5</li></ul><ol><li>один</li></ol><a href="https://vodokanal.example/plan">план</a>')
    safe = clean(text)
    for kept in ("<strong>воды</strong>", "<em>завтра</em>", "<br>", "<ul><li>дом 5</li></ul>", "<ol><li>один</li></ol>",
                 'href="https://vodokanal.example/plan"'):
        assert kept in safe
    assert 'rel="noopener noreferrer"' in safe
    assert findings(text) == []


def test_style_attributes_and_unknown_tags_lose_markup_but_keep_text():
    text = '<p style="color:red" class="x">Важно</p><b>жирный</b><h1>Заголовок</h1>'
    safe = clean(text)
    assert "style" not in safe and "class" not in safe and "<b>" not in safe and "<h1>" not in safe
    assert "Важно" in safe and "жирный" in safe and "Заголовок" in safe
    found = "; ".join(findings(text))
    assert "style" in found and "<b>" in found and "<h1>" in found


def test_plain_text_becomes_paragraphs_and_is_escaped():
    safe = clean("Первая строка\nвторая < третьей & так далее\n\nНовый абзац")
    assert safe == "<p>Первая строка<br>вторая &lt; третьей &amp; так далее</p><p>Новый абзац</p>"
    assert visible_text(safe) == "Первая строка\nвторая < третьей & так далее\n\nНовый абзац"


@pytest.mark.parametrize("text", ["<b>x &lt; y</b>", "a & b", "<p>Hi<script>x</script></p>", "строка\n\nещё",
                                  '<a href="mailto:a@b.example">почта</a>'])
def test_cleaning_is_idempotent(text):
    once = clean(text)
    assert clean(once) == once


def test_saved_body_reported_clean_when_saved_again():
    once = clean('<p>См. <a href="https://vodokanal.example/plan" target="_blank">план</a></p>')
    assert findings(once) == []
