/* dossier.pdf from per-page PDFs with the qpdf C API: each input read, its pages added to an
 * empty PDF, written to a temporary file that is then fsynced and renamed into place. */
#include "pdf_merge.h"

#include <qpdf/qpdf-c.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "durable_file.h"

/* qpdf keeps every input open until the output is written: merge this many at a time. */
#define MERGE_GROUP 128

/* Sets err to q's pending error, prefixed by what was being done. */
static void qpdf_reason(qpdf_data q, const char *doing, const char *path, char *err, size_t errlen)
{
    const char *text = NULL;
    if (qpdf_has_error(q)) {
        qpdf_error e = qpdf_get_error(q);
        text = qpdf_get_error_full_text(q, e);
    }
    snprintf(err, errlen, "%s %s: %s", doing, path, text != NULL ? text : "unknown qpdf error");
}

static qpdf_data qpdf_quiet(void)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    return q;
}

/* Adds every page of path to dst; src receives the opened input, which must stay
 * open until dst is written. 0, or -1 with err. */
static int add_pages(qpdf_data dst, qpdf_data src, const char *path, char *err, size_t errlen)
{
    if (qpdf_read(src, path, NULL) & QPDF_ERRORS) {
        qpdf_reason(src, "cannot read", path, err, errlen);
        return -1;
    }
    int pages = qpdf_get_num_pages(src);
    if (pages <= 0) {
        if (pages < 0)
            qpdf_reason(src, "cannot list the pages of", path, err, errlen);
        else
            snprintf(err, errlen, "%s has no pages", path);
        return -1;
    }
    for (int i = 0; i < pages; i++) {
        qpdf_oh page = qpdf_get_page_n(src, (size_t)i);
        if (qpdf_add_page(dst, src, page, QPDF_FALSE) & QPDF_ERRORS) {
            qpdf_reason(dst, "cannot add a page of", path, err, errlen);
            return -1;
        }
    }
    return 0;
}

/* Merges at most a group of inputs into out_path (durably when durable is set,
 * else a plain write for an intermediate part). 0, or -1 with err and no output. */
static int merge_group(const char *const *inputs, size_t n, const char *out_path, bool durable,
                       char *err, size_t errlen)
{
    char tmp[4096];
    if (durable_temp_name(out_path, tmp, sizeof tmp) != 0) {
        snprintf(err, errlen, "output path too long");
        return -1;
    }
    qpdf_data dst = qpdf_quiet();
    qpdf_data *src = calloc(n, sizeof *src);
    int rc = -1;
    if (src == NULL) {
        snprintf(err, errlen, "out of memory");
    } else if (qpdf_empty_pdf(dst) & QPDF_ERRORS) {
        qpdf_reason(dst, "cannot start", out_path, err, errlen);
    } else {
        rc = 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            src[i] = qpdf_quiet();
            rc = add_pages(dst, src[i], inputs[i], err, errlen);
        }
        if (rc == 0 && ((qpdf_init_write(dst, tmp) & QPDF_ERRORS) || (qpdf_write(dst) & QPDF_ERRORS))) {
            qpdf_reason(dst, "cannot write", tmp, err, errlen);
            rc = -1;
        }
    }
    /* Cleaning up dst closes the written file; inputs close after it. */
    qpdf_cleanup(&dst);
    for (size_t i = 0; src != NULL && i < n; i++)
        if (src[i] != NULL)
            qpdf_cleanup(&src[i]);
    free(src);
    if (rc != 0) {
        unlink(tmp);
        return -1;
    }
    if (!durable) {
        if (rename(tmp, out_path) != 0) {
            snprintf(err, errlen, "cannot rename %s", tmp);
            unlink(tmp);
            return -1;
        }
        return 0;
    }
    return durable_commit(tmp, out_path, 0640u, err, errlen);
}

int pdf_merge(const char *const *inputs, size_t n, const char *out_path, char *err, size_t errlen)
{
    if (n == 0) {
        snprintf(err, errlen, "no pages to merge into %s", out_path);
        return -1;
    }
    if (n <= MERGE_GROUP)
        return merge_group(inputs, n, out_path, true, err, errlen);
    /* Groups into parts beside the output, then the parts (recursively). */
    size_t nparts = (n + MERGE_GROUP - 1) / MERGE_GROUP;
    char **parts = calloc(nparts, sizeof *parts);
    if (parts == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    size_t made = 0;
    for (; made < nparts && rc == 0; made++) {
        char name[4096];
        parts[made] = NULL;
        if (durable_temp_name(out_path, name, sizeof name) != 0 || (parts[made] = strdup(name)) == NULL) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        size_t first = made * MERGE_GROUP;
        size_t count = n - first < MERGE_GROUP ? n - first : MERGE_GROUP;
        rc = merge_group(inputs + first, count, parts[made], false, err, errlen);
    }
    if (rc == 0)
        rc = pdf_merge((const char *const *)parts, nparts, out_path, err, errlen);
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i] != NULL)
            unlink(parts[i]);
        free(parts[i]);
    }
    free(parts);
    return rc;
}
