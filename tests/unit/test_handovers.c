/* Unit tests for processing transitions in the store: the hand-over chain of Form 05, a plugin
 * hook refusing (nothing kept, its registry write included), and ABI 1.0 declarations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "plugin_host.h"
#include "store_dossiers.h"
#include "store_sqlite_internal.h"
#include "test_support.h"

typedef struct fixture {
    test_db db;
    char code[DOSSIER_CODE_MAX];
} fixture;

/* A fresh database holding one received dossier, f->code. */
static int setup(void **state)
{
    char err[256], pin[7];
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    if (test_db_make(&f->db, "handovers") != 0) {
        free(f);
        return -1;
    }
    *state = f;
    if (test_db_open(&f->db, 30000) != 0)
        return -1;
    dossier_intake in = {
        .agency_code = "H35", .procedure_code = "lltp", .procedure_digest = "d1",
        .procedure_effective_from = "2025-07-01", .procedure_json = "{}", .department = "congan",
        .channel = "counter", .applicant_name = "Nguyễn Văn An",
        .applicant_json = "{\"name\":\"Nguyễn Văn An\"}", .received_at = "2025-11-24 09:00",
        .actor = "demo-counter",
    };
    return store_dossier_create(f->db.st, &in, f->code, pin, err, sizeof err);
}

static int teardown(void **state)
{
    fixture *f = *state;
    int rc = test_db_remove(&f->db);
    free(f);
    return rc;
}

/* Moves the dossier from..to at `at` with plan h (and hook); returns the store's result. */
static store_change_result move(fixture *f, dossier_status from, dossier_status to, const char *at,
                                const handover_plan *h, store_tx_hook hook, void *ctx, bool *refused)
{
    char err[256];
    dossier_change c = {.code = f->code, .from = from, .to = to, .step_index = -1,
                        .audit_action = "dossier.test", .actor = "tester", .at = at};
    return store_dossier_transition(f->db.st, &c, h, hook, ctx, NULL, refused, err, sizeof err);
}

static void test_chain(void **state)
{
    fixture *f = *state;
    handover_plan give = {.step = "transfer", .from_agency = "Bộ phận Một cửa", .to_agency = "Công an tỉnh",
                          .giver = "Cán bộ A", .due_at = "2025-11-24 17:00", .result = "on_time"};
    handover_plan take = {.close_open = true, .receiver = "Cán bộ B"};
    assert_int_equal(move(f, DOSSIER_RECEIVED, DOSSIER_ACCEPTED, "2025-11-24 09:10", NULL, NULL, NULL, NULL),
                     STORE_CHANGE_OK);
    assert_int_equal(move(f, DOSSIER_ACCEPTED, DOSSIER_TRANSFERRED, "2025-11-24 09:20", &give, NULL, NULL, NULL),
                     STORE_CHANGE_OK);
    assert_int_equal(test_query_int(f->db.st, "SELECT count(*) FROM handovers WHERE received_at IS NULL"), 1);
    /* a stale change writes no hand-over */
    assert_int_equal(move(f, DOSSIER_ACCEPTED, DOSSIER_TRANSFERRED, "2025-11-24 09:21", &give, NULL, NULL, NULL),
                     STORE_CHANGE_STALE);
    assert_int_equal(test_query_int(f->db.st, "SELECT count(*) FROM handovers"), 1);
    assert_int_equal(move(f, DOSSIER_TRANSFERRED, DOSSIER_PROCESSING, "2025-11-24 10:05", &take, NULL, NULL, NULL),
                     STORE_CHANGE_OK);
    assert_int_equal(test_query_int(f->db.st, "SELECT count(*) FROM handovers WHERE received_at = '2025-11-24 10:05'"
                                              " AND receiver = 'Cán bộ B' AND given_at = '2025-11-24 09:20'"), 1);
    assert_int_equal(test_query_int(f->db.st, "SELECT count(*) FROM handovers WHERE received_at IS NULL"), 0);
}

/* A hook that writes to the registry, then refuses (1) or fails (-1) or accepts (0). */
static int hook_verdict;
static int registering_hook(void *ctx)
{
    fixture *f = ctx;
    assert_int_equal(store_registry_put(f->db.st, "taichinh", "cong ty tnhh a", "Công ty TNHH A"), 0);
    return hook_verdict;
}

static void test_hook_refusal_keeps_nothing(void **state)
{
    fixture *f = *state;
    handover_plan give = {.step = "transfer", .from_agency = "Một cửa", .to_agency = "Sở", .giver = "A"};
    long long events = test_query_int(f->db.st, "SELECT count(*) FROM events");
    bool refused = false;
    for (hook_verdict = 1; hook_verdict >= -1; hook_verdict -= 2) {
        assert_int_equal(move(f, DOSSIER_RECEIVED, DOSSIER_ACCEPTED, "2025-11-24 09:10", &give,
                              registering_hook, f, &refused), STORE_CHANGE_ERROR);
        assert_true(refused == (hook_verdict == 1));
        assert_int_equal(test_query_int(f->db.st, "SELECT count(*) FROM registry"), 0);
        assert_int_equal(test_query_int(f->db.st, "SELECT count(*) FROM handovers"), 0);
        assert_int_equal(test_query_int(f->db.st, "SELECT count(*) FROM events"), events);
        assert_int_equal(test_query_int(f->db.st, "SELECT count(*) FROM dossiers WHERE status = 'received'"), 1);
    }
    hook_verdict = 0;
    assert_int_equal(move(f, DOSSIER_RECEIVED, DOSSIER_ACCEPTED, "2025-11-24 09:10", &give,
                          registering_hook, f, &refused), STORE_CHANGE_OK);
    assert_false(refused);
    assert_int_equal(test_query_int(f->db.st, "SELECT count(*) FROM registry"), 1);
    assert_int_equal(test_query_int(f->db.st, "SELECT count(*) FROM handovers"), 1);
    assert_int_equal(test_query_int(f->db.st, "SELECT count(*) FROM events"), events + 1);
}

static void test_supplement_latest(void **state)
{
    fixture *f = *state;
    char source[16], at[STORE_TIME_LEN], err[256];
    long long id = test_query_int(f->db.st, "SELECT id FROM dossiers");
    assert_int_equal(store_supplement_latest(f->db.st, id, source, at), 0);
    dossier_supplement s = {"[{\"title\":\"cccd\"}]", NULL, "department", NULL};
    dossier_change c = {.code = f->code, .from = DOSSIER_RECEIVED, .to = DOSSIER_SUPPLEMENT_REQUESTED,
                        .step_index = -1, .audit_action = "dossier.test", .actor = "x",
                        .at = "2025-11-24 11:00", .supplement = &s};
    assert_int_equal(store_dossier_change(f->db.st, &c, NULL, err, sizeof err), STORE_CHANGE_OK);
    assert_int_equal(store_supplement_latest(f->db.st, id, source, at), 1);
    assert_string_equal(source, "department");
    assert_string_equal(at, "2025-11-24 11:00");
}

/* ---- ABI 1.0 declarations: the hooks are not read past the declaration's size ---- */

static int never_called(motcua_host *host, void *state, const char *procedure_code, const char *action,
                        const char *dossier_json, motcua_problems *problems)
{
    fail_msg("a hook beyond a 1.0 declaration's size was called");
    return -1;
}

static int refusing(motcua_host *host, void *state, const char *procedure_code, const char *action,
                    const char *dossier_json, motcua_problems *problems)
{
    plugin_host_api.problem_add(problems, "details.x", "no", "Không được.");
    return 0;
}

static int render(motcua_host *host, void *state, const char *procedure_code, const char *dossier_json,
                  char **out_text, size_t *out_len)
{
    *out_text = strdup("GIẤY KHAI SINH\nHọ tên: A");
    *out_len = strlen(*out_text);
    return 0;
}

static void test_abi_sizes(void **state)
{
    motcua_plugin decl = {.size = offsetof(motcua_plugin, on_transition), .abi_major = 1, .abi_minor = 0,
                          .department = "x", .on_transition = never_called};
    loaded_plugin p = {.decl = &decl};
    json_t *problems = json_array();
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(plugin_on_transition(&p, "x", "receive", "{}", problems), 0);
    assert_int_equal(plugin_render_result(&p, "x", "{}", &text, &len), 1);
    assert_null(text);
    decl.size = sizeof decl;
    decl.abi_minor = 1;
    decl.on_transition = refusing;
    decl.render_result = render;
    assert_int_equal(plugin_on_transition(&p, "x", "receive", "{}", problems), 0);
    assert_int_equal(json_array_size(problems), 1);
    assert_int_equal(plugin_render_result(&p, "x", "{}", &text, &len), 0);
    assert_string_equal(text, "GIẤY KHAI SINH\nHọ tên: A");
    assert_int_equal(len, strlen(text));
    free(text);
    json_decref(problems);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hook_refusal_keeps_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_supplement_latest, setup, teardown),
        cmocka_unit_test(test_abi_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
