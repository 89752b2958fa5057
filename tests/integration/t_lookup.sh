#!/usr/bin/env bash
# The public lookup through the real nginx: code + PIN show status, procedure, dates and steps
# but nothing personal; a wrong PIN, an unknown code and a malformed code get the very same 404;
# a rating is taken once, only after return; 10 failed checks from an address in 15 minutes
# get 429 with Retry-After (even for the right PIN), and staff logins from that address still work.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_lifecycle.sh"

command -v sqlite3 > /dev/null || fail "sqlite3 is not installed (make deps)"
lifecycle_up
for u in demo-counter demo-congan demo-congan-head; do
    login "$u"
done

create_accepted lltp
as demo-counter GET "/api/v1/dossiers/$CODE"
APPT=$(json .appointment_at)

# ---- what the citizen sees
http GET "/api/v1/lookup?code=$CODE&pin=$PIN"
expect_status 200
expect_json .code "$CODE"
expect_json .status accepted
expect_json .status_label "Đã nhận hồ sơ, hẹn trả kết quả"
expect_json .procedure lltp
expect_json .procedure_name "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"
expect_json .appointment_at "$APPT"
expect_json '[.steps[].action] | join(",")' "create,accept"
expect_json '.steps[1].label' "Tiếp nhận hồ sơ, hẹn ngày trả kết quả"
[[ $(http_header cache-control) == no-store ]] || fail "lookup answer may be cached"
for secret in "$APPLICANT_NAME" "$APPLICANT_ID" 0912345678 an.nguyen@example.vn "Phủ Lý" demo-counter "$PIN" \
    pin_hash Nguyễn; do
    [[ $HTTP_BODY != *"$secret"* ]] || fail "the public lookup shows '$secret'"
done
note "lookup of $CODE: status, procedure, dates and steps; no name, ID number, contact or staff"

# the steps follow the processing, with the workflow's step names
to_done "$CODE" congan
http GET "/api/v1/lookup?code=$CODE&pin=$PIN"
expect_status 200
expect_json .status done
expect_json '[.steps[].action] | join(",")' "create,accept,transfer,receive,step,step,step,done"
expect_json '.steps[4].step_name' "Tra cứu Cơ sở dữ liệu lý lịch tư pháp, xác minh tại cơ quan liên quan"
[[ $(json .result_at) != null ]] || fail "result_at missing after done"

# ---- rating: only after return, once, with valid scores
RATE="{\"code\":\"$CODE\",\"pin\":\"$PIN\",\"satisfaction\":5,\"on_time\":4,\"attitude\":5,\"visits\":1}"
http POST /api/v1/lookup/rating "$RATE"
expect_error 409 not_returned
as demo-counter POST "/api/v1/dossiers/$CODE/return" '{"fee_collected":200000,"receipt_number":"BL-1","method":"counter"}'
expect_status 200
http GET "/api/v1/lookup?code=$CODE&pin=$PIN"
expect_json .status returned
expect_json .rated false
[[ $(json .returned_at) != null ]] || fail "returned_at missing"
for bad in '"satisfaction":6,"on_time":4,"attitude":5,"visits":1' '"satisfaction":5,"on_time":0,"attitude":5,"visits":1' \
    '"satisfaction":5,"on_time":4,"visits":1' '"satisfaction":5,"on_time":4,"attitude":5,"visits":0' \
    '"satisfaction":"5","on_time":4,"attitude":5,"visits":1'; do
    http POST /api/v1/lookup/rating "{\"code\":\"$CODE\",\"pin\":\"$PIN\",$bad}"
    expect_error 422 invalid_rating
done
[[ $(sqlite3 "$DB" "SELECT count(*) FROM ratings") == 0 ]] || fail "an invalid rating was stored"
http POST /api/v1/lookup/rating "$RATE"
expect_status 201
http POST /api/v1/lookup/rating "$RATE"
expect_error 409 already_rated
[[ $(sqlite3 "$DB" "SELECT satisfaction || on_time || attitude || visits FROM ratings") == 5451 ]] ||
    fail "the rating stored is not the one given"
[[ $(sqlite3 "$DB" "SELECT count(*) FROM events WHERE subject = '$CODE' AND action = 'dossier.rating'") == 1 ]] ||
    fail "no audit event for the rating"
http GET "/api/v1/lookup?code=$CODE&pin=$PIN"
expect_json .rated true
note "rating refused before return and when invalid, taken once after return"

# ---- no oracle: wrong PIN == unknown code == malformed code (failures 1..4)
WRONG=$(printf '%06d' $(((10#$PIN + 1) % 1000000)))
http GET "/api/v1/lookup?code=$CODE&pin=$WRONG"
expect_error 404 not_found
wrong_body=$HTTP_BODY
wrong_headers=$(printf '%s\n' "$HTTP_HEADERS" | grep -v -i '^date:')
UNKNOWN="${CODE%.*}.9999"
http GET "/api/v1/lookup?code=$UNKNOWN&pin=$PIN"
expect_status 404
[[ $HTTP_BODY == "$wrong_body" ]] || fail "unknown code and wrong PIN answer differently"
[[ $(printf '%s\n' "$HTTP_HEADERS" | grep -v -i '^date:') == "$wrong_headers" ]] ||
    fail "unknown code and wrong PIN have different headers"
http GET "/api/v1/lookup?code=not-a-code&pin=12"
expect_status 404
[[ $HTTP_BODY == "$wrong_body" ]] || fail "a malformed code answers differently"
http POST /api/v1/lookup/rating "{\"code\":\"$CODE\",\"pin\":\"$WRONG\",\"satisfaction\":1,\"on_time\":1,\"attitude\":1,\"visits\":3}"
expect_status 404
[[ $HTTP_BODY == "$wrong_body" ]] || fail "a rating with a wrong PIN answers differently"
http GET "/api/v1/lookup?code=$CODE"
expect_error 400 missing_parameters
note "wrong PIN, unknown code and malformed code: the same 404"

# ---- throttling: failures 5..10 still answer 404, then 429 for everything from this address
for i in 5 6 7 8 9 10; do
    http GET "/api/v1/lookup?code=$UNKNOWN&pin=00000$((i % 10))"
    expect_status 404
done
[[ $(sqlite3 "$DB" "SELECT count(*) FROM lookup_attempts") == 10 ]] || fail "10 failures were not counted"
http GET "/api/v1/lookup?code=$CODE&pin=$PIN"
expect_error 429 too_many_attempts
retry=$(http_header retry-after)
[[ $retry =~ ^[0-9]+$ ]] && ((retry >= 1 && retry <= 900)) || fail "Retry-After '$retry' is not 1..900 seconds"
http POST /api/v1/lookup/rating "$RATE"
expect_error 429 too_many_attempts
note "11th check from the address: 429, Retry-After $retry s, even with the right PIN"
# the lookup throttle is not the login throttle: staff at the same address can still log in
login demo-counter
as demo-counter GET "/api/v1/dossiers/$CODE"
expect_status 200
# when the window has passed (failures aged with the sqlite3 CLI), lookups work again
sqlite3 "$DB" "UPDATE lookup_attempts SET at = at - 901"
http GET "/api/v1/lookup?code=$CODE&pin=$PIN"
expect_status 200
note "staff login unaffected; lookups allowed again once the failures leave the window"
