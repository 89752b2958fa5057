/* core/forms: the entry points — pick the form, run it on a PDF surface, hand back or store the bytes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "forms.h"
#include "forms_internal.h"

/* The forms, by number: how to draw each and on which paper. */
static const struct form_kind {
    int (*render)(struct form_doc *doc, const json_t *data);
    int landscape_a4; /* else A5 portrait */
    const char *title;
} form_kinds[] = {
    { form01_render, 0, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" },
    { form02_render, 0, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" },
    { form03_render, 0, "Phiếu từ chối tiếp nhận giải quyết hồ sơ" },
    { form04_render, 0, "Phiếu xin lỗi và hẹn lại ngày trả kết quả" },
    { form05_render, 0, "Phiếu kiểm soát quá trình giải quyết hồ sơ" },
    { form06_render, 1, "Sổ theo dõi hồ sơ" },
};
#define FORM_KINDS (sizeof form_kinds / sizeof form_kinds[0])

struct membuf {
    unsigned char *data;
    size_t len, cap;
};

static cairo_status_t membuf_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct membuf *b = closure;
    if (length > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap - b->len < length)
            cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (p == NULL)
            return CAIRO_STATUS_WRITE_ERROR;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* Reports an error found before the document exists: "form 0N: why". */
static void set_err(char *err, size_t errlen, int form_number, const char *why)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "form %02d: %s", form_number, why);
}

static int render_kind(const struct form_kind *k, const char *label, const json_t *data,
                       unsigned char **out, size_t *outlen, char *err, size_t errlen);

int forms_render_mem(int form_number, const json_t *data, unsigned char **out, size_t *outlen,
                     char *err, size_t errlen)
{
    *out = NULL;
    *outlen = 0;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (form_number < 1 || form_number > (int)FORM_KINDS) {
        set_err(err, errlen, form_number, "unknown form number (forms are 1 to 6)");
        return -1;
    }
    if (!json_is_object(data)) {
        set_err(err, errlen, form_number, "data must be a JSON object");
        return -1;
    }
    char label[16];
    snprintf(label, sizeof label, "form %02d", form_number);
    return render_kind(&form_kinds[form_number - 1], label, data, out, outlen, err, errlen);
}

int forms_render_text_document(const json_t *data, unsigned char **out, size_t *outlen,
                               char *err, size_t errlen)
{
    static const struct form_kind result_kind = { formresult_render, 0, "Kết quả giải quyết hồ sơ" };
    *out = NULL;
    *outlen = 0;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (!json_is_object(data)) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "result document: data must be a JSON object");
        return -1;
    }
    return render_kind(&result_kind, "result document", data, out, outlen, err, errlen);
}

/* Renders kind k from data into memory (the body of forms_render_mem). */
static int render_kind(const struct form_kind *k, const char *label, const json_t *data,
                       unsigned char **out, size_t *outlen, char *err, size_t errlen)
{
    struct form_doc doc = { .label = label, .err = err, .errlen = errlen, .page = 1 };
    if (k->landscape_a4) {
        doc.page_w = FORM_A4_LONG;
        doc.page_h = FORM_A5_H; /* A4's short side (210 mm) is A5's long side */
        doc.left = 48, doc.right = 34, doc.top = 34, doc.bottom = 34;
        doc.body_pt = 10;
        doc.number_pages = 1;
    } else {
        doc.page_w = FORM_A5_W;
        doc.page_h = FORM_A5_H;
        doc.left = 45, doc.right = 28, doc.top = 28, doc.bottom = 28;
        doc.body_pt = 11;
    }
    doc.y = doc.top;

    struct membuf buf = { 0 };
    doc.surface = cairo_pdf_surface_create_for_stream(membuf_write, &buf, doc.page_w, doc.page_h);
    cairo_pdf_surface_set_metadata(doc.surface, CAIRO_PDF_METADATA_TITLE, k->title);
    cairo_pdf_surface_set_metadata(doc.surface, CAIRO_PDF_METADATA_CREATOR, "motcua");
    doc.cr = cairo_create(doc.surface);

    int rc = k->render(&doc, data);
    if (rc == 0 && !doc.failed)
        form_end_page(&doc);
    cairo_status_t st = cairo_status(doc.cr);
    cairo_destroy(doc.cr);
    cairo_surface_finish(doc.surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(doc.surface);
    cairo_surface_destroy(doc.surface);
    if (rc == 0 && !doc.failed && st != CAIRO_STATUS_SUCCESS)
        form_fail(&doc, "cannot make the PDF: %s", cairo_status_to_string(st));
    for (size_t i = 0; i < doc.npool; i++)
        free(doc.pool[i]);
    free(doc.pool);
    if (rc != 0 || doc.failed) {
        if (!doc.failed)
            form_fail(&doc, "rendering failed");
        free(buf.data);
        return -1;
    }
    *out = buf.data;
    *outlen = buf.len;
    return 0;
}

/* Writes all of buf to fd, retrying short writes and EINTR. */
static int write_all(int fd, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Replaces path with buf atomically and durably (temp file, fsync, rename, fsync folder).
 * The file gets mode 0640: forms carry personal data. Returns 0 or -1 with errno set. */
static int write_durably(const char *path, const unsigned char *buf, size_t len)
{
    char tmp[4096], dir[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fchmod(fd, 0640) != 0 || write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    int rc = fsync(dfd);
    int e = errno;
    close(dfd);
    errno = e;
    return rc;
}

int forms_render(int form_number, const json_t *data, const char *out_path, char *err, size_t errlen)
{
    unsigned char *pdf;
    size_t len;
    if (forms_render_mem(form_number, data, &pdf, &len, err, errlen) != 0)
        return -1;
    int rc = write_durably(out_path, pdf, len);
    if (rc != 0 && err != NULL && errlen > 0)
        snprintf(err, errlen, "form %02d: cannot write \"%s\": %s", form_number, out_path, strerror(errno));
    free(pdf);
    return rc;
}

void forms_release_font_caches(void)
{
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
}
