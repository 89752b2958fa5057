/* SANE device options found by name and set by their type (int, fixed-point, bool,
 * string from a list), for capture.c: backends differ in how they spell "ADF" or
 * "Color" and in whether resolution is an integer or SANE_Fixed. */
#ifndef MOTCUA_SCAN_SANE_OPTIONS_H
#define MOTCUA_SCAN_SANE_OPTIONS_H

#include <sane/sane.h>
#include <sane/saneopts.h>
#include <stddef.h>

/* What a string option should mean, whatever the backend calls it. */
typedef enum sopt_want {
    SOPT_SOURCE_ADF,      /* "ADF", "Automatic Document Feeder", "ADF Front"... (not duplex) */
    SOPT_SOURCE_FLATBED,  /* "Flatbed", "FlatBed", "Platen"... */
    SOPT_MODE_COLOR,      /* "Color", "Colour", "24bit Color"... */
    SOPT_MODE_GRAY        /* "Gray", "Grayscale", "True Gray"... (not dithered) */
} sopt_want;

/* The index in list (NULL-terminated, as in a SANE string-list constraint) of the entry
 * that best means `want`, compared case-insensitively; -1 when none does or list is NULL. */
int sopt_pick_string(const SANE_String_Const *list, sopt_want want);

/* The option called name (e.g. SANE_NAME_SCAN_RESOLUTION): its number (> 0) and, if
 * desc is not NULL, its descriptor (owned by the backend, valid until options are
 * reloaded or the handle closes). Returns 0 when the device has no such option.
 * Options are looked up afresh on every call, so a SANE_INFO_RELOAD_OPTIONS from an
 * earlier set needs no bookkeeping. */
SANE_Int sopt_find(SANE_Handle h, const char *name, const SANE_Option_Descriptor **desc);

/* Sets option name from its text form, converted by the option's type: bool (yes/no,
 * true/false, on/off, 1/0), int (decimal), fixed (decimal, e.g. "297.5"), string (for a
 * string list, the entry equal to text ignoring case, else text as is), button (text
 * ignored). Array options get every element set to the value. Returns 0, or -1 with an
 * English reason in err (no such option, inactive or read-only, bad value, the backend's
 * status). *info (may be NULL) receives the SANE_INFO_* flags of the set. */
int sopt_set_text(SANE_Handle h, const char *name, const char *text, SANE_Int *info,
                  char *err, size_t errlen);

/* Sets the string option name (source or mode) to the backend's entry meaning want and
 * copies the entry chosen into chosen. Returns 0; 1 when the device has no such option
 * (nothing changed); -1 with an English reason in err when it has one but no entry means
 * want (the entries are listed in err), or when the backend refuses the value. */
int sopt_set_choice(SANE_Handle h, const char *name, sopt_want want, char *chosen,
                    size_t chosenlen, char *err, size_t errlen);

/* Sets the scan resolution to dpi, or the nearest value the device's constraint allows at
 * or above it (the largest if all are below), as an int or SANE_Fixed by the option's
 * type, then reads back the value the backend really took into *actual (whole dpi).
 * Returns 0; 1 when the device has no resolution option (*actual = 0, nothing changed);
 * -1 with an English reason in err. */
int sopt_set_resolution(SANE_Handle h, int dpi, int *actual, char *err, size_t errlen);

#endif
