#!/usr/bin/env bash
# The end-of-round measurement of issue #27, for a quiet machine: a baseline binary against
# this build, and rensa's pipeline (benches/peers/run_peers.py), in alternating runs on one
# pinned core; medians of wall time and CPU time (user + sys), MB/s, and peak memory per
# document. Then one and two threads (both binaries), and pages of 1 KB and 50 KB for memory.
# Usage: benches/final.sh BASELINE_BINARY [WORKDIR] [RUNS]
#   BASELINE_BINARY  e.g. the main branch's target/release/neardup before the round
#   WORKDIR          corpora are generated here once [default: /tmp/neardup-final]
#   RUNS             runs of each tool, alternating [default: 7]
set -euo pipefail
base=${1:?usage: final.sh BASELINE_BINARY [WORKDIR] [RUNS]}
work=${2:-/tmp/neardup-final}
runs=${3:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release -q --examples
cargo build --release -q
new=$root/target/release/neardup
gen=$root/target/release/examples/make_corpus
mkdir -p "$work"
# e2e.sh's corpus at 20,000 documents, and pages of about 1 KB and 50 KB.
[ -d "$work/e2e/corpus" ] || "$gen" "$work/e2e" --stories 10600 --sites 60 --paragraphs 4..40 >/dev/null
[ -d "$work/small/corpus" ] || "$gen" "$work/small" --stories 40000 --sites 60 --paragraphs 1..3 >/dev/null
[ -d "$work/large/corpus" ] || "$gen" "$work/large" --stories 1000 --sites 20 --paragraphs 150..250 >/dev/null
venv=${PEERS_VENV:-$root/benches/peers/.venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q datasketch rensa gaoya numpy
fi
# One run: prints "wall cpu peak_kb" (seconds, seconds, KB).
one() {
  /usr/bin/time -f "%e %U %S %M" -o "$work/.time" "$@" >/dev/null 2>"$work/.err" || {
    cat "$work/.err"
    exit 1
  }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/.time"
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# Alternating runs of the named commands on one corpus; medians of each.
compare() { # corpus, threads
  local corpus=$1 threads=$2
  find "$corpus" -type f -exec cat {} + >/dev/null
  local mb docs
  mb=$(du -sb "$corpus" | awk '{print $1 / 1e6}')
  docs=$(find "$corpus" -type f | wc -l)
  : >"$work/.runs"
  for _ in $(seq "$runs"); do
    for tool in baseline new rensa; do
      [ "$tool" = rensa ] && [ "$threads" != 1 ] && continue
      case $tool in
        baseline) r=$(one taskset -c 0-$((threads - 1)) "$base" scan "$corpus" -q -j "$threads" --report "$work/.r.json") ;;
        new) r=$(one taskset -c 0-$((threads - 1)) "$new" scan "$corpus" -q -j "$threads" --report "$work/.r.json") ;;
        rensa) r=$(one env RAYON_NUM_THREADS=1 taskset -c 0 "$venv/bin/python" "$root/benches/peers/run_peers.py" rensa "$corpus") ;;
      esac
      echo "$tool $r" >>"$work/.runs"
    done
  done
  for tool in baseline new rensa; do
    grep -q "^$tool " "$work/.runs" || continue
    local wall cpu peak
    wall=$(grep "^$tool " "$work/.runs" | awk '{print $2}' | median)
    cpu=$(grep "^$tool " "$work/.runs" | awk '{print $3}' | median)
    peak=$(grep "^$tool " "$work/.runs" | awk '{print $4}' | median)
    awk -v t="$tool" -v c="$(basename "$(dirname "$corpus")")" -v j="$threads" -v w="$wall" -v u="$cpu" \
      -v p="$peak" -v mb="$mb" -v d="$docs" 'BEGIN {
        printf "%-6s %-8s threads=%s wall=%.2fs cpu=%.2fs MB/s(wall)=%.1f MB/s(cpu)=%.1f peak=%.0fMB KB/doc=%.2f\n",
          c, t, j, w, u, mb / w, mb / u, p / 1024, p / d }'
  done
}
echo "medians of $runs alternating runs; baseline $base, new $new"
compare "$work/e2e/corpus" 1
compare "$work/e2e/corpus" 2
compare "$work/small/corpus" 1
compare "$work/large/corpus" 1
echo "peak memory per document includes the fixed base (about 20 MB): take the difference"
echo "between two corpus sizes for the per-document figure"
