#!/usr/bin/env bash
# Installs every build, test and example dependency of cbf from Debian 12 packages.
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang libclang-rt-14-dev pkg-config git python3
  librange-v3-dev libfmt-dev catch2 libbenchmark-dev
  libcli11-dev libsqlite3-dev sqlite3 postgresql libpq-dev
  python3-dev pybind11-dev python3-pybind11 python3-pandas python3-numpy python3-dask
  python3-distributed python3-pytest
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "install-deps: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present" >&2
fi
