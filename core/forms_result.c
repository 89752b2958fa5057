/* core/forms: a department's result document (Giấy khai sinh, Giấy chứng nhận...) from the text its plugin writes. */
#include <string.h>

#include "forms_internal.h"

/* One line of the body: "Label: value" as a field (value bold), anything else as a
 * paragraph, an empty line as a gap. line is owned by doc. */
static void result_line(struct form_doc *doc, const char *line)
{
    const struct form_style plain = { doc->body_pt, 0, 0, FORM_LEFT };
    const char *colon = strstr(line, ": ");
    if (*line == '\0') {
        doc->y += doc->body_pt * 0.6;
    } else if (colon != NULL && colon - line <= 60) {
        const char *label = form_printf(doc, "%.*s", (int)(colon - line + 1), line);
        form_field(doc, label, colon + 2);
    } else {
        form_para(doc, line, &plain);
    }
}

int formresult_render(struct form_doc *doc, const json_t *data)
{
    const char *agency = form_get(doc, data, "agency.name", 1);
    const char *parent = form_get(doc, data, "agency.parent", 0);
    const char *number = form_get(doc, data, "number_line", 0);
    const char *text = form_get(doc, data, "text", 1);
    if (doc->failed)
        return -1;
    const char *nl = strchr(text, '\n');
    const char *title = nl != NULL ? form_printf(doc, "%.*s", (int)(nl - text), text) : text;
    if (title == NULL || *title == '\0')
        return form_fail(doc, "key \"text\" must start with a title line");
    form_header(doc, parent, agency, number, "");
    form_title(doc, title);
    for (const char *p = nl; p != NULL && !doc->failed;) {
        p++;
        const char *end = strchr(p, '\n');
        const char *line = end != NULL ? form_printf(doc, "%.*s", (int)(end - p), p) : p;
        if (line != NULL)
            result_line(doc, line);
        p = end;
    }
    return doc->failed ? -1 : 0;
}
