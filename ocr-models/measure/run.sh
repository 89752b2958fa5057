#!/bin/sh
# Measures whether vie.user-words (and the patterns tried) lower Tesseract's character error rate.
#
# usage: ocr-models/measure/run.sh OUT [SEED] [GEN-OPTIONS...]
# From the repository root, after `make all` (build/tests/gen_pages). Generates every
# document of the catalogue once (default: --noise 0.3 --skew 2 --stamp, seed SEED, default 1)
# into OUT/pages, runs the tesseract CLI on each page (one at a time, OMP_THREAD_LIMIT=1) for
# vie and vie+eng, each without and with the word list, the patterns (measure/vie.user-patterns.tried)
# and both, into OUT/CONFIG/,
# and prints cer.py's table. Pages already recognised are not run again.
set -eu
[ $# -ge 1 ] || { echo "usage: run.sh OUT [SEED] [GEN-OPTIONS...]" >&2; exit 2; }
out=$1
seed=${2:-1}
if [ $# -ge 2 ]; then shift 2; else shift 1; fi
[ $# -gt 0 ] || set -- --noise 0.3 --skew 2 --stamp
here=$(cd "$(dirname "$0")" && pwd)
models=$(dirname "$here")
gen=${GEN_PAGES:-build/tests/gen_pages}

if [ ! -f "$out/pages/manifest.json" ]; then
    "$gen" --all --seed "$seed" "$@" --out "$out/pages" >&2
fi
words="--user-words $models/vie.user-words"
patterns="--user-patterns $here/vie.user-patterns.tried"
export OMP_THREAD_LIMIT=1
for lang in vie vie+eng; do
    for extra in base words patterns both; do
        case $extra in
            base) opts= ;;
            words) opts=$words ;;
            patterns) opts=$patterns ;;
            both) opts="$words $patterns" ;;
        esac
        dir="$out/$lang-$extra"
        mkdir -p "$dir"
        for png in "$out"/pages/*.png; do
            name=$(basename "$png" .png)
            [ -f "$dir/$name.txt" ] && continue
            # shellcheck disable=SC2086 # opts are separate words on purpose
            tesseract "$png" "$dir/$name" -l "$lang" $opts 2>>"$dir/stderr.log" >/dev/null
        done
    done
done
python3 "$here/cer.py" "$out/pages" "$out"/vie-base "$out"/vie-words "$out"/vie-patterns "$out"/vie-both
python3 "$here/cer.py" "$out/pages" "$out"/vie+eng-base "$out"/vie+eng-words "$out"/vie+eng-patterns "$out"/vie+eng-both
