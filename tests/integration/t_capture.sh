#!/usr/bin/env bash
# motcua-scan capture through SANE's own `test` and `pnm` backends (SANE_CONFIG_DIR points at
# a folder made here): an ADF batch of 10 pages, pixels equal to scanimage's, injected jam /
# cover open / busy keeping the pages before, the machine-readable progress of --progress json
# (what motcua-scand reads), resolution under 200 refused, unknown device,
# hand-scanner (unknown length), and real document images through `pnm`.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCAN="$BIN/motcua-scan"
[[ -x $SCAN ]] || fail "$SCAN missing (make all)"
command -v scanimage > /dev/null || fail "scanimage missing (Debian package sane-utils)"
command -v python3 > /dev/null || fail "python3 missing"

export SANE_CONFIG_DIR="$DIR/sane"
mkdir -p "$SANE_CONFIG_DIR"
printf 'test\npnm\n' > "$SANE_CONFIG_DIR/dll.conf"
printf 'number_of_devices 1\n' > "$SANE_CONFIG_DIR/test.conf"

# img.py FILE: prints "WIDTH HEIGHT CHANNELS SHA256 SUM" of the 8-bit samples of a PNG (CRCs
# checked, filters undone; 1-bit gray expanded to 0/255) or of a binary PNM (P5/P6; 16-bit
# samples reduced to their high byte); exits
# 1 on anything malformed. Independent of Leptonica, which wrote the PNGs.
PY="$DIR/img.py"
cat > "$PY" <<'EOF'
import hashlib, struct, sys, zlib

def png(data):
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG')
    pos, idat, ihdr, seen_end = 8, b'', None, False
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
        if len(body) != n or zlib.crc32(kind + body) != crc:
            raise ValueError('bad chunk ' + repr(kind))
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        elif kind == b'IEND':
            seen_end = True
            break
        pos += 12 + n
    if ihdr is None or not seen_end:
        raise ValueError('no IHDR or IEND')
    w, h, depth, ctype, _, _, interlace = ihdr
    chans = {0: 1, 2: 3}.get(ctype)
    if chans is None or depth not in (1, 8) or interlace != 0 or (depth == 1 and chans != 1):
        raise ValueError('unexpected PNG kind %d/%d' % (ctype, depth))
    raw = zlib.decompress(idat)
    stride = (w * chans * depth + 7) // 8
    bpp = max(1, chans * depth // 8)
    if len(raw) != h * (stride + 1):
        raise ValueError('IDAT holds %d bytes, want %d' % (len(raw), h * (stride + 1)))
    out, prev = bytearray(), bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            elif f != 0: raise ValueError('bad filter %d' % f)
        prev = line
        if depth == 1:
            out += bytes(255 if (line[x >> 3] >> (7 - (x & 7))) & 1 else 0 for x in range(w))
        else:
            out += line
    return w, h, chans, bytes(out)

def pnm(data):
    fields, pos = [], 2
    magic = data[:2]
    while len(fields) < 3:
        while data[pos:pos + 1].isspace(): pos += 1
        if data[pos:pos + 1] == b'#':
            while data[pos:pos + 1] != b'\n': pos += 1
            continue
        start = pos
        while not data[pos:pos + 1].isspace(): pos += 1
        fields.append(int(data[start:pos]))
    w, h, maxval = fields
    chans = {b'P5': 1, b'P6': 3}[magic]
    if maxval not in (255, 65535):
        raise ValueError('maxval %d' % maxval)
    size = 1 if maxval == 255 else 2
    px = data[pos + 1:pos + 1 + w * h * chans * size]
    if len(px) != w * h * chans * size:
        raise ValueError('short PNM')
    return w, h, chans, px if size == 1 else px[0::2]  # 16-bit PNM is big-endian: high bytes

data = open(sys.argv[1], 'rb').read()
w, h, c, px = png(data) if data[:4] == b'\x89PNG' else pnm(data)
print(w, h, c, hashlib.sha256(px).hexdigest(), sum(px))
EOF
img() { python3 "$PY" "$1" || fail "$1 is not a valid image"; }

# capture ARGS...: runs motcua-scan capture; sets rc, and out.json / err.txt in $DIR.
capture() {
    "$SCAN" capture "$@" > "$DIR/out.json" 2> "$DIR/err.txt"
    rc=$?
    jq -e . "$DIR/out.json" > /dev/null || fail "capture $*: stdout is not one JSON object: $(cat "$DIR/out.json")"
}
field() { jq -r "$1" "$DIR/out.json"; }
expect_rc() { [[ $rc == "$1" ]] || fail "capture: exit $rc, want $1; stderr: $(cat "$DIR/err.txt")"; }
# Counts every entry of a folder, hidden ones too (no temp file may stay behind).
entries() { find "$1" -mindepth 1 -maxdepth 1 | wc -l; }

note "list-devices sees the test and pnm backends"
"$SCAN" list-devices > "$DIR/devices.txt" || fail "list-devices failed"
grep -q '^test:0	' "$DIR/devices.txt" || fail "test:0 not listed: $(cat "$DIR/devices.txt")"
grep -q '^pnm:0	' "$DIR/devices.txt" || fail "pnm:0 not listed"

note "reference page from scanimage (same backend, same settings)"
scanimage -d test --mode Gray --resolution 200 --test-picture 'Color pattern' --format=pnm \
    > "$DIR/ref-gray.pnm" 2> /dev/null || fail "scanimage failed"
read -r rw rh rc_ rsha _ <<< "$(img "$DIR/ref-gray.pnm")"
((rw > 500 && rh > 600)) || fail "reference page is ${rw}x${rh}"

note "ADF batch of 10 pages ends cleanly on NO_DOCS"
capture --device test:0 --source adf --resolution 200 --out "$DIR/adf" --option 'test-picture=Color pattern'
expect_rc 0
[[ $(field .status) == ok && $(field .pages) == 10 && $(field '.files|length') == 10 ]] ||
    fail "batch: $(cat "$DIR/out.json")"
[[ $(entries "$DIR/adf") == 10 ]] || fail "batch folder holds: $(ls -A "$DIR/adf")"
for n in 01 02 03 04 05 06 07 08 09 10; do
    f="$DIR/adf/page-00$n.png"
    read -r w h c sha _ <<< "$(img "$f")"
    [[ $w == "$rw" && $h == "$rh" && $c == 1 ]] || fail "$f is ${w}x${h}x$c, want ${rw}x${rh}x1"
    [[ $sha == "$rsha" ]] || fail "$f pixels differ from scanimage's page"
done
grep -q 'trang 10 đã quét' "$DIR/err.txt" || fail "no progress line for page 10: $(cat "$DIR/err.txt")"
[[ $(field .message) == *"10 trang"* ]] || fail "message: $(field .message)"

note "colour page equals scanimage's"
scanimage -d test --mode Color --resolution 200 --test-picture 'Color pattern' --format=pnm \
    > "$DIR/ref-color.pnm" 2> /dev/null || fail "scanimage failed"
capture --device test:0 --mode color --resolution 200 --max-pages 1 --out "$DIR/color" \
    --option 'test-picture=Color pattern'
expect_rc 0
[[ $(img "$DIR/color/page-0001.png" | cut -d' ' -f1-4) == "$(img "$DIR/ref-color.pnm" | cut -d' ' -f1-4)" ]] ||
    fail "colour page differs from scanimage's"
[[ $(entries "$DIR/color") == 1 ]] || fail "--max-pages 1 wrote $(ls -A "$DIR/color")"

note "three-pass colour (separate red, green, blue frames) equals single-pass"
capture --device test:0 --mode color --resolution 200 --max-pages 1 --out "$DIR/3pass" \
    --option 'test-picture=Color pattern' --option three-pass=yes
expect_rc 0
[[ $(img "$DIR/3pass/page-0001.png") == "$(img "$DIR/color/page-0001.png")" ]] ||
    fail "three-pass page differs from the single-pass one"

note "hand scanner (lines = -1: length unknown until EOF)"
scanimage -d test --mode Gray --resolution 200 --hand-scanner=yes --test-picture Grid --format=pnm \
    > "$DIR/ref-hand.pnm" 2> /dev/null || fail "scanimage failed"
capture --device test:0 --resolution 200 --max-pages 1 --out "$DIR/hand" \
    --option hand-scanner=yes --option test-picture=Grid
expect_rc 0
[[ $(img "$DIR/hand/page-0001.png" | cut -d' ' -f1-4) == "$(img "$DIR/ref-hand.pnm" | cut -d' ' -f1-4)" ]] ||
    fail "hand-scanner page differs from scanimage's"

note "16-bit samples are scaled to 8 bits (their high byte); line art stays 1-bit"
scanimage -d test --mode Color --depth 16 --resolution 200 --test-picture 'Color pattern' --format=pnm \
    > "$DIR/ref-16.pnm" 2> /dev/null || fail "scanimage failed"
capture --device test:0 --mode color --resolution 200 --max-pages 1 --out "$DIR/d16" --option depth=16 \
    --option 'test-picture=Color pattern'
expect_rc 0
[[ $(img "$DIR/d16/page-0001.png" | cut -d' ' -f1-4) == "$(img "$DIR/ref-16.pnm" | cut -d' ' -f1-4)" ]] ||
    fail "16-bit colour page differs from scanimage's"
capture --device test:0 --resolution 200 --max-pages 1 --out "$DIR/d8" --option test-picture=Grid
expect_rc 0
capture --device test:0 --resolution 200 --max-pages 1 --out "$DIR/d1" --option depth=1 --option test-picture=Grid
expect_rc 0
file "$DIR/d1/page-0001.png" | grep -q '1-bit' || fail "line art not 1-bit: $(file "$DIR/d1/page-0001.png")"
[[ $(img "$DIR/d1/page-0001.png" | cut -d' ' -f1-4) == "$(img "$DIR/d8/page-0001.png" | cut -d' ' -f1-4)" ]] ||
    fail "1-bit grid differs from the 8-bit grid"

# The injected errors use small pages (20 x 20 mm, under a pipe's 64 KiB): the test backend
# reads in a thread that it cancels asynchronously, and cancelling one still writing a large
# page can leave a libc lock taken and hang the process (a SANE bug; see cancel_settle in
# scan/capture.c).
SMALL=(--option br-x=20 --option br-y=20)

note "jam at page 4 keeps pages 1-3 and says what to do"
capture --device test:0 --resolution 200 --out "$DIR/jam" "${SMALL[@]}" --option 4:read-return-value=SANE_STATUS_JAMMED
expect_rc 4
[[ $(field .status) == jammed && $(field .pages) == 3 ]] || fail "jam: $(cat "$DIR/out.json")"
[[ $(entries "$DIR/jam") == 3 ]] || fail "jam folder holds: $(ls -A "$DIR/jam")"
for n in 1 2 3; do img "$DIR/jam/page-000$n.png" > /dev/null; done
[[ $(field .message) == *"Giấy bị kẹt trong khay nạp"*"Quét tiếp"* ]] || fail "jam message: $(field .message)"
grep -q 'Giấy bị kẹt' "$DIR/err.txt" || fail "jam not reported on stderr"
sha3=$(sha256sum < "$DIR/jam/page-0003.png")

note "--progress json: a JSON line a page as it is written, then the summary; no text progress"
"$SCAN" capture --device test:0 --resolution 200 --out "$DIR/jamjson" "${SMALL[@]}" --progress json \
    --option 3:read-return-value=SANE_STATUS_JAMMED > "$DIR/progress.json" 2> "$DIR/err.txt"
rc=$?
expect_rc 4
mapfile -t lines < "$DIR/progress.json"
((${#lines[@]} == 3)) || fail "--progress json wrote ${#lines[@]} lines: $(cat "$DIR/progress.json")"
for n in 1 2; do
    [[ ${lines[n - 1]} == "{\"page\":$n,\"file\":\"$DIR/jamjson/page-000$n.png\"}" ]] ||
        fail "--progress json line $n: ${lines[n - 1]}"
done
[[ $(jq -r '"\(.status) \(.pages) \(.files | length)"' <<< "${lines[2]}") == "jammed 2 2" ]] ||
    fail "--progress json summary: ${lines[2]}"
! grep -q 'đã quét' "$DIR/err.txt" || fail "--progress json also wrote text progress: $(cat "$DIR/err.txt")"
"$SCAN" capture --device test:0 --out "$DIR/x" --progress xml > /dev/null 2>&1; [[ $? == 2 ]] || fail "bad --progress not exit 2"

note "continuing after the jam numbers pages from 4 and keeps 1-3"
capture --device test:0 --resolution 200 --out "$DIR/jam" "${SMALL[@]}" --first-page 4 --max-pages 2
expect_rc 0
[[ $(entries "$DIR/jam") == 5 && -f $DIR/jam/page-0005.png ]] || fail "continued folder holds: $(ls -A "$DIR/jam")"
[[ $(sha256sum < "$DIR/jam/page-0003.png") == "$sha3" ]] || fail "page 3 changed when continuing"

note "cover open at page 2, busy at page 1, NO_DOCS from sane_read at page 3"
capture --device test:0 --resolution 200 --out "$DIR/cover" "${SMALL[@]}" --option 2:read-return-value=SANE_STATUS_COVER_OPEN
expect_rc 5
[[ $(field .status) == cover_open && $(field .pages) == 1 && $(entries "$DIR/cover") == 1 ]] ||
    fail "cover open: $(cat "$DIR/out.json")"
[[ $(field .message) == *"Nắp máy quét đang mở"* ]] || fail "cover message: $(field .message)"
capture --device test:0 --resolution 200 --out "$DIR/busy" "${SMALL[@]}" --option 1:read-return-value=SANE_STATUS_DEVICE_BUSY
expect_rc 6
[[ $(field .status) == busy && $(field .pages) == 0 && $(entries "$DIR/busy") == 0 ]] ||
    fail "busy: $(cat "$DIR/out.json")"
capture --device test:0 --resolution 200 --out "$DIR/nodocs" "${SMALL[@]}" --option 3:read-return-value=SANE_STATUS_NO_DOCS
expect_rc 0
[[ $(field .status) == ok && $(field .pages) == 2 && $(entries "$DIR/nodocs") == 2 ]] ||
    fail "NO_DOCS from sane_read: $(cat "$DIR/out.json")"

note "resolution 150 is refused before scanning"
capture --device test:0 --resolution 150 --out "$DIR/lowres"
expect_rc 7
[[ $(field .status) == invalid && $(field .pages) == 0 ]] || fail "150 dpi: $(cat "$DIR/out.json")"
[[ $(field .message) == *"200 dpi"* ]] || fail "150 dpi message: $(field .message)"
[[ ! -e $DIR/lowres || $(entries "$DIR/lowres") == 0 ]] || fail "150 dpi wrote files"

note "unknown device"
capture --device 'test:7' --out "$DIR/nodev"
expect_rc 3
[[ $(field .status) == no_device ]] || fail "unknown device: $(cat "$DIR/out.json")"
[[ $(field .message) == *"Không kết nối được máy quét"* ]] || fail "no-device message: $(field .message)"

note "bad command lines"
"$SCAN" capture --out "$DIR/x" > /dev/null 2>&1; [[ $? == 2 ]] || fail "missing --device not exit 2"
"$SCAN" capture --device test:0 --out "$DIR/x" --source tray > /dev/null 2>&1; [[ $? == 2 ]] || fail "bad --source not exit 2"
"$SCAN" nosuchcommand > /dev/null 2>&1; [[ $? == 2 ]] || fail "unknown command not exit 2"
"$SCAN" capture --help | grep -q 'Exit codes' || fail "capture --help"
capture --device test:0 --resolution 200 --out "$DIR/badopt" --option no-such-option=1
expect_rc 7

note "pnm backend: a document image captured pixel for pixel"
python3 - "$DIR/doc.ppm" "$DIR/doc.pgm" <<'EOF'
import random, sys
random.seed(4)
w, h = 620, 877                       # A4 proportions at 75 dpi: small and quick
page = [[(250, 248, 240)] * w for _ in range(h)]
def box(x0, y0, x1, y1, rgb):
    for y in range(y0, y1):
        row = page[y]
        for x in range(x0, x1):
            row[x] = rgb
box(40, 30, 300, 60, (20, 20, 20))            # title
box(420, 30, 580, 110, (190, 30, 40))          # red stamp
y = 140
while y < h - 60:                              # lines of "words"
    x = 40
    while x < w - 80:
        word = random.randint(15, 70)
        box(x, y, min(x + word, w - 40), y + 12, (30, 30, 35))
        x += word + random.randint(8, 14)
    y += 26
rgb = bytearray()
for row in page:
    for px in row:
        rgb += bytes(px)
open(sys.argv[1], 'wb').write(b'P6\n%d %d\n255\n' % (w, h) + rgb)
gray = bytes((r * 30 + g * 59 + b * 11) // 100 for r, g, b in (px for row in page for px in row))
open(sys.argv[2], 'wb').write(b'P5\n# motcua test page\n%d %d\n255\n' % (w, h) + gray)
EOF
capture --device pnm:0 --source flatbed --mode color --out "$DIR/pnm" --option "filename=$DIR/doc.ppm"
expect_rc 0
[[ $(field .pages) == 1 ]] || fail "pnm colour: $(cat "$DIR/out.json")"
[[ $(img "$DIR/pnm/page-0001.png") == "$(img "$DIR/doc.ppm")" ]] || fail "pnm colour page differs from its source"
capture --device pnm:0 --source flatbed --out "$DIR/pnmgray" --option "filename=$DIR/doc.pgm"
expect_rc 0
[[ $(img "$DIR/pnmgray/page-0001.png") == "$(img "$DIR/doc.pgm")" ]] || fail "pnm gray page differs from its source"

note "pnm backend (no source option) in ADF mode: one page, then the end of the batch"
capture --device pnm:0 --source adf --mode color --out "$DIR/pnmadf" --option "filename=$DIR/doc.ppm"
expect_rc 0
[[ $(field .pages) == 1 && $(entries "$DIR/pnmadf") == 1 ]] || fail "pnm ADF: $(cat "$DIR/out.json")"

note "gray asked of a colour-only device: converted, same size"
capture --device pnm:0 --source flatbed --mode gray --out "$DIR/pnmlum" --option "filename=$DIR/doc.ppm"
expect_rc 0
read -r w h c _ s <<< "$(img "$DIR/pnmlum/page-0001.png")"
read -r gw gh _ _ gs <<< "$(img "$DIR/doc.pgm")"
[[ $w == "$gw" && $h == "$gh" && $c == 1 ]] || fail "luminance page is ${w}x${h}x$c"
# mean within 3 levels of the reference luminance (Leptonica weighs 0.3/0.5/0.2)
((s - gs < 3 * w * h && gs - s < 3 * w * h)) || fail "luminance page mean is off: $s vs $gs"

echo "ok"
