/* Dossiers on SQLite: creation with the daily sequence and PIN (hashed and sealed), reads, lists, status
 * changes with their side rows, pages; each change with its audit event in one transaction. */
#include "store_dossiers.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "store_sqlite_internal.h"

void dossier_row_clear(dossier_row *row)
{
    if (row == NULL)
        return;
    json_decref(row->applicant);
    json_decref(row->details);
    row->applicant = NULL;
    row->details = NULL;
}

/* Reads the per-database PIN key (meta 'pin_key', 32 random bytes in hex) without
 * creating it: 1 read, 0 there is none yet (or it is malformed), -1 on a read error. */
static int pin_key_read(sqlite3 *db, unsigned char key[DOSSIER_PIN_KEY_BYTES])
{
    sqlite3_stmt *stmt = store_sqlite_prepare(db, "SELECT value FROM meta WHERE key = 'pin_key'", NULL, 0);
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_step(stmt), found = rc == SQLITE_DONE ? 0 : -1;
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(stmt, 0);
        size_t got = 0;
        found = v != NULL && sodium_hex2bin(key, DOSSIER_PIN_KEY_BYTES, v, strlen(v), NULL, &got, NULL) == 0 &&
                got == DOSSIER_PIN_KEY_BYTES;
    }
    sqlite3_finalize(stmt);
    return found;
}

/* The per-database PIN key, created on first use inside the caller's transaction. 0 or -1. */
static int pin_key(sqlite3 *db, unsigned char key[DOSSIER_PIN_KEY_BYTES])
{
    unsigned char fresh[DOSSIER_PIN_KEY_BYTES];
    char hex[2 * DOSSIER_PIN_KEY_BYTES + 1];
    randombytes_buf(fresh, sizeof fresh);
    sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
    sodium_memzero(fresh, sizeof fresh);
    const char *put[] = {hex};
    if (store_sqlite_exec(db, "INSERT INTO meta (key, value) VALUES ('pin_key', ?1) "
                              "ON CONFLICT (key) DO NOTHING", put, 1) != 0)
        return -1;
    sodium_memzero(hex, sizeof hex);
    return pin_key_read(db, key) == 1 ? 0 : -1;
}

/* The next daily sequence number of (agency, day); -1 on error. */
static int next_sequence(sqlite3 *db, const char *agency, const char *day)
{
    const char *p[] = {agency, day};
    sqlite3_stmt *stmt = store_sqlite_prepare(db,
                                              "INSERT INTO daily_sequences (agency_code, day, last) "
                                              "VALUES (?1, ?2, 1) ON CONFLICT (agency_code, day) "
                                              "DO UPDATE SET last = last + 1 RETURNING last",
                                              p, 2);
    if (stmt == NULL)
        return -1;
    int seq = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        seq = sqlite3_column_int(stmt, 0);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        seq = -1;
    sqlite3_finalize(stmt);
    return seq;
}

/* "after" JSON of the create event: what was received, never the PIN. */
static char *create_event_json(const dossier_intake *in, const char *code)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", code, "status", "received",
                          "procedure", in->procedure_code, "procedure_digest", in->procedure_digest,
                          "department", in->department, "channel", in->channel, "received_at",
                          in->received_at);
    char *text = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return text;
}

/* The body of store_dossier_create, inside the transaction. */
static int create_in_tx(sqlite3 *db, store *st, const dossier_intake *in, char *code,
                        char *pin, char *err, size_t errlen)
{
    char day[11];
    vn_date d;
    snprintf(day, sizeof day, "%.10s", in->received_at);
    if (!vn_date_parse(day, &d)) {
        snprintf(err, errlen, "received_at '%s' is not YYYY-MM-DD HH:MM", in->received_at);
        return -1;
    }
    const char *ver[] = {in->procedure_code, in->procedure_effective_from, in->procedure_digest,
                         in->procedure_json};
    if (store_sqlite_exec(db, "INSERT INTO procedure_versions (code, effective_from, digest, json) "
                              "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (code, digest) DO NOTHING", ver, 4) != 0)
        return store_sqlite_fail(db, "cannot record the procedure version", err, errlen);
    int seq = next_sequence(db, in->agency_code, day);
    if (seq < 0)
        return store_sqlite_fail(db, "cannot take the daily sequence number", err, errlen);
    if (dossier_code_format(in->agency_code, d, seq, code, DOSSIER_CODE_MAX) != 0) {
        snprintf(err, errlen, "cannot make a dossier code (agency '%s', number %d of the day; "
                 "at most %d a day)", in->agency_code, seq, DOSSIER_SEQUENCE_MAX);
        return -1;
    }
    unsigned char key[DOSSIER_PIN_KEY_BYTES];
    char pin_hash[DOSSIER_PIN_HASH_HEX], pin_sealed[DOSSIER_PIN_SEALED_HEX];
    if (pin_key(db, key) != 0)
        return store_sqlite_fail(db, "cannot read the PIN key", err, errlen);
    dossier_pin_generate(pin);
    int hashed = dossier_pin_hash(key, code, pin, pin_hash) == 0 &&
                 dossier_pin_seal(key, code, pin, pin_sealed) == 0;
    sodium_memzero(key, sizeof key);
    if (!hashed) {
        snprintf(err, errlen, "cannot hash or seal the PIN");
        return -1;
    }
    const char *row[] = {code, in->agency_code, in->procedure_code, in->procedure_digest,
                         in->procedure_effective_from, in->department, in->channel,
                         in->applicant_name, in->applicant_id_number, in->applicant_phone,
                         in->applicant_email, in->applicant_address, in->applicant_json,
                         in->details_json != NULL ? in->details_json : "{}", pin_hash,
                         in->received_at, in->actor, in->actor_name != NULL ? in->actor_name : "",
                         pin_sealed};
    if (store_sqlite_exec(db,
                          "INSERT INTO dossiers (code, agency_code, procedure_code, procedure_digest,"
                          " procedure_effective_from, department, status, channel, applicant_name,"
                          " applicant_id_number, applicant_phone, applicant_email, applicant_address,"
                          " applicant_json, details_json, pin_hash, received_at, received_by,"
                          " received_by_name, created_at, updated_at, pin_sealed) VALUES (?1, ?2, ?3, ?4,"
                          " ?5, ?6, 'received', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
                          " ?16, ?16, ?19)",
                          row, 19) != 0)
        return store_sqlite_fail(db, "cannot insert the dossier", err, errlen);
    char *after = create_event_json(in, code);
    int rc = after != NULL ? audit_append(st, in->actor, "dossier.create", code, NULL, after) : -1;
    free(after);
    if (rc != 0)
        return store_sqlite_fail(db, "cannot append the audit event", err, errlen);
    return 0;
}

int store_dossier_create(store *st, const dossier_intake *in, char code_out[DOSSIER_CODE_MAX],
                         char pin_out[7], char *err, size_t errlen)
{
    char scratch[8];
    if (err == NULL || errlen == 0) {
        err = scratch;
        errlen = sizeof scratch;
    }
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || in == NULL || in->agency_code == NULL || in->procedure_code == NULL ||
        in->procedure_digest == NULL || in->procedure_effective_from == NULL ||
        in->procedure_json == NULL || in->department == NULL || in->channel == NULL ||
        in->applicant_name == NULL || in->applicant_json == NULL || in->received_at == NULL ||
        in->actor == NULL) {
        snprintf(err, errlen, "store_dossier_create: a required field is missing");
        return -1;
    }
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    char code[DOSSIER_CODE_MAX], pin[7];
    if (store_begin(st) != 0)
        return store_sqlite_fail(db, "cannot start the transaction", err, errlen);
    if (create_in_tx(db, st, in, code, pin, err, errlen) != 0 || store_commit(st) != 0) {
        if (err[0] == '\0')
            store_sqlite_fail(db, "cannot commit", err, errlen);
        store_rollback(st);
        sodium_memzero(pin, sizeof pin);
        return -1;
    }
    memcpy(code_out, code, sizeof code);
    memcpy(pin_out, pin, sizeof pin);
    sodium_memzero(pin, sizeof pin);
    return 0;
}

static void copy_col(sqlite3_stmt *stmt, int i, char *dst, size_t len)
{
    const unsigned char *t = sqlite3_column_text(stmt, i);
    snprintf(dst, len, "%s", t != NULL ? (const char *)t : "");
}

static json_t *json_col(sqlite3_stmt *stmt, int i)
{
    const char *t = (const char *)sqlite3_column_text(stmt, i);
    json_t *v = t != NULL ? json_loads(t, 0, NULL) : NULL;
    return v != NULL ? v : json_object();
}

int store_dossier_get(store *st, const char *code, dossier_row *out)
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || code == NULL || out == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    const char *p[] = {code};
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db,
        "SELECT id, code, agency_code, procedure_code, procedure_digest, procedure_effective_from,"
        " department, status, step_index, channel, supplement_count, received_at, accepted_at,"
        " appointment_at, due_at, transferred_at, result_at, returned_at, received_by,"
        " received_by_name, applicant_json, details_json FROM dossiers WHERE code = ?1",
        p, 1);
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(stmt);
        return rc == SQLITE_DONE ? 0 : -1;
    }
    char status[24];
    out->id = sqlite3_column_int64(stmt, 0);
    copy_col(stmt, 1, out->code, sizeof out->code);
    copy_col(stmt, 2, out->agency_code, sizeof out->agency_code);
    copy_col(stmt, 3, out->procedure_code, sizeof out->procedure_code);
    copy_col(stmt, 4, out->procedure_digest, sizeof out->procedure_digest);
    copy_col(stmt, 5, out->procedure_effective_from, sizeof out->procedure_effective_from);
    copy_col(stmt, 6, out->department, sizeof out->department);
    copy_col(stmt, 7, status, sizeof status);
    out->step_index = sqlite3_column_int(stmt, 8);
    copy_col(stmt, 9, out->channel, sizeof out->channel);
    out->supplement_count = sqlite3_column_int(stmt, 10);
    char *times[] = {out->received_at, out->accepted_at, out->appointment_at, out->due_at,
                     out->transferred_at, out->result_at, out->returned_at};
    for (int i = 0; i < 7; i++)
        copy_col(stmt, 11 + i, times[i], STORE_TIME_LEN);
    copy_col(stmt, 18, out->received_by, sizeof out->received_by);
    copy_col(stmt, 19, out->received_by_name, sizeof out->received_by_name);
    out->applicant = json_col(stmt, 20);
    out->details = json_col(stmt, 21);
    sqlite3_finalize(stmt);
    if (!dossier_status_parse(status, &out->status) || out->applicant == NULL || out->details == NULL) {
        dossier_row_clear(out);
        return -1;
    }
    return 1;
}

int store_dossier_pin_check(store *st, const char *code, const char *pin)
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || code == NULL || pin == NULL)
        return -1;
    unsigned char key[DOSSIER_PIN_KEY_BYTES];
    char stored[DOSSIER_PIN_HASH_HEX] = "";
    const char *p[] = {code};
    sqlite3_stmt *stmt = store_sqlite_prepare(db, "SELECT pin_hash FROM dossiers WHERE code = ?1", p, 1);
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        copy_col(stmt, 0, stored, sizeof stored);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    /* Read the key without creating it: no dossier yet means no key, and no match. */
    int have_key = pin_key_read(db, key);
    if (have_key != 1)
        return have_key;
    /* Compare even when the code is unknown, so both answers take the same time. */
    bool ok = dossier_pin_matches(key, code, pin, rc == SQLITE_ROW ? stored :
                                  "0000000000000000000000000000000000000000000000000000000000000000");
    sodium_memzero(key, sizeof key);
    return ok && rc == SQLITE_ROW ? 1 : 0;
}

int store_dossier_pin_reveal(store *st, const char *code, char pin_out[7])
{
    sqlite3 *db = store_sqlite_db(st);
    if (pin_out != NULL)
        pin_out[0] = '\0';
    if (db == NULL || code == NULL || pin_out == NULL)
        return -1;
    const char *p[] = {code};
    sqlite3_stmt *stmt = store_sqlite_prepare(db, "SELECT pin_sealed FROM dossiers WHERE code = ?1", p, 1);
    if (stmt == NULL)
        return -1;
    char sealed[DOSSIER_PIN_SEALED_HEX] = "";
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
        copy_col(stmt, 0, sealed, sizeof sealed);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    if (sealed[0] == '\0')
        return 0;
    unsigned char key[DOSSIER_PIN_KEY_BYTES];
    int opened = pin_key_read(db, key) == 1 && dossier_pin_unseal(key, code, sealed, pin_out) == 0;
    sodium_memzero(key, sizeof key);
    return opened ? 1 : -1;
}

int store_dossier_list(store *st, const char *status, const char *department, int limit,
                       json_t **out)
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || out == NULL || limit < 1 || limit > 1000)
        return -1;
    *out = NULL;
    const char *p[] = {status, department};
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db,
        "SELECT code, procedure_code AS procedure, department, status, channel, applicant_name,"
        " received_at, appointment_at, due_at, supplement_count FROM dossiers"
        " WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR department = ?2)"
        " ORDER BY received_at DESC, id DESC LIMIT ?3",
        p, 2);
    if (stmt == NULL || sqlite3_bind_int(stmt, 3, limit) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return -1;
    }
    *out = store_sqlite_rows(stmt, true);
    sqlite3_finalize(stmt);
    return *out != NULL ? 0 : -1;
}

int store_dossier_related(store *st, long long dossier_id, json_t **out)
{
    static const struct {
        const char *key, *sql;
    } parts[] = {
        {"pages", "SELECT seq, content_type, sha256, size, created_at, created_by FROM pages"
                  " WHERE dossier_id = ?1 ORDER BY seq"},
        {"supplements", "SELECT id AS number, items_json, note, source, requested_by,"
                        " requested_by_name, requested_at, override_by, answered_at"
                        " FROM supplements WHERE dossier_id = ?1 ORDER BY id"},
        {"refusals", "SELECT reason, refused_by, refused_by_name, refused_at FROM refusals"
                     " WHERE dossier_id = ?1 ORDER BY id"},
        {"handovers", "SELECT step, from_agency, to_agency, given_at, received_at, giver,"
                      " receiver, due_at, result, note FROM handovers WHERE dossier_id = ?1"
                      " ORDER BY id"},
        {"apologies", "SELECT id AS number, reason, new_appointment_at, signed_by, issued_at"
                      " FROM apologies WHERE dossier_id = ?1 ORDER BY id"},
    };
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || out == NULL)
        return -1;
    *out = json_object();
    for (size_t i = 0; *out != NULL && i < sizeof parts / sizeof parts[0]; i++) {
        sqlite3_stmt *stmt = store_sqlite_prepare(db, parts[i].sql, NULL, 0);
        json_t *rows = NULL;
        if (stmt != NULL && sqlite3_bind_int64(stmt, 1, dossier_id) == SQLITE_OK)
            rows = store_sqlite_rows(stmt, true);
        sqlite3_finalize(stmt);
        if (rows == NULL || json_object_set_new(*out, parts[i].key, rows) != 0) {
            json_decref(*out);
            *out = NULL;
        }
    }
    return *out != NULL ? 0 : -1;
}

int store_procedure_version_json(store *st, const char *code, const char *digest, char **out)
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || code == NULL || digest == NULL || out == NULL)
        return -1;
    *out = NULL;
    const char *p[] = {code, digest};
    sqlite3_stmt *stmt =
        store_sqlite_prepare(db, "SELECT json FROM procedure_versions WHERE code = ?1 AND digest = ?2", p, 2);
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(stmt, 0);
        *out = strdup(t != NULL ? t : "{}");
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_ROW)
        return *out != NULL ? 1 : -1;
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Reads (id, status, supplement_count, step_index) of a dossier inside the transaction.
 * 1 found, 0 not, -1 error. */
static int read_state(sqlite3 *db, const char *code, long long *id, dossier_status *status,
                      int *supplements, int *step)
{
    const char *p[] = {code};
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db, "SELECT id, status, supplement_count, step_index FROM dossiers WHERE code = ?1", p, 1);
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_step(stmt), found = -1;
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(stmt, 0);
        const char *s = (const char *)sqlite3_column_text(stmt, 1);
        *supplements = sqlite3_column_int(stmt, 2);
        *step = sqlite3_column_int(stmt, 3);
        found = dossier_status_parse(s, status) ? 1 : -1;
    } else if (rc == SQLITE_DONE) {
        found = 0;
    }
    sqlite3_finalize(stmt);
    return found;
}

/* Sets a JSON string member only when value is not NULL. */
static void set_if(json_t *o, const char *key, const char *value)
{
    if (value != NULL)
        json_object_set_new(o, key, json_string(value));
}

/* Audit texts of a change: before = {status, step_index}, after = the same plus what was set. */
static int change_event(store *st, const dossier_change *c, int old_step, int new_step,
                        long long side_id)
{
    json_t *before = json_pack("{s:s,s:i}", "status", dossier_status_name(c->from), "step_index", old_step);
    json_t *after = json_pack("{s:s,s:i}", "status", dossier_status_name(c->to), "step_index", new_step);
    int rc = -1;
    if (before != NULL && after != NULL) {
        set_if(after, "accepted_at", c->accepted_at);
        set_if(after, "appointment_at", c->appointment_at);
        set_if(after, "due_at", c->due_at);
        set_if(after, "transferred_at", c->transferred_at);
        set_if(after, "result_at", c->result_at);
        set_if(after, "returned_at", c->returned_at);
        set_if(after, "refusal_reason", c->refusal_reason);
        set_if(after, "note", c->note);
        if (c->payment != NULL)
            json_object_set_new(after, "payment",
                                json_pack("{s:I,s:s,s:s?,s:s}", "fee_collected", (json_int_t)c->payment->amount,
                                          "fee_name", c->payment->fee_name, "receipt_number",
                                          c->payment->receipt_number, "method", c->payment->method));
        if (c->supplement != NULL) {
            json_t *items = json_loads(c->supplement->items_json, 0, NULL);
            json_object_set_new(after, "supplement",
                                json_pack("{s:I,s:o,s:s,s:s?,s:s?}", "number", (json_int_t)side_id,
                                          "items", items != NULL ? items : json_null(), "source",
                                          c->supplement->source, "note", c->supplement->note,
                                          "override_by", c->supplement->override_by));
        }
        char *b = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
        char *a = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
        if (b != NULL && a != NULL)
            rc = audit_append(st, c->actor, c->audit_action, c->code, b, a);
        free(b);
        free(a);
    }
    json_decref(before);
    json_decref(after);
    return rc;
}

static store_change_result change_in_tx(sqlite3 *db, store *st, const dossier_change *c,
                                        long long *side_id, char *err, size_t errlen)
{
    long long id = 0;
    dossier_status now;
    int supplements = 0, step = 0;
    int found = read_state(db, c->code, &id, &now, &supplements, &step);
    if (found < 0)
        return store_sqlite_fail(db, "cannot read the dossier", err, errlen);
    if (found == 0)
        return STORE_CHANGE_NOT_FOUND;
    if (now != c->from)
        return STORE_CHANGE_STALE;
    if (c->supplement != NULL && supplements > 0 && c->supplement->override_by == NULL)
        return STORE_CHANGE_SUPPLEMENT_LIMIT;
    int new_step = c->step_index >= 0 ? c->step_index : step;
    char step_text[16];
    snprintf(step_text, sizeof step_text, "%d", new_step);
    const char *p[] = {dossier_status_name(c->to), step_text, c->accepted_at, c->appointment_at,
                       c->due_at, c->transferred_at, c->result_at, c->returned_at, c->closed_at,
                       c->supplement != NULL ? "1" : "0", c->at, c->code};
    if (store_sqlite_exec(db,
                          "UPDATE dossiers SET status = ?1, step_index = CAST(?2 AS INTEGER),"
                          " accepted_at = COALESCE(?3, accepted_at),"
                          " appointment_at = COALESCE(?4, appointment_at), due_at = COALESCE(?5, due_at),"
                          " transferred_at = COALESCE(?6, transferred_at),"
                          " result_at = COALESCE(?7, result_at), returned_at = COALESCE(?8, returned_at),"
                          " closed_at = COALESCE(?9, closed_at),"
                          " supplement_count = supplement_count + CAST(?10 AS INTEGER), updated_at = ?11"
                          " WHERE code = ?12",
                          p, 12) != 0)
        return store_sqlite_fail(db, "cannot update the dossier", err, errlen);
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", id);
    const char *name = c->actor_name != NULL ? c->actor_name : "";
    if (c->supplement != NULL) {
        const dossier_supplement *s = c->supplement;
        const char *q[] = {idtext, s->items_json, s->note, s->source, c->actor, name, c->at,
                           s->override_by};
        if (store_sqlite_exec(db,
                              "INSERT INTO supplements (dossier_id, items_json, note, source,"
                              " requested_by, requested_by_name, requested_at, override_by)"
                              " VALUES (CAST(?1 AS INTEGER), ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                              q, 8) != 0)
            return store_sqlite_fail(db, "cannot record the supplement request", err, errlen);
        *side_id = sqlite3_last_insert_rowid(db);
    }
    if (c->from == DOSSIER_SUPPLEMENT_REQUESTED) {
        const char *q[] = {c->at, idtext};
        if (store_sqlite_exec(db, "UPDATE supplements SET answered_at = ?1 WHERE dossier_id ="
                                  " CAST(?2 AS INTEGER) AND answered_at IS NULL", q, 2) != 0)
            return store_sqlite_fail(db, "cannot close the supplement request", err, errlen);
    }
    if (c->refusal_reason != NULL) {
        const char *q[] = {idtext, c->refusal_reason, c->actor, name, c->at};
        if (store_sqlite_exec(db,
                              "INSERT INTO refusals (dossier_id, reason, refused_by, refused_by_name,"
                              " refused_at) VALUES (CAST(?1 AS INTEGER), ?2, ?3, ?4, ?5)",
                              q, 5) != 0)
            return store_sqlite_fail(db, "cannot record the refusal", err, errlen);
        *side_id = sqlite3_last_insert_rowid(db);
    }
    if (c->payment != NULL && store_payment_record_in_tx(st, id, c->payment, c->actor, c->at) != 0)
        return store_sqlite_fail(db, "cannot record the payment", err, errlen);
    if (change_event(st, c, step, new_step, *side_id) != 0)
        return store_sqlite_fail(db, "cannot append the audit event", err, errlen);
    return STORE_CHANGE_OK;
}

/* True when c has every field a change needs. */
static bool change_complete(const dossier_change *c)
{
    return c != NULL && c->code != NULL && c->audit_action != NULL && c->actor != NULL &&
           c->at != NULL && dossier_status_name(c->from) != NULL &&
           dossier_status_name(c->to) != NULL &&
           (c->supplement == NULL || (c->supplement->items_json != NULL && c->supplement->source != NULL)) &&
           (c->payment == NULL ||
            (c->payment->amount >= 0 && c->payment->fee_name != NULL && c->payment->method != NULL));
}

store_change_result store_dossier_change_in_tx(store *st, const dossier_change *c,
                                               long long *side_id, char *err, size_t errlen)
{
    long long side = 0;
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || !change_complete(c) || err == NULL || errlen == 0) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "store_dossier_change_in_tx: a required field is missing");
        return STORE_CHANGE_ERROR;
    }
    store_change_result r = change_in_tx(db, st, c, &side, err, errlen);
    if (side_id != NULL)
        *side_id = r == STORE_CHANGE_OK ? side : 0;
    return r;
}

store_change_result store_dossier_change(store *st, const dossier_change *c, long long *side_id,
                                         char *err, size_t errlen)
{
    char scratch[8];
    long long side = 0;
    if (err == NULL || errlen == 0) {
        err = scratch;
        errlen = sizeof scratch;
    }
    err[0] = '\0';
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || !change_complete(c)) {
        snprintf(err, errlen, "store_dossier_change: a required field is missing");
        return STORE_CHANGE_ERROR;
    }
    if (store_begin(st) != 0) {
        store_sqlite_fail(db, "cannot start the transaction", err, errlen);
        return STORE_CHANGE_ERROR;
    }
    store_change_result r = change_in_tx(db, st, c, &side, err, errlen);
    if (r == STORE_CHANGE_OK && store_commit(st) != 0) {
        store_sqlite_fail(db, "cannot commit", err, errlen);
        r = STORE_CHANGE_ERROR;
    }
    if (r != STORE_CHANGE_OK) {
        store_rollback(st);
        side = 0;
    }
    if (side_id != NULL)
        *side_id = side;
    return r;
}

store_change_result store_page_add(store *st, const char *code, const char *content_type,
                                   const char *sha256_hex, long long size, const char *path,
                                   const char *at, const char *actor, int *seq_out)
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || code == NULL || content_type == NULL || sha256_hex == NULL || size <= 0 ||
        path == NULL || at == NULL || actor == NULL || store_begin(st) != 0)
        return STORE_CHANGE_ERROR;
    store_change_result r = STORE_CHANGE_ERROR;
    char size_text[24];
    snprintf(size_text, sizeof size_text, "%lld", size);
    const char *p[] = {code, content_type, sha256_hex, size_text, path, at, actor};
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db,
        "INSERT INTO pages (dossier_id, seq, content_type, sha256, size, path, created_at, created_by)"
        " SELECT d.id, 1 + COALESCE((SELECT MAX(seq) FROM pages WHERE dossier_id = d.id), 0),"
        " ?2, ?3, CAST(?4 AS INTEGER), ?5, ?6, ?7 FROM dossiers d WHERE d.code = ?1 RETURNING seq",
        p, 7);
    int seq = 0;
    if (stmt != NULL) {
        int rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            seq = sqlite3_column_int(stmt, 0);
            rc = sqlite3_step(stmt);
        }
        if (rc == SQLITE_DONE)
            r = seq > 0 ? STORE_CHANGE_OK : STORE_CHANGE_NOT_FOUND;
    }
    sqlite3_finalize(stmt);
    if (r == STORE_CHANGE_OK) {
        json_t *after = json_pack("{s:i,s:s,s:s,s:I}", "page", seq, "content_type", content_type,
                                  "sha256", sha256_hex, "size", (json_int_t)size);
        char *a = after != NULL ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        if (a == NULL || audit_append(st, actor, "dossier.page", code, NULL, a) != 0 ||
            store_commit(st) != 0)
            r = STORE_CHANGE_ERROR;
        free(a);
        json_decref(after);
    }
    if (r != STORE_CHANGE_OK)
        store_rollback(st);
    else if (seq_out != NULL)
        *seq_out = seq;
    return r;
}
