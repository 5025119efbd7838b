#!/bin/sh
# Installs the external programs the tests run against into the repository's git-ignored
#   .test-peers/bin          (or $NFD_TEST_PEERS/bin when that is set)
# where test/support/peers.ts finds them (then PATH). See packages/oci-artifact/test/README.md.
# Idempotent: a second run only checks what is there. Nothing is read from or written to the home
# directory except by Go itself (its module and build caches).
#
#   docker-registry  Debian's distribution 2.8.2, unpacked from the .deb (apt-get download +
#                    dpkg-deb -x): nothing is installed system-wide, no service is started.
#   htpasswd         apache2-utils, apt-get install when missing (root only).
#   openssl          apt-get install when missing (root only).
#   olareg v0.2.2    registry with the OCI referrers API   } go install, needs Go >= 1.25.7 and the
#   oras v1.3.3      client peer for interop tests         } module proxy; skipped with a reason otherwise.
#   krew v0.4.3, validate-krew-manifest v0.4.3   the krew release checks (go install, as olareg)
#   kubectl          the kubectl plugin tests: on PATH, else apt-get install kubectl (root only).
#   qemu-aarch64-static  runs the arm64 single executable (apt package qemu-user-static, root only).
#   mmdebstrap       unpacks the container image's Debian file system for the release test
#                    (scripts/build-image.ts; apt package mmdebstrap, root only).
#
# Prints one line per peer: "<name>: installed|present|skipped: <reason>" and writes them to
# .test-peers/peers.txt (a test input, so turbo reruns the tests when the peers change). With
# CI=true any peer that could not be obtained makes the script fail: CI runs every test.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${NFD_TEST_PEERS:-$REPO/.test-peers}
BIN=$PEERS/bin
mkdir -p "$BIN"
fatal=0
is_root() { [ "$(id -u)" = 0 ]; }
report=
say() {
  printf 'test-peers: %s\n' "$*"
  report="$report$*
"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

apt_update_tried=0
# apt_retry CMD...: runs an apt command; when it fails and we are root, runs `apt-get update` once and retries.
apt_retry() {
  if "$@" >>"$tmp/apt.log" 2>&1; then return 0; fi
  if is_root && [ "$apt_update_tried" = 0 ]; then
    apt_update_tried=1
    apt-get update >>"$tmp/apt.log" 2>&1 || true
    "$@" >>"$tmp/apt.log" 2>&1 && return 0
  fi
  return 1
}
apt_tail() { tail -n 3 "$tmp/apt.log" 2>/dev/null | tr '\n' ' '; }

# --- docker-registry -----------------------------------------------------------------------------
if "$BIN/docker-registry" --version >/dev/null 2>&1; then
  say "docker-registry: present ($("$BIN/docker-registry" --version 2>&1 | head -n 1))"
elif ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  say "docker-registry: skipped: apt-get/dpkg-deb not available (not a Debian-like system)"
  fatal=1
elif (cd "$tmp" && apt_retry apt-get download docker-registry) &&
  dpkg-deb -x "$(ls "$tmp"/docker-registry_*.deb | head -n 1)" "$tmp/deb" &&
  cp "$tmp/deb/usr/bin/docker-registry" "$BIN/docker-registry.new" &&
  mv "$BIN/docker-registry.new" "$BIN/docker-registry" &&
  "$BIN/docker-registry" --version >/dev/null 2>&1; then
  say "docker-registry: installed ($("$BIN/docker-registry" --version 2>&1 | head -n 1))"
else
  say "docker-registry: skipped: apt-get download docker-registry failed: $(apt_tail)"
  fatal=1
fi

# --- htpasswd, openssl (system packages) ---------------------------------------------------------
for pair in htpasswd:apache2-utils openssl:openssl; do
  cmd=${pair%%:*}
  pkg=${pair#*:}
  if command -v "$cmd" >/dev/null 2>&1; then
    say "$cmd: present ($(command -v "$cmd"))"
  elif ! is_root; then
    say "$cmd: skipped: not installed and not root (run: sudo apt-get install $pkg)"
    fatal=1
  elif ! command -v apt-get >/dev/null 2>&1; then
    say "$cmd: skipped: not installed and apt-get not available"
    fatal=1
  elif DEBIAN_FRONTEND=noninteractive apt_retry apt-get install -y --no-install-recommends "$pkg" &&
    command -v "$cmd" >/dev/null 2>&1; then
    say "$cmd: installed (apt package $pkg)"
  else
    say "$cmd: skipped: apt-get install $pkg failed: $(apt_tail)"
    fatal=1
  fi
done

# --- Go peers --------------------------------------------------------------------------------------
# go_ok MIN: prints the reason and returns 1 unless `go` exists and is at least MIN (x.y.z).
go_ok() {
  if ! command -v go >/dev/null 2>&1; then
    echo "go not found on PATH nor in /usr/local/go/bin (needs go >= $1 with the module proxy)"
    return 1
  fi
  have=$(go env GOVERSION 2>/dev/null | sed -n 's/^go\([0-9][0-9.]*\).*/\1/p')
  if [ -z "$have" ]; then
    echo "cannot read the go version"
    return 1
  fi
  lowest=$(printf '%s\n%s\n' "$have" "$1" | sort -t. -k1,1n -k2,2n -k3,3n | head -n 1)
  if [ "$lowest" != "$1" ]; then
    echo "go $have is older than $1"
    return 1
  fi
  return 0
}

# go_peer NAME MODULE PKG VERSION MIN_GO VERSION_CMD
go_peer() {
  name=$1 module=$2 pkg=$3 version=$4 min=$5 vcmd=$6
  stamp="$BIN/.$name.version"
  if [ -x "$BIN/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ] && "$BIN/$name" $vcmd >/dev/null 2>&1; then
    say "$name: present ($version)"
    return 0
  fi
  if ! reason=$(go_ok "$min"); then
    say "$name: skipped: $reason"
    fatal=1
    return 0
  fi
  # `go install pkg@version` first. Some module proxies refuse the `@v/list` query go install
  # makes for deprecation notices (403); then build the same version from the module cache.
  if GOBIN="$BIN" GOFLAGS=-buildvcs=false go install "$pkg@$version" >"$tmp/$name.log" 2>&1; then
    how="go install"
  elif dir=$(go mod download -json "$module@$version" 2>>"$tmp/$name.log" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p') &&
    [ -n "$dir" ] && (cd "$dir" && GOFLAGS=-buildvcs=false go build -trimpath -o "$BIN/$name" "./${pkg#"$module"/}") >>"$tmp/$name.log" 2>&1; then
    how="go build from the module cache; go install failed: $(grep -m 1 -oE "[0-9]{3} [A-Z][a-z]+" "$tmp/$name.log" || echo error)"
  else
    say "$name: skipped: go install $pkg@$version failed: $(tail -n 2 "$tmp/$name.log" | tr '\n' ' ')"
    fatal=1
    return 0
  fi
  echo "$version" >"$stamp"
  say "$name: installed ($version, $how)"
}

# Go's standard install location, for a login shell whose PATH lacks it.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH=$PATH:/usr/local/go/bin
  export PATH
fi
go_peer olareg github.com/olareg/olareg github.com/olareg/olareg/cmd/olareg v0.2.2 1.25.0 version
go_peer oras oras.land/oras oras.land/oras/cmd/oras v1.3.3 1.25.7 version
go_peer krew sigs.k8s.io/krew sigs.k8s.io/krew/cmd/krew v0.4.3 1.22.0 version
go_peer validate-krew-manifest sigs.k8s.io/krew sigs.k8s.io/krew/cmd/validate-krew-manifest v0.4.3 1.22.0 -help

# apt_peer PROGRAM PACKAGE: PROGRAM on PATH, else `apt-get install PACKAGE` (root only).
apt_peer() {
  if command -v "$1" >/dev/null 2>&1; then
    say "$1: present ($(command -v "$1"))"
  elif ! is_root; then
    say "$1: skipped: not on PATH and not root (run: sudo apt-get install $2)"
    fatal=1
  elif DEBIAN_FRONTEND=noninteractive apt_retry apt-get install -y --no-install-recommends "$2" &&
    command -v "$1" >/dev/null 2>&1; then
    say "$1: installed (apt package $2)"
  else
    say "$1: skipped: apt-get install $2 failed: $(apt_tail)"
    fatal=1
  fi
}

# --- kubectl -------------------------------------------------------------------------------------
apt_peer kubectl kubectl

# --- qemu-user-static and the minimal root file systems of the single executables ---------------
apt_peer qemu-aarch64-static qemu-user-static
apt_peer mmdebstrap mmdebstrap

# What is available, not how it got there: a second run writes the same file.
printf '%s' "$report" | sed 's/^\([a-z-]*\): \(installed\|present\).*$/\1: ok/' >"$PEERS/peers.txt"
if [ "$fatal" = 1 ] && [ "${CI:-}" = true ]; then
  say "FAILED: with CI=true every peer must be installed (see the skipped lines above)"
  exit 1
fi
exit 0
