#!/usr/bin/env bash
# motcua-scand runs each capture in a child process (motcua-scan capture --progress json, in a
# process group of its own) with a deadline between pages: [scan] capture_page_timeout, 4 s here.
# SANE's test backend is slowed by its own test.conf (read-delay: under a second a page, so the
# test can act in the middle of a 10-page ADF batch); then, at station quay1:
# 1. the scanner stops answering (SIGSTOP of the capture's process group): the job ends with the
#    timeout error (English and Vietnamese), every page captured before is kept, the child is
#    killed and reaped, nothing is left in the capture folder, and motcua-scand takes the next
#    capture as usual;
# 2. the capture process crashes (SIGKILL of it alone): the job ends with the crash error and
#    keeps its pages;
# 3. motcua-scand is stopped (TERM) mid-capture: the child goes with it, the job is left queued
#    with its pages and, at the next start, ends as "interrupted by a restart" with the same pages.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_lifecycle.sh"

command -v sqlite3 > /dev/null || fail "sqlite3 is not installed (make deps)"
[[ -x $BIN/motcua-scand ]] || fail "$BIN/motcua-scand is not built (make all)"

TIMEOUT=4
plugins_assemble
out=$(MOTCUA_PLUGIN_DIR="$PLUGIN_DIR" MOTCUA_SCAN_WORKERS=1 \
    MOTCUA_EXTRA_INI=$'[scan]\ncapture_page_timeout = '"$TIMEOUT" \
    "$STACK" up --port "$PORT" --dir "$DIR" --demo 2>&1) || { echo "$out" >&2; fail "nginx/stack up --demo failed"; }
DB="$DIR/data/motcua.db"
FILES="$DIR/data/files"
SCAND_LOG="$DIR/log/scand.log"
grep -q '^station.quay1 = test:0$' "$DIR/conf/motcua.ini" || fail "--demo did not configure station quay1"
SCAND_PID=$(cat "$DIR/run/motcua-scand.pid")
pid_running "$SCAND_PID" || fail "the stack did not start motcua-scand"
login demo-counter

# The test backend reads DIR/sane.d/test.conf at sane_init, that is in each capture process.
# Small pages (40 x 40 mm: 472 x 472 at 300 dpi) read 64 KiB at a time, 0.2 s a read.
slow_scanner() {
    printf '%s\n' 'number_of_devices 1' 'br_x 40.0' 'br_y 40.0' 'read-limit true' 'read-limit-size 65536' \
        'read-delay true' 'read-delay-duration 200000' > "$DIR/sane.d/test.conf"
}
quick_scanner() {
    printf '%s\n' 'number_of_devices 1' 'br_x 40.0' 'br_y 40.0' > "$DIR/sane.d/test.conf"
}

job() { sqlite3 "$DB" "SELECT $2 FROM scan_jobs WHERE id = $1"; }
job_over() { [[ $(job "$1" state) == "done" || $(job "$1" state) == "failed" ]]; }
captured_at_least() { (($(job "$1" pages_captured) >= $2)); }
pages_of() {
    sqlite3 "$DB" "SELECT count(*) FROM pages p JOIN dossiers d ON d.id = p.dossier_id WHERE d.code = '$1'"
}
# The running capture process of motcua-scand (its child running `motcua-scan capture`).
capture_child() { ps -o pid=,args= --ppid "$SCAND_PID" | awk '$3 == "capture" { print $1 }'; }
# No process with this pid at all: not running, and not a zombie waiting to be reaped.
reaped() { ! kill -0 "$1" 2> /dev/null; }

# scan_job SOURCE: queues a capture at quay1 for a new dossier; sets CODE and JOB.
scan_job() {
    create lltp
    as demo-counter POST "/api/v1/dossiers/$CODE/scan" "{\"station\":\"quay1\",\"source\":\"$1\"}"
    expect_status 202
    JOB=$(json .job)
    [[ $JOB =~ ^[0-9]+$ ]] || fail "POST /scan gave no job"
}

# capture_midway PAGES: an ADF capture (scan_job adf) once PAGES pages of it are in the store;
# sets child to its capture process.
capture_midway() {
    scan_job adf
    wait_for 60 "job $JOB captured $1 pages" captured_at_least "$JOB" "$1"
    child=$(capture_child)
    [[ $child =~ ^[0-9]+$ ]] ||
        fail "no capture process for job $JOB under motcua-scand $SCAND_PID: $(ps -o pid=,args= --ppid "$SCAND_PID")"
}

# ---- 1. the scanner stops answering after a few pages
slow_scanner
capture_midway 2
[[ $(ps -o pgid= -p "$child" | tr -d ' ') == "$child" ]] || fail "capture process $child is not in a process group of its own"
kill -STOP -- "-$child"
before=$(job "$JOB" pages_captured)
note "capture process $child stopped after $before pages of job $JOB"
wait_for 90 "job $JOB ended after the stall" job_over "$JOB"
n=$(job "$JOB" pages_captured)
((n >= before && n < 10)) || fail "job $JOB captured $n pages (at least $before before the stall, fewer than the 10 of the batch)"
[[ $(job "$JOB" state) == "done" ]] || fail "job $JOB with $n pages kept should be done, is $(job "$JOB" state)"
err=$(job "$JOB" error)
[[ $err == "capture: device test:0: scanner stopped responding: no page for $TIMEOUT s; capture killed ($n pages kept)" ]] ||
    fail "job $JOB error: $err"
err_vi=$(job "$JOB" error_vi)
[[ $err_vi == "Máy quét không phản hồi: quá $TIMEOUT giây không có trang mới (đã lưu $n trang quét được)."* &&
    $err_vi == *"kiểm tra máy quét"*"Quét tiếp"* ]] || fail "job $JOB Vietnamese error: $err_vi"
[[ $(pages_of "$CODE") == "$n" ]] || fail "$CODE has $(pages_of "$CODE") pages, the job captured $n"
wait_for 10 "capture process $child reaped" reaped "$child"
[[ ! -e $FILES/scan/$CODE/capture-$JOB ]] || fail "capture folder left: $(ls -A "$FILES/scan/$CODE/capture-$JOB")"
as demo-counter GET "/api/v1/dossiers/$CODE/completeness"
expect_status 200
expect_json '.progress.captured' "$n"
expect_json '.progress.total' "$n"
expect_json '.errors[0]' "$err_vi"
grep -q "scand: job $JOB: capture ended with $n pages: device test:0: scanner stopped responding" "$SCAND_LOG" ||
    fail "the scand log does not report the stall of job $JOB"
pid_running "$SCAND_PID" || fail "motcua-scand died"
note "job $JOB: stalled capture killed after $TIMEOUT s; $n pages kept and recognised"

quick_scanner
scan_job flatbed
wait_for 60 "capture job $JOB after the stall" job_over "$JOB"
[[ $(job "$JOB" "state || ':' || pages_captured || ':' || coalesce(error, '')") == done:1: ]] ||
    fail "capture job $JOB after the stall: $(job "$JOB" "state, pages_captured, error")"
[[ $(pages_of "$CODE") == 1 ]] || fail "$CODE should have its 1 captured page"
note "job $JOB: the next capture on the same motcua-scand gives its page"

# ---- 2. the capture process crashes
slow_scanner
capture_midway 1
kill -KILL "$child"
wait_for 60 "job $JOB ended after the crash" job_over "$JOB"
n=$(job "$JOB" pages_captured)
((n >= 1 && n < 10)) || fail "job $JOB captured $n pages"
[[ $(job "$JOB" state) == "done" ]] || fail "job $JOB should be done with its $n pages, is $(job "$JOB" state)"
err=$(job "$JOB" error)
[[ $err == "capture: device test:0: the capture process was killed by signal 9 "*" and gave no summary ($n pages kept)" ]] ||
    fail "job $JOB error: $err"
[[ $(job "$JOB" error_vi) == "Chương trình quét dừng đột ngột (đã lưu $n trang quét được)."* ]] ||
    fail "job $JOB Vietnamese error: $(job "$JOB" error_vi)"
[[ $(pages_of "$CODE") == "$n" ]] || fail "$CODE has $(pages_of "$CODE") pages, the job captured $n"
[[ ! -e $FILES/scan/$CODE/capture-$JOB ]] || fail "capture folder left: $(ls -A "$FILES/scan/$CODE/capture-$JOB")"
wait_for 10 "capture process $child reaped" reaped "$child"
note "job $JOB: crashed capture process; $n pages kept"

# ---- 3. motcua-scand is stopped mid-capture, then started again
capture_midway 1
kill -TERM "$SCAND_PID"
wait_for 30 "motcua-scand $SCAND_PID stopped" pid_gone "$SCAND_PID"
pid_running "$child" && fail "capture process $child outlived motcua-scand"
n=$(job "$JOB" pages_captured)
[[ $(job "$JOB" "state || ':' || phase") == queued:capture ]] ||
    fail "job $JOB after the stop: $(job "$JOB" "state, phase") (want queued, phase capture)"
((n >= 1 && n < 10)) || fail "job $JOB captured $n pages before the stop"
[[ $(pages_of "$CODE") == "$n" ]] || fail "$CODE has $(pages_of "$CODE") pages, the job captured $n"
grep -q "scand: job $JOB: capture ended with $n pages: device test:0: capture stopped for a shutdown" "$SCAND_LOG" ||
    fail "the scand log does not report the capture stopped for the shutdown"
note "motcua-scand stopped during job $JOB: capture process killed, $n pages kept, job queued"

setsid "$BIN/motcua-scand" -c "$DIR/conf/motcua.ini" >> "$DIR/log/motcua-scand.out" 2>&1 < /dev/null &
SCAND_PID=$!
echo "$SCAND_PID" > "$DIR/run/motcua-scand.pid"
wait_for 90 "job $JOB finished after the restart" job_over "$JOB"
[[ $(job "$JOB" "state || ':' || pages_captured || ':' || error") == "done:$n:capture interrupted by a restart of motcua-scand" ]] ||
    fail "job $JOB after the restart: $(job "$JOB" "state, pages_captured, error")"
[[ $(pages_of "$CODE") == "$n" ]] || fail "$CODE has $(pages_of "$CODE") pages after the restart, not $n"
[[ $(grep -c "scand: job $JOB dossier $CODE: capturing from station" "$SCAND_LOG") == 1 ]] ||
    fail "job $JOB was captured again after the restart"
note "restarted: job $JOB done as interrupted with its $n pages"

[[ $(sqlite3 "$DB" "SELECT count(*) FROM scan_jobs WHERE state IN ('running','queued')") == 0 ]] ||
    fail "jobs left queued or running"
