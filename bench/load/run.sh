#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Load benchmark of batchmon-server: GET /api/admin/batch-monitoring?timeRange=24h on a store of
# 1,000,000 jobs over 30 days, from 50 tokens, rate limit off, for 30 s with wrk on loopback.
# Target: ≥ 1,000 requests/s, 0 errors, p99 ≤ 50 ms.
# Usage: bench/load/run.sh [BUILD_DIR]   (a Release build; needs the Debian package wrk)
set -euo pipefail
build=${1:-build-rel}
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v wrk >/dev/null || { echo "run.sh: install wrk (apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d /tmp/batchmon-load.XXXXXX)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

# The 1,000,000-job store that batchmon-bench builds (and keeps) for its Engine benchmarks.
store=/tmp/batchmon-bench-1000000.db
[ -f "$store" ] || "$here/$build/bench/batchmon-bench" --benchmark_filter='Engine/Summary24h/1000000' >/dev/null
cp "$store" "$work/store.db"
export BATCHMON_DATABASE="sqlite:$work/store.db" BATCHMON_RATE_LIMIT=0
for i in $(seq 1 50); do
    "$here/$build/server/batchmon-server" token add "load-$i" --role viewer | tail -n 1 >>"$work/tokens"
done
"$here/$build/server/batchmon-server" --listen 127.0.0.1:0 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/server.log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/server.log")
BATCHMON_LOAD_TOKENS="$work/tokens" wrk -t 1 -c "${BATCHMON_LOAD_CONNECTIONS:-8}" -d 30s --latency -s "$here/bench/load/tokens.lua" \
    "$url/api/admin/batch-monitoring?timeRange=24h"
