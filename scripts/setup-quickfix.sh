#!/usr/bin/env bash
# QuickFIX, the FIX engine the interop test connects to `exsim serve`
# (PyPI `quickfix`, the Python binding of the C++ engine, with the FIX 4.2
# and 4.4 data dictionaries of the same release). It builds from source,
# about six minutes on two cores, so it lives outside the clone, in
# ${XDG_CACHE_HOME:-~/.cache}/exsim/quickfix-VERSION, built once per
# machine. Prints the folder; does nothing when it is already there.
set -euo pipefail

version=1.16.0
home="${XDG_CACHE_HOME:-$HOME/.cache}/exsim/quickfix-$version"

if [ -x "$home/bin/python" ] && "$home/bin/python" -c 'import quickfix' >/dev/null 2>&1 \
    && [ -f "$home/spec/FIX42.xml" ] && [ -f "$home/spec/FIX44.xml" ]; then
    echo "$home"
    exit 0
fi

sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
missing=()
command -v g++ >/dev/null 2>&1 || missing+=(g++)
python3 -c 'import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    || missing+=(python3-dev)
dpkg -s python3-venv >/dev/null 2>&1 || python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup-quickfix: installing ${missing[*]}" >&2
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "setup-quickfix: building quickfix $version from source into $home (several minutes, once per machine)" >&2
rm -rf "$home"
python3 -m venv "$home"
"$home/bin/python" -m pip install -q --disable-pip-version-check "quickfix==$version" >&2
# The data dictionaries are in the source package only.
download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT
"$home/bin/python" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: "quickfix==$version" -d "$download" >&2
mkdir -p "$home/spec"
tar xzf "$download/quickfix-$version.tar.gz" -C "$home/spec" --strip-components=2 \
    "quickfix-$version/spec/FIX42.xml" "quickfix-$version/spec/FIX44.xml"
echo "$home"
