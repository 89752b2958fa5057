/* Unit tests for the procedure catalogue: loading, validation, effective dating, detail and search JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue.h"

/* Fixtures are written with ' for " to stay readable; jq_text() swaps them back. */
static const char GOOD_TUPHAP[] =
    "{'format': 1,"
    " 'department': {'id': 'tuphap', 'name': 'Sở Tư pháp', 'agency_code': 'STP'},"
    " 'procedures': ["
    "  {'code': 'khaisinh', 'national_code': '1.001193', 'name': 'Đăng ký khai sinh',"
    "   'field': 'Hộ tịch',"
    "   'versions': ["
    "    {'effective_from': '2024-01-01', 'competent_agency': 'Ủy ban nhân dân cấp xã',"
    "     'legal_basis': ['Luật Hộ tịch số 60/2014/QH13'],"
    "     'time_limit': {'unit': 'working_days', 'value': 3},"
    "     'fees': [{'name': 'Lệ phí', 'amount': 5000}], 'sets': 1,"
    "     'documents': [{'id': 'khaisinh.tokhai', 'title': 'Tờ khai đăng ký khai sinh',"
    "       'required': true, 'copies': 1, 'kind': 'bản chính',"
    "       'keywords': ['to khai dang ky khai sinh']}],"
    "     'workflow': [{'id': 'thamdinh', 'name': 'Thẩm định hồ sơ', 'role': 'department_officer'}],"
    "     'result': 'Giấy khai sinh (bản chính)'},"
    "    {'effective_from': '2025-07-01', 'competent_agency': 'Ủy ban nhân dân cấp xã',"
    "     'legal_basis': ['Luật Hộ tịch số 60/2014/QH13', 'Nghị định 123/2015/NĐ-CP'],"
    "     'time_limit': {'unit': 'same_day', 'cutoff': '15:00'},"
    "     'fees': [{'name': 'Lệ phí', 'amount': 0, 'note': 'Miễn lệ phí'}], 'sets': 1,"
    "     'documents': [{'id': 'khaisinh.tokhai', 'title': 'Tờ khai đăng ký khai sinh',"
    "       'required': true, 'copies': 1, 'kind': 'bản chính',"
    "       'keywords': ['to khai dang ky khai sinh']},"
    "      {'id': 'khaisinh.chungsinh', 'title': 'Giấy chứng sinh', 'required': true,"
    "       'copies': 1, 'kind': 'bản chính'}],"
    "     'workflow': [{'id': 'thamdinh', 'name': 'Thẩm định hồ sơ', 'role': 'department_officer'},"
    "      {'id': 'pheduyet', 'name': 'Phê duyệt, ký kết quả', 'role': 'department_head'}],"
    "     'result': 'Giấy khai sinh (bản chính)'}]},"
    "  {'code': 'kethon', 'national_code': null, 'name': 'Đăng ký kết hôn', 'field': 'Hộ tịch',"
    "   'versions': ["
    "    {'effective_from': '2024-01-01', 'competent_agency': 'Ủy ban nhân dân cấp xã',"
    "     'legal_basis': [], 'time_limit': {'unit': 'working_days', 'value': 5},"
    "     'fees': [{'name': 'Lệ phí', 'amount': 0}], 'sets': 1,"
    "     'documents': [{'id': 'kethon.tokhai', 'title': 'Tờ khai đăng ký kết hôn',"
    "       'required': true, 'copies': 1, 'kind': 'bản chính', 'keywords': []},"
    "      {'id': 'kethon.cccd', 'title': 'Căn cước', 'required': false, 'copies': 2,"
    "       'kind': 'bản sao'}],"
    "     'workflow': [{'id': 'thamdinh', 'name': 'Thẩm định', 'role': 'department_officer'}],"
    "     'result': 'Giấy chứng nhận kết hôn'}]},"
    "  {'code': 'chungthuc', 'national_code': '2.000815', 'name': 'Chứng thực bản sao từ bản chính',"
    "   'field': 'Chứng thực',"
    "   'versions': ["
    "    {'effective_from': '2026-01-01', 'competent_agency': 'Phòng Tư pháp',"
    "     'legal_basis': ['Nghị định 23/2015/NĐ-CP'], 'time_limit': {'unit': 'same_day', 'cutoff': '15:00'},"
    "     'fees': [{'name': 'Phí chứng thực', 'amount': 2000}], 'sets': 1,"
    "     'documents': [{'id': 'chungthuc.banchinh', 'title': 'Bản chính giấy tờ',"
    "       'required': true, 'copies': 1, 'kind': 'bản chính'}],"
    "     'workflow': [{'id': 'chungthuc', 'name': 'Chứng thực', 'role': 'department_officer'}],"
    "     'result': 'Bản sao chứng thực'}]}]}";

static const char GOOD_XAYDUNG[] =
    "{'format': 1,"
    " 'department': {'id': 'xaydung', 'name': 'Sở Xây dựng', 'agency_code': 'SXD'},"
    " 'procedures': ["
    "  {'code': 'giayphep_xaydung', 'national_code': '1.009994',"
    "   'name': 'Cấp giấy phép xây dựng nhà ở riêng lẻ', 'field': 'Hoạt động xây dựng',"
    "   'versions': ["
    "    {'effective_from': '2024-01-01', 'competent_agency': 'Sở Xây dựng',"
    "     'legal_basis': ['Luật Xây dựng'], 'time_limit': {'unit': 'working_days', 'value': 15},"
    "     'fees': [{'name': 'Lệ phí cấp phép', 'amount': 75000}], 'sets': 2,"
    "     'documents': [{'id': 'gpxd.don', 'title': 'Đơn đề nghị cấp giấy phép',"
    "       'required': true, 'copies': 1, 'kind': 'bản chính'}],"
    "     'workflow': [{'id': 'thamdinh', 'name': 'Thẩm định', 'role': 'department_officer'},"
    "      {'id': 'ky', 'name': 'Ký giấy phép', 'role': 'department_head'}],"
    "     'result': 'Giấy phép xây dựng'}]}]}";

/* A malloc'ed copy of a fixture with ' turned into ". */
static char *jq_text(const char *fixture)
{
    char *s = strdup(fixture);
    assert_non_null(s);
    for (char *p = s; *p != '\0'; p++)
        if (*p == '\'')
            *p = '"';
    return s;
}

static json_t *fixture_json(const char *fixture)
{
    char *text = jq_text(fixture);
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    if (root == NULL)
        fail_msg("fixture does not parse: line %d: %s", jerr.line, jerr.text);
    free(text);
    return root;
}

static int load_fixture(catalogue *cat, const char *fixture, const char *origin,
                        const char *expected, char *err, size_t errlen)
{
    char *text = jq_text(fixture);
    int rc = catalogue_load_text(cat, text, origin, expected, err, errlen);
    free(text);
    return rc;
}

/* Sets (value_json non-NULL) or deletes the member at a path such as
 * "procedures[0].versions[1].effective_from" in root. */
static void json_edit(json_t *root, const char *path, const char *value_json)
{
    char *copy = strdup(path);
    assert_non_null(copy);
    json_t *node = root;
    char *tok = copy;
    for (;;) {
        char *dot = strchr(tok, '.');
        if (dot != NULL)
            *dot = '\0';
        char *bracket = strchr(tok, '[');
        long idx = -1;
        if (bracket != NULL) {
            *bracket = '\0';
            idx = strtol(bracket + 1, NULL, 10);
        }
        bool last = dot == NULL;
        if (last && idx < 0) {
            if (value_json == NULL) {
                json_object_del(node, tok);
            } else {
                json_t *v = json_loads(value_json, JSON_DECODE_ANY, NULL);
                assert_non_null(v);
                assert_int_equal(json_object_set_new(node, tok, v), 0);
            }
            break;
        }
        node = json_object_get(node, tok);
        assert_non_null(node);
        if (last) {
            if (value_json == NULL) {
                assert_int_equal(json_array_remove(node, (size_t)idx), 0);
            } else {
                json_t *v = json_loads(value_json, JSON_DECODE_ANY, NULL);
                assert_non_null(v);
                assert_int_equal(json_array_set_new(node, (size_t)idx, v), 0);
            }
            break;
        }
        if (idx >= 0)
            node = json_array_get(node, (size_t)idx);
        assert_non_null(node);
        tok = dot + 1;
    }
    free(copy);
}

static catalogue *both_departments(void)
{
    char err[512];
    catalogue *cat = catalogue_new();
    assert_non_null(cat);
    if (load_fixture(cat, GOOD_TUPHAP, "tuphap.json", "tuphap", err, sizeof err) != 0)
        fail_msg("good tuphap fixture refused: %s", err);
    if (load_fixture(cat, GOOD_XAYDUNG, "xaydung.json", "xaydung", err, sizeof err) != 0)
        fail_msg("good xaydung fixture refused: %s", err);
    return cat;
}

static void test_good_file_loads(void **state)
{
    (void)state;
    catalogue *cat = both_departments();
    assert_int_equal(catalogue_count(cat), 4);
    /* Sorted by code. */
    assert_string_equal(catalogue_at(cat, 0)->code, "chungthuc");
    assert_string_equal(catalogue_at(cat, 1)->code, "giayphep_xaydung");
    assert_string_equal(catalogue_at(cat, 2)->code, "kethon");
    assert_string_equal(catalogue_at(cat, 3)->code, "khaisinh");
    assert_null(catalogue_at(cat, 4));

    const cat_procedure *p = catalogue_find(cat, "khaisinh");
    assert_non_null(p);
    assert_string_equal(p->name, "Đăng ký khai sinh");
    assert_string_equal(p->national_code, "1.001193");
    assert_string_equal(p->department->id, "tuphap");
    assert_string_equal(p->department->agency_code, "STP");
    assert_int_equal(p->version_count, 2);
    const cat_version *v0 = &p->versions[0], *v1 = &p->versions[1];
    assert_int_equal(v0->effective_from, 20240101);
    assert_int_equal(v0->limit_unit, CAT_LIMIT_WORKING_DAYS);
    assert_int_equal(v0->limit_days, 3);
    assert_int_equal(v0->cutoff_minutes, -1);
    assert_int_equal(v1->limit_unit, CAT_LIMIT_SAME_DAY);
    assert_int_equal(v1->limit_days, 0);
    assert_int_equal(v1->cutoff_minutes, 900);
    assert_int_equal(v0->fees[0].amount, 5000);
    assert_null(v0->fees[0].note);
    assert_string_equal(v1->fees[0].note, "Miễn lệ phí");
    assert_int_equal(v1->document_count, 2);
    assert_int_equal(v1->legal_basis_count, 2);
    assert_int_equal(v1->step_count, 2);
    assert_string_equal(v1->steps[1].role, "department_head");
    assert_int_equal(v0->documents[0].keyword_count, 1);
    assert_int_equal(v1->documents[1].keyword_count, 0);

    const cat_procedure *k = catalogue_find(cat, "kethon");
    assert_non_null(k);
    assert_null(k->national_code);
    assert_false(k->versions[0].documents[1].required);
    assert_int_equal(k->versions[0].documents[1].copies, 2);

    assert_null(catalogue_find(cat, "nope"));
    assert_null(catalogue_find(cat, NULL));
    assert_non_null(catalogue_department(cat, "xaydung"));
    assert_string_equal(catalogue_department(cat, "xaydung")->name, "Sở Xây dựng");
    assert_null(catalogue_department(cat, "congan"));
    catalogue_free(cat);
}

static void test_digest_is_sha256_of_canonical_json(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    catalogue *cat = both_departments();
    const cat_procedure *p = catalogue_find(cat, "khaisinh");
    for (size_t i = 0; i < p->version_count; i++) {
        const cat_version *v = &p->versions[i];
        /* Canonical: re-serialising with sorted keys, compact, gives the same text. */
        json_t *parsed = json_loads(v->json, 0, NULL);
        assert_non_null(parsed);
        char *again = json_dumps(parsed, JSON_COMPACT | JSON_SORT_KEYS);
        assert_string_equal(again, v->json);
        free(again);
        json_decref(parsed);
        assert_non_null(strstr(v->json, "\"competent_agency\":"));
        assert_null(strstr(v->json, ": "));

        unsigned char h[crypto_hash_sha256_BYTES];
        char hex[65];
        crypto_hash_sha256(h, (const unsigned char *)v->json, strlen(v->json));
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        assert_string_equal(hex, v->digest);
    }
    assert_string_not_equal(p->versions[0].digest, p->versions[1].digest);

    /* The same data with keys in another order and other spacing digests the same. */
    json_t *root = fixture_json(GOOD_TUPHAP);
    char *reordered = json_dumps(root, JSON_INDENT(3) | JSON_SORT_KEYS);
    catalogue *cat2 = catalogue_new();
    char err[512];
    assert_int_equal(catalogue_load_text(cat2, reordered, "again.json", NULL, err, sizeof err), 0);
    assert_string_equal(catalogue_find(cat2, "khaisinh")->versions[1].digest, p->versions[1].digest);
    /* A changed fee changes the digest. */
    catalogue *cat3 = catalogue_new();
    json_edit(root, "procedures[0].versions[1].fees[0].amount", "1");
    char *changed = json_dumps(root, JSON_COMPACT);
    assert_int_equal(catalogue_load_text(cat3, changed, "changed.json", NULL, err, sizeof err), 0);
    assert_string_not_equal(catalogue_find(cat3, "khaisinh")->versions[1].digest,
                            p->versions[1].digest);
    assert_string_equal(catalogue_find(cat3, "khaisinh")->versions[0].digest,
                        p->versions[0].digest);
    free(changed);
    free(reordered);
    json_decref(root);
    catalogue_free(cat3);
    catalogue_free(cat2);
    catalogue_free(cat);
}

/* One validation rule: edit the good file at `path` (value_json NULL deletes),
 * expect the load to fail with an error holding `want`. */
typedef struct broken_case {
    const char *path;
    const char *value_json;
    const char *want;
} broken_case;

static const broken_case BROKEN[] = {
    {"format", "2", "tuphap.json: format: 2 is not supported"},
    {"format", NULL, "tuphap.json: format: is missing"},
    {"format", "\"1\"", "tuphap.json: format: must be an integer"},
    {"department", NULL, "tuphap.json: department: is missing"},
    {"department.id", "\"Tu Phap\"", "tuphap.json: department.id: \"Tu Phap\" must match [a-z0-9_]+"},
    {"department.name", "\"\"", "tuphap.json: department.name: must not be empty"},
    {"department.agency_code", NULL, "tuphap.json: department.agency_code: is missing"},
    {"procedures", "{}", "tuphap.json: procedures: must be an array"},
    {"procedures[1]", "\"kethon\"", "tuphap.json: procedures[1]: must be an object"},
    {"procedures[0].code", "\"Khai-Sinh\"", "tuphap.json: procedures[0].code: \"Khai-Sinh\" must match"},
    {"procedures[0].code", "\"\"", "tuphap.json: procedures[0].code: must not be empty"},
    {"procedures[2].code", "\"khaisinh\"",
     "tuphap.json: procedures[2].code: \"khaisinh\" is already used by procedures[0]"},
    {"procedures[0].national_code", "5", "tuphap.json: procedures[0].national_code: must be a string or null"},
    {"procedures[0].name", "\"\"", "tuphap.json: procedures[0].name: must not be empty"},
    {"procedures[1].name", "\"   \"", "tuphap.json: procedures[1].name: must not be empty"},
    {"procedures[0].field", NULL, "tuphap.json: procedures[0].field: is missing"},
    {"procedures[0].versions", "[]", "tuphap.json: procedures[0].versions: must have at least 1 entry"},
    {"procedures[0].versions[1].effective_from", "\"2025-02-30\"",
     "tuphap.json: procedures[0].versions[1].effective_from: 2025-02-30 is not a real date"},
    {"procedures[0].versions[1].effective_from", "\"2025-02-29\"",
     "tuphap.json: procedures[0].versions[1].effective_from: 2025-02-29 is not a real date"},
    {"procedures[0].versions[1].effective_from", "\"2025-1-01\"",
     "tuphap.json: procedures[0].versions[1].effective_from: \"2025-1-01\" is not a date of the form YYYY-MM-DD"},
    {"procedures[0].versions[1].effective_from", "\"2024-01-01\"",
     "tuphap.json: procedures[0].versions[1].effective_from: 2024-01-01 must be after the previous version's 2024-01-01"},
    {"procedures[0].versions[1].effective_from", "\"2023-12-31\"",
     "procedures[0].versions[1].effective_from: 2023-12-31 must be after"},
    {"procedures[0].versions[0].competent_agency", NULL,
     "procedures[0].versions[0].competent_agency: is missing"},
    {"procedures[0].versions[0].legal_basis", "\"Luật\"",
     "procedures[0].versions[0].legal_basis: must be an array"},
    {"procedures[0].versions[0].legal_basis", "[\"\"]",
     "procedures[0].versions[0].legal_basis[0]: must not be empty"},
    {"procedures[0].versions[0].time_limit", NULL, "procedures[0].versions[0].time_limit: is missing"},
    {"procedures[0].versions[0].time_limit.unit", "\"weeks\"",
     "procedures[0].versions[0].time_limit.unit: \"weeks\" is not a known unit"},
    {"procedures[0].versions[0].time_limit.value", "0",
     "procedures[0].versions[0].time_limit.value: 0 must be between 1 and 365"},
    {"procedures[0].versions[0].time_limit.value", "366",
     "procedures[0].versions[0].time_limit.value: 366 must be between 1 and 365"},
    {"procedures[0].versions[0].time_limit.value", "\"10\"",
     "procedures[0].versions[0].time_limit.value: must be an integer"},
    {"procedures[0].versions[1].time_limit.cutoff", "\"25:00\"",
     "procedures[0].versions[1].time_limit.cutoff: \"25:00\" is not a time HH:MM"},
    {"procedures[0].versions[1].time_limit.cutoff", "\"3pm\"",
     "procedures[0].versions[1].time_limit.cutoff: \"3pm\" is not a time HH:MM"},
    {"procedures[0].versions[1].time_limit.cutoff", NULL,
     "procedures[0].versions[1].time_limit.cutoff: a cutoff time"},
    {"procedures[0].versions[0].fees", "[]", "procedures[0].versions[0].fees: must have at least 1 entry"},
    {"procedures[0].versions[0].fees[0].amount", "-1",
     "procedures[0].versions[0].fees[0].amount: -1 must be >= 0"},
    {"procedures[0].versions[0].fees[0].amount", "1.5",
     "procedures[0].versions[0].fees[0].amount: must be an integer"},
    {"procedures[0].versions[0].fees[0].name", NULL, "procedures[0].versions[0].fees[0].name: is missing"},
    {"procedures[0].versions[0].fees[0].note", "7", "procedures[0].versions[0].fees[0].note: must be a string"},
    {"procedures[0].versions[0].sets", "0", "procedures[0].versions[0].sets: 0 must be between 1"},
    {"procedures[0].versions[0].sets", NULL, "procedures[0].versions[0].sets: is missing"},
    {"procedures[0].versions[0].documents", "[]",
     "procedures[0].versions[0].documents: must have at least 1 entry"},
    {"procedures[0].versions[0].documents[0].copies", "0",
     "procedures[0].versions[0].documents[0].copies: 0 must be between 1"},
    {"procedures[0].versions[0].documents[0].id", "\"To Khai\"",
     "procedures[0].versions[0].documents[0].id: \"To Khai\" must match [a-z0-9_.]+"},
    {"procedures[0].versions[1].documents[1].id", "\"khaisinh.tokhai\"",
     "procedures[0].versions[1].documents[1].id: \"khaisinh.tokhai\" is already used by documents[0]"},
    {"procedures[0].versions[0].documents[0].title", "\"\"",
     "procedures[0].versions[0].documents[0].title: must not be empty"},
    {"procedures[0].versions[0].documents[0].required", "\"yes\"",
     "procedures[0].versions[0].documents[0].required: must be true or false"},
    {"procedures[1].versions[0].documents[0].required", "false",
     "procedures[1].versions[0].documents: at least one document must be required"},
    {"procedures[0].versions[0].documents[0].kind", NULL,
     "procedures[0].versions[0].documents[0].kind: is missing"},
    {"procedures[0].versions[0].documents[0].keywords", "[3]",
     "procedures[0].versions[0].documents[0].keywords[0]: must be a string"},
    {"procedures[0].versions[0].workflow", "[]",
     "procedures[0].versions[0].workflow: must have at least 1 entry"},
    {"procedures[0].versions[1].workflow[1].id", "\"thamdinh\"",
     "procedures[0].versions[1].workflow[1].id: \"thamdinh\" is already used by workflow[0]"},
    {"procedures[0].versions[0].workflow[0].role", "\"boss\"",
     "procedures[0].versions[0].workflow[0].role: \"boss\" is not a known role"},
    {"procedures[0].versions[0].workflow[0].name", "\"\"",
     "procedures[0].versions[0].workflow[0].name: must not be empty"},
    {"procedures[0].versions[0].result", "\"\"", "procedures[0].versions[0].result: must not be empty"},
    {"procedures[0].versions[0].result", NULL, "procedures[0].versions[0].result: is missing"},
};

static void test_each_rule_rejects(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof BROKEN / sizeof BROKEN[0]; i++) {
        const broken_case *bc = &BROKEN[i];
        json_t *root = fixture_json(GOOD_TUPHAP);
        json_edit(root, bc->path, bc->value_json);
        char *text = json_dumps(root, JSON_COMPACT);
        assert_non_null(text);
        json_decref(root);

        catalogue *cat = catalogue_new();
        char err[512] = "";
        int rc = catalogue_load_text(cat, text, "tuphap.json", "tuphap", err, sizeof err);
        if (rc != -1)
            fail_msg("case %zu (%s) was accepted", i, bc->path);
        if (strstr(err, bc->want) == NULL)
            fail_msg("case %zu (%s): error \"%s\" lacks \"%s\"", i, bc->path, err, bc->want);
        assert_int_equal(catalogue_count(cat), 0);
        assert_null(catalogue_department(cat, "tuphap"));
        free(text);
        catalogue_free(cat);
    }
}

static void test_not_json_and_wrong_department(void **state)
{
    (void)state;
    catalogue *cat = catalogue_new();
    char err[512];
    assert_int_equal(catalogue_load_text(cat, "{\"format\": 1,", "x.json", NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "x.json: invalid JSON at line 1"));
    assert_int_equal(catalogue_load_text(cat, "[1]", "x.json", NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "x.json: the top level must be a JSON object"));
    assert_int_equal(load_fixture(cat, GOOD_TUPHAP, "tuphap.json", "xaydung", err, sizeof err), -1);
    assert_non_null(strstr(err, "tuphap.json: department.id: \"tuphap\" does not match the plugin's department \"xaydung\""));
    /* Duplicate keys are an error rather than a silent last-one-wins. */
    assert_int_equal(catalogue_load_text(cat, "{\"format\":1,\"format\":1}", "d.json", NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "d.json: invalid JSON"));
    assert_int_equal(catalogue_count(cat), 0);
    catalogue_free(cat);
}

static void test_all_or_nothing(void **state)
{
    (void)state;
    catalogue *cat = catalogue_new();
    char err[512];
    assert_int_equal(load_fixture(cat, GOOD_XAYDUNG, "xaydung.json", NULL, err, sizeof err), 0);
    const cat_procedure *before = catalogue_at(cat, 0);

    /* The last procedure is broken: the first two, though valid, must not appear. */
    json_t *root = fixture_json(GOOD_TUPHAP);
    json_edit(root, "procedures[2].versions[0].sets", "0");
    char *text = json_dumps(root, JSON_COMPACT);
    assert_int_equal(catalogue_load_text(cat, text, "tuphap.json", NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "procedures[2].versions[0].sets"));
    assert_int_equal(catalogue_count(cat), 1);
    assert_ptr_equal(catalogue_at(cat, 0), before);
    assert_null(catalogue_find(cat, "khaisinh"));
    assert_null(catalogue_department(cat, "tuphap"));
    free(text);
    json_decref(root);

    /* The department was not registered, so the fixed file loads afterwards. */
    assert_int_equal(load_fixture(cat, GOOD_TUPHAP, "tuphap.json", NULL, err, sizeof err), 0);
    assert_int_equal(catalogue_count(cat), 4);
    /* Loading the same department again is refused and changes nothing. */
    assert_int_equal(load_fixture(cat, GOOD_TUPHAP, "tuphap2.json", NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "tuphap2.json: department.id"));
    assert_int_equal(catalogue_count(cat), 4);
    catalogue_free(cat);
}

static void test_duplicate_code_across_files(void **state)
{
    (void)state;
    catalogue *cat = catalogue_new();
    char err[512];
    assert_int_equal(load_fixture(cat, GOOD_TUPHAP, "tuphap.json", NULL, err, sizeof err), 0);
    json_t *root = fixture_json(GOOD_XAYDUNG);
    json_edit(root, "procedures[0].code", "\"kethon\"");
    char *text = json_dumps(root, JSON_COMPACT);
    assert_int_equal(catalogue_load_text(cat, text, "xaydung.json", NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "xaydung.json: procedures[0].code: \"kethon\" is already declared by department tuphap"));
    assert_int_equal(catalogue_count(cat), 3);
    assert_string_equal(catalogue_find(cat, "kethon")->department->id, "tuphap");
    assert_null(catalogue_department(cat, "xaydung"));
    free(text);
    json_decref(root);
    catalogue_free(cat);
}

static void test_load_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/motcua-cat-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/tuphap.json", dir);
    char *text = jq_text(GOOD_TUPHAP);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    free(text);

    catalogue *cat = catalogue_new();
    char err[512];
    assert_int_equal(catalogue_load_file(cat, path, "tuphap", err, sizeof err), 0);
    assert_int_equal(catalogue_count(cat), 3);

    /* A file with a broken date names itself and the JSON path. */
    json_t *root = fixture_json(GOOD_TUPHAP);
    json_edit(root, "procedures[0].versions[1].effective_from", "\"2025-02-30\"");
    json_edit(root, "department.id", "\"tuphap2\"");
    assert_int_equal(json_dump_file(root, path, JSON_INDENT(2)), 0);
    json_decref(root);
    catalogue *cat2 = catalogue_new();
    assert_int_equal(catalogue_load_file(cat2, path, NULL, err, sizeof err), -1);
    assert_string_equal(err, "tuphap.json: procedures[0].versions[1].effective_from: 2025-02-30 is not a real date");
    assert_int_equal(catalogue_count(cat2), 0);

    assert_int_equal(unlink(path), 0);
    assert_int_equal(catalogue_load_file(cat2, path, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "tuphap.json: cannot open"));
    assert_non_null(strstr(err, "No such file"));
    assert_int_equal(rmdir(dir), 0);

    /* A tiny error buffer is still NUL-terminated. */
    char small[8];
    assert_int_equal(catalogue_load_text(cat2, "nope", "long-origin-name.json", NULL, small, sizeof small), -1);
    assert_int_equal(strlen(small), 7);
    catalogue_free(cat2);
    catalogue_free(cat);
}

static void test_effective_dating(void **state)
{
    (void)state;
    catalogue *cat = both_departments();
    const cat_procedure *p = catalogue_find(cat, "khaisinh");
    assert_null(cat_procedure_version_at(p, 20231231));
    assert_ptr_equal(cat_procedure_version_at(p, 20240101), &p->versions[0]);
    assert_ptr_equal(cat_procedure_version_at(p, 20250630), &p->versions[0]);
    assert_ptr_equal(cat_procedure_version_at(p, 20250701), &p->versions[1]);
    assert_ptr_equal(cat_procedure_version_at(p, 20300101), &p->versions[1]);
    assert_null(cat_procedure_version_at(NULL, 20250701));
    catalogue_free(cat);
}

static void test_detail_json(void **state)
{
    (void)state;
    catalogue *cat = both_departments();
    size_t len = 0;
    const char *text = catalogue_detail_json(cat, "khaisinh", 20250701, &len);
    assert_non_null(text);
    assert_int_equal(len, strlen(text));
    json_t *o = json_loads(text, 0, NULL);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "code")), "khaisinh");
    assert_string_equal(json_string_value(json_object_get(o, "national_code")), "1.001193");
    assert_string_equal(json_string_value(json_object_get(o, "name")), "Đăng ký khai sinh");
    assert_string_equal(json_string_value(json_object_get(o, "field")), "Hộ tịch");
    json_t *dep = json_object_get(o, "department");
    assert_string_equal(json_string_value(json_object_get(dep, "id")), "tuphap");
    assert_string_equal(json_string_value(json_object_get(dep, "name")), "Sở Tư pháp");
    assert_string_equal(json_string_value(json_object_get(dep, "agency_code")), "STP");
    assert_string_equal(json_string_value(json_object_get(o, "effective_from")), "2025-07-01");
    assert_string_equal(json_string_value(json_object_get(o, "competent_agency")), "Ủy ban nhân dân cấp xã");
    assert_int_equal(json_array_size(json_object_get(o, "legal_basis")), 2);
    json_t *tl = json_object_get(o, "time_limit");
    assert_string_equal(json_string_value(json_object_get(tl, "unit")), "same_day");
    assert_string_equal(json_string_value(json_object_get(tl, "cutoff")), "15:00");
    json_t *fee = json_array_get(json_object_get(o, "fees"), 0);
    assert_int_equal(json_integer_value(json_object_get(fee, "amount")), 0);
    assert_string_equal(json_string_value(json_object_get(fee, "note")), "Miễn lệ phí");
    assert_int_equal(json_integer_value(json_object_get(o, "sets")), 1);
    json_t *docs = json_object_get(o, "documents");
    assert_int_equal(json_array_size(docs), 2);
    json_t *doc = json_array_get(docs, 0);
    assert_string_equal(json_string_value(json_object_get(doc, "id")), "khaisinh.tokhai");
    assert_true(json_is_true(json_object_get(doc, "required")));
    assert_int_equal(json_integer_value(json_object_get(doc, "copies")), 1);
    assert_string_equal(json_string_value(json_object_get(doc, "kind")), "bản chính");
    assert_int_equal(json_array_size(json_object_get(doc, "keywords")), 1);
    json_t *wf = json_object_get(o, "workflow");
    assert_int_equal(json_array_size(wf), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(wf, 1), "role")), "department_head");
    assert_string_equal(json_string_value(json_object_get(o, "result")), "Giấy khai sinh (bản chính)");
    json_t *vers = json_object_get(o, "versions");
    assert_int_equal(json_array_size(vers), 2);
    const cat_procedure *p = catalogue_find(cat, "khaisinh");
    assert_string_equal(json_string_value(json_object_get(json_array_get(vers, 0), "effective_from")), "2024-01-01");
    assert_string_equal(json_string_value(json_object_get(json_array_get(vers, 0), "digest")), p->versions[0].digest);
    assert_string_equal(json_string_value(json_object_get(json_array_get(vers, 1), "digest")), p->versions[1].digest);
    assert_string_equal(json_string_value(json_object_get(o, "digest")), p->versions[1].digest);
    json_decref(o);

    /* Cached: the same date gives the same pointer; so does any date of the same version. */
    assert_ptr_equal(catalogue_detail_json(cat, "khaisinh", 20250701, NULL), text);
    assert_ptr_equal(catalogue_detail_json(cat, "khaisinh", 20251122, &len), text);
    assert_int_equal(len, strlen(text));

    /* The day before the boundary is the older version, with its own text. */
    const char *older = catalogue_detail_json(cat, "khaisinh", 20250630, &len);
    assert_non_null(older);
    assert_ptr_not_equal(older, text);
    o = json_loads(older, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(o, "effective_from")), "2024-01-01");
    tl = json_object_get(o, "time_limit");
    assert_string_equal(json_string_value(json_object_get(tl, "unit")), "working_days");
    assert_int_equal(json_integer_value(json_object_get(tl, "value")), 3);
    assert_null(json_object_get(tl, "cutoff"));
    assert_true(json_is_null(json_object_get(json_array_get(json_object_get(o, "fees"), 0), "note")));
    json_decref(o);
    assert_ptr_equal(catalogue_detail_json(cat, "khaisinh", 20250701, NULL), text);

    /* A null national code stays null. */
    o = json_loads(catalogue_detail_json(cat, "kethon", 20250101, NULL), 0, NULL);
    assert_non_null(o);
    assert_true(json_is_null(json_object_get(o, "national_code")));
    json_decref(o);

    assert_null(catalogue_detail_json(cat, "khaisinh", 20231231, &len));
    assert_null(catalogue_detail_json(cat, "nope", 20250701, &len));
    assert_null(catalogue_detail_json(cat, "chungthuc", 20251231, &len));
    assert_non_null(catalogue_detail_json(cat, "chungthuc", 20260101, &len));
    catalogue_free(cat);
}

/* Runs a search and returns the codes found, joined by ",", checking "count". */
static char *search_codes(const catalogue *cat, const char *q, const char *department, vn_date d)
{
    size_t len = 0;
    char *text = catalogue_search_json(cat, q, department, d, &len);
    assert_non_null(text);
    assert_int_equal(len, strlen(text));
    json_t *o = json_loads(text, 0, NULL);
    assert_non_null(o);
    json_t *list = json_object_get(o, "procedures");
    assert_true(json_is_array(list));
    assert_int_equal(json_integer_value(json_object_get(o, "count")), json_array_size(list));
    char *codes = calloc(1, 512);
    assert_non_null(codes);
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *item = json_array_get(list, i);
        const char *code = json_string_value(json_object_get(item, "code"));
        assert_non_null(code);
        assert_non_null(json_object_get(item, "time_limit"));
        assert_true(json_is_array(json_object_get(item, "fees")));
        assert_non_null(json_object_get(json_object_get(item, "department"), "name"));
        size_t used = strlen(codes);
        snprintf(codes + used, 512 - used, "%s%s", used > 0 ? "," : "", code);
    }
    json_decref(o);
    free(text);
    return codes;
}

static void expect_search(const catalogue *cat, const char *q, const char *department, vn_date d,
                          const char *want)
{
    char *got = search_codes(cat, q, department, d);
    if (strcmp(got, want) != 0)
        fail_msg("search q=\"%s\" department=%s: got \"%s\", want \"%s\"", q ? q : "(null)",
                 department ? department : "(null)", got, want);
    free(got);
}

static void test_search(void **state)
{
    (void)state;
    catalogue *cat = both_departments();
    vn_date d = 20250801;
    expect_search(cat, NULL, NULL, d, "giayphep_xaydung,kethon,khaisinh");
    expect_search(cat, "", NULL, d, "giayphep_xaydung,kethon,khaisinh");
    expect_search(cat, "khai sinh", NULL, d, "khaisinh");
    expect_search(cat, "Đăng ký khai sinh", NULL, d, "khaisinh");
    expect_search(cat, "dang ky khai sinh", NULL, d, "khaisinh");
    expect_search(cat, "ĐĂNG KÝ", NULL, d, "kethon,khaisinh");
    expect_search(cat, "sinh khai", NULL, d, "khaisinh");
    expect_search(cat, "  khai,   sinh!! ", NULL, d, "khaisinh");
    expect_search(cat, "ket hon", NULL, d, "kethon");
    expect_search(cat, "khai xyz", NULL, d, "");
    expect_search(cat, "ho tich", NULL, d, "kethon,khaisinh");
    expect_search(cat, "tư pháp", NULL, d, "kethon,khaisinh");
    expect_search(cat, "1.001193", NULL, d, "khaisinh");
    /* đ folds to d: "động" and "dong" find the same procedure. */
    expect_search(cat, "hoạt động", NULL, d, "giayphep_xaydung");
    expect_search(cat, "hoat dong", NULL, d, "giayphep_xaydung");
    expect_search(cat, "đ", NULL, d, "giayphep_xaydung,kethon,khaisinh");
    expect_search(cat, "điện", NULL, d, "");
    expect_search(cat, "dien", NULL, d, "");
    /* Department filter is exact. */
    expect_search(cat, NULL, "xaydung", d, "giayphep_xaydung");
    expect_search(cat, "dang ky", "xaydung", d, "");
    expect_search(cat, "dang ky", "tuphap", d, "kethon,khaisinh");
    expect_search(cat, NULL, "tu", d, "");
    /* Procedures not yet in force are left out. */
    expect_search(cat, "chung thuc", NULL, d, "");
    expect_search(cat, "chung thuc", NULL, 20260101, "chungthuc");
    expect_search(cat, NULL, NULL, 20231231, "");
    /* Invalid UTF-8 matches nothing. */
    expect_search(cat, "khai\xff", NULL, d, "");
    /* Search of an empty catalogue. */
    catalogue *empty = catalogue_new();
    expect_search(empty, "x", NULL, d, "");
    catalogue_free(empty);
    catalogue_free(cat);
}

static void test_free_null(void **state)
{
    (void)state;
    catalogue_free(NULL);
    assert_int_equal(catalogue_count(NULL), 0);
    assert_null(catalogue_at(NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file_loads),
        cmocka_unit_test(test_digest_is_sha256_of_canonical_json),
        cmocka_unit_test(test_each_rule_rejects),
        cmocka_unit_test(test_not_json_and_wrong_department),
        cmocka_unit_test(test_all_or_nothing),
        cmocka_unit_test(test_duplicate_code_across_files),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_effective_dating),
        cmocka_unit_test(test_detail_json),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
