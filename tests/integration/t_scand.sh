#!/usr/bin/env bash
# motcua-scand through the real stack (--demo): uploaded pages are recognised and classified and
# GET /completeness shows the verdict; kill -9 of motcua-scand in the middle of a 6-page job, then a
# restart, loses nothing and redoes nothing (every page finished before the kill is in the store, its
# row and text file untouched afterwards; each page recognised once; no job left running); a
# capture through SANE's test backend at station quay1 adds a page; the officer's override changes
# a page's document and the verdict; bad requests are refused with nothing changed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_lifecycle.sh"

for need in sqlite3 pango-view; do
    command -v "$need" > /dev/null || fail "$need is not installed (make deps; pango-view: pango1.0-tools)"
done
[[ -x $BIN/motcua-scand ]] || fail "$BIN/motcua-scand is not built (make all)"

# One OCR worker: pages are recognised one at a time and in order, so the pages finished before the
# kill below are exactly the first ones.
plugins_assemble
out=$(MOTCUA_PLUGIN_DIR="$PLUGIN_DIR" MOTCUA_SCAN_WORKERS=1 "$STACK" up --port "$PORT" --dir "$DIR" --demo 2>&1) ||
    { echo "$out" >&2; fail "nginx/stack up --demo failed"; }
DB="$DIR/data/motcua.db"
FILES="$DIR/data/files"
SCAND_LOG="$DIR/log/scand.log"
grep -q '^station.quay1 = test:0$' "$DIR/conf/motcua.ini" || fail "--demo did not configure station quay1"
[[ $(cat "$DIR/sane.d/dll.conf") == $'test\npnm' ]] || fail "--demo did not write DIR/sane.d/dll.conf"
SCAND_PID=$(cat "$DIR/run/motcua-scand.pid")
pid_running "$SCAND_PID" || fail "the stack did not start motcua-scand"

login demo-counter
login demo-tuphap

# ---- pages: rendered with pango (a national motto, then the paper's title, then fields)
PAGES="$DIR/pages"
mkdir -p "$PAGES"
render() { # render FILE TEXT
    pango-view --no-display --dpi=200 --margin=80 --font="Liberation Serif 13" -o "$1" --text="$2" ||
        fail "pango-view could not render $1"
}
MOTTO=$'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n'
FIELDS=""
for ((i = 1; i <= 14; i++)); do
    FIELDS+=$'\n'"$i. Nội dung kê khai số $i: Nguyễn Văn An, sinh ngày 15/03/1985, thường trú tại Phủ Lý, Hà Nam."
done
render "$PAGES/tokhai.png" "$MOTTO"$'\nTỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP\n'"$FIELDS"
render "$PAGES/cccd.png" $'CĂN CƯỚC CÔNG DÂN\nCitizen Identity Card\n\nSố định danh cá nhân: 035085001234\nHọ, chữ đệm và tên: NGUYỄN VĂN AN\nNgày sinh: 15/03/1985'"$FIELDS"
render "$PAGES/blank.png" " "

upload() { # upload FILE
    as demo-counter PUT "/api/v1/dossiers/$CODE/pages" "@$1" -H 'Content-Type: image/png'
    expect_status 201
    [[ $(json .scan_job) =~ ^[0-9]+$ ]] || fail "upload of $1 queued no recognition job"
}

# done_for CODE: the dossier's latest job is done and nothing is queued or running.
done_for() {
    [[ $(sqlite3 "$DB" "SELECT (SELECT state FROM scan_jobs WHERE dossier_id = d.id ORDER BY id DESC LIMIT 1)
        || ':' || (SELECT count(*) FROM scan_jobs WHERE dossier_id = d.id AND state IN ('queued','running'))
        FROM dossiers d WHERE code = '$1'") == done:0 ]]
}

completeness() {
    as demo-counter GET "/api/v1/dossiers/$CODE/completeness"
    expect_status 200
}

# ---- 1. three uploads are recognised, classified, and the dossier is complete
create lltp
CODE1=$CODE
as demo-counter GET "/api/v1/dossiers/$CODE/completeness"
expect_status 200
expect_json .state null
expect_json .complete null
upload "$PAGES/tokhai.png"
upload "$PAGES/cccd.png"
upload "$PAGES/blank.png"
wait_for 180 "the 3 pages of $CODE recognised and classified" done_for "$CODE"
completeness
expect_json .state done
expect_json '.progress | "\(.recognised)/\(.total)"' 3/3
expect_json '[.pages[].document] | join(",")' "lltp.tokhai,cccd,"
expect_json '[.pages[].blank] | join(",")' "false,false,true"
expect_json '.pages[0].document_title' "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"
expect_json '[.present[].id] | join(",")' "lltp.tokhai,cccd"
expect_json '.missing | length' 0
expect_json .complete true
expect_json .verdict_pending false
[[ $(json '.pages[0].confidence') != 0 && $(json '.pages[0].ocr_confidence') != 0 ]] ||
    fail "page 1 has no confidence"
note "$CODE: 3 pages recognised, classified lltp.tokhai, cccd, blank; complete"

# Scope: another department's officer may not see it.
as demo-tuphap GET "/api/v1/dossiers/$CODE/completeness"
expect_error 403 forbidden

# ---- 2. kill -9 in the middle of a 6-page job, restart: nothing lost, nothing redone
create lltp
CODE2=$CODE
for f in tokhai cccd tokhai cccd tokhai cccd; do
    upload "$PAGES/$f.png"
done
recognised() {
    sqlite3 "$DB" "SELECT count(*) FROM scan_pages s JOIN dossiers d ON d.id = s.dossier_id
                   WHERE d.code = '$CODE2' AND s.state <> 'pending'"
}
midway() { local n; n=$(recognised); ((n >= 1 && n <= 4)); }
wait_for 180 "a page of $CODE2 recognised" midway
workers=$(ps -o pid= --ppid "$SCAND_PID" | tr -d ' ' | tr '\n' ' ')
kill -9 "$SCAND_PID"
wait_for 10 "motcua-scand $SCAND_PID gone after SIGKILL" pid_gone "$SCAND_PID"
before=$(recognised)
((before >= 1 && before < 6)) || fail "the kill did not land mid-job ($before of 6 pages recognised)"
JOB2=$(sqlite3 "$DB" "SELECT j.id FROM scan_jobs j JOIN dossiers d ON d.id = j.dossier_id
                      WHERE d.code = '$CODE2' AND j.state = 'running'")
[[ -n $JOB2 ]] || fail "no job of $CODE2 was running when motcua-scand was killed"
# Each page is written the moment it is finished: the finished pages are exactly the first ones, each
# logged once, each with its text file.
finished=$(sqlite3 "$DB" "SELECT group_concat(ordinal, ',') FROM (SELECT s.ordinal FROM scan_pages s
    JOIN dossiers d ON d.id = s.dossier_id WHERE d.code = '$CODE2' AND s.state <> 'pending' ORDER BY s.ordinal)")
[[ $finished == "$(seq -s, 1 "$before")" ]] || fail "the pages recognised before the kill are $finished, not 1..$before"
LOG_AT_KILL=$(wc -l < "$SCAND_LOG")
[[ $(grep -c "dossier $CODE2 page [0-9]* recognised\$" "$SCAND_LOG") == "$before" ]] ||
    fail "the log before the kill does not name the $before pages in the store"
row_of() { # row_of ID: the page's result as stored, and the identity of its text file
    local r
    r=$(sqlite3 "$DB" "SELECT id || '|' || state || '|' || recognised_at || '|' || recognised_by_job || '|' ||
        ocr_confidence || '|' || coalesce(text_path, '-') FROM scan_pages WHERE id = $1")
    echo "$r|$(stat -c '%i.%Y' "$FILES/${r##*|}" 2> /dev/null || echo none)"
}
DONE_BEFORE=$(for id in $(sqlite3 "$DB" "SELECT s.id FROM scan_pages s JOIN dossiers d ON d.id = s.dossier_id
                  WHERE d.code = '$CODE2' AND s.state <> 'pending' ORDER BY s.ordinal"); do row_of "$id"; done)
[[ $(grep -c '|done|' <<< "$DONE_BEFORE") == "$before" && $DONE_BEFORE != *"|none"* ]] ||
    fail "a page recognised before the kill is not done with its text file: $DONE_BEFORE"
note "killed motcua-scand (pid $SCAND_PID) with $before of 6 pages recognised (pages $finished, job $JOB2)"
for w in $workers; do # its OCR workers must not outlive it for long
    wait_for 15 "OCR worker $w of the killed motcua-scand gone" pid_gone "$w"
done

setsid "$BIN/motcua-scand" -c "$DIR/conf/motcua.ini" >> "$DIR/log/motcua-scand.out" 2>&1 < /dev/null &
SCAND_PID=$!
echo "$SCAND_PID" > "$DIR/run/motcua-scand.pid"
wait_for 240 "job $JOB2 finished after the restart" done_for "$CODE2"
CODE=$CODE2
completeness
expect_json .state done
expect_json '.progress | "\(.recognised)/\(.total)"' 6/6
expect_json '[.pages[].document] | join(",")' "lltp.tokhai,cccd,lltp.tokhai,cccd,lltp.tokhai,cccd"
expect_json .complete true
[[ $(sqlite3 "$DB" "SELECT count(*) || ':' || count(DISTINCT s.page_id || '.' || s.page_index) || ':' ||
      sum(s.state = 'done') FROM scan_pages s JOIN dossiers d ON d.id = s.dossier_id WHERE d.code = '$CODE2'") == 6:6:6 ]] ||
    fail "$CODE2 should have 6 distinct recognised pages"
[[ $(sqlite3 "$DB" "SELECT state || ':' || attempts FROM scan_jobs WHERE id = $JOB2") == done:2 ]] ||
    fail "job $JOB2 should be done after 2 attempts, got $(sqlite3 "$DB" "SELECT state || ':' || attempts FROM scan_jobs WHERE id = $JOB2")"
for ((n = 1; n <= 6; n++)); do
    c=$(grep -c "dossier $CODE2 page $n recognised\$" "$SCAND_LOG")
    [[ $c == 1 ]] || fail "page $n of $CODE2 was recognised $c times (expected exactly once) per $SCAND_LOG"
done
while IFS= read -r row; do
    id=${row%%|*}
    now=$(row_of "$id")
    [[ $now == "$row" ]] || fail "page $id recognised before the kill changed (row or text file): '$row' -> '$now'"
done <<< "$DONE_BEFORE"
after_kill=$(tail -n "+$((LOG_AT_KILL + 1))" "$SCAND_LOG" | grep -c "dossier $CODE2 page [0-9]* recognised\$")
((after_kill == 6 - before)) ||
    fail "the restarted motcua-scand recognised $after_kill pages of $CODE2, expected the $((6 - before)) left"
[[ $(find "$FILES/scan/$CODE2/text" -name '*.txt' | wc -l) == 6 ]] ||
    fail "$CODE2 should have 6 page text files: $(ls "$FILES/scan/$CODE2/text")"
grep -q "took back 1 jobs of dead claimers" "$SCAND_LOG" || fail "the restarted motcua-scand did not log taking the job back"
note "restarted: job $JOB2 resumed and done; the $after_kill pages left recognised, each page once; earlier rows and text files untouched"

# ---- 3. capture from station quay1 (SANE test backend, flatbed: one page)
CODE=$CODE1
snapshot() { sqlite3 "$DB" "SELECT (SELECT count(*) FROM scan_jobs), (SELECT count(*) FROM events),
    (SELECT count(*) FROM pages), (SELECT count(*) FROM scan_pages),
    (SELECT group_concat(coalesce(override_document, '-'), ',') FROM scan_pages)"; }
before=$(snapshot)
as demo-counter POST "/api/v1/dossiers/$CODE/scan" '{"station":"quay9"}'
expect_error 422 unknown_station
as demo-counter POST "/api/v1/dossiers/$CODE/scan" '{"station":"quay1","source":"glass"}'
expect_error 422 invalid_source
as demo-tuphap POST "/api/v1/dossiers/$CODE/scan" '{"station":"quay1"}'
expect_status 403
unchanged "$before" "capture requests with an unknown station, a bad source, a wrong role"
as demo-counter POST "/api/v1/dossiers/$CODE/scan" '{"station":"quay1","source":"flatbed"}'
expect_status 202
CJOB=$(json .job)
wait_for 120 "capture job $CJOB done" done_for "$CODE"
[[ $(sqlite3 "$DB" "SELECT state || ':' || pages_captured || ':' || coalesce(error, '') FROM scan_jobs WHERE id = $CJOB") == done:1: ]] ||
    fail "capture job $CJOB: $(sqlite3 "$DB" "SELECT state, pages_captured, error FROM scan_jobs WHERE id = $CJOB")"
completeness
expect_json '.progress.total' 4
expect_json '.pages[3].upload' 4
expect_json '.pages[3].state' done
note "capture job $CJOB: 1 page from station quay1 (test:0) added as page 4 and recognised"

# ---- 4. the officer's override changes a page's document and the verdict
before=$(snapshot)
as demo-counter PUT "/api/v1/dossiers/$CODE/pages/2/document" '{"document":"giaychungsinh"}'
expect_error 422 unknown_document
as demo-counter PUT "/api/v1/dossiers/$CODE/pages/99/document" '{"document":"uyquyen"}'
expect_error 404 unknown_page
as demo-counter PUT "/api/v1/dossiers/$CODE/pages/x/document" '{"document":"uyquyen"}'
expect_error 404 unknown_page
as demo-counter PUT "/api/v1/dossiers/$CODE/pages/2/document" '{}'
expect_error 422 unknown_document
unchanged "$before" "overrides with a document of another procedure, an unknown page, no document"
as demo-counter PUT "/api/v1/dossiers/$CODE/pages/2/document" '{"document":"uyquyen"}'
expect_status 200
expect_json .override_by demo-counter
wait_for 60 "the verdict of $CODE recomputed" done_for "$CODE"
completeness
expect_json '.pages[1].document' uyquyen
expect_json '.pages[1].detected_document' cccd
expect_json '.pages[1].override.by' demo-counter
expect_json '[.missing[].id] | join(",")' cccd
expect_json .complete false
[[ $(sqlite3 "$DB" "SELECT count(*) FROM events WHERE action = 'scan.override' AND subject = '$CODE'
      AND actor = 'demo-counter'") == 1 ]] || fail "no audit event scan.override"
note "override of page 2 to uyquyen: cccd now missing, dossier incomplete"
# The missing list feeds the supplement request (Form 02).
as demo-counter POST "/api/v1/dossiers/$CODE/supplement" '{"from_completeness":true}'
expect_status 200
expect_json .status supplement_requested
[[ $(sqlite3 "$DB" "SELECT items_json FROM supplements s JOIN dossiers d ON d.id = s.dossier_id
      WHERE d.code = '$CODE'") == *"Căn cước"* ]] || fail "the supplement request does not list the missing CCCD"
note "supplement request from the completeness verdict lists the missing CCCD"
as demo-counter PUT "/api/v1/dossiers/$CODE/pages/2/document" '{"document":null}'
expect_status 200
wait_for 60 "the verdict of $CODE recomputed again" done_for "$CODE"
completeness
expect_json '.pages[1].document' cccd
expect_json .complete true
note "override cleared: back to the classifier's cccd, complete"

[[ $(sqlite3 "$DB" "SELECT count(*) FROM scan_jobs WHERE state IN ('running','queued')") == 0 ]] ||
    fail "jobs left queued or running"
"$BIN/motcuactl" audit verify --config "$DIR/conf/motcua.ini" > /dev/null 2>&1 || fail "the audit chain does not verify"
