#!/usr/bin/env bash
# Intake at the counter through the real nginx: create → upload a page → accept → Form 01
# (pdftotext shows the code and the appointment); supplement, a second one refused unless a
# department head overrides; refusal; bad inputs each leave the database unchanged; 8
# concurrent creations get unique, gapless numbers; the audit chain verifies, and an edit
# made with the sqlite3 CLI (trigger dropped) is found.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_lifecycle.sh"

for need in sqlite3 pdftotext; do
    command -v "$need" > /dev/null || fail "$need is not installed (make deps)"
done

# A small upload cap so the oversize check needs no 50 MB body.
MOTCUA_EXTRA_INI=$'[limits]\nmax_upload = 64k' lifecycle_up
FILES="$DIR/data/files"

# What a bad request must not change: row counts of every dossier table, dossier states, files.
snapshot() {
    sqlite3 "$DB" "SELECT (SELECT count(*) FROM dossiers), (SELECT count(*) FROM events),
        (SELECT count(*) FROM pages), (SELECT count(*) FROM supplements),
        (SELECT count(*) FROM refusals), (SELECT count(*) FROM daily_sequences),
        (SELECT group_concat(code || ':' || status || ':' || supplement_count, ',') FROM dossiers),
        (SELECT group_concat(last, ',') FROM daily_sequences)"
    find "$FILES" -type f 2> /dev/null | sort
}
SNAPSHOT_OF="the database or the files"

LLTP=${DOSSIER_BODY[lltp]}
# create_received: a new lltp dossier (create, lib_lifecycle.sh), still "received"; sets CODE and PIN.
create_received() {
    create lltp
    expect_json .status received
}

login demo-counter
login demo-congan
login demo-congan-head
login demo-tuphap

# ---- the happy path: create, upload, accept, Form 01
create_received
note "created $CODE"
[[ $(sqlite3 "$DB" "SELECT count(*) FROM dossiers WHERE pin_hash LIKE '%$PIN%' OR applicant_json LIKE '%$PIN%'") == 0 ]] ||
    fail "the PIN appears in clear in the database"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' > "$HTTP_DIR/page.png"
head -c 2000 /dev/urandom >> "$HTTP_DIR/page.png"
as demo-counter PUT "/api/v1/dossiers/$CODE/pages" "@$HTTP_DIR/page.png" -H 'Content-Type: image/png'
expect_status 201
expect_json .page 1
SHA=$(sha256sum "$HTTP_DIR/page.png" | cut -d' ' -f1)
expect_json .sha256 "$SHA"
stored=$(sqlite3 "$DB" "SELECT path FROM pages WHERE sha256 = '$SHA'")
cmp -s "$HTTP_DIR/page.png" "$FILES/$stored" || fail "the stored page $FILES/$stored differs from the upload"
note "page stored at files_dir/$stored"

as demo-counter GET "/api/v1/dossiers/$CODE/forms/01.pdf"
expect_error 404 form_not_applicable
as demo-counter POST "/api/v1/dossiers/$CODE/accept"
expect_status 200
expect_json .status accepted
APPT=$(json .appointment_at)
[[ $APPT =~ ^([0-9]{4})-([0-9]{2})-([0-9]{2})\ ([0-9]{2}):([0-9]{2})$ ]] || fail "appointment_at '$APPT'"
want_date="ngày ${BASH_REMATCH[3]} tháng ${BASH_REMATCH[2]} năm ${BASH_REMATCH[1]}"
want_time="${BASH_REMATCH[4]} giờ ${BASH_REMATCH[5]} phút"
as demo-counter GET "/api/v1/dossiers/$CODE/forms/01.pdf"
expect_status 200
[[ $(http_header content-type) == application/pdf* ]] || fail "Form 01 is not application/pdf"
text=$(pdftotext "$HTTP_BODY_FILE" - | tr '\n' ' ')
[[ $text == *"$CODE"* ]] || fail "Form 01 text lacks the dossier code $CODE"
[[ $text == *"$want_time, $want_date"* ]] ||
    fail "Form 01 text lacks the appointment '$want_time, $want_date' ($APPT)"
note "accepted; Form 01 shows $CODE and the appointment $APPT"

# Scope: another department's officer may not read it; its own department may.
as demo-tuphap GET "/api/v1/dossiers/$CODE"
expect_error 403 forbidden
as demo-congan GET "/api/v1/dossiers/$CODE"
expect_status 200
expect_json '.pages | length' 1
as demo-tuphap GET "/api/v1/dossiers?department=congan"
expect_error 403 forbidden
as demo-congan GET "/api/v1/dossiers?status=accepted"
expect_status 200
[[ $(json "[.dossiers[].code] | index(\"$CODE\")") != null ]] || fail "the congan list lacks $CODE"
as demo-tuphap GET "/api/v1/dossiers"
expect_status 200
[[ $(json '[.dossiers[] | select(.department != "tuphap")] | length') == 0 ]] ||
    fail "a tuphap officer's list shows other departments' dossiers"
note "department scope: 403 across departments, lists filtered"

# ---- transitions not allowed from the current state: 409, nothing changed
before=$(snapshot)
as demo-counter POST "/api/v1/dossiers/$CODE/accept"
expect_error 409 transition_not_allowed
as demo-counter POST "/api/v1/dossiers/$CODE/refuse" '{"reason":"Thiếu giấy tờ"}'
expect_error 409 transition_not_allowed
unchanged "$before" "accept/refuse of an accepted dossier"

# ---- supplement, resubmission, a second request refused unless a head overrides
create_received
SUP=$CODE
as demo-counter POST "/api/v1/dossiers/$SUP/supplement" '{"items":["cccd","Giấy xác nhận nơi cư trú"],"note":"Bổ sung bản sao"}'
expect_status 200
expect_json .status supplement_requested
expect_json '.supplement.items[0].title' "Căn cước công dân"
as demo-counter GET "/api/v1/dossiers/$SUP/forms/02.pdf"
expect_status 200
text=$(pdftotext "$HTTP_BODY_FILE" - | tr '\n' ' ')
[[ $text == *"Giấy xác nhận nơi cư trú"* && $text == *"Căn cước công dân"* && $text == *"$SUP"* ]] ||
    fail "Form 02 does not list every missing item"
as demo-counter POST "/api/v1/dossiers/$SUP/transitions" '{"action":"resubmit"}'
expect_status 200
expect_json .status received
second_supplement demo-counter "$SUP" "a second supplement request without a head's override"
[[ $(sqlite3 "$DB" "SELECT count(*) FROM events WHERE subject = '$SUP' AND action = 'dossier.supplement'
                    AND after_json LIKE '%\"override_by\":\"demo-congan-head\"%'") == 1 ]] ||
    fail "the override is not recorded in the audit log"
note "supplement: Form 02; second request 409; head's override recorded"

# ---- refusal with Form 03
create_received
REF=$CODE
before=$(snapshot)
as demo-counter POST "/api/v1/dossiers/$REF/refuse" '{"reason":"   "}'
expect_error 422 missing_reason
unchanged "$before" "refusal without a reason"
as demo-counter POST "/api/v1/dossiers/$REF/refuse" '{"reason":"Thủ tục không thuộc thẩm quyền tiếp nhận"}'
expect_status 200
expect_json .status refused
as demo-counter GET "/api/v1/dossiers/$REF/forms/03.pdf"
expect_status 200
pdftotext "$HTTP_BODY_FILE" - | tr '\n' ' ' | grep -q "không thuộc thẩm quyền" || fail "Form 03 lacks the reason"
before=$(snapshot)
as demo-counter PUT "/api/v1/dossiers/$REF/pages" "@$HTTP_DIR/page.png" -H 'Content-Type: image/png'
expect_error 409 transition_not_allowed
unchanged "$before" "a page for a refused dossier"
note "refusal: Form 03 with the reason"

# ---- bad inputs, each a Vietnamese error and no change
before=$(snapshot)
as demo-counter POST /api/v1/dossiers '{"procedure":"lltp",'
expect_error 400 invalid_json
as demo-counter POST /api/v1/dossiers '[1,2]'
expect_error 400 invalid_json
as demo-counter POST /api/v1/dossiers "{\"procedure\":\"khongco\",\"applicant\":$APPLICANT}"
expect_error 422 unknown_procedure
as demo-counter POST /api/v1/dossiers '{"procedure":"lltp","applicant":{"id_number":"035085001234"}}'
expect_error 422 invalid_applicant
as demo-counter POST /api/v1/dossiers "{\"procedure\":\"lltp\",\"channel\":\"fax\",\"applicant\":$APPLICANT}"
expect_error 422 invalid_channel
bad_cccd=${LLTP/035085001234/03508500123X}
as demo-counter POST /api/v1/dossiers "$bad_cccd"
expect_error 422 invalid_dossier
[[ $(json '[.error.problems[].field] | index("applicant.id_number")') != null ]] ||
    fail "an invalid CCCD is not named in the problems"
head -c 70000 /dev/zero | { printf '\x89PNG\r\n\x1a\n'; cat; } > "$HTTP_DIR/big.png"
SUPDIR_FILES=$(find "$FILES" -type f | wc -l)
as demo-counter PUT "/api/v1/dossiers/$SUP/pages" "@$HTTP_DIR/big.png" -H 'Content-Type: image/png'
expect_error 413 payload_too_large
as demo-counter PUT "/api/v1/dossiers/$SUP/pages" "@$HTTP_DIR/page.png" -H 'Content-Type: text/plain'
expect_error 415 unsupported_media_type
as demo-counter PUT "/api/v1/dossiers/$SUP/pages" "@$HTTP_DIR/page.png" -H 'Content-Type: application/pdf'
expect_error 415 content_mismatch
as demo-counter PUT "/api/v1/dossiers/H35.000000.0000/pages" "@$HTTP_DIR/page.png" -H 'Content-Type: image/png'
expect_error 404 unknown_dossier
http POST /api/v1/dossiers "$LLTP" -b "$HTTP_DIR/demo-counter.jar"
expect_status 403
http POST /api/v1/dossiers "$LLTP"
expect_status 401
as demo-congan POST /api/v1/dossiers "$LLTP"
expect_status 403
[[ $(find "$FILES" -type f | wc -l) == "$SUPDIR_FILES" ]] || fail "a refused upload left a file"
unchanged "$before" "invalid JSON, unknown procedure, bad applicant/channel/CCCD, oversize, wrong type, no CSRF, wrong role"

# ---- 8 concurrent creations: unique, gapless daily numbers
day=$(sqlite3 "$DB" "SELECT substr(code, 5, 6) FROM dossiers ORDER BY id DESC LIMIT 1")
first=$(( $(sqlite3 "$DB" "SELECT last FROM daily_sequences WHERE agency_code = 'H35' ORDER BY day DESC LIMIT 1") + 1 ))
pids=()
for i in 1 2 3 4 5 6 7 8; do
    curl -s -o "$HTTP_DIR/c$i.json" -w '%{http_code}' -b "$HTTP_DIR/demo-counter.jar" \
        -H "X-CSRF-Token: ${CSRF[demo-counter]}" -H 'Content-Type: application/json' \
        --data-binary "$LLTP" "$BASE/api/v1/dossiers" > "$HTTP_DIR/c$i.status" &
    pids+=($!)
done
wait "${pids[@]}"
codes=()
for i in 1 2 3 4 5 6 7 8; do
    [[ $(cat "$HTTP_DIR/c$i.status") == 201 ]] || fail "concurrent creation $i: HTTP $(cat "$HTTP_DIR/c$i.status") $(cat "$HTTP_DIR/c$i.json")"
    codes+=("$(jq -r .code "$HTTP_DIR/c$i.json")")
done
seqs=$(printf '%s\n' "${codes[@]}" | sed 's/.*\.//' | sed 's/^0*//' | sort -n | tr '\n' ' ')
want=$(seq "$first" $((first + 7)) | tr '\n' ' ')
[[ $seqs == "$want" ]] || fail "8 concurrent creations got numbers '$seqs', want '$want' (unique, gapless)"
[[ $(printf '%s\n' "${codes[@]}" | grep -vc "^H35\.$day\.") == 0 ]] || fail "concurrent codes not all of day $day"
note "8 concurrent creations: numbers $seqs"

# ---- the audit log
out=$("$BIN/motcuactl" audit verify --config "$DIR/conf/motcua.ini" 2>&1) || fail "audit verify fails on a clean run: $out"
# 11 creations, 1 page, 1 accept, 2 supplement requests, 1 resubmission, 1 refusal.
n=$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE subject LIKE 'H35.%'")
((n == 17)) || fail "$n dossier events recorded, want 17 (one per state change)"
sqlite3 "$DB" "UPDATE events SET actor = 'x' WHERE id = 3" 2> /dev/null &&
    fail "an UPDATE of events succeeded despite the trigger"
victim=$(sqlite3 "$DB" "SELECT id FROM events WHERE action = 'dossier.accept' LIMIT 1")
sqlite3 "$DB" "DROP TRIGGER events_no_update; UPDATE events SET after_json = replace(after_json, 'accepted', 'refused') WHERE id = $victim" ||
    fail "cannot edit the events table with the trigger dropped"
out=$("$BIN/motcuactl" audit verify --config "$DIR/conf/motcua.ini" 2>&1)
rc=$?
((rc == 1)) || fail "audit verify exit $rc after an edit (want 1): $out"
[[ $out == *"event $victim"* ]] || fail "audit verify does not name event $victim: $out"
note "audit verify: intact on a clean run; an edit of event $victim is found ($out)"
