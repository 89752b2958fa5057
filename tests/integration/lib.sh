# Helpers for the integration tests: a stack in the test's DIR, an HTTP client that keeps
# status/headers/body, assertions that name what failed, bounded polling.
#
# Sourced by every tests/integration/t_*.sh. tests/run-integration sets:
#   TEST_DIR   a fresh empty folder for this test (stack config, socket, logs, plugins)
#   TEST_PORT  a free TCP port on 127.0.0.1
#   BUILD      the build folder, relative to the repository (default build)
# A test may also be run alone: tests/integration/t_x.sh (it then makes its own DIR/port).
# On exit (success or failure) the stack of DIR is brought down and background jobs killed.

# shellcheck shell=bash disable=SC2120,SC2119
set -u
set -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
BIN="$REPO/$BUILD/bin"
STACK="$REPO/nginx/stack"

# ---- failing -----------------------------------------------------------------------

# Prints "FAIL: MESSAGE" (and the last response, when there is one) and ends the test.
fail() {
    echo "FAIL: $*" >&2
    if [[ -n ${HTTP_LAST:-} ]]; then
        echo "  last request: $HTTP_LAST -> ${HTTP_STATUS:-?}" >&2
        [[ -s ${HTTP_BODY_FILE:-/nonexistent} ]] &&
            echo "  last body: $(head -c 600 "$HTTP_BODY_FILE")" >&2
    fi
    exit 1
}

# Prints a progress line (kept in the test's output, shown on failure).
note() { echo "  - $*"; }

# ---- DIR and port ------------------------------------------------------------------

# True when something accepts TCP connections on 127.0.0.1:port.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a free port, probing upwards from 20000 + pid % 10000 (or from $1).
free_port() {
    local p=${1:-$((20000 + $$ % 10000))} tries=0
    while port_busy "$p"; do
        p=$((p + 1)); tries=$((tries + 1))
        ((p <= 65000)) || p=20000
        ((tries < 2000)) || { echo "no free port found" >&2; return 1; }
    done
    echo "$p"
}

if [[ -z ${TEST_DIR:-} ]]; then
    TEST_DIR=$(mktemp -d /tmp/motcua-it.XXXXXX)
    echo "  (standalone: DIR=$TEST_DIR)"
fi
[[ -n ${TEST_PORT:-} ]] || TEST_PORT=$(free_port)
DIR=$TEST_DIR
PORT=$TEST_PORT
BASE="http://127.0.0.1:$PORT"
PLUGIN_DIR="$DIR/plugins"
HTTP_DIR="$DIR/http"
mkdir -p "$HTTP_DIR"

# ---- cleanup -----------------------------------------------------------------------

# Kills the background jobs this test started (their process groups are not ours, so
# by pid), then stops the stack of DIR. Runs on every exit.
lib_cleanup() {
    local rc=$? pid
    for pid in $(jobs -p); do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    "$STACK" down --dir "$DIR" > /dev/null 2>&1 || true
    exit "$rc"
}
trap lib_cleanup EXIT
trap 'exit 130' INT TERM

# ---- the stack ---------------------------------------------------------------------

# Assembles DIR/plugins: links to every real plugin (.so + .json) in $BUILD/plugins, plus
# the test plugins named as arguments (name without .so, from $BUILD/test-plugins, with
# their .json when they have one). Fails the test when a named plugin is not built.
plugins_assemble() {
    local f name
    rm -rf "$PLUGIN_DIR"
    mkdir -p "$PLUGIN_DIR"
    for f in "$REPO/$BUILD"/plugins/*.so "$REPO/$BUILD"/plugins/*.json; do
        [[ -e $f ]] && ln -s "$f" "$PLUGIN_DIR/"
    done
    for name in "$@"; do
        f="$REPO/$BUILD/test-plugins/$name.so"
        [[ -f $f ]] || fail "test plugin $f is not built (run make all)"
        ln -s "$f" "$PLUGIN_DIR/"
        [[ -f $REPO/$BUILD/test-plugins/$name.json ]] &&
            ln -s "$REPO/$BUILD/test-plugins/$name.json" "$PLUGIN_DIR/"
    done
    return 0
}

# Starts the stack in DIR on PORT with DIR/plugins (assembled from the arguments, see
# plugins_assemble). MOTCUA_WORKERS, MOTCUA_REQUEST_TIMEOUT, MOTCUA_EXTRA_INI pass through.
# Fails the test when `up` fails, showing its output.
stack_up() {
    plugins_assemble "$@"
    local out
    if ! out=$(MOTCUA_PLUGIN_DIR="$PLUGIN_DIR" "$STACK" up --port "$PORT" --dir "$DIR" 2>&1); then
        echo "$out" >&2
        fail "nginx/stack up --port $PORT --dir $DIR failed"
    fi
    [[ $out == *"$BASE"* ]] || fail "nginx/stack up did not print the base URL $BASE (got: $out)"
    admin_login
}

# The administrator the tests log in as (GET /api/v1/status is for admins only).
ADMIN_USER=it-admin
ADMIN_PASSWORD=it-admin-password-$$
ADMIN_JAR="$DIR/admin.cookies"

# Creates the admin account in DIR's database with motcuactl (once: an existing one is
# kept) and logs in, keeping the session cookie in ADMIN_JAR. Fails the test otherwise.
admin_login() {
    local out code
    if ! out=$(printf '%s\n' "$ADMIN_PASSWORD" | "$BIN/motcuactl" user add "$ADMIN_USER" \
        --name "Quản trị kiểm thử" --role admin --password-stdin --config "$DIR/conf/motcua.ini" 2>&1) &&
        [[ $out != *"already exists"* ]]; then
        fail "motcuactl user add $ADMIN_USER failed: $out"
    fi
    code=$(curl -s -o "$HTTP_DIR/login.body" -w '%{http_code}' -c "$ADMIN_JAR" --max-time 10 \
        -H 'Content-Type: application/json' \
        --data "{\"username\":\"$ADMIN_USER\",\"password\":\"$ADMIN_PASSWORD\"}" "$BASE/api/v1/session")
    [[ $code == 200 ]] || fail "POST /api/v1/session as $ADMIN_USER got $code: $(head -c 300 "$HTTP_DIR/login.body")"
}

stack_down() {
    "$STACK" down --dir "$DIR" > /dev/null 2>&1 || fail "nginx/stack down --dir $DIR failed"
}

# The motcua-fcgi master's pid, from its pid file; empty when not running.
master_pid() {
    local pid
    pid=$(head -n1 "$DIR/run/motcua-fcgi.pid" 2>/dev/null | tr -d '[:space:]')
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
    return 0
}

# The pids of the master's children (its workers), one a line.
worker_pids() {
    local m
    m=$(master_pid)
    [[ -n $m ]] || return 0
    ps -o pid= --ppid "$m" | tr -d ' '
}

FCGI_LOG() { echo "$DIR/log/fcgi.log"; }

# ---- HTTP --------------------------------------------------------------------------

# http METHOD PATH [BODY] [extra curl args...]
# Sends one request to BASE. BODY (may be empty "") is sent as application/json unless
# it starts with @ (then it names a file, sent as is). Sets HTTP_STATUS (000 when the
# connection failed), HTTP_BODY, HTTP_HEADERS (lower-cased names), HTTP_TIME (seconds)
# and keeps the body in HTTP_BODY_FILE. Never fails the test by itself.
http() {
    local method=$1 path=$2 body=${3-} args=() out
    (($# >= 2)) && shift 2
    (($# >= 1)) && shift
    HTTP_BODY_FILE="$HTTP_DIR/body"
    HTTP_HEADERS_FILE="$HTTP_DIR/headers"
    : > "$HTTP_BODY_FILE"
    : > "$HTTP_HEADERS_FILE"
    if [[ $method == HEAD ]]; then
        args+=(-I)
    else
        args+=(-X "$method")
    fi
    if [[ -n $body ]]; then
        if [[ $body == @* ]]; then
            args+=(--data-binary "$body")
        else
            args+=(-H 'Content-Type: application/json' --data-binary "$body")
        fi
    fi
    HTTP_LAST="$method $path"
    out=$(curl -s -g -o "$HTTP_BODY_FILE" -D "$HTTP_HEADERS_FILE" --max-time 60 \
        -w '%{http_code} %{time_total}' "${args[@]}" "$@" "$BASE$path") || true
    HTTP_STATUS=${out%% *}
    HTTP_TIME=${out#* }
    [[ -n $HTTP_STATUS ]] || HTTP_STATUS=000
    HTTP_BODY=$(cat "$HTTP_BODY_FILE")
    HTTP_HEADERS=$(tr -d '\r' < "$HTTP_HEADERS_FILE" | sed 's/^\([^:]*\):/\L\1:/')
}

# The value of response header NAME (case-insensitive) of the last request.
http_header() {
    local name=${1,,}
    printf '%s\n' "$HTTP_HEADERS" | sed -n "s/^$name: *//p" | head -n1
}

# expect_status CODE [CODE...]: the last status is one of them.
expect_status() {
    local c
    for c in "$@"; do
        [[ $HTTP_STATUS == "$c" ]] && return 0
    done
    fail "expected HTTP status $* for $HTTP_LAST, got $HTTP_STATUS"
}

# jq EXPR over the last body, raw output; fails the test when the body is not JSON.
json() {
    jq -r "$1" "$HTTP_BODY_FILE" 2>/dev/null ||
        fail "response of $HTTP_LAST is not JSON (or jq '$1' failed)"
}

# expect_json EXPR VALUE: jq -r EXPR over the last body prints exactly VALUE.
expect_json() {
    local got
    got=$(json "$1") || exit 1
    [[ $got == "$2" ]] || fail "expected $1 == '$2' in the response of $HTTP_LAST, got '$got'"
}

# expect_error STATUS CODE: the API's error shape {"error":{"code":CODE,"message":...}}
# with a non-empty message containing at least one Vietnamese letter with a diacritic.
expect_error() {
    expect_status "$1"
    expect_json '.error.code' "$2"
    expect_vietnamese_message
}

# The last body has a non-empty .error.message written in Vietnamese (at least one
# letter outside ASCII that Vietnamese uses).
expect_vietnamese_message() {
    local msg
    msg=$(json '.error.message // empty')
    [[ -n $msg ]] || fail "response of $HTTP_LAST has no .error.message"
    printf '%s' "$msg" | grep -q '[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐ]' ||
        fail "error message of $HTTP_LAST is not Vietnamese: '$msg'"
}

# ---- status and polling ------------------------------------------------------------

# jq EXPR over a fresh GET /api/v1/status (as the admin logged in by stack_up); prints
# nothing when status is unavailable.
status_field() {
    curl -s --max-time 5 -b "$ADMIN_JAR" "$BASE/api/v1/status" 2>/dev/null | jq -r "$1" 2>/dev/null
}

# wait_for SECONDS DESCRIPTION COMMAND...: runs COMMAND every 0.1 s until it succeeds;
# fails the test with DESCRIPTION when it has not within SECONDS.
wait_for() {
    local limit=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + limit))
    until "$@" > /dev/null; do
        ((SECONDS < deadline)) || fail "timed out after ${limit}s waiting for: $what"
        sleep 0.1
    done
}

# Succeeds when status .workers.total == $1 and .workers.starting == 0 and
# .workers.draining == 0 (the pool is back to its configured size).
pool_settled() {
    local s
    s=$(status_field '"\(.workers.total) \(.workers.starting) \(.workers.draining)"')
    [[ $s == "$1 0 0" ]]
}

# The first line of the fcgi log matching the extended regex $1 (empty when none).
log_grep() {
    grep -E -m1 -- "$1" "$DIR/log/fcgi.log" 2>/dev/null
}

# expect_log REGEX DESCRIPTION: the fcgi log has a line matching REGEX (grep -E).
expect_log() {
    log_grep "$1" > /dev/null || fail "DIR/log/fcgi.log has no line matching /$1/ ($2)"
}

# True while pid is a live process (a zombie waiting for its reaper counts as gone:
# stack daemons are reparented to PID 1, which may reap them late).
pid_running() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
    [[ -n $state && $state != Z && $state != X ]]
}

pid_gone() { ! pid_running "$1"; }

# ---- background load ---------------------------------------------------------------

# load_start NAME PATH...: starts a background loop that GETs the PATHs in turn until
# DIR/load/NAME.stop exists, appending "STATUS PATH" per request to DIR/load/NAME.codes.
# Its pid goes to LOAD_PIDS.
LOAD_PIDS=()
load_start() {
    local name=$1
    shift
    mkdir -p "$DIR/load"
    rm -f "$DIR/load/$name.stop"
    : > "$DIR/load/$name.codes"
    (
        while [[ ! -e $DIR/load/$name.stop ]]; do
            for p in "$@"; do
                code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$BASE$p") || true
                echo "${code:-000} $p" >> "$DIR/load/$name.codes"
            done
        done
    ) &
    LOAD_PIDS+=($!)
}

# Number of requests done so far by loop NAME.
load_count() { wc -l < "$DIR/load/$1.codes"; }

# load_stop NAME...: asks the loops to stop and waits for them (bounded by curl's own
# --max-time).
load_stop() {
    local name
    for name in "$@"; do
        touch "$DIR/load/$name.stop"
    done
    wait "${LOAD_PIDS[@]}" 2>/dev/null
    LOAD_PIDS=()
}

# load_expect_ok NAME...: every request of the loops got 200; fails with the bad lines.
load_expect_ok() {
    local name bad
    for name in "$@"; do
        bad=$(grep -v '^200 ' "$DIR/load/$name.codes" | head -n 5)
        [[ -z $bad ]] || fail "background loop $name had failed requests ($(grep -cv '^200 ' "$DIR/load/$name.codes") of $(load_count "$name")), e.g.: $bad"
    done
}
