#!/usr/bin/env bash
# Installs what `npm test` needs on a fresh machine: npm dependencies (better-sqlite3 builds from source
# here), and Debian packages the integration tests use (docker-registry for the registry client tests, nats-server
# for the bus, Chromium and a CJK font for the console's browser test).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
need=()
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
# The console's end-to-end test drives Debian's Chromium (never a downloaded browser); Chinese pages need a CJK font.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk' || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) ||
    echo "ci-setup: could not install ${need[*]}; tests that need them will say so" >&2
fi
