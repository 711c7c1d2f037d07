#!/usr/bin/env bash
# End-to-end scan of a generated corpus of at least 200 MB (documents of 1–10 KB, about 10% of
# stories syndicated, 60 sites with templates), on 1 and 2 threads: wall time, MB/s,
# documents/s and peak memory (from /usr/bin/time -v). Usage: benches/e2e.sh [WORKDIR] [RUNS]
set -euo pipefail
work=${1:-/tmp/neardup-e2e}
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release -q --examples
cargo build --release -q
if [ ! -d "$work/corpus" ]; then
  ./target/release/examples/make_corpus "$work" --stories 36000 --sites 60 --paragraphs 4..40
fi
for threads in 1 2; do
  for _ in $(seq "$runs"); do
    /usr/bin/time -v ./target/release/neardup scan "$work/corpus" -q -j "$threads" \
      --report "$work/report.json" 2>"$work/time.txt"
    python3 - "$work/report.json" "$work/time.txt" "$threads" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); s = r["summary"]; t = r["timing"]
rss = [l for l in open(sys.argv[2]) if "Maximum resident" in l][0].split()[-1]
mb = s["bytes"] / 1e6
print(f"threads={sys.argv[3]} docs={s['documents']} MB={mb:.1f} seconds={t['seconds']:.2f} "
      f"MB/s={mb / t['seconds']:.1f} docs/s={s['documents'] / t['seconds']:.0f} peak_MB={int(rss) / 1024:.0f}")
PY
  done
done
