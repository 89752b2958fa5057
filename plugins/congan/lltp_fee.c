/* The fee for a judicial record certificate (Phiếu lý lịch tư pháp):
 * 200.000 đồng a request, 100.000 đồng for the reduced categories, and a
 * charge per certificate from the third one (Circular 244/2016/TT-BTC). */
#include "lltp_fee.h"

#include <stdio.h>
#include <string.h>

#include "field_check.h"
#include "json_io.h"

struct lltp_reduction {
    const char *id;
    const char *label;
};

/* The reduced categories, as in the fee note of congan.json. */
static const struct lltp_reduction lltp_reductions[] = {
    { "sinh_vien", "Sinh viên" },
    { "nguoi_co_cong", "Người có công với cách mạng" },
    { "than_nhan_liet_si", "Thân nhân liệt sĩ (cha đẻ, mẹ đẻ, vợ hoặc chồng, con của liệt sĩ)" },
};

/* The category with this id, or NULL. */
static const struct lltp_reduction *lltp_reduction_find(const char *id)
{
    for (size_t i = 0; i < sizeof lltp_reductions / sizeof lltp_reductions[0]; i++)
        if (strcmp(id, lltp_reductions[i].id) == 0)
            return &lltp_reductions[i];
    return NULL;
}

bool lltp_fee_check(problem_sink *sink, const json_t *obj, const char *path_prefix,
                    const char **reduction_out, long long *copies_out)
{
    char path[64];
    bool ok = true;
    snprintf(path, sizeof path, "%sfee_reduction", path_prefix);
    size_t before = sink->count;
    const char *reduction = field_text_optional(sink, obj, path, "Đối tượng được giảm phí");
    if (sink->count != before) {
        ok = false;
    } else if (reduction != NULL && lltp_reduction_find(reduction) == NULL) {
        problem_add(sink, path, "invalid_value",
                    "Đối tượng được giảm phí phải là một trong: sinh_vien (sinh viên), "
                    "nguoi_co_cong (người có công với cách mạng), than_nhan_liet_si (thân "
                    "nhân liệt sĩ).");
        ok = false;
    }

    static const long long one = 1;
    snprintf(path, sizeof path, "%scopies", path_prefix);
    if (!field_integer(sink, obj, path, "Số lượng Phiếu lý lịch tư pháp", 1, LLTP_MAX_COPIES,
                       &one, copies_out))
        ok = false;
    *reduction_out = reduction;
    return ok;
}

/* "12.345" for 12345: Vietnamese thousands separators. */
static void lltp_format_vnd(long long amount, char *buf, size_t size)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%lld", amount);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = '.';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* The quote body, or NULL when out of memory. */
static json_t *lltp_fee_quote(const struct lltp_fee_rules *rules, const char *reduction_id,
                              long long copies)
{
    const struct lltp_reduction *reduction =
        reduction_id == NULL ? NULL : lltp_reduction_find(reduction_id);
    long long base = reduction == NULL ? LLTP_FEE_FULL : LLTP_FEE_REDUCED;
    long long extra_copies = copies > LLTP_FREE_COPIES ? copies - LLTP_FREE_COPIES : 0;
    long long extra = extra_copies * rules->extra_copy_fee;
    char item[256], unit[32];

    json_t *breakdown = json_array();
    if (reduction == NULL)
        snprintf(item, sizeof item, "Phí cấp Phiếu lý lịch tư pháp");
    else
        snprintf(item, sizeof item, "Phí cấp Phiếu lý lịch tư pháp (mức giảm: %s)",
                 reduction->label);
    json_array_append_new(breakdown, json_pack("{s:s, s:I}", "item", item, "amount",
                                               (json_int_t)base));
    if (extra_copies > 0) {
        lltp_format_vnd(rules->extra_copy_fee, unit, sizeof unit);
        snprintf(item, sizeof item, "Từ Phiếu thứ 3 trở đi: %lld phiếu × %s đồng", extra_copies,
                 unit);
        json_array_append_new(breakdown, json_pack("{s:s, s:I}", "item", item, "amount",
                                                   (json_int_t)extra));
    }
    return json_pack("{s:I, s:s, s:I, s:s?, s:o}", "amount", (json_int_t)(base + extra),
                     "currency", "VND", "copies", (json_int_t)copies, "fee_reduction",
                     reduction == NULL ? NULL : reduction->id, "breakdown", breakdown);
}

void lltp_fee_route(motcua_host *host, void *state, motcua_request *req)
{
    (void)host;
    problem_sink sink;
    json_t *body = json_io_check_begin(req, &sink);
    if (body == NULL)
        return;
    const char *reduction = NULL;
    long long copies = 0;
    bool ok = lltp_fee_check(&sink, body, "", &reduction, &copies);
    if (sink.out_of_memory) {
        json_io_respond(req, 500, NULL);
    } else if (!ok) {
        json_io_respond(req, 400,
                        json_pack("{s:{s:s, s:s, s:O}}", "error", "code", "invalid_request",
                                  "message", "Thông tin tính phí chưa đúng; xem chi tiết từng "
                                             "mục trong \"problems\".",
                                  "problems", sink.array));
    } else {
        json_io_respond(req, 200, lltp_fee_quote(state, reduction, copies));
    }
    json_io_check_end(body, &sink);
}
