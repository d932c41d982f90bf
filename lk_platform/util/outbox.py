"""Transaction-aware mail: a message leaves only if the transaction commits.

repoze.sendmail's deliveries join the transaction. ``mail.mode``:

* ``queue`` (production): at commit a message is written to the maildir
  ``mail.queue_path``, and repoze.sendmail's ``qp`` sends it on by SMTP as a
  service of its own — a request never waits for the relay, so an answer
  that sends mail takes as long as one that does not (``/forgot``);
* ``smtp``: sent to ``mail.host`` while the request commits;
* ``files`` (development, tests): ``.eml`` files in ``mail.directory``.
"""
from __future__ import annotations

import os
import time
import uuid
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid

from repoze.sendmail.delivery import DirectMailDelivery, QueuedMailDelivery
from repoze.sendmail.mailer import SMTPMailer


class FolderMailer:
    """Writes each message to ``<folder>/<time>-<id>.eml``."""

    def __init__(self, folder: str):
        self.folder = folder

    def send(self, fromaddr, toaddrs, message):
        os.makedirs(self.folder, exist_ok=True)
        name = "%d-%s.eml" % (time.time_ns(), uuid.uuid4().hex[:8])
        tmp = os.path.join(self.folder, "." + name)
        with open(tmp, "wb") as f:
            f.write(message.as_bytes())
        os.replace(tmp, os.path.join(self.folder, name))


class DiscardingMailer:
    """Serialises a message as a mailer would, and drops it."""

    def send(self, fromaddr, toaddrs, message):
        message.as_bytes()


DISCARD = DiscardingMailer()


def mailer_from_settings(settings):
    mode = settings.get("mail.mode", "files")
    if mode == "queue":
        if not settings.get("mail.queue_path"):
            raise ValueError("mail.mode = queue needs mail.queue_path (the maildir qp sends from)")
        return DISCARD      # messages go to the queue; nothing is handed to a mailer here
    if mode == "smtp":
        return SMTPMailer(
            hostname=settings.get("mail.host", "localhost"), port=int(settings.get("mail.port", 25)),
            username=settings.get("mail.username") or None, password=settings.get("mail.password") or None,
            no_tls=settings.get("mail.tls", "true").lower() not in ("true", "1", "yes"),
            force_tls=settings.get("mail.ssl", "false").lower() in ("true", "1", "yes"))
    return FolderMailer(settings.get("mail.directory", "var/mail"))


def send_mail(request, to, subject: str, body: str, html: str | None = None, deliver: bool = True):
    """Queue a message in the request's transaction. ``deliver=False`` does
    all the same work but hands the message to a mailer that drops it (for
    answers that must take as long whether or not a message goes)."""
    settings = request.registry.settings
    sender = settings.get("mail.sender", "lk@localhost")
    # compat32 MIME parts: repoze.sendmail re-encodes headers with folded
    # RFC 2047 words, which EmailMessage's policy refuses for a long
    # Cyrillic subject.
    if html:
        message = MIMEMultipart("alternative")
        message.attach(MIMEText(body, "plain", "utf-8"))
        message.attach(MIMEText(html, "html", "utf-8"))
    else:
        message = MIMEText(body, "plain", "utf-8")
    message["From"] = sender
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-Id"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    queue = settings.get("mail.queue_path") if settings.get("mail.mode") == "queue" else None
    if deliver and queue:
        delivery = QueuedMailDelivery(queue, transaction_manager=request.tm)
    else:
        delivery = DirectMailDelivery(request.registry.lk.mailer if deliver else DISCARD, transaction_manager=request.tm)
    delivery.send(sender, [to] if isinstance(to, str) else list(to), message)
    return message
