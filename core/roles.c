/* Role names. */
#include "roles.h"

#include <string.h>

static const struct {
    role r;
    const char *name;
} roles[] = {
    {ROLE_COUNTER, "counter"},
    {ROLE_DEPARTMENT_OFFICER, "department_officer"},
    {ROLE_DEPARTMENT_HEAD, "department_head"},
    {ROLE_SUPERVISOR, "supervisor"},
    {ROLE_ARCHIVIST, "archivist"},
    {ROLE_ADMIN, "admin"},
};

role role_parse(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].name, name) == 0)
            return roles[i].r;
    return ROLE_NONE;
}

const char *role_name(role r)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i].r == r)
            return roles[i].name;
    return "none";
}

bool role_is_departmental(role r)
{
    return (r & ROLE_ANY_DEPARTMENT) != 0;
}
