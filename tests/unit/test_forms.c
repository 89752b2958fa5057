/* Unit tests for core/forms: forms 01–06 rendered to PDF and read back with poppler and zbar. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "forms.h"

#define CODE "H35.251122.0007"
#define LOOKUP "https://dichvucong.hanam.gov.vn/tra-cuu"
#define APPOINTMENT_WORDS "10 giờ 00 phút, ngày 25 tháng 11 năm 2025"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_forms-XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    forms_release_font_caches(); /* so valgrind sees no font cache as lost */
    DIR *d = opendir(tmpdir);
    if (d != NULL) {
        struct dirent *e;
        char path[512];
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    return rmdir(tmpdir);
}

/* ---- sample data ---- */

static json_t *common(void)
{
    return json_pack("{s:{s:s,s:s}, s:s, s:s, s:{s:s,s:s}, s:{s:s,s:s,s:s,s:s}, s:s}",
                     "agency", "name", "Bộ phận Tiếp nhận và Trả kết quả", "parent", "UBND tỉnh Hà Nam",
                     "place", "Hà Nam", "dossier_code", CODE,
                     "procedure", "code", "khaisinh", "name", "Đăng ký khai sinh",
                     "applicant", "name", "Nguyễn Thị Hằng", "address",
                     "Số 12 đường Lê Lợi, phường Quang Trung, thành phố Phủ Lý, tỉnh Hà Nam", "phone", "0912345678",
                     "email", "hang.nguyen@example.vn",
                     "lookup_url", LOOKUP);
}

static json_t *form01_data(void)
{
    json_t *d = common();
    json_t *docs = json_pack("[{s:s,s:s,s:i},{s:s,s:s,s:i},{s:s,s:s,s:i}]",
                             "title", "Tờ khai đăng ký khai sinh", "kind", "Bản chính", "copies", 1,
                             "title", "Giấy chứng sinh", "kind", "Bản chính", "copies", 1,
                             "title", "Căn cước công dân (người yêu cầu)", "kind", "Bản sao", "copies", 1);
    json_object_set_new(d, "documents", docs);
    json_object_set_new(d, "sets", json_integer(1));
    json_object_set_new(d, "time_limit_text", json_string("Trong ngày làm việc"));
    json_object_set_new(d, "received_at", json_string("08:30 22/11/2025"));
    json_object_set_new(d, "appointment_at", json_string("10:00 25/11/2025"));
    json_object_set_new(d, "return_place", json_string("Tại Bộ phận Tiếp nhận và Trả kết quả"));
    json_object_set_new(d, "register_book", json_string("03"));
    json_object_set_new(d, "register_line", json_string("127"));
    json_object_set_new(d, "officer_name", json_string("Đặng Quốc Việt"));
    return d;
}

static json_t *form02_data(void)
{
    json_t *d = common();
    json_object_set_new(d, "number", json_string("15"));
    json_object_set_new(d, "issued_on", json_string("22/11/2025"));
    json_object_set_new(d, "missing",
                        json_pack("[{s:s,s:s},{s:s}]", "title", "Giấy chứng sinh", "detail",
                                  "bản chính do cơ sở y tế cấp", "title", "Văn bản ủy quyền"));
    json_object_set_new(d, "reason", json_string("Hồ sơ thiếu giấy tờ bắt buộc"));
    json_object_set_new(d, "contact_phone", json_string("02263852000"));
    json_object_set_new(d, "officer_name", json_string("Đặng Quốc Việt"));
    return d;
}

static json_t *form03_data(void)
{
    json_t *d = common();
    json_object_set_new(d, "issued_on", json_string("22/11/2025"));
    json_object_set_new(d, "reason", json_string("Thủ tục không thuộc thẩm quyền giải quyết của cơ quan"));
    json_object_set_new(d, "officer_name", json_string("Đặng Quốc Việt"));
    return d;
}

static json_t *form04_data(void)
{
    json_t *d = common();
    json_object_set_new(d, "number", json_string("4"));
    json_object_set_new(d, "issued_on", json_string("24/11/2025"));
    json_object_set_new(d, "received_at", json_string("08:30 22/11/2025"));
    json_object_set_new(d, "appointment_at", json_string("10:00 25/11/2025"));
    json_object_set_new(d, "reason", json_string("Cần xác minh thông tin nơi cư trú"));
    json_object_set_new(d, "new_appointment_at", json_string("14:00 28/11/2025"));
    json_object_set_new(d, "signer", json_pack("{s:s,s:s}", "title", "Giám đốc", "name", "Trần Văn Đức"));
    return d;
}

static json_t *form05_data(void)
{
    json_t *d = common();
    json_object_set_new(d, "received_at", json_string("08:30 22/11/2025"));
    json_object_set_new(d, "appointment_at", json_string("10:00 25/11/2025"));
    json_object_set_new(d, "lead_agency", json_string("Phòng Tư pháp"));
    json_object_set_new(d, "handovers",
                        json_pack("[{s:s,s:s,s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s,s:s,s:s,s:s},{s:s,s:s,s:s}]",
                                  "agency", "Bộ phận Một cửa", "given_at", "09:05 22/11/2025", "received_at",
                                  "09:20 22/11/2025", "giver", "Đặng Quốc Việt", "receiver", "Lê Minh Tâm",
                                  "result", "early",
                                  "agency", "Phòng Tư pháp", "given_at", "15:40 24/11/2025", "received_at",
                                  "15:45 24/11/2025", "giver", "Lê Minh Tâm", "receiver", "Đặng Quốc Việt",
                                  "result", "late", "note", "Chờ xác minh",
                                  "agency", "Bộ phận Một cửa", "given_at", "10:00 25/11/2025", "giver",
                                  "Đặng Quốc Việt"));
    return d;
}

static json_t *form06_data(size_t nrows)
{
    json_t *d = json_pack("{s:{s:s,s:s}, s:s, s:s}", "agency", "name", "Trung tâm Phục vụ hành chính công",
                          "parent", "UBND tỉnh Hà Nam", "register_book", "03", "period", "Năm 2025");
    json_t *rows = json_array();
    for (size_t i = 0; i < nrows; i++) {
        char code[32];
        snprintf(code, sizeof code, "H35.251122.%04zu", i + 1);
        json_array_append_new(
            rows, json_pack("{s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "dossier_code", code, "procedure_name",
                            "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "sets", 1, "applicant_name",
                            i % 2 ? "Đặng Quốc Việt" : "Nguyễn Thị Hằng", "applicant_address",
                            "Thôn Đồng Văn, xã Duy Tiên, tỉnh Hà Nam; 0987654321", "lead_agency", "Sở Xây dựng",
                            "received_at", "08:30 22/11/2025", "appointment_at", "10:00 12/12/2025",
                            "transferred_at", "14:00 22/11/2025", "note", "Nộp trực tiếp"));
    }
    json_object_set_new(d, "rows", rows);
    return d;
}

/* ---- reading a PDF back ---- */

/* Output of "prog 'path' tail" (paths here come from mkdtemp: no quotes in them); malloc'ed.
 * Fails the test if the command fails. */
static char *run(const char *prog, const char *path, const char *tail)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s '%s'%s", prog, path, tail);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 8192, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[len] = '\0';
    int st = pclose(p);
    if (st != 0)
        fail_msg("command failed (%d): %s", st, cmd);
    return out;
}

/* The text of the PDF with every run of white space made one space, so a phrase wrapped
 * across lines still matches. mode "-layout" keeps the page's geometry (what a reader sees);
 * "-raw" keeps drawing order, so text wrapped inside a table cell stays together. */
static char *pdf_text_mode(const char *path, const char *mode)
{
    char prog[64];
    snprintf(prog, sizeof prog, "pdftotext %s", mode);
    char *t = run(prog, path, " -");
    size_t w = 0;
    int space = 0;
    for (size_t r = 0; t[r]; r++) {
        if (t[r] == ' ' || t[r] == '\n' || t[r] == '\t' || t[r] == '\f') {
            space = 1;
            continue;
        }
        if (space && w > 0)
            t[w++] = ' ';
        space = 0;
        t[w++] = t[r];
    }
    t[w] = '\0';
    return t;
}

static char *pdf_text(const char *path)
{
    return pdf_text_mode(path, "-layout");
}

static void assert_has(const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL)
        fail_msg("\"%s\" not in the extracted text:\n%s", needle, text);
}

/* The value of a "Key:   value" line of pdfinfo. */
static void pdf_info(const char *path, const char *key, char *out, size_t outlen)
{
    char *info = run("pdfinfo", path, "");
    const char *line = strstr(info, key);
    if (line == NULL)
        fail_msg("no \"%s\" in pdfinfo output:\n%s", key, info);
    line += strlen(key);
    while (*line == ' ')
        line++;
    size_t n = strcspn(line, "\n");
    snprintf(out, outlen, "%.*s", (int)n, line);
    free(info);
}

/* Checks the page size (to 0.01 pt: pdfinfo prints "419.528 x 595.276 pts (A5)") and, when
 * pages > 0, the page count; returns the page count. */
static long assert_page(const char *path, double w, double h, long pages)
{
    char v[128];
    pdf_info(path, "Page size:", v, sizeof v);
    char *end;
    double pw = strtod(v, &end);
    double ph = strncmp(end, " x ", 3) == 0 ? strtod(end + 3, NULL) : -1;
    if (pw < w - 0.01 || pw > w + 0.01 || ph < h - 0.01 || ph > h + 0.01)
        fail_msg("page size of %s is \"%s\", expected %.2f x %.2f", path, v, w, h);
    pdf_info(path, "Pages:", v, sizeof v);
    long n = strtol(v, NULL, 10);
    if (pages > 0)
        assert_int_equal(n, pages);
    return n;
}

static const char *out_path(const char *name)
{
    static char p[256];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

/* Renders form n from data (consumed) into name; fails the test on error. */
static const char *render_ok(int n, json_t *data, const char *name)
{
    char err[256];
    const char *p = out_path(name);
    int rc = forms_render(n, data, p, err, sizeof err);
    json_decref(data);
    if (rc != 0)
        fail_msg("form %d: %s", n, err);
    return p;
}

#define A5 419.53, 595.28
#define A4L 841.89, 595.28

/* ---- tests ---- */

static void test_form01_both_copies(void **state)
{
    (void)state;
    const char *p = render_ok(1, form01_data(), "01.pdf");
    assert_page(p, A5, 2);
    char *t = pdf_text(p);
    assert_has(t, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    assert_has(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_has(t, "Độc lập - Tự do - Hạnh phúc");
    assert_has(t, "UBND TỈNH HÀ NAM");
    assert_has(t, "Mã hồ sơ: " CODE);
    assert_has(t, "Nguyễn Thị Hằng");
    assert_has(t, "Đặng Quốc Việt");
    assert_has(t, APPOINTMENT_WORDS);
    assert_has(t, "08 giờ 30 phút, ngày 22 tháng 11 năm 2025");
    assert_has(t, "Hà Nam, ngày 22 tháng 11 năm 2025");
    assert_has(t, "Căn cước công dân (người yêu cầu)");
    assert_has(t, "Liên 1: Lưu");
    assert_has(t, "Liên 2: Giao người nộp");
    assert_has(t, "NGƯỜI NỘP HỒ SƠ");
    assert_has(t, "NGƯỜI TIẾP NHẬN HỒ SƠ");
    assert_has(t, "(Ký và ghi rõ họ tên)");
    assert_has(t, "Quyển số: 03");
    assert_has(t, "Số thứ tự: 127");
    free(t);
}

static void test_form01_one_copy(void **state)
{
    (void)state;
    json_t *d = form01_data();
    json_object_set_new(d, "copy", json_string("2"));
    const char *p = render_ok(1, d, "01-2.pdf");
    assert_page(p, A5, 1);
    char *t = pdf_text(p);
    assert_has(t, "Liên 2: Giao người nộp");
    assert_null(strstr(t, "Liên 1"));
    free(t);
}

static void test_form01_long_text_wraps(void **state)
{
    (void)state;
    json_t *d = form01_data();
    json_object_set_new(json_object_get(d, "applicant"), "name",
                        json_string("Công ty Trách nhiệm hữu hạn Thương mại và Dịch vụ Xây dựng Đồng Bằng Sông "
                                    "Hồng Phát Triển Bền Vững"));
    json_t *docs = json_object_get(d, "documents");
    for (int i = 0; i < 12; i++)
        json_array_append_new(docs, json_pack("{s:s,s:s,s:i}", "title",
                                              "Danh sách thành viên công ty TNHH hai thành viên trở lên kèm "
                                              "bản sao giấy tờ pháp lý của từng thành viên",
                                              "kind", "Bản sao có chứng thực", "copies", 2));
    json_object_set_new(d, "copy", json_string("1"));
    const char *p = render_ok(1, d, "01-long.pdf");
    /* Fifteen documents do not fit one A5 page: the table continues on the next. */
    assert_true(assert_page(p, A5, 0) >= 2);
    char *t = pdf_text(p);
    assert_has(t, "Hồng Phát Triển Bền Vững");
    assert_has(t, APPOINTMENT_WORDS);
    free(t);
}

static void test_form02_supplement(void **state)
{
    (void)state;
    const char *p = render_ok(2, form02_data(), "02.pdf");
    assert_page(p, A5, 1);
    char *t = pdf_text(p);
    assert_has(t, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ");
    assert_has(t, "Số: 15/HDHS");
    assert_has(t, CODE);
    assert_has(t, "Nguyễn Thị Hằng");
    assert_has(t, "1. Giấy chứng sinh: bản chính do cơ sở y tế cấp");
    assert_has(t, "2. Văn bản ủy quyền");
    assert_has(t, "Hồ sơ thiếu giấy tờ bắt buộc");
    assert_has(t, "NGƯỜI HƯỚNG DẪN");
    free(t);
}

static void test_form03_refusal(void **state)
{
    (void)state;
    const char *p = render_ok(3, form03_data(), "03.pdf");
    assert_page(p, A5, 1);
    char *t = pdf_text(p);
    assert_has(t, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ");
    assert_has(t, CODE);
    assert_has(t, "Nguyễn Thị Hằng");
    assert_has(t, "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan");
    free(t);
}

static void test_form04_apology(void **state)
{
    (void)state;
    const char *p = render_ok(4, form04_data(), "04.pdf");
    assert_page(p, A5, 1);
    char *t = pdf_text(p);
    assert_has(t, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
    assert_has(t, "Số: 4/PXL");
    assert_has(t, CODE);
    assert_has(t, "Kính gửi: Nguyễn Thị Hằng");
    assert_has(t, APPOINTMENT_WORDS);
    assert_has(t, "14 giờ 00 phút, ngày 28 tháng 11 năm 2025");
    assert_has(t, "Cần xác minh thông tin nơi cư trú");
    assert_has(t, "GIÁM ĐỐC");
    assert_has(t, "Trần Văn Đức");
    free(t);
}

static void test_form05_control_slip(void **state)
{
    (void)state;
    const char *p = render_ok(5, form05_data(), "05.pdf");
    assert_page(p, A5, 1);
    char *t = pdf_text(p);
    assert_has(t, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
    assert_has(t, CODE);
    assert_has(t, "Nguyễn Thị Hằng");
    assert_has(t, APPOINTMENT_WORDS);
    free(t);
    /* Hand-over cells wrap on several lines: read them in drawing order. */
    t = pdf_text_mode(p, "-raw");
    assert_has(t, "Trước hạn");
    assert_has(t, "Quá hạn");
    assert_has(t, "Lê Minh Tâm");
    assert_has(t, "Giao: 15:40 24/11/2025 Nhận: 15:45 24/11/2025");
    assert_has(t, "Chờ xác minh");
    free(t);
}

static void test_form06_register_pages(void **state)
{
    (void)state;
    const char *p = render_ok(6, form06_data(40), "06.pdf");
    long pages = assert_page(p, A4L, 0);
    assert_true(pages >= 3);
    char *t = pdf_text(p);
    assert_has(t, "SỔ THEO DÕI HỒ SƠ");
    assert_has(t, "Quyển số: 03 — Năm 2025");
    assert_has(t, "Trang 2");
    free(t);
    /* Rows wrap inside their cells: read them in drawing order. */
    t = pdf_text_mode(p, "-raw");
    assert_has(t, "H35.251122.0001");
    assert_has(t, "H35.251122.0040");
    assert_has(t, "Nguyễn Thị Hằng");
    assert_has(t, "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ");
    assert_has(t, "14:00 22/11/2025");
    /* The header row is repeated on every page. */
    size_t heads = 0;
    for (const char *s = t; (s = strstr(s, "Cơ quan chủ trì giải quyết")) != NULL; s++)
        heads++;
    assert_int_equal(heads, (size_t)pages);
    free(t);

    p = render_ok(6, form06_data(2), "06-short.pdf");
    assert_page(p, A4L, 1);
}

static void test_qr_decodes(void **state)
{
    (void)state;
    const char *p = render_ok(1, form01_data(), "qr.pdf");
    char png[300];
    snprintf(png, sizeof png, "%s/qr", tmpdir);
    char tail[400];
    snprintf(tail, sizeof tail, " '%s'", png);
    free(run("pdftoppm -png -r 200 -f 1 -l 1 -singlefile", p, tail));
    snprintf(png, sizeof png, "%s/qr.png", tmpdir);
    char *payload = run("zbarimg --raw -q", png, " 2>/dev/null");
    payload[strcspn(payload, "\n")] = '\0';
    assert_string_equal(payload, LOOKUP "?code=" CODE "&procedure=khaisinh");
    free(payload);
}

/* Expects form n to fail on data (consumed) with a message containing want, and to leave no file. */
static void expect_error(int n, json_t *data, const char *want)
{
    char err[256] = "";
    const char *p = out_path("bad.pdf");
    int rc = forms_render(n, data, p, err, sizeof err);
    json_decref(data);
    assert_int_equal(rc, -1);
    if (strstr(err, want) == NULL)
        fail_msg("error \"%s\" does not contain \"%s\"", err, want);
    assert_int_equal(access(p, F_OK), -1);
}

static void test_missing_keys_named(void **state)
{
    (void)state;
    json_t *d = form01_data();
    json_object_del(json_object_get(d, "applicant"), "name");
    expect_error(1, d, "missing required key \"applicant.name\"");

    d = form01_data();
    json_object_del(d, "appointment_at");
    expect_error(1, d, "\"appointment_at\"");

    d = form01_data();
    json_object_set_new(json_array_get(json_object_get(d, "documents"), 1), "title", json_string(""));
    expect_error(1, d, "\"documents[1].title\"");

    d = form02_data();
    json_object_set_new(d, "missing", json_array());
    expect_error(2, d, "\"missing\"");

    d = form03_data();
    json_object_del(d, "reason");
    expect_error(3, d, "\"reason\"");

    d = form04_data();
    json_object_del(d, "new_appointment_at");
    expect_error(4, d, "\"new_appointment_at\"");

    d = form05_data();
    json_object_del(json_array_get(json_object_get(d, "handovers"), 0), "giver");
    expect_error(5, d, "\"handovers[0].giver\"");

    d = form06_data(3);
    json_object_del(json_array_get(json_object_get(d, "rows"), 2), "lead_agency");
    expect_error(6, d, "\"rows[2].lead_agency\"");

    d = form06_data(1);
    json_object_del(d, "agency");
    expect_error(6, d, "\"agency.name\"");
}

static void test_bad_values_rejected(void **state)
{
    (void)state;
    json_t *d = form01_data();
    json_object_set_new(d, "appointment_at", json_string("10:00 31/04/2025"));
    expect_error(1, d, "\"appointment_at\": expected a time");

    d = form01_data();
    json_object_set_new(d, "received_at", json_string("24:00 22/11/2025"));
    expect_error(1, d, "\"received_at\"");

    d = form01_data();
    json_object_set_new(d, "copy", json_string("3"));
    expect_error(1, d, "\"copy\"");

    d = form01_data();
    json_object_set_new(d, "dossier_code", json_string("H35|x"));
    expect_error(1, d, "must not contain '|'");

    d = form01_data();
    json_object_set_new(d, "sets", json_real(1.5));
    expect_error(1, d, "\"sets\" must be a string");

    d = form02_data();
    json_object_set_new(d, "issued_on", json_string("2025-11-22"));
    expect_error(2, d, "\"issued_on\": expected a date");

    d = form05_data();
    json_object_set_new(json_array_get(json_object_get(d, "handovers"), 1), "result", json_string("sớm"));
    expect_error(5, d, "\"handovers[1].result\"");

    d = form06_data(2);
    json_object_set_new(json_array_get(json_object_get(d, "rows"), 1), "returned_at", json_string("hôm qua"));
    expect_error(6, d, "\"rows[1].returned_at\"");

    expect_error(7, form01_data(), "unknown form number");
    expect_error(1, json_array(), "must be a JSON object");
}

static void test_text_is_not_markup(void **state)
{
    (void)state;
    json_t *d = form03_data();
    json_object_set_new(d, "reason", json_string("<b>Sai</b> mẫu & thiếu chữ ký <i>"));
    const char *p = render_ok(3, d, "03-markup.pdf");
    char *t = pdf_text(p);
    assert_has(t, "<b>Sai</b> mẫu & thiếu chữ ký <i>");
    free(t);
}

static void test_render_mem(void **state)
{
    (void)state;
    unsigned char *pdf = (unsigned char *)"x";
    size_t len = 99;
    char err[256];
    json_t *d = form05_data();
    assert_int_equal(forms_render_mem(5, d, &pdf, &len, err, sizeof err), 0);
    assert_non_null(pdf);
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    /* The bytes are a whole PDF: write them and read them back. */
    FILE *f = fopen(out_path("mem.pdf"), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf, 1, len, f), len);
    fclose(f);
    free(pdf);
    char *t = pdf_text(out_path("mem.pdf"));
    assert_has(t, CODE);
    free(t);

    json_object_del(d, "lookup_url");
    pdf = (unsigned char *)"x";
    len = 99;
    assert_int_equal(forms_render_mem(5, d, &pdf, &len, err, sizeof err), -1);
    assert_null(pdf);
    assert_int_equal(len, 0);
    assert_string_equal(err, "form 05: missing required key \"lookup_url\"");
    json_decref(d);
}

static void test_file_replaced_without_leftovers(void **state)
{
    (void)state;
    const char *p = out_path("same.pdf");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("old", f);
    fclose(f);
    render_ok(3, form03_data(), "same.pdf");
    char *t = pdf_text(p);
    assert_has(t, "PHIẾU TỪ CHỐI");
    free(t);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    DIR *d = opendir(tmpdir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp") != NULL)
            fail_msg("temporary file left behind: %s", e->d_name);
    closedir(d);

    char err[256];
    char missing[300];
    snprintf(missing, sizeof missing, "%s/no-such-folder/x.pdf", tmpdir);
    json_t *data = form03_data();
    assert_int_equal(forms_render(3, data, missing, err, sizeof err), -1);
    json_decref(data);
    assert_non_null(strstr(err, "cannot write"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form01_both_copies),
        cmocka_unit_test(test_form01_one_copy),
        cmocka_unit_test(test_form01_long_text_wraps),
        cmocka_unit_test(test_form02_supplement),
        cmocka_unit_test(test_form03_refusal),
        cmocka_unit_test(test_form04_apology),
        cmocka_unit_test(test_form05_control_slip),
        cmocka_unit_test(test_form06_register_pages),
        cmocka_unit_test(test_qr_decodes),
        cmocka_unit_test(test_missing_keys_named),
        cmocka_unit_test(test_bad_values_rejected),
        cmocka_unit_test(test_text_is_not_markup),
        cmocka_unit_test(test_render_mem),
        cmocka_unit_test(test_file_replaced_without_leftovers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
