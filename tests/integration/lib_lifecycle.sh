# Helpers shared by the lifecycle tests (t_intake, t_processing, t_overdue_return, t_lookup,
# t_stats, t_authz...): demo logins, requests as a user, dossier creation, the walk to "done",
# "nothing changed" checks. Sourced after lib.sh; not a test itself (tests/run-integration runs
# t_*.sh only).
# shellcheck shell=bash

# The stack with the demo catalogue and users; sets DB.
lifecycle_up() {
    stack_up
    "$BIN/motcuactl" demo-seed --config "$DIR/conf/motcua.ini" > /dev/null 2>&1 ||
        fail "motcuactl demo-seed failed"
    DB="$DIR/data/motcua.db"
}

# login USER: logs in with the demo password, keeps the cookie in $HTTP_DIR/USER.jar and the
# CSRF token in CSRF[USER].
declare -A CSRF
login() {
    http POST /api/v1/session "{\"username\":\"$1\",\"password\":\"motcua-demo\"}" -c "$HTTP_DIR/$1.jar"
    expect_status 200
    CSRF[$1]=$(json .csrf_token)
    [[ -n ${CSRF[$1]} && ${CSRF[$1]} != null ]] || fail "login $1: no csrf_token"
}

# as USER METHOD PATH [BODY] [curl args...]: a request with USER's session and CSRF token.
as() {
    local user=$1 method=$2 path=$3 body=${4-}
    shift 3
    (($# >= 1)) && shift
    http "$method" "$path" "$body" -b "$HTTP_DIR/$user.jar" -H "X-CSRF-Token: ${CSRF[$user]}" "$@"
}

APPLICANT_NAME="Nguyễn Văn An"
APPLICANT_ID="035085001234"
APPLICANT="{\"name\":\"$APPLICANT_NAME\",\"id_number\":\"$APPLICANT_ID\",\"birth_date\":\"1985-03-15\",
            \"sex\":\"nam\",\"phone\":\"0912345678\",\"email\":\"an.nguyen@example.vn\",
            \"address\":\"Phủ Lý, Hà Nam\"}"
declare -A DOSSIER_BODY=(
    [lltp]="{\"procedure\":\"lltp\",\"channel\":\"counter\",\"applicant\":$APPLICANT,
             \"details\":{\"purpose\":\"Bổ sung hồ sơ xin việc\",\"copies\":2}}"
    [khaisinh]="{\"procedure\":\"khaisinh\",\"channel\":\"counter\",\"applicant\":$APPLICANT,
                 \"details\":{\"relationship\":\"cha\",\"child\":{\"name\":\"Nguyễn Văn Bình\",
                 \"birth_date\":\"2024-12-01\",\"sex\":\"nam\",\"birth_place\":\"Bệnh viện Đa khoa tỉnh Hà Nam\"}}}"
)

# create PROCEDURE: a new dossier received by demo-counter; sets CODE and PIN.
create() {
    as demo-counter POST /api/v1/dossiers "${DOSSIER_BODY[$1]}"
    expect_status 201
    CODE=$(json .code)
    PIN=$(json .pin)
    [[ $CODE =~ ^H35\.[0-9]{6}\.[0-9]{4}$ && $PIN =~ ^[0-9]{6}$ ]] || fail "create $1: code '$CODE' pin '$PIN'"
}

# create_accepted PROCEDURE: create, then accept at the counter.
create_accepted() {
    create "$1"
    as demo-counter POST "/api/v1/dossiers/$CODE/accept"
    expect_status 200
    expect_json .status accepted
}

# to_done CODE DEPT: transfer (counter), receive (DEPT officer), then every workflow step by
# the role it declares (demo-DEPT or demo-DEPT-head) until the dossier is done.
to_done() {
    local code=$1 dept=$2 user status role i
    as demo-counter POST "/api/v1/dossiers/$code/transitions" '{"action":"transfer"}'
    expect_status 200
    as "demo-$dept" POST "/api/v1/dossiers/$code/transitions" '{"action":"receive"}'
    expect_status 200
    for ((i = 0; i < 10; i++)); do
        status=$(sqlite3 "$DB" "SELECT status || ' ' || step_index FROM dossiers WHERE code = '$code'")
        [[ $status == done* ]] && return 0
        role=$(sqlite3 "$DB" "SELECT json_extract(v.json, '\$.workflow[' || d.step_index || '].role')
                              FROM dossiers d JOIN procedure_versions v ON v.code = d.procedure_code
                              AND v.digest = d.procedure_digest WHERE d.code = '$code'")
        user="demo-$dept"
        [[ $role == department_head ]] && user="demo-$dept-head"
        as "$user" POST "/api/v1/dossiers/$code/transitions" '{"action":"complete_step"}'
        expect_status 200
    done
    fail "$code did not reach done in 10 steps"
}

# unchanged BEFORE WHAT: the test's snapshot (a function each test defines: what a refused
# request must not change) still equals BEFORE. SNAPSHOT_OF names what it covers.
unchanged() {
    [[ $(snapshot) == "$1" ]] || fail "$2 changed ${SNAPSHOT_OF:-the database}"
    note "$2: refused, nothing changed"
}

# second_supplement USER CODE WHAT: CODE has had its one supplement request; a second one by
# USER (with or without "override") and by demo-congan-head without "override" is refused
# with 409 supplement_limit and nothing changes (WHAT names it); the head's override is
# accepted and recorded as override_by.
second_supplement() {
    local user=$1 code=$2 what=$3 before
    before=$(snapshot)
    as "$user" POST "/api/v1/dossiers/$code/supplement" '{"items":["Tờ khai"]}'
    expect_error 409 supplement_limit
    as "$user" POST "/api/v1/dossiers/$code/supplement" '{"items":["Tờ khai"],"override":true}'
    expect_error 409 supplement_limit
    as demo-congan-head POST "/api/v1/dossiers/$code/supplement" '{"items":["Tờ khai"]}'
    expect_error 409 supplement_limit
    unchanged "$before" "$what"
    as demo-congan-head POST "/api/v1/dossiers/$code/supplement" '{"items":["Tờ khai"],"override":true}'
    expect_status 200
    expect_json .supplement.override_by demo-congan-head
}

# vn_today: today's date in Vietnam, YYYY-MM-DD.
vn_today() { TZ=Asia/Ho_Chi_Minh date +%F; }
