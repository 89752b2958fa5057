/* UTF-8 text cut to a buffer's size (snprintf counts bytes, not characters). */
#ifndef MOTCUA_UTF8_H
#define MOTCUA_UTF8_H

#include <stddef.h>

/* Drops a multi-byte character left incomplete at the end of s, as a byte-counting cut
 * (snprintf into a fixed buffer) leaves it; JSON encoders refuse such text. Returns the
 * new length. Text that was valid before the cut is valid after. */
size_t utf8_drop_partial(char *s);

/* snprintf(dst, size, "%s", src) without splitting a character. */
void utf8_copy(char *dst, size_t size, const char *src);

#endif
