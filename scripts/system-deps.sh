#!/usr/bin/env bash
# Debian packages the test suite uses as data or external programs (idempotent).
#   hunspell           the spell checker program (optional second backend, run as a program)
#   hunspell-kk        the Kazakh spelling dictionary (/usr/share/hunspell/kk_KZ.{aff,dic})
#   espeak-ng          the default Kazakh voice-over synthesiser (GPL: run only as a program)
#   fonts-dejavu-core  DejaVu Sans, which covers every Kazakh letter, for banners
# Installs only what is missing, and only as root; otherwise prints what a root user should run.
set -euo pipefail

PACKAGES=(hunspell hunspell-kk espeak-ng fonts-dejavu-core)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "system-deps: all present (${PACKAGES[*]})"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
  exit 0
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  echo "system-deps: refreshing the package index and retrying"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "system-deps: installed ${missing[*]}"
