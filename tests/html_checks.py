"""Checks on rendered HTML shared by the tests."""

from __future__ import annotations

import re

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
_EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
_STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)


def inline_code(html: str) -> list[str]:
    """What a Content-Security-Policy without 'unsafe-inline' would block: inline <script>,
    event-handler attributes, javascript: URLs, style attributes and <style> elements."""
    found = []
    if _INLINE_SCRIPT.search(html):
        found.append("inline <script>")
    if _EVENT_HANDLER.search(html):
        found.append("event-handler attribute")
    if "javascript:" in html.lower():
        found.append("javascript: URL")
    if _STYLE_ATTR.search(html):
        found.append("style attribute")
    if re.search(r"<style[\s>]", html, re.I):
        found.append("<style> element")
    return found
