/* Company names for dkdn: the legal-form prefix, the folded key the name is
 * registered under, and the /name-check and /names routes. */
#include "dkdn_name.h"

#include <string.h>
#include <jansson.h>

#include "host_api.h"
#include "json_io.h"

#define DKDN_SHORT_FORM "cong ty tnhh"
#define DKDN_LONG_FORM "cong ty trach nhiem huu han"

char *dkdn_name_key(const char *name, bool *prefixed)
{
    char *folded = host_fold(name);
    *prefixed = false;
    if (folded == NULL)
        return NULL;
    size_t long_len = strlen(DKDN_LONG_FORM);
    if (strncmp(folded, DKDN_LONG_FORM " ", long_len + 1) == 0 && folded[long_len + 1] != '\0') {
        /* Shorten in place: the short form is shorter than the long one. */
        size_t short_len = strlen(DKDN_SHORT_FORM);
        memcpy(folded, DKDN_SHORT_FORM, short_len);
        memmove(folded + short_len, folded + long_len, strlen(folded + long_len) + 1);
    }
    *prefixed = host_fold_has_prefix(folded, DKDN_SHORT_FORM);
    return folded;
}

int dkdn_name_taken(motcua_host *host, const char *key)
{
    char *value = NULL;
    int rc = host_api()->registry_get(host, key, &value);
    if (rc < 0) {
        host_api()->log(host, MOTCUA_LOG_ERROR, "registry_get(\"%s\") failed", key);
        return -1;
    }
    host_api()->free(value);
    return rc == 1 ? 1 : 0;
}

/* A /name-check or /names request: the body, its "name" and the key. */
struct dkdn_name_request {
    json_t *body;     /* owns name */
    const char *name;
    char *key;        /* free with host_api()->free */
    bool prefixed;
};

/* Reads the request; on false it has answered 400 itself and holds nothing. */
static bool dkdn_name_request_read(motcua_request *req, struct dkdn_name_request *nr)
{
    nr->body = json_io_request_object(req);
    nr->name = NULL;
    nr->key = NULL;
    nr->prefixed = false;
    if (nr->body == NULL)
        return false;
    nr->name = json_string_value(json_object_get(nr->body, "name"));
    nr->key = nr->name == NULL ? NULL : dkdn_name_key(nr->name, &nr->prefixed);
    if (nr->key == NULL || nr->key[0] == '\0') {
        host_api()->free(nr->key);
        json_decref(nr->body);
        host_api()->respond_error(req, 400, "invalid_name",
                                  "Hãy nhập tên doanh nghiệp (chuỗi chữ UTF-8) vào trường "
                                  "\"name\".");
        return false;
    }
    return true;
}

static void dkdn_name_request_release(struct dkdn_name_request *nr)
{
    host_api()->free(nr->key);
    json_decref(nr->body);
}

void dkdn_name_check_route(motcua_host *host, void *state, motcua_request *req)
{
    (void)state;
    struct dkdn_name_request nr;
    if (!dkdn_name_request_read(req, &nr))
        return;
    int taken = dkdn_name_taken(host, nr.key);
    if (taken < 0) {
        host_api()->respond_error(req, 500, "registry_error",
                                  "Không tra cứu được sổ tên doanh nghiệp; vui lòng thử lại sau.");
    } else {
        const char *message = DKDN_NAME_FREE_MESSAGE;
        if (!nr.prefixed)
            message = DKDN_PREFIX_MESSAGE;
        else if (taken)
            message = DKDN_NAME_TAKEN_MESSAGE;
        json_io_respond(req, 200,
                        json_pack("{s:s, s:s, s:b, s:b, s:s}", "name", nr.name, "folded", nr.key,
                                  "valid", nr.prefixed, "available", nr.prefixed && !taken,
                                  "message", message));
    }
    dkdn_name_request_release(&nr);
}

void dkdn_name_register_route(motcua_host *host, void *state, motcua_request *req)
{
    (void)state;
    struct dkdn_name_request nr;
    if (!dkdn_name_request_read(req, &nr))
        return;
    if (!nr.prefixed) {
        host_api()->respond_error(req, 400, "invalid_name", DKDN_PREFIX_MESSAGE);
    } else {
        int rc = host_api()->registry_put(host, nr.key, nr.name);
        if (rc == 1) {
            host_api()->respond_error(req, 409, "name_taken", DKDN_NAME_TAKEN_MESSAGE);
        } else if (rc < 0) {
            host_api()->log(host, MOTCUA_LOG_ERROR, "registry_put(\"%s\") failed", nr.key);
            host_api()->respond_error(req, 500, "registry_error",
                                      "Không ghi được tên vào sổ tên doanh nghiệp; vui lòng thử "
                                      "lại sau.");
        } else {
            host_api()->log(host, MOTCUA_LOG_INFO, "company name registered: %s", nr.key);
            json_io_respond(req, 201, json_pack("{s:s, s:s, s:b}", "name", nr.name, "folded",
                                                nr.key, "registered", 1));
        }
    }
    dkdn_name_request_release(&nr);
}
