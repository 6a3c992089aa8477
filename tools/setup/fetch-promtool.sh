#!/usr/bin/env bash
# Puts promtool (the Prometheus rule checker) at .cache/prometheus/usr/bin/promtool,
# extracted from Debian's `prometheus` package: the package itself is not
# installed, so no Prometheus server is set up or started. Does nothing when
# promtool is on the PATH or already extracted.
set -euo pipefail
cd "$(dirname "$0")/../.."

target=.cache/prometheus
if command -v promtool >/dev/null 2>&1 || [ -x "$target/usr/bin/promtool" ]; then exit 0; fi

download_dir=$(mktemp -d)
trap 'rm -rf "$download_dir"' EXIT
fetch() { (cd "$download_dir" && apt-get download -qq prometheus >/dev/null 2>&1); }
if ! fetch; then
  # A fresh machine may have no package lists yet.
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq; elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq; fi
  fetch || { echo "setup: could not download Debian's prometheus package (for promtool); the rule checks in ops/ will say so" >&2; exit 0; }
fi
echo "setup: extracting promtool from Debian's prometheus package into $target"
mkdir -p "$target"
dpkg-deb -x "$download_dir"/prometheus_*.deb "$download_dir/extracted"
mkdir -p "$target/usr/bin"
cp "$download_dir/extracted/usr/bin/promtool" "$target/usr/bin/promtool"
