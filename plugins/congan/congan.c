/* Công an tỉnh plugin: judicial record certificates (lltp), their dossier
 * checks and the fee calculator route. */
#include <jansson.h>
#include <motcua/plugin.h>

#include "dossier_validate.h"
#include "field_check.h"
#include "host_api.h"
#include "lltp_fee.h"
#include "person.h"

/* Settings read at init; the host passes them back as `state`. */
static struct lltp_fee_rules congan_rules = { LLTP_EXTRA_COPY_FEE };

/* The checks of an lltp dossier. */
static int lltp_check(motcua_host *host, void *state, problem_sink *sink, const json_t *dossier)
{
    (void)host;
    (void)state;
    person_check_cccd(sink, json_object_get(dossier, "applicant"), "applicant",
                      "Người yêu cầu");
    const json_t *details = field_object(sink, dossier, "details",
                                         "Thông tin yêu cầu cấp Phiếu lý lịch tư pháp");
    field_text(sink, details, "details.purpose", "Mục đích sử dụng Phiếu lý lịch tư pháp");
    const char *reduction = NULL;
    long long copies = 0;
    lltp_fee_check(sink, details, "details.", &reduction, &copies);
    return 0;
}

static int congan_validate(motcua_host *host, void *state, const char *procedure_code,
                           const char *dossier_json, motcua_problems *problems)
{
    return dossier_validate(host, state, procedure_code, "lltp", dossier_json, problems,
                            lltp_check);
}

/* Reads the optional setting extra_copy_fee (VND, 0..1000000, default 5000). */
static int congan_init(motcua_host *host, void **state_out)
{
    long fee = 0;
    if (host_config_long(host, "extra_copy_fee", (long)LLTP_EXTRA_COPY_FEE, 0, 1000000, &fee) != 0)
        return -1;
    congan_rules.extra_copy_fee = fee;
    *state_out = &congan_rules;
    return 0;
}

static const motcua_route congan_routes[] = {
    { sizeof(motcua_route), "POST", "/fee", lltp_fee_route, MOTCUA_ROUTE_PUBLIC },
};

static const motcua_plugin congan_plugin = {
    .size = sizeof(motcua_plugin),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR,
    .abi_minor = MOTCUA_PLUGIN_ABI_MINOR,
    .department = "congan",
    .version = "1.0.0",
    .procedures_file = "congan.json",
    .init = congan_init,
    .fini = NULL,
    .validate = congan_validate,
    .routes = congan_routes,
    .route_count = sizeof congan_routes / sizeof congan_routes[0],
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Returns the declaration, or NULL when the host table is unusable. */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    return host_api_bind(api) ? &congan_plugin : NULL;
}
