/* The procedure catalogue: procedures declared by department plugins in their
 * data files (format in plugins/README.md), validated at load, effective-dated,
 * searchable ignoring case and diacritics. Read-only once loaded. */
#ifndef MOTCUA_CATALOGUE_H
#define MOTCUA_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include "vntime.h"

typedef struct cat_department {
    char *id, *name, *agency_code;
} cat_department;

typedef struct cat_document {
    char *id, *title, *kind;
    bool required;
    int copies;
    char **keywords;
    size_t keyword_count;
} cat_document;

typedef struct cat_fee {
    char *name;
    long long amount; /* VND */
    char *note;       /* may be NULL */
} cat_fee;

typedef struct cat_step {
    char *id, *name, *role;
} cat_step;

typedef enum cat_limit_unit { CAT_LIMIT_SAME_DAY, CAT_LIMIT_WORKING_DAYS } cat_limit_unit;

typedef struct cat_version {
    vn_date effective_from;
    char *competent_agency;
    char **legal_basis;
    size_t legal_basis_count;
    cat_limit_unit limit_unit;
    int limit_days;          /* working days; 0 for same day */
    int cutoff_minutes;      /* same day: minutes after midnight (15:00 -> 900); else -1 */
    cat_fee *fees;
    size_t fee_count;
    int sets;
    cat_document *documents;
    size_t document_count;
    cat_step *steps;
    size_t step_count;
    char *result;
    char digest[65];         /* SHA-256 hex of the version's canonical JSON */
    char *json;              /* the version's canonical JSON (compact, sorted keys) */
} cat_version;

typedef struct cat_procedure {
    char *code, *national_code /* may be NULL */, *name, *field;
    const cat_department *department;
    cat_version *versions;   /* sorted by effective_from */
    size_t version_count;
    char *folded;            /* fold_text of code, national code, name, field, department name */
} cat_procedure;

typedef struct catalogue catalogue;

/* An empty catalogue, or NULL when out of memory. */
catalogue *catalogue_new(void);
/* Frees everything; catalogue_free(NULL) is a no-op. */
void catalogue_free(catalogue *cat);

/* Parses and validates one plugin data file and adds its procedures.
 * expected_department: the plugin's declared department id (must equal
 * department.id in the file), or NULL to accept any.
 * All or nothing: on error returns -1, writes one English sentence naming the
 * file's problem (JSON path and what is wrong) into err, and leaves the
 * catalogue unchanged. A procedure code already in the catalogue is an error. */
int catalogue_load_file(catalogue *cat, const char *path, const char *expected_department,
                        char *err, size_t errlen);
/* The same from text in memory; `origin` names it in error messages. */
int catalogue_load_text(catalogue *cat, const char *json_text, const char *origin,
                        const char *expected_department, char *err, size_t errlen);

size_t catalogue_count(const catalogue *cat);
const cat_procedure *catalogue_at(const catalogue *cat, size_t i);   /* sorted by code */
const cat_procedure *catalogue_find(const catalogue *cat, const char *code);
const cat_department *catalogue_department(const catalogue *cat, const char *id);

/* The version in force on date d, or NULL if d is before the first version. */
const cat_version *cat_procedure_version_at(const cat_procedure *p, vn_date d);

/* The JSON body of GET /api/v1/procedures/{code} on date d:
 * {"code","national_code","name","field","department":{id,name,agency_code},
 *  "effective_from","competent_agency","legal_basis":[],"time_limit":{unit,value|cutoff},
 *  "fees":[],"sets","documents":[],"workflow":[],"result",
 *  "versions":[{"effective_from","digest"}...]}
 * Cached per (code, date): the text is owned by the catalogue and stays valid
 * until catalogue_free. NULL if the code is unknown or no version is in force. */
const char *catalogue_detail_json(catalogue *cat, const char *code, vn_date d, size_t *len);

/* The JSON body of GET /api/v1/procedures?q=&department= on date d:
 * {"procedures":[{"code","national_code","name","field","department":{id,name},
 *   "time_limit":{...},"fees":[...]}...],"count":n}
 * q: every folded word of q must occur in the procedure's folded text (NULL or
 * empty: all); department: exact id or NULL. Procedures with no version in force
 * on d are left out. Returns malloc'ed text (caller frees) or NULL when out of memory. */
char *catalogue_search_json(const catalogue *cat, const char *q, const char *department,
                            vn_date d, size_t *len);

#endif
