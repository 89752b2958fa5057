/* Shared pieces of core/forms: the page context, layout primitives, input readers, QR. */
#ifndef MOTCUA_FORMS_INTERNAL_H
#define MOTCUA_FORMS_INTERNAL_H

#include <stddef.h>

#include <cairo.h>
#include <jansson.h>

/* Page sizes in PDF points (1/72 inch). */
#define FORM_A5_W 419.527559
#define FORM_A5_H 595.275591
#define FORM_A4_LONG 841.889764

/* One document being rendered: the cairo surface, the cursor and what the render owns.
 * Every primitive draws at the cursor (doc->y) and moves it down; none fails by itself:
 * cairo errors are sticky on the surface and reported when the document is finished. */
struct form_doc {
    cairo_surface_t *surface;
    cairo_t *cr;
    double page_w, page_h;
    double left, right, top, bottom; /* margins */
    double y;                        /* cursor: top of the next thing drawn */
    double reserve_w, reserve_until; /* right-hand strip kept free (the QR) above this y */
    int page;                        /* 1-based */
    int number_pages;                /* print "Trang n" at the foot of every page */
    double body_pt;                  /* body text size */
    const char *label;               /* "form 01", prefix of error messages */
    char *err;
    size_t errlen;
    int failed;
    void **pool; /* strings made during the render, freed with the document */
    size_t npool, cappool;
};

enum form_align { FORM_LEFT, FORM_CENTER, FORM_RIGHT, FORM_JUSTIFY };

struct form_style {
    double pt;
    int bold, italic;
    enum form_align align;
};

/* A table column: heading, share of the table width, alignment of its cells. */
struct form_col {
    const char *head;
    double weight;
    enum form_align align;
};

/* A signature block: "NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", the printed name. */
struct form_sig {
    const char *title, *hint, *name;
};

/* ---- errors and owned strings (forms_input.c) ---- */

/* Records the first error as "<label>: <message>" and returns -1; later calls keep the first. */
int form_fail(struct form_doc *doc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A printf'ed string owned by doc (freed with it); NULL after recording an error if out of memory. */
const char *form_printf(struct form_doc *doc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* n zeroed elements of size bytes owned by doc; NULL after recording an error. */
void *form_alloc(struct form_doc *doc, size_t n, size_t size);

/* Upper-cases UTF-8 text (Vietnamese included); owned by doc. "" for NULL. */
const char *form_upper(struct form_doc *doc, const char *text);

/* ---- reading the input (forms_input.c) ---- */

/* The text at a dotted path ("applicant.name") of obj: a JSON string, or an integer printed
 * in decimal. Missing, null or "" → NULL with "missing required key" recorded if required,
 * else "". Any other type → NULL with an error. */
const char *form_get(struct form_doc *doc, const json_t *obj, const char *path, int required);

/* The text at key of item i of array (read from array_key), named "array_key[i].key" in
 * messages; same rules as form_get. A key ending in "_at" is also checked as a time
 * "HH:MM dd/mm/yyyy" and returned as given. A non-object item is an error. */
const char *form_item(struct form_doc *doc, const json_t *array, const char *array_key, size_t i, const char *key,
                      int required);

/* The array at key: NULL with an error if it is missing or not an array, or empty while
 * nonempty is set. */
const json_t *form_array(struct form_doc *doc, const json_t *obj, const char *key, int nonempty);

/* A time "HH:MM dd/mm/yyyy" at path, validated (real date, 00:00–23:59). form_time_short
 * returns it as given; form_time_words as "08 giờ 30 phút, ngày 22 tháng 11 năm 2025".
 * Optional and absent → ""; invalid → NULL with an error naming the key. */
const char *form_time_short(struct form_doc *doc, const json_t *obj, const char *path, int required);
const char *form_time_words(struct form_doc *doc, const json_t *obj, const char *path, int required);

/* A date "dd/mm/yyyy" at path as "ngày 22 tháng 11 năm 2025" (same rules as above). */
const char *form_date_words(struct form_doc *doc, const json_t *obj, const char *path, int required);

/* "ngày dd tháng mm năm yyyy" for the date part of an already validated time text. */
const char *form_words_of_day(struct form_doc *doc, const char *time_short);

/* ---- layout (forms_layout.c) ---- */

/* Text width available at the cursor: the page less margins and any reserved strip. */
double form_width(const struct form_doc *doc);

/* Lays out text in a box of width w at (x, y); draws it when draw is set. Returns the height. */
double form_text_at(struct form_doc *doc, double x, double y, double w, const char *text,
                    const struct form_style *st, int draw);

/* Ends the page: its foot note ("Trang n") if pages are numbered, then the page is emitted. */
void form_end_page(struct form_doc *doc);

/* Ends the page and starts the next; the cursor goes to the top, the reserved strip is freed. */
void form_new_page(struct form_doc *doc);

/* Starts a new page unless h points fit between the cursor and the bottom margin. */
void form_ensure(struct form_doc *doc, double h);

/* A paragraph across the available width at the cursor; breaks the page if needed. */
void form_para(struct form_doc *doc, const char *text, const struct form_style *st);

/* One line of "label value" pairs: labels regular, values bold, wrapped as one paragraph;
 * pairs holds 2*n strings (label, value); a NULL or "" value prints dots to fill by hand. */
void form_fields(struct form_doc *doc, const char *const *pairs, size_t n);
void form_field(struct form_doc *doc, const char *label, const char *value);

/* The two-column head of a Vietnamese administrative paper: parent agency and agency (bold)
 * over a short rule and number_line at the left; the national motto over a rule and the
 * italic date_line at the right. Any of parent, number_line, date_line may be "" or NULL. */
void form_header(struct form_doc *doc, const char *parent, const char *agency, const char *number_line,
                 const char *date_line);

/* The title in bold capitals, centred, then the cursor below it. */
void form_title(struct form_doc *doc, const char *title);

/* A bordered table at the cursor; cells holds nrows*ncols strings (NULL = empty). Rows are
 * wrapped in their cells; a row that does not fit goes to the next page under a repeated
 * header row. */
void form_table(struct form_doc *doc, const struct form_col *cols, size_t ncols, const char *const *cells,
                size_t nrows, double pt);

/* Signature blocks side by side across the width, kept together on one page. */
void form_signatures(struct form_doc *doc, const struct form_sig *sigs, size_t n);

/* ---- QR (forms_qr.c) ---- */

/* Draws the QR symbol of payload (ECC M, 8-bit) as filled squares in the size x size box at
 * (x, y), quiet zone included. Returns 0, or -1 with an error recorded. */
int form_qr(struct form_doc *doc, double x, double y, double size, const char *payload);

/* ---- the head shared by forms 01–05 (forms_common.c) ---- */

struct form_common {
    const char *agency, *parent, *place, *dossier_code, *proc_code, *proc_name;
    const char *name, *address, *phone, *email, *lookup_url;
};

/* Reads the keys common to forms 01–05. Returns 0, or -1 with an error naming the key. */
int form_common_read(struct form_doc *doc, const json_t *data, struct form_common *c);

/* Draws header, title, "Mã hồ sơ", an optional italic marker line, and the QR at the right of
 * the first fields (which wrap around it). day_words is "ngày … tháng … năm …" or "".
 * Returns 0, or -1 with an error recorded. */
int form_common_top(struct form_doc *doc, const struct form_common *c, const char *number_line,
                    const char *day_words, const char *title, const char *marker);

/* "Ông/bà:", address, phone and email, and the request (procedure name). */
void form_common_applicant(struct form_doc *doc, const struct form_common *c, const char *name_label);

/* ---- the forms ---- */
int form01_render(struct form_doc *doc, const json_t *data);
int form02_render(struct form_doc *doc, const json_t *data);
int form03_render(struct form_doc *doc, const json_t *data);
int form04_render(struct form_doc *doc, const json_t *data);
int form05_render(struct form_doc *doc, const json_t *data);
int form06_render(struct form_doc *doc, const json_t *data);

/* The result document (forms_render_text_document): agency.name R, agency.parent,
 * number_line, text R (its first line is the title). */
int formresult_render(struct form_doc *doc, const json_t *data);

#endif
