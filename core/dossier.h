/* The dossier model: its states, the transition table (who may move a dossier from which
 * state to which), dossier codes, lookup PINs and the one-supplement rule. Pure logic: the
 * store (core/store_dossiers.h) keeps dossiers, this module decides what is allowed. */
#ifndef MOTCUA_DOSSIER_H
#define MOTCUA_DOSSIER_H

#include <stdbool.h>
#include <stddef.h>

#include "roles.h"
#include "vntime.h"

/* ---- states ------------------------------------------------------------------------- */

typedef enum dossier_status {
    DOSSIER_RECEIVED = 0,          /* Đã tiếp nhận: intake in progress at the counter */
    DOSSIER_SUPPLEMENT_REQUESTED,  /* Chờ bổ sung hồ sơ */
    DOSSIER_REFUSED,               /* Từ chối tiếp nhận (terminal) */
    DOSSIER_ACCEPTED,              /* Đã nhận, hẹn trả kết quả (Form 01 issued) */
    DOSSIER_TRANSFERRED,           /* Đã chuyển cơ quan giải quyết */
    DOSSIER_PROCESSING,            /* Đang giải quyết: at workflow step step_index */
    DOSSIER_DONE,                  /* Đã xử lý xong: the result is at the counter */
    DOSSIER_RETURNED,              /* Đã trả kết quả (terminal) */
    DOSSIER_STOPPED,               /* Dừng xử lý (terminal) */
    DOSSIER_WITHDRAWN,             /* Công dân rút hồ sơ (terminal) */
    DOSSIER_STATUS_COUNT
} dossier_status;

/* "received", "supplement_requested", ... (the names stored and shown by the API);
 * NULL for a value outside the enum. */
const char *dossier_status_name(dossier_status s);
/* The Vietnamese label ("Đã tiếp nhận"); NULL outside the enum. */
const char *dossier_status_label(dossier_status s);
/* Parses a status name; false (leaving *out) for anything else, NULL included. */
bool dossier_status_parse(const char *name, dossier_status *out);
/* True for refused, returned, stopped, withdrawn: nothing moves a dossier out of them. */
bool dossier_status_terminal(dossier_status s);

/* ---- transitions -------------------------------------------------------------------- */

/* When a transition applies beyond its from-state. */
typedef enum dossier_guard {
    DOSSIER_GUARD_NONE = 0,
    DOSSIER_GUARD_MORE_STEPS,  /* the current workflow step is not the last */
    DOSSIER_GUARD_LAST_STEP    /* the current workflow step is the last */
} dossier_guard;

typedef struct dossier_transition {
    const char *action;        /* "accept", "request_supplement", ..., as in the API */
    dossier_status from, to;
    unsigned roles;            /* mask of role values allowed */
    bool step_role;            /* also/instead: the role declared by the current workflow step */
    dossier_guard guard;
    const char *audit_action;  /* event action, "dossier.accept" */
} dossier_transition;

/* The whole table, and its length (for tests and documentation). */
extern const dossier_transition dossier_transitions[];
extern const size_t dossier_transition_count;

/* The transition for `action` from `from`, given the workflow position (step_index is
 * 0-based, step_count the procedure version's number of steps). NULL when the action is
 * unknown or not allowed from that state: the API answers 409 then. */
const dossier_transition *dossier_transition_find(const char *action, dossier_status from,
                                                  int step_index, int step_count);

/* True when a user of role r may take t. step_role_name is the role name declared by the
 * current workflow step ("department_officer"), used when t->step_role; may be NULL. */
bool dossier_transition_allows(const dossier_transition *t, role r, const char *step_role_name);

/* The new step index after t from step_index: +1 for a completed step that is not the
 * last, 0 when entering processing, unchanged otherwise. */
int dossier_transition_next_step(const dossier_transition *t, int step_index);

/* ---- the one-supplement rule ------------------------------------------------------------ */

typedef enum dossier_supplement_verdict {
    DOSSIER_SUPPLEMENT_FIRST = 0,  /* no request yet: allowed */
    DOSSIER_SUPPLEMENT_OVERRIDE,   /* a further request, allowed by a department head's override */
    DOSSIER_SUPPLEMENT_REFUSED     /* a further request without a head's override: refused (409) */
} dossier_supplement_verdict;

/* A citizen may be asked to supplement once (counter or department, either counts); a
 * further request needs override by a department head. */
dossier_supplement_verdict dossier_supplement_check(int supplement_count, role r, bool override);

/* ---- codes and PINs ------------------------------------------------------------------ */

/* Room for a code: agency code (at most 10) + ".yymmdd." + 4 digits + NUL. */
#define DOSSIER_CODE_MAX 24
#define DOSSIER_SEQUENCE_MAX 9999

/* True for 1..10 upper-case letters and digits (the [centre] agency_code). */
bool dossier_agency_code_valid(const char *agency_code);

/* Writes "<agency>.<yymmdd>.<seq 4 digits>" (H35.251122.0007). Returns 0, or -1 (buf
 * untouched) for an invalid agency code, a date that is not real, seq outside
 * 1..DOSSIER_SEQUENCE_MAX or a buffer shorter than DOSSIER_CODE_MAX. */
int dossier_code_format(const char *agency_code, vn_date day, int seq, char *buf, size_t len);

/* True when code has exactly that shape (safe to use in a file name). */
bool dossier_code_valid(const char *code);

#define DOSSIER_PIN_KEY_BYTES 32
#define DOSSIER_PIN_HASH_HEX 65 /* 64 hex digits + NUL */

/* A fresh 6-digit PIN ("000000".."999999", uniform, libsodium randombytes_uniform). */
void dossier_pin_generate(char pin[7]);

/* The stored form of a PIN: hex of keyed BLAKE2b-256(key; code || "|" || pin). The key
 * is the store's secret (meta 'pin_key'). Why not argon2: the PIN space is 10^6, so a slow
 * hash only costs a thief of the database minutes while it costs every public lookup
 * (rate-limited, but still a CPU lever) 50+ ms; and whoever holds the database already
 * sees more than the PIN shows. What the hash buys is that PINs never appear in clear in
 * the database, its backups or exports, and that the same PIN on two dossiers hashes
 * differently. Returns 0, or -1 on a malformed PIN (not 6 digits). */
int dossier_pin_hash(const unsigned char key[DOSSIER_PIN_KEY_BYTES], const char *code,
                     const char *pin, char out[DOSSIER_PIN_HASH_HEX]);

/* Constant-time check of pin against stored_hex. False on any malformed input. */
bool dossier_pin_matches(const unsigned char key[DOSSIER_PIN_KEY_BYTES], const char *code,
                         const char *pin, const char *stored_hex);

/* Room for a sealed PIN in hex: nonce (24) + MAC (16) + "<code>|<pin>" (at most
 * DOSSIER_CODE_MAX - 1 + 1 + 6 bytes), two hex digits a byte, + NUL. */
#define DOSSIER_PIN_SEALED_HEX (2 * (24 + 16 + DOSSIER_CODE_MAX + 6) + 1)

/* The PIN kept so that Form 01 (the receipt) can be printed again: hex of nonce ||
 * crypto_secretbox_easy("<code>|<pin>") under a key derived from the store's PIN key with
 * crypto_kdf (subkey 1, context "motcuPIN"), so the hash key and the sealing key are never
 * the same bytes, yet the database keeps one secret. The nonce is random per call, so the
 * same PIN seals differently each time. The code inside the box ties it to its dossier: a
 * sealed value copied onto another dossier does not open there. Returns 0, or -1 (out
 * untouched) on a malformed code or PIN. */
int dossier_pin_seal(const unsigned char key[DOSSIER_PIN_KEY_BYTES], const char *code,
                     const char *pin, char out[DOSSIER_PIN_SEALED_HEX]);

/* Opens what dossier_pin_seal made for code: 0 and the PIN in pin_out ("123456"), or -1
 * and pin_out "" when sealed_hex is malformed, was altered, was sealed under another key,
 * or belongs to another dossier. */
int dossier_pin_unseal(const unsigned char key[DOSSIER_PIN_KEY_BYTES], const char *code,
                       const char *sealed_hex, char pin_out[7]);

/* ---- times --------------------------------------------------------------------------- */

/* Now, Vietnam local, "YYYY-MM-DD HH:MM" (the unit of every dossier timestamp). */
void dossier_now(char buf[17]);

#endif
