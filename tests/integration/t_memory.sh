#!/usr/bin/env bash
# After start and 50 requests, every worker stays small: VmRSS under 20 MB each.
source "$(dirname "$0")/lib.sh"

WORKERS=4
LIMIT_KB=$((20 * 1024))
MOTCUA_WORKERS=$WORKERS stack_up
wait_for 10 "the pool of $WORKERS workers to be up" pool_settled "$WORKERS"

paths=(/api/v1/procedures /api/v1/procedures/khaisinh "/api/v1/procedures?q=dang%20ky"
       /api/v1/procedures/dkdd /api/v1/health)
for i in $(seq 0 49); do
    http GET "${paths[i % ${#paths[@]}]}"
    expect_status 200
done
http POST /api/v1/procedures/dkdn/validate '{"applicant":{"id_number":"035085001234"},"details":{}}'
expect_status 200

pids=$(worker_pids)
n=$(wc -w <<< "$pids")
((n == WORKERS)) || fail "the master has $n children, expected $WORKERS"
served=$(status_field '[.processes[].requests] | add')
((served >= 50)) || fail "the workers report $served requests served, expected at least 50"
for pid in $pids; do
    rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")
    [[ $rss =~ ^[0-9]+$ ]] || fail "no VmRSS for worker $pid"
    note "worker $pid: VmRSS $rss kB"
    ((rss < LIMIT_KB)) || fail "worker $pid has VmRSS $rss kB, limit $LIMIT_KB kB"
done
