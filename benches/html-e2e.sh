#!/usr/bin/env bash
# End-to-end scans of web pages beside the text path, one thread (-j 1, so MB/s is per core):
# a folder of HTML pages, the same pages as one gzipped WARC (one gzip member and one response
# record per page), and a folder of text files (the pages' text dump). Runs alternate between
# the three; medians of wall time (/usr/bin/time, the whole process), MB/s of input bytes
# (decompressed), documents/s and peak memory.
# Usage: benches/html-e2e.sh [HTML_DIR] [TEXT_DIR] [RUNS] [WORKDIR]
# Defaults: the Big9 development pages and their text dump in ../shared/data/big9-dev.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
html=${1:-$root/../shared/data/big9-dev/html}
text=${2:-$root/../shared/data/big9-dev/corpus}
runs=${3:-5}
work=${4:-/tmp/neardup-html-e2e}
cd "$root"
cargo build --release -q
mkdir -p "$work/warc"
python3 - "$html" "$work/warc/pages.warc.gz" <<'PY'
import gzip, os, sys
src, out = sys.argv[1], sys.argv[2]
with open(out, "wb") as f:
    for dirpath, _, names in sorted(os.walk(src)):
        for name in sorted(names):
            if not name.endswith((".html", ".htm")):
                continue
            path = os.path.join(dirpath, name)
            site = os.path.relpath(dirpath, src).replace(os.sep, "-")
            body = open(path, "rb").read()
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
            uri = f"https://www.{site}.example/{name}"
            head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
                    f"Content-Type: application/http; msgtype=response\r\n"
                    f"Content-Length: {len(http)}\r\n\r\n").encode()
            f.write(gzip.compress(head + http + b"\r\n\r\n"))
PY
declare -A inputs=([html]="$html" [warc]="$work/warc" [text]="$text")
for kind in html warc text; do : >"$work/$kind.runs"; done
for _ in $(seq "$runs"); do
  for kind in html warc text; do
    /usr/bin/time -v ./target/release/neardup scan "${inputs[$kind]}" -q -j 1 \
      --report "$work/$kind.json" 2>"$work/time.txt"
    python3 - "$work/$kind.json" "$work/time.txt" >>"$work/$kind.runs" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
t = open(sys.argv[2]).read().splitlines()
wall = [l for l in t if "Elapsed (wall clock)" in l][0].split()[-1]
m, sec = wall.split(":")[-2:]
seconds = int(m) * 60 + float(sec)
rss = int([l for l in t if "Maximum resident" in l][0].split()[-1])
print(s["bytes"], s["documents"], seconds, rss)
PY
  done
done
for kind in html warc text; do
  python3 - "$kind" "$work/$kind.runs" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[2])]
mb = int(rows[0][0]) / 1e6
docs = int(rows[0][1])
secs = statistics.median(float(r[2]) for r in rows)
rss = statistics.median(int(r[3]) for r in rows) / 1024
print(f"{sys.argv[1]:5} {docs} docs {mb:.1f} MB: median {secs:.3f} s of {len(rows)}, "
      f"{mb / secs:.1f} MB/s, {docs / secs:.0f} docs/s, peak {rss:.0f} MB")
PY
done
