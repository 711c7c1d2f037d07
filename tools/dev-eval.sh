#!/usr/bin/env bash
# Scores neardup at its defaults on the development sets of ../shared/data, one block of
# figures per set (see BENCHMARKS.md, "Development sets", for what each figure means):
#
#   big9       template lines on real news pages (Big9 line labels)
#   reuters    natural near-duplicates of Reuters-21578 against exact word 5-gram similarity
#   clough     Clough & Stevenson plagiarised short answers (labelled answer/source pairs)
#   generated  the corpus of examples/make_corpus.rs from 1,500 Reuters stories, with the forms
#              of issue 11 (site variants, thin notices, short chrome, sliding link lists,
#              containment traps; pairs.tsv scores the pairs clusters cannot label)
#   generated-basic  the same without those forms (make_corpus --basic; not run by default)
#
# Usage: tools/dev-eval.sh [WORKDIR] [SET...]
#   WORKDIR  where converted corpora (cached), reports and the detailed outputs go
#            [default: /tmp/neardup-dev-eval]
#   SET      any of big9 reuters clough generated generated-basic
#            [default: big9 reuters clough generated]
# Environment: NEARDUP_DATA, the data folder [default: ../shared/data from the repository].
#
# Needs bash, cargo and python3 (standard library only). Each set's details (the lists of
# lines and pairs got wrong) are written under WORKDIR; the paths are printed.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=/tmp/neardup-dev-eval
sets=()
for a in "$@"; do
  case "$a" in
    big9 | reuters | clough | generated | generated-basic) sets+=("$a") ;;
    -h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "dev-eval: unknown option '$a'" >&2; exit 2 ;;
    *) work=$a ;;
  esac
done
[ ${#sets[@]} -eq 0 ] && sets=(big9 reuters clough generated)
data=${NEARDUP_DATA:-$root/../shared/data}
[ -d "$data" ] || data=/work/shared/data
data=$(cd "$data" && pwd) || { echo "dev-eval: no data folder (set NEARDUP_DATA)" >&2; exit 2; }
mkdir -p "$work" && work=$(cd "$work" && pwd)
py="python3 $root/tools/dev_eval.py"
bin=$root/target/release/neardup

cd "$root"
cargo build --release -q || { echo "dev-eval: the release build failed" >&2; exit 1; }
status=0

echo "neardup dev-eval  $(date -u +%Y-%m-%dT%H:%MZ)  code $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo '+changes')  data $data  work $work"

# Stamp of the converter: a cached conversion is redone when tools/dev_eval.py changes.
stamp=$(cksum <"$root/tools/dev_eval.py" | cut -d' ' -f1)

# Prints the part of an eval output before its first blank line, indented.
head_block() { awk 'NF == 0 { exit } { print "  " $0 }' "$1"; }

run_big9() {
  local d=$data/big9-dev out=$work/big9
  mkdir -p "$out"
  echo
  echo "== big9-dev: template lines on 180 real news pages (9 sites x 2 years) =="
  echo "  neardup eval $d/corpus --truth $d/truth.json -vv"
  if ! "$bin" eval "$d/corpus" --truth "$d/truth.json" -vv >"$out/eval.txt" 2>"$out/eval.err"; then
    echo "  FAILED: $(cat "$out/eval.err")"; status=1; return
  fi
  "$bin" scan "$d/corpus" -q --no-timing --report "$out/report.json" --annotations "$out/annotations.jsonl"
  head_block "$out/eval.txt"
  echo "  details (per site, content lines flagged, recurring boilerplate missed): $out/eval.txt"
}

run_reuters() {
  local out=$work/reuters
  mkdir -p "$out"
  echo
  echo "== reuters21578: natural near-duplicates, --threshold 0.8 --site none =="
  if [ "$(cat "$out/corpus.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$out/corpus" "$out/pairs.tsv"
    $py reuters-corpus "$data/reuters21578" "$out/corpus" >"$out/convert.log" || { echo "  FAILED: conversion"; status=1; return; }
    echo "$stamp" >"$out/corpus.stamp"
  fi
  if [ ! -s "$out/pairs.tsv" ]; then
    $py reuters-pairs "$out/corpus" "$out/pairs.tsv" >"$out/pairs.log" || { echo "  FAILED: exact pairs"; status=1; return; }
  fi
  echo "  corpus: $(cut -d' ' -f1 "$out/convert.log") stories (title + body); exact pairs: $(cut -d' ' -f3- "$out/pairs.log" | sed 's/ written to .*//')"
  echo "  neardup scan $out/corpus --threshold 0.8 --site none"
  if ! "$bin" scan "$out/corpus" --threshold 0.8 --site none -q --no-timing \
      --report "$out/report.json" --annotations "$out/annotations.jsonl" 2>"$out/scan.err"; then
    echo "  FAILED: $(cat "$out/scan.err")"; status=1; return
  fi
  $py reuters-score "$out/corpus" "$out/pairs.tsv" "$out/report.json" "$out/annotations.jsonl" >"$out/score.txt" || { echo "  FAILED: scoring"; status=1; return; }
  grep -v '^    ' "$out/score.txt" | grep -v '^  missed pairs'
  echo "  details (every wrong drop with both texts, missed pairs): $out/score.txt"
}

run_clough() {
  local out=$work/clough
  mkdir -p "$out/corpus"
  echo
  echo "== clough-stevenson: 95 answers / 5 sources; cut + light = duplicate, non = not, heavy apart =="
  cp -p "$data/clough-stevenson/docs.jsonl" "$out/corpus/docs.jsonl"
  echo "  $($py clough-labels "$data/clough-stevenson/pairs.tsv" "$out")"
  echo "  $($py clough-exact "$out/corpus/docs.jsonl" "$data/clough-stevenson/pairs.tsv")"
  local flags
  for flags in "" "--containment 0.5"; do
    echo "  neardup eval $out/corpus --labels $out/cut-light.tsv${flags:+ $flags}"
    # shellcheck disable=SC2086
    if ! "$bin" eval "$out/corpus" --labels "$out/cut-light.tsv" $flags >"$out/eval.txt" 2>"$out/eval.err"; then
      echo "  FAILED: $(cat "$out/eval.err")"; status=1; continue
    fi
    sed -n 's/^labelled pairs  */    cut+light: /p' "$out/eval.txt"
    # shellcheck disable=SC2086
    "$bin" eval "$out/corpus" --labels "$out/heavy.tsv" $flags 2>/dev/null | awk '
      /^labelled pairs/ { gsub(/[(),]/, " "); for (i = 1; i <= NF; i++) v[$i] = $(i + 1)
        printf "    heavy (not scored above): recall %s (%d of %d found)\n", v["recall"], v["TP"], v["TP"] + v["FN"] }'
    # shellcheck disable=SC2086
    "$bin" scan "$out/corpus" -q --no-timing --report "$out/report.json" --annotations "$out/annotations.jsonl" $flags &&
      $py clough-drops "$out/corpus/docs.jsonl" "$out/annotations.jsonl" | sed 's/^/    /'
  done
  echo "  details: neardup eval $out/corpus --labels $out/cut-light.tsv [flags] (threshold sweep)"
}

# run_generated NAME [make_corpus flags]: the generated corpus, scored with its truth.json and,
# when it has labelled pairs, its pairs.tsv.
run_generated() {
  local name=$1 out=$work/$1
  shift
  echo
  echo "== $name: examples/make_corpus --reuters --stories 1500${*:+ $*} =="
  echo "  cargo run --release --example make_corpus -- $out --reuters $data/reuters21578 --stories 1500${*:+ $*}"
  rm -rf "$out"
  if ! cargo run --release -q --example make_corpus -- "$out" --reuters "$data/reuters21578" --stories 1500 "$@" \
      >"$work/$name.log" 2>&1; then
    echo "  FAILED to build or run make_corpus (see $work/$name.log):"
    tail -5 "$work/$name.log" | sed 's/^/    /'
    status=1; return
  fi
  local labels=()
  [ "$(wc -l <"$out/pairs.tsv")" -gt 1 ] && labels=(--labels "$out/pairs.tsv")
  echo "  neardup eval $out/corpus --truth $out/truth.json${labels[*]:+ ${labels[*]}}"
  if ! "$bin" eval "$out/corpus" --truth "$out/truth.json" "${labels[@]}" >"$out/eval.txt" 2>"$out/eval.err"; then
    echo "  FAILED: $(cat "$out/eval.err")"; status=1; return
  fi
  echo "  $(ls -R "$out/corpus" | grep -c '\.txt$') documents$([ ${#labels[@]} -gt 0 ] && echo ", $(($(wc -l <"$out/pairs.tsv") - 1)) pairs labelled one by one in pairs.tsv (containment traps, thin notices)")"
  grep -v '^  \(false\|missed\) pair' "$out/eval.txt" | sed 's/^/  /'
  echo "  details (false and missed pairs): $out/eval.txt"
}

for s in "${sets[@]}"; do
  case "$s" in
    generated) run_generated generated ;;
    generated-basic) run_generated generated-basic --basic ;;
    *) "run_$s" ;;
  esac
done
exit $status
