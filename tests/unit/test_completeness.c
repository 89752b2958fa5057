/* Unit tests for dossier completeness: present, missing, optional, extra, duplicates, unclassified pages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "completeness.h"

typedef struct fixture {
    catalogue *cat;
    const cat_version *khaisinh;
    const cat_version *dkdn;
} fixture;

static const cat_version *latest(const catalogue *cat, const char *code)
{
    const cat_procedure *p = catalogue_find(cat, code);
    if (p == NULL || p->version_count == 0)
        return NULL;
    return &p->versions[p->version_count - 1];
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char err[512] = "";
    if (f == NULL)
        return -1;
    f->cat = catalogue_new();
    if (f->cat == NULL ||
        catalogue_load_file(f->cat, "plugins/tuphap/tuphap.json", "tuphap", err, sizeof err) != 0 ||
        catalogue_load_file(f->cat, "plugins/taichinh/taichinh.json", "taichinh", err, sizeof err) != 0) {
        fprintf(stderr, "catalogue: %s\n", err);
        catalogue_free(f->cat);
        free(f);
        return -1;
    }
    f->khaisinh = latest(f->cat, "khaisinh");
    f->dkdn = latest(f->cat, "dkdn");
    if (f->khaisinh == NULL || f->dkdn == NULL) {
        catalogue_free(f->cat);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    catalogue_free(f->cat);
    free(f);
    return 0;
}

/* Asserts that key of obj is an array holding exactly the NULL-terminated ids, in order. */
static void assert_ids(const json_t *obj, const char *key, const char *const *ids)
{
    const json_t *a = json_object_get(obj, key);
    assert_non_null(a);
    assert_true(json_is_array(a));
    size_t n = 0;
    while (ids[n] != NULL)
        n++;
    if (json_array_size(a) != n) {
        char *dump = json_dumps(obj, JSON_COMPACT);
        fprintf(stderr, "%s: expected %zu ids, got %s\n", key, n, dump ? dump : "?");
        free(dump);
    }
    assert_int_equal(json_array_size(a), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(json_string_value(json_array_get(a, i)), ids[i]);
}

static bool complete_of(const json_t *obj)
{
    const json_t *c = json_object_get(obj, "complete");
    assert_true(json_is_boolean(c));
    return json_is_true(c);
}

static void test_complete_dossier(void **state)
{
    fixture *f = *state;
    /* out of catalogue order, with an unclassified (blank) page between */
    const char *pages[] = {"cccd", "khaisinh.tokhai", NULL, "giaychungsinh"};
    json_t *r = completeness_check(f->khaisinh, pages, 4);
    assert_non_null(r);
    assert_true(complete_of(r));
    assert_ids(r, "present", (const char *[]){"khaisinh.tokhai", "giaychungsinh", "cccd", NULL});
    assert_ids(r, "missing", (const char *[]){NULL});
    assert_ids(r, "optional_missing", (const char *[]){"uyquyen", NULL});
    assert_ids(r, "extra", (const char *[]){NULL});
    json_decref(r);
}

static void test_missing_required(void **state)
{
    fixture *f = *state;
    const char *pages[] = {"khaisinh.tokhai", "uyquyen"};
    json_t *r = completeness_check(f->khaisinh, pages, 2);
    assert_non_null(r);
    assert_false(complete_of(r));
    assert_ids(r, "present", (const char *[]){"khaisinh.tokhai", "uyquyen", NULL});
    assert_ids(r, "missing", (const char *[]){"giaychungsinh", "cccd", NULL});
    assert_ids(r, "optional_missing", (const char *[]){NULL});
    json_decref(r);
}

static void test_optional_missing_is_still_complete(void **state)
{
    fixture *f = *state;
    const char *pages[] = {"dkdn.giaydenghi", "dkdn.dieule", "dkdn.dieule", "dkdn.danhsachtv", "cccd"};
    json_t *r = completeness_check(f->dkdn, pages, 5);
    assert_non_null(r);
    assert_true(complete_of(r));
    assert_ids(r, "optional_missing", (const char *[]){"uyquyen", NULL});
    assert_ids(r, "missing", (const char *[]){NULL});
    json_decref(r);
}

static void test_extra_documents(void **state)
{
    fixture *f = *state;
    /* papers of another procedure: reported once each, in page order, and they fill nothing */
    const char *pages[] = {"lltp.tokhai", "khaisinh.tokhai", "gpxd.don", "lltp.tokhai"};
    json_t *r = completeness_check(f->khaisinh, pages, 4);
    assert_non_null(r);
    assert_false(complete_of(r));
    assert_ids(r, "present", (const char *[]){"khaisinh.tokhai", NULL});
    assert_ids(r, "extra", (const char *[]){"lltp.tokhai", "gpxd.don", NULL});
    assert_ids(r, "missing", (const char *[]){"giaychungsinh", "cccd", NULL});
    json_decref(r);
}

static void test_duplicates_counted_once(void **state)
{
    fixture *f = *state;
    const char *pages[] = {"cccd", "cccd", "cccd", "giaychungsinh", "giaychungsinh"};
    json_t *r = completeness_check(f->khaisinh, pages, 5);
    assert_non_null(r);
    assert_false(complete_of(r));
    assert_ids(r, "present", (const char *[]){"giaychungsinh", "cccd", NULL});
    assert_ids(r, "missing", (const char *[]){"khaisinh.tokhai", NULL});
    json_decref(r);
}

static void test_unclassified_pages(void **state)
{
    fixture *f = *state;
    const char *pages[] = {NULL, NULL, NULL};
    json_t *r = completeness_check(f->khaisinh, pages, 3);
    assert_non_null(r);
    assert_false(complete_of(r));
    assert_ids(r, "present", (const char *[]){NULL});
    assert_ids(r, "missing", (const char *[]){"khaisinh.tokhai", "giaychungsinh", "cccd", NULL});
    assert_ids(r, "extra", (const char *[]){NULL});
    json_decref(r);

    /* no pages at all */
    r = completeness_check(f->dkdn, NULL, 0);
    assert_non_null(r);
    assert_false(complete_of(r));
    assert_ids(r, "missing",
               (const char *[]){"dkdn.giaydenghi", "dkdn.dieule", "dkdn.danhsachtv", "cccd", NULL});
    json_decref(r);
}

static void test_bad_arguments(void **state)
{
    fixture *f = *state;
    const char *pages[] = {"cccd"};
    assert_null(completeness_check(NULL, pages, 1));
    assert_null(completeness_check(f->khaisinh, NULL, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete_dossier),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_optional_missing_is_still_complete),
        cmocka_unit_test(test_extra_documents),
        cmocka_unit_test(test_duplicates_counted_once),
        cmocka_unit_test(test_unclassified_pages),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
