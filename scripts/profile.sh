#!/usr/bin/env bash
# Instructions per order-entry instruction, layer by layer, for a short copy
# of a scenario: callgrind counts instructions, so the figures repeat on a
# loaded machine where wall times swing by a third (docs/benchmarks.md,
# "Where an instruction's cost goes").
#
#   scripts/profile.sh [SCENARIO] [DURATION]     default: the quickstart, 40ms
#   KEEP=DIR scripts/profile.sh ...               also keeps callgrind.out in DIR
#
# The copy keeps the scenario but its duration and drops its schedule, whose
# times may lie beyond the shorter run. Needs valgrind (callgrind_annotate)
# and binutils (objcopy); builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."

scenario="${1:-Scenarios/quickstart.yaml}"
duration="${2:-40ms}"
[[ -f "$scenario" ]] || { echo "profile: no scenario at $scenario" >&2; exit 64; }
for tool in valgrind callgrind_annotate objcopy python3; do
    command -v "$tool" >/dev/null || { echo "profile: $tool is missing (apt-get install valgrind binutils)" >&2; exit 64; }
done

swift build -c release --product exsim >/dev/null
work="$(mktemp -d)"
# KEEP=DIR keeps callgrind's output and the inclusive listing in DIR.
trap '[[ -n "${KEEP:-}" ]] && cp "$work"/callgrind.out "$work"/inclusive.txt "$KEEP"/ ; rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the DWARF 5 that swiftc writes; the symbols stay.
objcopy --strip-debug .build/release/exsim "$work/exsim"
sed -E "s/^duration:.*/duration: $duration/" "$scenario" | sed '/^schedule:/,$d' > "$work/scenario.yaml"

valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    "$work/exsim" run "$work/scenario.yaml" --quiet --out "$work/out" 2>"$work/valgrind.log" >/dev/null
callgrind_annotate --inclusive=yes "$work/callgrind.out" 2>/dev/null | swift demangle --simplified > "$work/inclusive.txt"

python3 - "$work/inclusive.txt" "$work/out/report.json" "$scenario" "$duration" <<'PY'
import json, re, sys

inclusive, report_path, scenario, duration = sys.argv[1:]
report = json.load(open(report_path))
counts = report["counts"]
instructions = counts["ordersSent"] + counts["cancelsSent"] + counts["replacesSent"]
cost = {}
total = 0
for line in open(inclusive):
    match = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+\S*?:(.*?) \[", line)
    if not match:
        if "PROGRAM TOTALS" in line:
            total = int(line.split()[0].replace(",", ""))
        continue
    value = int(match.group(1).replace(",", ""))
    name = match.group(2)
    cost[name] = max(cost.get(name, 0), value)

def find(prefix):
    return max((v for k, v in cost.items() if k.startswith(prefix)), default=0)

rows = [
    ("whole process (parsing, run, report)", total),
    ("Simulation.run: the simulated run", find("Simulation.run(")),
    ("  flow arrivals: generate + client encode + send", find("Simulation.handleFlowArrival(")),
    ("    order flow generator", find("OrderFlowGenerator.nextInstruction(")),
    ("  venue service: the gateway and what it sends", find("Simulation.handleServiceComplete(")),
    ("    VenueGateway.received", find("VenueGateway.received(")),
    ("      order-entry desk (with the engine)", find("OrderEntryDesk.handle(")),
    ("        matching engine submit", find("MatchingEngine.submit(")),
    ("      reports and feed (settle)", find("VenueGateway.settle(")),
    ("  deliveries to participants: decode + bookkeeping", find("Simulation.handleArrivalAtParticipant(")),
    ("  event queue (next)", find("specialized Kernel.next(")),
]
print(f"profile: {scenario} for {duration}: {instructions} order-entry instructions, "
      f"{counts['eventsDelivered']} events, digest {report['traceDigest']}")
print(f"{'':52} {'instructions':>14} {'per instruction':>16}")
for label, value in rows:
    print(f"{label:52} {value:>14,} {value / max(instructions, 1):>16,.0f}")
PY
