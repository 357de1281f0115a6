"""What a caller hands to notification_queue for a file to attach (plain data, no models)."""

from __future__ import annotations

import base64
from dataclasses import dataclass


@dataclass(frozen=True)
class Attachment:
    """A file attached to a notification: either a file already in the private storage
    (``storage_name``, e.g. a stored decision letter; read at send time) or ``content`` bytes
    (kept on the outbox row, so nothing outside the caller's transaction is written)."""

    filename: str
    content_type: str = "application/octet-stream"
    storage_name: str = ""
    content: bytes | None = None

    def __post_init__(self):
        if bool(self.storage_name) == (self.content is not None):
            raise ValueError("An attachment has either storage_name or content, not both or neither.")

    def as_json(self) -> dict:
        data = {"filename": self.filename, "content_type": self.content_type}
        if self.storage_name:
            data["storage_name"] = self.storage_name
        else:
            data["content_b64"] = base64.b64encode(self.content).decode("ascii")
        return data

    @classmethod
    def from_json(cls, data: dict) -> Attachment:
        if data.get("storage_name"):
            return cls(data["filename"], data["content_type"], storage_name=data["storage_name"])
        return cls(data["filename"], data["content_type"], content=base64.b64decode(data["content_b64"]))
