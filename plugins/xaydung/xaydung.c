/* Sở Xây dựng plugin: building permits for detached houses (gpxd), their
 * dossier checks and the /check route that runs them on a draft. */
#include <jansson.h>
#include <motcua/plugin.h>

#include "dossier_validate.h"
#include "field_check.h"
#include "host_api.h"
#include "json_io.h"

/* Detached houses (nhà ở riêng lẻ) above this many floors leave this
 * procedure for a design appraisal; config max_floors. */
#define GPXD_MAX_FLOORS 6

struct xaydung_settings {
    long max_floors;
};

static struct xaydung_settings xaydung_settings = { GPXD_MAX_FLOORS };

/* The checks of a gpxd dossier's details (NULL counts as all fields absent). */
static void gpxd_check_details(const struct xaydung_settings *settings, problem_sink *sink,
                               const json_t *details)
{
    double land = 0, footprint = 0, total = 0;
    long long floors = 0;
    bool have_land = field_positive_number(sink, details, "details.land_area_m2",
                                           "Diện tích thửa đất (m²)", &land);
    bool have_footprint = field_positive_number(sink, details, "details.footprint_m2",
                                                "Diện tích xây dựng tầng 1 (m²)", &footprint);
    if (have_land && have_footprint && footprint > land)
        problem_addf(sink, "details.footprint_m2", "exceeds_land_area",
                     "Diện tích xây dựng tầng 1 (%g m²) không được lớn hơn diện tích thửa đất "
                     "(%g m²).", footprint, land);
    field_integer(sink, details, "details.floors", "Số tầng của nhà ở riêng lẻ", 1,
                  settings->max_floors, NULL, &floors);
    if (field_positive_number(sink, details, "details.total_floor_area_m2",
                              "Tổng diện tích sàn (m²)", &total) &&
        have_footprint && total < footprint)
        problem_addf(sink, "details.total_floor_area_m2", "below_footprint",
                     "Tổng diện tích sàn (%g m²) không được nhỏ hơn diện tích xây dựng tầng 1 "
                     "(%g m²).", total, footprint);
    field_text(sink, details, "details.land_certificate_number",
               "Số Giấy chứng nhận quyền sử dụng đất");
}

static int gpxd_check(motcua_host *host, void *state, problem_sink *sink, const json_t *dossier)
{
    (void)host;
    const json_t *details = field_object(sink, dossier, "details", "Thông tin công trình");
    gpxd_check_details(state, sink, details);
    return 0;
}

static int xaydung_validate(motcua_host *host, void *state, const char *procedure_code,
                            const char *dossier_json, motcua_problems *problems)
{
    return dossier_validate(host, state, procedure_code, "gpxd", dossier_json, problems,
                            gpxd_check);
}

/* POST /check: body is a dossier ({"details":{...}}) or the details object
 * itself -> 200 {"ok":bool, "problems":[{"field","code","message"}...]}. */
static void xaydung_check_route(motcua_host *host, void *state, motcua_request *req)
{
    (void)host;
    problem_sink sink;
    json_t *body = json_io_check_begin(req, &sink);
    if (body == NULL)
        return;
    const json_t *details = json_object_get(body, "details");
    gpxd_check_details(state, &sink, json_is_object(details) ? details : body);
    if (sink.out_of_memory)
        json_io_respond(req, 500, NULL);
    else
        json_io_respond(req, 200, json_pack("{s:b, s:O}", "ok", sink.count == 0, "problems",
                                            sink.array));
    json_io_check_end(body, &sink);
}

/* Reads the optional setting max_floors (1..20, default 6). */
static int xaydung_init(motcua_host *host, void **state_out)
{
    long floors = 0;
    if (host_config_long(host, "max_floors", GPXD_MAX_FLOORS, 1, 20, &floors) != 0)
        return -1;
    xaydung_settings.max_floors = floors;
    *state_out = &xaydung_settings;
    return 0;
}

static const motcua_route xaydung_routes[] = {
    { sizeof(motcua_route), "POST", "/check", xaydung_check_route, MOTCUA_ROUTE_PUBLIC },
};

static const motcua_plugin xaydung_plugin = {
    .size = sizeof(motcua_plugin),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR,
    .abi_minor = MOTCUA_PLUGIN_ABI_MINOR,
    .department = "xaydung",
    .version = "1.0.0",
    .procedures_file = "xaydung.json",
    .init = xaydung_init,
    .fini = NULL,
    .validate = xaydung_validate,
    .routes = xaydung_routes,
    .route_count = sizeof xaydung_routes / sizeof xaydung_routes[0],
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Returns the declaration, or NULL when the host table is unusable. */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    return host_api_bind(api) ? &xaydung_plugin : NULL;
}
