/* The roles of motcua's accounts and what each may do is decided per endpoint;
 * this file only names them. */
#ifndef MOTCUA_ROLES_H
#define MOTCUA_ROLES_H

#include <stdbool.h>

typedef enum role {
    ROLE_NONE = 0,
    ROLE_COUNTER = 1 << 0,            /* cán bộ tiếp nhận (Bộ phận Một cửa) */
    ROLE_DEPARTMENT_OFFICER = 1 << 1, /* chuyên viên của một sở/ngành, scoped to its department */
    ROLE_DEPARTMENT_HEAD = 1 << 2,    /* lãnh đạo sở/ngành, scoped to its department */
    ROLE_SUPERVISOR = 1 << 3,         /* giám sát */
    ROLE_ARCHIVIST = 1 << 4,          /* lưu trữ */
    ROLE_ADMIN = 1 << 5               /* quản trị */
} role;

#define ROLE_ANY_DEPARTMENT (ROLE_DEPARTMENT_OFFICER | ROLE_DEPARTMENT_HEAD)
#define ROLE_ANY_STAFF (ROLE_COUNTER | ROLE_ANY_DEPARTMENT | ROLE_SUPERVISOR | ROLE_ARCHIVIST | ROLE_ADMIN)

/* "counter", "department_officer", "department_head", "supervisor", "archivist",
 * "admin" <-> role; role_parse returns ROLE_NONE for anything else. */
role role_parse(const char *name);
const char *role_name(role r);

/* True for the roles bound to one department. */
bool role_is_departmental(role r);

#endif
