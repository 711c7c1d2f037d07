#!/usr/bin/env python3
"""Builds the HTML article-extraction development sets of neardup (see README.md).

Each set is SET/html/<site>/<page>.html[.gz] and SET/gold/<site>/<page>.txt, the layout
`neardup eval SET/html --gold SET/gold` pairs (gold path = page path with .html[.gz] -> .txt;
the site is the top-level folder).

Usage: build.py OUT_DIR [SET...]     (sets: aeb l3s readability big9; default all)

Sources (git mirrors, read with `git archive`, no work tree needed):
  aeb          /work/.mirror/scrapinghub+article-extraction-benchmark/repo  html/*.html.gz,
               ground-truth.json (articleBody). Flat: pages directly under html/ (no site
               folders), as the project measured it.
  l3s          /work/.mirror/geodrome+page-signal/repo  L3S-GN1-20100130203947-00001/
               original/*.html (pages), annotated/*.html (gold = text of the spans of class
               x-nc-sel1 headline and x-nc-sel2 full text), url-mapping.txt (host folders).
               Pages whose gold is empty would be left out (none are: all 621 kept,
               not the 536 BENCHMARKS.md names; see README.md).
  readability  /work/.mirror/mozilla+readability/repo  test/test-pages/<name>/source.html,
               gold = visible text of expected.html, block elements as line breaks.
  big9         /work/shared/data/big9-dev html/ and gold/ (symlinks, already in this layout).
Needs lxml (/work/dev-data/venv/bin/python has it).
"""
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.parse

import lxml.html

MIRRORS = os.environ.get("MIRRORS", "/work/.mirror")
AEB_GIT = f"{MIRRORS}/scrapinghub+article-extraction-benchmark/repo"
L3S_GIT = f"{MIRRORS}/geodrome+page-signal/repo"
L3S_DIR = "L3S-GN1-20100130203947-00001"
READABILITY_GIT = f"{MIRRORS}/mozilla+readability/repo"
BIG9 = os.environ.get("BIG9", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/data/big9-dev"))

# Elements whose start and end break a line in the visible text (HTML's block-level and
# line-breaking elements).
BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
INVISIBLE = {"script", "style", "noscript", "template", "head", "title"}


def git_files(git_dir, paths):
    """{path: bytes} of the files under `paths` at HEAD of a bare mirror."""
    tar = subprocess.run(
        ["git", f"--git-dir={git_dir}", "archive", "HEAD", *paths],
        check=True, capture_output=True,
    ).stdout
    out = {}
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        for m in t.getmembers():
            if m.isfile():
                out[m.name] = t.extractfile(m).read()
    return out


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
        f.write(data)


def fresh(out, name):
    root = os.path.join(out, name)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    return root


def build_aeb(out):
    """ScrapingHub AEB: html/<id>.html.gz, gold/<id>.txt (articleBody), flat: the layout the
    project measured with (one folder per page scores R 0.966 instead of 0.968)."""
    root = fresh(out, "aeb")
    files = git_files(AEB_GIT, ["html", "ground-truth.json"])
    truth = json.loads(files["ground-truth.json"])
    sources = []
    for page_id, item in sorted(truth.items()):
        page = files[f"html/{page_id}.html.gz"]
        write(f"{root}/html/{page_id}.html.gz", page)
        write(f"{root}/gold/{page_id}.txt", item["articleBody"])
        sources.append({"page": page_id, "url": item["url"]})
    write(f"{root}/pages.json", json.dumps(sources, indent=1) + "\n")
    return len(truth)


def visible_text(node, out):
    """Appends the visible text of `node` to the list `out`, "\n" around block elements."""
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag.lower() in INVISIBLE or not isinstance(node.tag, str):
        if node.tail:
            out.append(node.tail)
        return
    block = tag.lower() in BLOCKS
    if block:
        out.append("\n")
    if node.text:
        out.append(node.text)
    for child in node:
        visible_text(child, out)
    if block:
        out.append("\n")
    if node.tail:
        out.append(node.tail)


def text_lines(parts):
    """The joined parts as lines: whitespace collapsed, blank lines dropped."""
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line) + "\n"


def l3s_gold(annotated):
    """Text of an annotated L3S page whose innermost x-nc-sel label is 1 (headline) or 2
    (full text). Labelled spans nest (a sel1 span inside a sel1 span), so each text node is
    taken once, under its innermost label."""
    doc = lxml.html.document_fromstring(annotated)
    parts = []
    labelled_text(doc.body if doc.find("body") is not None else doc, None, parts)
    return text_lines(parts)


def sel_label(node):
    for c in (node.get("class") or "").split():
        if c.startswith("x-nc-sel") and c[8:].isdigit():
            return int(c[8:])
    return None


def labelled_text(node, label, out):
    """Appends the text under `node` whose label (innermost x-nc-sel class) is 1 or 2."""
    if not isinstance(node.tag, str) or node.tag.lower() in INVISIBLE:
        return
    own = sel_label(node)
    inner = own if own is not None else label
    brk = own is not None or node.tag.lower() in BLOCKS
    if brk:
        out.append("\n")
    if node.text and inner in (1, 2):
        out.append(node.text)
    for child in node:
        labelled_text(child, inner, out)
        if child.tail and inner in (1, 2):
            out.append(child.tail)
    if brk:
        out.append("\n")


def l3s_host(url):
    host = (urllib.parse.urlsplit(url).hostname or "unknown").lower()
    return host


def build_l3s(out):
    """L3S-GN1: html/<host>/<uuid>.html, gold/<host>/<uuid>.txt; empty gold left out."""
    root = fresh(out, "l3s")
    files = git_files(L3S_GIT, [f"{L3S_DIR}/original", f"{L3S_DIR}/annotated",
                                f"{L3S_DIR}/url-mapping.txt"])
    url_of = {}
    for line in files[f"{L3S_DIR}/url-mapping.txt"].decode("utf-8").splitlines():
        if line.strip():
            urn, url = line.split("\t", 1)
            url_of[urn.strip("<>").removeprefix("urn:uuid:")] = url.strip()
    kept, empty, pages = 0, [], []
    for name in sorted(files):
        if not name.startswith(f"{L3S_DIR}/original/"):
            continue
        page_id = name.rsplit("/", 1)[1].removesuffix(".html")
        gold = l3s_gold(files[f"{L3S_DIR}/annotated/{page_id}.html"])
        if not gold.strip():
            empty.append(page_id)
            continue
        host = l3s_host(url_of[page_id])
        write(f"{root}/html/{host}/{page_id}.html", files[name])
        write(f"{root}/gold/{host}/{page_id}.txt", gold)
        pages.append({"page": f"{host}/{page_id}", "url": url_of[page_id]})
        kept += 1
    write(f"{root}/pages.json", json.dumps(pages, indent=1) + "\n")
    write(f"{root}/empty-gold.txt", "".join(f"{p}\t{url_of[p]}\n" for p in empty))
    return kept


def build_readability(out):
    """Readability test pages: html/<name>/source.html, gold/<name>/source.txt."""
    root = fresh(out, "readability")
    files = git_files(READABILITY_GIT, ["test/test-pages"])
    count = 0
    for name in sorted(files):
        if not name.endswith("/source.html"):
            continue
        page = name.split("/")[2]
        expected = files[f"test/test-pages/{page}/expected.html"]
        doc = lxml.html.document_fromstring(expected.decode("utf-8"))
        parts = []
        visible_text(doc, parts)
        write(f"{root}/html/{page}/source.html", files[name])
        write(f"{root}/gold/{page}/source.txt", text_lines(parts))
        count += 1
    return count


def build_big9(out):
    """Big9 development: symlinks to the shared html/ and gold/."""
    root = fresh(out, "big9")
    for part in ("html", "gold"):
        os.symlink(f"{BIG9}/{part}", f"{root}/{part}")
    return sum(len(fs) for _, _, fs in os.walk(f"{BIG9}/gold"))


def main():
    out = sys.argv[1]
    sets = sys.argv[2:] or ["aeb", "l3s", "readability", "big9"]
    builders = {"aeb": build_aeb, "l3s": build_l3s, "readability": build_readability,
                "big9": build_big9}
    for name in sets:
        print(f"{name}: {builders[name](out)} pages")


if __name__ == "__main__":
    main()
