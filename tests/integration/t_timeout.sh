#!/usr/bin/env bash
# A request past request_timeout is cut (nginx answers 502/504 long before the handler
# would finish), counted in status, logged with the request; its worker is replaced.
source "$(dirname "$0")/lib.sh"

WORKERS=2
MOTCUA_WORKERS=$WORKERS MOTCUA_REQUEST_TIMEOUT=2 stack_up crashy
wait_for 10 "the pool of $WORKERS workers to be up" pool_settled "$WORKERS"
[[ $(status_field .timeouts) == 0 ]] || fail "status reports timeouts before any request"

# The 30 s request, in the background, so that we can see which worker serves it.
curl -s -o "$DIR/slow.body" -D "$DIR/slow.headers" -w '%{http_code} %{time_total}' --max-time 60 \
    "$BASE/api/v1/departments/crashy/sleep?seconds=30" > "$DIR/slow.out" &
slow_pid=$!
serving_pid() {
    status_field '.processes[] | select(.state == "busy" and ((.request // "") | contains("crashy/sleep"))) | .pid'
}
has_sleeper() { [[ -n $(serving_pid) ]]; }
wait_for 5 "a worker to serve the sleep request" has_sleeper
victim=$(serving_pid)
note "worker $victim serves GET crashy/sleep?seconds=30"

wait "$slow_pid"
read -r code took < "$DIR/slow.out"
[[ $code == 502 || $code == 504 ]] || fail "the request past request_timeout got $code, expected 502 or 504"
# A bound on the product's behaviour (timeout 2 s; the handler would take 30 s).
awk -v t="$took" 'BEGIN { exit !(t < 15) }' || fail "the request was cut only after ${took}s (request_timeout is 2 s)"
jq -e '.error.code | length > 0' "$DIR/slow.body" > /dev/null ||
    fail "the $code body is not the JSON error shape: $(head -c 300 "$DIR/slow.body")"
note "cut after ${took}s with $code $(jq -r .error.code "$DIR/slow.body")"

timeouts_are() { [[ $(status_field .timeouts) == "$1" ]]; }
wait_for 5 "status timeouts to be 1" timeouts_are 1
expect_log "crashy/sleep.*request_timeout|request_timeout.*crashy/sleep" "the timeout line names the request"
note "log: $(log_grep 'request_timeout')"

# The worker is replaced: the victim is gone, the pool is full again.
wait_for 10 "worker $victim to be gone" pid_gone "$victim"
wait_for 10 "workers.total back to $WORKERS" pool_settled "$WORKERS"
worker_pids | grep -qx "$victim" && fail "worker $victim is still a child of the master"
# Not counted as a crash: the master killed it on purpose.
[[ $(status_field .crashes) == 0 ]] || fail "a timeout counted as a crash (crashes $(status_field .crashes))"

http GET /api/v1/departments/crashy/ok
expect_status 200
http GET /api/v1/procedures/khaisinh
expect_status 200
note "next requests: 200"
