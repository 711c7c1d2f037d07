#!/usr/bin/env python3
"""Runs trafilatura and jusText on a folder of HTML pages, writing the text each extracts as
OUT/<tool>/<site>/<page>.txt, so `neardup eval OUT/<tool> --gold GOLD --cleaned` scores them
with the same scorer as neardup's own clean copy (see BENCHMARKS.md, "HTML pages").

Usage: tools/html-baselines.py HTML_DIR OUT_DIR
Needs trafilatura and justext installed (e.g. in a venv: pip install trafilatura==2.3.1 justext).
"""
import os
import sys
import time

import justext
import trafilatura


def read(path):
    with open(path, "rb") as f:
        return f.read()


def run_justext(raw):
    paragraphs = justext.justext(raw, justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def run_trafilatura(raw):
    return trafilatura.extract(raw) or ""


def main():
    html_dir, out_dir = sys.argv[1], sys.argv[2]
    pages = []
    for root, _, files in os.walk(html_dir):
        for name in sorted(files):
            if name.endswith((".html", ".htm")):
                pages.append(os.path.join(root, name))
    pages.sort()
    for tool, fn in (("trafilatura", run_trafilatura), ("justext", run_justext)):
        start, size = time.time(), 0
        for path in pages:
            raw = read(path)
            size += len(raw)
            rel = os.path.relpath(path, html_dir)
            target = os.path.join(out_dir, tool, os.path.splitext(rel)[0] + ".txt")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as f:
                f.write(fn(raw))
        took = time.time() - start
        print(f"{tool}: {len(pages)} pages, {size / 1e6:.1f} MB in {took:.1f} s ({size / 1e6 / took:.2f} MB/s)")


if __name__ == "__main__":
    main()
