#!/usr/bin/env bash
# SIGHUP reloads without failing a request: under a steady stream of requests, five
# reloads; a request in flight during a reload completes; a broken config aborts the
# reload and the service goes on with the previous one.
source "$(dirname "$0")/lib.sh"

WORKERS=4
MOTCUA_WORKERS=$WORKERS stack_up crashy
wait_for 10 "the pool of $WORKERS workers to be up" pool_settled "$WORKERS"
master=$(master_pid)
[[ -n $master ]] || fail "no motcua-fcgi master pid in DIR/run/motcua-fcgi.pid"
gen0=$(status_field .generation)
reloads0=$(status_field .reloads)
[[ $gen0 =~ ^[0-9]+$ && $reloads0 == 0 ]] || fail "status before reloads: generation '$gen0', reloads '$reloads0'"

generation_is() { [[ $(status_field .generation) == "$1" ]]; }

# ---- five reloads under a steady stream from three parallel loops
load_start a /api/v1/procedures/khaisinh /api/v1/health
load_start b "/api/v1/procedures?q=dang%20ky" /api/v1/departments/crashy/ok
load_start c /api/v1/procedures /api/v1/procedures/dkdd
total() { echo $(($(load_count a) + $(load_count b) + $(load_count c))); }
wait_for 20 "the loops to get going" eval '(( $(total) >= 30 ))'
for i in 1 2 3 4 5; do
    kill -HUP "$master" || fail "cannot send SIGHUP to the master $master"
    # One reload at a time: HUPs sent faster than the master reads them may be merged.
    wait_for 10 "generation $((gen0 + i)) after SIGHUP #$i" generation_is $((gen0 + i))
    mark=$(total)
    wait_for 20 "requests to flow after SIGHUP #$i" eval '(( $(total) >= mark + 20 ))'
done
# A few hundred requests in all.
wait_for 60 "300 requests from the loops" eval '(( $(total) >= 300 ))'
load_stop a b c
note "$(total) requests across 5 reloads"
load_expect_ok a b c
expect_gen=$((gen0 + 5))
[[ $(status_field .generation) == "$expect_gen" ]] ||
    fail "generation is $(status_field .generation) after 5 reloads, expected $expect_gen"
[[ $(status_field .reloads) == 5 ]] || fail "reloads is $(status_field .reloads), expected 5"
wait_for 15 "the old workers to drain, $WORKERS left" pool_settled "$WORKERS"
bad=$(status_field "[.processes[] | select(.generation != $expect_gen)] | length")
[[ $bad == 0 ]] || fail "$bad workers of an older generation still run after the reloads"
note "generation $expect_gen, reloads 5, $WORKERS workers of the new generation"

# ---- a request in flight during a reload completes with 200
slow_out="$DIR/slow.out"
curl -s -o "$DIR/slow.body" -w '%{http_code}' --max-time 30 \
    "$BASE/api/v1/departments/crashy/sleep?seconds=2" > "$slow_out" &
slow_pid=$!
sleeping() {
    [[ $(status_field '[.processes[] | select(.state == "busy" and ((.request // "") | contains("crashy/sleep")))] | length') == 1 ]]
}
wait_for 5 "the sleep request to be served by a worker" sleeping
kill -HUP "$master"
wait_for 10 "generation $((expect_gen + 1))" generation_is $((expect_gen + 1))
wait "$slow_pid"
code=$(cat "$slow_out")
[[ $code == 200 ]] || fail "the request in flight during the reload got $code, expected 200 ($(cat "$DIR/slow.body"))"
grep -q '"slept":2' "$DIR/slow.body" || fail "the request in flight answered '$(cat "$DIR/slow.body")'"
note "request in flight during a reload: 200 $(cat "$DIR/slow.body")"
wait_for 15 "the pool to settle after the sixth reload" pool_settled "$WORKERS"

# ---- a broken config: the reload is aborted, the service goes on
gen=$(status_field .generation)
reloads=$(status_field .reloads)
printf 'this is not an ini file\n[[[ garbage\n' > "$DIR/conf/motcua.ini"
kill -HUP "$master"
wait_for 10 "'reload aborted' in the log" log_grep "reload aborted"
note "log: $(log_grep 'reload aborted')"
for i in 1 2 3 4 5; do
    http GET /api/v1/procedures/khaisinh
    expect_status 200
done
[[ $(status_field .generation) == "$gen" ]] || fail "generation moved to $(status_field .generation) on an aborted reload"
[[ $(status_field .reloads) == "$reloads" ]] || fail "reloads moved to $(status_field .reloads) on an aborted reload"
pid_running "$master" || fail "the master died after a reload with a broken config"
note "broken config: reload aborted, still serving"
