#!/usr/bin/env bash
# Accounts and sessions through nginx: demo logins, cookie flags, CSRF on logout, one message for
# any wrong credential, throttling (429 + Retry-After), logout ends the token, /status admin-only,
# disabled accounts, and what the database keeps (token hashes, audit events).
source "$(dirname "$0")/lib.sh"

INI="$DIR/conf/motcua.ini"
DB="$DIR/data/motcua.db"

# Starts the stack with --demo (demo accounts seeded by motcuactl demo-seed).
stack_up_demo() {
    plugins_assemble
    local out
    if ! out=$(MOTCUA_PLUGIN_DIR="$PLUGIN_DIR" "$STACK" up --port "$PORT" --dir "$DIR" --demo 2>&1); then
        echo "$out" >&2
        fail "nginx/stack up --demo failed"
    fi
    [[ $out == *"$BASE"* ]] || fail "nginx/stack up --demo did not print $BASE (got: $out)"
}

# login USER PASSWORD: POST /api/v1/session; on 200 sets TOKEN (cookie value), CSRF, COOKIE_LINE.
login() {
    http POST /api/v1/session "{\"username\":\"$1\",\"password\":\"$2\"}"
    TOKEN="" CSRF=""
    COOKIE_LINE=$(http_header set-cookie)
    if [[ $HTTP_STATUS == 200 ]]; then
        TOKEN=$(sed -n 's/^motcua_session=\([^;]*\).*/\1/p' <<< "$COOKIE_LINE")
        CSRF=$(json .csrf_token)
    fi
}

# as TOKEN METHOD PATH [BODY] [curl args...]: a request with the session cookie.
as() {
    local tok=$1
    shift
    local method=$1 path=$2 body=${3-}
    shift 2
    (($# >= 1)) && shift
    http "$method" "$path" "$body" -H "Cookie: motcua_session=$tok" "$@"
}

stack_up_demo

# ---- a login: user, CSRF token, cookie flags -----------------------------------------------
login demo-counter motcua-demo
expect_status 200
expect_json .user.username demo-counter
expect_json .user.role counter
expect_json .user.department null
[[ $TOKEN =~ ^[A-Za-z0-9_-]{43}$ ]] || fail "session cookie value '$TOKEN' is not a 43-char base64url token"
[[ $CSRF =~ ^[A-Za-z0-9_-]{43}$ && $CSRF != "$TOKEN" ]] || fail "csrf_token '$CSRF' is not a fresh token"
for flag in HttpOnly SameSite=Strict Path=/; do
    [[ "; ${COOKIE_LINE}; " == *"; $flag;"* ]] || fail "Set-Cookie '$COOKIE_LINE' lacks $flag"
done
[[ $COOKIE_LINE != *Secure* ]] || fail "Set-Cookie over plain HTTP carries Secure: '$COOKIE_LINE'"
[[ $HTTP_BODY != *"$TOKEN"* ]] || fail "the session token appears in the login body"
COUNTER_TOKEN=$TOKEN COUNTER_CSRF=$CSRF
note "demo-counter logged in; cookie: ${COOKIE_LINE#motcua_session=*;}"

# The database keeps the token's SHA-256, never the token.
want_hash=$(printf '%s' "$COUNTER_TOKEN" | sha256sum | cut -d' ' -f1)
[[ $(sqlite3 "$DB" "SELECT count(*) FROM sessions WHERE token_hash = '$want_hash'") == 1 ]] ||
    fail "sessions has no row with token_hash = sha256(cookie token)"
[[ $(sqlite3 "$DB" "SELECT count(*) FROM sessions WHERE token_hash = '$COUNTER_TOKEN' OR instr(csrf_token || token_hash, '$COUNTER_TOKEN') > 0") == 0 ]] ||
    fail "the cookie token itself is stored in sessions"

# GET /session answers the user and the same CSRF token (page reloads); without a cookie, 401.
as "$COUNTER_TOKEN" GET /api/v1/session
expect_status 200
expect_json .user.username demo-counter
expect_json .csrf_token "$COUNTER_CSRF"
http GET /api/v1/session
expect_error 401 not_logged_in
as "not-a-token" GET /api/v1/session
expect_error 401 not_logged_in

# ---- every demo account logs in with its role and department ---------------------------------
check_login() {
    login "$1" motcua-demo
    expect_status 200
    expect_json .user.role "$2"
    expect_json .user.department "$3"
}
check_login demo-supervisor supervisor null
check_login demo-archivist archivist null
check_login demo-admin admin null
ADMIN_TOKEN=$TOKEN
depts=$(cd "$PLUGIN_DIR" && ls ./*.so | sed 's|^\./||; s|\.so$||')
[[ -n $depts ]] || fail "no plugins in $PLUGIN_DIR"
for d in $depts; do
    check_login "demo-$d" department_officer "$d"
    check_login "demo-$d-head" department_head "$d"
done
note "demo accounts: counter, supervisor, archivist, admin and officer + head for: $(echo $depts)"

# ---- GET /status is for administrators ---------------------------------------------------
http GET /api/v1/status
expect_error 401 not_logged_in
as "$COUNTER_TOKEN" GET /api/v1/status
expect_error 403 forbidden
as "$ADMIN_TOKEN" GET /api/v1/status
expect_status 200
[[ $(json .workers.total) =~ ^[1-9][0-9]*$ ]] || fail "status for demo-admin has no worker count"

# ---- wrong credentials: one 401, the same whatever was wrong ----------------------------
login demo-supervisor wrong-password
expect_error 401 invalid_credentials
wrong_pw_body=$HTTP_BODY
login no-such-user motcua-demo
expect_error 401 invalid_credentials
[[ $HTTP_BODY == "$wrong_pw_body" ]] ||
    fail "unknown user and wrong password answer differently: '$HTTP_BODY' vs '$wrong_pw_body'"
[[ -z $(http_header set-cookie) ]] || fail "a failed login set a cookie"
http POST /api/v1/session '{"username":"demo-counter"}'
expect_error 400 missing_credentials
http POST /api/v1/session 'not json'
expect_error 400 missing_credentials

# ---- CSRF: logout needs the session's token --------------------------------------------
as "$COUNTER_TOKEN" DELETE /api/v1/session
expect_error 403 csrf_token_invalid
as "$COUNTER_TOKEN" DELETE /api/v1/session "" -H "X-CSRF-Token: ${COUNTER_CSRF%?}x"
expect_error 403 csrf_token_invalid
login demo-archivist motcua-demo
expect_status 200
as "$COUNTER_TOKEN" DELETE /api/v1/session "" -H "X-CSRF-Token: $CSRF"
expect_error 403 csrf_token_invalid   # another session's CSRF token does not do
as "$COUNTER_TOKEN" GET /api/v1/session
expect_status 200                     # refused logouts left the session alone
http DELETE /api/v1/session "" -H "X-CSRF-Token: $COUNTER_CSRF"
expect_error 401 not_logged_in

as "$COUNTER_TOKEN" DELETE /api/v1/session "" -H "X-CSRF-Token: $COUNTER_CSRF"
expect_status 200
expect_json .logged_out true
expired=$(http_header set-cookie)
[[ $expired == "motcua_session=;"* && $expired == *Max-Age=0* && $expired == *HttpOnly* ]] ||
    fail "logout does not expire the cookie: '$expired'"
as "$COUNTER_TOKEN" GET /api/v1/session
expect_error 401 not_logged_in
as "$COUNTER_TOKEN" DELETE /api/v1/session "" -H "X-CSRF-Token: $COUNTER_CSRF"
expect_error 401 not_logged_in
[[ $(sqlite3 "$DB" "SELECT count(*) FROM sessions WHERE token_hash = '$want_hash'") == 0 ]] ||
    fail "the logged-out session is still in the database"
note "CSRF enforced on DELETE /session; logout ends the token"

# ---- disabled accounts (motcuactl) ----------------------------------------------------------
first=${depts%%$'\n'*}
login "demo-$first" motcua-demo
expect_status 200
officer_token=$TOKEN
"$BIN/motcuactl" user disable "demo-$first" --config "$INI" > /dev/null || fail "motcuactl user disable failed"
as "$officer_token" GET /api/v1/session
expect_error 401 not_logged_in
login "demo-$first" motcua-demo
expect_error 403 account_disabled
"$BIN/motcuactl" user enable "demo-$first" --config "$INI" > /dev/null || fail "motcuactl user enable failed"
login "demo-$first" motcua-demo
expect_status 200
# Accounts from the CLI: unknown department refused, new account usable.
if printf 'long enough password\n' | "$BIN/motcuactl" user add it-officer --name "Cán bộ thử" \
    --role department_officer --department no_such_dept --password-stdin --config "$INI" 2> /dev/null; then
    fail "motcuactl user add accepted an unknown department"
fi
printf 'long enough password\n' | "$BIN/motcuactl" user add it-officer --name "Cán bộ thử" \
    --role department_officer --department "$first" --password-stdin --config "$INI" > /dev/null ||
    fail "motcuactl user add it-officer failed"
login it-officer "long enough password"
expect_status 200
expect_json .user.department "$first"
"$BIN/motcuactl" user list --config "$INI" | grep -q "^it-officer .*department_officer" ||
    fail "motcuactl user list does not show it-officer"
out=$("$BIN/motcuactl" demo-seed --config "$INI") || fail "demo-seed is not idempotent (second run failed)"
[[ $out == *"demo-admin exists, left alone"* ]] || fail "second demo-seed did not leave demo-admin alone: $out"

# ---- audit: account changes and logins are events ---------------------------------------
for action in user.add user.disable user.enable session.login session.logout; do
    n=$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE action = '$action'")
    ((n >= 1)) || fail "no '$action' event in the audit log"
done
[[ $(sqlite3 "$DB" "SELECT count(*) FROM events WHERE instr(coalesce(before_json,'') || coalesce(after_json,''), 'argon2') > 0") == 0 ]] ||
    fail "a password hash is in the audit log"

# ---- throttling: after 5 failures even the right password is refused ----------------------
# (demo-archivist: no failure so far; demo-supervisor already has one from above)
for i in 1 2 3 4 5; do
    login demo-archivist "wrong-$i"
    expect_error 401 invalid_credentials
done
login demo-archivist motcua-demo
expect_error 429 too_many_attempts
retry=$(http_header retry-after)
[[ $retry =~ ^[0-9]+$ ]] && ((retry >= 1 && retry <= 900)) ||
    fail "429 without a Retry-After between 1 and 900 s (got '$retry')"
[[ $(json .error.message) == *phút* ]] || fail "the 429 message does not say in how many minutes to retry"
note "throttled after 5 failures (Retry-After: $retry s)"
# Others are not locked out by it.
login demo-admin motcua-demo
expect_status 200
