#!/bin/sh
# Runs the pnpm version pinned in package.json: the one on PATH when it matches, otherwise
# through npx (a fresh machine has only Node and npm). pnpm itself runs on any Node >= 18;
# every script and bin it starts runs on the Node 24 of the root devDependency `node`.
set -eu
want=$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$(dirname "$0")/../package.json")
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then
  exec pnpm "$@"
fi
exec npx --yes "pnpm@$want" "$@"
