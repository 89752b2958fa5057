/* Fuzz target: page classification and completeness (scan/classify.c,
 * scan/completeness.c) on OCR text. Whoever writes on a page decides what OCR
 * reads from it, so the text is untrusted: it is folded (core/fold.c), split
 * into tokens, and aligned fuzzily against every document's title and key
 * phrases. The catalogue is the department plugins' data files
 * (plugins/<dept>/<dept>.json, read from the repository: tests/fuzz/run starts the
 * harnesses there). Input: the first byte picks the procedure, the rest is the
 * text of the pages separated by form feeds ('\f'); an empty page is blank.
 *
 * Contracts checked beyond "no crash, no sanitizer report": a page's document
 * is one of the version's (or none); its confidence is 0..1; a continuation
 * page continues a document; completeness answers with an object. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "classify.h"
#include "completeness.h"
#include "fuzz_util.h"

static const char *const data_files[][2] = {
    {"plugins/congan/congan.json", "congan"},     {"plugins/nnmt/nnmt.json", "nnmt"},
    {"plugins/taichinh/taichinh.json", "taichinh"}, {"plugins/tuphap/tuphap.json", "tuphap"},
    {"plugins/xaydung/xaydung.json", "xaydung"},
};

/* Pages a page set may have; the text of more goes to the last. */
enum { FUZZ_MAX_PAGES = 16 };

static catalogue *cat;
static const cat_version *versions[64];
static size_t version_count;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[512] = "";
    cat = catalogue_new();
    FUZZ_REQUIRE(cat != NULL);
    for (size_t i = 0; i < sizeof data_files / sizeof data_files[0]; i++) {
        if (catalogue_load_file(cat, data_files[i][0], data_files[i][1], err, sizeof err) != 0) {
            fprintf(stderr, "fuzz_classify: %s: %s (run from the repository)\n", data_files[i][0], err);
            abort();
        }
    }
    for (size_t i = 0; i < catalogue_count(cat); i++) {
        const cat_procedure *p = catalogue_at(cat, i);
        for (size_t v = 0; v < p->version_count && version_count < 64; v++)
            versions[version_count++] = &p->versions[v];
    }
    FUZZ_REQUIRE(version_count > 0);
    return 0;
}

static bool is_document_of(const cat_version *v, const char *id)
{
    for (size_t i = 0; i < v->document_count; i++)
        if (v->documents[i].id == id)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A page of OCR text is a few KB; this is many pages' worth. */
    if (size < 1 || size > 64 * 1024)
        return 0;
    const cat_version *v = versions[data[0] % version_count];
    char *text = malloc(size);
    FUZZ_REQUIRE(text != NULL);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    classify_page pages[FUZZ_MAX_PAGES];
    size_t n = 0;
    for (char *p = text;;) {
        char *ff = n + 1 < FUZZ_MAX_PAGES ? strchr(p, '\f') : NULL;
        if (ff != NULL)
            *ff = '\0';
        pages[n].text = p;
        pages[n].blank = p[0] == '\0';
        n++;
        if (ff == NULL)
            break;
        p = ff + 1;
    }
    classify_result out[FUZZ_MAX_PAGES];
    classify_pages(v, pages, n, out);
    const char *documents[FUZZ_MAX_PAGES];
    for (size_t i = 0; i < n; i++) {
        FUZZ_REQUIRE(out[i].document == NULL || is_document_of(v, out[i].document));
        FUZZ_REQUIRE(out[i].confidence >= 0.0 && out[i].confidence <= 1.0);
        FUZZ_REQUIRE(!out[i].continuation || (i > 0 && out[i].document != NULL));
        FUZZ_REQUIRE(!pages[i].blank || out[i].document == NULL);
        documents[i] = out[i].document;
    }
    json_t *verdict = completeness_check(v, documents, n);
    FUZZ_REQUIRE(json_is_object(verdict));
    json_decref(verdict);
    free(text);
    return 0;
}
