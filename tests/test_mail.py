"""Email goes through a real SMTP server when configured, and is silently off when not."""

from __future__ import annotations

from pathlib import Path

from readiness import mail
from tests.conftest import make_app
from tests.support.smtp import Mailbox, body_of


def test_email_is_sent_through_the_configured_server(database_url: str, tmp_path: Path, mailbox: Mailbox) -> None:
    app = make_app(database_url, tmp_path / "instance", **mailbox.config)
    with app.app_context():
        assert mail.send("lead@example.nhs.uk", "A query about your bid", "Open https://example/x")
    [message] = mailbox.wait_for(1)
    assert message["To"] == "lead@example.nhs.uk"
    assert message["Subject"] == "A query about your bid"
    assert "https://example/x" in body_of(message)


def test_no_server_configured_means_no_email(app) -> None:
    assert not mail.enabled()
    assert mail.send("lead@example.nhs.uk", "Subject", "Body") is False


def test_an_unreachable_server_does_not_break_the_caller(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path / "instance", MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    with app.app_context():
        assert mail.send("lead@example.nhs.uk", "Subject", "Body") is False
