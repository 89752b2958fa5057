#!/usr/bin/env bash
# Supervision through the real nginx: after dossiers go through different outcomes (returned
# on time and rated, overdue, refused, waiting for a supplement, finished late) GET /api/v1/stats
# counts them in total, per department and per procedure with the rates; the Form 06 register
# comes as CSV (UTF-8 with BOM, RFC 4180, formula cells neutralised: parsed with python3's csv)
# and as PDF (pdftotext shows the codes). Only supervisors and admins may read them.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_lifecycle.sh"

for need in sqlite3 pdftotext pdfinfo python3; do
    command -v "$need" > /dev/null || fail "$need is not installed (make deps)"
done
lifecycle_up
for u in demo-counter demo-supervisor demo-admin demo-congan demo-congan-head demo-tuphap demo-tuphap-head; do
    login "$u"
done
TODAY=$(vn_today)

# A: lltp returned on time and rated; its applicant's address would be a formula in a spreadsheet
DOSSIER_BODY[lltp]=${DOSSIER_BODY[lltp]/Phủ Lý, Hà Nam/@SUM(A1:A9)}
create_accepted lltp
A=$CODE A_PIN=$PIN
to_done "$A" congan
as demo-counter POST "/api/v1/dossiers/$A/return" '{"fee_collected":200000,"receipt_number":"BL-9","method":"counter"}'
expect_status 200
http POST /api/v1/lookup/rating "{\"code\":\"$A\",\"pin\":\"$A_PIN\",\"satisfaction\":4,\"on_time\":5,\"attitude\":3,\"visits\":2}"
expect_status 201
# B: lltp overdue now (its deadline moved into the past with the sqlite3 CLI on this test's database)
DOSSIER_BODY[lltp]=${DOSSIER_BODY[lltp]/@SUM(A1:A9)/Số 5, ngõ \\\"Hoa\\\", Phủ Lý}
create_accepted lltp
B=$CODE
sqlite3 "$DB" "UPDATE dossiers SET appointment_at = '2025-01-16 17:00', due_at = '2025-01-16 17:00' WHERE code = '$B'"
# C: khaisinh refused
create khaisinh
C=$CODE
as demo-counter POST "/api/v1/dossiers/$C/refuse" '{"reason":"Không thuộc thẩm quyền"}'
expect_status 200
# D: khaisinh waiting for a supplement
create khaisinh
D=$CODE
as demo-counter POST "/api/v1/dossiers/$D/supplement" '{"items":["giaychungsinh"]}'
expect_status 200
# E: khaisinh finished after its deadline (deadline moved before the result time with sqlite3)
create_accepted khaisinh
E=$CODE
to_done "$E" tuphap
sqlite3 "$DB" "UPDATE dossiers SET appointment_at = '2025-02-03 17:00', due_at = '2025-02-03 17:00' WHERE code = '$E'"
note "A=$A returned, B=$B overdue, C=$C refused, D=$D supplement, E=$E late"

# ---- who may read
for u in demo-counter demo-congan demo-congan-head; do
    for p in /api/v1/stats /api/v1/register.csv /api/v1/register.pdf; do
        as "$u" GET "$p"
        expect_error 403 forbidden
    done
done
http GET /api/v1/stats
expect_status 401
as demo-admin GET "/api/v1/stats?from=$TODAY&to=$TODAY"
expect_status 200
for q in "from=2025-13-01" "from=$TODAY&to=2020-01-01" "to=yesterday"; do
    as demo-supervisor GET "/api/v1/stats?$q"
    expect_error 400 invalid_range
done

# ---- the counts (in progress: B and D; E is done, waiting to be returned)
as demo-supervisor GET "/api/v1/stats?from=$TODAY&to=$TODAY"
expect_status 200
t='.totals'
expect_json "$t | [.received, .accepted, .refused, .with_supplement, .supplement_requests, .supplement_waiting] | join(\",\")" "5,3,1,1,1,1"
expect_json "$t | [.finished, .on_time, .late, .overdue_now, .returned, .ratings, .in_progress] | join(\",\")" "2,1,1,1,1,1,2"
expect_json "$t.on_time_rate" 50
expect_json "$t.overdue_rate" 66.7
expect_json "$t.satisfaction_766" 33.3
expect_json "$t.complaint_rate" null
expect_json "$t.rating_satisfaction_avg" 4
expect_json "$t.rating_attitude_avg" 3
expect_json '[.departments[] | "\(.department):\(.received):\(.overdue_now):\(.late)"] | join(",")' "congan:2:1:0,tuphap:3:0:1"
expect_json '.departments[] | select(.department == "congan") | .on_time_rate' 100
expect_json '[.procedures[] | "\(.procedure):\(.received):\(.refused)"] | join(",")' "lltp:2:0,khaisinh:3:1"   # by department, then procedure
expect_json '.procedures[] | select(.procedure == "lltp") | .procedure_name' "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"
as demo-supervisor GET "/api/v1/stats?from=2020-01-01&to=2020-01-31"
expect_status 200
expect_json '.totals.received' 0
expect_json '.totals.on_time_rate' null
note "stats: totals, departments, procedures and rates as expected; other ranges empty"

# ---- the register as CSV
as demo-supervisor GET "/api/v1/register.csv?from=$TODAY&to=$TODAY"
expect_status 200
[[ $(http_header content-type) == "text/csv; charset=utf-8" ]] || fail "register.csv content type"
[[ $(head -c 3 "$HTTP_BODY_FILE" | od -An -tx1 | tr -d ' ') == efbbbf ]] || fail "register.csv has no UTF-8 BOM"
python3 - "$HTTP_BODY_FILE" "$A" "$B" "$E" "$C" "$D" <<'PY' || fail "register.csv is not what was expected"
import csv, sys
path, a, b, e, c, d = sys.argv[1:]
with open(path, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f, strict=True))
head, body = rows[0], rows[1:]
assert head[:3] == ["STT", "Mã hồ sơ", "Mã thủ tục"], head
assert all(len(r) == len(head) for r in body), "ragged rows"
codes = [r[1] for r in body]
assert codes == [a, b, e], codes          # accepted dossiers, in receipt order; not C, D
by = {r[1]: dict(zip(head, r)) for r in body}
assert by[a]["Tên cá nhân, tổ chức"] == "Nguyễn Văn An", by[a]
assert by[a]["Địa chỉ"] == "'@SUM(A1:A9)", by[a]["Địa chỉ"]           # formula neutralised
assert by[b]["Địa chỉ"] == 'Số 5, ngõ "Hoa", Phủ Lý', by[b]["Địa chỉ"]  # quotes and commas survive
assert by[a]["Trạng thái"] == "Đã trả kết quả"
assert by[b]["Hẹn trả kết quả"] == "2025-01-16 17:00"
assert by[a]["Trả kết quả"] != "" and by[b]["Trả kết quả"] == ""
assert by[e]["Tên thủ tục"] == "Đăng ký khai sinh"
PY
grep -q $'\r$' "$HTTP_BODY_FILE" || fail "register.csv lines do not end with CRLF"
note "register.csv: BOM, RFC 4180, 3 rows, formula cell prefixed"

# ---- the register as PDF (Form 06, A4)
as demo-supervisor GET "/api/v1/register.pdf?from=$TODAY&to=$TODAY"
expect_status 200
[[ $(http_header content-type) == application/pdf* ]] || fail "register.pdf content type"
text=$(pdftotext "$HTTP_BODY_FILE" - | tr '\n' ' ')
for code in "$A" "$B" "$E"; do
    [[ $text == *"$code"* ]] || fail "register.pdf lacks $code"
done
[[ $text != *"$C"* && $text != *"$D"* ]] || fail "register.pdf lists a dossier never accepted"
[[ $text == *"SỔ THEO DÕI HỒ SƠ"* || $text == *"Sổ theo dõi hồ sơ"* ]] || fail "register.pdf has no title"
pdfinfo "$HTTP_BODY_FILE" 2>/dev/null | grep -Eq 'Page size: *841.89 x 595.2[0-9]* pts' || fail "register.pdf is not A4 landscape"
as demo-supervisor GET "/api/v1/register.pdf?from=2020-01-01&to=2020-01-02"
expect_status 200
note "register.pdf: A4, the three accepted dossiers"
