/* Sở Nông nghiệp và Môi trường plugin: first registration of land and
 * attached assets (dkdd), its dossier checks and the land-use code list. */
#include <jansson.h>
#include <motcua/plugin.h>

#include "dossier_validate.h"
#include "field_check.h"
#include "host_api.h"
#include "json_io.h"
#include "land_use.h"
#include "person.h"

/* Map sheets and parcels are numbered per commune; beyond this a number is a typo. */
#define DKDD_MAX_NUMBER 99999LL

/* The checks of a dkdd dossier. */
static int dkdd_check(motcua_host *host, void *state, problem_sink *sink, const json_t *dossier)
{
    (void)host;
    (void)state;
    long long number = 0;
    double area = 0;
    person_check_cccd(sink, json_object_get(dossier, "applicant"), "applicant",
                      "Người đăng ký");
    const json_t *details = field_object(sink, dossier, "details", "Thông tin thửa đất");
    field_integer(sink, details, "details.map_sheet", "Số tờ bản đồ", 1, DKDD_MAX_NUMBER, NULL,
                  &number);
    field_integer(sink, details, "details.parcel_number", "Số thửa", 1, DKDD_MAX_NUMBER, NULL,
                  &number);
    field_positive_number(sink, details, "details.area_m2", "Diện tích thửa đất (m²)", &area);
    const char *code = field_text(sink, details, "details.land_use_code", "Mã loại đất");
    if (code != NULL && land_use_find(code) == NULL)
        problem_addf(sink, "details.land_use_code", "invalid_value",
                     "Mã loại đất \"%s\" không có trong danh mục loại đất theo Luật Đất đai 2024 "
                     "(ví dụ: ONT, ODT, LUC, CLN); xem danh mục tại "
                     "/api/v1/departments/nnmt/land-use-codes.", code);
    return 0;
}

static int nnmt_validate(motcua_host *host, void *state, const char *procedure_code,
                         const char *dossier_json, motcua_problems *problems)
{
    return dossier_validate(host, state, procedure_code, "dkdd", dossier_json, problems,
                            dkdd_check);
}

/* GET /land-use-codes -> the code list (see land_use_list_json). */
static void nnmt_land_use_route(motcua_host *host, void *state, motcua_request *req)
{
    (void)host;
    (void)state;
    json_io_respond(req, 200, land_use_list_json());
}

static const motcua_route nnmt_routes[] = {
    { sizeof(motcua_route), "GET", "/land-use-codes", nnmt_land_use_route, 0 },
};

static const motcua_plugin nnmt_plugin = {
    .size = sizeof(motcua_plugin),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR,
    .abi_minor = MOTCUA_PLUGIN_ABI_MINOR,
    .department = "nnmt",
    .version = "1.0.0",
    .procedures_file = "nnmt.json",
    .init = NULL,
    .fini = NULL,
    .validate = nnmt_validate,
    .routes = nnmt_routes,
    .route_count = sizeof nnmt_routes / sizeof nnmt_routes[0],
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Returns the declaration, or NULL when the host table is unusable. */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    return host_api_bind(api) ? &nnmt_plugin : NULL;
}
