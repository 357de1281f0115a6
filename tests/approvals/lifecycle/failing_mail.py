"""An e-mail backend that fails once for one address (a crash half-way through a job)."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend

SENT: list[list[str]] = []
_state = {"fail_for": None}


def reset(*, fail_for: str | None):
    SENT.clear()
    _state["fail_for"] = fail_for


class FailOnceBackend(BaseEmailBackend):
    def send_messages(self, messages):
        for m in messages:
            if _state["fail_for"] in m.to:
                _state["fail_for"] = None
                raise smtplib.SMTPServerDisconnected("SMTP server went away")
            SENT.append(list(m.to))
        return len(messages)
