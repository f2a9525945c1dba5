#!/usr/bin/env bash
# Runs the README's test command (`npm test`) on another Node major (default 24, the LTS the Docker
# image ships), without touching this checkout's node_modules (built for the machine's own Node):
#   1. Node N comes from the npm registry's node-<platform>-<arch>@N package (binary + headers), kept
#      in a cache outside the clone ($NORTHSTAR_CACHE_DIR, default ~/.cache/northstar) and reused;
#   2. the working tree (tracked and untracked-but-not-ignored files) is copied to a temp dir, with
#      ../shared linked beside it as the tests expect;
#   3. there, `npm ci` builds better-sqlite3 against Node N's headers, then `npm test` runs.
# Usage: scripts/test-node.sh [MAJOR] [vitest args…]   (KEEP_NODE_TREE=1 keeps the temp copy)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

major="${1:-24}"
shift || true
cache="${NORTHSTAR_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/northstar}"
pkg="node-$(node -p 'process.platform + "-" + process.arch')"
home="$cache/node-$major/node_modules/$pkg"

log() { printf '[node%s] %s\n' "$major" "$*"; }

if [ -x "$home/bin/node" ] && [ -d "$home/include/node" ] && "$home/bin/node" --version | grep -q "^v$major\."; then
  log "using cached $("$home/bin/node" --version) ($home)"
else
  log "installing $pkg@$major from the npm registry into $cache/node-$major"
  mkdir -p "$cache"
  staging="$(mktemp -d "$cache/.node-$major.XXXXXX")"
  # The platform package is the binary and headers alone: no install script to approve.
  npm install --prefix "$staging" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$pkg@$major" >/dev/null
  "$staging/node_modules/$pkg/bin/node" --version >/dev/null
  rm -rf "$cache/node-$major"
  mv "$staging" "$cache/node-$major" # whole or not at all: a half-finished install is never reused
  log "installed $("$home/bin/node" --version)"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/northstar-node$major.XXXXXX")"
cleanup() { if [ "${KEEP_NODE_TREE:-}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
tree="$work/$(basename "$root")"
mkdir -p "$tree"
git ls-files -z --cached --others --exclude-standard | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$tree"
[ -d "$root/../shared" ] && ln -s "$(cd "$root/../shared" && pwd)" "$work/shared"
log "copied the working tree to $tree"

export PATH="$home/bin:$PATH"
export npm_config_nodedir="$home" # node-gyp: Node N's headers from the same package, nothing downloaded
cd "$tree"
log "npm ci on $(node --version)"
npm ci --no-audit --no-fund
log "npm test on $(node --version)"
npm test -- "$@"
