#!/usr/bin/env bash
# Coverage-guided fuzzing of every Wire decoder and session with libFuzzer
# (docs/wire.md, "Fuzzing"). Builds Fuzz/ with the Wire sources, optimized
# and instrumented for coverage and AddressSanitizer, into .build-fuzz/;
# runs each target for a fixed number of inputs from seeds the harness
# generates; fails on the first crash or broken check and prints the input.
#
#   scripts/fuzz.sh                      every target, the CI budget
#   scripts/fuzz.sh fix soup             only these targets
#   FUZZ_SCALE=10 scripts/fuzz.sh ouch   ten times the inputs
#   scripts/fuzz.sh --reproduce fix .build-fuzz/artifacts/fix/crash-<sha1>
#
# Environment: FUZZ_SCALE (multiplies every run count, default 1),
# FUZZ_JOBS (targets fuzzed at once, default 2), FUZZ_KEEP_CORPUS=1 (start
# from the corpus of the last run instead of the seeds alone).
set -euo pipefail
cd "$(dirname "$0")/.."

build=.build-fuzz
binary="$build/wire-fuzz"
all_targets=(itch ouch mold soup fix)

# Inputs per target, sized so that the whole run (build included) takes
# about five minutes on two cores; the longest input each target gets; and
# a time cap per target, so a loaded machine cannot stall CI.
declare -A runs=([itch]=2500000 [ouch]=5000000 [mold]=1500000 [soup]=1200000 [fix]=300000)
declare -A max_len=([itch]=512 [ouch]=128 [mold]=1024 [soup]=1024 [fix]=2048)
time_cap_s=100

build_harness() {
    local sources stamp
    sources=$(find Sources/Wire Fuzz -name '*.swift' | LC_ALL=C sort)
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
    swiftc "${flags[@]}" -module-name WireFuzz -I "$build" $(find Fuzz -name '*.swift' | LC_ALL=C sort) \
        "$build/Wire.o" -o "$binary" 2> >(grep -v "ld.gold: warning: Cannot export local symbol" >&2)
    echo "$stamp" > "$build/stamp"
}

# The Swift runtime's backtracer would catch the crash before libFuzzer
# can save the input.
export SWIFT_BACKTRACE=enable=no

if [[ "${1:-}" == "--reproduce" ]]; then
    [[ $# -eq 3 ]] || { echo "usage: scripts/fuzz.sh --reproduce <target> <input>" >&2; exit 2; }
    build_harness
    WIRE_FUZZ_TARGET="$2" "$binary" "$3" 2>&1 | swift demangle --simplified
    exit "${PIPESTATUS[0]}"
fi

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [[ -n "${runs[$target]:-}" ]] || { echo "fuzz: unknown target '$target' (${all_targets[*]})" >&2; exit 2; }
done

started=$SECONDS
build_harness
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
    WIRE_FUZZ_TARGET=$target WIRE_FUZZ_SEED_DIR="$corpus" "$binary" "$corpus" \
        -seed=1 -runs="$count" -max_len="${max_len[$target]}" -max_total_time=$(( time_cap_s * ${FUZZ_SCALE:-1} )) \
        -timeout=10 -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1 || status=$?
    echo "$status $(( SECONDS - begin ))" > "$log.status"
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
printf '%-5s %10s %9s %7s %7s %6s  %s\n' target runs exec/s cov ft time result
for target in "${targets[@]}"; do
    log="$build/logs/$target.log"
    read -r status seconds < "$log.status"
    executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    # The last status line libFuzzer printed carries the coverage it reached.
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo '?')
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo '?')
    result=ok
    if [[ "$status" != 0 ]]; then
        result=FAILED
        failed=1
    fi
    printf '%-5s %10s %9s %7s %7s %5ss  %s\n' "$target" "$executed" "$rate" "$cov" "$ft" "$seconds" "$result"
done
echo "fuzz: build $(( built - started ))s, fuzzing $(( SECONDS - built ))s"

if [[ $failed == 1 ]]; then
    for target in "${targets[@]}"; do
        log="$build/logs/$target.log"
        read -r status _ < "$log.status"
        [[ "$status" == 0 ]] && continue
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
