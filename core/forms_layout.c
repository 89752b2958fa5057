/* core/forms: page primitives — text boxes, header, title, fields, tables, signature blocks. */
#include <string.h>
#include <stdio.h>

#include <pango/pangocairo.h>

#include "forms_internal.h"

#define FORM_FONT "Liberation Serif, DejaVu Serif"
#define FORM_DOTS "……………………"
#define FORM_LINE_WIDTH 0.5
#define FORM_CELL_PAD 2.5
#define FORM_HEAD_PT 10.0
#define FORM_MAX_PAIRS 4

/* A pango layout for text (plain text, never markup) in width w (w <= 0: unbounded), with
 * the byte ranges bold[2i]..bold[2i+1] set in bold. The caller unrefs it. */
static PangoLayout *make_layout(struct form_doc *doc, double w, const char *text, const struct form_style *st,
                                const size_t *bold, size_t nbold)
{
    PangoLayout *l = pango_cairo_create_layout(doc->cr);
    PangoFontDescription *fd = pango_font_description_from_string(FORM_FONT);
    /* Absolute size in user units, which are PDF points: no 96-dpi scaling. */
    pango_font_description_set_absolute_size(fd, st->pt * PANGO_SCALE);
    pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (w > 0) {
        pango_layout_set_width(l, (int)(w * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_line_spacing(l, 1.1f);
    static const PangoAlignment align[] = {
        [FORM_LEFT] = PANGO_ALIGN_LEFT, [FORM_CENTER] = PANGO_ALIGN_CENTER,
        [FORM_RIGHT] = PANGO_ALIGN_RIGHT, [FORM_JUSTIFY] = PANGO_ALIGN_LEFT,
    };
    pango_layout_set_alignment(l, align[st->align]);
    pango_layout_set_justify(l, st->align == FORM_JUSTIFY);
    if (nbold > 0) {
        PangoAttrList *attrs = pango_attr_list_new();
        for (size_t i = 0; i < nbold; i++) {
            PangoAttribute *a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
            a->start_index = (guint)bold[2 * i];
            a->end_index = (guint)bold[2 * i + 1];
            pango_attr_list_insert(attrs, a);
        }
        pango_layout_set_attributes(l, attrs);
        pango_attr_list_unref(attrs);
    }
    pango_layout_set_text(l, text ? text : "", -1);
    return l;
}

/* Height of the layout (and width through *w when non-NULL), in points. */
static double layout_height(PangoLayout *l, double *w)
{
    int lw, lh;
    pango_layout_get_size(l, &lw, &lh);
    if (w != NULL)
        *w = (double)lw / PANGO_SCALE;
    return (double)lh / PANGO_SCALE;
}

static double place_layout(struct form_doc *doc, PangoLayout *l, double x, double y, int draw)
{
    double h = layout_height(l, NULL);
    if (draw) {
        cairo_move_to(doc->cr, x, y);
        pango_cairo_show_layout(doc->cr, l);
    }
    g_object_unref(l);
    return h;
}

double form_text_at(struct form_doc *doc, double x, double y, double w, const char *text,
                    const struct form_style *st, int draw)
{
    return place_layout(doc, make_layout(doc, w, text, st, NULL, 0), x, y, draw);
}

/* Natural width of one unwrapped line of text. */
static double text_width(struct form_doc *doc, const char *text, const struct form_style *st)
{
    double w;
    PangoLayout *l = make_layout(doc, 0, text, st, NULL, 0);
    layout_height(l, &w);
    g_object_unref(l);
    return w;
}

static void rule(struct form_doc *doc, double x0, double x1, double y)
{
    cairo_set_line_width(doc->cr, FORM_LINE_WIDTH);
    cairo_move_to(doc->cr, x0, y);
    cairo_line_to(doc->cr, x1, y);
    cairo_stroke(doc->cr);
}

double form_width(const struct form_doc *doc)
{
    double w = doc->page_w - doc->left - doc->right;
    if (doc->y < doc->reserve_until)
        w -= doc->reserve_w;
    return w;
}

static void page_foot(struct form_doc *doc)
{
    if (!doc->number_pages)
        return;
    const struct form_style st = { 8, 0, 1, FORM_CENTER };
    char text[32];
    snprintf(text, sizeof text, "Trang %d", doc->page);
    form_text_at(doc, doc->left, doc->page_h - doc->bottom + 6, doc->page_w - doc->left - doc->right, text, &st,
                 1);
}

void form_end_page(struct form_doc *doc)
{
    page_foot(doc);
    cairo_show_page(doc->cr);
}

void form_new_page(struct form_doc *doc)
{
    form_end_page(doc);
    doc->page++;
    doc->y = doc->top;
    doc->reserve_until = 0;
}

void form_ensure(struct form_doc *doc, double h)
{
    if (doc->y + h > doc->page_h - doc->bottom && doc->y > doc->top)
        form_new_page(doc);
}

/* Puts a layout built for the current width at the cursor, breaking the page first if it
 * does not fit (and rebuilding it then, since the width may change with the page). */
static void flow(struct form_doc *doc, const char *text, const struct form_style *st, const size_t *bold,
                 size_t nbold)
{
    PangoLayout *l = make_layout(doc, form_width(doc), text, st, bold, nbold);
    double h = layout_height(l, NULL);
    if (doc->y + h > doc->page_h - doc->bottom && doc->y > doc->top) {
        g_object_unref(l);
        form_new_page(doc);
        l = make_layout(doc, form_width(doc), text, st, bold, nbold);
    }
    doc->y += place_layout(doc, l, doc->left, doc->y, 1) + 3;
}

void form_para(struct form_doc *doc, const char *text, const struct form_style *st)
{
    flow(doc, text, st, NULL, 0);
}

void form_fields(struct form_doc *doc, const char *const *pairs, size_t n)
{
    char text[4096];
    size_t bold[2 * FORM_MAX_PAIRS], nbold = 0, len = 0;
    if (n > FORM_MAX_PAIRS)
        n = FORM_MAX_PAIRS;
    for (size_t i = 0; i < n; i++) {
        const char *label = pairs[2 * i], *value = pairs[2 * i + 1];
        int filled = value != NULL && *value != '\0';
        int k = snprintf(text + len, sizeof text - len, "%s%s ", i ? "     " : "", label);
        if (k < 0 || (size_t)k >= sizeof text - len)
            break;
        len += (size_t)k;
        k = snprintf(text + len, sizeof text - len, "%s", filled ? value : FORM_DOTS);
        if (k < 0 || (size_t)k >= sizeof text - len) {
            /* Cut at the last whole UTF-8 character that fitted. */
            len = sizeof text - 1;
            while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
                len--;
            text[len] = '\0';
            k = 0;
        }
        if (filled) {
            bold[2 * nbold] = len;
            bold[2 * nbold + 1] = len + (size_t)k;
            nbold++;
        }
        len += (size_t)k;
    }
    const struct form_style st = { doc->body_pt, 0, 0, FORM_LEFT };
    flow(doc, text, &st, bold, nbold);
}

void form_field(struct form_doc *doc, const char *label, const char *value)
{
    const char *pairs[2] = { label, value };
    form_fields(doc, pairs, 1);
}

void form_header(struct form_doc *doc, const char *parent, const char *agency, const char *number_line,
                 const char *date_line)
{
    static const char motto[] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    static const char motto2[] = "Độc lập - Tự do - Hạnh phúc";
    const double full = doc->page_w - doc->left - doc->right, gap = 8;
    struct form_style bold = { FORM_HEAD_PT, 1, 0, FORM_CENTER };
    /* The motto never wraps: its column is as wide as it is, up to 62% of the page,
     * and past that the motto's type is made smaller to fit. */
    double right_w = text_width(doc, motto, &bold) + 4;
    if (right_w > 0.62 * full) {
        bold.pt *= 0.62 * full / right_w;
        right_w = 0.62 * full;
    }
    if (right_w < 0.5 * full)
        right_w = 0.5 * full;
    const double left_w = full - right_w - gap, lx = doc->left, rx = doc->left + left_w + gap;
    const struct form_style plain = { FORM_HEAD_PT, 0, 0, FORM_CENTER };
    const struct form_style lbold = { FORM_HEAD_PT, 1, 0, FORM_CENTER };
    const struct form_style italic = { FORM_HEAD_PT, 0, 1, FORM_CENTER };

    double ly = doc->y, ry = doc->y;
    if (parent != NULL && *parent != '\0')
        ly += form_text_at(doc, lx, ly, left_w, form_upper(doc, parent), &plain, 1);
    ly += form_text_at(doc, lx, ly, left_w, form_upper(doc, agency), &lbold, 1) + 3;
    rule(doc, lx + left_w * 0.35, lx + left_w * 0.65, ly);
    ly += 4;
    if (number_line != NULL && *number_line != '\0')
        ly += form_text_at(doc, lx, ly, left_w, number_line, &plain, 1);

    ry += form_text_at(doc, rx, ry, right_w, motto, &bold, 1);
    const struct form_style bold2 = { bold.pt, 1, 0, FORM_CENTER };
    ry += form_text_at(doc, rx, ry, right_w, motto2, &bold2, 1) + 3;
    double w2 = text_width(doc, motto2, &bold2);
    rule(doc, rx + (right_w - w2) / 2, rx + (right_w + w2) / 2, ry);
    ry += 4;
    if (date_line != NULL && *date_line != '\0')
        ry += form_text_at(doc, rx, ry, right_w, date_line, &italic, 1);

    doc->y = (ly > ry ? ly : ry) + 12;
}

void form_title(struct form_doc *doc, const char *title)
{
    const struct form_style st = { doc->body_pt + 2.5, 1, 0, FORM_CENTER };
    form_para(doc, form_upper(doc, title), &st);
    doc->y += 1;
}

/* Height of a table row: the tallest of its wrapped cells plus padding. */
static double row_height(struct form_doc *doc, const double *w, size_t ncols, const char *const *cells,
                         const struct form_style *st, const struct form_col *cols)
{
    double h = 0;
    for (size_t c = 0; c < ncols; c++) {
        struct form_style cs = *st;
        if (cols != NULL)
            cs.align = cols[c].align;
        PangoLayout *l = make_layout(doc, w[c] - 2 * FORM_CELL_PAD, cells[c], &cs, NULL, 0);
        double ch = layout_height(l, NULL);
        g_object_unref(l);
        if (ch > h)
            h = ch;
    }
    return h + 2 * FORM_CELL_PAD;
}

static void draw_row(struct form_doc *doc, const double *w, size_t ncols, const char *const *cells, double h,
                     const struct form_style *st, const struct form_col *cols)
{
    double x = doc->left;
    cairo_set_line_width(doc->cr, FORM_LINE_WIDTH);
    for (size_t c = 0; c < ncols; c++) {
        struct form_style cs = *st;
        if (cols != NULL)
            cs.align = cols[c].align;
        form_text_at(doc, x + FORM_CELL_PAD, doc->y + FORM_CELL_PAD, w[c] - 2 * FORM_CELL_PAD, cells[c], &cs, 1);
        cairo_rectangle(doc->cr, x, doc->y, w[c], h);
        cairo_stroke(doc->cr);
        x += w[c];
    }
    doc->y += h;
}

#define FORM_MAX_COLS 16

void form_table(struct form_doc *doc, const struct form_col *cols, size_t ncols, const char *const *cells,
                size_t nrows, double pt)
{
    if (ncols == 0 || ncols > FORM_MAX_COLS)
        return;
    double w[FORM_MAX_COLS], total = 0;
    const char *head[FORM_MAX_COLS], *row[FORM_MAX_COLS];
    for (size_t c = 0; c < ncols; c++)
        total += cols[c].weight;
    const double full = doc->page_w - doc->left - doc->right;
    for (size_t c = 0; c < ncols; c++) {
        w[c] = full * cols[c].weight / total;
        head[c] = cols[c].head;
    }
    const struct form_style hs = { pt, 1, 0, FORM_CENTER }, bs = { pt, 0, 0, FORM_LEFT };
    const double head_h = row_height(doc, w, ncols, head, &hs, NULL);
    const double bottom = doc->page_h - doc->bottom;
    int need_head = 1;
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < ncols; c++)
            row[c] = cells[r * ncols + c] ? cells[r * ncols + c] : "";
        double h = row_height(doc, w, ncols, row, &bs, cols);
        if (doc->y + (need_head ? head_h : 0) + h > bottom && doc->y > doc->top) {
            form_new_page(doc);
            need_head = 1;
        }
        if (need_head) {
            draw_row(doc, w, ncols, head, head_h, &hs, NULL);
            need_head = 0;
        }
        /* A row taller than a whole page is drawn anyway and runs past the margin. */
        draw_row(doc, w, ncols, row, h, &bs, cols);
    }
    if (need_head)
        draw_row(doc, w, ncols, head, head_h, &hs, NULL);
    doc->y += 4;
}

void form_signatures(struct form_doc *doc, const struct form_sig *sigs, size_t n)
{
    if (n == 0)
        return;
    const double full = doc->page_w - doc->left - doc->right, cw = full / (double)n, space = 46;
    const struct form_style ts = { doc->body_pt, 1, 0, FORM_CENTER };
    const struct form_style hs = { doc->body_pt - 1, 0, 1, FORM_CENTER };
    const struct form_style ns = { doc->body_pt, 1, 0, FORM_CENTER };
    double need = 0;
    for (size_t i = 0; i < n; i++) {
        double h = form_text_at(doc, 0, 0, cw, sigs[i].title, &ts, 0) +
                   form_text_at(doc, 0, 0, cw, sigs[i].hint, &hs, 0) + space +
                   form_text_at(doc, 0, 0, cw, sigs[i].name, &ns, 0);
        if (h > need)
            need = h;
    }
    form_ensure(doc, need + 6);
    doc->y += 6;
    double end = doc->y;
    for (size_t i = 0; i < n; i++) {
        double x = doc->left + cw * (double)i, y = doc->y;
        y += form_text_at(doc, x, y, cw, sigs[i].title, &ts, 1);
        y += form_text_at(doc, x, y, cw, sigs[i].hint, &hs, 1) + space;
        if (sigs[i].name != NULL && *sigs[i].name != '\0')
            y += form_text_at(doc, x, y, cw, sigs[i].name, &ns, 1);
        if (y > end)
            end = y;
    }
    doc->y = end + 6;
}
