#!/usr/bin/env bash
# Side-by-side: neardup and its peers on the same corpus, one core (taskset -c 0), word 5-grams,
# 128 permutations, threshold 0.8. Installs the peers from PyPI into a local virtual
# environment on first use. With CORPUS_DIR/../truth.json (examples/make_corpus writes one),
# each tool's pair precision and recall are printed too.
# Usage: benches/peers/compare.sh CORPUS_DIR [RUNS]
set -euo pipefail
corpus=${1:?usage: compare.sh CORPUS_DIR [RUNS]}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
venv=${PEERS_VENV:-$here/.venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q datasketch rensa gaoya numpy
fi
root=$(cd "$here/../.." && pwd)
(cd "$root" && cargo build --release -q)
export RAYON_NUM_THREADS=1
# Every tool reads the corpus from the page cache, not the first one from the disk.
find "$corpus" -type f -exec cat {} + >/dev/null
measure() { # name, command...
  local name=$1; shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -v taskset -c 0 "$@" 2>"$here/.time" >"$here/.out" || { cat "$here/.time"; exit 1; }
    local rss wall
    rss=$(grep "Maximum resident" "$here/.time" | awk '{print $NF}')
    wall=$(grep "Elapsed (wall" "$here/.time" | awk '{print $NF}')
    echo "$name wall=$wall peak_kb=$rss $(tail -1 "$here/.out")"
  done
}
measure neardup "$root/target/release/neardup" scan "$corpus" -q -j 1 --threshold 0.8 --no-containment --report "$here/.report.json"
python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['summary']; print('neardup pairs', s['verified_pairs'], 'documents', s['documents'], 'bytes', s['bytes'])" "$here/.report.json"
truth=$(cd "$corpus/.." && pwd)/truth.json
if [ -f "$truth" ]; then
  "$root/target/release/neardup" eval "$corpus" --truth "$truth" --threshold 0.8 --no-containment | head -1
  "$root/target/release/neardup" eval "$corpus" --truth "$truth" | head -1 | sed 's/^/defaults: /'
else
  truth=""
fi
for tool in gaoya rensa datasketch; do
  measure "$tool" "$venv/bin/python" "$here/run_peers.py" "$tool" "$corpus" $truth
done
