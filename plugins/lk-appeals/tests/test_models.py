"""Stored objects are pickled under their class's module path: those
written before ``lk_appeals.models`` existed still load."""
import datetime as dt
import pickle

from lk_appeals import models
from lk_appeals.uploads import Upload


def _under(obj, old_module):
    """``obj`` pickled as an older version did: its class under ``old_module``."""
    data = pickle.dumps(obj, protocol=0)
    assert b"clk_appeals.models\n" in data
    return pickle.loads(data.replace(b"clk_appeals.models\n", ("c%s\n" % old_module).encode()))


def test_classes_stored_under_their_old_modules_still_load():
    when = dt.datetime(2026, 11, 2, 10, tzinfo=dt.timezone.utc)
    entry = models.HistoryEntry(when, "ivanov", "Иванов", "status", "new", "in_progress")
    assert _under(entry, "lk_appeals.appeal") == entry
    message = _under(models.Message(1, when, "ivanov", "Иванов", "Текст"), "lk_appeals.appeal")
    assert isinstance(message, models.Message) and message.text == "Текст"
    category = _under(models.Category(title="Другое", sla_first_hours=16), "lk_appeals.category")
    assert isinstance(category, models.Category) and category.title == "Другое"
    appeal = _under(models.Appeal(subject="Тема", status="waiting"), "lk_appeals.appeal")
    assert isinstance(appeal, models.Appeal) and appeal.status == "waiting"
    from lk_appeals import attachments
    assert attachments.Attachment is models.Attachment
    assert isinstance(models.Attachment(1, 1, Upload("a.png", "image/png", b"\x89PNG")), models.Attachment)
