"""End-to-end near-duplicate pipelines of peer tools on one corpus, one tool per process.

Every tool gets the same job: read every .txt file under CORPUS, lowercase, word 5-gram
shingles, 128 permutations, LSH for Jaccard 0.8, then candidate pairs verified against the
signature (estimated Jaccard >= 0.8) where the tool offers it. Prints one JSON line: tool,
seconds, documents, bytes, verified pairs.

python benches/peers/run_peers.py TOOL CORPUS [TRUTH]   # TOOL: datasketch | rensa | gaoya
With TRUTH (a generated corpus's truth.json), also pair precision and recall.
Run it through /usr/bin/time -v for peak memory (benches/peers/compare.sh does).
"""
import json
import os
import re
import sys
import time

THRESHOLD, NUM_PERM, K = 0.8, 128, 5
WORD = re.compile(r"\w+")


def read_corpus(root):
    docs, ids = [], []
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".txt"):
                path = os.path.join(dirpath, f)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    docs.append(fh.read())
                ids.append(os.path.relpath(path, root).replace(os.sep, "/"))
    return docs, ids


def score(pairs, ids, truth_path):
    """Pair precision and recall against a truth file's duplicate clusters (neardup's format)."""
    with open(truth_path) as fh:
        clusters = json.load(fh)["duplicate_clusters"]
    labelled = set()
    for c in clusters:
        for i, a in enumerate(c):
            for b in c[i + 1:]:
                labelled.add((min(a, b), max(a, b)))
    found = {(min(ids[i], ids[j]), max(ids[i], ids[j])) for i, j in pairs}
    tp = len(found & labelled)
    return {"precision": round(tp / max(1, len(found)), 4), "recall": round(tp / max(1, len(labelled)), 4)}


def shingles(text):
    words = WORD.findall(text.lower())
    return {" ".join(words[i:i + K]) for i in range(max(0, len(words) - K + 1))}


def run_datasketch(docs):
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    sigs = []
    for i, d in enumerate(docs):
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode() for s in shingles(d)])
        sigs.append(m)
        lsh.insert(i, m)
    pairs = set()
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j != i and sigs[i].jaccard(sigs[j]) >= THRESHOLD:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def run_rensa(docs):
    from rensa import RMinHash, RMinHashLSH

    # the batch API: digests for all token sets at once
    sets = [list(shingles(d)) for d in docs]
    digests = RMinHash.digests_from_token_sets(sets, NUM_PERM, 42)
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=16)
    hashes = []
    for i, toks in enumerate(sets):
        m = RMinHash(num_perm=NUM_PERM, seed=42)
        m.update(toks)
        hashes.append(m)
        lsh.insert(i, m)
    del digests
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i and hashes[i].jaccard(hashes[j]) >= THRESHOLD:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def run_gaoya(docs):
    from gaoya.minhash import MinHashStringIndex

    index = MinHashStringIndex(
        hash_size=32, jaccard_threshold=THRESHOLD, num_bands=16, band_size=8,
        analyzer="word", lowercase=True, ngram_range=(K, K),
    )
    # gaoya's own parallel bulk insert and query (one thread under taskset)
    index.par_bulk_insert_docs(list(range(len(docs))), docs)
    results = index.par_bulk_query(docs)
    pairs = set()
    for i, found in enumerate(results):
        for j in found:
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def main():
    tool, root = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    docs, ids = read_corpus(root)
    pairs = {"datasketch": run_datasketch, "rensa": run_rensa, "gaoya": run_gaoya}[tool](docs)
    seconds = time.perf_counter() - start
    result = {
        "tool": tool, "seconds": round(seconds, 3), "documents": len(docs),
        "bytes": sum(len(d.encode()) for d in docs), "pairs": len(pairs),
    }
    if len(sys.argv) > 3:
        result.update(score(pairs, ids, sys.argv[3]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
