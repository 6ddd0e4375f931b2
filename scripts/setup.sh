#!/usr/bin/env bash
# Installs what exsim needs beyond the Swift toolchain, only when missing.
# Safe to run again: it changes nothing on a machine that has everything.
#
# Debian packages: tshark, the independent dissector the wire tests check our
# captures against; libpcap-dev and libzstd-dev, the C libraries the Capture
# module reads pcap/pcapng and zstd through; openssl, whose command makes the
# certificates the TLS tests serve. Python packages (in a
# project-local virtualenv, .venv-oracles): itchfeed and simplefix,
# independent ITCH 5.0 and FIX parsers that the oracle tests run over our
# bytes; scapy, an independent packet writer that builds the VLAN, IPv6,
# Linux cooked and out-of-order TCP captures the capture reader is tested on.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(tshark python3-venv libpcap-dev libzstd-dev openssl)
python_packages=(itchfeed==1.6.4 simplefix==1.0.17 scapy==2.8.0)
oracle_venv=".venv-oracles"

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
    echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo_cmd debconf-set-selections
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x "$oracle_venv/bin/python" ]; then
    echo "setup: creating $oracle_venv for the oracle tests"
    python3 -m venv "$oracle_venv"
fi
if ! "$oracle_venv/bin/python" -c 'import itch, simplefix, scapy' >/dev/null 2>&1; then
    echo "setup: installing ${python_packages[*]} into $oracle_venv"
    "$oracle_venv/bin/python" -m pip install -q --disable-pip-version-check "${python_packages[@]}"
fi
