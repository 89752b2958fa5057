#!/usr/bin/env bash
# Broken plugins in the folder are reported (one clear log line each, with the file and the
# reason) and skipped; the real ones serve. motcuactl plugins check reports the same.
source "$(dirname "$0")/lib.sh"

BROKEN=(bad_abi missing_symbol no_entry bad_data failing_init)
# What each one's log line must say (grep -E), beside "<name>.so skipped".
declare -A reason=(
    [bad_abi]="ABI"
    [missing_symbol]="undefined symbol"
    [no_entry]="entry symbol"
    [bad_data]="procedure data rejected"
    [failing_init]="init failed"
)

stack_up "${BROKEN[@]}"

# ---- the five real procedures serve, and nothing from the broken plugins is listed
http GET /api/v1/procedures
expect_status 200
got=$(json '[.procedures[].code] | sort | join(" ")')
[[ $got == "dkdd dkdn gpxd khaisinh lltp" ]] ||
    fail "with broken plugins beside them, the catalogue lists '$got' instead of the five procedures"
for code in khaisinh lltp dkdn gpxd dkdd; do
    http GET "/api/v1/procedures/$code"
    expect_status 200
    expect_json .code "$code"
done
note "the five procedures serve"

# ---- one clear line per broken plugin in DIR/log/fcgi.log
log="$DIR/log/fcgi.log"
for name in "${BROKEN[@]}"; do
    n=$(grep -c -- "$name\.so skipped" "$log")
    ((n == 1)) || fail "fcgi.log has $n lines with '$name.so skipped', expected exactly 1"
    line=$(grep -- "$name\.so skipped" "$log")
    grep -qE -- "${reason[$name]}" <<< "$line" ||
        fail "the log line for $name.so does not say '${reason[$name]}': $line"
    note "$line"
done
# The real plugins are reported loaded, none skipped.
for name in congan nnmt taichinh tuphap xaydung; do
    grep -q -- "plugin $name\.so loaded" "$log" || fail "fcgi.log does not report $name.so loaded"
done
if grep -qE '(congan|nnmt|taichinh|tuphap|xaydung)\.so skipped' "$log"; then
    fail "a real plugin was skipped: $(grep -E '(congan|nnmt|taichinh|tuphap|xaydung)\.so skipped' "$log")"
fi

# ---- motcuactl plugins check DIR: exit 1 on this folder, naming the same plugins and reasons
ctl="$BIN/motcuactl"
out=$("$ctl" plugins check "$PLUGIN_DIR" 2>&1)
rc=$?
((rc == 1)) || fail "motcuactl plugins check on the broken folder exited $rc, expected 1; output: $out"
for name in "${BROKEN[@]}"; do
    line=$(grep -- "$name\.so" <<< "$out" | head -n1)
    [[ -n $line ]] || fail "motcuactl plugins check does not list $name.so; output: $out"
    grep -qE -- "${reason[$name]}" <<< "$line" ||
        fail "motcuactl's line for $name.so does not say '${reason[$name]}': $line"
    grep -qiE 'fail|skip' <<< "$line" || fail "motcuactl's line for $name.so does not say it fails: $line"
done
for code in khaisinh lltp dkdn gpxd dkdd; do
    grep -qE "procedure +$code " <<< "$out" || fail "motcuactl plugins check does not list procedure $code"
done
note "motcuactl plugins check (broken folder): exit 1, lists the five broken plugins"

# ---- on the clean folder it exits 0
mkdir -p "$DIR/clean"
for f in "$REPO/$BUILD"/plugins/*.so "$REPO/$BUILD"/plugins/*.json; do
    ln -s "$f" "$DIR/clean/"
done
out=$("$ctl" plugins check "$DIR/clean" 2>&1)
rc=$?
((rc == 0)) || fail "motcuactl plugins check on the clean folder exited $rc, expected 0; output: $out"
note "motcuactl plugins check (clean folder): exit 0"
