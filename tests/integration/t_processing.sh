#!/usr/bin/env bash
# Processing by the departments through the real nginx, for each of the five demo procedures:
# create → page → accept → Form 01 → transfer (hand-over classed against the transfer deadline)
# → the department receives → every workflow step with its role (a wrong role or another
# department: 403 and no change) → done → return at the counter through POST /return with the
# procedure's fee (POST /transitions "return" is refused: it would skip the fee); Form 05 lists
# the hand-overs; a withdrawal from a department ends the hand-over chain (its note on Form 05);
# the plugins' result documents (tuphap, taichinh) and taichinh's name registration on approval
# (refused, with nothing changed, when the name was taken meanwhile); a department's send-back:
# the waiting time pushes the deadline (computed with core/calendar) and the supplemented
# dossier goes back to that department.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_lifecycle.sh"

for need in sqlite3 pdftotext cc pkg-config; do
    command -v "$need" > /dev/null || fail "$need is not installed (make deps)"
done

# ---- a calendar oracle: core/calendar compiled into a tiny tool, so that expectations come
# from the calendar and not from hard-coded dates.
CALC="$DIR/calc"
cat > "$DIR/calc.c" <<'EOF'
/* calc extend DUE START END | calc transfer TAKEN: times "YYYY-MM-DD HH:MM". */
#include <stdio.h>
#include <string.h>
#include "calendar.h"
static vn_minute arg(const char *s)
{
    vn_minute m;
    if (!calendar_minute_parse(s, &m)) {
        fprintf(stderr, "calc: bad time '%s'\n", s);
        return CALENDAR_MINUTE_INVALID;
    }
    return m;
}
int main(int argc, char **argv)
{
    calendar *cal = calendar_new();
    char out[17];
    vn_minute r = CALENDAR_MINUTE_INVALID;
    if (argc == 5 && strcmp(argv[1], "extend") == 0) {
        r = calendar_extend(cal, arg(argv[2]), arg(argv[3]), arg(argv[4]));
    } else if (argc == 3 && strcmp(argv[1], "transfer") == 0) {
        /* DOMAIN.md step 4: same day by the end of the day when taken in on a working day
         * at or before 15:00, else by the end of the next working morning. */
        vn_minute t = arg(argv[2]);
        calendar_hours h = calendar_get_hours(cal);
        vn_date d = calendar_minute_date(t);
        if (calendar_is_working_day(cal, d) && calendar_minute_of_day(t) <= 15 * 60)
            r = calendar_minute_make(d, h.pm_end / 60, h.pm_end % 60);
        else {
            vn_date n = calendar_add_working_days(cal, d, calendar_is_working_day(cal, d) ? 1 : 0);
            r = calendar_minute_make(n, h.am_end / 60, h.am_end % 60);
        }
    }
    calendar_free(cal);
    if (r == CALENDAR_MINUTE_INVALID)
        return 1;
    calendar_minute_format(r, out);
    puts(out);
    return 0;
}
EOF
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -I"$REPO/core" -I"$REPO/include" -o "$CALC" "$DIR/calc.c" \
    "$REPO/$BUILD/lib/libmotcua-core.a" $(pkg-config --libs jansson) -lm 2> "$DIR/calc.err" ||
    fail "cannot build the calendar oracle: $(cat "$DIR/calc.err")"

lifecycle_up

# act USER CODE ACTION: POST /transitions {action}.
act() { as "$1" POST "/api/v1/dossiers/$2/transitions" "{\"action\":\"$3\"}"; }
# What a refused request must not change: dossiers, events, hand-overs, supplements, registry.
snapshot() {
    sqlite3 "$DB" "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM handovers),
        (SELECT count(*) FROM supplements), (SELECT count(*) FROM registry),
        (SELECT count(*) FROM payments),
        (SELECT group_concat(code || ':' || status || ':' || step_index || ':' || ifnull(due_at, '')
                             || ':' || supplement_count, ',') FROM dossiers),
        (SELECT group_concat(ifnull(received_at, '-') || ifnull(receiver, '-'), ',') FROM handovers)"
}
# db SQL: one value from the database.
db() { sqlite3 "$DB" "$1"; }
# The workflow of the rules recorded for dossier CODE, as "id role" lines.
workflow() {
    db "SELECT v.json FROM procedure_versions v JOIN dossiers d ON d.procedure_code = v.code
        AND d.procedure_digest = v.digest WHERE d.code = '$1'" | jq -r '.workflow[] | "\(.id) \(.role)"'
}

declare -A DEPT=([khaisinh]=tuphap [lltp]=congan [dkdn]=taichinh [gpxd]=xaydung [dkdd]=nnmt)
declare -A OTHER=([khaisinh]=congan [lltp]=tuphap [dkdn]=xaydung [gpxd]=nnmt [dkdd]=taichinh)
# The standard fee (the first entry of each plugin's rules in force): what the counter collects.
declare -A FEE=([khaisinh]=0 [lltp]=200000 [dkdn]=50000 [gpxd]=75000 [dkdd]=100000)
# details PROC [COMPANY]: valid details for PROC (each plugin's validate hook).
details() {
    case $1 in
    khaisinh) echo '{"relationship":"cha","child":{"name":"Nguyễn Minh Khang","birth_date":"2024-05-01",
                     "sex":"nam","birth_place":"Bệnh viện Đa khoa tỉnh Hà Nam"}}' ;;
    lltp) echo '{"purpose":"Bổ sung hồ sơ xin việc","copies":2}' ;;
    dkdn) echo "{\"company_name\":\"$2\",\"members\":[{\"name\":\"Nguyễn Văn An\",\"id_number\":\"035085001234\"},
                 {\"name\":\"Trần Thị Bình\",\"id_number\":\"001190005678\"}],\"charter_capital\":500000000}" ;;
    gpxd) echo '{"land_area_m2":120,"footprint_m2":80,"floors":3,"total_floor_area_m2":240,
                 "land_certificate_number":"CS 012345"}' ;;
    dkdd) echo '{"map_sheet":12,"parcel_number":345,"area_m2":150.5,"land_use_code":"ONT"}' ;;
    esac
}

login demo-counter
for d in tuphap congan taichinh xaydung nnmt; do
    login "demo-$d"
    login "demo-$d-head"
done

printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' > "$HTTP_DIR/page.png"
head -c 2000 /dev/urandom >> "$HTTP_DIR/page.png"

# intake PROC [COMPANY]: create, upload a page, accept, Form 01 shows the code; sets CODE.
intake() {
    as demo-counter POST /api/v1/dossiers "{\"procedure\":\"$1\",\"channel\":\"counter\",
        \"applicant\":$APPLICANT,\"details\":$(details "$1" "${2-}")}"
    expect_status 201
    CODE=$(json .code)
    as demo-counter PUT "/api/v1/dossiers/$CODE/pages" "@$HTTP_DIR/page.png" -H 'Content-Type: image/png'
    expect_status 201
    as demo-counter POST "/api/v1/dossiers/$CODE/accept"
    expect_status 200
    expect_json .status accepted
    as demo-counter GET "/api/v1/dossiers/$CODE/forms/01.pdf"
    expect_status 200
    pdftotext "$HTTP_BODY_FILE" - | tr '\n' ' ' | grep -qF "$CODE" || fail "Form 01 of $CODE lacks its code"
}

# transfer_and_receive PROC: the counter transfers CODE, checked against the transfer deadline;
# another department may not take it; the competent one does.
transfer_and_receive() {
    local dept=${DEPT[$1]} before accepted want
    act demo-counter "$CODE" transfer
    expect_status 200
    expect_json .status transferred
    accepted=$(db "SELECT accepted_at FROM dossiers WHERE code = '$CODE'")
    want=$("$CALC" transfer "$accepted") || fail "calendar oracle failed on $accepted"
    as demo-counter GET "/api/v1/dossiers/$CODE"
    expect_json '.handovers | length' 1
    expect_json '.handovers[0].step' transfer
    expect_json '.handovers[0].due_at' "$want"
    expect_json '.handovers[0].giver' "Cán bộ tiếp nhận (demo)"
    given=$(json '.handovers[0].given_at')
    # given at or before the deadline (the transfer follows the acceptance at once)
    [[ ! $given > $want ]] || fail "transfer given at $given after its deadline $want"
    if [[ ${given:0:10} == "${want:0:10}" ]]; then
        expect_json '.handovers[0].result' on_time
    else
        expect_json '.handovers[0].result' early
    fi
    before=$(snapshot)
    act "demo-${OTHER[$1]}" "$CODE" receive
    expect_error 403 forbidden
    act demo-counter "$CODE" receive
    expect_error 403 forbidden
    unchanged "$before" "$1: receive by another department's officer or by the counter"
    act "demo-$dept" "$CODE" receive
    expect_status 200
    expect_json .status processing
    expect_json .step_index 0
    as "demo-$dept" GET "/api/v1/dossiers/$CODE"
    [[ $(json '.handovers[0].received_at') =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}$ ]] ||
        fail "the transfer hand-over of $CODE has no received_at"
    [[ $(json '.handovers[0].receiver') == *demo* ]] || fail "the transfer hand-over has no receiver"
}

# steps PROC [UNTIL]: completes the workflow steps of CODE with their roles, checking that the
# wrong role gets 403 and changes nothing; stops before step id UNTIL when given.
steps() {
    local dept=${DEPT[$1]} i=0 id role user wrong before
    while read -r id role; do
        [[ -n ${2-} && $id == "$2" ]] && return 0
        if [[ $role == department_head ]]; then
            user="demo-$dept-head" wrong="demo-$dept"
        else
            user="demo-$dept" wrong=demo-counter
        fi
        before=$(snapshot)
        act "$wrong" "$CODE" complete_step
        expect_error 403 forbidden
        act "demo-${OTHER[$1]}-head" "$CODE" complete_step
        expect_error 403 forbidden
        unchanged "$before" "$1 step $id by $wrong / another department's head"
        act "$user" "$CODE" complete_step
        expect_status 200
        i=$((i + 1))
        note "$1 step $id ($role) done by $user"
    done < <(workflow "$CODE")
    expect_json .status done
    [[ $(json .result_at) != null ]] || fail "done without result_at"
}

# return_body PROC AMOUNT: a POST /return body; a receipt number unless the amount is 0.
return_body() {
    if (($2 > 0)); then
        echo "{\"fee_collected\":$2,\"receipt_number\":\"BL-$1-$2\",\"method\":\"counter\"}"
    else
        echo '{"fee_collected":0,"method":"counter"}'
    fi
}

# finish PROC: return at the counter with PROC's fee, Form 05 lists every hand-over.
finish() {
    local n steps_n before fee=${FEE[$1]} row
    before=$(snapshot)
    as "demo-${DEPT[$1]}" POST "/api/v1/dossiers/$CODE/return" "$(return_body "$1" "$fee")"
    expect_error 403 forbidden
    act demo-counter "$CODE" return
    expect_error 422 invalid_action
    json .error.message | grep -qF '/return' || fail "invalid_action for return does not point to /return"
    as demo-counter POST "/api/v1/dossiers/$CODE/return" "$(return_body "$1" $((fee + 1000)))"
    expect_error 422 fee_mismatch
    unchanged "$before" "$1: return by the department, through /transitions, with a wrong fee"
    as demo-counter POST "/api/v1/dossiers/$CODE/return" "$(return_body "$1" "$fee")"
    expect_status 200
    expect_json .status returned
    expect_json .payment.fee_collected "$fee"
    row=$(db "SELECT p.amount || '|' || ifnull(p.receipt_number, '-') || '|' || p.collected_by
              FROM payments p JOIN dossiers d ON d.id = p.dossier_id WHERE d.code = '$CODE'")
    if ((fee > 0)); then
        [[ $row == "$fee|BL-$1-$fee|demo-counter" ]] || fail "$CODE: payment row is '$row'"
    else
        [[ $row == "0|-|demo-counter" ]] || fail "$CODE: payment row is '$row'"
    fi
    [[ $(db "SELECT json_extract(e.after_json, '$.payment.fee_collected') FROM events e
             WHERE e.subject = '$CODE' AND e.action = 'dossier.return'") == "$fee" ]] ||
        fail "$CODE: the return's audit event does not carry the payment"
    as demo-counter GET "/api/v1/dossiers/$CODE"
    steps_n=$(workflow "$CODE" | wc -l)
    n=$(json '.handovers | length')
    # transfer + one per step hand-over between steps + the result back to the counter
    ((n == steps_n + 1)) || fail "$CODE has $n hand-overs, want $((steps_n + 1))"
    expect_json '.handovers[-1].step' result
    expect_json '.handovers[-1].to_agency' "$(json '.handovers[0].from_agency')"
    expect_json '.handovers[-1].receiver' "Cán bộ tiếp nhận (demo)"
    [[ $(json '[.handovers[] | select(.received_at == null)] | length') == 0 ]] ||
        fail "$CODE: a hand-over is still open after return"
    [[ $(json '[.handovers[] | select(.result == null)] | length') == 0 ]] ||
        fail "$CODE: a hand-over has no before/on/after class"
    as demo-counter GET "/api/v1/dossiers/$CODE/forms/05.pdf"
    expect_status 200
    text=$(pdftotext -layout "$HTTP_BODY_FILE" - | tr -s ' \n' ' ')
    [[ $text == *"$CODE"* ]] || fail "Form 05 lacks $CODE"
    rows=$(pdftotext "$HTTP_BODY_FILE" - | grep -c 'Giao:')
    ((rows == n)) || fail "Form 05 of $CODE shows $rows hand-overs, want $n"
    [[ $text =~ (Trước hạn|Đúng hạn) ]] || fail "Form 05 of $CODE shows no deadline class"
    note "$1: $CODE returned with fee $fee; Form 05 lists $n hand-overs"
}

for proc in khaisinh lltp dkdn gpxd dkdd; do
    intake "$proc" "Công ty TNHH Lúa Vàng Phủ Lý"
    note "$proc: $CODE accepted, Form 01 ok"
    transfer_and_receive "$proc"
    steps "$proc"
    as demo-counter GET "/api/v1/dossiers/$CODE/result.pdf"
    case $proc in
    khaisinh)
        expect_status 200
        text=$(pdftotext "$HTTP_BODY_FILE" - | tr '\n' ' ')
        [[ $text == *"GIẤY KHAI SINH"* && $text == *"Nguyễn Minh Khang"* && $text == *"01/05/2024"* ]] ||
            fail "the birth certificate of $CODE lacks its title, the child or the birth date: $text"
        note "khaisinh: result.pdf is the birth certificate" ;;
    dkdn)
        expect_status 200
        text=$(pdftotext "$HTTP_BODY_FILE" - | tr '\n' ' ')
        [[ $text == *"GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP"* && $text == *"Công ty TNHH Lúa Vàng Phủ Lý"* ]] ||
            fail "the registration certificate of $CODE lacks its title or the company: $text"
        [[ $(db "SELECT count(*) FROM registry WHERE ns = 'taichinh' AND value = 'Công ty TNHH Lúa Vàng Phủ Lý'") == 1 ]] ||
            fail "the company name was not registered on approval"
        note "dkdn: company name registered on approval; result.pdf is the certificate" ;;
    *)
        expect_error 404 no_result_document ;;
    esac
    finish "$proc"
    before=$(snapshot)
    act "demo-${DEPT[$proc]}" "$CODE" complete_step
    expect_error 409 transition_not_allowed
    unchanged "$before" "$proc: a step on a returned dossier"
done

# ---- taichinh refuses the approval when the name was registered meanwhile
intake dkdn "Công ty TNHH Hoa Đào Kim Bảng"
transfer_and_receive dkdn
steps dkdn pheduyet
as demo-taichinh POST /api/v1/departments/taichinh/names '{"name":"CÔNG TY TNHH HOA ĐÀO KIM BẢNG"}'
expect_status 201
before=$(snapshot)
act demo-taichinh-head "$CODE" complete_step
expect_error 422 transition_refused
expect_json '.error.problems[0].code' name_taken
unchanged "$before" "dkdn approval with a name taken meanwhile"
note "dkdn: approval refused by the plugin (name taken meanwhile), nothing changed"

# ---- a department's send-back: the one supplement, the pause, back to that department
intake lltp
transfer_and_receive lltp
as demo-congan POST "/api/v1/dossiers/$CODE/supplement" '{"items":["cccd"],"note":"Bản sao không rõ"}'
expect_status 200
expect_json .status supplement_requested
expect_json .supplement_count 1
as demo-counter GET "/api/v1/dossiers/$CODE"
expect_json '.handovers[-1].step' send_back
expect_json '.supplements[0].source' department
due_before=$(json .due_at)
# The citizen takes two weeks: move the pause start back (as if requested then).
pause_start=$(db "SELECT strftime('%Y-%m-%d %H:%M', requested_at, '-14 days') FROM supplements
                  WHERE dossier_id = (SELECT id FROM dossiers WHERE code = '$CODE')")
db "UPDATE supplements SET requested_at = '$pause_start' WHERE dossier_id = (SELECT id FROM dossiers WHERE code = '$CODE')"
before=$(snapshot)
act demo-congan "$CODE" resubmit
expect_error 403 forbidden
unchanged "$before" "resubmit by the department"
act demo-counter "$CODE" resubmit
expect_status 200
expect_json .status transferred
due_after=$(json .due_at)
as demo-counter GET "/api/v1/dossiers/$CODE"
pause_end=$(json '.supplements[0].answered_at')
[[ $pause_end != null ]] || fail "the pause end (answered_at) is not stored"
want=$("$CALC" extend "$due_before" "$pause_start" "$pause_end") || fail "calendar oracle failed"
[[ $due_after == "$want" ]] || fail "due_at after the pause is '$due_after', want '$want' (due $due_before, pause $pause_start .. $pause_end)"
[[ $due_after > $due_before ]] || fail "a two-week pause did not push the due time ($due_before -> $due_after)"
expect_json '.handovers[-1].step' resubmit
expect_json '.handovers[-1].to_agency' "$(json '.handovers[0].to_agency')"
note "send-back: due $due_before -> $due_after (pause $pause_start .. $pause_end); back to congan"
before=$(snapshot)
act demo-tuphap "$CODE" receive
expect_error 403 forbidden
unchanged "$before" "receive of the supplemented dossier by another department"
act demo-congan "$CODE" receive
expect_status 200
expect_json .status processing
# still only one supplement: a second send-back is refused unless a head overrides
second_supplement demo-congan "$CODE" "a second send-back without a head's override"
note "a second send-back: 409, allowed with a head's override"

# ---- withdrawals: the papers come back to the counter, the hand-over chain ends
# from supplement_requested (the dossier above, sent back to the counter): the open send-back closes
handovers_before=$(db "SELECT count(*) FROM handovers")
[[ $(db "SELECT count(*) FROM handovers h JOIN dossiers d ON d.id = h.dossier_id
         WHERE d.code = '$CODE' AND h.received_at IS NULL") == 1 ]] || fail "$CODE: no open send-back hand-over"
act demo-counter "$CODE" withdraw
expect_status 200
expect_json .status withdrawn
[[ $(db "SELECT count(*) FROM handovers h JOIN dossiers d ON d.id = h.dossier_id
         WHERE d.code = '$CODE' AND h.received_at IS NULL") == 0 ]] || fail "$CODE: a hand-over is open after withdrawal"
[[ $(db "SELECT count(*) FROM handovers") == "$handovers_before" ]] ||
    fail "the withdrawal of a dossier held at the counter added a hand-over"
note "withdrawal of a sent-back dossier: the send-back hand-over is received at the counter"
# from processing: a last hand-over department -> counter, received at once, with its note
intake lltp
transfer_and_receive lltp
before=$(snapshot)
act demo-congan "$CODE" withdraw
expect_error 403 forbidden
unchanged "$before" "a withdrawal by the department"
act demo-counter "$CODE" withdraw
expect_status 200
expect_json .status withdrawn
as demo-counter GET "/api/v1/dossiers/$CODE"
expect_json '.handovers | length' 2
expect_json '.handovers[-1].step' withdraw
expect_json '.handovers[-1].from_agency' "$(json '.handovers[0].to_agency')"
expect_json '.handovers[-1].to_agency' "$(json '.handovers[0].from_agency')"
expect_json '.handovers[-1].note' "Công dân rút hồ sơ"
[[ $(json '[.handovers[] | select(.received_at == null)] | length') == 0 ]] ||
    fail "$CODE: a hand-over is still open after withdrawal"
as demo-counter GET "/api/v1/dossiers/$CODE/forms/05.pdf"
expect_status 200
text=$(pdftotext "$HTTP_BODY_FILE" - | tr -s ' \n' ' ')
[[ $text == *"Công dân rút hồ sơ"* ]] || fail "Form 05 of $CODE does not show the withdrawal's note: $text"
((($(pdftotext "$HTTP_BODY_FILE" - | grep -c 'Giao:')) == 2)) || fail "Form 05 of $CODE does not show 2 hand-overs"
note "withdrawal from the department: closing hand-over recorded, its note on Form 05"

out=$("$BIN/motcuactl" audit verify --config "$DIR/conf/motcua.ini" 2>&1) || fail "audit verify fails: $out"
note "audit chain intact"
