#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer: every Wire decoder and session
# (docs/wire.md, "Fuzzing"), the capture reader's decoding and its file
# readers, pcap, pcapng and zstd (Fuzz/Capture: capture, capfile),
# and the scenario loader and simulator (docs/scenarios.md, "Limits").
# Builds Fuzz/Wire with the Wire sources,
# optimized and instrumented for coverage and AddressSanitizer, and the
# scenario fuzzer (Fuzz/ScenarioFuzzer) with SwiftPM, into .build-fuzz/;
# runs each target for a fixed number of inputs; prints each target's run
# count; fails when a target crashes, reports anything (a sanitizer or a
# broken check) or ends before its runs are done, and prints the input.
#
#   scripts/fuzz.sh                      every target, the CI budget
#   scripts/fuzz.sh fix soup             only these targets
#   FUZZ_SCALE=10 scripts/fuzz.sh ouch   ten times the inputs
#   scripts/fuzz.sh --reproduce fix .build-fuzz/artifacts/fix/crash-<sha1>
#   scripts/fuzz.sh --reproduce scenario .build-fuzz/artifacts/scenario/crash-<sha1>
#
# Environment: FUZZ_SCALE (multiplies every run count, default 1),
# FUZZ_JOBS (targets fuzzed at once, default 2), FUZZ_KEEP_CORPUS=1 (start
# from the corpus of the last run instead of the seeds alone).
set -euo pipefail
cd "$(dirname "$0")/.."

build=.build-fuzz
binary="$build/wire-fuzz"
scenario_build="$build/scenario"
scenario_binary="$scenario_build/release/exsim-scenario-fuzz"
capture_binary="$build/capture-fuzz"
all_targets=(itch ouch mold soup fix capture capfile scenario)

# Inputs per target, sized so that the whole run (build included) takes
# about eight minutes on two cores; the longest input each target gets; and
# a time cap per target, well above what the runs take, so that a loaded
# machine cannot stall CI. A target that hits the cap has not done its runs
# and fails: the harness, or the code under it, has become slower.
declare -A runs=([itch]=2500000 [ouch]=5000000 [mold]=1500000 [soup]=1200000 [fix]=300000 [capture]=400000 [capfile]=100000 [scenario]=8000)
declare -A max_len=([itch]=512 [ouch]=128 [mold]=1024 [soup]=1024 [fix]=2048 [capture]=4096 [capfile]=4096 [scenario]=96)
time_cap_s=240

build_harness() {
    local sources stamp
    sources=$(find Sources/Wire Fuzz/Wire -name '*.swift' | LC_ALL=C sort)
    # Rebuild only when a source, this script or the compiler changed.
    stamp=$( { swiftc --version 2>&1; cat "$0"; for f in $sources; do echo "$f"; cat "$f"; done; } | sha256sum | cut -d' ' -f1)
    if [[ -x "$binary" && -f "$build/stamp" && "$(cat "$build/stamp")" == "$stamp" ]]; then
        return
    fi
    mkdir -p "$build"
    local flags=(-parse-as-library -O -wmo -sanitize=fuzzer,address -enable-upcoming-feature ExistentialAny)
    echo "fuzz: building the Wire module with coverage and AddressSanitizer"
    # Wire stays a module of its own, so the harness sees only its public API.
    # shellcheck disable=SC2046
    swiftc "${flags[@]}" -module-name Wire -emit-module -emit-module-path "$build/Wire.swiftmodule" \
        -c -o "$build/Wire.o" $(find Sources/Wire -name '*.swift' | LC_ALL=C sort)
    echo "fuzz: building the harness"
    # gold warns about every AddressSanitizer helper it cannot export; the warnings are harmless.
    # shellcheck disable=SC2046
    swiftc "${flags[@]}" -module-name WireFuzz -I "$build" $(find Fuzz/Wire -name '*.swift' | LC_ALL=C sort) \
        "$build/Wire.o" -o "$binary" 2> >(grep -v "ld.gold: warning: Cannot export local symbol" >&2)
    echo "$stamp" > "$build/stamp"
}

# The capture harness: the Capture module (packet decoding, TCP and IP
# fragment reassembly, protocol extraction) over the Wire module built
# above, linked with libpcap and zstd.
build_capture_harness() {
    local stamp
    stamp=$( { swiftc --version 2>&1; cat "$0"; for f in $(find Sources/Wire Sources/Capture Sources/CPcap Sources/CZstd Fuzz/Capture -type f | LC_ALL=C sort); do echo "$f"; cat "$f"; done; } | sha256sum | cut -d' ' -f1)
    if [[ -x "$capture_binary" && -f "$build/capture-stamp" && "$(cat "$build/capture-stamp")" == "$stamp" ]]; then
        return
    fi
    local flags=(-parse-as-library -O -wmo -sanitize=fuzzer,address -enable-upcoming-feature ExistentialAny
                 -I "$build" -I Sources/CPcap -I Sources/CZstd)
    echo "fuzz: building the Capture module with coverage and AddressSanitizer"
    # shellcheck disable=SC2046
    swiftc "${flags[@]}" -module-name Capture -emit-module -emit-module-path "$build/Capture.swiftmodule" \
        -c -o "$build/Capture.o" $(find Sources/Capture -name '*.swift' | LC_ALL=C sort)
    echo "fuzz: building the capture harness"
    # shellcheck disable=SC2046
    swiftc "${flags[@]}" -module-name CaptureFuzz $(find Fuzz/Capture -name '*.swift' | LC_ALL=C sort) \
        "$build/Capture.o" "$build/Wire.o" -lpcap -lzstd -o "$capture_binary" \
        2> >(grep -v "ld.gold: warning: Cannot export local symbol" >&2)
    echo "$stamp" > "$build/capture-stamp"
}

# The scenario fuzzer is the whole simulator, so SwiftPM builds it, with
# coverage instrumentation (no AddressSanitizer: what it hunts is traps and
# broken properties, and it runs whole simulations per input).
build_scenario_harness() {
    echo "fuzz: building the scenario fuzzer with coverage"
    mkdir -p "$build"
    if ! swift build -c release --product exsim-scenario-fuzz --scratch-path "$scenario_build" \
        -Xswiftc -sanitize=fuzzer -Xswiftc -DEXSIM_LIBFUZZER >"$build/scenario-build.log" 2>&1; then
        tail -40 "$build/scenario-build.log" >&2
        echo "fuzz: the scenario fuzzer did not build" >&2
        exit 1
    fi
}

# The Swift runtime's backtracer would catch the crash before libFuzzer
# can save the input.
export SWIFT_BACKTRACE=enable=no

if [[ "${1:-}" == "--reproduce" ]]; then
    [[ $# -eq 3 ]] || { echo "usage: scripts/fuzz.sh --reproduce <target> <input>" >&2; exit 2; }
    if [[ "$2" == scenario ]]; then
        # The plain build replays an input and prints the scenario it makes.
        swift build -c release --product exsim-scenario-fuzz >&2
        .build/release/exsim-scenario-fuzz --print "$3"
        .build/release/exsim-scenario-fuzz "$3" 2>&1 | swift demangle --simplified
        exit "${PIPESTATUS[0]}"
    fi
    build_harness
    if [[ "$2" == capture || "$2" == capfile ]]; then
        build_capture_harness
        WIRE_FUZZ_TARGET="$2" "$capture_binary" "$3" 2>&1 | swift demangle --simplified
        exit "${PIPESTATUS[0]}"
    fi
    WIRE_FUZZ_TARGET="$2" "$binary" "$3" 2>&1 | swift demangle --simplified
    exit "${PIPESTATUS[0]}"
fi

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [[ -n "${runs[$target]:-}" ]] || { echo "fuzz: unknown target '$target' (${all_targets[*]})" >&2; exit 2; }
done

started=$SECONDS
wire_targets=0
for target in "${targets[@]}"; do [[ "$target" == scenario ]] || wire_targets=1; done
[[ $wire_targets == 0 ]] || build_harness
if [[ " ${targets[*]} " == *" capture "* || " ${targets[*]} " == *" capfile "* ]]; then build_capture_harness; fi
if [[ " ${targets[*]} " == *" scenario "* ]]; then build_scenario_harness; fi
built=$SECONDS

fuzz_one() {
    local target=$1
    local corpus="$build/corpus/$target" artifacts="$build/artifacts/$target" log="$build/logs/$target.log"
    [[ "${FUZZ_KEEP_CORPUS:-0}" == 1 ]] || rm -rf "$corpus"
    rm -rf "$artifacts"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    local count=$(( ${runs[$target]} * ${FUZZ_SCALE:-1} ))
    local begin=$SECONDS
    # A fixed seed makes a run repeatable: same inputs, same order.
    local status=0
    local harness=("$binary") options=()
    # The scenario fuzzer's input is a list of choices: long ones from the
    # start, rather than libFuzzer's slow growth from a few bytes.
    [[ "$target" != scenario ]] || { harness=("$scenario_binary"); options=(-len_control=0); }
    [[ "$target" != capture && "$target" != capfile ]] || harness=("$capture_binary")
    WIRE_FUZZ_TARGET=$target WIRE_FUZZ_SEED_DIR="$corpus" "${harness[@]}" "$corpus" \
        -seed=1 -runs="$count" -max_len="${max_len[$target]}" -max_total_time=$(( time_cap_s * ${FUZZ_SCALE:-1} )) \
        -timeout=20 -artifact_prefix="$artifacts/" -print_final_stats=1 "${options[@]}" >"$log" 2>&1 || status=$?
    echo "$status $(( SECONDS - begin )) $count" > "$log.status"
}

# FUZZ_JOBS targets at a time; each writes its own log.
pids=()
for target in "${targets[@]}"; do
    fuzz_one "$target" &
    pids+=($!)
    while [[ $(jobs -rp | wc -l) -ge ${FUZZ_JOBS:-2} ]]; do wait -n || true; done
done
for pid in "${pids[@]}"; do wait "$pid" || true; done

failed=0
rm -f "$build/logs/failed"
printf '%-8s %10s %10s %9s %7s %7s %6s  %s\n' target runs of exec/s cov ft time result
for target in "${targets[@]}"; do
    log="$build/logs/$target.log"
    read -r status seconds planned < "$log.status"
    executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    # The last status line libFuzzer printed carries the coverage it reached.
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo '?')
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo '?')
    result=ok
    if [[ "$status" != 0 ]]; then
        result="FAILED (exit $status)"
    elif (( executed < planned )); then
        result="FAILED (ended after $executed of $planned runs)"
    elif grep -q -E 'ERROR: |WARNING: |SUMMARY: |FUZZ CHECK FAILED|SCENARIO FUZZ FINDING|Fatal error|deadly signal' "$log"; then
        result="FAILED (reported a problem)"
    fi
    [[ "$result" == ok ]] || { failed=1; echo "$target" >> "$build/logs/failed"; }
    printf '%-8s %10s %10s %9s %7s %7s %5ss  %s\n' "$target" "$executed" "$planned" "$rate" "$cov" "$ft" "$seconds" "$result"
done
echo "fuzz: build $(( built - started ))s, fuzzing $(( SECONDS - built ))s"

if [[ $failed == 1 ]]; then
    for target in "${targets[@]}"; do
        log="$build/logs/$target.log"
        grep -qx "$target" "$build/logs/failed" || continue
        read -r status _ < "$log.status"
        echo
        echo "=== $target failed (exit $status); the end of $log:"
        grep -v -E '^#[0-9]+' "$log" | tail -40 | swift demangle --simplified
        for input in "$build/artifacts/$target"/*; do
            [[ -f "$input" ]] || continue
            echo "input: $input"
            echo "bytes: $(od -An -tx1 -v "$input" | tr -s ' \n' ' ')"
            echo "reproduce: scripts/fuzz.sh --reproduce $target $input"
        done
    done
    exit 1
fi
