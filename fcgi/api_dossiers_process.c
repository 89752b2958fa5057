/* Processing by the departments: POST /api/v1/dossiers/{code}/transitions {action, note}
 * (transfer, receive, workflow steps, resubmit, stop, withdraw) with the hand-overs
 * of Form 05 and the department plugins' on_transition hook, and GET .../result.pdf (the
 * result document a plugin writes). */
#include "api_dossiers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "forms.h"
#include "log.h"
#include "response.h"

/* ---- deadlines ------------------------------------------------------------------------ */

/* DOMAIN.md step 4: a dossier taken in on a working day at or before 15:00 goes to the
 * department the same day (by the end of working hours); after 15:00 or on a day off, by
 * the end of the next working morning. */
#define TRANSFER_CUTOFF (15 * 60)

/* The transfer deadline for a dossier taken in at `taken` ("YYYY-MM-DD HH:MM") into out.
 * False on a malformed time or a calendar failure. */
static bool transfer_due(const calendar *cal, const char *taken, char out[STORE_TIME_LEN])
{
    vn_minute m;
    if (!calendar_minute_parse(taken, &m))
        return false;
    calendar_hours hours = calendar_get_hours(cal);
    vn_date day = calendar_minute_date(m);
    vn_minute due;
    if (calendar_is_working_day(cal, day) && calendar_minute_of_day(m) <= TRANSFER_CUTOFF) {
        due = calendar_minute_make(day, hours.pm_end / 60, hours.pm_end % 60);
    } else {
        vn_date next = calendar_is_working_day(cal, day) ? calendar_next_working_day(cal, day)
                                                         : calendar_add_working_days(cal, day, 0);
        due = next != 0 ? calendar_minute_make(next, hours.am_end / 60, hours.am_end % 60)
                        : CALENDAR_MINUTE_INVALID;
    }
    if (due == CALENDAR_MINUTE_INVALID)
        return false;
    calendar_minute_format(due, out);
    return true;
}

/* "early" | "on_time" | "late": a hand-over given at `given` against `due`; NULL when
 * either is missing or malformed (then the hand-over carries no class). */
static const char *deadline_class(const char *given, const char *due)
{
    vn_minute g, d;
    if (given == NULL || due == NULL || !calendar_minute_parse(given, &g) || !calendar_minute_parse(due, &d))
        return NULL;
    switch (calendar_compare_deadline(g, d)) {
    case CALENDAR_BEFORE_DEADLINE:
        return "early";
    case CALENDAR_ON_DEADLINE:
        return "on_time";
    default:
        return "late";
    }
}

/* The due time pushed by the supplement pause [pause_start, now) (working time only) into
 * out. False on malformed input. */
static bool due_after_pause(const calendar *cal, const char *due, const char *pause_start,
                            const char *now, char out[STORE_TIME_LEN])
{
    vn_minute d, s, e;
    if (!calendar_minute_parse(due, &d) || !calendar_minute_parse(pause_start, &s) ||
        !calendar_minute_parse(now, &e))
        return false;
    vn_minute pushed = calendar_extend(cal, d, s, e);
    if (pushed == CALENDAR_MINUTE_INVALID)
        return false;
    calendar_minute_format(pushed, out);
    return true;
}

/* ---- what plugins see ----------------------------------------------------------------- */

/* The department's display name (the catalogue's), or its id. */
static const char *department_name(app *a, const dossier_row *row)
{
    const cat_procedure *p = catalogue_find(a->cat, row->procedure_code);
    return p != NULL && p->department != NULL && p->department->name != NULL ? p->department->name
                                                                              : row->department;
}

/* The workflow step at index i of rules, or NULL. */
static json_t *workflow_step(const json_t *rules, int i)
{
    return i >= 0 ? json_array_get(json_object_get(rules, "workflow"), (size_t)i) : NULL;
}

/* The dossier as a plugin hook sees it (plugin.h): to/actor/at only for a transition. */
static char *hook_dossier_json(const dossier_row *row, const json_t *rules, const dossier_change *c)
{
    json_t *step = row->status == DOSSIER_PROCESSING ? workflow_step(rules, row->step_index) : NULL;
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:O,s:O}", "code", row->code, "procedure",
                          row->procedure_code, "department", row->department, "status",
                          dossier_status_name(row->status), "applicant", row->applicant,
                          "details", row->details);
    if (o == NULL)
        return NULL;
    json_object_set_new(o, "step", step == NULL ? json_null()
                                                : json_pack("{s:i,s:O,s:O,s:O}", "index", row->step_index,
                                                            "id", json_object_get(step, "id"), "name",
                                                            json_object_get(step, "name"), "role",
                                                            json_object_get(step, "role")));
    if (c != NULL) {
        json_object_set_new(o, "to", json_string(dossier_status_name(c->to)));
        json_object_set_new(o, "actor", json_string(c->actor));
        json_object_set_new(o, "at", json_string(c->at));
    }
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return text;
}

/* The on_transition hook, run by the store inside the transaction. */
typedef struct transition_hook {
    loaded_plugin *plugin;
    const char *procedure, *action, *dossier_json;
    json_t *problems;
} transition_hook;

static int run_transition_hook(void *ctx)
{
    transition_hook *h = ctx;
    if (plugin_on_transition(h->plugin, h->procedure, h->action, h->dossier_json, h->problems) != 0)
        return -1;
    return json_array_size(h->problems) > 0 ? 1 : 0;
}

/* ---- the hand-overs of each transition -------------------------------------------------- */

/* Everything api_dossier_apply computes for one transition; strings live as long as it. */
typedef struct process_plan {
    handover_plan h;
    dossier_transition resume;      /* resubmit after a department's send-back */
    char due[STORE_TIME_LEN];       /* the hand-over's deadline */
    char new_due[STORE_TIME_LEN];   /* the dossier's deadline after a supplement pause */
    char to_label[256];
} process_plan;

/* Fills pl for transition t on row (amending c). False after sending a 500. */
static bool plan_transition(app *a, request *req, const auth_user *user, const dossier_row *row,
                            const json_t *rules, const dossier_transition **t, dossier_change *c,
                            process_plan *pl)
{
    const char *me = user->full_name[0] != '\0' ? user->full_name : user->username;
    const char *centre = a->cfg->centre_name, *dept = department_name(a, row);
    const char *action = (*t)->action;
    handover_plan *h = &pl->h;
    const calendar *cal = a->cal;
    bool ok = true;
    h->receiver = me;
    h->giver = me;
    h->close_open = strcmp(action, "transfer") != 0;
    if (ok && strcmp(action, "transfer") == 0) {
        ok = transfer_due(cal, row->accepted_at[0] ? row->accepted_at : c->at, pl->due);
        *h = (handover_plan){.step = "transfer", .from_agency = centre, .to_agency = dept,
                             .giver = me, .due_at = pl->due, .result = deadline_class(c->at, pl->due)};
        c->transferred_at = c->at;
    } else if (strcmp(action, "complete_step") == 0) {
        const json_t *step = workflow_step(rules, row->step_index);
        const json_t *next = workflow_step(rules, row->step_index + 1);
        h->step = (*t)->to == DOSSIER_DONE ? "result" : json_string_value(json_object_get(step, "id"));
        h->from_agency = dept;
        if ((*t)->to == DOSSIER_DONE) {
            h->to_agency = centre;
            c->result_at = c->at;
        } else {
            snprintf(pl->to_label, sizeof pl->to_label, "%s (%s)", dept,
                     json_string_value(json_object_get(next, "name")) ? json_string_value(json_object_get(next, "name")) : "");
            h->to_agency = pl->to_label;
        }
        h->due_at = row->due_at[0] ? row->due_at : NULL;
        h->result = deadline_class(c->at, h->due_at);
        ok = ok && h->step != NULL;
    } else if (strcmp(action, "send_back") == 0) {
        *h = (handover_plan){.close_open = true, .receiver = me, .step = "send_back",
                             .from_agency = dept, .to_agency = centre, .giver = me,
                             .due_at = row->due_at[0] ? row->due_at : NULL,
                             .note = "Yêu cầu bổ sung, hoàn thiện hồ sơ"};
        h->result = deadline_class(c->at, h->due_at);
    } else if (strcmp(action, "withdraw") == 0 &&
               (row->status == DOSSIER_TRANSFERRED || row->status == DOSSIER_PROCESSING)) {
        /* The papers come back from the department to the counter, which hands them to the
         * citizen: the open hand-over (if any) ends and a last one, received at once, closes
         * the chain. From the other states the counter holds the dossier already. */
        *h = (handover_plan){.close_open = true, .receiver = me, .step = "withdraw",
                             .from_agency = dept, .to_agency = centre, .giver = me,
                             .due_at = row->due_at[0] ? row->due_at : NULL,
                             .note = "Công dân rút hồ sơ", .received = true};
        h->result = deadline_class(c->at, h->due_at);
    } else if (ok && strcmp(action, "resubmit") == 0) {
        char source[16] = "", paused_at[STORE_TIME_LEN] = "";
        int found = store_supplement_latest(a->st, row->id, source, paused_at);
        ok = found >= 0;
        if (found == 1 && strcmp(source, "department") == 0) {
            /* Back to the department that asked, with the waiting time excluded. */
            pl->resume = **t;
            pl->resume.to = DOSSIER_TRANSFERRED;
            *t = &pl->resume;
            c->to = DOSSIER_TRANSFERRED;
            ok = transfer_due(cal, c->at, pl->due) &&
                 (row->due_at[0] == '\0' || due_after_pause(cal, row->due_at, paused_at, c->at, pl->new_due));
            if (row->due_at[0] != '\0')
                c->due_at = pl->new_due;
            *h = (handover_plan){.close_open = true, .receiver = me, .step = "resubmit",
                                 .from_agency = centre, .to_agency = dept, .giver = me,
                                 .due_at = pl->due, .result = deadline_class(c->at, pl->due),
                                 .note = "Hồ sơ đã bổ sung"};
        } else {
            h->close_open = false; /* a supplement at intake: no hand-over yet */
        }
    }
    if (!ok)
        api_reply_internal(req, "processing: cannot plan the hand-over", row->code);
    return ok;
}

bool api_dossier_apply(app *a, request *req, const auth_user *user, const dossier_row *row,
                       const json_t *rules, const dossier_transition *t, dossier_change *c,
                       long long *side_id)
{
    process_plan pl;
    memset(&pl, 0, sizeof pl);
    if (!plan_transition(a, req, user, row, rules, &t, c, &pl))
        return false;
    transition_hook hook = {plugin_set_find(&a->plugins, row->department), row->procedure_code,
                            t->action, NULL, json_array()};
    char *dossier_json = hook_dossier_json(row, rules, c);
    hook.dossier_json = dossier_json;
    char err[256] = "";
    bool refused = false;
    store_change_result r = STORE_CHANGE_ERROR;
    if (dossier_json != NULL && hook.problems != NULL)
        r = store_dossier_transition(a->st, c, &pl.h, run_transition_hook, &hook, side_id,
                                     &refused, err, sizeof err);
    else
        snprintf(err, sizeof err, "out of memory");
    free(dossier_json);
    if (refused) {
        log_msg(LOG_INFO, "dossier %s: %s refused by plugin %s", row->code, t->action, row->department);
        response_json(req, 422,
                      json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "transition_refused", "message",
                                "Cơ quan giải quyết không chấp nhận thao tác này với hồ sơ; "
                                "xem các mục được nêu, xử lý rồi thực hiện lại.",
                                "problems", hook.problems));
        return false;
    }
    json_decref(hook.problems);
    if (r == STORE_CHANGE_OK)
        log_msg(LOG_INFO, "dossier %s: %s by %s (%s -> %s)", row->code, t->action, user->username,
                dossier_status_name(t->from), dossier_status_name(c->to));
    return !api_reply_change(req, r, err);
}

/* ---- POST /transitions ------------------------------------------------------------------- */

/* POST /transitions {action, note}: the changes that carry no form of their own
 * (resubmit, transfer, receive, complete_step, stop, withdraw). The intake outcomes,
 * send_back and return have their own endpoints because they carry data (the return: the
 * fee collected, which must not be skipped). */
static void dossier_transition_post(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_ANY_STAFF, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    json_t *body = api_body_object(req), *rules = NULL;
    const char *note = NULL, *action = json_string_value(json_object_get(body, "action"));
    const dossier_transition *t = NULL;
    static const char *const own_endpoint[] = {"accept", "request_supplement", "send_back", "refuse",
                                               "return"};
    if (body != NULL && api_optional_note(req, body, "note", &note)) {
        bool elsewhere = false;
        for (size_t i = 0; action != NULL && i < sizeof own_endpoint / sizeof own_endpoint[0]; i++)
            elsewhere = elsewhere || strcmp(action, own_endpoint[i]) == 0;
        if (action == NULL || elsewhere)
            response_error(req, 422, "invalid_action",
                           "Thao tác không hợp lệ. Dùng: resubmit, transfer, receive, complete_step, "
                           "stop, withdraw. Tiếp nhận, bổ sung, từ chối có địa chỉ riêng; trả kết quả "
                           "dùng POST /api/v1/dossiers/{mã hồ sơ}/return kèm phí, lệ phí đã thu.");
        else if ((rules = api_dossier_rules(a, req, &row)) != NULL)
            t = api_allowed_transition(req, &row, rules, action, &user);
    }
    if (t != NULL) {
        char now[17];
        dossier_now(now);
        dossier_change c = api_dossier_change(&row, t, &user, now,
                                              dossier_transition_next_step(t, row.step_index));
        c.note = note;
        c.closed_at = dossier_status_terminal(t->to) ? now : NULL;
        if (api_dossier_apply(a, req, &user, &row, rules, t, &c, NULL))
            api_reply_state(a, req, row.code, NULL);
    }
    api_dossier_release(&row, rules, body);
}

/* ---- GET /result.pdf --------------------------------------------------------------------- */

/* The result document of a processed dossier (done or returned), as its plugin writes it. */
static void dossier_result_get(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_ANY_STAFF, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    if (row.status != DOSSIER_DONE && row.status != DOSSIER_RETURNED) {
        response_error(req, 404, "result_not_ready",
                       "Hồ sơ chưa được giải quyết xong nên chưa có văn bản kết quả.");
        dossier_row_clear(&row);
        return;
    }
    json_t *rules = api_dossier_rules(a, req, &row);
    char *dossier_json = rules != NULL ? hook_dossier_json(&row, rules, NULL) : NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = dossier_json != NULL
                 ? plugin_render_result(plugin_set_find(&a->plugins, row.department), row.procedure_code,
                                        dossier_json, &text, &len)
                 : -1;
    if (rules == NULL) {
        /* api_dossier_rules answered */
    } else if (rc == 1) {
        response_error(req, 404, "no_result_document",
                       "Thủ tục này không có văn bản kết quả do hệ thống in; kết quả được cấp trên giấy.");
    } else if (rc != 0) {
        api_reply_internal(req, "plugin: result document hook failed", row.code);
    } else {
        char number[64], errbuf[256] = "", disposition[160];
        unsigned char *pdf = NULL;
        size_t pdflen = 0;
        snprintf(number, sizeof number, "Mã hồ sơ: %s", row.code);
        json_t *data = json_pack("{s:{s:s},s:s,s:s}", "agency", "name", department_name(a, &row),
                                 "number_line", number, "text", text);
        if (data == NULL || forms_render_text_document(data, &pdf, &pdflen, errbuf, sizeof errbuf) != 0) {
            api_reply_internal(req, "forms: cannot render the result document", errbuf);
        } else {
            snprintf(disposition, sizeof disposition,
                     "Content-Disposition: inline; filename=\"%s-ket-qua.pdf\"\r\n", row.code);
            response_send(req, 200, "application/pdf", disposition, (const char *)pdf, pdflen);
        }
        free(pdf);
        json_decref(data);
    }
    free(text);
    free(dossier_json);
    api_dossier_release(&row, rules, NULL);
}

void api_dossiers_process_register(router *r, app *a)
{
    router_add(r, "POST", "/api/v1/dossiers/{code}/transitions", dossier_transition_post, a);
    router_add(r, "GET", "/api/v1/dossiers/{code}/result.pdf", dossier_result_get, a);
}
