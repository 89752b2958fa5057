#!/usr/bin/env bash
# nginx/stack up/down in one DIR: a second `up` refuses, `down` leaves no process and no
# socket; SIGTERM to the master lets a request in flight finish, then the master exits.
source "$(dirname "$0")/lib.sh"

stack_up crashy
nginx_master=$(cat "$DIR/run/nginx.pid")
fcgi_master=$(master_pid)
[[ -n $nginx_master && -n $fcgi_master ]] || fail "no pids after up (nginx '$nginx_master', motcua-fcgi '$fcgi_master')"
[[ -S $DIR/run/fcgi.sock ]] || fail "no socket $DIR/run/fcgi.sock after up"

# ---- a second up in the same DIR (on another free port, so the port is not the reason)
port2=$(free_port $((PORT + 1)))
out=$(MOTCUA_PLUGIN_DIR="$PLUGIN_DIR" "$STACK" up --port "$port2" --dir "$DIR" 2>&1)
rc=$?
((rc != 0)) || fail "a second nginx/stack up in $DIR succeeded: $out"
grep -qi "already" <<< "$out" || fail "the second up does not say the stack already runs: $out"
note "second up refused (exit $rc): $(head -n1 <<< "$out")"
if ! pid_running "$nginx_master" || ! pid_running "$fcgi_master"; then
    fail "the refused second up stopped the running stack"
fi
port_busy "$port2" && fail "the refused second up left something listening on $port2"
http GET /api/v1/health
expect_status 200

# ---- down: no motcua-fcgi or nginx process of this DIR, no socket
mapfile -t all < <(echo "$nginx_master"; echo "$fcgi_master"; ps -o pid= --ppid "$nginx_master" | tr -d ' '; worker_pids)
note "processes before down: ${all[*]}"
stack_down
for pid in "${all[@]}"; do
    pid_running "$pid" && fail "process $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline")) still runs after down"
done
left=$(pgrep -f -- "$DIR/conf" | while read -r p; do pid_running "$p" && echo "$p"; done)
[[ -z $left ]] || fail "processes naming $DIR still run after down: $left"
[[ ! -e $DIR/run/fcgi.sock ]] || fail "down left the socket $DIR/run/fcgi.sock"
port_busy "$PORT" && fail "something still listens on $PORT after down"
note "down: no process, no socket"
# down again is harmless.
"$STACK" down --dir "$DIR" > /dev/null 2>&1 || fail "a second down failed"

# ---- SIGTERM to the master while a 2 s request runs
stack_up crashy
fcgi_master=$(master_pid)
curl -s -o "$DIR/slow.body" -w '%{http_code}' --max-time 30 \
    "$BASE/api/v1/departments/crashy/sleep?seconds=2" > "$DIR/slow.out" &
slow_pid=$!
sleeping() {
    [[ $(status_field '[.processes[] | select(.state == "busy" and ((.request // "") | contains("crashy/sleep")))] | length') == 1 ]]
}
wait_for 5 "the sleep request to be served" sleeping
kill -TERM "$fcgi_master" || fail "cannot send SIGTERM to $fcgi_master"
wait "$slow_pid"
code=$(cat "$DIR/slow.out")
[[ $code == 200 ]] || fail "the request in flight at SIGTERM got $code ($(cat "$DIR/slow.body")), expected 200"
note "request in flight at SIGTERM: 200 $(cat "$DIR/slow.body")"
wait_for 10 "the master $fcgi_master to exit after SIGTERM" pid_gone "$fcgi_master"
[[ ! -e $DIR/run/fcgi.sock ]] || fail "the master left its socket after SIGTERM"
expect_log "motcua-fcgi stopped" "the master logs its stop"
note "master exited, socket removed"
