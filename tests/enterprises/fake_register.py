"""A local stand-in for Enhetsregisteret's API (threading http.server on 127.0.0.1, port 0),
serving units, the update feed and errors in the real format (see enhetsregisteret-openapi.json)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeRegister:
    def __init__(self):
        self.units: dict[str, dict] = {}
        self.deleted: dict[str, str] = {}  # orgnr -> slettedato (410 Gone)
        self.updates: list[dict] = []
        self.requests: list[tuple[str, dict]] = []
        self.fail_next = 0  # answer 503 to this many requests first
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/enhetsregisteret/api"

    def add_update(self, orgnr: str, change: str, when: str = "2026-11-25T06:00:00.000Z") -> None:
        self.updates.append(
            {
                "oppdateringsid": len(self.updates) + 1001,
                "dato": when,
                "organisasjonsnummer": orgnr,
                "endringstype": change,
                "_links": {"enhet": {"href": f"{self.base_url}/enheter/{orgnr}"}},
            }
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.requests.append((url.path, query))
                if fake.fail_next > 0:
                    fake.fail_next -= 1
                    return self._send(503, {"status": 503, "error": "Service Unavailable"})
                path = url.path.removeprefix("/enhetsregisteret/api")
                if path == "/oppdateringer/enheter":
                    return self._feed(query)
                if path.startswith("/enheter/"):
                    orgnr = path.rsplit("/", 1)[1]
                    if orgnr in fake.deleted:
                        return self._send(410, {"organisasjonsnummer": orgnr, "slettedato": fake.deleted[orgnr]})
                    if orgnr in fake.units:
                        return self._send(200, fake.units[orgnr])
                    return self._send(404, {"status": 404, "error": "Not Found", "path": path})
                return self._send(404, {"status": 404, "error": "Not Found", "path": path})

            def _feed(self, query):
                size = int(query.get("size", 20))
                start = int(query.get("oppdateringsid", 1))
                items = [u for u in fake.updates if u["oppdateringsid"] >= start]
                if "dato" in query:
                    items = [u for u in items if u["dato"] >= query["dato"]]
                page_items = items[:size]
                body = {
                    "_links": {"self": {"href": f"{fake.base_url}/oppdateringer/enheter"}},
                    "page": {
                        "size": size,
                        "totalElements": len(items),
                        "totalPages": -(-len(items) // size),
                        "number": 0,
                    },
                }
                if page_items:
                    body["_embedded"] = {"oppdaterteEnheter": page_items}
                return self._send(200, body)

        return Handler
