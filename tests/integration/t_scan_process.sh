#!/usr/bin/env bash
# motcua-scan process on generated dossiers (tests/fixtures/gen_pages): a complete khaisinh dossier
# (stamp, skewed pages, a blank back, a page upside down) and an incomplete lltp one (cccd missing,
# optional power of attorney, every page upside down, noisy) plus a truncated image. Checked against
# the generator's manifest: each page's document, blank flags, rotation and skew, the completeness
# verdict and missing ids, one clear error for the truncated page only, text/<stem>.txt per page,
# dossier.pdf with one searchable page per recognised page. About 8 pages of OCR in all.
source "$(dirname "$0")/lib.sh"

SCAN="$BIN/motcua-scan"
GEN="$REPO/$BUILD/tests/gen_pages"
[[ -x $SCAN ]] || fail "$SCAN is not built (make all)"
[[ -x $BIN/motcua-scan-worker ]] || fail "$BIN/motcua-scan-worker is not built (make all)"
for tool in pdfinfo pdftotext python3; do
    command -v "$tool" > /dev/null || fail "$tool not found (make deps)"
done
if [[ ! -x $GEN ]]; then
    note "building the fixture generator"
    (cd "$REPO" && tests/fixtures/build.sh "$BUILD") > "$DIR/gen-build.log" 2>&1 ||
        fail "tests/fixtures/build.sh failed: $(tail -5 "$DIR/gen-build.log")"
fi

# Renders a dossier into DIR/fx-NAME: gen_pages options after the name.
generate() {
    local name=$1
    shift
    (cd "$REPO" && "$GEN" --out "$DIR/fx-$name" --plugins plugins --gray "$@") > "$DIR/gen-$name.log" 2>&1 ||
        fail "gen_pages $* failed: $(tail -5 "$DIR/gen-$name.log")"
}

# Fixture variants the checks below rely on: fail early if the generator stopped making them.
# $1 dossier, $2 jq condition on the manifest's pages that must hold for at least one page.
expect_variant() {
    jq -e "[.pages[] | select($2)] | length > 0" "$DIR/fx-$1/manifest.json" > /dev/null ||
        fail "fixture $1 has no page with $2 (manifest: $DIR/fx-$1/manifest.json)"
}

# Compares DIR/out-NAME/result.json with the manifest of DIR/fx-NAME; extra arguments are
# the inputs that are not fixture pages and must have failed (their basenames).
check_result() {
    python3 - "$DIR/fx-$1/manifest.json" "$DIR/out-$1" "${@:2}" <<'PY' || fail "result of $1 differs from the manifest (above)"
import json, os, sys
manifest = json.load(open(sys.argv[1]))
out = sys.argv[2]
broken = set(sys.argv[3:])
result = json.load(open(os.path.join(out, "result.json")))
problems = []
pages = result["pages"]
by_name = {}
for p in pages:
    for key in ("file", "page", "document", "blank", "rotation", "skew", "confidence", "error"):
        if key not in p:
            problems.append(f"page entry without '{key}': {p}")
    by_name[os.path.basename(p["file"])] = p
expected_inputs = len(manifest["pages"]) + len(broken)
if len(pages) != expected_inputs:
    problems.append(f"{len(pages)} pages in result.json, {expected_inputs} inputs")
for m in manifest["pages"]:
    name = m["file"]
    p = by_name.get(name)
    if p is None:
        problems.append(f"{name}: not in result.json")
        continue
    if p["error"] is not None:
        problems.append(f"{name}: failed: {p['error']}")
        continue
    if p["document"] != m["document"]:
        problems.append(f"{name}: classified {p['document']} (confidence {p['confidence']}), "
                        f"expected {m['document']}")
    if p["blank"] != m["blank"]:
        problems.append(f"{name}: blank {p['blank']}, expected {m['blank']}")
    if not m["blank"]:
        if p["rotation"] != m["rotation"]:
            problems.append(f"{name}: rotation {p['rotation']}, expected {m['rotation']}")
        if abs(m["skew"]) >= 1.0 and abs(p["skew"] - m["skew"]) > 0.6:
            problems.append(f"{name}: skew {p['skew']}, expected {m['skew']} (+-0.6)")
        if not p.get("continuation") and not p["confidence"] > 0.5:
            problems.append(f"{name}: confidence {p['confidence']} for a title page")
    text = p.get("text")
    if not text or not os.path.isfile(os.path.join(out, text)):
        problems.append(f"{name}: no text file ({text})")
    elif os.path.splitext(os.path.basename(text))[0] != os.path.splitext(name)[0]:
        problems.append(f"{name}: text file {text} is not named after the image")
    elif not m["blank"] and os.path.getsize(os.path.join(out, text)) < 50:
        problems.append(f"{name}: almost no text in {text}")
for name in broken:
    p = by_name.get(name)
    if p is None:
        problems.append(f"{name}: not in result.json")
        continue
    if not p["error"] or not p.get("error_vi"):
        problems.append(f"{name}: no error for a broken image: {p}")
    if p["document"] is not None or p.get("text") is not None:
        problems.append(f"{name}: a broken image got a document or a text: {p}")
want = manifest["dossier"]
if sorted(result["present"]) != sorted(want["present"]):
    problems.append(f"present {result['present']}, expected {want['present']}")
if result["missing"] != want["missing"]:
    problems.append(f"missing {result['missing']}, expected {want['missing']}")
if result["complete"] is not want["complete"]:
    problems.append(f"complete {result['complete']}, expected {want['complete']}")
for line in problems:
    print("  " + line, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
}

# dossier.pdf has exactly $2 pages and its text layer holds the words $3 (any case).
check_pdf() {
    local pdf="$DIR/out-$1/dossier.pdf" pages
    [[ -s $pdf ]] || fail "$pdf missing"
    pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
    [[ $pages == "$2" ]] || fail "$pdf has ${pages:-no} pages, expected $2"
    pdftotext "$pdf" "$DIR/out-$1/dossier.txt" 2>/dev/null || fail "pdftotext cannot read $pdf"
    grep -qi "$3" "$DIR/out-$1/dossier.txt" || fail "pdftotext finds no \"$3\" in $pdf"
}

# ---- a complete khaisinh dossier: stamp, skew, a blank back, a page upside down ----------------
generate khaisinh --dossier khaisinh --complete --seed 4 --skew 3 --rotate180 0.3 --noise 0.2 \
    --stamp --blank-backs
expect_variant khaisinh '.rotation == 180 and .blank == false'
expect_variant khaisinh '.blank == true'
expect_variant khaisinh '.stamp == true'
expect_variant khaisinh '(.skew | fabs) >= 1.5 and .blank == false'
mapfile -t inputs < <(find "$DIR/fx-khaisinh" -name '*.png' | sort)
note "khaisinh: ${#inputs[@]} pages"
# no --plugins: the data files beside the binary ($BUILD/plugins) are the default
"$SCAN" process --procedure khaisinh --out "$DIR/out-khaisinh" --jobs 2 "${inputs[@]}" \
    > "$DIR/scan-khaisinh.out" 2> "$DIR/scan-khaisinh.err"
rc=$?
[[ $rc == 0 ]] || fail "motcua-scan process (khaisinh) exit $rc: $(tail -5 "$DIR/scan-khaisinh.err")"
grep -q "^OCR ${#inputs[@]}/${#inputs[@]} trang" "$DIR/scan-khaisinh.err" ||
    fail "no progress line \"OCR ${#inputs[@]}/${#inputs[@]} trang\" on stderr"
check_result khaisinh
check_pdf khaisinh "${#inputs[@]}" "khai sinh"
note "khaisinh: every page classified as the manifest says, complete, dossier.pdf searchable"

# ---- an incomplete lltp dossier upside down, and a truncated image ------------------------------
generate lltp --dossier lltp --missing cccd --with-optional --seed 9 --skew 2 --rotate180 1 \
    --noise 0.3 --stamp --blank-backs
expect_variant lltp '.rotation == 180 and .blank == false'
jq -e '.dossier.missing == ["cccd"] and .dossier.complete == false' "$DIR/fx-lltp/manifest.json" > /dev/null ||
    fail "fixture lltp is not the incomplete dossier asked for"
mapfile -t inputs < <(find "$DIR/fx-lltp" -name '*.png' | sort)
first=${inputs[0]}
size=$(stat -c %s "$first")
head -c $((size / 3)) "$first" > "$DIR/truncated.png"
note "lltp: ${#inputs[@]} pages + truncated.png ($((size / 3)) of $size bytes)"
"$SCAN" process --procedure lltp --out "$DIR/out-lltp" --plugins "$REPO/plugins" --jobs 2 \
    "${inputs[@]:0:1}" "$DIR/truncated.png" "${inputs[@]:1}" \
    > "$DIR/scan-lltp.out" 2> "$DIR/scan-lltp.err"
rc=$?
[[ $rc == 3 ]] || fail "motcua-scan process (lltp with a truncated image) exit $rc, expected 3: $(tail -5 "$DIR/scan-lltp.err")"
check_result lltp truncated.png
jq -e '.failed == 1 and .complete == false and .missing == ["cccd"]' "$DIR/out-lltp/result.json" > /dev/null ||
    fail "lltp result: $(jq -c '{failed,complete,missing}' "$DIR/out-lltp/result.json")"
# the truncated page sits second, in input order, and its error names the file
jq -e '.pages[1].file | endswith("truncated.png")' "$DIR/out-lltp/result.json" > /dev/null ||
    fail "pages are not in input order"
jq -e '.pages[1].error | test("truncated")' "$DIR/out-lltp/result.json" > /dev/null ||
    fail "the truncated image's error does not say so: $(jq -c '.pages[1].error' "$DIR/out-lltp/result.json")"
check_pdf lltp "${#inputs[@]}" "lltp"
note "lltp: upside-down pages turned, missing [cccd], truncated.png failed alone: $(jq -r '.pages[1].error' "$DIR/out-lltp/result.json")"

# ---- bad command lines do nothing --------------------------------------------------------------
"$SCAN" process --procedure nosuch --out "$DIR/out-none" "${inputs[0]}" > /dev/null 2>&1
rc=$?
[[ $rc == 4 ]] || fail "unknown procedure: exit $rc, expected 4"
"$SCAN" process --out "$DIR/out-none" "${inputs[0]}" > /dev/null 2>&1
rc=$?
[[ $rc == 2 ]] || fail "missing --procedure: exit $rc, expected 2"
[[ ! -e $DIR/out-none ]] || fail "a refused command line created $DIR/out-none"
note "bad command lines refused (exit 4, 2) without output"
echo "ok"
