#!/usr/bin/env bash
# The authorization matrix through the real nginx: for each role (anonymous, counter, officer
# and head of tuphap, officer of congan, supervisor, archivist, admin) and each endpoint routed
# in fcgi/*.c (plus the demo plugins' routes), the status the issue requires — the request
# allowed, or 401 (no session) / 403 (wrong role, another department, no CSRF token). Allowed
# requests are made against fixtures chosen so that their answer is known (e.g. 409 for a
# return of a dossier that is not done, 422 for an empty apology: past the role checks).
# Rows run in order: a state change allowed to one role comes after the rows that must be refused.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_lifecycle.sh"

command -v sqlite3 > /dev/null || fail "sqlite3 is not installed (make deps)"
lifecycle_up
declare -A USER=([counter]=demo-counter [tuphap]=demo-tuphap [tuphap_head]=demo-tuphap-head
                 [congan]=demo-congan [supervisor]=demo-supervisor [archivist]=demo-archivist
                 [admin]=demo-admin)
for r in "${!USER[@]}"; do
    login "${USER[$r]}"
done

# Fixtures, all tuphap (khaisinh): KS accepted; N1..N5 just received.
create_accepted khaisinh
KS=$CODE KS_PIN=$PIN
WRONG_PIN=$(printf '%06d' $(((10#$KS_PIN + 1) % 1000000)))
for n in 1 2 3 4 5; do
    create khaisinh
    declare "N$n=$CODE"
done
KSBODY=$(printf '%s' "${DOSSIER_BODY[khaisinh]}" | tr -d '\n')
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' > "$HTTP_DIR/page.png"
head -c 1000 /dev/urandom >> "$HTTP_DIR/page.png"
ALL="anon counter tuphap tuphap_head congan supervisor archivist admin"
STAFF="counter tuphap tuphap_head congan supervisor archivist admin"

# The matrix: ROLES | METHOD | PATH | EXPECTED | BODY. ROLES is a space-separated list (each gets
# the row); EXPECTED is a status, or "pub" for public helpers (any answer but 401/403/5xx).
# A BODY starting with @ is a PNG page upload.
MATRIX=$(cat <<ROWS
$ALL|GET|/api/v1/health|200|
anon|GET|/api/v1/status|401|
counter tuphap tuphap_head congan supervisor archivist|GET|/api/v1/status|403|
admin|GET|/api/v1/status|200|
anon|POST|/api/v1/session|401|{"username":"demo-counter","password":"not-the-password"}
anon|GET|/api/v1/session|401|
$STAFF|GET|/api/v1/session|200|
$ALL|GET|/api/v1/procedures|200|
$ALL|GET|/api/v1/procedures/khaisinh|200|
$ALL|POST|/api/v1/procedures/khaisinh/validate|200|$KSBODY
$ALL|GET|/api/v1/departments/nnmt/land-use-codes|pub|
$ALL|POST|/api/v1/departments/congan/fee|pub|{"copies":1}
$ALL|POST|/api/v1/departments/taichinh/name-check|pub|{"name":"Công ty TNHH Hoa Sen"}
$ALL|POST|/api/v1/departments/xaydung/check|pub|{"details":{}}
anon|POST|/api/v1/dossiers|401|$KSBODY
counter_nocsrf|POST|/api/v1/dossiers|403|$KSBODY
tuphap tuphap_head congan supervisor archivist admin|POST|/api/v1/dossiers|403|$KSBODY
counter|POST|/api/v1/dossiers|201|$KSBODY
anon|GET|/api/v1/dossiers|401|
$STAFF|GET|/api/v1/dossiers|200|
tuphap tuphap_head|GET|/api/v1/dossiers?department=congan|403|
counter congan supervisor archivist admin|GET|/api/v1/dossiers?department=congan|200|
anon|GET|/api/v1/dossiers/$KS|401|
congan|GET|/api/v1/dossiers/$KS|403|
counter tuphap tuphap_head supervisor archivist admin|GET|/api/v1/dossiers/$KS|200|
anon|GET|/api/v1/dossiers/$KS/forms/01.pdf|401|
congan|GET|/api/v1/dossiers/$KS/forms/01.pdf|403|
counter tuphap tuphap_head supervisor archivist admin|GET|/api/v1/dossiers/$KS/forms/01.pdf|200|
anon|GET|/api/v1/dossiers/$KS/result.pdf|401|
congan|GET|/api/v1/dossiers/$KS/result.pdf|403|
counter tuphap tuphap_head supervisor archivist admin|GET|/api/v1/dossiers/$KS/result.pdf|404|
anon|PUT|/api/v1/dossiers/$N5/pages|401|@page
tuphap tuphap_head congan supervisor archivist admin|PUT|/api/v1/dossiers/$N5/pages|403|@page
counter|PUT|/api/v1/dossiers/$N5/pages|201|@page
anon|GET|/api/v1/dossiers/$KS/completeness|401|
congan|GET|/api/v1/dossiers/$KS/completeness|403|
counter tuphap tuphap_head supervisor archivist admin|GET|/api/v1/dossiers/$KS/completeness|200|
anon|POST|/api/v1/dossiers/$N5/scan|401|{"station":"quay1"}
tuphap tuphap_head congan supervisor archivist admin|POST|/api/v1/dossiers/$N5/scan|403|{"station":"quay1"}
counter|POST|/api/v1/dossiers/$N5/scan|422|{"station":"quay1"}
anon|POST|/api/v1/dossiers/$N5/recognise|401|
tuphap tuphap_head congan supervisor archivist admin|POST|/api/v1/dossiers/$N5/recognise|403|
counter|POST|/api/v1/dossiers/$N5/recognise|202|
anon|PUT|/api/v1/dossiers/$N5/pages/99/document|401|{"document":"cccd"}
tuphap tuphap_head congan supervisor archivist admin|PUT|/api/v1/dossiers/$N5/pages/99/document|403|{"document":"cccd"}
counter|PUT|/api/v1/dossiers/$N5/pages/99/document|404|{"document":"cccd"}
anon|POST|/api/v1/dossiers/$N1/accept|401|
tuphap tuphap_head congan supervisor archivist admin|POST|/api/v1/dossiers/$N1/accept|403|
counter|POST|/api/v1/dossiers/$N1/accept|200|
anon|POST|/api/v1/dossiers/$N2/refuse|401|{"reason":"Không đúng thẩm quyền"}
tuphap tuphap_head congan supervisor archivist admin|POST|/api/v1/dossiers/$N2/refuse|403|{"reason":"Không đúng thẩm quyền"}
counter|POST|/api/v1/dossiers/$N2/refuse|200|{"reason":"Không đúng thẩm quyền"}
anon|POST|/api/v1/dossiers/$N3/supplement|401|{"items":["cccd"]}
supervisor archivist admin congan tuphap|POST|/api/v1/dossiers/$N3/supplement|403|{"items":["cccd"]}
tuphap_head|POST|/api/v1/dossiers/$N3/supplement|200|{"items":["cccd"]}
counter|POST|/api/v1/dossiers/$N4/supplement|200|{"items":["cccd"]}
anon|POST|/api/v1/dossiers/$KS/apology|401|{}
counter tuphap congan supervisor archivist admin|POST|/api/v1/dossiers/$KS/apology|403|{}
tuphap_head|POST|/api/v1/dossiers/$KS/apology|422|{}
anon|POST|/api/v1/dossiers/$KS/return|401|{"fee_collected":0}
tuphap tuphap_head congan supervisor archivist admin|POST|/api/v1/dossiers/$KS/return|403|{"fee_collected":0}
counter|POST|/api/v1/dossiers/$KS/return|409|{"fee_collected":0}
anon|POST|/api/v1/dossiers/$KS/transitions|401|{"action":"transfer"}
congan tuphap tuphap_head supervisor archivist admin|POST|/api/v1/dossiers/$KS/transitions|403|{"action":"transfer"}
counter|POST|/api/v1/dossiers/$KS/transitions|200|{"action":"transfer"}
anon|GET|/api/v1/overdue|401|
counter archivist|GET|/api/v1/overdue|403|
tuphap tuphap_head congan supervisor admin|GET|/api/v1/overdue|200|
anon|GET|/api/v1/stats|401|
counter tuphap tuphap_head congan archivist|GET|/api/v1/stats|403|
supervisor admin|GET|/api/v1/stats|200|
anon|GET|/api/v1/register.csv|401|
counter tuphap tuphap_head congan archivist|GET|/api/v1/register.csv|403|
supervisor admin|GET|/api/v1/register.csv|200|
anon|GET|/api/v1/register.pdf|401|
counter tuphap tuphap_head congan archivist|GET|/api/v1/register.pdf|403|
supervisor admin|GET|/api/v1/register.pdf|200|
$ALL|GET|/api/v1/lookup?code=$KS&pin=$KS_PIN|200|
$ALL|GET|/api/v1/lookup?code=$KS&pin=$WRONG_PIN|404|
$ALL|POST|/api/v1/lookup/rating|409|{"code":"$KS","pin":"$KS_PIN","satisfaction":5,"on_time":5,"attitude":5,"visits":1}
anon|DELETE|/api/v1/session|401|
anon|POST|/api/v1/departments/taichinh/names|401|{"name":"Công ty TNHH Ma Trận"}
$STAFF|POST|/api/v1/departments/taichinh/names|403|{"name":"Công ty TNHH Ma Trận"}
$ALL|POST|/api/v1/departments/congan/fee|200|{"copies":1}
$ALL|GET|/api/v1/departments/nnmt/land-use-codes|200|
$STAFF|DELETE|/api/v1/session|200|
ROWS
)
# Plugin routes: the host checks roles before the handler (POST /names admits only taichinh's
# own officers and head: every role here is outside it); calculators are public.

# request ROLE METHOD PATH BODY: one request as ROLE (anon: no cookie; counter_nocsrf: the
# counter's cookie without the CSRF token).
request() {
    local role=$1 method=$2 path=$3 body=$4 args=()
    if [[ $body == @page ]]; then
        body="@$HTTP_DIR/page.png"
        args=(-H 'Content-Type: image/png')
    fi
    case $role in
    anon) http "$method" "$path" "$body" "${args[@]}" ;;
    counter_nocsrf) http "$method" "$path" "$body" -b "$HTTP_DIR/demo-counter.jar" "${args[@]}" ;;
    *) as "${USER[$role]}" "$method" "$path" "$body" "${args[@]}" ;;
    esac
}

rows=0
while IFS='|' read -r roles method path expect body; do
    [[ -z $roles ]] && continue
    for role in $roles; do
        request "$role" "$method" "$path" "$body"
        rows=$((rows + 1))
        if [[ $expect == pub ]]; then
            [[ $HTTP_STATUS != 401 && $HTTP_STATUS != 403 && $HTTP_STATUS != 000 && $HTTP_STATUS != 5* ]] ||
                fail "$role $method $path: expected a public answer, got $HTTP_STATUS"
        else
            [[ $HTTP_STATUS == "$expect" ]] || fail "$role $method $path: expected $expect, got $HTTP_STATUS"
        fi
        if [[ $HTTP_STATUS == 401 || $HTTP_STATUS == 403 ]]; then
            expect_vietnamese_message
        fi
    done
done <<< "$MATRIX"
note "$rows (role, method, path) checks as required"

# Every route registered in fcgi/*.c appears in the matrix (a new endpoint needs its rows).
while read -r method pattern; do
    re=$(printf '%s' "$pattern" | sed -e 's/[.]/[.]/g' -e 's/{[a-z]*}/[^|?\/]*/g')
    grep -Eq "\|$method\|$re(\?[^|]*)?\|" <<< "$MATRIX" || fail "route $method $pattern has no row in the matrix"
done < <(grep -ho 'router_add[_a-z]*(r, "[A-Z]*", "[^"]*"' "$REPO"/fcgi/*.c | sed 's/.*(r, "\([A-Z]*\)", "\([^"]*\)"/\1 \2/')
note "every route of fcgi/*.c has rows"
