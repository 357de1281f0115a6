"""Start the real OpenID Connect provider (tests/oidc/provider.mjs, npm oidc-provider) on
loopback and drive its login page from tests.

    idp = start_idp(tmp_path, "idporten", base_url="http://testserver")
    idp.accounts = {"kari": KARI}          # who may log in (read at every login)
    idp.forge("expired")                   # tamper with the next ID tokens
    idp.rotate_keys()                      # restart with a new signing key (new kid)
    idp.stop()
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests
from joserfc.jwk import RSAKey

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
CLIENT_SECRET = "test-client-secret-not-for-production"
BHT_RESOURCE = "urn:altinn:resource:at-bht-godkjenning"
ENTERPRISE_RESOURCE = "urn:altinn:resource:at-bht-virksomhet"


def reportee(orgnr: str, name: str) -> dict:
    return {"Rights": ["Read", "Write"], "Authority": "iso6523-actorid-upis", "ID": f"0192:{orgnr}", "Name": name}


def altinn(resource: str, *orgs: tuple[str, str]) -> dict:
    """One authorization_details entry as Ansattporten returns it."""
    return {
        "type": "ansattporten:altinn:service",
        "resource": resource,
        "resource_name": "BHT-portalen",
        "reportees": [reportee(orgnr, name) for orgnr, name in orgs],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _key(kid: str) -> dict:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True).as_dict(
        private=True
    )


class IdP:
    def __init__(self, folder: Path, kind: str, base_url: str):
        self.folder, self.kind = folder, kind
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.client_id = f"bht-portal-{kind}"
        self.accounts_file = folder / f"{kind}-accounts.json"
        self.forge_file = folder / f"{kind}-forge.json"
        self.config_file = folder / f"{kind}-config.json"
        self.keys = [_key(f"{kind}-key-1")]
        self.base_urls = [base_url.rstrip("/")]
        self.process: subprocess.Popen | None = None
        self.accounts = {}
        self.forge(None)

    # -------------------------------------------------------------- state at the source
    @property
    def accounts(self) -> dict:
        return json.loads(self.accounts_file.read_text())

    @accounts.setter
    def accounts(self, value: dict) -> None:
        self.accounts_file.write_text(json.dumps(value))

    def forge(self, mode: str | None) -> None:
        self.forge_file.write_text(json.dumps({"mode": mode} if mode else {}))

    # -------------------------------------------------------------- process
    def _write_config(self) -> None:
        client = {
            "client_id": self.client_id,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{b}/konto/oidc/{self.kind}/callback/" for b in self.base_urls],
            "post_logout_redirect_uris": [f"{b}/konto/logget-ut/" for b in self.base_urls],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic",
        }
        self.config_file.write_text(
            json.dumps(
                {
                    "port": self.port,
                    "issuer": self.issuer,
                    "jwks": {"keys": self.keys},
                    "clients": [client],
                    "accounts_file": str(self.accounts_file),
                    "forge_file": str(self.forge_file),
                }
            )
        )

    def start(self) -> IdP:
        node = shutil.which("node")
        if not node or not (ROOT / "node_modules" / "oidc-provider").exists():
            raise RuntimeError("node and node_modules/oidc-provider are needed: run scripts/setup.sh")
        self._write_config()
        self.log_file = self.folder / f"{self.kind}-provider.log"
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(
                [node, str(SCRIPT), str(self.config_file)], cwd=ROOT, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oidc-provider did not start: {self.log_file.read_text()}")
            try:
                requests.get(self.metadata_url, timeout=1).raise_for_status()
                return self
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("oidc-provider does not answer")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def rotate_keys(self) -> None:
        """Restart, signing with a new key (new kid); the old key is no longer published."""
        self.stop()
        self.keys = [_key(f"{self.kind}-key-{len(self.keys) + 1}-{int(time.time() * 1000)}")]
        self.start()

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def settings_entry(self, **extra) -> dict:
        entry = {
            "metadata_url": self.metadata_url,
            "client_id": self.client_id,
            "client_secret": CLIENT_SECRET,
            "scope": "openid profile",
        }
        if self.kind == "idporten":
            entry["acr_values"] = "idporten-loa-substantial"
            entry["authorization_details"] = [
                {"type": "ansattporten:altinn:service", "resource": BHT_RESOURCE},
                {"type": "ansattporten:altinn:service", "resource": ENTERPRISE_RESOURCE},
            ]
        entry.update(extra)
        return entry


def start_idp(folder: Path, kind: str, *, base_url: str = "http://testserver") -> IdP:
    return IdP(folder, kind, base_url).start()


# ------------------------------------------------------------------ driving a login from a test
_FORM = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]+)"', re.I)
_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.I)


def through_idp(browser: requests.Session, url: str, *, username: str | None, stop_at: str) -> str:
    """Follow the identity provider's redirects from `url`, signing in as `username` on its login
    page and confirming its logout page, until a redirect leaves for `stop_at` (the portal);
    returns that address. `browser` keeps the provider's cookies (its session) between calls."""
    for _ in range(20):
        response = browser.get(url, allow_redirects=False, timeout=10)
        while True:
            if response.is_redirect:
                location = urljoin(url, response.headers["Location"])
                if location.startswith(stop_at):
                    return location
                url = location
                break
            html = response.text
            form = _FORM.search(html)
            if response.status_code != 200 or not form:
                raise AssertionError(f"identity provider answered {response.status_code}: {html[:500]}")
            data = {unescape(k): unescape(v) for k, v in _HIDDEN.findall(html)}
            if 'name="username"' in html:
                if username is None:
                    raise AssertionError("the identity provider asked for a login")
                data["username"] = username
            else:
                data["logout"] = "yes"
            action = urljoin(url, unescape(form.group(1)))
            response = browser.post(action, data=data, allow_redirects=False, timeout=10)
            url = action
    raise AssertionError("too many redirects at the identity provider")
