#!/usr/bin/env bash
# What TLS costs a live venue, side by side: two `exsim serve` of the
# quickstart scenario, one plain and one with TLS (a self-signed
# certificate made here with openssl), each timed by `exsim load` with
# the same options, alternating, ROUNDS times: a ping (one order at a
# time, the bare round trip) and an open-loop rate over two connections.
# Prints order→ack from send per percentile for both and their ratio, and
# the orders answered. Not part of CI: the figures depend on the machine
# (docs/live.md, "TLS").
#
#   scripts/bench-tls.sh                  3 s per run, 2 rounds, 200k/s
#   scripts/bench-tls.sh 5 3 400k/s       5 s per run, 3 rounds, 400k/s
#   BENCH_SKIP_BUILD=1 scripts/bench-tls.sh
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-3}
rounds=${2:-2}
rate=${3:-200k/s}
out=out/bench-tls
binary=.build/release/exsim

command -v openssl >/dev/null || { echo "bench-tls: openssl is missing (apt-get install openssl)" >&2; exit 64; }
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    swift build -c release --product exsim >&2
fi
rm -rf "$out"
mkdir -p "$out"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$out/venue-key.pem" -out "$out/venue-cert.pem" -days 1 \
    -subj "/CN=exsim venue" 2>/dev/null

echo "machine: $(uname -sr), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

pids=()
trap 'for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done' EXIT
# Both stop by themselves an hour later at the latest.
"$binary" serve Scenarios/quickstart.yaml --ports-file "$out/plain-ports.json" --out "$out/serve-plain" --duration 3600s \
    > "$out/serve-plain.log" 2>&1 &
pids+=($!)
"$binary" serve Scenarios/quickstart.yaml --ports-file "$out/tls-ports.json" --out "$out/serve-tls" --duration 3600s \
    --tls-certificate "$out/venue-cert.pem" --tls-key "$out/venue-key.pem" > "$out/serve-tls.log" 2>&1 &
pids+=($!)
for mode in plain tls; do
    for _ in $(seq 300); do
        [[ -f "$out/$mode-ports.json" ]] && break
        sleep 0.1
    done
    [[ -f "$out/$mode-ports.json" ]] || { echo "the $mode serve did not start:" >&2; cat "$out/serve-$mode.log" >&2; exit 1; }
done

for round in $(seq "$rounds"); do
    for kind in ping rate; do
        case $kind in
            ping) options=(--ping --duration "${seconds}s") ;;
            rate) options=(--rate "$rate" --duration "${seconds}s" --connections 2) ;;
        esac
        "$binary" load --ports-file "$out/plain-ports.json" "${options[@]}" --out "$out/$kind-plain-$round" \
            > "$out/$kind-plain-$round.log"
        "$binary" load --ports-file "$out/tls-ports.json" --tls-ca "$out/venue-cert.pem" "${options[@]}" \
            --out "$out/$kind-tls-$round" > "$out/$kind-tls-$round.log"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out" "$rounds" "$rate" <<'PY'
import json, sys
out, rounds, rate = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = [("p50", "P50"), ("p90", "P90"), ("p99", "P99"), ("p99.9", "P999")]
print(f"order→ack from send on loopback, µs; ping: one order at a time; rate: {rate} over 2 connections")
print(f"{'round':>5} {'run':>5} {'pct':>9} {'plain':>10} {'TLS':>10} {'ratio':>7}")
for round in range(1, rounds + 1):
    for kind in ("ping", "rate"):
        figures = {}
        for mode in ("plain", "tls"):
            report = json.load(open(f"{out}/{kind}-{mode}-{round}/load-report.json"))
            figures[mode] = {f["name"]: f["value"] for f in report["figures"]}
        for label, figure in rows:
            plain = figures["plain"].get(f"orderAckFromSend{figure}Ns")
            tls = figures["tls"].get(f"orderAckFromSend{figure}Ns")
            if plain is None or tls is None:
                print(f"{round:>5} {kind:>5} {label:>9} {'-':>10} {'-':>10}")
                continue
            print(f"{round:>5} {kind:>5} {label:>9} {plain / 1000:>10.2f} {tls / 1000:>10.2f} {tls / plain:>7.2f}")
        answered = {mode: int(figures[mode]["ordersAccepted"] + figures[mode]["ordersRejected"]) for mode in figures}
        sent = {mode: int(figures[mode]["ordersSent"]) for mode in figures}
        print(f"{round:>5} {kind:>5} {'answered':>9} {answered['plain']:>10} {answered['tls']:>10}"
              f"   (of {sent['plain']} and {sent['tls']} sent)")
PY
