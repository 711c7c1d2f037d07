#!/usr/bin/env python3
"""Helpers of tools/dev-eval.sh (Python standard library only).

    dev_eval.py reuters-corpus SGM_DIR OUT_DIR        Reuters-21578 stories -> OUT_DIR/NNNNN.txt
    dev_eval.py reuters-pairs CORPUS_DIR OUT.tsv      exact word 5-gram Jaccard / containment
    dev_eval.py reuters-score CORPUS_DIR PAIRS.tsv REPORT.json ANNOTATIONS.jsonl
    dev_eval.py clough-labels PAIRS.tsv OUT_DIR       graded labels -> 0/1 files for eval --labels
    dev_eval.py clough-exact DOCS.jsonl PAIRS.tsv     exact containment of answers in sources
    dev_eval.py clough-drops DOCS.jsonl ANNOTATIONS   dropped documents against their duplicate_of

Words are normalised the way neardup does it: maximal runs of Unicode letters and digits,
lower-cased, apostrophes inside a word dropped. A shingle is 5 consecutive words of the whole
document (a document of fewer words is one shingle). Containment is |A n B| / min(|A|, |B|).
"""
import collections
import html
import json
import os
import re
import sys

APOSTROPHES = re.compile("['\u2019\u02bc\u2018\u00ad]")
WORD = re.compile(r"[^\W_]+")
K = 5


def words(text):
    return WORD.findall(APOSTROPHES.sub("", text.lower()))


def shingles(text):
    w = words(text)
    if not w:
        return frozenset()
    if len(w) < K:
        return frozenset([" ".join(w)])
    return frozenset(" ".join(w[i:i + K]) for i in range(len(w) - K + 1))


def jc(a, b):
    """Exact Jaccard and containment of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# ---------------------------------------------------------------- Reuters-21578

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def reuters_stories(sgm_dir):
    """(NEWID, title, body) of every story with a body, in file order."""
    names = sorted(n for n in os.listdir(sgm_dir) if n.endswith(".sgm"))
    for name in names:
        raw = open(os.path.join(sgm_dir, name), "rb").read().decode("utf-8", "replace")
        for chunk in raw.split("</REUTERS>"):
            body = re.search(r"<BODY>(.*?)</BODY>", chunk, re.S)
            newid = re.search(r'NEWID="(\d+)"', chunk)
            if not body or not newid:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", chunk, re.S)
            title = CONTROL.sub("", html.unescape(title.group(1))).strip() if title else ""
            lines = CONTROL.sub("", html.unescape(body.group(1))).rstrip().split("\n")
            # the sign-off closing every story is not part of it
            while lines and lines[-1].strip().lower() in ("reuter", "reuters", ""):
                lines.pop()
            yield int(newid.group(1)), title, "\n".join(l.rstrip() for l in lines)


def cmd_reuters_corpus(sgm_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    n = 0
    for newid, title, body in reuters_stories(sgm_dir):
        text = (title + "\n\n" if title else "") + body + "\n"
        write_if_changed(os.path.join(out_dir, "%05d.txt" % newid), text)
        n += 1
    print(f"{n} stories written to {out_dir}")


def read_corpus(corpus):
    ids = sorted(n for n in os.listdir(corpus) if n.endswith(".txt"))
    return {i: open(os.path.join(corpus, i), encoding="utf-8").read() for i in ids}


def cmd_reuters_pairs(corpus, out):
    """Every pair of documents that shares a shingle, with exact Jaccard and containment;
    pairs below 0.3 on both are left out of the file."""
    texts = read_corpus(corpus)
    ids = list(texts)
    sets = [shingles(texts[i]) for i in ids]
    postings = collections.defaultdict(list)
    for n, s in enumerate(sets):
        for sh in s:
            postings[sh].append(n)
    inter = collections.Counter()
    for docs in postings.values():
        if len(docs) > 1:
            for x in range(len(docs)):
                a = docs[x]
                for b in docs[x + 1:]:
                    inter[(a, b)] += 1
    kept = 0
    with open(out + ".tmp", "w") as f:
        f.write("a\tb\tshared\tjaccard\tcontainment\n")
        for (a, b), c in sorted(inter.items()):
            j = c / (len(sets[a]) + len(sets[b]) - c)
            k = c / min(len(sets[a]), len(sets[b]))
            if j >= 0.3 or k >= 0.3:
                f.write(f"{ids[a]}\t{ids[b]}\t{c}\t{j:.4f}\t{k:.4f}\n")
                kept += 1
    os.replace(out + ".tmp", out)
    print(f"{len(ids)} documents, {len(inter)} pairs share a shingle, "
          f"{kept} with Jaccard or containment >= 0.3 written to {out}")


def first_line(text, n=90):
    line = next((l.strip() for l in text.split("\n") if l.strip()), "")
    return line if len(line) <= n else line[:n] + "..."


def snippet(text, n=160):
    t = " ".join(text.split())
    return t if len(t) <= n else t[:n] + "..."


def drop_figures(texts, anns, low):
    """Every dropped document (annotation with duplicate_of) against the document it is dropped
    for, by exact similarity; the drops below `low` on both figures listed with both texts."""
    members = collections.defaultdict(list)
    for a in anns:
        if a.get("cluster") is not None:
            members[a["cluster"]].append(a["id"])
    sets = {}

    def sh(i):
        if i not in sets:
            sets[i] = shingles(texts[i])
        return sets[i]

    bad, buckets, containers = [], collections.Counter(), []
    for a in anns:
        rep = a.get("duplicate_of")
        if not rep:
            continue
        j, k = jc(sh(a["id"]), sh(rep))
        buckets[f"J >= {low}" if j >= low else f"J < {low}, C >= {low}" if k >= low
                else f"J and C < {low}"] += 1
        if j < low <= k and len(sh(a["id"])) > len(sh(rep)):
            containers.append(a["id"])
        if j < low and k < low:
            # its best direct match in its cluster: chained through it, or joined on nothing?
            best = max(((jc(sh(a["id"]), sh(o)), o) for o in members[a["cluster"]] if o != a["id"]),
                       key=lambda x: max(x[0]))
            bad.append((a["id"], rep, j, k, best))
    out = ["dropped documents by exact similarity to their duplicate_of: " +
           ", ".join(f"{k} {v}" for k, v in sorted(buckets.items())),
           f"dropped although they contain their duplicate_of (J < {low}, C >= {low}, larger): "
           f"{len(containers)}" + (f" ({', '.join(containers[:8])}{', ...' if len(containers) > 8 else ''})"
                                   if containers else ""),
           f"dropped as a duplicate of a document with exact Jaccard and containment < {low}: {len(bad)}"]
    for d, rep, j, k, ((bj, bk), bo) in bad:
        out.append(f"  {d} -> {rep}  J {j:.2f} C {k:.2f}  (best direct match in the cluster: "
                   f"{bo} J {bj:.2f} C {bk:.2f})")
        out.append(f"    {d}: {snippet(texts[d])}")
        out.append(f"    {rep}: {snippet(texts[rep])}")
    return out


def cmd_reuters_score(corpus, pairs_tsv, report_path, ann_path):
    texts = read_corpus(corpus)
    report = json.load(open(report_path))
    anns = [json.loads(l) for l in open(ann_path) if l.strip()]
    cluster_of = {}
    members = collections.defaultdict(list)
    for c in report["duplicate_clusters"]:
        for m in c["documents"]:
            cluster_of[m["id"]] = c["id"]
            members[c["id"]].append(m["id"])
    pairs = []
    for line in open(pairs_tsv).read().split("\n")[1:]:
        if line:
            a, b, _, j, k = line.split("\t")
            pairs.append((a, b, float(j), float(k)))
    joined = lambda a, b: a in cluster_of and cluster_of.get(a) == cluster_of.get(b)

    def recall(sel, title):
        sel = list(sel)
        hit = [p for p in sel if joined(p[0], p[1])]
        share = len(hit) / len(sel) if sel else 1.0
        print(f"  {title}: {share:.4f} ({len(hit)} of {len(sel)})")
        return [p for p in sel if not joined(p[0], p[1])]

    s = report["summary"]
    print(f"  documents {s['documents']}, clusters {s['duplicate_clusters']}, documents dropped "
          f"{s['duplicate_documents']}; exact pairs with Jaccard >= 0.85: "
          f"{sum(1 for p in pairs if p[2] >= 0.85)}")
    missed = recall((p for p in pairs if p[2] >= 0.85), "pairs with exact Jaccard >= 0.85 in one cluster")
    missed_c = recall((p for p in pairs if p[2] < 0.85 and p[3] >= 0.8),
                      "pairs with Jaccard < 0.85 and containment >= 0.8 in one cluster (info)")
    for line in drop_figures(texts, anns, 0.7):
        print("  " + line)
    for title, lst in (("missed pairs with Jaccard >= 0.85", missed),
                       ("missed pairs with containment >= 0.8 (first 15)", missed_c[:15])):
        if lst:
            print(f"  {title}:")
            for a, b, j, k in lst:
                print(f"    {a} ~ {b}  J {j:.2f} C {k:.2f}  {first_line(texts[a], 60)!r}")


# ---------------------------------------------------------------- Clough & Stevenson

def cmd_clough_labels(pairs_tsv, out_dir):
    """cut and light revisions are duplicates (1), independent answers not (0); heavy revisions
    are left out of the main file and scored alone (all 1) for their recall."""
    os.makedirs(out_dir, exist_ok=True)
    main, heavy, counts = ["a\tb\tlabel"], ["a\tb\tlabel"], collections.Counter()
    for n, line in enumerate(open(pairs_tsv, encoding="utf-8").read().split("\n")):
        f = line.split("\t")
        if n == 0 or len(f) < 4:
            continue
        a, b, cls = f[0], f[1], f[3].strip()
        counts[cls] += 1
        if cls in ("cut", "light"):
            main.append(f"{a}\t{b}\t1")
        elif cls == "non":
            main.append(f"{a}\t{b}\t0")
        elif cls == "heavy":
            heavy.append(f"{a}\t{b}\t1")
        else:
            sys.exit(f"{pairs_tsv}:{n + 1}: unknown class '{cls}'")
    write_if_changed(os.path.join(out_dir, "cut-light.tsv"), "\n".join(main) + "\n")
    write_if_changed(os.path.join(out_dir, "heavy.tsv"), "\n".join(heavy) + "\n")
    print("pairs by class: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def cmd_clough_exact(docs_jsonl, pairs_tsv):
    """How many answers of each class lie inside their source by exact word 5-gram containment:
    the recall a containment threshold can reach at best."""
    texts = {}
    for line in open(docs_jsonl, encoding="utf-8-sig"):
        if line.strip():
            d = json.loads(line)
            texts[d["id"]] = d["text"]
    by_class = collections.defaultdict(list)
    for n, line in enumerate(open(pairs_tsv, encoding="utf-8").read().split("\n")):
        f = line.split("\t")
        if n == 0 or len(f) < 4:
            continue
        by_class[f[3].strip()].append(jc(shingles(texts[f[0]]), shingles(texts[f[1]]))[1])
    parts = []
    for cls in ("cut", "light", "heavy", "non"):
        c = by_class.get(cls, [])
        parts.append(f"{cls} {sum(x >= 0.8 for x in c)} / {sum(x >= 0.5 for x in c)} / "
                     f"{sum(x == 0 for x in c)} of {len(c)}")
    print("exact containment of the answer in its source >= 0.8 / >= 0.5 / = 0: " + ", ".join(parts))


def cmd_clough_drops(docs_jsonl, ann_path):
    """The dropped documents of a scan of the Clough & Stevenson texts against their
    duplicate_of (0.5 as the line between related and unrelated)."""
    texts = {}
    for line in open(docs_jsonl, encoding="utf-8-sig"):
        if line.strip():
            d = json.loads(line)
            texts[d["id"]] = d["text"]
    anns = [json.loads(l) for l in open(ann_path) if l.strip()]
    for line in drop_figures(texts, anns, 0.5):
        if not line.startswith("    "):
            print(line)


COMMANDS = {
    "reuters-corpus": (cmd_reuters_corpus, 2),
    "reuters-pairs": (cmd_reuters_pairs, 2),
    "reuters-score": (cmd_reuters_score, 4),
    "clough-labels": (cmd_clough_labels, 2),
    "clough-exact": (cmd_clough_exact, 2),
    "clough-drops": (cmd_clough_drops, 2),
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS or len(sys.argv) - 2 != COMMANDS[sys.argv[1]][1]:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]][0](*sys.argv[2:])
