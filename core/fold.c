/* Text folding for search and matching: case, diacritics, đ and punctuation ignored. */
#include "fold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#define FOLD_D_STROKE_SMALL 0x0111u /* đ: has no decomposition, so NFD keeps it */
#define FOLD_D_STROKE_CAPITAL 0x0110u

/* True for the code points kept as word characters: letters and digits. */
static int fold_is_word(ucs4_t uc)
{
    return uc_is_general_category(uc, UC_CATEGORY_L) || uc_is_general_category(uc, UC_CATEGORY_N);
}

/* True for combining marks, which the fold drops (tone and vowel marks after NFD). */
static int fold_is_mark(ucs4_t uc)
{
    return uc_is_general_category(uc, UC_CATEGORY_M);
}

char *fold_text(const char *utf8)
{
    if (utf8 == NULL)
        return NULL;
    size_t in_len = strlen(utf8);
    if (u8_check((const uint8_t *)utf8, in_len) != NULL)
        return NULL;

    /* Case fold and decompose in one pass: "Ư" -> "u" + U+031B horn. */
    size_t nfd_len = 0;
    uint8_t *nfd = u8_casefold((const uint8_t *)utf8, in_len, NULL, UNINORM_NFD, NULL, &nfd_len);
    if (nfd == NULL && in_len > 0)
        return NULL;

    /* Dropping marks and collapsing separators never lengthens the text,
     * and đ (2 bytes) becomes d (1 byte). */
    char *out = malloc(nfd_len + 1);
    if (out == NULL) {
        free(nfd);
        return NULL;
    }
    size_t o = 0;
    int pending_space = 0;
    const uint8_t *p = nfd;
    const uint8_t *end = nfd + nfd_len;
    while (p < end) {
        ucs4_t uc;
        int n = u8_mbtouc(&uc, p, (size_t)(end - p));
        if (n <= 0) {
            free(nfd);
            free(out);
            return NULL;
        }
        if (fold_is_mark(uc)) {
            p += n;
            continue;
        }
        if (uc == FOLD_D_STROKE_SMALL || uc == FOLD_D_STROKE_CAPITAL) {
            uc = 'd';
        }
        if (!fold_is_word(uc)) {
            pending_space = o > 0;
            p += n;
            continue;
        }
        if (pending_space) {
            out[o++] = ' ';
            pending_space = 0;
        }
        if (uc == 'd' && n > 1) {
            out[o++] = 'd';
        } else {
            memcpy(out + o, p, (size_t)n);
            o += (size_t)n;
        }
        p += n;
    }
    out[o] = '\0';
    free(nfd);
    return out;
}
