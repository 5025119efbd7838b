#!/bin/sh
# Installs the workspace (pnpm, the Node 24 runtime, all dependencies) and builds it.
# Safe to run again: an up-to-date install and a cached build take a few seconds.
set -eu
cd "$(dirname "$0")/.."
pnpm() { sh scripts/pnpm.sh "$@"; }
if [ "${CI:-}" = "true" ]; then
  pnpm install --frozen-lockfile >&2
else
  pnpm install >&2
fi
pnpm run --silent build >&2
