#!/usr/bin/env python
"""A local identity provider for trying the real login with `make run` (never for production).

    make idp             # terminal 1: the test provider on http://127.0.0.1:9000 (IDP_PORT)
    make run-with-idp    # terminal 2: make run, pointed at it for both ID-porten and Entra ID

It is the provider the tests use (tests/oidc/provider.mjs, npm oidc-provider) with the demo's
people: on its login page type
    kari   Kari Nordmann, may act for Demo BHT A AS and Demo BHT B AS (and apply for a new BHT,
           "Ny BHT Demo AS"), and for the enterprise 923609016
    ola    Ola Uten Rett, no rights in Altinn
    sara   Sara Saksbehandler (Entra ID group case handlers)
    ivar   Ivar Inspektør (inspectors)    nils  Nils Utenrolle (no group)
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.oidc.idp import BHT_RESOURCE, CLIENT_SECRET, ENTERPRISE_RESOURCE, _key, altinn  # noqa: E402

GROUPS = {"case_handler": "demo-group-case-handlers", "inspector": "demo-group-inspectors", "operator": "demo-ops"}
PEOPLE = {
    "kari": {
        "sub": "demo-kari",
        "name": "Kari Nordmann",
        "pid": "05056412345",
        "acr": "idporten-loa-substantial",
        "authorization_details": [
            altinn(
                BHT_RESOURCE,
                ("988077917", "Demo BHT A AS"),
                ("974760673", "Demo BHT B AS"),
                ("986105174", "Ny BHT Demo AS"),
            ),
            altinn(ENTERPRISE_RESOURCE, ("923609016", "Vanlig Virksomhet AS")),
        ],
    },
    "ola": {"sub": "demo-ola", "name": "Ola Uten Rett", "acr": "idporten-loa-substantial", "authorization_details": []},
    "sara": {
        "sub": "demo-sara",
        "name": "Sara Saksbehandler",
        "email": "sara@at.demo",
        "groups": [GROUPS["case_handler"]],
    },
    "ivar": {"sub": "demo-ivar", "name": "Ivar Inspektør", "email": "ivar@at.demo", "groups": [GROUPS["inspector"]]},
    "nils": {"sub": "demo-nils", "name": "Nils Utenrolle", "email": "nils@at.demo", "groups": []},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--portal", default="http://127.0.0.1:8000", help="the portal's address")
    parser.add_argument("--env", action="store_true", help="print the portal's environment for this provider")
    args = parser.parse_args()
    if args.env:
        print(" ".join(f"{k}={v}" for k, v in portal_env(args.port).items()))
        return 0
    folder = ROOT / "var" / "demo-idp"
    folder.mkdir(parents=True, exist_ok=True)
    issuer = f"http://127.0.0.1:{args.port}"
    portal = args.portal.rstrip("/")
    clients = [
        {
            "client_id": f"bht-portal-{kind}",
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{portal}/konto/oidc/{kind}/callback/"],
            "post_logout_redirect_uris": [f"{portal}/konto/logget-ut/"],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
        }
        for kind in ("idporten", "entra")
    ]
    (folder / "accounts.json").write_text(json.dumps(PEOPLE, ensure_ascii=False, indent=1))
    (folder / "forge.json").write_text("{}")
    config = {
        "port": args.port,
        "issuer": issuer,
        "jwks": {"keys": [_key("demo-key")]},
        "clients": clients,
        "accounts_file": str(folder / "accounts.json"),
        "forge_file": str(folder / "forge.json"),
    }
    (folder / "config.json").write_text(json.dumps(config))
    print(f"Demo identity provider (test-only) at {issuer}; people: {', '.join(PEOPLE)}", flush=True)
    return subprocess.call(
        ["node", str(ROOT / "tests" / "oidc" / "provider.mjs"), str(folder / "config.json")], cwd=ROOT
    )


def portal_env(port: int = 9000) -> dict[str, str]:
    """The environment that points the portal at the demo provider (make run-with-idp)."""
    metadata = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
    env = {"ENTRA_GROUPS_" + role.upper(): group for role, group in GROUPS.items()}
    for kind, prefix in (("idporten", "IDPORTEN"), ("entra", "ENTRA")):
        env.update(
            {
                f"{prefix}_METADATA_URL": metadata,
                f"{prefix}_CLIENT_ID": f"bht-portal-{kind}",
                f"{prefix}_CLIENT_SECRET": CLIENT_SECRET,
            }
        )
    return env


if __name__ == "__main__":
    sys.exit(main())
