#!/usr/bin/env bash
# The citizen's receipt and the public lookup page through the real nginx: Form 01 prints the
# lookup address and, on the applicant's copy only, the PIN returned at creation; the PIN is
# never in a JSON view nor in clear in the database (only its hash and its sealed copy); a
# sealed PIN copied onto another dossier does not open (500, no PIN leaked); a dossier without
# a sealed PIN prints the address alone; [centre] lookup_url replaces the address derived from
# the request (after a reload) and a malformed one is refused by motcua-fcgi -t; nginx serves
# the lookup page at /tra-cuu with its form, script and stylesheet.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_lifecycle.sh"

for need in sqlite3 pdftotext pdfinfo; do
    command -v "$need" > /dev/null || fail "$need is not installed (make deps)"
done

lifecycle_up
login demo-counter
login demo-congan

# form01_text [PAGE]: the text of the last response (a PDF), one line, spaces squeezed;
# PAGE alone when given.
form01_text() {
    local pages=()
    [[ -n ${1:-} ]] && pages=(-f "$1" -l "$1")
    pdftotext "${pages[@]}" "$HTTP_BODY_FILE" - | tr '\n' ' ' | tr -s ' '
}

# no_pin_in_json WHAT: no key of the last JSON body names a PIN and no value contains $PIN.
no_pin_in_json() {
    local hits
    hits=$(jq -r --arg p "$PIN" '[paths as $q | select(($q[-1] | tostring | test("pin"; "i")) or
        ((getpath($q) | type) as $t | ($t == "string" or $t == "number") and
         (getpath($q) | tostring | contains($p))))] | length' "$HTTP_BODY_FILE") ||
        fail "$1: not JSON"
    [[ $hits == 0 ]] || fail "$1 shows the PIN or a pin key ($hits places)"
}

# ---- creation: the PIN is returned once, kept hashed and sealed, never in clear
create lltp
note "created $CODE with PIN $PIN"
sealed=$(sqlite3 "$DB" "SELECT pin_sealed FROM dossiers WHERE code = '$CODE'")
want_len=$((2 * (24 + 16 + ${#CODE} + 7)))
[[ $sealed =~ ^[0-9a-f]+$ && ${#sealed} == "$want_len" ]] ||
    fail "pin_sealed of $CODE is '$sealed' (want $want_len hex digits)"
row=$(sqlite3 -line "$DB" "SELECT * FROM dossiers WHERE code = '$CODE'")
[[ $row == *"pin_sealed"* && $row == *"pin_hash"* ]] || fail "sqlite3 -line did not list the dossier's columns"
[[ $row != *"$PIN"* ]] || fail "the PIN $PIN appears in clear in the dossiers row: $(grep -F "$PIN" <<< "$row")"
events=$(sqlite3 -line "$DB" "SELECT * FROM events WHERE subject = '$CODE'")
[[ -n $events && $events != *"$PIN"* ]] || fail "the PIN appears in the audit events of $CODE"
note "database: pin_hash and a ${#sealed}-digit pin_sealed, the PIN nowhere in clear"

as demo-counter POST "/api/v1/dossiers/$CODE/accept"
expect_status 200
no_pin_in_json "the accept reply"
as demo-counter GET "/api/v1/dossiers/$CODE"
expect_status 200
expect_json .code "$CODE"
no_pin_in_json "GET /api/v1/dossiers/$CODE"
as demo-counter GET "/api/v1/dossiers?status=accepted"
expect_status 200
[[ $(json "[.. | .code? // empty] | index(\"$CODE\") != null") == true ]] || fail "the list lacks $CODE"
no_pin_in_json "GET /api/v1/dossiers"
note "JSON views (dossier, list, accept reply): no PIN"

# ---- Form 01: address and PIN on the applicant's copy, address alone on the centre's
as demo-counter GET "/api/v1/dossiers/$CODE/forms/01.pdf"
expect_status 200
[[ $(http_header content-type) == application/pdf* ]] || fail "Form 01 is not application/pdf"
DERIVED="http://127.0.0.1:$PORT/tra-cuu"
copy1=$(form01_text 1)
copy2=$(form01_text 2)
[[ $copy1 == *"Liên 1: Lưu"* && $copy2 == *"Liên 2: Giao người nộp"* ]] ||
    fail "Form 01 pages are not Liên 1 then Liên 2"
for copy in "$copy1" "$copy2"; do
    [[ $copy == *"Tra cứu hồ sơ tại: $DERIVED"* ]] ||
        fail "a copy of Form 01 lacks the lookup address $DERIVED: $copy"
done
[[ $copy2 == *"Mã tra cứu (PIN): $PIN"* ]] || fail "Liên 2 of Form 01 lacks 'Mã tra cứu (PIN): $PIN': $copy2"
[[ $copy2 == *"Nhập Mã hồ sơ và Mã tra cứu tại địa chỉ trên hoặc quét mã QR"* ]] || fail "Liên 2 of Form 01 lacks how to look up"
[[ $copy1 != *"$PIN"* && $copy1 != *"Mã tra cứu (PIN)"* ]] || fail "Liên 1 (the centre's file copy) shows the PIN"
[[ $(pdfinfo "$HTTP_BODY_FILE" | sed -n 's/^Pages: *//p') == 2 ]] ||
    fail "Form 01 of $CODE is not one page a copy"
note "Form 01: $DERIVED on both copies, 'Mã tra cứu (PIN): $PIN' on Liên 2 only, one page each"

# the longest demo checklist (khaisinh: three papers, a two-line time limit) still fits
KS_PIN=$PIN KS_CODE=$CODE
create khaisinh
as demo-counter POST "/api/v1/dossiers/$CODE/accept"
expect_status 200
as demo-counter GET "/api/v1/dossiers/$CODE/forms/01.pdf"
expect_status 200
[[ $(pdfinfo "$HTTP_BODY_FILE" | sed -n 's/^Pages: *//p') == 2 ]] ||
    fail "Form 01 of $CODE (khaisinh) is not one page a copy"
[[ $(form01_text 2) == *"Mã tra cứu (PIN): $PIN"*"NGƯỜI TIẾP NHẬN HỒ SƠ"* ]] ||
    fail "Liên 2 of $CODE (khaisinh) lacks its PIN or its signatures"
PIN=$KS_PIN CODE=$KS_CODE

# the printed address answers with the lookup page, and the printed PIN opens the dossier
http GET "${DERIVED#http://127.0.0.1:$PORT}/"
expect_status 200
http GET "/api/v1/lookup?code=$CODE&pin=$PIN"
expect_status 200
expect_json .status accepted

# ---- a sealed PIN belongs to its dossier; a dossier without one prints the address alone
PIN1=$PIN CODE1=$CODE
create lltp
as demo-counter POST "/api/v1/dossiers/$CODE/accept"
expect_status 200
own=$(sqlite3 "$DB" "SELECT pin_sealed FROM dossiers WHERE code = '$CODE'")
sqlite3 "$DB" "UPDATE dossiers SET pin_sealed = (SELECT pin_sealed FROM dossiers WHERE code = '$CODE1')
               WHERE code = '$CODE'"
as demo-counter GET "/api/v1/dossiers/$CODE/forms/01.pdf"
expect_status 500
expect_json .error.code internal
[[ $HTTP_BODY != *"$PIN1"* ]] || fail "the answer for $CODE shows the PIN of $CODE1"
expect_log "sealed lookup PIN does not open.*$CODE"
note "$CODE1's sealed PIN copied onto $CODE: 500, logged, nothing shown"
sqlite3 "$DB" "UPDATE dossiers SET pin_sealed = '$own' WHERE code = '$CODE'"
as demo-counter GET "/api/v1/dossiers/$CODE/forms/01.pdf"
expect_status 200
[[ $(form01_text 2) == *"Mã tra cứu (PIN): $PIN"* ]] || fail "Form 01 of $CODE lacks its own PIN $PIN"
sqlite3 "$DB" "UPDATE dossiers SET pin_sealed = NULL WHERE code = '$CODE'"
as demo-counter GET "/api/v1/dossiers/$CODE/forms/01.pdf"
expect_status 200
text=$(form01_text)
[[ $text == *"Tra cứu hồ sơ tại: $DERIVED"* && $text != *"Mã tra cứu (PIN)"* ]] ||
    fail "Form 01 of a dossier without a sealed PIN: $text"
note "no sealed PIN (received before migration 6): the address alone"

# ---- [centre] lookup_url
"$BIN/motcua-fcgi" -t -c "$DIR/conf/motcua.ini" > /dev/null 2>&1 || fail "motcua-fcgi -t fails on the stack's config"
cp "$DIR/conf/motcua.ini" "$DIR/bad.ini"
printf '\n[centre]\nlookup_url = https://example.vn/tra-cuu|x\n' >> "$DIR/bad.ini"
if out=$("$BIN/motcua-fcgi" -t -c "$DIR/bad.ini" 2>&1); then
    fail "motcua-fcgi -t accepted lookup_url with '|'"
fi
[[ $out == *"lookup_url"* ]] || fail "motcua-fcgi -t does not name lookup_url: $out"
printf '\n[centre]\nlookup_url = ftp://example.vn/tra-cuu\n' >> "$DIR/conf/motcua.ini.ftp" 2>/dev/null
cat "$DIR/conf/motcua.ini" "$DIR/conf/motcua.ini.ftp" > "$DIR/bad2.ini"
"$BIN/motcua-fcgi" -t -c "$DIR/bad2.ini" > /dev/null 2>&1 && fail "motcua-fcgi -t accepted an ftp:// lookup_url"
note "motcua-fcgi -t refuses a lookup_url with '|' or another scheme"

CONFIGURED="https://dichvucong.example.gov.vn/tra-cuu"
printf '\n[centre]\nlookup_url = %s\n' "$CONFIGURED" >> "$DIR/conf/motcua.ini"
master=$(master_pid)
[[ -n $master ]] || fail "no motcua-fcgi master"
gen=$(status_field .generation)
kill -HUP "$master" || fail "cannot send SIGHUP to the master $master"
wait_for 10 "the reload after setting lookup_url" eval '[[ $(status_field .generation) == $((gen + 1)) ]]'
wait_for 10 "the pool to settle" pool_settled 4
as demo-counter GET "/api/v1/dossiers/$CODE1/forms/01.pdf"
expect_status 200
text=$(form01_text)
[[ $text == *"Tra cứu hồ sơ tại: $CONFIGURED"* && $text != *"$DERIVED"* ]] ||
    fail "Form 01 does not print [centre] lookup_url $CONFIGURED: $text"
[[ $(form01_text 2) == *"Mã tra cứu (PIN): $PIN1"* ]] || fail "Form 01 lost the PIN after the reload"
note "[centre] lookup_url = $CONFIGURED printed instead of the derived address"

# ---- the lookup page
for path in /tra-cuu/ "/tra-cuu/?code=$CODE1" "/tra-cuu/?code=$CODE1%7Clltp%7C$CONFIGURED"; do
    http GET "$path"
    expect_status 200
    [[ $(http_header content-type) == text/html* ]] || fail "GET $path is not text/html"
    [[ -n $(http_header content-security-policy) ]] || fail "GET $path has no Content-Security-Policy"
done
for want in 'id="lookup"' 'for="code">Mã hồ sơ<' 'id="code" name="code"' 'for="pin">Mã tra cứu (PIN)<' \
    'id="pin"' 'id="result"' 'id="rating-form"' 'data-name="satisfaction"' 'data-name="on_time"' \
    'data-name="attitude"' 'id="visits"' 'id="comment"' '<html lang="vi">'; do
    [[ $HTTP_BODY == *"$want"* ]] || fail "the lookup page lacks $want"
done
[[ $HTTP_BODY != *'name="pin"'* ]] || fail "the PIN field has a name: a plain form submission would put it in the address"
[[ $HTTP_BODY != *"<script>"* && $HTTP_BODY != *" style="* && $HTTP_BODY != *" on"[a-z]*"="* ]] ||
    fail "the lookup page has inline script or style (the CSP forbids them)"
page=$HTTP_BODY
# every asset the page names is served, with its type
for asset in $(grep -oE '(src|href)="/[^"]*"' <<< "$page" | sed -E 's/^(src|href)="//; s/"$//'); do
    http GET "$asset"
    expect_status 200
    case $asset in
    *.js) [[ $(http_header content-type) == application/javascript* ]] || fail "$asset is not JavaScript" ;;
    *.css) [[ $(http_header content-type) == text/css* ]] || fail "$asset is not CSS" ;;
    esac
done
http GET /tra-cuu/tra-cuu.js
expect_status 200
for want in "/lookup?code=" "/lookup/rating" satisfaction on_time attitude visits comment Retry-After textContent; do
    [[ $HTTP_BODY == *"$want"* ]] || fail "tra-cuu.js lacks $want"
done
[[ $HTTP_BODY != *innerHTML* && $HTTP_BODY != *outerHTML* && $HTTP_BODY != *insertAdjacentHTML* &&
   $HTTP_BODY != *document.write* ]] || fail "tra-cuu.js writes HTML"
# /tra-cuu without the slash, as printed on the forms and in the QR: the page itself, no redirect
http GET "/tra-cuu?code=$CODE1"
expect_status 200
[[ $(http_header content-type) == text/html* && $HTTP_BODY == "$page" ]] ||
    fail "GET /tra-cuu?code=... (as printed) is not the lookup page"
note "/tra-cuu serves the lookup page (form fields, script, stylesheet, CSP)"

# the API the page calls answers the way it expects
http GET "/api/v1/lookup?code=$CODE1&pin=000000"
[[ $PIN1 == 000000 ]] || expect_error 404 not_found
echo "ok"
