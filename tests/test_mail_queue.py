"""mail.mode = queue: a message is written to the maildir when its
transaction commits (and only then), for repoze.sendmail's qp to send; the
request never talks to SMTP, so /forgot does the same work whether or not
the login exists."""
from __future__ import annotations

import email
import os

import pytest

from lk_platform.testing import Browser, build_demo_database, close_app, make_app, make_settings


def queued(path):
    new = os.path.join(path, "new")
    return sorted(os.listdir(new)) if os.path.isdir(new) else []


@pytest.fixture
def queue_app(tmp_path):
    queue = str(tmp_path / "mailqueue")
    settings = make_settings(tmp_path, **{"mail.mode": "queue", "mail.queue_path": queue})
    build_demo_database(settings)
    app = make_app(settings)
    yield app, queue
    close_app(app)


def forgot(app, login):
    return Browser(app).post_csrf("/forgot", {"login": login})


def test_a_reset_mail_is_queued_at_commit_and_an_unknown_login_queues_nothing(queue_app):
    app, queue = queue_app
    assert queued(queue) == []
    forgot(app, "nobody-here")
    assert queued(queue) == []
    forgot(app, "ivanov")
    (name,) = queued(queue)
    message = email.message_from_bytes(open(os.path.join(queue, "new", name), "rb").read())
    assert message["To"] == "ivanov@mail.example"
    assert "reset?token=" in message.get_payload(decode=True).decode("utf-8")


def test_queue_mode_needs_its_folder(tmp_path):
    with pytest.raises(ValueError, match="mail.queue_path"):
        make_app(make_settings(tmp_path, **{"mail.mode": "queue"}))
