#!/usr/bin/env bash
# Installs what exsim needs beyond the Swift toolchain, only when missing.
# Safe to run again: it changes nothing on a machine that has everything.
set -euo pipefail

# Debian packages the build and the tests need (none beyond the toolchain yet;
# the capture and wire-protocol work adds libpcap-dev, libzstd-dev, tshark).
debian_packages=()

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: the Swift toolchain (swift 6.x) is not on PATH; install it from swift.org first." >&2
    exit 1
fi

missing=()
for package in "${debian_packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
