#!/usr/bin/env bash
# The plugins' validation hooks through POST /api/v1/procedures/{code}/validate: a good
# draft is valid, a bad one lists problems naming the faulty fields (Vietnamese messages);
# the taichinh company-name registry feeds dkdn's name check; the department routes answer.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_lifecycle.sh"

lifecycle_up
login demo-taichinh

# A real-looking applicant: 035 = Hà Nam, 4th digit 0 = born 1900s and male, 85 = 1985.
APPLICANT='{"name":"Nguyễn Văn An","id_number":"035085001234","birth_date":"1985-03-15","sex":"nam",
            "phone":"0912345678","email":"an.nguyen@example.vn","address":"Phủ Lý, Hà Nam"}'
# 11 digits: wrong length.
BAD_APPLICANT='{"name":"Nguyễn Văn An","id_number":"03508500123","birth_date":"1985-03-15","sex":"nam"}'

# validate CODE JSON: POST the draft, expect 200 and the procedure echoed back.
validate() {
    http POST "/api/v1/procedures/$1/validate" "$2"
    expect_status 200
    expect_json .procedure "$1"
}

# expect_valid CODE: the last validation said valid with no problems.
expect_valid() {
    expect_json .valid true
    expect_json '.problems | length' 0
    note "$1 good draft: valid"
}

# expect_problems CODE FIELD...: valid false, and a problem names each FIELD; every
# problem has a code and a Vietnamese message.
expect_problems() {
    local code=$1 f fields n i msg
    shift
    expect_json .valid false
    fields=$(json '[.problems[].field] | join(",")')
    for f in "$@"; do
        [[ ,$fields, == *,"$f",* ]] || fail "$code bad draft: no problem names $f (problems name: $fields)"
    done
    n=$(json '.problems | length')
    for ((i = 0; i < n; i++)); do
        [[ -n $(json ".problems[$i].code // empty") ]] || fail "$code: problem $i has no code"
        msg=$(json ".problems[$i].message // empty")
        printf '%s' "$msg" | grep -q '[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐ]' ||
            fail "$code: problem $i has no Vietnamese message: '$msg'"
    done
    note "$code bad draft: $n problems on $fields"
}

# ---- khaisinh (tuphap)
validate khaisinh "{\"procedure\":\"khaisinh\",\"channel\":\"counter\",\"applicant\":$APPLICANT,
  \"details\":{\"relationship\":\"cha\",\"child\":{\"name\":\"Nguyễn Minh Khang\",
  \"birth_date\":\"2024-05-01\",\"sex\":\"nam\",\"birth_place\":\"Bệnh viện Đa khoa tỉnh Hà Nam\"}}}"
expect_valid khaisinh
validate khaisinh "{\"procedure\":\"khaisinh\",\"applicant\":$BAD_APPLICANT,
  \"details\":{\"relationship\":\"hàng xóm\",\"child\":{\"name\":\"Nguyễn Minh Khang\",
  \"birth_date\":\"2099-01-01\",\"sex\":\"nam\",\"birth_place\":\"Phủ Lý\"}}}"
expect_problems khaisinh applicant.id_number details.relationship details.child.birth_date

# ---- lltp (congan)
validate lltp "{\"procedure\":\"lltp\",\"applicant\":$APPLICANT,
  \"details\":{\"purpose\":\"Bổ sung hồ sơ xin việc\",\"copies\":2}}"
expect_valid lltp
validate lltp "{\"procedure\":\"lltp\",\"applicant\":$BAD_APPLICANT,
  \"details\":{\"copies\":0,\"fee_reduction\":\"vip\"}}"
expect_problems lltp applicant.id_number details.purpose details.copies details.fee_reduction

# ---- dkdn (taichinh)
# dkdn_draft NAME: a complete draft with company name NAME.
dkdn_draft() {
    echo "{\"procedure\":\"dkdn\",\"applicant\":$APPLICANT,\"details\":{\"company_name\":\"$1\",
      \"members\":[{\"name\":\"Nguyễn Văn An\",\"id_number\":\"035085001234\"},
                   {\"name\":\"Trần Thị Bình\",\"id_number\":\"001190005678\"}],
      \"charter_capital\":500000000}}"
}
validate dkdn "$(dkdn_draft "Công ty TNHH Sen Vàng")"
expect_valid dkdn
validate dkdn "{\"procedure\":\"dkdn\",\"applicant\":$APPLICANT,\"details\":{\"company_name\":\"Sen Vàng\",
  \"members\":[{\"name\":\"Nguyễn Văn An\",\"id_number\":\"035085001234\"}],\"charter_capital\":-5}}"
expect_problems dkdn details.company_name details.members details.charter_capital

# ---- gpxd (xaydung)
validate gpxd "{\"procedure\":\"gpxd\",\"applicant\":$APPLICANT,\"details\":{\"land_area_m2\":120,
  \"footprint_m2\":80,\"floors\":3,\"total_floor_area_m2\":240,\"land_certificate_number\":\"CS 012345\"}}"
expect_valid gpxd
validate gpxd "{\"procedure\":\"gpxd\",\"applicant\":$APPLICANT,\"details\":{\"land_area_m2\":120,
  \"footprint_m2\":150,\"floors\":9,\"total_floor_area_m2\":100}}"
expect_problems gpxd details.footprint_m2 details.floors details.total_floor_area_m2 details.land_certificate_number

# ---- dkdd (nnmt)
validate dkdd "{\"procedure\":\"dkdd\",\"applicant\":$APPLICANT,\"details\":{\"map_sheet\":12,
  \"parcel_number\":345,\"area_m2\":150.5,\"land_use_code\":\"ONT\"}}"
expect_valid dkdd
validate dkdd "{\"procedure\":\"dkdd\",\"applicant\":$BAD_APPLICANT,\"details\":{\"map_sheet\":0,
  \"parcel_number\":\"abc\",\"area_m2\":-1,\"land_use_code\":\"XYZ\"}}"
expect_problems dkdd applicant.id_number details.map_sheet details.parcel_number details.area_m2 details.land_use_code

# ---- taichinh's name registry and dkdn's name check
# Not registered yet: the name passes.
validate dkdn "$(dkdn_draft "CONG TY TNHH HOA SEN")"
expect_valid "dkdn (CONG TY TNHH HOA SEN before registration)"
# Registering a name changes state: only taichinh's own staff, with a session and CSRF token.
http POST /api/v1/departments/taichinh/names '{"name":"Công ty TNHH Hoa Sen"}'
expect_error 401 not_logged_in
as demo-taichinh POST /api/v1/departments/taichinh/names '{"name":"Công ty TNHH Hoa Sen"}'
expect_status 200 201
note "registered 'Công ty TNHH Hoa Sen': $HTTP_STATUS $HTTP_BODY"
validate dkdn "$(dkdn_draft "CONG TY TNHH HOA SEN")"
expect_json .valid false
got=$(json '[.problems[] | select(.field == "details.company_name")] | length')
[[ $got == 1 ]] || fail "after registering 'Công ty TNHH Hoa Sen', dkdn with 'CONG TY TNHH HOA SEN' has $got company_name problems (expected 1): $HTTP_BODY"
expect_json '[.problems[] | select(.field == "details.company_name") | .code] | join(",")' name_taken
note "dkdn with CONG TY TNHH HOA SEN after registration: $(json '.problems[] | select(.field == "details.company_name") | .message')"
# Registering the same name again (other spelling) is refused.
as demo-taichinh POST /api/v1/departments/taichinh/names '{"name":"công ty trách nhiệm hữu hạn HOA SEN"}'
expect_error 409 name_taken
http POST /api/v1/departments/taichinh/name-check '{"name":"Cong ty TNHH Hoa Sen"}'
expect_status 200
expect_json .available false
http POST /api/v1/departments/taichinh/name-check '{"name":"Công ty TNHH Hoa Mai"}'
expect_status 200
expect_json .available true

# ---- the other departments' routes answer
http POST /api/v1/departments/congan/fee '{"copies":3}'
expect_status 200
expect_json .amount 205000
note "congan fee for 3 copies: $(json .amount) VND"
http GET /api/v1/departments/nnmt/land-use-codes
expect_status 200
grep -q '"ONT"' "$HTTP_BODY_FILE" || fail "nnmt land-use-codes does not list ONT"
http POST /api/v1/departments/xaydung/check '{"land_area_m2":120,"footprint_m2":150,"floors":3,"total_floor_area_m2":300,"land_certificate_number":"CS 1"}'
expect_status 200
expect_json .ok false
expect_json '[.problems[].code] | join(",")' exceeds_land_area
