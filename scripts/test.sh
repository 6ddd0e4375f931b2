#!/usr/bin/env bash
# README command 2: install what is missing, build, and run the whole test
# suite. The end-to-end CLI tests drive the release binary, so that the
# quickstart's million orders per second take seconds, not minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build -c release --product exsim
EXSIM_BINARY="$PWD/.build/release/exsim" swift test "$@"
