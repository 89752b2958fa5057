/* Fuzz target: import of untrusted page files (scan/import.c, import_tiff.c,
 * import_pdf.c), as a scanner worker runs it on an upload. The input is written
 * to a file, sniffed, its pages counted, and its first pages (at most three)
 * decoded, then one page past the end. Small caps keep one input fast:
 * 1 MiB, 4000 px a side, 4 megapixels, 20 pages, PDF at 72 dpi.
 *
 * Contracts checked beyond "no crash, no sanitizer report": a failure always
 * has a reason; a page count is within 1..max_pages; a decoded page never
 * exceeds the caps the import checked before decoding (a page declaring one
 * size and decoding to another would slip past the memory limits); its
 * resolution is one the rest of the pipeline accepts. */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_util.h"
#include "import.h"

static const import_limits fuzz_limits = {
    .max_file_bytes = 1u << 20,
    .max_side = 4000,
    .max_pixels = 4000000LL,
    .max_pages = 20,
    .pdf_dpi = 72,
};

/* Pages decoded per input, besides the one past the end. */
enum { FUZZ_PAGES_DECODED = 3 };

static char page_path[4200];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    snprintf(page_path, sizeof page_path, "%s/upload", fuzz_scratch_dir());
    return 0;
}

/* Decodes page index and checks what came out against the caps. */
static void decode_page(int index)
{
    char err[512] = "";
    PIX *pix = import_page(page_path, index, &fuzz_limits, err, sizeof err);
    if (pix == NULL) {
        FUZZ_REQUIRE(err[0] != '\0');
        return;
    }
    long long w = pixGetWidth(pix), h = pixGetHeight(pix);
    FUZZ_REQUIRE(w > 0 && h > 0);
    FUZZ_REQUIRE(w <= fuzz_limits.max_side && h <= fuzz_limits.max_side);
    FUZZ_REQUIRE(w * h <= fuzz_limits.max_pixels);
    FUZZ_REQUIRE(pixGetXRes(pix) >= 70 && pixGetXRes(pix) <= 2400);
    FUZZ_REQUIRE(pixGetYRes(pix) >= 70 && pixGetYRes(pix) <= 2400);
    pixDestroy(&pix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > fuzz_limits.max_file_bytes)
        return 0;
    import_kind kind = import_sniff(data, size);
    fuzz_write_file(page_path, data, size);

    char err[512] = "";
    int pages = 0;
    int rc = import_page_count(page_path, &fuzz_limits, &pages, err, sizeof err);
    if (rc == 0) {
        FUZZ_REQUIRE(kind != IMPORT_UNKNOWN);
        FUZZ_REQUIRE(pages >= 1 && pages <= fuzz_limits.max_pages);
    } else {
        FUZZ_REQUIRE(err[0] != '\0');
    }
    if (kind == IMPORT_UNKNOWN)
        return 0;
    /* The pages a worker would decode; page 0 also when counting failed, as a caller
     * that skips the count would. */
    int n = rc == 0 ? pages : 1;
    if (n > FUZZ_PAGES_DECODED)
        n = FUZZ_PAGES_DECODED;
    for (int i = 0; i < n; i++)
        decode_page(i);
    if (rc == 0) {
        char err2[512] = "";
        PIX *past = import_page(page_path, pages, &fuzz_limits, err2, sizeof err2);
        FUZZ_REQUIRE(past == NULL && err2[0] != '\0');
    }
    return 0;
}
