#!/usr/bin/env bash
# [centre] calendar_file reaches the deadlines: with the next 14 days declared days off in the
# yearly override file, a same-day procedure (khaisinh) accepted now is due only after them;
# a broken override file is refused by `motcua-fcgi -t` with the file's problem named.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_lifecycle.sh"

# Days off from today (Vietnam) for 14 days, grouped by year as the format wants.
CAL="$DIR/conf/calendar.json"
mkdir -p "$DIR/conf"
python3 - "$CAL" <<'PY'
import datetime, json, sys, zoneinfo
today = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")).date()
years = {}
for i in range(14):
    d = today + datetime.timedelta(days=i)
    years.setdefault(str(d.year), []).append({"date": d.isoformat(), "kind": "off", "name": "Nghỉ kiểm thử"})
json.dump(years, open(sys.argv[1], "w"), ensure_ascii=False)
PY

MOTCUA_EXTRA_INI=$'[centre]\ncalendar_file = '"$CAL" lifecycle_up
login demo-counter
create_accepted khaisinh
appointment=$(json .appointment_at)
[[ -n $appointment && $appointment != null ]] || fail "no appointment_at in: $HTTP_BODY"
first_free=$(TZ=Asia/Ho_Chi_Minh date -d "+14 days" +%F)
[[ ${appointment:0:10} > $(TZ=Asia/Ho_Chi_Minh date -d "+13 days" +%F) ]] ||
    fail "appointment $appointment falls inside the 14 declared days off (first free day $first_free)"
note "same-day procedure accepted during 14 declared days off: due $appointment"

# A broken file: the check names it and fails.
echo '{"2025":[{"date":"2025-02-30","kind":"off"}]}' > "$DIR/conf/bad-calendar.json"
sed "s|^calendar_file = .*|calendar_file = $DIR/conf/bad-calendar.json|" "$DIR/conf/motcua.ini" > "$DIR/conf/bad.ini"
if out=$("$BIN/motcua-fcgi" -t -c "$DIR/conf/bad.ini" 2>&1); then
    fail "motcua-fcgi -t accepted a calendar file with 2025-02-30: $out"
fi
[[ $out == *"bad-calendar.json"* && $out == *"2025-02-30"* || $out == *"real date"* ]] ||
    fail "motcua-fcgi -t did not name the calendar problem: $out"
note "broken calendar file refused: $out"
