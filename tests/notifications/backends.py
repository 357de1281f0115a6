"""E-mail backends for outbox tests: a mail server that is down, one that fails once, a slow one."""

import smtplib
import threading
import time

from django.core.mail.backends.base import BaseEmailBackend

SENT: list = []
_lock = threading.Lock()
_state = {"failures_left": 0, "delay": 0.0}


def reset(*, failures: int = 0, delay: float = 0.0):
    SENT.clear()
    _state["failures_left"] = failures
    _state["delay"] = delay


class FlakyBackend(BaseEmailBackend):
    """Fails the first `failures` sends (SMTP gone), then delivers into SENT (after `delay`)."""

    def send_messages(self, messages):
        with _lock:
            if _state["failures_left"]:
                _state["failures_left"] -= 1
                raise smtplib.SMTPServerDisconnected("SMTP server went away")
        time.sleep(_state["delay"])
        with _lock:
            SENT.extend(messages)
        return len(messages)
