/* Text folding for search and matching: case and Vietnamese diacritics ignored. */
#ifndef MOTCUA_FOLD_H
#define MOTCUA_FOLD_H

/* Returns a malloc'ed copy of utf8 folded for matching: Unicode case-folded,
 * decomposed (NFD) with combining marks removed, đ/Đ -> d, every run of
 * whitespace or punctuation -> one ASCII space, leading/trailing space trimmed.
 * "Đăng ký  KHAI-SINH" -> "dang ky khai sinh". Returns NULL on invalid UTF-8
 * or out of memory; fold_text(NULL) returns NULL. */
char *fold_text(const char *utf8);

#endif
