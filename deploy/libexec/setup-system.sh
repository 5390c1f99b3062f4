#!/usr/bin/env bash
# Installs the optional system libraries that make hypergrad fast: native OpenBLAS for
# dev.ludovic.netlib. Without it, netlib falls back to the Java Vector API or pure Java and everything
# still works, only slower — so a failure here is reported and never fatal.
set -uo pipefail

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
