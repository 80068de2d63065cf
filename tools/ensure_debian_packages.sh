#!/usr/bin/env bash
# Install the Debian packages the course needs that are missing; do nothing when all are there.
#
#   tools/ensure_debian_packages.sh PACKAGE[:FILE] ...
#
# A package counts as present when FILE exists (when given) or dpkg lists it as installed.
# As root it runs apt-get; with password-less sudo it runs sudo apt-get; otherwise it stops
# and prints the one command that installs what is missing.
set -euo pipefail

missing=()
for spec in "$@"; do
    package=${spec%%:*}
    file=${spec#*:}
    if [[ $file != "$spec" && -e $file ]]; then
        continue
    fi
    if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        continue
    fi
    missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
    echo "Installing missing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y "${missing[@]}"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "Installing missing Debian packages with sudo: ${missing[*]}"
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
else
    echo >&2 "Missing Debian packages: ${missing[*]}. Without root they cannot be installed here."
    echo >&2 "Run this once, then the same make command again:"
    echo >&2 "    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
fi
