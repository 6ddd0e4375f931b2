#!/usr/bin/env bash
# Round trip on loopback: `exsim load --ping` against `exsim serve`, beside
# a plain TCP ping-pong of the same message size measured by sockperf
# (Debian package `sockperf`, installed here when absent). Prints both
# distributions and their ratio per percentile: how much exsim (OUCH
# encode/decode, SoupBinTCP, matching, SwiftNIO) adds to the bare socket
# round trip. The runs alternate, ROUNDS times each, so that both see the
# same machine. Not part of CI: the figures depend on the machine.
#
#   scripts/bench-ping.sh                 5 s per run, 2 rounds
#   scripts/bench-ping.sh 10 3            10 s per run, 3 rounds
#   BENCH_SKIP_BUILD=1 scripts/bench-ping.sh
#
# The message size is an OUCH 4.2 Enter Order in its SoupBinTCP packet
# (49 + 3 bytes); sockperf echoes the same size back, where exsim answers
# with an Accepted (66 + 3 bytes).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-5}
rounds=${2:-2}
message_size=52
out=out/bench-ping
binary=.build/release/exsim

if ! command -v sockperf >/dev/null 2>&1; then
    echo "bench-ping: installing sockperf" >&2
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq sockperf >/dev/null
fi
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    swift build -c release --product exsim >&2
fi
rm -rf "$out"
mkdir -p "$out"

echo "machine: $(uname -sr), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

pids=()
trap 'for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done' EXIT

# A free loopback port for sockperf's server.
sockperf_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sockperf server --tcp -i 127.0.0.1 -p "$sockperf_port" > "$out/sockperf-server.log" 2>&1 &
pids+=($!)
"$binary" serve Scenarios/quickstart.yaml --ports-file "$out/ports.json" --out "$out/serve" --duration 3600s \
    > "$out/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
    [[ -f "$out/ports.json" ]] && break
    sleep 0.1
done
[[ -f "$out/ports.json" ]] || { echo "serve did not start:" >&2; cat "$out/serve.log" >&2; exit 1; }

for round in $(seq "$rounds"); do
    sockperf ping-pong --tcp -i 127.0.0.1 -p "$sockperf_port" -m "$message_size" -t "$seconds" --full-rtt \
        > "$out/sockperf-$round.log" 2>&1
    "$binary" load --ports-file "$out/ports.json" --ping --duration "${seconds}s" --out "$out/exsim-$round" \
        > "$out/exsim-$round.log"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out" "$rounds" "$message_size" <<'PY'
import json, re, sys
out, rounds, size = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = [("p50", "50.000", "P50"), ("p90", "90.000", "P90"), ("p99", "99.000", "P99"), ("p99.9", "99.900", "P999")]
print(f"round trip on loopback, TCP, {size}-byte request; µs (sockperf: --full-rtt; exsim: order→ack from send)")
print(f"{'round':>5} {'pct':>6} {'sockperf':>10} {'exsim':>10} {'ratio':>7}")
for round in range(1, rounds + 1):
    text = open(f"{out}/sockperf-{round}.log").read()
    sock = {m.group(1): float(m.group(2)) for m in re.finditer(r"percentile\s+([\d.]+)\s*=\s*([\d.]+)", text)}
    report = json.load(open(f"{out}/exsim-{round}/load-report.json"))
    figures = {f["name"]: f["value"] for f in report["figures"]}
    for label, key, figure in rows:
        s = sock.get(key)
        e = figures.get(f"orderAckFromSend{figure}Ns")
        if s is None or e is None:
            print(f"{round:>5} {label:>6} {'-':>10} {'-':>10}")
            continue
        print(f"{round:>5} {label:>6} {s:>10.2f} {e / 1000:>10.2f} {e / 1000 / s:>7.2f}")
    observations = re.search(r"Total (\d+) observations", text)
    print(f"{round:>5} {'count':>6} {observations.group(1) if observations else '-':>10} {int(figures['ordersSent']):>10}")
PY
