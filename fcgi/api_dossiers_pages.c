/* PUT /api/v1/dossiers/{code}/pages: one page (PNG, JPEG, TIFF or PDF) as the raw body,
 * sniffed, written durably under [store] files_dir, then recorded. Never decoded here:
 * decoding is the scanner service's sandboxed workers' job. */
#include "api_dossiers.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "response.h"
#include "store_scan.h"

typedef struct page_type {
    const char *mime, *ext;
    const unsigned char *magic;
    size_t magic_len;
    const unsigned char *magic2; /* a second accepted signature (TIFF's two byte orders) */
} page_type;

static const page_type page_types[] = {
    {"image/png", "png", (const unsigned char *)"\x89PNG\r\n\x1a\n", 8, NULL},
    {"image/jpeg", "jpg", (const unsigned char *)"\xff\xd8\xff", 3, NULL},
    {"image/tiff", "tif", (const unsigned char *)"II*\0", 4, (const unsigned char *)"MM\0*"},
    {"application/pdf", "pdf", (const unsigned char *)"%PDF-", 5, NULL},
};

/* The accepted type named by a Content-Type header (parameters and case ignored), or NULL. */
static const page_type *page_type_of(const char *content_type)
{
    if (content_type == NULL)
        return NULL;
    size_t n = strcspn(content_type, "; \t");
    for (size_t i = 0; i < sizeof page_types / sizeof page_types[0]; i++)
        if (strlen(page_types[i].mime) == n && strncasecmp(content_type, page_types[i].mime, n) == 0)
            return &page_types[i];
    return NULL;
}

static bool magic_matches(const page_type *t, const char *body, size_t len)
{
    if (len < t->magic_len)
        return false;
    return memcmp(body, t->magic, t->magic_len) == 0 ||
           (t->magic2 != NULL && memcmp(body, t->magic2, t->magic_len) == 0);
}

/* mkdir that accepts an existing folder. */
static int ensure_dir(const char *path)
{
    return mkdir(path, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Writes len bytes to dir/name durably: a temporary file in dir, fsync, rename, fsync of
 * dir. Sets *created when the file did not exist before (an identical page uploaded again
 * has the same name). Returns 0, or -1 with errno's text in err and no temporary left. */
static int write_durably(const char *dir, const char *name, const char *data, size_t len,
                         bool *created, char *err, size_t errlen)
{
    char tmp[4096], final[4096];
    int n1 = snprintf(final, sizeof final, "%s/%s", dir, name);
    int n2 = snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name);
    if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof final || (size_t)n2 >= sizeof tmp) {
        snprintf(err, errlen, "path too long under %s", dir);
        return -1;
    }
    *created = access(final, F_OK) != 0;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "mkstemp in %s: %s", dir, strerror(errno));
        return -1;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    if (done < len || fchmod(fd, 0640) != 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, final) != 0 || fsync_path(dir) != 0) {
        snprintf(err, errlen, "commit %s: %s", final, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static void page_upload(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_COUNTER, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    const page_type *t = page_type_of(req->content_type);
    if (dossier_status_terminal(row.status) || row.status == DOSSIER_DONE) {
        api_reply_not_allowed(req, &row);
    } else if (t == NULL) {
        response_error(req, 415, "unsupported_media_type",
                       "Chỉ nhận tệp ảnh PNG, JPEG, TIFF hoặc PDF (Content-Type image/png, "
                       "image/jpeg, image/tiff, application/pdf).");
    } else if (req->body == NULL || req->body_len == 0) {
        response_error(req, 400, "empty_body", "Không có nội dung tệp. Hãy gửi một trang quét.");
    } else if (!magic_matches(t, req->body, req->body_len)) {
        response_error(req, 415, "content_mismatch",
                       "Nội dung tệp không đúng với loại tệp khai báo (Content-Type). "
                       "Hãy kiểm tra lại tệp quét.");
    } else {
        unsigned char digest[crypto_hash_sha256_BYTES];
        char hex[65], dir[4096], name[80], rel[160], now[17], err[8192] = "", path[4200];
        crypto_hash_sha256(digest, (const unsigned char *)req->body, req->body_len);
        sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
        snprintf(name, sizeof name, "%s.%s", hex, t->ext);
        snprintf(rel, sizeof rel, "pages/%s/%s", row.code, name);
        bool created = false;
        int seq = 0;
        snprintf(dir, sizeof dir, "%s/pages", a->cfg->files_dir);
        int rc = ensure_dir(a->cfg->files_dir) == 0 && ensure_dir(dir) == 0 ? 0 : -1;
        snprintf(dir, sizeof dir, "%s/pages/%s", a->cfg->files_dir, row.code);
        if (rc != 0 || ensure_dir(dir) != 0) {
            snprintf(err, sizeof err, "mkdir %s: %s", dir, strerror(errno));
            rc = -1;
        }
        if (rc == 0)
            rc = write_durably(dir, name, req->body, req->body_len, &created, err, sizeof err);
        if (rc != 0) {
            api_reply_internal(req, "pages: cannot store upload", err);
        } else {
            dossier_now(now);
            store_change_result r = store_page_add(a->st, row.code, t->mime, hex, (long long)req->body_len,
                                                   rel, now, user.username, &seq);
            if (r != STORE_CHANGE_OK) {
                if (created) {
                    snprintf(path, sizeof path, "%s/%s", dir, name);
                    unlink(path);
                }
                api_reply_internal(req, "store: cannot record page", row.code);
            } else {
                /* motcua-scand recognises it: an import job (one queued per dossier). The page
                 * is kept even if queueing fails; POST .../recognise queues it again. */
                scan_job_request rq = {.code = row.code, .kind = "import", .actor = user.username};
                long long job = 0;
                if (store_scan_queue(a->st, &rq, &job, NULL) != STORE_CHANGE_OK) {
                    log_msg(LOG_WARN, "pages: %s page %d stored but not queued for recognition", row.code, seq);
                    job = 0;
                }
                response_json(req, 201,
                              json_pack("{s:s,s:i,s:s,s:s,s:I,s:o}", "code", row.code, "page", seq,
                                        "content_type", t->mime, "sha256", hex, "size",
                                        (json_int_t)req->body_len, "scan_job",
                                        job > 0 ? json_integer(job) : json_null()));
            }
        }
    }
    dossier_row_clear(&row);
}

void api_dossiers_pages_register(router *r, app *a)
{
    router_add_limited(r, "PUT", "/api/v1/dossiers/{code}/pages", page_upload, a, a->cfg->max_upload);
}
