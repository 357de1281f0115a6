"""The API's JSON parser: DRF's, plus a 400 for a body nested too deep to decode.

Python's JSON decoder recurses once per level of nesting; a body such as 1,000 `[`s hits the
interpreter's recursion limit (RecursionError), which DRF's parser does not catch (a 500).
No request the API takes needs more than a few levels, so such a body is a malformed request.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
