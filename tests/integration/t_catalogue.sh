#!/usr/bin/env bash
# The public catalogue over nginx: the five demo procedures with their departments and
# documents (as DOMAIN.md states them), search ignoring diacritics, errors, the static UI.
source "$(dirname "$0")/lib.sh"

stack_up

# ---- the list: five procedures, each with its department (DOMAIN.md, "The demo catalogue")
http GET /api/v1/procedures
expect_status 200
[[ $(http_header content-type) == application/json* ]] ||
    fail "GET /api/v1/procedures: Content-Type is '$(http_header content-type)', not application/json"
got=$(json '[.procedures[] | "\(.code)=\(.department.id)"] | sort | join(" ")')
want="dkdd=nnmt dkdn=taichinh gpxd=xaydung khaisinh=tuphap lltp=congan"
[[ $got == "$want" ]] || fail "catalogue lists '$got', expected '$want'"
note "list: $got"

# Names and national codes from DOMAIN.md.
declare -A name=(
    [khaisinh]="Đăng ký khai sinh"
    [lltp]="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"
    [dkdn]="Đăng ký thành lập công ty TNHH hai thành viên trở lên"
    [gpxd]="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
    [dkdd]="Đăng ký đất đai, tài sản gắn liền với đất lần đầu"
)
declare -A national=([khaisinh]=1.001193 [lltp]=3.000333 [dkdn]=null [gpxd]=null [dkdd]=null)
for code in khaisinh lltp dkdn gpxd dkdd; do
    expect_json ".procedures[] | select(.code == \"$code\") | .name" "${name[$code]}"
    expect_json ".procedures[] | select(.code == \"$code\") | .national_code" "${national[$code]}"
done

# ---- details: documents (ids and required flags) per DOMAIN.md's documents table
declare -A docs=(
    [khaisinh]="cccd:R giaychungsinh:R khaisinh.tokhai:R uyquyen:O"
    [lltp]="cccd:R lltp.tokhai:R uyquyen:O"
    [dkdn]="cccd:R dkdn.danhsachtv:R dkdn.dieule:R dkdn.giaydenghi:R uyquyen:O"
    [gpxd]="gcn.qsdd:R gpxd.banve:R gpxd.don:R uyquyen:O"
    [dkdd]="cccd:R dkdd.don:R dkdd.giayto:O"
)
for code in khaisinh lltp dkdn gpxd dkdd; do
    http GET "/api/v1/procedures/$code"
    expect_status 200
    expect_json .code "$code"
    got=$(json '[.documents[] | "\(.id):\(if .required == true then "R" elif .required == false then "O" else "?" end)"] | sort | join(" ")')
    [[ $got == "${docs[$code]}" ]] ||
        fail "GET /api/v1/procedures/$code documents are '$got', DOMAIN.md says '${docs[$code]}'"
done
note "documents of the five procedures match DOMAIN.md"
# khaisinh in detail: department with its name, the 15:00 same-day rule, free.
http GET /api/v1/procedures/khaisinh
expect_json .department.id tuphap
expect_json '.time_limit.unit' same_day
expect_json '.time_limit.cutoff' 15:00
expect_json '[.fees[].amount] | min' 0

# ---- unknown procedure: 404 with the JSON error shape
http GET /api/v1/procedures/khongco
expect_status 404
expect_json '.error.code | length > 0' true
expect_vietnamese_message
note "unknown code: $(json .error.code)"

# ---- search ignores diacritics and case
# Prints the sorted codes found for the query $1.
search_codes() {
    http GET /api/v1/procedures "" -G --data-urlencode "q=$1"
    expect_status 200
    json '[.procedures[].code] | sort | join(" ")'
}
a=$(search_codes "dang ky khai sinh") || exit 1
b=$(search_codes "đăng ký khai sinh") || exit 1
c=$(search_codes "ĐĂNG KÝ KHAI SINH") || exit 1
[[ " $a " == *" khaisinh "* ]] || fail "q=dang ky khai sinh does not find khaisinh (got '$a')"
[[ $a == "$b" ]] || fail "q=đăng ký khai sinh finds '$b', q=dang ky khai sinh finds '$a'"
[[ $a == "$c" ]] || fail "q=ĐĂNG KÝ KHAI SINH finds '$c', q=dang ky khai sinh finds '$a'"
note "q=dang ky khai sinh / đăng ký khai sinh / ĐĂNG KÝ KHAI SINH -> $a"
a=$(search_codes "ĐĂNG KÝ") || exit 1
b=$(search_codes "dang ky") || exit 1
c=$(search_codes "đăng ký") || exit 1
[[ " $a " == *" khaisinh "* ]] || fail "q=ĐĂNG KÝ does not find khaisinh (got '$a')"
[[ $a == "$b" && $a == "$c" ]] || fail "q=ĐĂNG KÝ -> '$a', q=dang ky -> '$b', q=đăng ký -> '$c'"
# lltp's name has no "đăng ký": a search that matched everything would be wrong.
[[ " $a " != *" lltp "* ]] || fail "q=ĐĂNG KÝ also finds lltp (got '$a')"
note "q=ĐĂNG KÝ / dang ky / đăng ký -> $a"
a=$(search_codes "dat dai") || exit 1
[[ " $a " == *" dkdd "* ]] || fail "q=dat dai does not find dkdd (đ folds to d; got '$a')"
[[ " $a " != *" khaisinh "* ]] || fail "q=dat dai also finds khaisinh (got '$a')"
note "q=dat dai -> $a"

# ---- department filter
http GET "/api/v1/procedures?department=congan"
expect_status 200
expect_json '[.procedures[].code] | join(" ")' lltp
http GET "/api/v1/procedures?department=khongco"
expect_status 404
expect_json '.error.code | length > 0' true
expect_vietnamese_message
note "unknown department: $(json .error.code)"

# ---- the static UI at /
http GET /
expect_status 200
[[ $(http_header content-type) == text/html* ]] || fail "GET / has Content-Type '$(http_header content-type)'"
cmp -s "$HTTP_BODY_FILE" "$REPO/web/index.html" || fail "GET / does not serve web/index.html"
note "GET / serves web/index.html"
