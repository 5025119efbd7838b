#!/bin/sh
# The real Kubernetes control plane of the cluster integration tests (test/support/kube-cluster.ts):
#
#   kube-apiserver, kube-controller-manager  v1.34.4, built with `go build` from the Go module proxy
#       (a wrapper module requiring k8s.io/kubernetes with a `replace` line for each of its staging
#       modules) and cached, keyed by version, in
#       ${XDG_CACHE_HOME:-$HOME/.cache}/nfd-ts/kube/v1.34.4   (or $NFD_KUBE_CACHE)  # path-check: allow (the user's cache)
#       A cold build takes tens of minutes on 2 cores, a warm one (Go build cache) a few; only
#       `--build` builds, otherwise a missing cache is reported in one line and the tests skip.
#   etcd  Debian's etcd-server, unpacked from the .deb into the peers' bin (as docker-registry).
#   nfd-api-crds.yaml  upstream NFD's CRDs, from the module proxy (sigs.k8s.io/node-feature-discovery).
#
#   sh scripts/kube-peers.sh           report; fetch etcd and the CRDs; never build
#   sh scripts/kube-peers.sh --build   also build the Kubernetes binaries when they are not cached
#
# Prints "kube: ready (…)" or "kube: skipped: <reason>", and writes the line to
# $PEERS/kube.txt (read by the tests for their skip reason). Exit 0 either way, unless --build fails.
set -u

KUBE_VERSION=v1.34.4
STAGING_VERSION=v0.34.4
NFD_VERSION=v0.18.3
REPO=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${NFD_TEST_PEERS:-$REPO/.test-peers}
BIN=$PEERS/bin
CACHE=${NFD_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nfd-ts/kube/$KUBE_VERSION} # path-check: allow (the user's cache)
build=0
[ "${1:-}" = --build ] && build=1
mkdir -p "$BIN" "$PEERS/kube"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

result() {
  printf 'kube: %s\n' "$1"
  printf '%s\n' "$1" >"$PEERS/kube.txt"
}

# --- etcd ----------------------------------------------------------------------------------------
if ! "$BIN/etcd" --version >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 &&
    { (cd "$tmp" && apt-get download etcd-server >"$tmp/apt.log" 2>&1) ||
      { [ "$(id -u)" = 0 ] && apt-get update >>"$tmp/apt.log" 2>&1 &&
        (cd "$tmp" && apt-get download etcd-server >>"$tmp/apt.log" 2>&1); }; } &&
    dpkg-deb -x "$(ls "$tmp"/etcd-server_*.deb | head -n 1)" "$tmp/etcd" &&
    cp "$tmp/etcd/usr/bin/etcd" "$BIN/etcd"; then
    :
  else
    result "skipped: etcd-server could not be fetched with apt-get download ($(tail -n 1 "$tmp/apt.log" 2>/dev/null))"
    exit 0
  fi
fi

# --- NFD's CRDs ----------------------------------------------------------------------------------
crds=$PEERS/kube/nfd-api-crds.yaml
if [ ! -s "$crds" ]; then
  dir=$(cd "$tmp" && go mod download -json "sigs.k8s.io/node-feature-discovery@$NFD_VERSION" 2>/dev/null |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ -z "$dir" ] || ! cp "$dir/deployment/base/nfd-crds/nfd-api-crds.yaml" "$crds"; then
    result "skipped: NFD $NFD_VERSION's CRDs could not be fetched from the Go module proxy"
    exit 0
  fi
fi

# --- kube-apiserver and kube-controller-manager --------------------------------------------------
ready() { [ -x "$CACHE/kube-apiserver" ] && [ -x "$CACHE/kube-controller-manager" ]; }
if ! ready && [ "$build" = 1 ]; then
  mod=$tmp/build
  mkdir -p "$mod"
  gomod=$(cd "$tmp" && go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  if [ -z "$gomod" ]; then
    echo "kube-peers: cannot download k8s.io/kubernetes@$KUBE_VERSION from the module proxy" >&2
    exit 1
  fi
  {
    printf 'module nfd-ts/kube-build\n\ngo 1.24\n\nrequire k8s.io/kubernetes %s\n\n' "$KUBE_VERSION"
    # Every staging module kubernetes points at ./staging/… comes from the proxy at the matching version.
    grep '=> ./staging/' "$gomod" | awk '{print $1}' | sort -u |
      while read -r m; do printf 'replace %s => %s %s\n' "$m" "$m" "$STAGING_VERSION"; done
  } >"$mod/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kube-controller-manager"\n)\n' >"$mod/tools.go"
  echo "kube-peers: building kube-apiserver and kube-controller-manager $KUBE_VERSION (cold: tens of minutes)" >&2
  version="-X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34"
  if ! (cd "$mod" && go mod tidy >"$tmp/build.log" 2>&1 &&
    CGO_ENABLED=0 go build -trimpath -ldflags "$version" -o "$tmp/out/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager >>"$tmp/build.log" 2>&1); then
    tail -n 20 "$tmp/build.log" >&2
    exit 1
  fi
  mkdir -p "$CACHE"
  cp "$tmp/out/kube-apiserver" "$tmp/out/kube-controller-manager" "$CACHE/"
fi
if ready; then
  result "ready (kube-apiserver $KUBE_VERSION in $CACHE, etcd $("$BIN/etcd" --version 2>/dev/null | sed -n 's/^etcd Version: //p'), NFD $NFD_VERSION CRDs)"
else
  result "skipped: kube-apiserver $KUBE_VERSION is not built (cache $CACHE); build it with: sh scripts/kube-peers.sh --build"
fi
