/* Company names for dkdn: the legal-form prefix, the folded key the name is
 * registered under, and the /name-check and /names routes. */
#ifndef TAICHINH_DKDN_NAME_H
#define TAICHINH_DKDN_NAME_H

#include <stdbool.h>
#include <motcua/plugin.h>

#define DKDN_PREFIX_MESSAGE \
    "Tên công ty trách nhiệm hữu hạn phải bắt đầu bằng \"Công ty TNHH\" và có tên riêng phía sau."
#define DKDN_NAME_TAKEN_MESSAGE "Tên doanh nghiệp đã được đăng ký; hãy chọn tên khác."
#define DKDN_NAME_FREE_MESSAGE "Tên doanh nghiệp chưa được đăng ký, có thể sử dụng."

/* The registry key for a company name: its folded form, with the long legal
 * form "công ty trách nhiệm hữu hạn" shortened to "cong ty tnhh", so both
 * spellings of one name collide. *prefixed tells whether the name starts with
 * "Công ty TNHH" / "Công ty trách nhiệm hữu hạn" followed by a proper name
 * (any case, with or without diacritics). Returns a string to free with
 * host_api()->free, or NULL when name is NULL, invalid UTF-8 or out of memory. */
char *dkdn_name_key(const char *name, bool *prefixed);

/* Looks the name up in the plugin registry: 1 taken, 0 free, -1 on a store
 * error (logged). */
int dkdn_name_taken(motcua_host *host, const char *key);

/* POST /name-check {"name"} -> {"name","folded","valid","available","message"}. */
void dkdn_name_check_route(motcua_host *host, void *state, motcua_request *req);

/* POST /names {"name"} registers the name: 201 {"name","folded","registered":true};
 * 400 invalid_name, 409 name_taken, 500 registry_error. */
void dkdn_name_register_route(motcua_host *host, void *state, motcua_request *req);

#endif
