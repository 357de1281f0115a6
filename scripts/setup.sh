#!/usr/bin/env bash
# Install everything the portal and its tests need, on a fresh Debian 12 machine with Python 3.11.
#   scripts/setup.sh         runtime + test dependencies
# Idempotent and quick when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3

# Debian packages: WeasyPrint's Pango (+ HarfBuzz subsetting, several times faster), fonts,
# gettext for the message catalogues, Chromium for the browser tests, poppler for PDF checks.
need=()
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext chromium poppler-utils; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(cat requirements.txt requirements-dev.txt requirements.lock | sha1sum | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements-dev.txt -c requirements.lock
  rm -f .venv/.installed-*; touch "$stamp"
fi

# Node packages for the tests: a real OpenID Connect provider (npm oidc-provider, see
# tests/oidc/provider.mjs). npm ci only when package-lock.json changed since the last install.
if command -v npm >/dev/null 2>&1; then
  nstamp=node_modules/.installed-$(sha1sum package-lock.json | cut -c1-12)
  if [ ! -f "$nstamp" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    touch "$nstamp"
  fi
else
  echo "Note: node/npm not found; the login tests against a real identity provider need Node.js >= 20.19." >&2
fi

# Compile the message catalogues from the project's .po files.
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
