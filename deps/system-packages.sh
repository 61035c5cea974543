#!/usr/bin/env bash
# Install the Debian packages named in the given lists (files of one package per line) that are
# missing. As root it installs them; otherwise it prints the exact command to run and fails.
set -euo pipefail
missing=()
for list in "$@"; do
    while read -r package; do
        [[ -z "$package" || "$package" == \#* ]] && continue
        status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
        [[ "$status" == "install ok installed" ]] || missing+=("$package")
    done < "$list"
done
(( ${#missing[@]} == 0 )) && exit 0
command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with:  sudo sh -c '$command'" >&2
    exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
