"""Sending account mail (invitations, password resets) through the configured SMTP server."""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import anyio.to_thread

from services.errors import MailFailed

logger = logging.getLogger("catalogue.mail")


class Mailer:
    """Sends plain-text mail through ``smtp_url``; without one, writes the message to the log."""

    def __init__(self, smtp_url: str, sender: str) -> None:
        self.smtp_url = smtp_url
        self.sender = sender

    async def send(self, to: str, subject: str, body: str) -> None:
        """Deliver one message; raises when the server refuses it."""
        if not self.smtp_url:
            logger.info("mail to %s: %s\n%s", to, subject, body)
            return
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            await anyio.to_thread.run_sync(self._deliver, message)
        except (smtplib.SMTPException, OSError) as error:
            logger.error("mail to %s failed: %s", to, error)
            raise MailFailed(type(error).__name__) from error

    def _deliver(self, message: EmailMessage) -> None:
        parts = urlsplit(self.smtp_url)
        host = parts.hostname or "localhost"
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, parts.port or 465, timeout=30, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(host, parts.port or 25, timeout=30)
        with client:
            if parts.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
