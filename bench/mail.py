"""An e-mail backend that serializes each message as SMTP would, keeps its size, and drops it."""

from django.core.mail.backends.base import BaseEmailBackend

SIZES: list[int] = []


class SizeRecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            SIZES.append(len(message.message().as_bytes()))
        return len(email_messages)
