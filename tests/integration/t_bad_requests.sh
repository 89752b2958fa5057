#!/usr/bin/env bash
# Bad requests get the API's error shape ({"error":{"code","message"}}, a Vietnamese
# message) whether motcua-fcgi or nginx refuses them: malformed JSON, bodies over either
# limit, unknown routes, wrong methods, bad percent-escapes.
source "$(dirname "$0")/lib.sh"

MOTCUA_EXTRA_INI=$'[limits]\nmax_json_body = 4k' stack_up

# ---- malformed JSON -> 400 invalid_json
http POST /api/v1/procedures/khaisinh/validate '{"applicant": {"name": "Nguyễn Văn A",'
expect_error 400 invalid_json
note "malformed JSON: 400 invalid_json"
# Valid JSON but not an object.
http POST /api/v1/procedures/khaisinh/validate '[1, 2, 3]'
expect_error 400 invalid_json
note "JSON array instead of an object: 400 invalid_json"

# ---- over max_json_body (4k) but under nginx's 1m -> 413 payload_too_large from motcua-fcgi
head -c 10240 /dev/zero | tr '\0' ' ' > "$DIR/10k.json"
printf '{}' >> "$DIR/10k.json"
http POST /api/v1/procedures/khaisinh/validate "@$DIR/10k.json" -H 'Content-Type: application/json'
expect_error 413 payload_too_large
[[ $(http_header content-type) == application/json* ]] || fail "413 has Content-Type '$(http_header content-type)'"
note "10 KB over max_json_body = 4k: 413 $(json .error.message)"
# Just under the limit still works (the limit is the limit, not "any body").
printf '{"applicant":{}}' > "$DIR/small.json"
http POST /api/v1/procedures/khaisinh/validate "@$DIR/small.json" -H 'Content-Type: application/json'
expect_status 200
expect_json .valid false

# ---- over nginx's own limit (client_max_body_size 1m for /api/) -> 413 JSON from nginx
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' > "$DIR/2m.json"
http POST /api/v1/procedures/khaisinh/validate "@$DIR/2m.json" -H 'Content-Type: application/json'
expect_error 413 payload_too_large
[[ $(http_header content-type) == application/json* ]] || fail "nginx's 413 has Content-Type '$(http_header content-type)'"
note "2 MB body: 413 from nginx: $(json .error.message)"

# ---- unknown route -> 404 not_found
http GET /api/v1/khong-co-chuc-nang-nay
expect_error 404 not_found
http GET /api/v1/procedures/khaisinh/khong-co
expect_error 404 not_found
note "unknown routes: 404 not_found"

# ---- wrong method -> 405 with Allow
http DELETE /api/v1/procedures
expect_error 405 method_not_allowed
allow=$(http_header allow)
[[ -n $allow ]] || fail "405 for DELETE /api/v1/procedures has no Allow header"
[[ ,${allow// /}, == *,GET,* ]] || fail "Allow header '$allow' does not list GET"
[[ ,${allow// /}, != *,DELETE,* ]] || fail "Allow header '$allow' lists DELETE"
note "DELETE /api/v1/procedures: 405, Allow: $allow"
http GET /api/v1/procedures/khaisinh/validate
expect_error 405 method_not_allowed
[[ $(http_header allow) == *POST* ]] || fail "Allow for GET .../validate is '$(http_header allow)', expected POST"

# ---- bad percent-escapes
# In the query string nginx passes them on: motcua-fcgi answers 400.
http GET '/api/v1/procedures?q=%zz'
expect_status 400
expect_json '.error.code | length > 0' true
expect_vietnamese_message
note "bad escape in the query: 400 $(json .error.code)"
# In the path nginx refuses the request before any location: it must still be the API's
# JSON error with a Vietnamese message, not nginx's HTML page.
http GET '/api/v1/procedures/%zz'
expect_status 400
[[ $(http_header content-type) == application/json* ]] ||
    fail "GET /api/v1/procedures/%zz: 400 with Content-Type '$(http_header content-type)' (nginx's own page?), not the JSON error shape"
expect_json '.error.code | length > 0' true
expect_vietnamese_message
note "bad escape in the path: 400 $(json .error.code)"

# The service is unharmed.
http GET /api/v1/procedures/khaisinh
expect_status 200
