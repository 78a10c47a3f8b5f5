#!/usr/bin/env bash
# Prepares the offline checks of k8s/: promtool (Debian's prometheus package; the system tests also run
# its prometheus) and the pinned npm dependencies (package-lock.json). kubectl renders the overlays with
# its built-in kustomize; the machines' image ships kubectl 1.32 (Debian's kubernetes-client, 1.20, is
# too old for kustomize components).
set -euo pipefail
cd "$(dirname "$0")"
missing=()
command -v promtool >/dev/null && command -v prometheus >/dev/null || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing: ${missing[*]}: run 'apt-get update && apt-get install -y ${missing[*]}' as root." >&2
    exit 1
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
if ! kubectl version --client >/dev/null 2>&1; then
  echo "kubectl (1.27 or newer, for kustomize components) is missing: install it from your distribution." >&2
  exit 1
fi
npm ci --prefer-offline --no-audit --no-fund
