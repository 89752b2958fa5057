/* motcua-scand's service loop (scand.h): claim a job, capture, recognise page by page, classify, store the verdict. */
#include "scand.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture_child.h"
#include "catalogue.h"
#include "classify.h"
#include "completeness.h"
#include "dossier.h"
#include "durable_file.h"
#include "log.h"
#include "ocr_pool.h"
#include "utf8.h"

/* How often (seconds) a running service looks for jobs of other, dead claimers. */
#define SCAND_RECLAIM_EVERY 30

typedef struct scand {
    const config *cfg;
    scand_flags *flags;
    store *st;
    catalogue *cat;
    ocr_pool *pool;          /* started with the first job */
    int pid;
    char host[256];
} scand;

/* What a job's capture left for the officer (also when the pages are then recognised). */
typedef struct job_note {
    char error[256];
    char error_vi[256];
} job_note;

bool scand_process_alive(int pid)
{
    if (pid <= 0 || (kill(pid, 0) != 0 && errno != EPERM))
        return false;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return errno != ENOENT; /* no /proc: trust kill() */
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* "pid (comm) S ...": comm may hold spaces and parentheses; the state follows the last ')'. */
    char *open = strchr(buf, '('), *close = strrchr(buf, ')');
    if (open == NULL || close == NULL || close[1] != ' ')
        return false;
    char state = close[2];
    *close = '\0';
    return state != 'Z' && state != 'X' && strcmp(open + 1, "motcua-scand") == 0;
}

/* ---- catalogue ------------------------------------------------------------------------ */

/* Loads every procedure data file (*.json) of plugin_dir; a bad file is logged and skipped. */
static catalogue *load_catalogue(const char *plugin_dir)
{
    catalogue *cat = catalogue_new();
    DIR *dir = cat != NULL ? opendir(plugin_dir) : NULL;
    if (dir == NULL) {
        if (cat != NULL)
            log_msg(LOG_WARN, "scand: cannot read plugin folder %s: %s", plugin_dir, strerror(errno));
        return cat;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 6 || e->d_name[0] == '.' || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        char path[4096], err[512] = "";
        snprintf(path, sizeof path, "%s/%s", plugin_dir, e->d_name);
        if (catalogue_load_file(cat, path, NULL, err, sizeof err) != 0)
            log_msg(LOG_WARN, "scand: procedure data %s skipped: %s", path, err);
    }
    closedir(dir);
    return cat;
}

/* The rules a dossier was received under: its recorded version by digest, else (rules
 * since replaced in the plugin data) the version in force today. NULL when the procedure is
 * unknown. */
static const cat_version *job_version(scand *d, const scan_job *job)
{
    const cat_procedure *p = catalogue_find(d->cat, job->procedure_code);
    if (p == NULL)
        return NULL;
    for (size_t i = 0; i < p->version_count; i++)
        if (strcmp(p->versions[i].digest, job->procedure_digest) == 0)
            return &p->versions[i];
    log_msg(LOG_WARN, "scand: dossier %s: its procedure version %.12s is not in the plugin data; "
                      "classifying with the version in force today", job->code, job->procedure_digest);
    return cat_procedure_version_at(p, vn_date_of(time(NULL)));
}

/* ---- files ----------------------------------------------------------------------------- */

static int ensure_dir(const char *path)
{
    return mkdir(path, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

/* files_dir/scan/<code>[/<sub>], created as needed, into out. 0 or -1. */
static int job_dir(scand *d, const char *code, const char *sub, char *out, size_t len)
{
    snprintf(out, len, "%s/scan", d->cfg->files_dir);
    if (ensure_dir(d->cfg->files_dir) != 0 || ensure_dir(out) != 0)
        return -1;
    snprintf(out, len, "%s/scan/%s", d->cfg->files_dir, code);
    if (ensure_dir(out) != 0)
        return -1;
    if (sub == NULL)
        return 0;
    size_t n = strlen(out);
    snprintf(out + n, len - n, "/%s", sub);
    return ensure_dir(out);
}

/* The whole file at path (malloc'ed, NUL-terminated), or NULL. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 4096) {
            char *grown = realloc(buf, cap + 65536);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
            cap += 65536;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

/* ---- the OCR pool ---------------------------------------------------------------------- */

/* Starts the pool on first use. 0, or -1 (logged). */
static int pool_ready(scand *d)
{
    if (d->pool != NULL)
        return 0;
    ocr_pool_options opt = {.workers = d->cfg->scan_workers,
                            .page_deadline_s = d->cfg->scan_page_deadline,
                            .recycle_after = d->cfg->scan_recycle_after,
                            .languages = d->cfg->scan_languages};
    if (opt.workers <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        opt.workers = n > 0 && n < 64 ? (int)n : 1;
    }
    char err[512] = "";
    d->pool = ocr_pool_start(&opt, err, sizeof err);
    if (d->pool == NULL) {
        log_msg(LOG_ERROR, "scand: cannot start the OCR pool: %s", err);
        return -1;
    }
    log_msg(LOG_INFO, "scand: OCR pool started with %d workers", opt.workers);
    return 0;
}

/* ---- one job --------------------------------------------------------------------------- */

typedef struct job_ctx {
    scand *d;
    const scan_job *job;
    bool lost;               /* the job was taken back from us: stop working on it */
    int captured_ok;         /* captured pages registered */
    int capture_failed;      /* captured pages that could not be registered */
} job_ctx;

/* A step's answer from a "1 ours / 0 not ours / -1 error" store call: true to go on. */
static bool still_ours(job_ctx *c, int rc, const char *what)
{
    if (rc == 1)
        return true;
    if (rc == 0) {
        c->lost = true;
        log_msg(LOG_WARN, "scand: job %lld (%s) was taken back during %s; leaving it", c->job->id,
                c->job->code, what);
    } else {
        log_msg(LOG_ERROR, "scand: job %lld (%s): store error during %s", c->job->id, c->job->code, what);
    }
    return false;
}

/* Moves one captured file into the dossier's pages (as an upload would: pages/<code>/<sha256>.png,
 * durable before the row) and records it. 0, or -1 (logged). */
static int register_capture(job_ctx *c, const char *file)
{
    scand *d = c->d;
    const scan_job *job = c->job;
    unsigned char digest[crypto_hash_sha256_BYTES], head[8] = {0};
    char hex[65], dir[4096], final[4200], rel[160], now[17], err[512] = "";
    crypto_hash_sha256_state sh;
    crypto_hash_sha256_init(&sh);
    FILE *f = fopen(file, "rb");
    if (f == NULL) {
        log_msg(LOG_ERROR, "scand: job %lld: cannot read captured %s: %s", job->id, file, strerror(errno));
        return -1;
    }
    unsigned char buf[65536];
    size_t n, size = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (size == 0)
            memcpy(head, buf, n < sizeof head ? n : sizeof head);
        crypto_hash_sha256_update(&sh, buf, n);
        size += n;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || size == 0) {
        log_msg(LOG_ERROR, "scand: job %lld: captured %s is empty or unreadable", job->id, file);
        return -1;
    }
    crypto_hash_sha256_final(&sh, digest);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    bool png = memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0;
    const char *ext = png ? "png" : "pnm", *mime = png ? "image/png" : "image/x-portable-anymap";
    snprintf(dir, sizeof dir, "%s/pages", d->cfg->files_dir);
    int rc = ensure_dir(dir);
    snprintf(dir, sizeof dir, "%s/pages/%s", d->cfg->files_dir, job->code);
    snprintf(final, sizeof final, "%s/%s.%s", dir, hex, ext);
    snprintf(rel, sizeof rel, "pages/%s/%s.%s", job->code, hex, ext);
    if (rc != 0 || ensure_dir(dir) != 0 || durable_commit(file, final, 0640, err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "scand: job %lld: cannot keep captured page %s: %s", job->id, file,
                err[0] != '\0' ? err : strerror(errno));
        return -1;
    }
    dossier_now(now);
    int seq = 0;
    const char *actor = job->created_by[0] != '\0' ? job->created_by : "system";
    if (store_page_add(d->st, job->code, mime, hex, (long long)size, rel, now, actor, &seq) != STORE_CHANGE_OK) {
        log_msg(LOG_ERROR, "scand: job %lld: cannot record captured page %s", job->id, rel);
        return -1;
    }
    log_msg(LOG_INFO, "scand: job %lld dossier %s captured page %d (%s)", job->id, job->code, seq, rel);
    return still_ours(c, store_scan_captured(d->st, job->id, d->pid), "capture") ? 0 : -1;
}

/* capture_child's progress: each page the capture process reports, the moment it does. */
static void capture_progress(void *ctx, size_t page, const char *file)
{
    job_ctx *c = ctx;
    if (c->lost)
        return;
    if (register_capture(c, file) == 0)
        c->captured_ok++;
    else
        c->capture_failed++;
}

/* The job's capture folder, files_dir/scan/<code>/capture-<job id>, created as needed. 0 or -1. */
static int capture_spool(job_ctx *c, char *out, size_t len)
{
    char sub[64];
    snprintf(sub, sizeof sub, "capture-%lld", c->job->id);
    return job_dir(c->d, c->job->code, sub, out, len);
}

/* Captures the job's batch from its station in a child process (capture_child.h: SANE never
 * runs in motcua-scand, so a hanging scanner cannot hang it), each page registered as the
 * child reports it. Unless a previous attempt already began the capture: the paper has left
 * the feeder, so the pages it kept stand (with any page it wrote but never registered). Fills
 * note with what the officer should know. Returns 0 to go on, 1 when asked to stop (the
 * child is killed, its pages kept; the job is left to resume as interrupted), -1 when nothing
 * was captured and the job should fail. */
static int run_capture(job_ctx *c, job_note *note)
{
    scand *d = c->d;
    const scan_job *job = c->job;
    char spool[4096];
    if (strcmp(job->phase, "capture") == 0) {
        snprintf(note->error, sizeof note->error, "capture interrupted by a restart of motcua-scand");
        snprintf(note->error_vi, sizeof note->error_vi,
                 "Lần quét bị gián đoạn do dịch vụ quét khởi động lại; các trang đã quét được giữ "
                 "nguyên. Hãy kiểm tra số trang và quét tiếp các trang còn thiếu.");
        log_msg(LOG_WARN, "scand: job %lld (%s): capture was interrupted; keeping the pages it captured",
                job->id, job->code);
        if (capture_spool(c, spool, sizeof spool) == 0) {
            capture_child_collect(spool, 0, capture_progress, c);
            rmdir(spool);
        }
        return c->lost ? -1 : 0;
    }
    if (!still_ours(c, store_scan_set_phase(d->st, job->id, d->pid, "capture"), "capture"))
        return -1;
    if (capture_spool(c, spool, sizeof spool) != 0) {
        snprintf(note->error, sizeof note->error, "cannot create the capture folder %.120s: %s", spool, strerror(errno));
        snprintf(note->error_vi, sizeof note->error_vi, "Không ghi được ảnh quét vào ổ đĩa. Hãy báo quản trị viên.");
        return -1;
    }
    capture_child_options opt = {.device = job->device,
                                 .source = job->source[0] != '\0' ? job->source : NULL,
                                 .out_dir = spool,
                                 .page_timeout_s = d->cfg->scan_capture_page_timeout,
                                 .stop = &d->flags->stop};
    capture_result r;
    log_msg(LOG_INFO, "scand: job %lld dossier %s: capturing from station %s (%s)", job->id, job->code,
            job->station, job->device);
    capture_child_end end = capture_child_run(&opt, &r, capture_progress, c);
    rmdir(spool); /* empty once every page has moved into pages/ */
    log_msg(r.status == CAPTURE_OK ? LOG_INFO : LOG_WARN, "scand: job %lld: capture ended with %zu pages%s%s",
            job->id, r.pages, r.detail[0] != '\0' ? ": " : "", r.detail);
    if (end == CAPTURE_CHILD_STOPPED)
        return c->lost ? -1 : 1;
    if (r.status != CAPTURE_OK) {
        if (snprintf(note->error, sizeof note->error, "capture: %s", r.detail) >= (int)sizeof note->error)
            utf8_drop_partial(note->error);
        utf8_copy(note->error_vi, sizeof note->error_vi, r.message_vi);
    } else if (c->capture_failed > 0) {
        snprintf(note->error, sizeof note->error, "%d captured pages could not be kept", c->capture_failed);
        snprintf(note->error_vi, sizeof note->error_vi,
                 "Có %d trang quét không lưu được. Hãy quét lại các trang đó.", c->capture_failed);
    }
    if (c->lost)
        return -1;
    return r.status == CAPTURE_OK || c->captured_ok > 0 ? 0 : -1;
}

/* Registers the dossier's uploads that have no scan pages yet, each with its page count
 * (counted in a worker: the bytes are untrusted). 0, or -1 (the job stops). */
static int register_uploads(job_ctx *c)
{
    scand *d = c->d;
    const scan_job *job = c->job;
    json_t *ups = NULL;
    if (store_scan_unregistered(d->st, job->dossier_id, &ups) != 0) {
        log_msg(LOG_ERROR, "scand: job %lld: cannot list uploads", job->id);
        return -1;
    }
    size_t i;
    json_t *u;
    int rc = 0;
    json_array_foreach(ups, i, u) {
        const char *rel = json_string_value(json_object_get(u, "path"));
        long long page_id = json_integer_value(json_object_get(u, "id"));
        long long seq = json_integer_value(json_object_get(u, "seq"));
        char path[4200], err[512] = "", error_vi[256] = "";
        snprintf(path, sizeof path, "%s/%s", d->cfg->files_dir, rel != NULL ? rel : "");
        int pages = 0;
        if (ocr_pool_count_pages(d->pool, path, &pages, err, sizeof err) != 0 || pages < 1) {
            if (err[0] == '\0')
                snprintf(err, sizeof err, "no pages in %.300s", path);
            snprintf(error_vi, sizeof error_vi,
                     "Không đọc được tệp đã tải lên (trang %lld): tệp hỏng hoặc không đúng định dạng. "
                     "Hãy quét hoặc tải lên lại trang này.", seq);
            log_msg(LOG_WARN, "scand: job %lld dossier %s: upload %lld unreadable: %s", job->id, job->code,
                    seq, err);
        }
        if (!still_ours(c, store_scan_register(d->st, job->id, d->pid, job->dossier_id, page_id,
                                               rel != NULL ? rel : "", pages,
                                               error_vi[0] != '\0' ? err : NULL,
                                               error_vi[0] != '\0' ? error_vi : NULL),
                        "registration")) {
            rc = -1;
            break;
        }
    }
    json_decref(ups);
    return rc;
}

/* Writes one finished page: its text file, then its row (the text is durable before the row
 * points at it). Returns still_ours's answer. */
static bool record_page(job_ctx *c, const json_t *row, ocr_page_result *r)
{
    scand *d = c->d;
    const scan_job *job = c->job;
    long long id = json_integer_value(json_object_get(row, "id"));
    int ordinal = (int)json_integer_value(json_object_get(row, "ordinal"));
    char dir[4096], path[4200], rel[256], err[512] = "";
    scan_page_outcome o = {.ok = r->ok, .blank = r->blank, .rotation = r->rotation, .skew = r->skew,
                           .ocr_confidence = r->mean_confidence, .error = r->error, .error_vi = r->error_vi};
    if (r->ok) {
        snprintf(rel, sizeof rel, "scan/%s/text/%lld.txt", job->code, id);
        snprintf(path, sizeof path, "%s/%s", d->cfg->files_dir, rel);
        if (job_dir(d, job->code, "text", dir, sizeof dir) != 0 ||
            durable_write(path, r->text != NULL ? r->text : "", r->text != NULL ? strlen(r->text) : 0, 0640, err,
                          sizeof err) != 0) {
            log_msg(LOG_ERROR, "scand: job %lld page %d: cannot keep its text: %s", job->id, ordinal,
                    err[0] != '\0' ? err : strerror(errno));
            o.ok = false;
            o.error = "cannot write the page text";
            o.error_vi = "Không lưu được kết quả nhận dạng trang này. Hãy báo quản trị viên.";
        } else {
            o.text_path = rel;
        }
    } else if (o.error_vi == NULL) {
        o.error_vi = "Không nhận dạng được trang này. Hãy quét lại trang.";
    }
    int rc = store_scan_page_result(d->st, job->id, d->pid, id, &o);
    if (rc == 1) {
        log_msg(o.ok ? LOG_INFO : LOG_WARN, "scand: job %lld dossier %s page %d %s%s%s", job->id, job->code,
                ordinal, o.ok ? "recognised" : "failed", o.ok ? "" : ": ",
                o.ok ? "" : (o.error != NULL ? o.error : "?"));
    } else if (rc == 0) {
        /* Not written: either the job was taken back, or the page was not pending any more. */
        rc = store_scan_heartbeat(d->st, job->id, d->pid);
        if (rc == 1)
            log_msg(LOG_WARN, "scand: job %lld page %d was no longer pending; result dropped", job->id, ordinal);
    }
    return still_ours(c, rc, "page result");
}

/* One pass of the pool over the dossier's pending pages. */
typedef struct page_pass {
    job_ctx *c;
    json_t *rows;            /* the pending pages, in the order given to the pool */
    bool store_failed;       /* a result could not be stored: the job cannot go on */
} page_pass;

/* The pool's per-page callback: writes the finished page at once (each finished page stays
 * done however the process ends), while the job is still ours. False stops the pass: the job
 * was taken back, the store failed, or we are asked to stop (the pages in flight still come
 * here and are written). */
static bool page_finished(void *ctx, size_t index, ocr_page_result *r)
{
    page_pass *pass = ctx;
    job_ctx *c = pass->c;
    if (!c->lost && !pass->store_failed && !record_page(c, json_array_get(pass->rows, index), r) && !c->lost)
        pass->store_failed = true;
    ocr_page_result_clear(r);
    return !c->lost && !pass->store_failed && !c->d->flags->stop;
}

/* Recognises the dossier's pending pages: all of them given to the pool at once, each page's
 * result written the moment it is finished; then again for pages uploaded meanwhile. Returns
 * 0 when none is left, 1 when asked to stop (the job stays resumable), -1 when the job cannot
 * go on. */
static int recognise_pending(job_ctx *c)
{
    scand *d = c->d;
    const scan_job *job = c->job;
    for (;;) {
        if (register_uploads(c) != 0)
            return -1;
        json_t *rows = NULL;
        if (store_scan_pending(d->st, job->dossier_id, INT_MAX, &rows) != 0) {
            log_msg(LOG_ERROR, "scand: job %lld: cannot list pending pages", job->id);
            return -1;
        }
        size_t n = json_array_size(rows);
        if (n == 0) {
            json_decref(rows);
            return 0;
        }
        ocr_page_job *jobs = calloc(n, sizeof *jobs);
        ocr_page_result *results = calloc(n, sizeof *results);
        char (*paths)[4200] = calloc(n, sizeof *paths);
        if (jobs == NULL || results == NULL || paths == NULL) {
            log_msg(LOG_ERROR, "scand: job %lld: out of memory for %zu pages", job->id, n);
            free(jobs), free(results), free(paths);
            json_decref(rows);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            json_t *row = json_array_get(rows, i);
            snprintf(paths[i], sizeof paths[i], "%s/%s", d->cfg->files_dir,
                     json_string_value(json_object_get(row, "file")));
            jobs[i].path = paths[i];
            jobs[i].index = (int)json_integer_value(json_object_get(row, "page_index"));
        }
        page_pass pass = {.c = c, .rows = rows};
        ocr_pool_run_each(d->pool, jobs, n, results, page_finished, &pass);
        for (size_t i = 0; i < n; i++)
            ocr_page_result_clear(&results[i]); /* the pages not run; the rest are clear already */
        free(jobs), free(results), free(paths);
        json_decref(rows);
        if (c->lost || pass.store_failed)
            return -1;
        if (d->flags->stop)
            return 1;
    }
}

/* Classifies every page of the dossier, computes completeness (officer overrides win; a
 * continuation follows the page before it) and stores both. 0, or -1. */
static int classify_dossier(job_ctx *c)
{
    scand *d = c->d;
    const scan_job *job = c->job;
    const cat_version *v = job_version(d, job);
    if (v == NULL) {
        log_msg(LOG_ERROR, "scand: job %lld: procedure %s of dossier %s is not in the plugin data", job->id,
                job->procedure_code, job->code);
        return -1;
    }
    if (!still_ours(c, store_scan_set_phase(d->st, job->id, d->pid, "classify"), "classification"))
        return -1;
    json_t *pages = NULL;
    if (store_scan_pages(d->st, job->dossier_id, &pages) != 0)
        return -1;
    size_t n = json_array_size(pages);
    classify_page *in = calloc(n + 1, sizeof *in);
    classify_result *out = calloc(n + 1, sizeof *out);
    char **texts = calloc(n + 1, sizeof *texts);
    const char **effective = calloc(n + 1, sizeof *effective);
    scan_page_class *cls = calloc(n + 1, sizeof *cls);
    json_t *verdict = NULL, *docs = json_array(), *blanks = json_array(), *failed = json_array();
    int rc = -1;
    if (in == NULL || out == NULL || texts == NULL || effective == NULL || cls == NULL || docs == NULL ||
        blanks == NULL || failed == NULL)
        goto done;
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(pages, i);
        const char *rel = json_string_value(json_object_get(p, "text_path"));
        if (rel != NULL) {
            char path[4200];
            snprintf(path, sizeof path, "%s/%s", d->cfg->files_dir, rel);
            texts[i] = read_text(path);
            if (texts[i] == NULL)
                log_msg(LOG_WARN, "scand: job %lld: cannot read page text %s", job->id, path);
        }
        in[i].text = texts[i];
        in[i].blank = json_is_true(json_object_get(p, "blank"));
    }
    classify_pages(v, in, n, out);
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(pages, i);
        const char *over = json_string_value(json_object_get(p, "override_document"));
        effective[i] = over != NULL                        ? over
                       : out[i].continuation && i > 0       ? effective[i - 1]
                                                            : out[i].document;
        cls[i].id = json_integer_value(json_object_get(p, "id"));
        cls[i].document = out[i].document;
        cls[i].confidence = out[i].confidence;
        cls[i].continuation = out[i].continuation;
        json_int_t ordinal = json_integer_value(json_object_get(p, "ordinal"));
        json_array_append_new(docs, effective[i] != NULL ? json_string(effective[i]) : json_null());
        if (in[i].blank)
            json_array_append_new(blanks, json_integer(ordinal));
        if (strcmp(json_string_value(json_object_get(p, "state")), "failed") == 0)
            json_array_append_new(failed, json_integer(ordinal));
    }
    verdict = completeness_check(v, effective, n);
    if (verdict == NULL)
        goto done;
    json_object_set(verdict, "documents", docs);
    json_object_set(verdict, "blank_pages", blanks);
    json_object_set(verdict, "failed_pages", failed);
    json_object_set_new(verdict, "page_count", json_integer((json_int_t)n));
    char *text = json_dumps(verdict, JSON_COMPACT);
    if (text != NULL &&
        still_ours(c, store_scan_classified(d->st, job->id, d->pid, job->dossier_id, cls, n, text), "classification")) {
        log_msg(LOG_INFO, "scand: job %lld dossier %s classified %zu pages: complete %s", job->id, job->code, n,
                json_is_true(json_object_get(verdict, "complete")) ? "yes" : "no");
        rc = 0;
    }
    free(text);
done:
    for (size_t i = 0; texts != NULL && i < n; i++)
        free(texts[i]);
    free(in), free(out), free(texts), free(effective), free(cls);
    json_decref(verdict);
    json_decref(docs);
    json_decref(blanks);
    json_decref(failed);
    json_decref(pages);
    return rc;
}

/* Works one claimed job to its end (done, failed), or leaves it resumable when asked to stop. */
static void work_job(scand *d, const scan_job *job)
{
    job_ctx c = {.d = d, .job = job};
    job_note note = {"", ""};
    log_msg(LOG_INFO, "scand: job %lld (%s) for dossier %s claimed, attempt %d%s%s", job->id, job->kind,
            job->code, job->attempts, job->phase[0] != '\0' ? ", resuming after " : "", job->phase);
    int rc = pool_ready(d);
    if (rc != 0) {
        snprintf(note.error, sizeof note.error, "the OCR pool could not start");
        snprintf(note.error_vi, sizeof note.error_vi,
                 "Dịch vụ nhận dạng chữ chưa khởi động được. Hãy báo quản trị viên rồi yêu cầu nhận dạng lại.");
    }
    if (rc == 0 && strcmp(job->kind, "capture") == 0)
        rc = run_capture(&c, &note);
    if (rc == 0 && !c.lost && !still_ours(&c, store_scan_set_phase(d->st, job->id, d->pid, "ocr"), "recognition"))
        rc = -1;
    if (rc == 0)
        rc = recognise_pending(&c);
    if (rc == 1) {
        int r = store_scan_release(d->st, job->id, d->pid);
        log_msg(LOG_INFO, "scand: stopping: job %lld (%s) %s", job->id, job->code,
                r == 1 ? "left queued, to resume from its recognised pages" : "was no longer ours");
        return;
    }
    if (rc == 0)
        rc = classify_dossier(&c);
    if (c.lost)
        return;
    if (rc != 0 && note.error_vi[0] == '\0') {
        snprintf(note.error, sizeof note.error, "processing failed (see the log)");
        snprintf(note.error_vi, sizeof note.error_vi,
                 "Không xử lý được các trang của hồ sơ. Hãy yêu cầu nhận dạng lại hoặc báo quản trị viên.");
    }
    int r = store_scan_finish(d->st, job->id, d->pid, rc == 0, note.error[0] != '\0' ? note.error : NULL,
                              note.error_vi[0] != '\0' ? note.error_vi : NULL);
    log_msg(rc == 0 ? LOG_INFO : LOG_WARN, "scand: job %lld (%s) %s%s%s", job->id, job->code,
            r != 1 ? "could not be closed" : rc == 0 ? "done" : "failed", note.error[0] != '\0' ? ": " : "",
            note.error);
}

/* Takes back jobs of dead claimers; logs what it did. */
static void reclaim(scand *d)
{
    int requeued = 0, failed = 0;
    if (store_scan_reclaim(d->st, d->host, d->pid, d->cfg->scan_stale_after, d->cfg->scan_max_attempts,
                           scand_process_alive, &requeued, &failed) != 0)
        log_msg(LOG_ERROR, "scand: cannot take back the jobs of dead claimers");
    else if (requeued + failed > 0)
        log_msg(LOG_WARN, "scand: took back %d jobs of dead claimers (queued again), failed %d after %d attempts",
                requeued, failed, d->cfg->scan_max_attempts);
}

/* Sleeps ms milliseconds, or less when a signal arrives. */
static void nap(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int scand_run(const config *cfg, scand_flags *flags, char *err, size_t errlen)
{
    scand d = {.cfg = cfg, .flags = flags, .pid = (int)getpid()};
    if (gethostname(d.host, sizeof d.host) != 0)
        snprintf(d.host, sizeof d.host, "localhost");
    d.host[sizeof d.host - 1] = '\0';
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    if (cfg->scan_languages != NULL && !ocr_languages_valid(cfg->scan_languages)) {
        snprintf(err, errlen, "[scan] languages = %.100s: want Tesseract language names joined by '+', "
                 "e.g. vie+eng", cfg->scan_languages);
        return -1;
    }
    if (cfg->scan_sane_config_dir != NULL)
        setenv("SANE_CONFIG_DIR", cfg->scan_sane_config_dir, 1);
    char why[512] = "";
    if (store_open(cfg->database, cfg->busy_timeout_ms, &d.st, why, sizeof why) != 0) {
        snprintf(err, errlen, "store %s: %s", cfg->database, why);
        return -1;
    }
    d.cat = load_catalogue(cfg->plugin_dir);
    if (d.cat == NULL) {
        store_close(d.st);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    log_msg(LOG_INFO, "scand: started (pid %d), %zu procedures, %zu stations", d.pid, catalogue_count(d.cat),
            cfg->scan_station_count);
    reclaim(&d);
    time_t last_reclaim = time(NULL);
    while (!flags->stop) {
        if (flags->reopen_log) {
            flags->reopen_log = 0;
            log_open(cfg->scan_log_file, cfg->log_level);
            log_msg(LOG_INFO, "scand: log reopened");
        }
        if (time(NULL) - last_reclaim >= SCAND_RECLAIM_EVERY) {
            reclaim(&d);
            last_reclaim = time(NULL);
        }
        scan_job job;
        int r = store_scan_claim(d.st, d.pid, d.host, &job);
        if (r == 1)
            work_job(&d, &job);
        else {
            if (r < 0)
                log_msg(LOG_ERROR, "scand: cannot claim a job; retrying");
            nap(cfg->scan_poll_ms);
        }
    }
    log_msg(LOG_INFO, "scand: stopped");
    ocr_pool_stop(d.pool);
    catalogue_free(d.cat);
    store_close(d.st);
    return 0;
}
