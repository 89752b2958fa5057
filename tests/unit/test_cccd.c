/* Unit tests for the Căn cước (CCCD) number checker shared by department plugins. */
#include "../../plugins/common/cccd.c"
#include "../../plugins/common/civil_date.c"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Runs cccd_check and returns the fault count; faults land in *out. */
static int check(const char *id, const char *birth, const char *sex,
                 struct cccd_fault out[CCCD_MAX_FAULTS])
{
    memset(out, 0, sizeof(struct cccd_fault) * CCCD_MAX_FAULTS);
    return cccd_check(id, birth, sex, out, CCCD_MAX_FAULTS);
}

static bool has_fault(const struct cccd_fault *f, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (strcmp(f[i].code, code) == 0)
            return true;
    return false;
}

/* Asserts exactly one fault, with this code and subject and a message. */
static void assert_single(const char *id, const char *birth, const char *sex, const char *code,
                          enum cccd_subject subject)
{
    struct cccd_fault f[CCCD_MAX_FAULTS];
    int n = check(id, birth, sex, f);
    if (n != 1 || strcmp(f[0].code, code) != 0)
        fprintf(stderr, "id=%s birth=%s sex=%s: %d faults, first %s\n", id ? id : "(null)",
                birth ? birth : "(null)", sex ? sex : "(null)", n, n > 0 ? f[0].code : "-");
    assert_int_equal(n, 1);
    assert_string_equal(f[0].code, code);
    assert_int_equal(f[0].subject, subject);
    assert_true(strlen(f[0].message) > 10);
}

static void test_valid_numbers(void **state)
{
    (void)state;
    struct cccd_fault f[CCCD_MAX_FAULTS];
    /* Hà Nam male 1990; Hà Nội female 2005; Cà Mau male 2001; HCM female 1985. */
    assert_int_equal(check("035090001234", "1990-05-02", "nam", f), 0);
    assert_int_equal(check("001305012345", "2005-03-04", "nữ", f), 0);
    assert_int_equal(check("096201000001", "2001-12-31", "Nam", f), 0);
    assert_int_equal(check("079185000001", "1985-01-01", "NỮ", f), 0);
    /* Nothing declared, or empty strings: only the number is checked. */
    assert_int_equal(check("092190004455", NULL, NULL, f), 0);
    assert_int_equal(check("092190004455", "", "", f), 0);
    /* First and last year of a century. */
    assert_int_equal(check("040000000001", "1900-01-01", "nam", f), 0);
    assert_int_equal(check("040199000001", "1999-12-31", "nữ", f), 0);
}

static void test_province_names(void **state)
{
    (void)state;
    assert_string_equal(cccd_province_name("035090001234"), "Hà Nam");
    assert_string_equal(cccd_province_name("001"), "Hà Nội");
    assert_string_equal(cccd_province_name("096"), "Cà Mau");
    assert_string_equal(cccd_province_name("079"), "Hồ Chí Minh");
    assert_string_equal(cccd_province_name("046"), "Thừa Thiên Huế");
    assert_null(cccd_province_name("03"));
    assert_null(cccd_province_name("a35"));
    assert_null(cccd_province_name(NULL));
}

/* Every code from 000 to 999: exactly the 63 official ones are provinces,
 * and the gaps of the official list are not. */
static void test_province_list(void **state)
{
    (void)state;
    static const int gaps[] = { 0,  3,  5,  7,  9,  13, 16, 18, 21, 23, 28, 29, 32, 39, 41, 43, 47,
                                50, 53, 55, 57, 59, 61, 63, 65, 69, 71, 73, 76, 78, 81, 85, 88, 90,
                                97, 98, 99 };
    int valid = 0;
    char code[4];
    for (int c = 0; c < 1000; c++) {
        snprintf(code, sizeof code, "%03d", c);
        if (cccd_province_name(code) != NULL)
            valid++;
    }
    assert_int_equal(valid, 63);
    for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
        snprintf(code, sizeof code, "%03d", gaps[i]);
        assert_null(cccd_province_name(code));
    }
}

/* The lookup is a binary search: the table must stay strictly ascending. */
static void test_province_table_sorted(void **state)
{
    (void)state;
    size_t n = sizeof cccd_provinces / sizeof cccd_provinces[0];
    assert_int_equal(n, 63);
    for (size_t i = 1; i < n; i++)
        assert_true(cccd_provinces[i - 1].code < cccd_provinces[i].code);
}

static void test_wrong_province(void **state)
{
    (void)state;
    assert_single("003090001234", "1990-01-01", "nam", "cccd_province", CCCD_ON_ID);
    assert_single("000090001234", NULL, NULL, "cccd_province", CCCD_ON_ID);
    assert_single("097090001234", NULL, NULL, "cccd_province", CCCD_ON_ID);
    assert_single("999090001234", NULL, NULL, "cccd_province", CCCD_ON_ID);
}

static void test_century_and_sex(void **state)
{
    (void)state;
    /* 4th digit 1 = female, 1900s. */
    assert_single("035190001234", "1990-01-01", "nam", "cccd_sex_mismatch", CCCD_ON_ID);
    /* 4th digit 0 = male. */
    assert_single("035090001234", NULL, "nữ", "cccd_sex_mismatch", CCCD_ON_ID);
    /* 4th digit 2 = male, 2000s; born in the 1900s. */
    assert_single("035201001234", "1901-01-01", "nam", "cccd_century_mismatch", CCCD_ON_ID);
    /* 4th digit 0 = 1900s; born 2001. */
    assert_single("035001001234", "2001-06-01", NULL, "cccd_century_mismatch", CCCD_ON_ID);

    struct cccd_fault f[CCCD_MAX_FAULTS];
    int n = check("035301001234", "1901-06-01", "nam", f); /* female 2000s vs male 1901 */
    assert_int_equal(n, 2);
    assert_true(has_fault(f, n, "cccd_century_mismatch"));
    assert_true(has_fault(f, n, "cccd_sex_mismatch"));
}

static void test_year_mismatch(void **state)
{
    (void)state;
    assert_single("035090001234", "1991-05-02", "nam", "cccd_year_mismatch", CCCD_ON_ID);
    assert_single("001305012345", "2006-03-04", NULL, "cccd_year_mismatch", CCCD_ON_ID);

    struct cccd_fault f[CCCD_MAX_FAULTS];
    int n = check("035090001234", "2001-01-01", "nữ", f); /* everything wrong */
    assert_int_equal(n, 3);
    assert_true(has_fault(f, n, "cccd_century_mismatch"));
    assert_true(has_fault(f, n, "cccd_year_mismatch"));
    assert_true(has_fault(f, n, "cccd_sex_mismatch"));
}

static void test_future_year(void **state)
{
    (void)state;
    /* 4th digit 2 + "99" encodes 2099; 8 encodes the 2300s. */
    assert_single("035299001234", NULL, NULL, "cccd_future_year", CCCD_ON_ID);
    assert_single("035800001234", NULL, NULL, "cccd_future_year", CCCD_ON_ID);
}

static void test_wrong_length(void **state)
{
    (void)state;
    assert_single("03509000123", NULL, NULL, "cccd_length", CCCD_ON_ID);
    assert_single("0350900012345", NULL, NULL, "cccd_length", CCCD_ON_ID);
    assert_single("035090001", "1990-01-01", "nam", "cccd_length", CCCD_ON_ID);
    assert_single("", NULL, NULL, "cccd_missing", CCCD_ON_ID);
    assert_single(NULL, NULL, NULL, "cccd_missing", CCCD_ON_ID);

    struct cccd_fault f[CCCD_MAX_FAULTS];
    check("03509000123", NULL, NULL, f);
    assert_non_null(strstr(f[0].message, "11"));
}

static void test_non_digits(void **state)
{
    (void)state;
    assert_single("03509000123a", NULL, NULL, "cccd_not_digits", CCCD_ON_ID);
    assert_single("035 09000123", NULL, NULL, "cccd_not_digits", CCCD_ON_ID);
    assert_single("-35090001234", NULL, NULL, "cccd_not_digits", CCCD_ON_ID);
    assert_single("０35090001234", NULL, NULL, "cccd_not_digits", CCCD_ON_ID); /* full-width 0 */
}

static void test_declared_data_malformed(void **state)
{
    (void)state;
    assert_single("035090001234", "1990-02-30", NULL, "birth_date_invalid", CCCD_ON_BIRTH_DATE);
    assert_single("035090001234", "1990-5-2", NULL, "birth_date_invalid", CCCD_ON_BIRTH_DATE);
    assert_single("035090001234", "02/05/1990", NULL, "birth_date_invalid", CCCD_ON_BIRTH_DATE);
    assert_single("035090001234", NULL, "male", "sex_invalid", CCCD_ON_SEX);
    /* 2000 is a leap year, 1900 is not. */
    struct cccd_fault f[CCCD_MAX_FAULTS];
    assert_int_equal(check("035200001234", "2000-02-29", "nam", f), 0);
    assert_single("035000001234", "1900-02-29", NULL, "birth_date_invalid", CCCD_ON_BIRTH_DATE);
    /* Malformed declared data is reported even when the number is bad too. */
    int n = check("12", "1990-13-01", "x", f);
    assert_int_equal(n, 3);
    assert_int_equal(f[0].subject, CCCD_ON_BIRTH_DATE);
    assert_int_equal(f[1].subject, CCCD_ON_SEX);
    assert_string_equal(f[2].code, "cccd_length");
}

static void test_sex_parse(void **state)
{
    (void)state;
    assert_int_equal(cccd_sex_parse("nam"), CCCD_SEX_MALE);
    assert_int_equal(cccd_sex_parse(" NAM "), CCCD_SEX_MALE);
    assert_int_equal(cccd_sex_parse("nữ"), CCCD_SEX_FEMALE);
    assert_int_equal(cccd_sex_parse("Nữ"), CCCD_SEX_FEMALE);
    assert_int_equal(cccd_sex_parse("NỮ"), CCCD_SEX_FEMALE);
    assert_int_equal(cccd_sex_parse("nu\xcc\x9b\xcc\x83"), CCCD_SEX_FEMALE); /* NFD */
    assert_int_equal(cccd_sex_parse("nu"), CCCD_SEX_FEMALE);
    assert_int_equal(cccd_sex_parse("na"), -1);
    assert_int_equal(cccd_sex_parse("female"), -1);
    assert_int_equal(cccd_sex_parse(""), -1);
    assert_int_equal(cccd_sex_parse(NULL), -1);
    assert_int_equal(cccd_sex_parse("nam nam nam nam nam"), -1);
}

/* At most `max` faults are stored; a NULL array with max 0 only counts nothing. */
static void test_max_faults(void **state)
{
    (void)state;
    struct cccd_fault f[1];
    assert_int_equal(cccd_check("035090001234", "2001-01-01", "nữ", f, 1), 1);
    assert_string_equal(f[0].code, "cccd_century_mismatch");
    assert_int_equal(cccd_check("035090001234", "2001-01-01", "nữ", NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_numbers),
        cmocka_unit_test(test_province_names),
        cmocka_unit_test(test_province_list),
        cmocka_unit_test(test_province_table_sorted),
        cmocka_unit_test(test_wrong_province),
        cmocka_unit_test(test_century_and_sex),
        cmocka_unit_test(test_year_mismatch),
        cmocka_unit_test(test_future_year),
        cmocka_unit_test(test_wrong_length),
        cmocka_unit_test(test_non_digits),
        cmocka_unit_test(test_declared_data_malformed),
        cmocka_unit_test(test_sex_parse),
        cmocka_unit_test(test_max_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
