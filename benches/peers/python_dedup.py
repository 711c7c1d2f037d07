"""neardup's Python package against rensa and datasketch, in Python, on the same documents.

Every tool gets the same list of documents as a pyarrow Table (columns id, text) and the same
job: word 5-gram shingles, 128 permutations, Jaccard threshold 0.8, and the ids of the
documents it drops as near-duplicates of one it keeps. The tools:

  neardup-dedup-1   neardup.dedup(table, threads=1, threshold=0.8, no_containment=True)
  neardup-dedup     the same with the default threads (every core; never pinned)
  neardup-stream    neardup.Deduplicator(threshold=0.8).add(batch) over the table's batches
  rensa             rensa.RMinHashDeduplicator(threshold=0.8, num_perm=128, use_lsh=True)
                    .add_pairs(batch), its README's "keep unique documents" pipeline
  rensa-cminhash    rensa.CMinHashDeduplicator(threshold=0.8, num_perm=128).add_pairs(batch),
                    its C-MinHash streaming deduplicator
  datasketch        MinHash.update_batch + MinHashLSH: query each document, drop it when a
                    candidate's estimated Jaccard reaches 0.8, else insert it

Each run of a tool is a fresh process (this script with --worker), pinned to core 0 with
taskset and RAYON_NUM_THREADS=1 unless the tool is neardup-dedup. The worker loads the table
(and, for the peers, the Python strings they take) before the clock starts; the peers' shingles
are made in Python inside their time, as their documentation does. The peak memory (the
worker's VmHWM, its peak resident set) includes the interpreter, the imports and the table;
rss_before is the resident set just before the call. "load" only loads the table.
Runs alternate between the tools; the figures are medians. Each process calls its tool
--calls times (default 2): the first call (a fresh process) is the figure, the last one the
warm figure (allocator and page tables already grown). Before the clock, every worker lets
pyarrow import pandas (its first pa.array() of a list does, when pandas is installed; neardup
builds its result that way): 0.2-0.45 s and about 55 MB that any process which used pandas
has already paid. --cold-pandas leaves that inside neardup's first call.

python benches/peers/python_dedup.py --reuters /work/shared/data/reuters21578 [--limit 20000] [--runs 3]
python benches/peers/python_dedup.py --corpus OUT/corpus --truth OUT/truth.json [--limit 20000]
    # .txt files (examples/make_corpus OUT), the first folder of each its site
"""
import argparse
import html
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

THRESHOLD, NUM_PERM, K = 0.8, 128, 5
STREAM_BATCH = 1000
WORD = re.compile(r"\w+")
TOOLS = ["neardup-dedup-1", "neardup-dedup", "neardup-stream", "rensa", "rensa-cminhash", "datasketch"]
UNPINNED = {"neardup-dedup"}


def shingles(text):
    """The peers' shingles (as run_peers.py): lowercased word 5-grams."""
    words = WORD.findall(text.lower())
    return {" ".join(words[i:i + K]) for i in range(max(0, len(words) - K + 1))}


# ---- the documents ----------------------------------------------------------------------

REUTERS = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)


def reuters_documents(folder):
    """Every Reuters-21578 story with a body: title and body, in NEWID order."""
    docs = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".sgm"):
            continue
        with open(os.path.join(folder, name), encoding="latin-1") as fh:
            for newid, story in REUTERS.findall(fh.read()):
                body = BODY.search(story)
                if not body:
                    continue
                title = TITLE.search(story)
                text = (html.unescape(title.group(1)) + "\n" if title else "") + html.unescape(body.group(1))
                docs.append((int(newid), text))
    docs.sort()
    # zero-padded ids: neardup keeps a cluster's smallest id, the peers the first to arrive
    return [f"r{newid:05d}" for newid, _ in docs], [text for _, text in docs], None


def corpus_documents(root):
    """The .txt files under root, as run_peers.py reads them (ids: relative paths, sorted;
    a document's site: its first folder, as the command line takes it)."""
    found = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".txt"):
                path = os.path.join(dirpath, f)
                found.append(os.path.relpath(path, root).replace(os.sep, "/"))
    found.sort()
    texts = []
    for rel in found:
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
            texts.append(fh.read())
    sites = [rel.split("/")[0] if "/" in rel else "" for rel in found]
    return found, texts, sites


def write_table(ids, texts, path, sites=None):
    import pyarrow as pa

    columns = {"id": pa.array(ids, pa.string()), "text": pa.array(texts, pa.large_string())}
    if sites is not None:
        columns["site"] = pa.array(sites, pa.string())
    table = pa.table(columns)
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def read_table(path):
    import pyarrow as pa

    with pa.OSFile(path, "rb") as source:
        return pa.ipc.open_file(source).read_all()


# ---- one tool, in a fresh process -------------------------------------------------------


def run_neardup_dedup(table, threads):
    import neardup

    def call():
        # the site column, when the documents have one, as the command line's folders
        site = "site" if "site" in table.column_names else None
        out = neardup.dedup(table, text="text", id="id", site=site, threads=threads, progress=False,
                            threshold=THRESHOLD, no_containment=True, num_perm=NUM_PERM, ngram=K)
        keep = out.column("keep").to_pylist()
        ids = out.column("id").to_pylist()
        of = out.column("duplicate_of").to_pylist()
        return {i: o for i, k, o in zip(ids, keep, of) if not k}

    return call


def run_neardup_stream(table):
    import neardup

    def call():
        stream = neardup.Deduplicator(threshold=THRESHOLD, num_perm=NUM_PERM, ngram=K)
        dropped = {}
        for start in range(0, table.num_rows, STREAM_BATCH):
            out = stream.add(table.slice(start, STREAM_BATCH), text="text", id="id")
            for row in out.to_pylist():
                if not row["keep"]:
                    dropped[row["id"]] = row["duplicate_of"]
        return dropped

    return call


def run_rensa(table, kind):
    from rensa import CMinHashDeduplicator, RMinHashDeduplicator

    ids = table.column("id").to_pylist()
    # the peers tokenise in Python: shingling is part of their time
    texts = table.column("text").to_pylist()

    def call():
        if kind == "rensa":
            dedup = RMinHashDeduplicator(threshold=THRESHOLD, num_perm=NUM_PERM, use_lsh=True)
        else:
            dedup = CMinHashDeduplicator(threshold=THRESHOLD, num_perm=NUM_PERM)
        dropped = {}
        for start in range(0, len(ids), STREAM_BATCH):
            rows = range(start, min(len(ids), start + STREAM_BATCH))
            batch = [(ids[i], list(shingles(texts[i]))) for i in rows]
            # a document without a shingle is kept and not indexed (as neardup's Empty)
            batch = [(key, toks) for key, toks in batch if toks]
            for (key, _), keep in zip(batch, dedup.add_pairs(batch)):
                if not keep:
                    dropped[key] = None
        return dropped

    return call


def run_datasketch(table):
    from datasketch import MinHash, MinHashLSH

    ids = table.column("id").to_pylist()
    texts = table.column("text").to_pylist()

    def call():
        lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        kept, dropped = {}, {}
        for key, text in zip(ids, texts):
            toks = shingles(text)
            if not toks:
                continue
            m = MinHash(num_perm=NUM_PERM)
            m.update_batch([s.encode("utf-8") for s in toks])
            best, best_key = 0.0, None
            for other in lsh.query(m):
                j = m.jaccard(kept[other])
                if j > best:
                    best, best_key = j, other
            if best >= THRESHOLD:
                dropped[key] = best_key
            else:
                lsh.insert(key, m)
                kept[key] = m
        return dropped

    return call


def worker(tool, table_path, out_path, calls, preload_pandas):
    """Loads the table, runs one tool `calls` times, writes the time of each call, the peak
    memory and the dropped ids of the first call to out_path."""
    table = read_table(table_path)
    if preload_pandas:
        # pyarrow imports pandas (when installed) at its first pa.array() of a Python list:
        # neardup builds its result that way, so its first call would pay that import
        import pyarrow as pa

        pa.array([0])
    setups = {
        "load": lambda: (lambda: {}),
        "neardup-dedup-1": lambda: run_neardup_dedup(table, 1),
        "neardup-dedup": lambda: run_neardup_dedup(table, None),
        "neardup-stream": lambda: run_neardup_stream(table),
        "rensa": lambda: run_rensa(table, "rensa"),
        "rensa-cminhash": lambda: run_rensa(table, "rensa-cminhash"),
        "datasketch": lambda: run_datasketch(table),
    }
    call = setups[tool]()
    before = status_bytes("VmRSS:")
    times, first = [], None
    for _ in range(calls):
        wall, cpu = time.perf_counter(), time.process_time()
        dropped = call()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
        first = dropped if first is None else first
    with open(out_path, "w") as fh:
        json.dump({"wall": times[0][0], "cpu": times[0][1], "times": times, "rss_before": before,
                   "peak_rss": status_bytes("VmHWM:"), "dropped": first}, fh)


def status_bytes(field):
    """A size from /proc/self/status: VmRSS (resident now) or VmHWM (peak resident). Not
    getrusage's ru_maxrss: Linux carries it over from the parent a child was forked from, so
    a child of a big parent would report the parent's size."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def run_once(tool, table_path, workdir, calls, cold_pandas):
    """One fresh process of a tool: its times, memory and dropped ids."""
    out_path = os.path.join(workdir, tool + ".json")
    cmd = [sys.executable, os.path.abspath(__file__), "--calls", str(calls), "--worker", tool, table_path, out_path]
    if cold_pandas:
        cmd.insert(2, "--cold-pandas")
    env = dict(os.environ)
    if tool not in UNPINNED:
        cmd = ["taskset", "-c", "0"] + cmd
        env["RAYON_NUM_THREADS"] = "1"
    child = subprocess.Popen(cmd, env=env)
    if child.wait() != 0:
        sys.exit(f"{tool} failed with exit code {child.returncode}")
    with open(out_path) as fh:
        return json.load(fh)


# ---- what the runs say ------------------------------------------------------------------


def jaccard(a, b):
    return len(a & b) / len(a | b) if a or b else 1.0


def best_earlier(index, order, shingle_sets):
    """The earlier document most similar to document `index` (exact Jaccard of the peers'
    shingles): (its id, the Jaccard)."""
    mine = shingle_sets[index]
    best, best_at = 0.0, None
    for j in range(index):
        s = shingle_sets[j]
        if s and mine:
            v = jaccard(mine, s)
            if v > best:
                best, best_at = v, j
    return (order[best_at] if best_at is not None else None), round(best, 3)


def agreement(first_runs, ids, texts, examples):
    """How the dropped sets of neardup-dedup-1 and each other tool differ, with examples."""
    position = {key: i for i, key in enumerate(ids)}
    shingle_sets = [shingles(t) for t in texts]
    ours = first_runs["neardup-dedup-1"]["dropped"]
    out = {}
    for tool, result in first_runs.items():
        if tool in ("neardup-dedup-1", "load"):
            continue
        theirs = result["dropped"]
        a, b = set(ours), set(theirs)
        only_ours, only_theirs = sorted(a - b), sorted(b - a)
        entry = {
            "both": len(a & b), "only_neardup": len(only_ours), "only_" + tool: len(only_theirs),
            "jaccard_of_dropped_sets": round(len(a & b) / max(1, len(a | b)), 4),
            "examples_only_neardup": [], "examples_only_" + tool: [],
        }
        for key in only_ours[:examples]:
            of = ours[key]
            entry["examples_only_neardup"].append({
                "id": key, "neardup_duplicate_of": of,
                "jaccard_with_it": round(jaccard(shingle_sets[position[key]], shingle_sets[position[of]]), 3),
                "best_earlier": best_earlier(position[key], ids, shingle_sets),
            })
        for key in only_theirs[:examples]:
            entry["examples_only_" + tool].append({
                "id": key, "best_earlier": best_earlier(position[key], ids, shingle_sets),
            })
        out[tool] = entry
    return out


def truth_scores(first_runs, ids, truth_path):
    """Against a generated corpus's truth: of the documents each tool drops, the share that
    are in a labelled cluster with another listed document (precision), and how many of the
    drops the clusters call for it makes (each cluster keeps one: recall)."""
    with open(truth_path) as fh:
        clusters = json.load(fh)["duplicate_clusters"]
    listed = set(ids)
    in_cluster, expected = set(), 0
    for c in clusters:
        members = [m for m in c if m in listed]
        if len(members) > 1:
            in_cluster.update(members)
            expected += len(members) - 1
    out = {}
    for tool, result in first_runs.items():
        if tool == "load":
            continue
        dropped = set(result["dropped"])
        right = len(dropped & in_cluster)
        out[tool] = {"precision": round(right / max(1, len(dropped)), 4),
                     "recall": round(min(right, expected) / max(1, expected), 4)}
    return {"expected_drops": expected, "tools": out}


def summarise(runs, n_docs, n_bytes):
    rows = {}
    for tool, results in runs.items():
        wall = statistics.median(r["wall"] for r in results)
        cpu = statistics.median(r["cpu"] for r in results)
        rows[tool] = {
            "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "docs_per_s": round(n_docs / wall) if tool != "load" else None,
            "mb_per_s": round(n_bytes / 1e6 / wall, 1) if tool != "load" else None,
            "warm_wall_s": round(statistics.median(r["times"][-1][0] for r in results), 3),
            "warm_cpu_s": round(statistics.median(r["times"][-1][1] for r in results), 3),
            "peak_rss_mb": round(statistics.median(r["peak_rss"] for r in results) / 1e6, 1),
            "rss_before_mb": round(statistics.median(r["rss_before"] for r in results) / 1e6, 1),
            "dropped": len(results[0]["dropped"]),
            "walls": [round(r["wall"], 3) for r in results],
        }
    return rows


def versions():
    import datasketch
    import importlib.metadata as md
    import pyarrow

    out = {"python": sys.version.split()[0], "pyarrow": pyarrow.__version__, "datasketch": datasketch.__version__}
    for name in ("neardup", "rensa"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = None
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--reuters", help="the Reuters-21578 folder (.sgm files)")
    source.add_argument("--corpus", help="a folder of .txt files (examples/make_corpus)")
    source.add_argument("--worker", nargs=3, metavar=("TOOL", "TABLE", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--truth", help="with --corpus: its truth.json, to score the drops")
    parser.add_argument("--limit", type=int, default=20000, help="the first N documents (default 20000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each tool, alternating (default 3)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated, of " + ",".join(TOOLS))
    parser.add_argument("--calls", type=int, default=2,
                        help="calls per process: the first is the figure, the last the warm one (default 2)")
    parser.add_argument("--cold-pandas", action="store_true",
                        help="do not let pyarrow import pandas before the clock starts")
    parser.add_argument("--examples", type=int, default=3, help="disagreements shown per side")
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker, args.calls, not args.cold_pandas)
        return
    ids, texts, sites = reuters_documents(args.reuters) if args.reuters else corpus_documents(args.corpus)
    ids, texts = ids[:args.limit], texts[:args.limit]
    sites = sites[:args.limit] if sites is not None else None
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    tools = ["load"] + args.tools.split(",")
    with tempfile.TemporaryDirectory() as workdir:
        table_path = os.path.join(workdir, "docs.arrow")
        write_table(ids, texts, table_path, sites)
        table_bytes = read_table(table_path).nbytes
        runs = {tool: [] for tool in tools}
        for n in range(args.runs):
            for tool in tools:
                runs[tool].append(run_once(tool, table_path, workdir, args.calls, args.cold_pandas))
                print(f"run {n + 1} {tool}: {runs[tool][-1]['wall']:.3f} s", file=sys.stderr)
    first = {tool: results[0] for tool, results in runs.items()}
    report = {
        "documents": len(ids), "bytes": n_bytes, "table_bytes": table_bytes,
        "versions": versions(), "cpus": os.cpu_count(),
        "loadavg_at_end": os.getloadavg(),
        "tools": summarise(runs, len(ids), n_bytes),
        "agreement_with_neardup_dedup_1": agreement(first, ids, texts, args.examples)
        if "neardup-dedup-1" in first else {},
    }
    if args.truth:
        report["truth"] = truth_scores(first, ids, args.truth)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
