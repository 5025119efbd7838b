#!/bin/sh
# Side-by-side with upstream NFD's own binaries (not part of CI; Go is for test peers only).
#
#   sh bench/compare-upstream.sh UPSTREAM_BIN_DIR RULE_FILE... -- NODEFEATURE_FILE...
#
# UPSTREAM_BIN_DIR holds `kubectl-nfd` built from upstream's source (`go build ./cmd/kubectl-nfd`).
# For every rule file × NodeFeature file it runs `kubectl-nfd dryrun` and `nfd dryrun` (this
# checkout's build) and prints one line per pair: the exit statuses, the rules each processed, the
# rules each reported as failed, and the label keys each produced, prefixed the way nfd-master
# prefixes them (our dryrun prefixes; upstream's does not). A line starting with DIFF differs in
# something other than the deliberate departures of matching.md §9.5 (validation errors change our
# exit status; multi-document files; NodeFeatureGroups); review each.
# Then `validate` of every rule file: exit statuses side by side.
set -u
if [ $# -lt 3 ]; then
  echo "usage: sh bench/compare-upstream.sh UPSTREAM_BIN_DIR RULE_FILE... -- NODEFEATURE_FILE..." >&2
  exit 2
fi
here=$(cd "$(dirname "$0")/.." && pwd)
upstream=$1/kubectl-nfd
ours=$here/apps/cli/bin/nfd
shift
rules=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do rules="$rules $1"; shift; done
[ "${1:-}" = "--" ] && shift
nodes="$*"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix() { sed -e 's#^\([^/=]*\)=#feature.node.kubernetes.io/\1=#'; }
for rule in $rules; do
  for node in $nodes; do
    "$upstream" dryrun -f "$rule" -n "$node" >"$tmp/u.out" 2>"$tmp/u.err"; ue=$?
    "$ours" dryrun -f "$rule" -n "$node" >"$tmp/o.out" 2>"$tmp/o.err"; oe=$?
    up=$(grep -c '^Processing rule:' "$tmp/u.out"); op=$(grep -c '^Processing rule:' "$tmp/o.out")
    uf=$(grep -o 'failed to process rule: "[^"]*"' "$tmp/u.err" | sed 's/.*: //' | sort | tr '\n' ' ')
    of=$(grep -o '^rule "[^"]*"' "$tmp/o.out" | sed 's/^rule //' | sort -u | tr '\n' ' ')
    sed -n '/^\*\*\*\tLabels/,/^\(\*\*\*\|\t-Validation\|NodeFeatureRule\)/p' "$tmp/u.out" | grep '=' | prefix | cut -d= -f1 | sort >"$tmp/u.labels"
    sed -n '/^\*\*\*\tLabels/,/^\(\*\*\*\|NodeFeatureRule\)/p' "$tmp/o.out" | grep '=' | cut -d= -f1 | sort >"$tmp/o.labels"
    mark=same
    if [ "$up" != "$op" ] || [ "$uf" != "$of" ] || ! cmp -s "$tmp/u.labels" "$tmp/o.labels"; then mark=DIFF; fi
    if [ "$ue" != "$oe" ] && [ "$mark" = same ]; then mark="exit-only"; fi
    printf '%s\t%s × %s\texit %s/%s\trules %s/%s\tfailed [%s] / [%s]\n' "$mark" "$(basename "$rule")" "$(basename "$node")" "$ue" "$oe" "$up" "$op" "$uf" "$of"
  done
done
for rule in $rules; do
  "$upstream" validate -f "$rule" >/dev/null 2>&1; ue=$?
  "$ours" validate -f "$rule" >/dev/null 2>&1; oe=$?
  mark=same; [ "$ue" != "$oe" ] && mark=DIFF
  printf '%s\tvalidate %s\texit %s/%s\n' "$mark" "$(basename "$rule")" "$ue" "$oe"
done
