/* Căn cước (CCCD) number check: 12 digits, birth-province code, century/sex
 * digit and birth year, as laid down by Circular 07/2016/TT-BCA
 * (amended by Circular 59/2021/TT-BCA). */
#ifndef PLUGIN_CCCD_H
#define PLUGIN_CCCD_H

#include <stddef.h>

/* Which input a fault is about, so callers can name the right JSON field. */
enum cccd_subject {
    CCCD_ON_ID = 0,         /* the number itself, or its mismatch with the other data */
    CCCD_ON_BIRTH_DATE = 1, /* the birth_date given with it is malformed */
    CCCD_ON_SEX = 2         /* the sex given with it is not "nam"/"nữ" */
};

#define CCCD_SEX_MALE 0
#define CCCD_SEX_FEMALE 1

/* Enough room for every fault cccd_check can report at once. */
#define CCCD_MAX_FAULTS 6

struct cccd_fault {
    enum cccd_subject subject;
    const char *code;  /* machine-readable, e.g. "cccd_province"; static string */
    char message[256]; /* Vietnamese, for the citizen, UTF-8 */
};

/* Checks a Căn cước number against its structure and, when given, the
 * holder's birth_date ("YYYY-MM-DD") and sex ("nam" / "nữ", any case, "nu"
 * accepted as OCR-folded "nữ"). birth_date and sex may be NULL or "" (not
 * checked). Stores at most `max` faults in `faults` (which may be NULL when
 * max is 0) and returns how many it stored; 0 means the number is valid and
 * consistent. A number that is missing, has a non-digit or is not 12 digits
 * long yields that single fault and no further checks on it. Codes:
 * cccd_missing, cccd_not_digits, cccd_length, cccd_province,
 * cccd_future_year, cccd_century_mismatch, cccd_year_mismatch,
 * cccd_sex_mismatch, birth_date_invalid, sex_invalid. */
int cccd_check(const char *id, const char *birth_date, const char *sex,
               struct cccd_fault *faults, size_t max);

/* The province (as of 2016–2025) whose 3-digit birth-registration code starts
 * `id`, e.g. "035..." -> "Hà Nam"; NULL when id is shorter than 3 digits or
 * the code is not in the official list. */
const char *cccd_province_name(const char *id);

/* CCCD_SEX_MALE for "nam", CCCD_SEX_FEMALE for "nữ" (or "nu"), in any ASCII
 * case and NFC or NFD form, surrounding spaces ignored; -1 for anything else
 * including NULL. */
int cccd_sex_parse(const char *sex);

#endif
