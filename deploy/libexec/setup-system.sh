#!/usr/bin/env bash
# Installs the optional system packages: native OpenBLAS for dev.ludovic.netlib (without it netlib
# falls back to the Java Vector API or pure Java: slower, same results) and headless Chromium, which
# the report test uses to check that a run's report renders (skipped, and said so, without it). A
# failure here is reported and never fatal.
set -uo pipefail

install_chromium() {
  command -v chromium >/dev/null && return 0
  [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null || { echo "hypergrad setup: no chromium (the report's browser test will be skipped)" >&2; return 0; }
  echo "hypergrad setup: installing headless Chromium (Debian chromium) for the report test…"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1; } \
    || echo "hypergrad setup: could not install chromium (the report's browser test will be skipped)" >&2
}
install_chromium

have_openblas() { ldconfig -p 2>/dev/null | grep -q -E 'libopenblas\.so|libblas\.so\.3'; }

if have_openblas; then
  echo "hypergrad setup: native BLAS present"
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "hypergrad setup: no native BLAS and cannot install it here (needs root and apt-get: apt-get install libopenblas0); using the Java BLAS" >&2
  exit 0
fi
echo "hypergrad setup: installing native OpenBLAS (Debian libopenblas0)…"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends libopenblas0 >/dev/null 2>&1; then
  apt-get update -q >/dev/null 2>&1 || true
  apt-get install -y -q --no-install-recommends libopenblas0 >/dev/null 2>&1 \
    || echo "hypergrad setup: could not install libopenblas0; using the Java BLAS" >&2
fi
have_openblas && echo "hypergrad setup: native OpenBLAS installed"
exit 0
