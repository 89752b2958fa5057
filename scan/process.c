/* A dossier's images end to end: count, OCR in the pool, classify, check completeness, write the outputs. */
#include "process.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify.h"
#include "completeness.h"
#include "durable_file.h"
#include "pdf_merge.h"

/* Said to the officer when a file cannot even be opened as an image. */
static const char PROCESS_UNREADABLE_VI[] =
    "Không đọc được tệp ảnh này (tệp hỏng, bị cắt cụt hoặc không đúng định dạng). "
    "Hãy quét hoặc tải lên lại trang này.";

/* One page of the dossier, in order. */
typedef struct process_page {
    size_t file;           /* index into files */
    int index;             /* page within the file, 0-based */
    int pages_in_file;     /* 0 when the file could not be counted */
    char *count_error;     /* the file could not be counted: no OCR ran (English) */
    ocr_page_result res;
    char pdf[PATH_MAX];    /* the worker's one-page PDF */
    char text_name[PATH_MAX]; /* "text/<stem>.txt", "" when no text was written */
} process_page;

typedef struct process_run {
    const scan_process_options *opt;
    const char *const *files;
    size_t nfiles;
    process_page *pages;
    size_t npages;
    char work_dir[PATH_MAX]; /* out_dir/.pages-XXXXXX, removed at the end */
} process_run;

static void progress(const process_run *r, const char *phase, size_t done, size_t total)
{
    if (r->opt->progress != NULL)
        r->opt->progress(r->opt->progress_ctx, phase, done, total);
}

/* Creates dir, and its missing parents, unless it is already a folder. 0, or -1 with err. */
static int ensure_dir(const char *dir, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (dir[0] == '\0' || snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        snprintf(err, errlen, "bad output folder: \"%s\"", dir);
        return -1;
    }
    for (char *p = path + 1; ; p++) {
        bool end = *p == '\0';
        if (*p != '/' && !end)
            continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
            return -1;
        }
        if (end)
            break;
        *p = '/';
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s exists and is not a folder", dir);
        return -1;
    }
    return 0;
}

/* The file name without folder and without its last extension ("a/p-01.png" -> "p-01"). */
static void file_stem(const char *path, char *stem, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    snprintf(stem, len, "%s", base);
    char *dot = strrchr(stem, '.');
    if (dot != NULL && dot != stem)
        *dot = '\0';
    if (stem[0] == '\0' || strcmp(stem, ".") == 0 || strcmp(stem, "..") == 0)
        snprintf(stem, len, "page");
}

/* True when an earlier page already took this text file name. */
static bool text_name_taken(const process_run *r, size_t upto, const char *name)
{
    for (size_t i = 0; i < upto; i++)
        if (strcmp(r->pages[i].text_name, name) == 0)
            return true;
    return false;
}

/* Picks text/<stem>.txt (multi-page sources: <stem>-<n>.txt, n from 1), adding
 * "_2", "_3"... when two inputs share a stem. */
static void choose_text_name(process_run *r, size_t i)
{
    process_page *pg = &r->pages[i];
    char stem[NAME_MAX];
    file_stem(r->files[pg->file], stem, sizeof stem);
    char base[NAME_MAX + 16];
    if (pg->pages_in_file > 1)
        snprintf(base, sizeof base, "%.200s-%d", stem, pg->index + 1);
    else
        snprintf(base, sizeof base, "%.200s", stem);
    snprintf(pg->text_name, sizeof pg->text_name, "text/%s.txt", base);
    for (int k = 2; text_name_taken(r, i, pg->text_name); k++)
        snprintf(pg->text_name, sizeof pg->text_name, "text/%s_%d.txt", base, k);
}

/* Counts every file's pages in the pool and lays out the page list. A file that
 * cannot be counted becomes one failed page. 0, or -1 when out of memory. */
static int count_pages(ocr_pool *pool, process_run *r, char *err, size_t errlen)
{
    int *counts = calloc(r->nfiles ? r->nfiles : 1, sizeof *counts);
    char **errors = calloc(r->nfiles ? r->nfiles : 1, sizeof *errors);
    if (counts == NULL || errors == NULL) {
        free(counts);
        free(errors);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t total = 0;
    int rc = 0;
    for (size_t f = 0; f < r->nfiles && rc == 0; f++) {
        char why[512] = "";
        if (ocr_pool_count_pages(pool, r->files[f], &counts[f], why, sizeof why) != 0 || counts[f] < 1) {
            counts[f] = 0;
            errors[f] = strdup(why[0] != '\0' ? why : "the file has no page");
            rc = errors[f] == NULL ? -1 : 0;
            total += 1;
        } else {
            total += (size_t)counts[f];
        }
        progress(r, "count", f + 1, r->nfiles);
    }
    if (rc == 0)
        r->pages = calloc(total ? total : 1, sizeof *r->pages);
    if (rc != 0 || r->pages == NULL) {
        for (size_t f = 0; f < r->nfiles; f++)
            free(errors[f]);
        free(counts);
        free(errors);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t k = 0;
    for (size_t f = 0; f < r->nfiles; f++) {
        int n = counts[f] > 0 ? counts[f] : 1;
        for (int p = 0; p < n; p++, k++) {
            r->pages[k].file = f;
            r->pages[k].index = p;
            r->pages[k].pages_in_file = counts[f];
            r->pages[k].count_error = p == 0 ? errors[f] : NULL;
        }
    }
    r->npages = k;
    free(counts);
    free(errors);
    return 0;
}

typedef struct ocr_progress_ctx {
    const process_run *run;
    size_t offset; /* pages already known failed (not sent to the pool) */
    size_t total;
} ocr_progress_ctx;

static void on_ocr_progress(void *ctx, size_t done, size_t total)
{
    const ocr_progress_ctx *c = ctx;
    (void)total;
    progress(c->run, "ocr", c->offset + done, c->total);
}

/* OCRs every countable page in the pool; results land in each page's res. */
static int run_ocr(ocr_pool *pool, process_run *r, char *err, size_t errlen)
{
    ocr_page_job *jobs = calloc(r->npages ? r->npages : 1, sizeof *jobs);
    ocr_page_result *results = calloc(r->npages ? r->npages : 1, sizeof *results);
    size_t *owner = calloc(r->npages ? r->npages : 1, sizeof *owner);
    if (jobs == NULL || results == NULL || owner == NULL) {
        free(jobs);
        free(results);
        free(owner);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->npages; i++) {
        process_page *pg = &r->pages[i];
        if (pg->count_error != NULL || pg->pages_in_file == 0)
            continue;
        int w = snprintf(pg->pdf, sizeof pg->pdf, "%s/page-%06zu.pdf", r->work_dir, i + 1);
        if (w < 0 || (size_t)w >= sizeof pg->pdf) {
            free(jobs);
            free(results);
            free(owner);
            snprintf(err, errlen, "output folder path too long");
            return -1;
        }
        jobs[n] = (ocr_page_job){r->files[pg->file], pg->index, pg->pdf, NULL};
        owner[n++] = i;
    }
    ocr_progress_ctx pc = {r, r->npages - n, r->npages};
    progress(r, "ocr", pc.offset, r->npages);
    if (n > 0)
        ocr_pool_run(pool, jobs, n, results, on_ocr_progress, &pc);
    for (size_t j = 0; j < n; j++)
        r->pages[owner[j]].res = results[j]; /* takes the strings */
    free(jobs);
    free(results);
    free(owner);
    return 0;
}

/* Writes text/<name>.txt for every recognised page. */
static int write_texts(process_run *r, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s/text", r->opt->out_dir) >= (int)sizeof dir) {
        snprintf(err, errlen, "output folder path too long");
        return -1;
    }
    if (ensure_dir(dir, err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < r->npages; i++) {
        process_page *pg = &r->pages[i];
        if (!pg->res.ok)
            continue;
        choose_text_name(r, i);
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", r->opt->out_dir, pg->text_name) >= (int)sizeof path) {
            snprintf(err, errlen, "output path too long for %s", pg->text_name);
            return -1;
        }
        const char *text = pg->res.text != NULL ? pg->res.text : "";
        if (durable_write(path, text, strlen(text), 0644, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* Merges the recognised pages' PDFs into dossier.pdf; with no page recognised,
 * removes a dossier.pdf left from an earlier run. Sets *pdf_pages. */
static int write_pdf(process_run *r, size_t *pdf_pages, char *err, size_t errlen)
{
    char out[PATH_MAX];
    *pdf_pages = 0;
    if (snprintf(out, sizeof out, "%s/dossier.pdf", r->opt->out_dir) >= (int)sizeof out) {
        snprintf(err, errlen, "output folder path too long");
        return -1;
    }
    const char **inputs = calloc(r->npages ? r->npages : 1, sizeof *inputs);
    if (inputs == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->npages; i++)
        if (r->pages[i].res.ok && access(r->pages[i].pdf, R_OK) == 0)
            inputs[n++] = r->pages[i].pdf;
    int rc = 0;
    if (n > 0)
        progress(r, "pdf", 0, n);
    if (n == 0) {
        if (unlink(out) != 0 && errno != ENOENT) {
            snprintf(err, errlen, "cannot remove the old %s: %s", out, strerror(errno));
            rc = -1;
        }
    } else {
        char why[512] = "";
        rc = pdf_merge(inputs, n, out, why, sizeof why);
        if (rc != 0)
            snprintf(err, errlen, "dossier.pdf: %s", why);
    }
    if (rc == 0) {
        *pdf_pages = n;
        progress(r, "pdf", n, n);
    }
    free(inputs);
    return rc;
}

/* A number rounded to a few decimals, so result.json stays readable. */
static json_t *json_round(double v, double scale)
{
    if (!isfinite(v))
        v = 0.0;
    return json_real(round(v * scale) / scale);
}

/* One page's entry of result.json. */
static json_t *page_json(const process_run *r, const process_page *pg, const classify_result *c,
                         int pdf_page)
{
    const ocr_page_result *res = &pg->res;
    const char *error = pg->count_error != NULL ? pg->count_error
                        : res->ok              ? NULL
                        : res->error != NULL   ? res->error
                                               : "the page could not be recognised";
    const char *error_vi = error == NULL            ? NULL
                           : pg->count_error != NULL ? PROCESS_UNREADABLE_VI
                           : res->error_vi != NULL   ? res->error_vi
                                                     : PROCESS_UNREADABLE_VI;
    json_t *o = json_pack("{s:s, s:i, s:o, s:b, s:i, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o}",
                          "file", r->files[pg->file],
                          "page", pg->index + 1,
                          "document", c->document != NULL ? json_string(c->document) : json_null(),
                          "blank", res->ok && res->blank,
                          "rotation", res->ok ? res->rotation : 0,
                          "skew", json_round(res->ok ? res->skew : 0.0, 100.0),
                          "confidence", json_round(c->confidence, 1000.0),
                          "ocr_confidence", json_round(res->ok ? res->mean_confidence : 0.0, 10.0),
                          "continuation", c->continuation,
                          "text", pg->text_name[0] != '\0' ? json_string(pg->text_name) : json_null(),
                          "pdf_page", pdf_page > 0 ? json_integer(pdf_page) : json_null(),
                          "error", error != NULL ? json_string(error) : json_null(),
                          "error_vi", error_vi != NULL ? json_string(error_vi) : json_null());
    return o;
}

/* Classifies the pages, checks completeness and builds result.json. NULL when out of memory. */
static json_t *build_result(const process_run *r, size_t pdf_pages)
{
    size_t n = r->npages;
    classify_page *cp = calloc(n ? n : 1, sizeof *cp);
    classify_result *cr = calloc(n ? n : 1, sizeof *cr);
    const char **docs = calloc(n ? n : 1, sizeof *docs);
    json_t *pages = json_array();
    json_t *result = NULL;
    if (cp == NULL || cr == NULL || docs == NULL || pages == NULL)
        goto done;
    for (size_t i = 0; i < n; i++) {
        const ocr_page_result *res = &r->pages[i].res;
        cp[i].text = res->ok ? (res->text != NULL ? res->text : "") : NULL;
        cp[i].blank = res->ok && res->blank;
    }
    classify_pages(r->opt->version, cp, n, cr);
    size_t failed = 0, blank = 0;
    int pdf_page = 0;
    for (size_t i = 0; i < n; i++) {
        const process_page *pg = &r->pages[i];
        docs[i] = cr[i].document;
        failed += !pg->res.ok;
        blank += pg->res.ok && pg->res.blank;
        bool in_pdf = pdf_pages > 0 && pg->res.ok && pg->pdf[0] != '\0' && access(pg->pdf, R_OK) == 0;
        json_t *pj = page_json(r, pg, &cr[i], in_pdf ? ++pdf_page : 0);
        if (pj == NULL || json_array_append_new(pages, pj) != 0)
            goto done;
    }
    result = completeness_check(r->opt->version, docs, n);
    if (result == NULL)
        goto done;
    /* "pages" first for readers; jansson keeps insertion order, so rebuild around it. */
    json_t *ordered = json_object();
    if (ordered == NULL || json_object_set(ordered, "pages", pages) != 0 ||
        json_object_update(ordered, result) != 0 ||
        json_object_set_new(ordered, "page_count", json_integer((json_int_t)n)) != 0 ||
        json_object_set_new(ordered, "failed", json_integer((json_int_t)failed)) != 0 ||
        json_object_set_new(ordered, "blank", json_integer((json_int_t)blank)) != 0 ||
        json_object_set_new(ordered, "pdf", pdf_pages > 0 ? json_string("dossier.pdf") : json_null()) != 0) {
        json_decref(ordered);
        json_decref(result);
        result = NULL;
        goto done;
    }
    json_decref(result);
    result = ordered;
done:
    json_decref(pages);
    free(cp);
    free(cr);
    free(docs);
    return result;
}

/* Removes the per-page PDFs and the work folder. */
static void remove_work_dir(process_run *r)
{
    if (r->work_dir[0] == '\0')
        return;
    for (size_t i = 0; i < r->npages; i++)
        if (r->pages[i].pdf[0] != '\0')
            unlink(r->pages[i].pdf);
    if (rmdir(r->work_dir) != 0)
        fprintf(stderr, "scan process: cannot remove %s: %s\n", r->work_dir, strerror(errno));
}

static void free_pages(process_run *r)
{
    for (size_t i = 0; i < r->npages; i++) {
        free(r->pages[i].count_error);
        ocr_page_result_clear(&r->pages[i].res);
    }
    free(r->pages);
    r->pages = NULL;
    r->npages = 0;
}

int scan_process(ocr_pool *pool, const scan_process_options *opt, const char *const *files,
                 size_t n, json_t **result, char *err, size_t errlen)
{
    *result = NULL;
    if (pool == NULL || opt == NULL || opt->version == NULL || opt->out_dir == NULL ||
        (files == NULL && n > 0)) {
        snprintf(err, errlen, "scan_process: missing pool, version, output folder or files");
        return -1;
    }
    process_run r = {.opt = opt, .files = files, .nfiles = n};
    if (ensure_dir(opt->out_dir, err, errlen) != 0)
        return -1;
    if (snprintf(r.work_dir, sizeof r.work_dir, "%s/.pages-XXXXXX", opt->out_dir) >= (int)sizeof r.work_dir) {
        snprintf(err, errlen, "output folder path too long");
        return -1;
    }
    if (mkdtemp(r.work_dir) == NULL) {
        snprintf(err, errlen, "cannot create a work folder in %s: %s", opt->out_dir, strerror(errno));
        return -1;
    }
    int rc = count_pages(pool, &r, err, errlen);
    if (rc == 0)
        rc = run_ocr(pool, &r, err, errlen);
    if (rc == 0)
        rc = write_texts(&r, err, errlen);
    size_t pdf_pages = 0;
    if (rc == 0 && opt->write_pdf)
        rc = write_pdf(&r, &pdf_pages, err, errlen);
    json_t *res = NULL;
    if (rc == 0) {
        res = build_result(&r, pdf_pages);
        if (res == NULL) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    if (rc == 0) {
        char path[PATH_MAX];
        char *text = json_dumps(res, JSON_INDENT(2));
        size_t len = text != NULL ? strlen(text) : 0;
        char *withnl = text != NULL ? realloc(text, len + 2) : NULL;
        if (withnl == NULL) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        } else if (snprintf(path, sizeof path, "%s/result.json", opt->out_dir) >= (int)sizeof path) {
            text = withnl;
            snprintf(err, errlen, "output folder path too long");
            rc = -1;
        } else {
            text = withnl;
            text[len] = '\n';
            text[len + 1] = '\0';
            rc = durable_write(path, text, len + 1, 0644, err, errlen);
        }
        free(text);
    }
    remove_work_dir(&r);
    free_pages(&r);
    if (rc != 0) {
        json_decref(res);
        return -1;
    }
    *result = res;
    return 0;
}
