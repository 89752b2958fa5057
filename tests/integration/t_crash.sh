#!/usr/bin/env bash
# A plugin that crashes while serving costs one worker and one request (502 JSON from
# nginx), is logged with the signal and the request, and the worker is replaced; the
# service, and requests running at the same time, carry on.
source "$(dirname "$0")/lib.sh"

WORKERS=4
MOTCUA_WORKERS=$WORKERS stack_up crashy

http GET /api/v1/departments/crashy/ok
expect_status 200
expect_json .ok true
wait_for 10 "the pool of $WORKERS workers to be up" pool_settled "$WORKERS"
crashes0=$(status_field .crashes)
[[ $crashes0 == 0 ]] || fail "status reports $crashes0 crashes before any crash"

# Requests running at the same time as the crash.
load_start side /api/v1/procedures/khaisinh "/api/v1/procedures?q=dang%20ky" /api/v1/departments/crashy/ok
wait_for 10 "the background loop to get going" eval '(( $(load_count side) >= 10 ))'

# ---- the crash: 502 with nginx's JSON error
http GET /api/v1/departments/crashy/segfault
expect_status 502
[[ $(http_header content-type) == application/json* ]] ||
    fail "the 502 has Content-Type '$(http_header content-type)', not JSON"
expect_json .error.code bad_gateway
expect_vietnamese_message
note "segfault -> 502 $(json .error.code)"

# ---- the log names the signal and the request
expect_log "(SIGSEGV|Segmentation fault|signal 11).*GET /api/v1/departments/crashy/segfault" \
    "the crash line names the signal and the request"
note "log: $(log_grep 'Segmentation fault|SIGSEGV|signal 11')"

# ---- the worker is replaced: crashes + 1, pool back to the configured size
crashes_are() { [[ $(status_field .crashes) == "$1" ]]; }
wait_for 10 "status crashes to become $((crashes0 + 1))" crashes_are $((crashes0 + 1))
wait_for 10 "workers.total back to $WORKERS" pool_settled "$WORKERS"
respawns=$(status_field .respawns)
((respawns >= 1)) || fail "status respawns is '$respawns' after the crash, expected at least 1"
n=$(worker_pids | wc -l)
((n == WORKERS)) || fail "the master has $n children after the crash, expected $WORKERS"
note "crashes=$(status_field .crashes), respawns=$(status_field .respawns), workers=$(status_field .workers.total)"

# ---- the next 20 requests all succeed
for i in $(seq 1 10); do
    http GET /api/v1/departments/crashy/ok
    expect_status 200
    http GET /api/v1/procedures/lltp
    expect_status 200
done
note "20 requests after the crash: all 200"

# ---- the requests running alongside did not fail
before=$(load_count side)
wait_for 10 "the background loop to go on after the crash" eval '(( $(load_count side) >= before + 10 ))'
load_stop side
load_expect_ok side
note "background loop: $(load_count side) requests, all 200"
# Only the crashing request cost a crash.
[[ $(status_field .crashes) == $((crashes0 + 1)) ]] || fail "crashes is $(status_field .crashes), expected $((crashes0 + 1))"
