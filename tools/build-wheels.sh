#!/usr/bin/env bash
# Builds the release artefacts of the Python package into OUT (default dist/): one abi3 wheel
# (CPython 3.10 and newer) per platform and the source distribution.
# - On Linux: x86_64 and aarch64 wheels (manylinux2014, glibc 2.17 or newer), the aarch64 one
#   cross-compiled with maturin's zig linker, and the sdist. Needs
#   `pip install "maturin>=1.16,<2" ziglang` and `rustup target add aarch64-unknown-linux-gnu`.
# - On macOS: one universal2 wheel (x86_64 and arm64). It needs Apple's SDK (the CoreFoundation
#   framework the Parquet reader's time-zone crate links), so it is built on a Mac, with
#   `rustup target add x86_64-apple-darwin aarch64-apple-darwin`.
# A release then uploads the artefacts of both with `twine upload OUT/*`.
# Usage: tools/build-wheels.sh [OUT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/dist}" && cd "${1:-$root/dist}" && pwd)
cd "$root"
if ! command -v maturin >/dev/null || { [ "$(uname -s)" != Darwin ] && ! python3 -c "import ziglang" 2>/dev/null; }; then
  echo "build-wheels: needs maturin and zig in this Python: pip install 'maturin>=1.16,<2' ziglang" >&2
  exit 2
fi
case "$(uname -s)" in
  Darwin)
    maturin build --release --target universal2-apple-darwin -o "$out"
    ;;
  *)
    maturin build --release --target x86_64-unknown-linux-gnu --zig --compatibility manylinux2014 -o "$out"
    maturin build --release --target aarch64-unknown-linux-gnu --zig --compatibility manylinux2014 -o "$out"
    maturin sdist -o "$out"
    ;;
esac
ls -l "$out"
