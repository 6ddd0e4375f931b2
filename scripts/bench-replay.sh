#!/usr/bin/env bash
# Replay benchmark (release build, loopback; not part of CI): `exsim replay`
# against `tcpreplay` (Debian package tcpreplay, installed here when absent)
# on the same capture, side by side in one run.
#
# Builds out/bench-replay/feed.pcap (not committed): DATAGRAMS MoldUDP64
# datagrams, one 36-byte ITCH Add Order each, GAP_US microseconds apart, as
# Ethernet/IPv4/UDP frames 127.0.0.1 → 127.0.0.1:26477 (microsecond pcap, which
# both tools read). Then:
#
#   1. top speed, RUNS times each: exsim replay --top-speed to a loopback UDP
#      socket that binds and never reads, and tcpreplay --topspeed
#      --preload-pcap on interface lo (both hold the capture in memory before
#      sending); datagrams/s of each;
#   2. the machine's floor: `exsim bench pacing` at the capture's rate, the
#      replay's wait with nothing sent, and how often the machine takes the
#      CPU away from a loop that only reads the clock;
#   3. as recorded (1×), once each: exsim replay's send-time error p50, p99,
#      p99.9, max and drift (as root, a second time under SCHED_FIFO with
#      --realtime-priority 50 --spin FIFO_SPIN, default 40us: a spin shorter
#      than the 50 µs gaps, so that the task sleeps a little each gap and the
#      kernel's real-time throttling never stops it), and tcpreplay's elapsed time against the
#      capture's span (its lag).
#
#   scripts/bench-replay.sh                      1,200,000 datagrams 50 µs apart (60 s), 3 top-speed runs
#   scripts/bench-replay.sh 200000 50 1          10 s of capture, one run
#   BENCH_SKIP_BUILD=1 scripts/bench-replay.sh
#
# tcpreplay needs root (a packet socket on lo). Figures go to stdout and
# out/bench-replay/*.log|json.
set -euo pipefail
cd "$(dirname "$0")/.."

datagrams=${1:-1200000}
gap_us=${2:-50}
runs=${3:-3}
out=out/bench-replay
binary=.build/release/exsim

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    swift build -c release --product exsim >&2
fi
if ! command -v tcpreplay > /dev/null; then
    echo "installing tcpreplay (Debian package)" >&2
    apt-get install -y tcpreplay > /dev/null || sudo apt-get install -y tcpreplay > /dev/null
fi
mkdir -p "$out"
capture=$out/feed.pcap

python3 - "$capture" "$datagrams" "$gap_us" <<'PY'
import struct, sys
path, count, gap_us = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def checksum(header):
    total = sum(struct.unpack("!10H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF
start_s = 1_767_605_400  # 2026-01-05 09:30:00 UTC
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    ethernet = b"\x00" * 12 + b"\x08\x00"
    for i in range(count):
        # ITCH 5.0 Add Order (36 bytes): type, locate, tracking, timestamp (6), reference, side, shares, stock, price.
        nanos = i * gap_us * 1000
        add = struct.pack(">cHH", b"A", 1, 0) + nanos.to_bytes(6, "big") + struct.pack(
            ">QcI8sI", i + 1, b"B", 100, b"AAPL    ", 1_900_000)
        mold = b"BENCH00001" + struct.pack(">QH", i + 1, 1) + struct.pack(">H", len(add)) + add
        udp = struct.pack(">HHHH", 26400, 26477, 8 + len(mold), 0) + mold
        ip = bytearray(struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0x4000, 64, 17, 0,
                                   bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])))
        ip[10:12] = struct.pack(">H", checksum(bytes(ip)))
        frame = ethernet + bytes(ip) + udp
        micros = i * gap_us
        f.write(struct.pack("<IIII", start_s + micros // 1_000_000, micros % 1_000_000, len(frame), len(frame)))
        f.write(frame)
PY
span_s=$(python3 -c "print(($datagrams - 1) * $gap_us / 1e6)")
echo "capture: $capture, $datagrams MoldUDP64 datagrams of 58 bytes, $gap_us µs apart ($span_s s), $(du -h "$capture" | cut -f1)"
echo "machine: $(uname -sr), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "tools: $("$binary" --version 2>&1 | head -1) (exsim), $(tcpreplay --version 2>&1 | head -1)"

# A UDP socket that binds and never reads: the destination exsim sends to.
rm -f "$out/sink.port"
python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1], flush=True)
time.sleep(3600)
" > "$out/sink.port" &
sink_pid=$!
trap 'kill "$sink_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [[ -s "$out/sink.port" ]] && break; sleep 0.1; done
sink_port=$(cat "$out/sink.port")
[[ -n "$sink_port" ]] || { echo "the sink socket did not start" >&2; exit 1; }

check_not_refused() {
    if grep -q '^refused: ' "$1"; then echo "$1: the sink did not listen; figures discarded" >&2; exit 1; fi
}
rate_of_tcpreplay() { sed -n 's/.*Rated: .* Mbps, \([0-9.]*\) pps.*/\1/p' "$1" | head -1; }

echo
echo "## top speed ($runs runs each, alternating)"
for run in $(seq "$runs"); do
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$binary" replay "$capture" --feed-to "127.0.0.1:$sink_port" --top-speed --json "$out/exsim-top-$run.json" \
        > "$out/exsim-top-$run.log"
    check_not_refused "$out/exsim-top-$run.log"
    exsim_rate=$(python3 -c "import json; print(round(json.load(open('$out/exsim-top-$run.json'))['datagramsPerSecond']))")
    tcpreplay --topspeed --preload-pcap -i lo "$capture" > "$out/tcpreplay-top-$run.log" 2>&1
    echo "run $run: exsim replay --top-speed $exsim_rate datagrams/s · tcpreplay --topspeed $(rate_of_tcpreplay "$out/tcpreplay-top-$run.log") packets/s"
done

echo
echo "## the machine's floor: exsim bench pacing, the replay's wait with nothing sent, at the capture's rate"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# A whole number of planned times per second, at least one.
rate=$(python3 -c "print(max(1, round(1e6 / $gap_us)))")
"$binary" bench pacing --rate "$rate/s" --seconds 10 --json "$out/pacing.json" | grep -E '^  (pacer|hiccups)'
if [[ $(id -u) == 0 ]]; then
    echo "the same under SCHED_FIFO, as the replay below runs a second time:"
    "$binary" bench pacing --rate "$rate/s" --seconds 10 --realtime-priority 50 --spin "${FIFO_SPIN:-40us}" \
        --json "$out/pacing-fifo.json" | grep -E '^  (pacer|hiccups)'
fi

echo
echo "## as recorded (1×): $span_s s of capture"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$binary" replay "$capture" --feed-to "127.0.0.1:$sink_port" --json "$out/exsim-1x.json" > "$out/exsim-1x.log"
check_not_refused "$out/exsim-1x.log"
grep -E '^(sent|send-time error|drift)' "$out/exsim-1x.log" | sed 's/^/exsim: /'
if [[ $(id -u) == 0 ]]; then
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$binary" replay "$capture" --feed-to "127.0.0.1:$sink_port" --realtime-priority 50 --spin "${FIFO_SPIN:-40us}" --json "$out/exsim-1x-fifo.json" \
        > "$out/exsim-1x-fifo.log"
    check_not_refused "$out/exsim-1x-fifo.log"
    grep -E '^(sent|send-time error|drift)' "$out/exsim-1x-fifo.log" | sed "s/^/exsim --realtime-priority 50 --spin ${FIFO_SPIN:-40us}: /"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
tcpreplay --preload-pcap -i lo "$capture" > "$out/tcpreplay-1x.log" 2>&1
elapsed=$(sed -n 's/.*Actual: [0-9]* packets ([0-9]* bytes) sent in \([0-9.]*\) seconds.*/\1/p' "$out/tcpreplay-1x.log" | head -1)
python3 -c "
span, elapsed = $span_s, $elapsed
print(f'tcpreplay: {elapsed:.3f} s for {span:.3f} s of capture: {elapsed - span:.3f} s behind at the end, {(elapsed - span) / span:.3f} s per second')
"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
