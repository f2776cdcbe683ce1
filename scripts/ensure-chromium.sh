#!/usr/bin/env bash
# The browser test drives Debian's Chromium (playwright-core cannot download browsers here).
# Installs it when missing, so `npm test` works on a fresh machine; says what to do otherwise.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the browser test ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser test needs Chromium at $CHROMIUM: run 'sudo apt-get install -y chromium'." >&2
exit 1
