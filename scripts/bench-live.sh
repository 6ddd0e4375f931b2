#!/usr/bin/env bash
# Live-mode benchmark: `exsim serve` and `exsim load` (release build) on
# loopback. Serves Scenarios/quickstart.yaml, sends open-loop OUCH orders
# at RATE for DURATION over CONNECTIONS connections, and prints the
# achieved rate, order→ack p50/p99/p99.9 (from the planned and from the
# actual send time), and the machine with its load average before and
# after (docs/live.md, "exsim load"). Not part of CI: the figures depend
# on the machine and whatever else runs on it.
#
#   scripts/bench-live.sh                    1M/s for 10 s, 2 connections
#   scripts/bench-live.sh 300k/s 10s 2
#   BENCH_SKIP_BUILD=1 scripts/bench-live.sh 100k/s
#   SERVE_ARGS='--max-queued-output-bytes 4294967296' scripts/bench-live.sh 1M/s
#
# Writes serve-report.json and load-report.json (+ .hgrm) under
# out/bench-live/. Exits with exsim load's status.
set -euo pipefail
cd "$(dirname "$0")/.."

rate=${1:-1M/s}
duration=${2:-10s}
connections=${3:-2}
out=out/bench-live
binary=.build/release/exsim

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    swift build -c release --product exsim >&2
fi
rm -rf "$out"
mkdir -p "$out"

echo "machine: $(uname -sr), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Stops by itself at the latest a minute after the load should have ended.
# SERVE_ARGS: more options for exsim serve (word-split).
# shellcheck disable=SC2086
"$binary" serve Scenarios/quickstart.yaml --ports-file "$out/ports.json" --out "$out/serve" --duration 600s ${SERVE_ARGS:-} \
    > "$out/serve.log" 2>&1 &
serve_pid=$!
trap 'kill -TERM "$serve_pid" 2>/dev/null || true' EXIT
for _ in $(seq 300); do
    [[ -f "$out/ports.json" ]] && break
    sleep 0.1
done
[[ -f "$out/ports.json" ]] || { echo "serve did not start:" >&2; cat "$out/serve.log" >&2; exit 1; }

status=0
"$binary" load --ports-file "$out/ports.json" --rate "$rate" --duration "$duration" --connections "$connections" \
    --out "$out/load" | tee "$out/load.log" || status=$?
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

kill -TERM "$serve_pid"
wait "$serve_pid" || true
trap - EXIT
grep -E '^XSIM: ' "$out/serve.log" || true
echo "asked: $rate for $duration over $connections connection(s); exsim load exit status $status"
exit "$status"
