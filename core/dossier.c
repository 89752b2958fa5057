/* The dossier model: state names, the transition table, the one-supplement rule, codes and PINs. */
#include "dossier.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "calendar.h"

typedef struct status_info {
    const char *name, *label;
    bool terminal;
} status_info;

static const status_info statuses[DOSSIER_STATUS_COUNT] = {
    [DOSSIER_RECEIVED] = {"received", "Đã tiếp nhận, đang kiểm tra", false},
    [DOSSIER_SUPPLEMENT_REQUESTED] = {"supplement_requested", "Chờ bổ sung, hoàn thiện hồ sơ", false},
    [DOSSIER_REFUSED] = {"refused", "Từ chối tiếp nhận", true},
    [DOSSIER_ACCEPTED] = {"accepted", "Đã nhận hồ sơ, hẹn trả kết quả", false},
    [DOSSIER_TRANSFERRED] = {"transferred", "Đã chuyển cơ quan giải quyết", false},
    [DOSSIER_PROCESSING] = {"processing", "Đang giải quyết", false},
    [DOSSIER_DONE] = {"done", "Đã xử lý xong, chờ trả kết quả", false},
    [DOSSIER_RETURNED] = {"returned", "Đã trả kết quả", true},
    [DOSSIER_STOPPED] = {"stopped", "Dừng xử lý", true},
    [DOSSIER_WITHDRAWN] = {"withdrawn", "Công dân rút hồ sơ", true},
};

const char *dossier_status_name(dossier_status s)
{
    return (unsigned)s < DOSSIER_STATUS_COUNT ? statuses[s].name : NULL;
}

const char *dossier_status_label(dossier_status s)
{
    return (unsigned)s < DOSSIER_STATUS_COUNT ? statuses[s].label : NULL;
}

bool dossier_status_parse(const char *name, dossier_status *out)
{
    if (name == NULL)
        return false;
    for (int i = 0; i < DOSSIER_STATUS_COUNT; i++)
        if (strcmp(statuses[i].name, name) == 0) {
            *out = (dossier_status)i;
            return true;
        }
    return false;
}

bool dossier_status_terminal(dossier_status s)
{
    return (unsigned)s < DOSSIER_STATUS_COUNT && statuses[s].terminal;
}

/* The lifecycle (DOMAIN.md "The flow"). One row per (action, from-state); the roles are
 * checked here, the department scope by the API (auth_may_access_department). */
const dossier_transition dossier_transitions[] = {
    /* intake at the counter: the three outcomes */
    {"accept", DOSSIER_RECEIVED, DOSSIER_ACCEPTED, ROLE_COUNTER, false, DOSSIER_GUARD_NONE, "dossier.accept"},
    {"request_supplement", DOSSIER_RECEIVED, DOSSIER_SUPPLEMENT_REQUESTED,
     ROLE_COUNTER | ROLE_DEPARTMENT_HEAD, false, DOSSIER_GUARD_NONE, "dossier.supplement"},
    {"refuse", DOSSIER_RECEIVED, DOSSIER_REFUSED, ROLE_COUNTER, false, DOSSIER_GUARD_NONE, "dossier.refuse"},
    /* the citizen brings the missing papers: intake checks again */
    {"resubmit", DOSSIER_SUPPLEMENT_REQUESTED, DOSSIER_RECEIVED, ROLE_COUNTER, false,
     DOSSIER_GUARD_NONE, "dossier.resubmit"},
    /* transfer to the competent department, which takes it in */
    {"transfer", DOSSIER_ACCEPTED, DOSSIER_TRANSFERRED, ROLE_COUNTER, false, DOSSIER_GUARD_NONE,
     "dossier.transfer"},
    {"receive", DOSSIER_TRANSFERRED, DOSSIER_PROCESSING, ROLE_ANY_DEPARTMENT, false,
     DOSSIER_GUARD_NONE, "dossier.receive"},
    /* the procedure's workflow steps, each done by the role it declares */
    {"complete_step", DOSSIER_PROCESSING, DOSSIER_PROCESSING, ROLE_NONE, true,
     DOSSIER_GUARD_MORE_STEPS, "dossier.step"},
    {"complete_step", DOSSIER_PROCESSING, DOSSIER_DONE, ROLE_NONE, true, DOSSIER_GUARD_LAST_STEP,
     "dossier.done"},
    /* a deficiency found by the department goes back to the citizen (the one supplement) */
    {"send_back", DOSSIER_TRANSFERRED, DOSSIER_SUPPLEMENT_REQUESTED, ROLE_ANY_DEPARTMENT, false,
     DOSSIER_GUARD_NONE, "dossier.send_back"},
    {"send_back", DOSSIER_PROCESSING, DOSSIER_SUPPLEMENT_REQUESTED, ROLE_ANY_DEPARTMENT, false,
     DOSSIER_GUARD_NONE, "dossier.send_back"},
    /* stop (the department head) and withdrawal (the citizen, at the counter) */
    {"stop", DOSSIER_ACCEPTED, DOSSIER_STOPPED, ROLE_DEPARTMENT_HEAD, false, DOSSIER_GUARD_NONE, "dossier.stop"},
    {"stop", DOSSIER_TRANSFERRED, DOSSIER_STOPPED, ROLE_DEPARTMENT_HEAD, false, DOSSIER_GUARD_NONE, "dossier.stop"},
    {"stop", DOSSIER_PROCESSING, DOSSIER_STOPPED, ROLE_DEPARTMENT_HEAD, false, DOSSIER_GUARD_NONE, "dossier.stop"},
    {"withdraw", DOSSIER_RECEIVED, DOSSIER_WITHDRAWN, ROLE_COUNTER, false, DOSSIER_GUARD_NONE, "dossier.withdraw"},
    {"withdraw", DOSSIER_SUPPLEMENT_REQUESTED, DOSSIER_WITHDRAWN, ROLE_COUNTER, false,
     DOSSIER_GUARD_NONE, "dossier.withdraw"},
    {"withdraw", DOSSIER_ACCEPTED, DOSSIER_WITHDRAWN, ROLE_COUNTER, false, DOSSIER_GUARD_NONE, "dossier.withdraw"},
    {"withdraw", DOSSIER_TRANSFERRED, DOSSIER_WITHDRAWN, ROLE_COUNTER, false, DOSSIER_GUARD_NONE, "dossier.withdraw"},
    {"withdraw", DOSSIER_PROCESSING, DOSSIER_WITHDRAWN, ROLE_COUNTER, false, DOSSIER_GUARD_NONE, "dossier.withdraw"},
    /* the result goes back to the citizen */
    {"return", DOSSIER_DONE, DOSSIER_RETURNED, ROLE_COUNTER, false, DOSSIER_GUARD_NONE, "dossier.return"},
};

const size_t dossier_transition_count = sizeof dossier_transitions / sizeof dossier_transitions[0];

static bool guard_holds(dossier_guard g, int step_index, int step_count)
{
    bool last = step_index >= step_count - 1;
    switch (g) {
    case DOSSIER_GUARD_MORE_STEPS:
        return !last;
    case DOSSIER_GUARD_LAST_STEP:
        return last;
    default:
        return true;
    }
}

const dossier_transition *dossier_transition_find(const char *action, dossier_status from,
                                                  int step_index, int step_count)
{
    if (action == NULL)
        return NULL;
    for (size_t i = 0; i < dossier_transition_count; i++) {
        const dossier_transition *t = &dossier_transitions[i];
        if (t->from == from && strcmp(t->action, action) == 0 &&
            guard_holds(t->guard, step_index, step_count))
            return t;
    }
    return NULL;
}

bool dossier_transition_allows(const dossier_transition *t, role r, const char *step_role_name)
{
    if (t == NULL || r == ROLE_NONE)
        return false;
    if ((t->roles & (unsigned)r) != 0)
        return true;
    if (!t->step_role || step_role_name == NULL)
        return false;
    role step = role_parse(step_role_name);
    /* A head may also do an officer's step; an officer never a head's. */
    return step != ROLE_NONE &&
           (r == step || (step == ROLE_DEPARTMENT_OFFICER && r == ROLE_DEPARTMENT_HEAD));
}

int dossier_transition_next_step(const dossier_transition *t, int step_index)
{
    if (t->from != DOSSIER_PROCESSING && t->to == DOSSIER_PROCESSING)
        return 0;
    if (t->guard == DOSSIER_GUARD_MORE_STEPS)
        return step_index + 1;
    return step_index;
}

dossier_supplement_verdict dossier_supplement_check(int supplement_count, role r, bool override)
{
    if (supplement_count <= 0)
        return DOSSIER_SUPPLEMENT_FIRST;
    return override && r == ROLE_DEPARTMENT_HEAD ? DOSSIER_SUPPLEMENT_OVERRIDE
                                                 : DOSSIER_SUPPLEMENT_REFUSED;
}

bool dossier_agency_code_valid(const char *agency_code)
{
    if (agency_code == NULL)
        return false;
    size_t n = strlen(agency_code);
    if (n == 0 || n > 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = agency_code[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

int dossier_code_format(const char *agency_code, vn_date day, int seq, char *buf, size_t len)
{
    char iso[11];
    vn_date check;
    if (!dossier_agency_code_valid(agency_code) || seq < 1 || seq > DOSSIER_SEQUENCE_MAX ||
        buf == NULL || len < DOSSIER_CODE_MAX)
        return -1;
    vn_date_format(day, iso);
    if (!vn_date_parse(iso, &check) || check != day)
        return -1;
    snprintf(buf, len, "%s.%02d%02d%02d.%04d", agency_code, (day / 10000) % 100,
             (day / 100) % 100, day % 100, seq);
    return 0;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool dossier_code_valid(const char *code)
{
    if (code == NULL)
        return false;
    const char *dot = strchr(code, '.');
    if (dot == NULL || (size_t)(dot - code) > 10 || dot == code)
        return false;
    char agency[11];
    memcpy(agency, code, (size_t)(dot - code));
    agency[dot - code] = '\0';
    const char *rest = dot + 1;
    return dossier_agency_code_valid(agency) && strlen(rest) == 11 && all_digits(rest, 6) &&
           rest[6] == '.' && all_digits(rest + 7, 4);
}

void dossier_pin_generate(char pin[7])
{
    snprintf(pin, 7, "%06u", (unsigned)randombytes_uniform(1000000));
}

static bool pin_well_formed(const char *pin)
{
    return pin != NULL && strlen(pin) == 6 && all_digits(pin, 6);
}

int dossier_pin_hash(const unsigned char key[DOSSIER_PIN_KEY_BYTES], const char *code,
                     const char *pin, char out[DOSSIER_PIN_HASH_HEX])
{
    if (key == NULL || code == NULL || !pin_well_formed(pin))
        return -1;
    crypto_generichash_state h;
    unsigned char digest[32];
    if (crypto_generichash_init(&h, key, DOSSIER_PIN_KEY_BYTES, sizeof digest) != 0)
        return -1;
    crypto_generichash_update(&h, (const unsigned char *)code, strlen(code));
    crypto_generichash_update(&h, (const unsigned char *)"|", 1);
    crypto_generichash_update(&h, (const unsigned char *)pin, 6);
    crypto_generichash_final(&h, digest, sizeof digest);
    sodium_bin2hex(out, DOSSIER_PIN_HASH_HEX, digest, sizeof digest);
    return 0;
}

bool dossier_pin_matches(const unsigned char key[DOSSIER_PIN_KEY_BYTES], const char *code,
                         const char *pin, const char *stored_hex)
{
    char hex[DOSSIER_PIN_HASH_HEX];
    if (stored_hex == NULL || strlen(stored_hex) != DOSSIER_PIN_HASH_HEX - 1 ||
        dossier_pin_hash(key, code, pin, hex) != 0)
        return false;
    return sodium_memcmp(hex, stored_hex, DOSSIER_PIN_HASH_HEX - 1) == 0;
}

/* The sealing key: the PIN key's first crypto_kdf subkey ("motcuPIN" is the context). */
static int seal_key(const unsigned char key[DOSSIER_PIN_KEY_BYTES],
                    unsigned char out[crypto_secretbox_KEYBYTES])
{
    _Static_assert(DOSSIER_PIN_KEY_BYTES == crypto_kdf_KEYBYTES, "the PIN key is a kdf master key");
    _Static_assert(crypto_secretbox_NONCEBYTES == 24 && crypto_secretbox_MACBYTES == 16,
                   "DOSSIER_PIN_SEALED_HEX assumes XSalsa20-Poly1305 sizes");
    return crypto_kdf_derive_from_key(out, crypto_secretbox_KEYBYTES, 1, "motcuPIN", key);
}

int dossier_pin_seal(const unsigned char key[DOSSIER_PIN_KEY_BYTES], const char *code,
                     const char *pin, char out[DOSSIER_PIN_SEALED_HEX])
{
    if (key == NULL || !dossier_code_valid(code) || !pin_well_formed(pin) || out == NULL)
        return -1;
    unsigned char plain[DOSSIER_CODE_MAX + 6];
    unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + sizeof plain];
    unsigned char k[crypto_secretbox_KEYBYTES];
    size_t n = strlen(code);
    memcpy(plain, code, n);
    plain[n] = '|';
    memcpy(plain + n + 1, pin, 6);
    n += 7;
    int rc = -1;
    if (seal_key(key, k) == 0) {
        randombytes_buf(box, crypto_secretbox_NONCEBYTES);
        rc = crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, plain, n, box, k);
    }
    if (rc == 0)
        sodium_bin2hex(out, DOSSIER_PIN_SEALED_HEX, box,
                       crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n);
    sodium_memzero(k, sizeof k);
    sodium_memzero(plain, sizeof plain);
    return rc == 0 ? 0 : -1;
}

int dossier_pin_unseal(const unsigned char key[DOSSIER_PIN_KEY_BYTES], const char *code,
                       const char *sealed_hex, char pin_out[7])
{
    if (pin_out != NULL)
        pin_out[0] = '\0';
    if (key == NULL || !dossier_code_valid(code) || sealed_hex == NULL || pin_out == NULL)
        return -1;
    unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + DOSSIER_CODE_MAX + 6];
    unsigned char plain[DOSSIER_CODE_MAX + 6];
    unsigned char k[crypto_secretbox_KEYBYTES];
    size_t len = 0, n = strlen(code);
    if (sodium_hex2bin(box, sizeof box, sealed_hex, strlen(sealed_hex), NULL, &len, NULL) != 0 ||
        len != crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n + 7 || seal_key(key, k) != 0)
        return -1;
    int rc = crypto_secretbox_open_easy(plain, box + crypto_secretbox_NONCEBYTES,
                                        len - crypto_secretbox_NONCEBYTES, box, k);
    sodium_memzero(k, sizeof k);
    if (rc == 0 && memcmp(plain, code, n) == 0 && plain[n] == '|' && all_digits((const char *)plain + n + 1, 6)) {
        memcpy(pin_out, plain + n + 1, 6);
        pin_out[6] = '\0';
    } else {
        rc = -1;
    }
    sodium_memzero(plain, sizeof plain);
    return rc == 0 ? 0 : -1;
}

void dossier_now(char buf[17])
{
    calendar_minute_format(calendar_minute_from_time(time(NULL)), buf);
}
