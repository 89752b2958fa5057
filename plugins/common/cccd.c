/* Căn cước (CCCD) number check: 12 digits, birth-province code, century/sex
 * digit and birth year (Circular 07/2016/TT-BCA, 59/2021/TT-BCA). */
#include "cccd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "civil_date.h"

struct cccd_province {
    int code;
    const char *name;
};

/* The 63 provinces' birth-registration codes, ascending. */
static const struct cccd_province cccd_provinces[] = {
    { 1, "Hà Nội" },          { 2, "Hà Giang" },        { 4, "Cao Bằng" },
    { 6, "Bắc Kạn" },         { 8, "Tuyên Quang" },     { 10, "Lào Cai" },
    { 11, "Điện Biên" },      { 12, "Lai Châu" },       { 14, "Sơn La" },
    { 15, "Yên Bái" },        { 17, "Hòa Bình" },       { 19, "Thái Nguyên" },
    { 20, "Lạng Sơn" },       { 22, "Quảng Ninh" },     { 24, "Bắc Giang" },
    { 25, "Phú Thọ" },        { 26, "Vĩnh Phúc" },      { 27, "Bắc Ninh" },
    { 30, "Hải Dương" },      { 31, "Hải Phòng" },      { 33, "Hưng Yên" },
    { 34, "Thái Bình" },      { 35, "Hà Nam" },         { 36, "Nam Định" },
    { 37, "Ninh Bình" },      { 38, "Thanh Hóa" },      { 40, "Nghệ An" },
    { 42, "Hà Tĩnh" },        { 44, "Quảng Bình" },     { 45, "Quảng Trị" },
    { 46, "Thừa Thiên Huế" }, { 48, "Đà Nẵng" },        { 49, "Quảng Nam" },
    { 51, "Quảng Ngãi" },     { 52, "Bình Định" },      { 54, "Phú Yên" },
    { 56, "Khánh Hòa" },      { 58, "Ninh Thuận" },     { 60, "Bình Thuận" },
    { 62, "Kon Tum" },        { 64, "Gia Lai" },        { 66, "Đắk Lắk" },
    { 67, "Đắk Nông" },       { 68, "Lâm Đồng" },       { 70, "Bình Phước" },
    { 72, "Tây Ninh" },       { 74, "Bình Dương" },     { 75, "Đồng Nai" },
    { 77, "Bà Rịa - Vũng Tàu" }, { 79, "Hồ Chí Minh" }, { 80, "Long An" },
    { 82, "Tiền Giang" },     { 83, "Bến Tre" },        { 84, "Trà Vinh" },
    { 86, "Vĩnh Long" },      { 87, "Đồng Tháp" },      { 89, "An Giang" },
    { 91, "Kiên Giang" },     { 92, "Cần Thơ" },        { 93, "Hậu Giang" },
    { 94, "Sóc Trăng" },      { 95, "Bạc Liêu" },       { 96, "Cà Mau" },
};

/* Appends one fault unless `max` are stored; returns the new count. */
static size_t cccd_fault_add(struct cccd_fault *faults, size_t n, size_t max,
                             enum cccd_subject subject, const char *code,
                             const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static size_t cccd_fault_add(struct cccd_fault *faults, size_t n, size_t max,
                             enum cccd_subject subject, const char *code,
                             const char *fmt, ...)
{
    if (n >= max)
        return n;
    faults[n].subject = subject;
    faults[n].code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(faults[n].message, sizeof faults[n].message, fmt, ap);
    va_end(ap);
    return n + 1;
}

const char *cccd_province_name(const char *id)
{
    if (id == NULL)
        return NULL;
    int code = 0;
    for (int i = 0; i < 3; i++) {
        if (id[i] < '0' || id[i] > '9')
            return NULL;
        code = code * 10 + (id[i] - '0');
    }
    size_t lo = 0, hi = sizeof cccd_provinces / sizeof cccd_provinces[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cccd_provinces[mid].code == code)
            return cccd_provinces[mid].name;
        if (cccd_provinces[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int cccd_sex_parse(const char *sex)
{
    /* "nữ" and "NỮ" in NFC, and "nu" + combining horn + combining tilde (NFD). */
    static const char *const female[] = { "nu", "n\xe1\xbb\xaf", "n\xe1\xbb\xae",
                                           "nu\xcc\x9b\xcc\x83" };
    char buf[16];
    size_t n = 0;
    if (sex == NULL)
        return -1;
    while (*sex == ' ')
        sex++;
    for (; *sex != '\0'; sex++) {
        if (n + 1 >= sizeof buf)
            return -1;
        char c = *sex;
        buf[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    if (strcmp(buf, "nam") == 0)
        return CCCD_SEX_MALE;
    for (size_t i = 0; i < sizeof female / sizeof female[0]; i++)
        if (strcmp(buf, female[i]) == 0)
            return CCCD_SEX_FEMALE;
    return -1;
}

static const char *cccd_sex_word(int sex)
{
    return sex == CCCD_SEX_MALE ? "nam" : "nữ";
}

int cccd_check(const char *id, const char *birth_date, const char *sex,
               struct cccd_fault *faults, size_t max)
{
    size_t n = 0;
    if (faults == NULL)
        max = 0;

    /* The declared data is checked whatever the number looks like. */
    civil_date born;
    bool have_born = false;
    if (birth_date != NULL && birth_date[0] != '\0') {
        have_born = civil_date_parse(birth_date, &born);
        if (!have_born)
            n = cccd_fault_add(faults, n, max, CCCD_ON_BIRTH_DATE, "birth_date_invalid",
                               "Ngày sinh phải có dạng NNNN-TT-NN (năm-tháng-ngày) và là "
                               "một ngày có thật.");
    }
    int declared_sex = -1;
    if (sex != NULL && sex[0] != '\0') {
        declared_sex = cccd_sex_parse(sex);
        if (declared_sex < 0)
            n = cccd_fault_add(faults, n, max, CCCD_ON_SEX, "sex_invalid",
                               "Giới tính phải là \"nam\" hoặc \"nữ\".");
    }

    if (id == NULL || id[0] == '\0')
        return (int)cccd_fault_add(faults, n, max, CCCD_ON_ID, "cccd_missing",
                                   "Chưa có số Căn cước (12 chữ số in trên thẻ).");
    size_t len = strlen(id);
    for (size_t i = 0; i < len; i++)
        if (id[i] < '0' || id[i] > '9')
            return (int)cccd_fault_add(faults, n, max, CCCD_ON_ID, "cccd_not_digits",
                                       "Số Căn cước chỉ gồm chữ số; hãy nhập lại đúng 12 "
                                       "chữ số in trên thẻ.");
    if (len != 12)
        return (int)cccd_fault_add(faults, n, max, CCCD_ON_ID, "cccd_length",
                                   "Số Căn cước phải có đúng 12 chữ số (số đã nhập có %zu "
                                   "chữ số).", len);

    if (cccd_province_name(id) == NULL)
        n = cccd_fault_add(faults, n, max, CCCD_ON_ID, "cccd_province",
                           "Ba chữ số đầu của số Căn cước (%.3s) không phải mã tỉnh, thành "
                           "phố nơi đăng ký khai sinh.", id);

    /* 4th digit: century (0-1 the 1900s, 2-3 the 2000s ... 8-9 the 2300s)
     * and sex (even male, odd female); 5th-6th: year within the century. */
    int digit = id[3] - '0';
    int century_start = 1900 + (digit / 2) * 100;
    int coded_sex = digit % 2 == 0 ? CCCD_SEX_MALE : CCCD_SEX_FEMALE;
    int coded_year = century_start + (id[4] - '0') * 10 + (id[5] - '0');

    if (coded_year > civil_date_today().year)
        n = cccd_fault_add(faults, n, max, CCCD_ON_ID, "cccd_future_year",
                           "Chữ số thứ 4 đến thứ 6 của số Căn cước (%.3s) cho năm sinh %d, "
                           "là năm chưa tới.", id + 3, coded_year);
    if (have_born) {
        if (born.year / 100 * 100 != century_start)
            n = cccd_fault_add(faults, n, max, CCCD_ON_ID, "cccd_century_mismatch",
                               "Chữ số thứ 4 của số Căn cước (%c) ứng với người sinh trong "
                               "các năm %d–%d, nhưng năm sinh đã khai là %d.",
                               id[3], century_start, century_start + 99, born.year);
        if (born.year % 100 != coded_year % 100)
            n = cccd_fault_add(faults, n, max, CCCD_ON_ID, "cccd_year_mismatch",
                               "Chữ số thứ 5 và 6 của số Căn cước (%.2s) phải là hai số cuối "
                               "của năm sinh đã khai (%02d).", id + 4, born.year % 100);
    }
    if (declared_sex >= 0 && declared_sex != coded_sex)
        n = cccd_fault_add(faults, n, max, CCCD_ON_ID, "cccd_sex_mismatch",
                           "Chữ số thứ 4 của số Căn cước (%c) ứng với giới tính %s, nhưng "
                           "giới tính đã khai là %s.",
                           id[3], cccd_sex_word(coded_sex), cccd_sex_word(declared_sex));
    return (int)n;
}
