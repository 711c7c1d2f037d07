#!/usr/bin/env bash
# Scores the HTML article-extraction development sets with a neardup binary.
#
# Usage: score.sh BINARY [SET...]        SET: big9 aeb l3s readability (default: all four)
# Env:   OUT=DIR       where the per-page details go (default: a new /tmp/html-sets-scores.XXXX)
#        THREADS=N     -j for the scans (default 1: the machine is shared; results do not
#                      depend on it)
#
# Prints one line per set:  SET P R F1 pages details-file
# The details file is `neardup eval SET/html --gold SET/gold -v` in full: the overall line,
# one line per top-level folder (site), one line per page (its P/R/F1, words kept and gold),
# and how many gold pages had no cleaned file (dropped as near-duplicates).
# To see what a change lost: diff the details files of two binaries, or sort a file's page
# lines by recall: grep '\.txt ' DETAILS | sort -k5,5n | head
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 BINARY [SET...]   (sets: big9 aeb l3s readability)" >&2
    exit 2
fi
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
sets=("$@")
[ ${#sets[@]} -eq 0 ] && sets=(big9 aeb l3s readability)
out="${OUT:-$(mktemp -d /tmp/html-sets-scores.XXXX)}"
mkdir -p "$out"
threads="${THREADS:-1}"
status=0
for set in "${sets[@]}"; do
    dir="$here/$set"
    if [ ! -d "$dir/html" ] || [ ! -d "$dir/gold" ]; then
        echo "$set: no such set ($dir/html, $dir/gold)" >&2
        status=2
        continue
    fi
    details="$out/$set.txt"
    if ! "$bin" eval "$dir/html" --gold "$dir/gold" -v -j "$threads" >"$details" 2>&1; then
        echo "$set: neardup eval failed, see $details" >&2
        status=1
        continue
    fi
    pages=$(find -L "$dir/gold" -type f -name '*.txt' | wc -l)
    # "  overall   P 0.950 R 0.968 F1 0.959 (139098 words kept, 136460 gold)"
    awk -v set="$set" -v pages="$pages" -v details="$details" '
        $1 == "overall" { print set, $3, $5, $7, pages, details; found = 1 }
        END { if (!found) { print set ": no overall line in " details > "/dev/stderr"; exit 1 } }
    ' "$details" || status=1
done
exit $status
