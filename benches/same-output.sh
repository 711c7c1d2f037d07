#!/usr/bin/env bash
# Checks that a changed binary writes byte for byte what a baseline binary writes: the report
# (--no-timing), the annotations, the pairs, the drop list and the clean copy, on samples/,
# HTML pages, text and generated corpora, with one and two threads, with and without the spill,
# and with character shingles. Speed work keeps a step only when this prints no difference.
# Usage: [QUICK=1] benches/same-output.sh BASELINE_BINARY NEW_BINARY WORKDIR [CORPUS...]
#   CORPUS  more folders to compare (a generated corpus; the Big9 pages are compared when
#           ../shared/data/big9-dev is there)
set -uo pipefail
base=${1:?usage: same-output.sh BASELINE NEW WORKDIR [CORPUS...]}
new=${2:?usage: same-output.sh BASELINE NEW WORKDIR [CORPUS...]}
work=${3:?usage: same-output.sh BASELINE NEW WORKDIR [CORPUS...]}
shift 3
root=$(cd "$(dirname "$0")/.." && pwd)
data=${NEARDUP_DATA:-$root/../shared/data}
[ -d "$data" ] || data=/work/shared/data
corpora=("$root/samples" "$@")
[ -d "$data/big9-dev/html" ] && corpora+=("$data/big9-dev/html" "$data/big9-dev/corpus")
mkdir -p "$work"
failed=0
run() { # binary, out dir, corpus, flags...
  local bin=$1 out=$2 corpus=$3
  shift 3
  rm -rf "$out" && mkdir -p "$out"
  "$bin" scan "$corpus" -q --no-timing --report "$out/report.json" --annotations "$out/annotations.jsonl" \
    --pairs "$out/pairs.jsonl" --drop-list "$out/drop.txt" --clean "$out/clean" "$@" >"$out/stdout" 2>"$out/stderr"
  echo "exit $?" >>"$out/stdout"
}
compare() { # label, corpus, flags...
  local label=$1 corpus=$2
  shift 2
  run "$base" "$work/base" "$corpus" "$@"
  run "$new" "$work/new" "$corpus" "$@"
  if diff -r "$work/base" "$work/new" >"$work/diff.txt" 2>&1; then
    echo "same: $label $*"
  else
    echo "DIFFERENT: $label $* (first lines of $work/diff-$failed.txt)"
    cp "$work/diff.txt" "$work/diff-$failed.txt"
    head -c 600 "$work/diff.txt"
    echo
    failed=$((failed + 1))
  fi
}
for corpus in "${corpora[@]}"; do
  name=$(basename "$(dirname "$corpus")")/$(basename "$corpus")
  compare "$name" "$corpus" -j 2
  [ -n "${QUICK:-}" ] && continue # QUICK=1: two threads only
  compare "$name" "$corpus" -j 1
  compare "$name" "$corpus" -j 2 --no-spill
  compare "$name" "$corpus" -j 2 --shingle chars --fold-digits
done
[ "$failed" -eq 0 ] && echo "all the same" || echo "$failed differences"
exit "$failed"
