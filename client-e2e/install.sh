#!/usr/bin/env bash
# Prepares the browser end-to-end tests: Debian's Chromium (never a downloaded browser) and
# the pinned npm dependencies (playwright-core only, from package-lock.json).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Chromium is missing: run 'apt-get update && apt-get install -y chromium' as root." >&2
    exit 1
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi
# playwright-core never downloads a browser by itself; the variable makes that explicit.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --prefer-offline --no-audit --no-fund
