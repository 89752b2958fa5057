/* The sealed lookup PIN: dossier_pin_seal/unseal (random nonce, key kept apart from the hash
 * key, tied to its dossier, any alteration refused) and store_dossier_pin_reveal on a real store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <sodium.h>

#include "dossier.h"
#include "store_dossiers.h"
#include "test_support.h"

static const char CODE[] = "H35.251122.0007";

static void fill_key(unsigned char key[DOSSIER_PIN_KEY_BYTES], unsigned char b)
{
    memset(key, b, DOSSIER_PIN_KEY_BYTES);
}

static void test_round_trip_with_fresh_nonces(void **state)
{
    (void)state;
    unsigned char key[DOSSIER_PIN_KEY_BYTES];
    fill_key(key, 7);
    char a[DOSSIER_PIN_SEALED_HEX], b[DOSSIER_PIN_SEALED_HEX], pin[7] = "x";
    assert_int_equal(dossier_pin_seal(key, CODE, "012345", a), 0);
    assert_int_equal(dossier_pin_seal(key, CODE, "012345", b), 0);
    /* nonce 24 + MAC 16 + "H35.251122.0007|012345" 22, in hex */
    assert_int_equal(strlen(a), 2 * (24 + 16 + strlen(CODE) + 7));
    assert_string_not_equal(a, b);
    assert_null(strstr(a, "012345"));
    assert_int_equal(dossier_pin_unseal(key, CODE, a, pin), 0);
    assert_string_equal(pin, "012345");
    assert_int_equal(dossier_pin_unseal(key, CODE, b, pin), 0);
    assert_string_equal(pin, "012345");
}

static void test_refuses_what_does_not_belong(void **state)
{
    (void)state;
    unsigned char key[DOSSIER_PIN_KEY_BYTES], other[DOSSIER_PIN_KEY_BYTES];
    fill_key(key, 7);
    fill_key(other, 8);
    char s[DOSSIER_PIN_SEALED_HEX], pin[7];
    assert_int_equal(dossier_pin_seal(key, CODE, "987654", s), 0);

    snprintf(pin, sizeof pin, "x");
    assert_int_equal(dossier_pin_unseal(other, CODE, s, pin), -1); /* another database's key */
    assert_string_equal(pin, "");
    assert_int_equal(dossier_pin_unseal(key, "H35.251122.0008", s, pin), -1); /* another dossier */
    assert_int_equal(dossier_pin_unseal(key, "H35.251122.000", s, pin), -1);

    char t[DOSSIER_PIN_SEALED_HEX];
    for (size_t i = 0; i < strlen(s); i += 7) { /* any changed digit: nonce, MAC or box */
        memcpy(t, s, sizeof t);
        t[i] = t[i] == '0' ? '1' : '0';
        assert_int_equal(dossier_pin_unseal(key, CODE, t, pin), -1);
        assert_string_equal(pin, "");
    }
    memcpy(t, s, sizeof t);
    t[strlen(t) - 2] = '\0'; /* one byte short */
    assert_int_equal(dossier_pin_unseal(key, CODE, t, pin), -1);
    memcpy(t, s, sizeof t);
    t[10] = 'g'; /* not hex */
    assert_int_equal(dossier_pin_unseal(key, CODE, t, pin), -1);
    assert_int_equal(dossier_pin_unseal(key, CODE, "", pin), -1);
    assert_int_equal(dossier_pin_unseal(key, CODE, NULL, pin), -1);
    assert_int_equal(dossier_pin_unseal(key, CODE, s, NULL), -1);
}

/* The box is not sealed with the PIN key itself (that key also keys the PIN hash). */
static void test_sealing_key_is_derived(void **state)
{
    (void)state;
    unsigned char key[DOSSIER_PIN_KEY_BYTES], box[128], plain[128];
    fill_key(key, 9);
    char s[DOSSIER_PIN_SEALED_HEX];
    size_t len = 0;
    assert_int_equal(dossier_pin_seal(key, CODE, "555000", s), 0);
    assert_int_equal(sodium_hex2bin(box, sizeof box, s, strlen(s), NULL, &len, NULL), 0);
    assert_int_equal(crypto_secretbox_open_easy(plain, box + crypto_secretbox_NONCEBYTES,
                                                len - crypto_secretbox_NONCEBYTES, box, key), -1);
    unsigned char sub[crypto_secretbox_KEYBYTES];
    assert_int_equal(crypto_kdf_derive_from_key(sub, sizeof sub, 1, "motcuPIN", key), 0);
    assert_int_equal(crypto_secretbox_open_easy(plain, box + crypto_secretbox_NONCEBYTES,
                                                len - crypto_secretbox_NONCEBYTES, box, sub), 0);
    assert_memory_equal(plain, "H35.251122.0007|555000", 22);
}

static void test_seal_refuses_malformed_input(void **state)
{
    (void)state;
    unsigned char key[DOSSIER_PIN_KEY_BYTES];
    fill_key(key, 7);
    char s[DOSSIER_PIN_SEALED_HEX] = "untouched";
    assert_int_equal(dossier_pin_seal(key, CODE, "12345", s), -1);
    assert_int_equal(dossier_pin_seal(key, CODE, "1234567", s), -1);
    assert_int_equal(dossier_pin_seal(key, CODE, "12345a", s), -1);
    assert_int_equal(dossier_pin_seal(key, CODE, NULL, s), -1);
    assert_int_equal(dossier_pin_seal(key, "H35|251122.0007", "123456", s), -1);
    assert_int_equal(dossier_pin_seal(NULL, CODE, "123456", s), -1);
    assert_string_equal(s, "untouched");
}

static int setup(void **state)
{
    return test_db_setup(state, "pinseal", 5000);
}

static dossier_intake intake(void)
{
    dossier_intake in = {
        .agency_code = "H35",
        .procedure_code = "lltp",
        .procedure_digest = "d1d1",
        .procedure_effective_from = "2025-07-01",
        .procedure_json = "{}",
        .department = "congan",
        .channel = "counter",
        .applicant_name = "Nguyễn Văn An",
        .applicant_json = "{\"name\":\"Nguyễn Văn An\"}",
        .received_at = "2025-11-22 09:15",
        .actor = "demo-counter",
    };
    return in;
}

static void exec_sql(store *st, const char *sql)
{
    assert_int_equal(sqlite3_exec(store_sqlite_db(st), sql, NULL, NULL, NULL), SQLITE_OK);
}

static void test_store_reveal(void **state)
{
    test_db *d = *state;
    dossier_intake in = intake();
    char a[DOSSIER_CODE_MAX], b[DOSSIER_CODE_MAX], pa[7], pb[7], got[7], err[256] = "";
    assert_int_equal(store_dossier_create(d->st, &in, a, pa, err, sizeof err), 0);
    assert_int_equal(store_dossier_create(d->st, &in, b, pb, err, sizeof err), 0);

    assert_int_equal(store_dossier_pin_reveal(d->st, a, got), 1);
    assert_string_equal(got, pa);
    assert_int_equal(store_dossier_pin_reveal(d->st, b, got), 1);
    assert_string_equal(got, pb);
    assert_int_equal(store_dossier_pin_check(d->st, a, pa), 1); /* the hash still answers lookups */
    assert_int_equal(store_dossier_pin_reveal(d->st, "H35.251122.0099", got), 0);
    assert_string_equal(got, "");
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM dossiers WHERE pin_sealed IS NULL"), 0);

    /* a's sealed PIN on b does not open there */
    exec_sql(d->st, "UPDATE dossiers SET pin_sealed = (SELECT pin_sealed FROM dossiers WHERE"
                    " code = 'H35.251122.0001') WHERE code = 'H35.251122.0002'");
    snprintf(got, sizeof got, "x");
    assert_int_equal(store_dossier_pin_reveal(d->st, b, got), -1);
    assert_string_equal(got, "");
    /* none kept (received before migration 6) */
    exec_sql(d->st, "UPDATE dossiers SET pin_sealed = NULL WHERE code = 'H35.251122.0002'");
    assert_int_equal(store_dossier_pin_reveal(d->st, b, got), 0);
    /* the key gone: nothing opens */
    exec_sql(d->st, "DELETE FROM meta WHERE key = 'pin_key'");
    assert_int_equal(store_dossier_pin_reveal(d->st, a, got), -1);
    assert_int_equal(store_dossier_pin_reveal(d->st, NULL, got), -1);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_with_fresh_nonces),
        cmocka_unit_test(test_refuses_what_does_not_belong),
        cmocka_unit_test(test_sealing_key_is_derived),
        cmocka_unit_test(test_seal_refuses_malformed_input),
        cmocka_unit_test_setup_teardown(test_store_reveal, setup, test_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
