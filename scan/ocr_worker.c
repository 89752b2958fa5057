/* The OCR worker's request loop: warm Tesseract engines (languages + osd), and per page
 * import -> preprocess -> recognise -> text, confidence, hOCR, one-page searchable PDF. */
#include "ocr_worker.h"

#include <jansson.h>
#include <leptonica/allheaders.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>
#include <unistd.h>

#include "durable_file.h"
#include "import.h"
#include "log.h"
#include "ocr_protocol.h"
#include "preprocess.h"

/* Output files carry personal data. */
#define OUTPUT_MODE 0640u

static const char *const VI_UNREADABLE =
    "Không đọc được trang này (tệp hỏng, không đúng định dạng hoặc quá lớn). "
    "Hãy quét lại trang hoặc tải lên tệp PNG, JPEG, TIFF hay PDF khác.";
static const char *const VI_PREPROCESS =
    "Không xử lý được ảnh của trang này. Hãy quét lại trang.";
static const char *const VI_RECOGNISE =
    "Không nhận dạng được chữ trên trang này. Hãy quét lại trang rõ hơn.";
static const char *const VI_OUTPUT =
    "Không lưu được kết quả của trang này. Hãy báo quản trị viên kiểm tra dung lượng đĩa.";

typedef struct worker_ctx {
    TessBaseAPI *ocr;      /* languages, PSM auto */
    TessBaseAPI *osd;      /* "osd", for preprocess_page's orientation: osd_engine() */
    bool osd_failed;       /* osd could not be loaded (logged once) */
    const char *tessdata;  /* NULL: Tesseract's default */
    const char *crash_on;  /* test-only triggers (ocr_worker.h), NULL when unset */
    const char *sleep_on;
} worker_ctx;

static json_t *reply_error(const char *error, const char *error_vi)
{
    return json_pack("{s:b, s:s, s:s}", "ok", 0, "error", error, "error_vi", error_vi);
}

/* An optional string member: NULL when absent or JSON null. */
static const char *opt_string(const json_t *req, const char *key)
{
    return json_string_value(json_object_get(req, key));
}

/* motcua's word list for the first of languages (ocr-models/: it lowers the
 * character error rate of vie+eng): writes TESSDATA/LANG.user-words into path and
 * returns true when tessdata is set and that file is readable, else false. */
static bool user_words_find(const char *tessdata, const char *languages, char *path, size_t len)
{
    if (tessdata == NULL)
        return false;
    int n = snprintf(path, len, "%s/%.*s.user-words", tessdata, (int)strcspn(languages, "+"), languages);
    return n > 0 && (size_t)n < len && access(path, R_OK) == 0;
}

/* Creates an engine for lang, with the word list user_words when not NULL (it is
 * read at init: Tesseract's user_words_file). NULL with err when the traineddata
 * cannot be loaded. */
static TessBaseAPI *engine_start(const char *tessdata, const char *lang, char *user_words, char *err,
                                 size_t errlen)
{
    TessBaseAPI *api = TessBaseAPICreate();
    if (api == NULL) {
        snprintf(err, errlen, "cannot create a Tesseract engine");
        return NULL;
    }
    char var[] = "user_words_file";
    char *names[1] = {var};
    char *values[1] = {user_words};
    if (TessBaseAPIInit4(api, tessdata, lang, OEM_DEFAULT, NULL, 0, names, values,
                         user_words != NULL ? 1 : 0, 0) != 0) {
        snprintf(err, errlen, "Tesseract cannot load language '%s' from %s", lang,
                 tessdata ? tessdata : "the default tessdata");
        TessBaseAPIDelete(api);
        return NULL;
    }
    return api;
}

static void engine_stop(TessBaseAPI *api)
{
    if (api == NULL)
        return;
    TessBaseAPIEnd(api);
    TessBaseAPIDelete(api);
}

/* True when the engine's tessdata folder holds osd.traineddata, which osd_engine() loads
 * later: a missing model is found at start, as a missing language is. Else false with err. */
static bool osd_model_present(TessBaseAPI *ocr, char *err, size_t errlen)
{
    const char *dir = TessBaseAPIGetDatapath(ocr);
    char path[4096];
    size_t n = dir != NULL ? strlen(dir) : 0;
    int w = snprintf(path, sizeof path, "%s%sosd.traineddata", dir != NULL ? dir : "",
                     n > 0 && dir[n - 1] != '/' ? "/" : "");
    if (w > 0 && (size_t)w < sizeof path && access(path, R_OK) == 0)
        return true;
    snprintf(err, errlen, "Tesseract's orientation model is missing: %.300s (Debian package tesseract-ocr-osd)",
             path);
    return false;
}

/* The OSD engine, loaded on first use: only pages that read poorly are checked for
 * orientation, so a worker that never meets one spares the load (0.2 s CPU). NULL when
 * it cannot be loaded (logged once; pages are then read as they come). */
static TessBaseAPI *osd_engine(worker_ctx *w)
{
    if (w->osd == NULL && !w->osd_failed) {
        char err[512] = "";
        w->osd = engine_start(w->tessdata, "osd", NULL, err, sizeof err);
        if (w->osd == NULL) {
            w->osd_failed = true;
            log_msg(LOG_ERROR, "ocr worker: orientation check unavailable: %s", err);
        }
    }
    return w->osd;
}

/* Writes the page the engine last recognised as a one-page searchable PDF at
 * path (the image shown is the engine's input image, the text layer invisible).
 * 0, or -1 with err. */
static int write_page_pdf(TessBaseAPI *api, const char *path, char *err, size_t errlen)
{
    char base[4096];
    char tmp[4200];
    if (durable_temp_name(path, base, sizeof base) != 0) {
        snprintf(err, errlen, "PDF path too long");
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.pdf", base); /* the renderer appends ".pdf" */
    /* The renderer keeps an image decoded from a PNG file lossless (flate: a 300 dpi colour
     * A4 page ~1.5 MB and 0.3 s CPU) and any other as JPEG at Tesseract's jpg_quality (85:
     * 0.05 s, under half the size). The PDF is the dossier's reading copy; the scan itself is
     * kept as captured or uploaded, so the page is shown as JPEG (bilevel pages stay G4). */
    PIX *shown = TessBaseAPIGetInputImage(api);
    if (shown != NULL)
        pixSetInputFormat(shown, IFF_UNKNOWN);
    TessResultRenderer *r = TessPDFRendererCreate(base, TessBaseAPIGetDatapath(api), 0);
    if (r == NULL) {
        snprintf(err, errlen, "cannot create the PDF renderer");
        return -1;
    }
    int ok = TessResultRendererBeginDocument(r, "motcua") && TessResultRendererAddImage(r, api)
             && TessResultRendererEndDocument(r);
    TessDeleteResultRenderer(r);
    if (!ok) {
        snprintf(err, errlen, "the PDF renderer failed writing %.400s", tmp);
        unlink(tmp);
        return -1;
    }
    return durable_commit(tmp, path, OUTPUT_MODE, err, errlen);
}

/* Saves pix as PNG at path durably. 0, or -1 with err. */
static int write_png(PIX *pix, const char *path, char *err, size_t errlen)
{
    char tmp[4096];
    if (durable_temp_name(path, tmp, sizeof tmp) != 0) {
        snprintf(err, errlen, "PNG path too long");
        return -1;
    }
    if (pixWrite(tmp, pix, IFF_PNG) != 0) {
        snprintf(err, errlen, "cannot write %.400s", tmp);
        unlink(tmp);
        return -1;
    }
    return durable_commit(tmp, path, OUTPUT_MODE, err, errlen);
}

/* Mean word confidence under which a page is checked for orientation (OSD) and,
 * when OSD finds it turned, read again. Upright generated pages read at 89-95; upside-down
 * ones at 58-72 (a drawing's capital letters read upside down reach 72), so the line sits
 * well above them. OSD costs ~0.3 s CPU at 300 dpi (recognition 0.5-1.4 s): an upright page
 * under the line pays little, a page over it nothing. */
#define ORIENTATION_CHECK_CONFIDENCE 90

/* Recognises pr's page: Tesseract reads our binarised copy (on generated noisy,
 * skewed, stamped pages its character error rate was lower than on the upright
 * original left to Tesseract's own thresholding: 0.083/0.171/0.158 against
 * 0.090/0.186/0.168). The PDF renderer embeds the engine's input image, so once
 * recognition is done that becomes the upright original (the engine owns what it
 * is given: a clone), and the PDF shows the real scan under the invisible text.
 * Returns the mean confidence (0..100), or -1 when recognition failed. */
static int read_page(worker_ctx *w, const preprocess_result *pr, int dpi)
{
    PIX *input = pr->upright;
    if (pr->binary != NULL && pixGetWidth(pr->binary) == pixGetWidth(pr->upright)
        && pixGetHeight(pr->binary) == pixGetHeight(pr->upright))
        input = pr->binary;
    TessBaseAPIClear(w->ocr);
    TessBaseAPISetImage2(w->ocr, input);
    TessBaseAPISetSourceResolution(w->ocr, dpi);
    if (TessBaseAPIRecognize(w->ocr, NULL) != 0) {
        TessBaseAPIClear(w->ocr);
        return -1;
    }
    if (input != pr->upright)
        TessBaseAPISetInputImage(w->ocr, pixClone(pr->upright));
    int conf = TessBaseAPIMeanTextConf(w->ocr);
    return conf < 0 ? 0 : conf;
}

/* Builds the success reply from what the engine read last (read_page), writing
 * the requested outputs, or an error reply. */
static json_t *page_reply(worker_ctx *w, const preprocess_result *pr, int dpi, int conf,
                          const char *pdf_out, const char *upright_out)
{
    char err[512] = "";
    char *text = TessBaseAPIGetUTF8Text(w->ocr);
    char *hocr = TessBaseAPIGetHOCRText(w->ocr, 0);
    json_t *reply = NULL;
    if (text == NULL || hocr == NULL) {
        reply = reply_error("Tesseract returned no text", VI_RECOGNISE);
    } else if (pdf_out != NULL && write_page_pdf(w->ocr, pdf_out, err, sizeof err) != 0) {
        reply = reply_error(err, VI_OUTPUT);
    } else if (upright_out != NULL && write_png(pr->upright, upright_out, err, sizeof err) != 0) {
        reply = reply_error(err, VI_OUTPUT);
    } else {
        reply = json_pack("{s:b, s:i, s:i, s:i, s:i, s:f, s:b, s:f, s:f, s:s, s:s}", "ok", 1,
                          "width", (int)pixGetWidth(pr->upright), "height", (int)pixGetHeight(pr->upright),
                          "dpi", dpi, "rotation", pr->rotation, "skew", pr->skew, "blank", pr->blank,
                          "ink", pr->ink, "confidence", (double)conf, "text", text, "hocr", hocr);
        if (reply == NULL) /* e.g. invalid UTF-8 from the engine */
            reply = reply_error("cannot encode the page's result", VI_RECOGNISE);
    }
    TessDeleteText(text);
    TessDeleteText(hocr);
    TessBaseAPIClear(w->ocr);
    return reply;
}

/* Writes pix as a one-page image-only PDF at path (Leptonica chooses the encoding: JPEG
 * for colour and gray, G4 for bilevel). 0, or -1 with err. */
static int write_image_pdf(PIX *pix, int dpi, const char *path, char *err, size_t errlen)
{
    l_uint8 *data = NULL;
    size_t len = 0;
    if (pixWriteMemPdf(&data, &len, pix, dpi, "motcua") != 0 || data == NULL) {
        snprintf(err, errlen, "cannot make the PDF page of a blank page");
        return -1;
    }
    int rc = durable_write(path, data, len, OUTPUT_MODE, err, errlen);
    lept_free(data);
    return rc;
}

/* The reply for a page preprocessing flagged blank: it is not recognised (a blank back's
 * specks and bleed-through cost Tesseract more than a page of text and give only noise);
 * it keeps its place in the PDF as an image, and the officer confirms the flag. */
static json_t *blank_reply(const preprocess_result *pr, int dpi, const char *pdf_out,
                           const char *upright_out)
{
    char err[512] = "";
    if (pdf_out != NULL && write_image_pdf(pr->upright, dpi, pdf_out, err, sizeof err) != 0)
        return reply_error(err, VI_OUTPUT);
    if (upright_out != NULL && write_png(pr->upright, upright_out, err, sizeof err) != 0)
        return reply_error(err, VI_OUTPUT);
    return json_pack("{s:b, s:i, s:i, s:i, s:i, s:f, s:b, s:f, s:f, s:s, s:s, s:b}", "ok", 1,
                     "width", (int)pixGetWidth(pr->upright), "height", (int)pixGetHeight(pr->upright),
                     "dpi", dpi, "rotation", 0, "skew", 0.0, "blank", 1, "ink", pr->ink,
                     "confidence", 0.0, "text", "", "hocr", "", "recognised", 0);
}

/* Preprocesses and reads page: first without orientation detection; a page that
 * reads poorly is checked with OSD and, if it was turned, read again upright. */
static json_t *process_page(worker_ctx *w, PIX *page, int dpi, const char *pdf_out, const char *upright_out)
{
    char err[512] = "";
    preprocess_result pr;
    memset(&pr, 0, sizeof pr);
    if (preprocess_page(page, NULL, &preprocess_defaults, &pr, err, sizeof err) != 0) {
        preprocess_result_clear(&pr);
        return reply_error(err[0] ? err : "cannot preprocess the page", VI_PREPROCESS);
    }
    if (pr.blank) {
        json_t *reply = blank_reply(&pr, dpi, pdf_out, upright_out);
        preprocess_result_clear(&pr);
        return reply;
    }
    int conf = read_page(w, &pr, dpi);
    if (conf >= 0 && conf < ORIENTATION_CHECK_CONFIDENCE && osd_engine(w) != NULL) {
        preprocess_result turned;
        memset(&turned, 0, sizeof turned);
        if (preprocess_page(page, w->osd, &preprocess_defaults, &turned, err, sizeof err) == 0 &&
            turned.rotation != 0) {
            preprocess_result_clear(&pr);
            pr = turned;
            conf = read_page(w, &pr, dpi);
        } else {
            preprocess_result_clear(&turned);
        }
    }
    json_t *reply = conf < 0 ? reply_error("Tesseract could not recognise the page", VI_RECOGNISE)
                             : page_reply(w, &pr, dpi, conf, pdf_out, upright_out);
    preprocess_result_clear(&pr);
    return reply;
}

static json_t *handle_page(worker_ctx *w, const json_t *req)
{
    const char *path = opt_string(req, "path");
    json_int_t index = json_integer_value(json_object_get(req, "index"));
    if (path == NULL || index < 0 || index > 1000000)
        return reply_error("bad page request", VI_UNREADABLE);
    if (w->crash_on != NULL && strstr(path, w->crash_on) != NULL)
        raise(SIGSEGV);
    if (w->sleep_on != NULL && strstr(path, w->sleep_on) != NULL)
        sleep(3600);

    char err[512] = "";
    PIX *page = import_page(path, (int)index, &import_default_limits, err, sizeof err);
    if (page == NULL)
        return reply_error(err[0] ? err : "cannot import the page", VI_UNREADABLE);
    int dpi = pixGetYRes(page) > 0 ? (int)pixGetYRes(page) : 300;
    json_t *reply = process_page(w, page, dpi, opt_string(req, "pdf_out"), opt_string(req, "upright_out"));
    pixDestroy(&page);
    return reply;
}

static json_t *handle_count(const json_t *req)
{
    const char *path = opt_string(req, "path");
    if (path == NULL)
        return reply_error("bad count request", VI_UNREADABLE);
    char err[512] = "";
    int pages = 0;
    if (import_page_count(path, &import_default_limits, &pages, err, sizeof err) != 0)
        return reply_error(err[0] ? err : "cannot count the pages", VI_UNREADABLE);
    return json_pack("{s:b, s:i}", "ok", 1, "pages", pages);
}

/* Sends msg (stolen) on fd. 0 or -1 (logged). */
static int send_reply(int fd, json_t *msg)
{
    char err[256];
    int rc = -1;
    if (msg == NULL)
        log_msg(LOG_ERROR, "ocr worker: out of memory building a reply");
    else if ((rc = ocrp_write(fd, msg, err, sizeof err)) != 0)
        log_msg(LOG_ERROR, "ocr worker: cannot reply: %s", err);
    json_decref(msg);
    return rc;
}

/* Answers requests until quit or end of input. 0 on a clean end, 1 otherwise. */
static int serve_loop(worker_ctx *w, int in_fd, int out_fd)
{
    ocrp_reader rd = {0};
    int rc = 1;
    for (;;) {
        char err[256] = "";
        json_t *req = NULL;
        ocrp_status st = ocrp_read_blocking(&rd, in_fd, &req, err, sizeof err);
        if (st == OCRP_EOF) {
            rc = 0;
            break;
        }
        if (st != OCRP_FRAME) {
            log_msg(LOG_ERROR, "ocr worker: bad request stream: %s", err);
            break;
        }
        const char *op = opt_string(req, "op");
        json_t *reply;
        if (op != NULL && strcmp(op, "quit") == 0) {
            json_decref(req);
            rc = 0;
            break;
        } else if (op != NULL && strcmp(op, "page") == 0) {
            reply = handle_page(w, req);
        } else if (op != NULL && strcmp(op, "count") == 0) {
            reply = handle_count(req);
        } else {
            reply = reply_error("unknown request", VI_UNREADABLE);
        }
        json_decref(req);
        if (send_reply(out_fd, reply) != 0)
            break;
    }
    ocrp_reader_reset(&rd);
    return rc;
}

/* An environment trigger: its value when set and not empty, else NULL. */
static const char *trigger(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

int ocr_worker_serve(const ocr_worker_options *opt, int in_fd, int out_fd)
{
    worker_ctx w = {.crash_on = trigger(OCR_WORKER_CRASH_ENV), .sleep_on = trigger(OCR_WORKER_SLEEP_ENV),
                    .tessdata = opt->tessdata};
    char err[512] = "";
    const char *languages = opt->languages != NULL ? opt->languages : "vie+eng";
    char words[4096];
    bool have_words = user_words_find(opt->tessdata, languages, words, sizeof words);
    w.ocr = engine_start(opt->tessdata, languages, have_words ? words : NULL, err, sizeof err);
    if (w.ocr != NULL && !osd_model_present(w.ocr, err, sizeof err)) {
        engine_stop(w.ocr);
        w.ocr = NULL;
    }
    if (w.ocr == NULL) {
        log_msg(LOG_ERROR, "ocr worker: %s", err);
        send_reply(out_fd, json_pack("{s:s, s:s}", "op", "fatal", "error", err));
        return 1;
    }
    TessBaseAPISetPageSegMode(w.ocr, PSM_AUTO);
    int rc = 1;
    if (send_reply(out_fd, json_pack("{s:s}", "op", "ready")) == 0)
        rc = serve_loop(&w, in_fd, out_fd);
    engine_stop(w.osd);
    engine_stop(w.ocr);
    return rc;
}
