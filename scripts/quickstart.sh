#!/usr/bin/env bash
# README command 1: install what is missing, build exsim (release), and run
# the quickstart scenario. Extra arguments go to `exsim run`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build -c release --product exsim
.build/release/exsim run Scenarios/quickstart.yaml --check --out out/quickstart "$@"
