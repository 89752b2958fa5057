/* Land use type codes (mã loại đất) of the Land Law 2024, Art. 9, as used on
 * cadastral records (Circular 08/2024/TT-BTNMT). */
#ifndef NNMT_LAND_USE_H
#define NNMT_LAND_USE_H

#include <jansson.h>

struct land_use {
    const char *code;  /* "ONT" */
    const char *name;  /* "Đất ở tại nông thôn" */
    /* "Nhóm đất nông nghiệp" / "Nhóm đất phi nông nghiệp" / "Nhóm đất chưa sử dụng" */
    const char *group;
};

/* The entry for code (ASCII case ignored: "ont" finds ONT), or NULL. */
const struct land_use *land_use_find(const char *code);

/* {"legal_basis":[...], "count":n, "codes":[{"code","name","group"}...]},
 * a new reference, or NULL when out of memory. */
json_t *land_use_list_json(void);

#endif
