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

command="apt-get update && apt-get install -y ${missing[*]}"
echo "Installing missing Debian packages: ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
    export DEBIAN_FRONTEND=noninteractive
    bash -c "$command"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive bash -c "$command"
else
    echo >&2 "Cannot install them without root. Run this once, then the same make command again:"
    echo >&2 "    sudo bash -c '$command'"
    exit 1
fi
