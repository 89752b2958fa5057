/* Page classification: each page to one of the procedure's document ids, or
 * none, from its title and key phrases (the catalogue's document titles and
 * keywords), robust to OCR errors and lost diacritics (folded text, fuzzy
 * token matching), with a confidence; a page with no match that follows a
 * classified page continues that document. */
#ifndef MOTCUA_SCAN_CLASSIFY_H
#define MOTCUA_SCAN_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include "catalogue.h"

typedef struct classify_page {
    const char *text;     /* OCR text (UTF-8), may be NULL for a failed page */
    bool blank;
} classify_page;

typedef struct classify_result {
    const char *document; /* a document id of the version, or NULL */
    double confidence;    /* 0..1 */
    bool continuation;    /* joined the document of the page before */
} classify_result;

/* Classifies n pages in order against v's documents. out has n entries. */
void classify_pages(const cat_version *v, const classify_page *pages, size_t n, classify_result *out);

/* The score (0..1) of one document against already folded page text. */
double classify_score(const cat_document *d, const char *folded_text);

#endif
