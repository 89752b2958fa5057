#!/usr/bin/env bash
# Overdue and return through the real nginx: a dossier past its deadline is listed for the
# supervisor and its own department only; its department head issues Form 04 once (pdftotext
# shows the number …/PXL, the reason and the new date); bad apologies and bad returns change
# nothing; the counter returns a done dossier collecting a fee of the rules in force at intake,
# through POST /return only (POST /transitions "return" is refused: it would skip the fee), and
# the return closes the open "result" hand-over of Form 05 in the same transaction.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_lifecycle.sh"

for need in sqlite3 pdftotext python3; do
    command -v "$need" > /dev/null || fail "$need is not installed (make deps)"
done
lifecycle_up
for u in demo-counter demo-supervisor demo-congan demo-congan-head demo-tuphap demo-tuphap-head demo-admin; do
    login "$u"
done

# What a refused request must not change.
snapshot() {
    sqlite3 "$DB" "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM apologies),
        (SELECT count(*) FROM payments), (SELECT count(*) FROM handovers WHERE received_at IS NULL),
        (SELECT group_concat(code || ':' || status || ':' || ifnull(appointment_at, '') || ':' ||
         ifnull(due_at, '') || ':' || ifnull(returned_at, ''), ',') FROM dossiers)"
}
# in_list CODE: the last response's .dossiers has CODE.
in_list() { [[ $(json "[.dossiers[].code] | index(\"$1\")") != null ]]; }

# ---- an overdue dossier, made honestly: the API accepts it today, then its times are moved
# into the past with the sqlite3 CLI on this test's own database (no test-only HTTP path).
create_accepted lltp
LATE=$CODE
LATE_PIN=$PIN
sqlite3 "$DB" "UPDATE dossiers SET received_at = '2025-01-02 08:00', accepted_at = '2025-01-02 08:05',
               appointment_at = '2025-01-16 17:00', due_at = '2025-01-16 17:00' WHERE code = '$LATE'"
# one due before the end of the next working day: at risk, not yet missed
create_accepted lltp
RISK=$CODE
sqlite3 "$DB" "UPDATE dossiers SET due_at = '$(vn_today) 23:59' WHERE code = '$RISK'"
# one with its normal 10-working-day deadline: not listed
create_accepted lltp
FAR=$CODE
# a tuphap dossier, overdue too (same-day procedure received in the past)
create_accepted khaisinh
KS=$CODE
sqlite3 "$DB" "UPDATE dossiers SET received_at = '2025-02-03 09:00', appointment_at = '2025-02-03 17:00',
               due_at = '2025-02-03 17:00' WHERE code = '$KS'"

as demo-supervisor GET /api/v1/overdue
expect_status 200
in_list "$LATE" && in_list "$RISK" && in_list "$KS" || fail "the supervisor's overdue list lacks a dossier"
in_list "$FAR" && fail "a dossier due in 10 working days is listed as overdue"
[[ $(json ".dossiers[] | select(.code == \"$LATE\") | .kind") == missed ]] || fail "$LATE is not 'missed'"
[[ $(json ".dossiers[] | select(.code == \"$RISK\") | .kind") == at_risk ]] || fail "$RISK is not 'at_risk'"
[[ $(json ".dossiers[] | select(.code == \"$LATE\") | .kind_label") == "Đã quá hạn" ]] || fail "kind_label"
as demo-congan GET /api/v1/overdue
expect_status 200
in_list "$LATE" || fail "congan's overdue list lacks its own $LATE"
in_list "$KS" && fail "congan's overdue list shows tuphap's $KS"
as demo-tuphap GET /api/v1/overdue
expect_status 200
in_list "$KS" || fail "tuphap's list lacks $KS"
in_list "$LATE" && fail "tuphap's list shows congan's $LATE"
as demo-tuphap GET "/api/v1/overdue?department=congan"
expect_error 403 forbidden
as demo-counter GET /api/v1/overdue
expect_error 403 forbidden
http GET /api/v1/overdue
expect_status 401
note "overdue: missed and at-risk listed; supervisor sees all, departments their own"

# ---- Form 04: the head of the dossier's department, once, a later working day
as demo-counter GET "/api/v1/dossiers/$LATE/forms/04.pdf"
expect_error 404 form_not_applicable
before=$(snapshot)
as demo-congan POST "/api/v1/dossiers/$LATE/apology" '{"reason":"x","new_date":"2030-01-07"}'
expect_error 403 forbidden
as demo-tuphap-head POST "/api/v1/dossiers/$LATE/apology" '{"reason":"x","new_date":"2030-01-07"}'
expect_error 403 forbidden
http POST "/api/v1/dossiers/$LATE/apology" '{"reason":"x","new_date":"2030-01-07"}' \
    -b "$HTTP_DIR/demo-congan-head.jar" -H 'X-CSRF-Token: wrong'
expect_status 403
as demo-congan-head POST "/api/v1/dossiers/$LATE/apology" '{"new_date":"2030-01-07"}'
expect_error 422 missing_reason
as demo-congan-head POST "/api/v1/dossiers/$LATE/apology" '{"reason":"Chờ xác minh","new_date":"07/01/2030"}'
expect_error 422 invalid_new_date
as demo-congan-head POST "/api/v1/dossiers/$LATE/apology" '{"reason":"Chờ xác minh","new_date":"2030-01-05"}'
expect_error 422 not_a_working_day   # a Saturday
as demo-congan-head POST "/api/v1/dossiers/$LATE/apology" '{"reason":"Chờ xác minh","new_date":"2025-01-20"}'
expect_error 422 new_date_past
as demo-congan-head POST "/api/v1/dossiers/$LATE/apology" '{"reason":"Chờ xác minh","new_date":"2030-01-07 20:00"}'
expect_error 422 invalid_new_date
as demo-congan-head POST "/api/v1/dossiers/$LATE/apology" '{"reason":"Chờ xác minh"' -H 'Content-Type: application/json'
expect_error 400 invalid_json
unchanged "$before" "apology by an officer, another department's head, bad CSRF, bad reason/date"

REASON="Chờ kết quả xác minh của Công an tỉnh bạn"
as demo-congan-head POST "/api/v1/dossiers/$LATE/apology" "{\"reason\":\"$REASON\",\"new_date\":\"2030-01-07\"}"
expect_status 201
expect_json .apology.new_appointment_at "2030-01-07 17:00"
expect_json .apology.late true
NUMBER=$(json .apology.number)
expect_json .apology.number_text "$NUMBER/PXL"
[[ $(sqlite3 "$DB" "SELECT count(*) FROM events WHERE subject = '$LATE' AND action = 'dossier.apology'") == 1 ]] ||
    fail "no audit event for the apology"
as demo-counter GET "/api/v1/dossiers/$LATE/forms/04.pdf"
expect_status 200
text=$(pdftotext "$HTTP_BODY_FILE" - | tr '\n' ' ' | tr -s ' ')
[[ $text == *"$LATE"* ]] || fail "Form 04 lacks the dossier code"
[[ $text == *"$NUMBER/PXL"* ]] || fail "Form 04 lacks the number $NUMBER/PXL"
[[ $text == *"$REASON"* ]] || fail "Form 04 lacks the reason"
[[ $text == *"17 giờ 00 phút, ngày 07 tháng 01 năm 2030"* ]] || fail "Form 04 lacks the new date: $text"
[[ $text == *"ngày 16 tháng 01 năm 2025"* ]] || fail "Form 04 lacks the original appointment"
note "Form 04 $NUMBER/PXL issued for $LATE (late: after its appointment day)"

before=$(snapshot)
as demo-congan-head POST "/api/v1/dossiers/$LATE/apology" '{"reason":"Lần hai","new_date":"2030-01-08"}'
expect_error 409 apology_exists
unchanged "$before" "a second apology"
# the citizen sees the new appointment
http GET "/api/v1/lookup?code=$LATE&pin=$LATE_PIN"
expect_status 200
expect_json .appointment_at "2030-01-07 17:00"
expect_json .original_appointment_at "2025-01-16 17:00"
# the supervisor sees the apology in the overdue list
as demo-supervisor GET /api/v1/overdue
[[ $(json ".dossiers[] | select(.code == \"$LATE\") | .apology.number") == "$NUMBER" ]] ||
    fail "the overdue list does not show $LATE's apology"

# ---- return with the fee
create_accepted lltp
RET=$CODE
before=$(snapshot)
as demo-counter POST "/api/v1/dossiers/$RET/return" '{"fee_collected":200000,"receipt_number":"AA-0001","method":"counter"}'
expect_error 409 transition_not_allowed
unchanged "$before" "return of an accepted (not done) dossier"
to_done "$RET" congan
note "$RET processed to done"
# open_result CODE: how many "result" hand-overs of CODE are still open (given, not received).
open_result() {
    sqlite3 "$DB" "SELECT count(*) FROM handovers h JOIN dossiers d ON d.id = h.dossier_id
                   WHERE d.code = '$1' AND h.step = 'result' AND h.received_at IS NULL"
}
[[ $(open_result "$RET") == 1 ]] || fail "$RET is done but has no open result hand-over"
before=$(snapshot)
as demo-counter POST "/api/v1/dossiers/$RET/transitions" '{"action":"return"}'
expect_error 422 invalid_action
json .error.message | grep -qF '/return' || fail "invalid_action for return does not point to /return"
as demo-counter POST "/api/v1/dossiers/$RET/transitions" '{"action":"return","note":"không thu phí"}'
expect_error 422 invalid_action
unchanged "$before" "return through /transitions (no fee)"
as demo-congan POST "/api/v1/dossiers/$RET/return" '{"fee_collected":200000,"receipt_number":"AA-0001","method":"counter"}'
expect_error 403 forbidden
as demo-counter POST "/api/v1/dossiers/$RET/return" '{"fee_collected":150000,"receipt_number":"AA-0001","method":"counter"}'
expect_error 422 fee_mismatch
json .error.message | grep -q "200.000 đồng, 100.000 đồng" || fail "fee_mismatch does not name the fees"
as demo-counter POST "/api/v1/dossiers/$RET/return" '{"fee_collected":"200000","receipt_number":"AA-0001"}'
expect_error 422 invalid_fee
as demo-counter POST "/api/v1/dossiers/$RET/return" '{"fee_collected":200000,"method":"counter"}'
expect_error 422 invalid_receipt
as demo-counter POST "/api/v1/dossiers/$RET/return" '{"fee_collected":200000,"receipt_number":"=cmd()","method":"counter"}'
expect_error 422 invalid_receipt
as demo-counter POST "/api/v1/dossiers/$RET/return" '{"fee_collected":200000,"receipt_number":"AA-0001","method":"drone"}'
expect_error 422 invalid_method
unchanged "$before" "return by an officer, wrong fee, missing receipt, bad method"

as demo-counter POST "/api/v1/dossiers/$RET/return" '{"fee_collected":100000,"receipt_number":"AA-0002","method":"post"}'
expect_status 200
expect_json .status returned
expect_json .payment.fee_collected 100000
expect_json .payment.receipt_number AA-0002
[[ $(open_result "$RET") == 0 ]] || fail "the result hand-over of $RET is still open after the return"
[[ $(sqlite3 "$DB" "SELECT h.received_at = d.returned_at AND h.receiver = 'Cán bộ tiếp nhận (demo)'
                    FROM handovers h JOIN dossiers d ON d.id = h.dossier_id
                    WHERE d.code = '$RET' AND h.step = 'result'") == 1 ]] ||
    fail "the result hand-over of $RET was not received by the counter officer at the return"
[[ $(sqlite3 "$DB" "SELECT json_extract(after_json, '\$.payment.receipt_number') FROM events
                    WHERE subject = '$RET' AND action = 'dossier.return'") == AA-0002 ]] ||
    fail "the return's audit event does not carry the payment"
[[ $(json .returned_at) =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}$ ]] || fail "returned_at not set"
row=$(sqlite3 "$DB" "SELECT p.amount || '|' || p.receipt_number || '|' || p.method || '|' || p.fee_name
                     FROM payments p JOIN dossiers d ON d.id = p.dossier_id WHERE d.code = '$RET'")
[[ $row == "100000|AA-0002|post|Phí cung cấp thông tin lý lịch tư pháp (mức giảm)" ]] ||
    fail "payment row is '$row'"
[[ $(sqlite3 "$DB" "SELECT count(*) FROM events WHERE subject = '$RET' AND action = 'dossier.return'") == 1 ]] ||
    fail "no audit event for the return"
before=$(snapshot)
as demo-counter POST "/api/v1/dossiers/$RET/return" '{"fee_collected":100000,"receipt_number":"AA-0003","method":"post"}'
expect_error 409 transition_not_allowed
as demo-congan-head POST "/api/v1/dossiers/$RET/apology" '{"reason":"Muộn","new_date":"2030-01-07"}'
expect_error 409 dossier_closed
unchanged "$before" "a second return, an apology for a returned dossier"
note "returned $RET with the reduced fee; payment and audit event recorded"

# a free procedure: no receipt needed
create_accepted khaisinh
to_done "$CODE" tuphap
# all or nothing: a payment row already there (the schema allows one per dossier) makes the
# payment's insert fail inside the transaction; the status, the hand-over and the audit log
# must then be as before.
DID=$(sqlite3 "$DB" "SELECT id FROM dossiers WHERE code = '$CODE'")
sqlite3 "$DB" "INSERT INTO payments (dossier_id, amount, collected_by, collected_at)
               VALUES ($DID, 0, 'test', '2025-01-01 08:00')"
before=$(snapshot)
as demo-counter POST "/api/v1/dossiers/$CODE/return" '{"fee_collected":0,"method":"counter"}'
expect_error 500 internal
unchanged "$before" "a return whose payment cannot be written"
[[ $(open_result "$CODE") == 1 ]] || fail "a failed return closed the result hand-over of $CODE"
sqlite3 "$DB" "DELETE FROM payments WHERE dossier_id = $DID AND collected_by = 'test'"
as demo-counter POST "/api/v1/dossiers/$CODE/return" '{"fee_collected":0,"method":"counter"}'
expect_status 200
expect_json .status returned
[[ $(open_result "$CODE") == 0 ]] || fail "the result hand-over of $CODE is still open after the return"
"$BIN/motcuactl" audit verify --config "$DIR/conf/motcua.ini" > /dev/null 2>&1 || fail "audit verify fails"
note "free khaisinh returned without a receipt; audit chain verifies"
