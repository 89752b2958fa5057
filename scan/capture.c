/* Capture of a batch from a scanner through SANE: pages read frame by frame and
 * written as PNG files, durably (see capture.h). */
#include "capture.h"

#include <errno.h>
#include <leptonica/allheaders.h>
#include <limits.h>
#include <pthread.h>
#include <sane/sane.h>
#include <sane/saneopts.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "durable_file.h"
#include "sane_options.h"

#define CAPTURE_DEFAULT_DPI 300
#define CAPTURE_MIN_DPI 200
#define CAPTURE_MAX_PAGE_NUMBER 9999             /* page-NNNN.png */
#define CAPTURE_MAX_FRAME_BYTES ((size_t)1 << 30) /* one frame: 1 GiB (A3 at 1200 dpi, RGB16) */
#define CAPTURE_READ_CHUNK ((size_t)64 * 1024)

/* libsane is process-global (sane_init/sane_exit): so is the flag saying it is up. */
static pthread_mutex_t sane_lock = PTHREAD_MUTEX_INITIALIZER;
static bool sane_up;

/* sane_init, once per process. Returns 0 or -1 with err set. */
static int sane_ensure_init(char *err, size_t errlen)
{
    int rc = 0;
    pthread_mutex_lock(&sane_lock);
    if (!sane_up) {
        SANE_Int version = 0;
        SANE_Status st = sane_init(&version, NULL);
        if (st == SANE_STATUS_GOOD)
            sane_up = true;
        else {
            snprintf(err, errlen, "sane_init failed: %s", sane_strstatus(st));
            rc = -1;
        }
    }
    pthread_mutex_unlock(&sane_lock);
    return rc;
}

void capture_shutdown(void)
{
    pthread_mutex_lock(&sane_lock);
    if (sane_up) {
        sane_exit();
        sane_up = false;
    }
    pthread_mutex_unlock(&sane_lock);
}

const char *capture_status_name(capture_status status)
{
    switch (status) {
    case CAPTURE_OK: return "ok";
    case CAPTURE_JAMMED: return "jammed";
    case CAPTURE_COVER_OPEN: return "cover_open";
    case CAPTURE_BUSY: return "busy";
    case CAPTURE_NO_DEVICE: return "no_device";
    case CAPTURE_IO_ERROR: return "io_error";
    case CAPTURE_INVALID: return "invalid";
    }
    return "io_error";
}

int capture_list_devices(void (*each)(void *ctx, const char *name, const char *vendor,
                                      const char *model, const char *type),
                         void *ctx, char *err, size_t errlen)
{
    if (sane_ensure_init(err, errlen) != 0)
        return -1;
    const SANE_Device **list = NULL;
    SANE_Status st = sane_get_devices(&list, SANE_FALSE);
    if (st != SANE_STATUS_GOOD) {
        snprintf(err, errlen, "sane_get_devices failed: %s", sane_strstatus(st));
        return -1;
    }
    int n = 0;
    for (; list != NULL && list[n] != NULL; n++)
        if (each != NULL)
            each(ctx, list[n]->name, list[n]->vendor, list[n]->model, list[n]->type);
    return n;
}

/* ---- one page in memory --------------------------------------------------------------- */

/* The bytes of one frame as sane_read delivers them; grows as needed, since hand
 * scanners (and some sheet-feeders) report lines = -1. */
typedef struct raw_frame {
    unsigned char *data;
    size_t len, cap;
} raw_frame;

/* One page with 8-bit samples, from one frame (gray, RGB) or three (red, green, blue). */
typedef struct page_image {
    int width, height, channels; /* channels: 1 or 3 */
    bool bilevel;                /* 1-bit gray: written as a 1 bpp PNG */
    unsigned char *samples;      /* width * height * channels */
} page_image;

/* Makes room for at least `need` bytes. Returns 0, or -1 (too large, out of memory). */
static int raw_reserve(raw_frame *raw, size_t need)
{
    if (need <= raw->cap)
        return 0;
    if (need > CAPTURE_MAX_FRAME_BYTES)
        return -1;
    unsigned char *p = realloc(raw->data, need);
    if (p == NULL)
        return -1;
    raw->data = p;
    raw->cap = need;
    return 0;
}

/* Reads one frame until SANE_STATUS_EOF. Returns SANE_STATUS_GOOD with raw filled, or
 * the failing status (NO_DOCS, JAMMED... from sane_read; NO_MEM when the frame outgrows
 * CAPTURE_MAX_FRAME_BYTES) with detail set. */
static SANE_Status read_frame(SANE_Handle h, const SANE_Parameters *p, raw_frame *raw,
                              char *detail, size_t dlen)
{
    size_t bpl = (size_t)p->bytes_per_line;
    size_t first = p->lines > 0 ? (size_t)p->lines * bpl : bpl * 256; /* lines -1: guess */
    if (first < CAPTURE_READ_CHUNK)
        first = CAPTURE_READ_CHUNK;
    if (raw_reserve(raw, first) != 0) {
        snprintf(detail, dlen, "frame of %zu bytes: too large or out of memory", first);
        return SANE_STATUS_NO_MEM;
    }
    unsigned char spill[4096]; /* bytes past the announced length: read, then dropped */
    for (;;) {
        bool full = raw->cap == raw->len;
        if (full && p->lines <= 0) {
            size_t grow = raw->cap / 2 > CAPTURE_READ_CHUNK ? raw->cap / 2 : CAPTURE_READ_CHUNK;
            if (raw_reserve(raw, raw->cap + grow) != 0) {
                snprintf(detail, dlen, "frame over %zu bytes: too large or out of memory", raw->cap);
                return SANE_STATUS_NO_MEM;
            }
            full = false;
        }
        unsigned char *dst = full ? spill : raw->data + raw->len;
        size_t room = full ? sizeof spill : raw->cap - raw->len;
        if (room > INT_MAX)
            room = INT_MAX;
        SANE_Int n = 0;
        SANE_Status st = sane_read(h, dst, (SANE_Int)room, &n);
        if (!full && n > 0 && (size_t)n <= room)
            raw->len += (size_t)n;
        if (st == SANE_STATUS_EOF)
            return SANE_STATUS_GOOD;
        if (st != SANE_STATUS_GOOD) {
            snprintf(detail, dlen, "sane_read: %s", sane_strstatus(st));
            return st;
        }
    }
}

/* Sample k of a row at depth 1, 8 or 16, scaled to 8 bits. A 1-bit gray sample of 1 is
 * black (SANE's line-art convention); a 1-bit colour sample of 1 is full intensity. */
static unsigned sample8(const unsigned char *row, int depth, size_t k, bool gray)
{
    if (depth == 8)
        return row[k];
    if (depth == 16) {
        uint16_t v;
        memcpy(&v, row + 2 * k, sizeof v); /* native byte order, as SANE specifies */
        return v >> 8;
    }
    unsigned bit = (row[k >> 3] >> (7 - (k & 7))) & 1u;
    return gray ? (bit ? 0u : 255u) : (bit ? 255u : 0u);
}

/* Adds a frame of `lines` complete lines to img. Returns 0, or -1 with detail set. */
static int page_add_frame(page_image *img, const SANE_Parameters *p, const raw_frame *raw, int lines,
                          char *detail, size_t dlen)
{
    int channel; /* which of img's channels this frame fills; -1: all, interleaved */
    int channels;
    switch (p->format) {
    case SANE_FRAME_GRAY: channel = 0; channels = 1; break;
    case SANE_FRAME_RGB: channel = -1; channels = 3; break;
    case SANE_FRAME_RED: channel = 0; channels = 3; break;
    case SANE_FRAME_GREEN: channel = 1; channels = 3; break;
    case SANE_FRAME_BLUE: channel = 2; channels = 3; break;
    default:
        snprintf(detail, dlen, "unsupported frame format %d", (int)p->format);
        return -1;
    }
    if (img->samples == NULL) {
        img->width = p->pixels_per_line;
        img->height = lines;
        img->channels = channels;
        img->bilevel = p->format == SANE_FRAME_GRAY && p->depth == 1;
        img->samples = calloc((size_t)img->width * (size_t)lines, (size_t)channels);
        if (img->samples == NULL) {
            snprintf(detail, dlen, "out of memory for a %dx%d page", img->width, lines);
            return -1;
        }
    } else if (img->channels != channels || img->width != p->pixels_per_line || channel < 0) {
        snprintf(detail, dlen, "frames of one page disagree (format %d, %d pixels a line)",
                 (int)p->format, p->pixels_per_line);
        return -1;
    } else if (lines < img->height) {
        img->height = lines; /* three-pass frames of unequal length: keep what all have */
    }
    size_t w = (size_t)img->width;
    for (int y = 0; y < img->height; y++) {
        const unsigned char *row = raw->data + (size_t)y * (size_t)p->bytes_per_line;
        unsigned char *out = img->samples + (size_t)y * w * (size_t)channels;
        if (channel < 0) {
            for (size_t k = 0; k < w * 3; k++)
                out[k] = (unsigned char)sample8(row, p->depth, k, false);
        } else {
            bool gray = p->format == SANE_FRAME_GRAY;
            for (size_t x = 0; x < w; x++)
                out[x * (size_t)channels + (size_t)channel] = (unsigned char)sample8(row, p->depth, x, gray);
        }
    }
    return 0;
}

/* Checks what sane_get_parameters said before any byte is trusted. */
static int params_ok(const SANE_Parameters *p, char *detail, size_t dlen)
{
    int samples = p->format == SANE_FRAME_RGB ? 3 : 1;
    if (p->pixels_per_line <= 0 || p->bytes_per_line <= 0 ||
        (p->depth != 1 && p->depth != 8 && p->depth != 16) ||
        (long long)p->bytes_per_line * 8 < (long long)p->pixels_per_line * samples * p->depth) {
        snprintf(detail, dlen, "unusable parameters: %d pixels, %d bytes a line, depth %d, format %d",
                 p->pixels_per_line, p->bytes_per_line, p->depth, (int)p->format);
        return -1;
    }
    return 0;
}

/* Acquires one page: sane_start and sane_read to EOF for each of its frames. Returns
 * SANE_STATUS_GOOD with img filled (the caller frees img->samples in every case), or the
 * status that stopped it (NO_DOCS: the feeder is empty) with detail set; *cut_short
 * tells whether a frame had started and was not read to its end. */
static SANE_Status acquire_page(SANE_Handle h, page_image *img, bool *cut_short, char *detail,
                                size_t dlen)
{
    *cut_short = false;
    raw_frame raw = {0};
    SANE_Status st = SANE_STATUS_GOOD;
    for (int frame = 0;; frame++) {
        st = sane_start(h);
        if (st == SANE_STATUS_EOF && frame == 0) {
            /* Not in the standard, but what devices without a source option (the pnm
             * backend, some sheet-feeders) answer when there is no next image. */
            snprintf(detail, dlen, "sane_start: %s (taken as no more documents)", sane_strstatus(st));
            st = SANE_STATUS_NO_DOCS;
            break;
        }
        if (st != SANE_STATUS_GOOD) {
            snprintf(detail, dlen, "sane_start: %s", sane_strstatus(st));
            break;
        }
        SANE_Parameters p;
        st = sane_get_parameters(h, &p);
        if (st != SANE_STATUS_GOOD) {
            snprintf(detail, dlen, "sane_get_parameters: %s", sane_strstatus(st));
            break;
        }
        if (params_ok(&p, detail, dlen) != 0) {
            st = SANE_STATUS_IO_ERROR;
            break;
        }
        raw.len = 0;
        st = read_frame(h, &p, &raw, detail, dlen);
        if (st != SANE_STATUS_GOOD) {
            *cut_short = true;
            break;
        }
        size_t lines = raw.len / (size_t)p.bytes_per_line;
        if (p.lines > 0 && lines > (size_t)p.lines)
            lines = (size_t)p.lines;
        if (lines == 0 || lines > INT_MAX) {
            snprintf(detail, dlen, "frame %d has %zu lines", frame + 1, lines);
            st = SANE_STATUS_IO_ERROR;
            break;
        }
        if (page_add_frame(img, &p, &raw, (int)lines, detail, dlen) != 0) {
            st = SANE_STATUS_IO_ERROR;
            break;
        }
        if (p.last_frame)
            break;
        if (frame >= 2) {
            snprintf(detail, dlen, "more than three frames for one page");
            st = SANE_STATUS_IO_ERROR;
            break;
        }
    }
    free(raw.data);
    return st;
}

/* The page as a Leptonica image: 1 bpp for line art, 8 bpp gray, 32 bpp RGB (8 bpp
 * luminance when gray was asked of a device without a mode option). NULL when out of
 * memory. */
static PIX *page_to_pix(const page_image *img, int dpi, bool want_gray)
{
    if (want_gray && img->channels == 3) {
        PIX *rgb = page_to_pix(img, dpi, false);
        PIX *gray = rgb != NULL ? pixConvertRGBToLuminance(rgb) : NULL;
        pixDestroy(&rgb);
        return gray;
    }
    int depth = img->channels == 3 ? 32 : img->bilevel ? 1 : 8;
    PIX *pix = pixCreate(img->width, img->height, depth);
    if (pix == NULL)
        return NULL;
    l_uint32 *data = pixGetData(pix);
    int wpl = pixGetWpl(pix);
    for (int y = 0; y < img->height; y++) {
        l_uint32 *line = data + (size_t)y * (size_t)wpl;
        const unsigned char *s = img->samples + (size_t)y * (size_t)img->width * (size_t)img->channels;
        for (int x = 0; x < img->width; x++) {
            if (depth == 32) {
                composeRGBPixel(s[3 * x], s[3 * x + 1], s[3 * x + 2], line + x);
            } else if (depth == 8) {
                SET_DATA_BYTE(line, x, s[x]);
            } else if (s[x] == 0) {
                SET_DATA_BIT(line, x); /* Leptonica's 1 bpp: 1 is black */
            }
        }
    }
    if (dpi > 0)
        pixSetResolution(pix, dpi, dpi);
    return pix;
}

/* Writes the page as dir/name, durably (durable_file.h: a temp name beside it that
 * page-*.png globs never match, fsync, rename, fsync of dir). Returns 0, or -1 with
 * detail set and no temp file left. */
static int page_write(const page_image *img, int dpi, bool want_gray, const char *dir,
                      const char *name, char *detail, size_t dlen)
{
    char path[PATH_MAX], tmp[PATH_MAX + 64];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
        durable_temp_name(path, tmp, sizeof tmp) != 0) {
        snprintf(detail, dlen, "output path too long");
        return -1;
    }
    PIX *pix = page_to_pix(img, dpi, want_gray);
    if (pix == NULL) {
        snprintf(detail, dlen, "out of memory converting %s", name);
        return -1;
    }
    int bad = pixWrite(tmp, pix, IFF_PNG);
    pixDestroy(&pix);
    if (bad != 0) {
        snprintf(detail, dlen, "writing %s failed (PNG encoding or disk)", name);
        unlink(tmp);
        return -1;
    }
    return durable_commit(tmp, path, 0640, detail, dlen);
}

/* ---- the batch ------------------------------------------------------------------------ */

/* Splits "N:NAME=VALUE" / "NAME=VALUE" into page (0 for none), name and value, copied
 * into the buffers. Returns 0, or -1 when malformed. */
static int device_option_parse(const char *text, long *page, char *name, size_t namelen,
                               const char **value)
{
    const char *s = text;
    *page = 0;
    const char *colon = strchr(s, ':'), *eq = strchr(s, '=');
    if (eq == NULL)
        return -1;
    if (colon != NULL && colon < eq) {
        char *end = NULL;
        errno = 0;
        long n = strtol(s, &end, 10);
        if (errno != 0 || end != colon || n < 1 || n > CAPTURE_MAX_PAGE_NUMBER)
            return -1;
        *page = n;
        s = colon + 1;
    }
    size_t len = (size_t)(eq - s);
    if (len == 0 || len >= namelen)
        return -1;
    memcpy(name, s, len);
    name[len] = '\0';
    *value = eq + 1;
    return 0;
}

/* Sets the device options meant for `page` (0: the ones without a page). Returns 0, or
 * -1 with detail set. */
static int device_options_apply(SANE_Handle h, const capture_options *opt, long page,
                                char *detail, size_t dlen)
{
    for (size_t k = 0; k < opt->n_device_options; k++) {
        long at = 0;
        char name[128], err[200];
        const char *value = NULL;
        if (device_option_parse(opt->device_options[k], &at, name, sizeof name, &value) != 0) {
            snprintf(detail, dlen, "malformed device option \"%s\" (want NAME=VALUE or N:NAME=VALUE)",
                     opt->device_options[k]);
            return -1;
        }
        if (at != page)
            continue;
        if (sopt_set_text(h, name, value, NULL, err, sizeof err) != 0) {
            snprintf(detail, dlen, "%s", err);
            return -1;
        }
    }
    return 0;
}

/* Before sane_cancel of a frame that stopped in the middle. Backends that read in a
 * thread (sanei_thread) close their pipe and cancel that thread asynchronously; a reader
 * caught starting up (malloc) or waking with EPIPE (strerror) dies holding a libc lock and
 * the whole process hangs later (seen with SANE's test backend when sane_read fails right
 * after sane_start). Giving the reader time to finish or block in write avoids most of
 * it; it costs 0.2 s on error paths only. */
static void cancel_settle(void)
{
    struct timespec t = {.tv_sec = 0, .tv_nsec = 200 * 1000 * 1000};
    while (nanosleep(&t, &t) != 0 && errno == EINTR)
        ;
}

static capture_status status_from_sane(SANE_Status st)
{
    switch (st) {
    case SANE_STATUS_GOOD:
    case SANE_STATUS_NO_DOCS: return CAPTURE_OK;
    case SANE_STATUS_JAMMED: return CAPTURE_JAMMED;
    case SANE_STATUS_COVER_OPEN: return CAPTURE_COVER_OPEN;
    case SANE_STATUS_DEVICE_BUSY: return CAPTURE_BUSY;
    default: return CAPTURE_IO_ERROR;
    }
}

/* What the officer reads, for each status; pages is what was kept. */
static void message_set(capture_result *r, const char *invalid_vi)
{
    size_t n = r->pages;
    char *m = r->message_vi;
    size_t len = sizeof r->message_vi;
    char kept[64];
    if (n > 0)
        snprintf(kept, sizeof kept, "đã lưu %zu trang quét được", n);
    else
        snprintf(kept, sizeof kept, "chưa quét được trang nào");
    switch (r->status) {
    case CAPTURE_OK:
        if (n > 0)
            snprintf(m, len, "Đã quét xong %zu trang.", n);
        else
            snprintf(m, len, "Không có giấy trong khay nạp: chưa quét được trang nào. "
                             "Hãy đặt hồ sơ vào khay rồi bấm Quét.");
        break;
    case CAPTURE_JAMMED:
        snprintf(m, len, "Giấy bị kẹt trong khay nạp (%s). Hãy gỡ giấy kẹt, "
                         "đặt lại các trang chưa quét rồi bấm Quét tiếp.", kept);
        break;
    case CAPTURE_COVER_OPEN:
        snprintf(m, len, "Nắp máy quét đang mở (%s). Hãy đóng nắp, "
                         "đặt lại các trang chưa quét rồi bấm Quét tiếp.", kept);
        break;
    case CAPTURE_BUSY:
        snprintf(m, len, "Máy quét đang bận (%s). Hãy chờ máy quét làm xong "
                         "việc khác rồi bấm Quét tiếp.", kept);
        break;
    case CAPTURE_NO_DEVICE:
        snprintf(m, len, "Không kết nối được máy quét. Hãy kiểm tra máy quét đã bật, đã nối cáp hoặc "
                         "mạng, rồi thử lại; nếu vẫn không được, báo quản trị hệ thống.");
        break;
    case CAPTURE_IO_ERROR:
        snprintf(m, len, "Lỗi khi quét hoặc lưu trang (%s). Hãy bấm Quét tiếp; "
                         "nếu vẫn lỗi, báo quản trị hệ thống.", kept);
        break;
    case CAPTURE_INVALID:
        snprintf(m, len, "%s", invalid_vi != NULL ? invalid_vi
                 : "Tùy chọn quét không hợp lệ. Hãy báo quản trị hệ thống kiểm tra cấu hình máy quét của quầy.");
        break;
    }
}

static const char *const VI_BAD_DPI =
    "Độ phân giải quét phải từ 200 dpi trở lên để nhận dạng chữ chính xác; hãy chọn 300 dpi.";
static const char *const VI_NO_ADF =
    "Máy quét này không có khay nạp giấy tự động; hãy quét từng trang trên mặt kính.";
static const char *const VI_NO_FLATBED =
    "Máy quét này không có mặt kính; hãy quét bằng khay nạp giấy.";

/* Ends the batch with status (detail already set) and the officer's message. */
static int finish(capture_result *r, capture_status status, const char *invalid_vi)
{
    r->status = status;
    message_set(r, invalid_vi);
    return status == CAPTURE_OK ? 0 : -1;
}

/* Checks the options before any device is touched; fills the effective values. Returns
 * NULL when valid, else the officer's message (detail set). */
static const char *options_check(const capture_options *opt, bool *adf, bool *color, int *dpi,
                                 int *first, char *detail, size_t dlen)
{
    const char *vi_generic = "Tùy chọn quét không hợp lệ. Hãy báo quản trị hệ thống kiểm tra cấu hình máy quét của quầy.";
    if (opt->device == NULL || opt->device[0] == '\0' || opt->out_dir == NULL || opt->out_dir[0] == '\0') {
        snprintf(detail, dlen, "device and output folder are required");
        return vi_generic;
    }
    *adf = opt->source == NULL || strcasecmp(opt->source, "adf") == 0;
    if (!*adf && strcasecmp(opt->source, "flatbed") != 0) {
        snprintf(detail, dlen, "unknown source \"%s\" (adf or flatbed)", opt->source);
        return vi_generic;
    }
    *color = opt->mode != NULL && strcasecmp(opt->mode, "color") == 0;
    if (opt->mode != NULL && !*color && strcasecmp(opt->mode, "gray") != 0) {
        snprintf(detail, dlen, "unknown mode \"%s\" (color or gray)", opt->mode);
        return vi_generic;
    }
    *dpi = opt->resolution == 0 ? CAPTURE_DEFAULT_DPI : opt->resolution;
    if (*dpi < CAPTURE_MIN_DPI || *dpi > 9600) {
        snprintf(detail, dlen, "resolution %d dpi refused: at least %d dpi is needed for OCR", *dpi,
                 CAPTURE_MIN_DPI);
        return VI_BAD_DPI;
    }
    *first = opt->first_page == 0 ? 1 : opt->first_page;
    if (opt->max_pages < 0 || *first < 1 || *first > CAPTURE_MAX_PAGE_NUMBER) {
        snprintf(detail, dlen, "max_pages must be >= 0 and first_page 1..%d", CAPTURE_MAX_PAGE_NUMBER);
        return vi_generic;
    }
    for (size_t k = 0; k < opt->n_device_options; k++) {
        long at;
        char name[128];
        const char *value;
        if (opt->device_options[k] == NULL ||
            device_option_parse(opt->device_options[k], &at, name, sizeof name, &value) != 0) {
            snprintf(detail, dlen, "malformed device option \"%s\" (want NAME=VALUE or N:NAME=VALUE)",
                     opt->device_options[k] != NULL ? opt->device_options[k] : "(null)");
            return vi_generic;
        }
    }
    return NULL;
}

/* Source, mode, resolution and the page-less device options, in that order (the source
 * can change which modes and resolutions exist). Returns NULL, or the officer's message
 * (detail set); *dpi becomes the resolution the device took. */
static const char *device_configure(SANE_Handle h, const capture_options *opt, bool adf, bool color,
                                    int *dpi, char *detail, size_t dlen)
{
    char chosen[128], err[200];
    int rc = sopt_set_choice(h, SANE_NAME_SCAN_SOURCE, adf ? SOPT_SOURCE_ADF : SOPT_SOURCE_FLATBED,
                             chosen, sizeof chosen, err, sizeof err);
    if (rc < 0) {
        snprintf(detail, dlen, "%s", err);
        return adf ? VI_NO_ADF : VI_NO_FLATBED;
    }
    /* rc 1: no source option (flatbed-only or sheet-fed devices): scan what it has */
    rc = sopt_set_choice(h, SANE_NAME_SCAN_MODE, color ? SOPT_MODE_COLOR : SOPT_MODE_GRAY,
                         chosen, sizeof chosen, err, sizeof err);
    if (rc < 0) {
        snprintf(detail, dlen, "%s", err);
        return "Máy quét này không quét được ở chế độ đã chọn (màu/xám). Hãy chọn chế độ khác.";
    }
    int actual = 0;
    rc = sopt_set_resolution(h, *dpi, &actual, err, sizeof err);
    if (rc < 0) {
        snprintf(detail, dlen, "%s", err);
        return VI_BAD_DPI;
    }
    if (rc == 0 && actual < CAPTURE_MIN_DPI) {
        snprintf(detail, dlen, "the device cannot scan at %d dpi or more (it took %d dpi)", *dpi, actual);
        return VI_BAD_DPI;
    }
    if (rc == 0)
        *dpi = actual;
    if (device_options_apply(h, opt, 0, detail, dlen) != 0)
        return "Tùy chọn quét không hợp lệ. Hãy báo quản trị hệ thống kiểm tra cấu hình máy quét của quầy.";
    return NULL;
}

/* Creates dir if it is missing (one level). Returns 0 or -1 with detail set. */
static int out_dir_ready(const char *dir, char *detail, size_t dlen)
{
    struct stat sb;
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        snprintf(detail, dlen, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(detail, dlen, "%s is not a folder", dir);
        return -1;
    }
    return 0;
}

int capture_batch(const capture_options *opt, capture_result *result,
                  void (*progress)(void *ctx, size_t page, const char *file), void *ctx)
{
    memset(result, 0, sizeof *result);
    char *detail = result->detail;
    size_t dlen = sizeof result->detail;
    bool adf = true, color = false;
    int dpi = CAPTURE_DEFAULT_DPI, first = 1;
    const char *bad = options_check(opt, &adf, &color, &dpi, &first, detail, dlen);
    if (bad != NULL)
        return finish(result, CAPTURE_INVALID, bad);
    if (out_dir_ready(opt->out_dir, detail, dlen) != 0)
        return finish(result, CAPTURE_IO_ERROR, NULL);
    if (sane_ensure_init(detail, dlen) != 0)
        return finish(result, CAPTURE_NO_DEVICE, NULL);

    SANE_Handle h = NULL;
    SANE_Status st = sane_open(opt->device, &h);
    if (st != SANE_STATUS_GOOD) {
        snprintf(detail, dlen, "cannot open device \"%s\": %s%s", opt->device, sane_strstatus(st),
                 st == SANE_STATUS_ACCESS_DENIED ? " (is the service user in group scanner?)" : "");
        return finish(result, st == SANE_STATUS_DEVICE_BUSY ? CAPTURE_BUSY : CAPTURE_NO_DEVICE, NULL);
    }
    bad = device_configure(h, opt, adf, color, &dpi, detail, dlen);
    capture_status status = CAPTURE_OK;
    if (bad != NULL)
        status = CAPTURE_INVALID;
    for (long n = 0; bad == NULL; n++) {
        if ((opt->max_pages > 0 && n >= opt->max_pages) || (!adf && n >= 1))
            break;
        long number = first + n;
        if (number > CAPTURE_MAX_PAGE_NUMBER) {
            snprintf(detail, dlen, "page number over %d", CAPTURE_MAX_PAGE_NUMBER);
            status = CAPTURE_IO_ERROR;
            break;
        }
        if (device_options_apply(h, opt, n + 1, detail, dlen) != 0) {
            status = CAPTURE_INVALID;
            break;
        }
        page_image img = {0};
        char why[200] = "";
        bool cut_short = false;
        st = acquire_page(h, &img, &cut_short, why, sizeof why);
        if (st != SANE_STATUS_GOOD) {
            free(img.samples);
            if (cut_short)
                cancel_settle();
            status = status_from_sane(st);
            if (status != CAPTURE_OK)
                snprintf(detail, dlen, "device %s, page %ld: %s", opt->device, number, why);
            break; /* NO_DOCS: the feeder ran empty, the normal end of an ADF batch */
        }
        char name[32];
        snprintf(name, sizeof name, "page-%04ld.png", number);
        int wrc = page_write(&img, dpi, !color, opt->out_dir, name, why, sizeof why);
        free(img.samples);
        if (wrc != 0) {
            snprintf(detail, dlen, "%s", why);
            status = CAPTURE_IO_ERROR;
            break;
        }
        result->pages++;
        if (progress != NULL) {
            char file[PATH_MAX];
            snprintf(file, sizeof file, "%s/%s", opt->out_dir, name);
            progress(ctx, (size_t)number, file);
        }
    }
    /* Once per batch, whatever happened: for ADF devices sane_cancel ends the batch (some
     * backends eject the rest of the stack when it comes between pages). */
    sane_cancel(h);
    sane_close(h);
    if (status == CAPTURE_OK)
        snprintf(detail, dlen, "device %s: %zu pages at %d dpi (%s, %s)", opt->device, result->pages, dpi,
                 adf ? "adf" : "flatbed", color ? "color" : "gray");
    return finish(result, status, bad);
}
