/* UTF-8 text cut to a buffer's size (utf8.h). */
#include "utf8.h"

#include <stdio.h>
#include <string.h>

/* Bytes of the sequence a lead byte starts: 1 for ASCII, 2-4, or 0 for a continuation or
 * invalid byte. */
static size_t utf8_sequence_length(unsigned char lead)
{
    return lead < 0x80           ? 1
           : (lead & 0xE0) == 0xC0 ? 2
           : (lead & 0xF0) == 0xE0 ? 3
           : (lead & 0xF8) == 0xF0 ? 4
                                   : 0;
}

size_t utf8_drop_partial(char *s)
{
    size_t len = strlen(s);
    size_t start = len;
    /* Back over at most 3 continuation bytes to the last lead byte. */
    while (start > 0 && len - start < 4 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0 || len - start >= 4)
        return len; /* no lead byte in reach: not a cut we made */
    size_t want = utf8_sequence_length((unsigned char)s[start - 1]);
    size_t have = len - start + 1;
    if (want > 1 && have < want) {
        s[start - 1] = '\0';
        return start - 1;
    }
    return len;
}

void utf8_copy(char *dst, size_t size, const char *src)
{
    if (size == 0)
        return;
    snprintf(dst, size, "%s", src != NULL ? src : "");
    utf8_drop_partial(dst);
}
