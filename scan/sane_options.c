/* SANE device options found by name and set by their type (see sane_options.h). */
#include "sane_options.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How well s means want: 100 for the standard spelling, 50 for a known variant, less for
 * variants that are probably not what we want (duplex, dithered), 0 for no match. */
static int pick_score(const char *s, sopt_want want)
{
    int score = 0;
    switch (want) {
    case SOPT_SOURCE_ADF:
        if (strcasecmp(s, "ADF") == 0 || strcasecmp(s, "Automatic Document Feeder") == 0)
            return 100;
        if (strcasestr(s, "adf") != NULL || strcasestr(s, "feeder") != NULL)
            score = 50;
        if (score > 0 && (strcasestr(s, "duplex") != NULL || strcasestr(s, "back") != NULL))
            score -= 40; /* one side is what a counter scan wants; duplex is a choice */
        if (score > 0 && strcasestr(s, "front") != NULL)
            score += 5;
        return score;
    case SOPT_SOURCE_FLATBED:
        if (strcasecmp(s, "Flatbed") == 0)
            return 100;
        if (strcasestr(s, "flatbed") != NULL || strcasestr(s, "platen") != NULL ||
            strcasestr(s, "glass") != NULL)
            return 50;
        return 0;
    case SOPT_MODE_COLOR:
        if (strcasecmp(s, SANE_VALUE_SCAN_MODE_COLOR) == 0)
            return 100;
        if (strcasestr(s, "color") != NULL || strcasestr(s, "colour") != NULL)
            score = 50;
        break;
    case SOPT_MODE_GRAY:
        if (strcasecmp(s, SANE_VALUE_SCAN_MODE_GRAY) == 0)
            return 100;
        if (strcasestr(s, "color") != NULL || strcasestr(s, "colour") != NULL)
            return 0;
        if (strcasestr(s, "gray") != NULL || strcasestr(s, "grey") != NULL)
            score = 50;
        break;
    }
    /* modes: a dithered or line-art variant is a poor second choice */
    if (score > 0 && (strcasestr(s, "diffusion") != NULL || strcasestr(s, "halftone") != NULL ||
                      strcasestr(s, "dither") != NULL || strcasestr(s, "lineart") != NULL))
        score -= 40;
    return score;
}

int sopt_pick_string(const SANE_String_Const *list, sopt_want want)
{
    if (list == NULL)
        return -1;
    int best = -1, best_score = 0;
    for (int i = 0; list[i] != NULL; i++) {
        int s = pick_score(list[i], want);
        if (s > best_score) {
            best = i;
            best_score = s;
        }
    }
    return best;
}

SANE_Int sopt_find(SANE_Handle h, const char *name, const SANE_Option_Descriptor **desc)
{
    SANE_Int count = 0;
    if (name == NULL || sane_control_option(h, 0, SANE_ACTION_GET_VALUE, &count, NULL) != SANE_STATUS_GOOD)
        return 0;
    for (SANE_Int i = 1; i < count; i++) {
        const SANE_Option_Descriptor *d = sane_get_option_descriptor(h, i);
        if (d != NULL && d->name != NULL && d->type != SANE_TYPE_GROUP && strcmp(d->name, name) == 0) {
            if (desc != NULL)
                *desc = d;
            return i;
        }
    }
    return 0;
}

/* Finds name and checks that it can be set now. Returns its number, or 0 with err set. */
static SANE_Int find_settable(SANE_Handle h, const char *name, const SANE_Option_Descriptor **desc,
                              char *err, size_t errlen)
{
    SANE_Int i = sopt_find(h, name, desc);
    if (i == 0) {
        snprintf(err, errlen, "the device has no option \"%s\"", name);
        return 0;
    }
    if (!SANE_OPTION_IS_ACTIVE((*desc)->cap)) {
        snprintf(err, errlen, "option \"%s\" is inactive (another option enables it)", name);
        return 0;
    }
    if (!SANE_OPTION_IS_SETTABLE((*desc)->cap)) {
        snprintf(err, errlen, "option \"%s\" is read-only", name);
        return 0;
    }
    return i;
}

/* One sane_control_option SET with its status turned into 0 / -1 + err. */
static int set_raw(SANE_Handle h, SANE_Int i, const char *name, void *value, SANE_Int *info,
                   char *err, size_t errlen)
{
    SANE_Int got = 0;
    SANE_Status st = sane_control_option(h, i, SANE_ACTION_SET_VALUE, value, &got);
    if (info != NULL)
        *info = got;
    if (st != SANE_STATUS_GOOD) {
        snprintf(err, errlen, "setting option \"%s\" failed: %s", name, sane_strstatus(st));
        return -1;
    }
    return 0;
}

static int parse_bool(const char *t, SANE_Bool *b)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++) {
        if (strcasecmp(t, yes[k]) == 0) {
            *b = SANE_TRUE;
            return 0;
        }
        if (strcasecmp(t, no[k]) == 0) {
            *b = SANE_FALSE;
            return 0;
        }
    }
    return -1;
}

/* The text of an int or fixed option as one SANE_Word. Returns 0 or -1. */
static int parse_word(const char *t, SANE_Value_Type type, SANE_Word *w)
{
    char *end = NULL;
    errno = 0;
    if (type == SANE_TYPE_INT) {
        long v = strtol(t, &end, 10);
        if (errno != 0 || end == t || *end != '\0' || v < INT_MIN || v > INT_MAX)
            return -1;
        *w = (SANE_Word)v;
        return 0;
    }
    double d = strtod(t, &end);
    if (errno != 0 || end == t || *end != '\0' || !isfinite(d) || d < -32767.0 || d > 32767.0)
        return -1;
    *w = SANE_FIX(d);
    return 0;
}

/* Sets a string option: the list entry equal to text ignoring case, else text itself. */
static int set_string(SANE_Handle h, SANE_Int i, const SANE_Option_Descriptor *d, const char *name,
                      const char *text, SANE_Int *info, char *err, size_t errlen)
{
    const char *value = text;
    if (d->constraint_type == SANE_CONSTRAINT_STRING_LIST && d->constraint.string_list != NULL) {
        for (int k = 0; d->constraint.string_list[k] != NULL; k++)
            if (strcasecmp(d->constraint.string_list[k], text) == 0) {
                value = d->constraint.string_list[k];
                break;
            }
    }
    size_t len = strlen(value);
    if (d->size <= 0 || len >= (size_t)d->size) {
        snprintf(err, errlen, "value for option \"%s\" is too long (at most %d bytes)", name,
                 d->size > 0 ? (int)d->size - 1 : 0);
        return -1;
    }
    char *buf = calloc(1, (size_t)d->size);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(buf, value, len);
    int rc = set_raw(h, i, name, buf, info, err, errlen);
    free(buf);
    return rc;
}

/* Sets every element of an int/fixed/bool option (size bytes) to w. */
static int set_words(SANE_Handle h, SANE_Int i, const SANE_Option_Descriptor *d, const char *name,
                     SANE_Word w, SANE_Int *info, char *err, size_t errlen)
{
    size_t n = d->size >= (SANE_Int)sizeof(SANE_Word) ? (size_t)d->size / sizeof(SANE_Word) : 1;
    SANE_Word *words = calloc(n, sizeof *words);
    if (words == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        words[k] = w;
    int rc = set_raw(h, i, name, words, info, err, errlen);
    free(words);
    return rc;
}

int sopt_set_text(SANE_Handle h, const char *name, const char *text, SANE_Int *info,
                  char *err, size_t errlen)
{
    const SANE_Option_Descriptor *d = NULL;
    if (info != NULL)
        *info = 0;
    SANE_Int i = find_settable(h, name, &d, err, errlen);
    if (i == 0)
        return -1;
    SANE_Word w = 0;
    switch (d->type) {
    case SANE_TYPE_BOOL:
        if (parse_bool(text, &w) != 0) {
            snprintf(err, errlen, "option \"%s\" wants yes or no, not \"%s\"", name, text);
            return -1;
        }
        return set_words(h, i, d, name, w, info, err, errlen);
    case SANE_TYPE_INT:
    case SANE_TYPE_FIXED:
        if (parse_word(text, d->type, &w) != 0) {
            snprintf(err, errlen, "option \"%s\" wants a number, not \"%s\"", name, text);
            return -1;
        }
        return set_words(h, i, d, name, w, info, err, errlen);
    case SANE_TYPE_STRING:
        return set_string(h, i, d, name, text, info, err, errlen);
    case SANE_TYPE_BUTTON:
        return set_raw(h, i, name, NULL, info, err, errlen);
    default:
        snprintf(err, errlen, "option \"%s\" cannot be set (type %d)", name, (int)d->type);
        return -1;
    }
}

int sopt_set_choice(SANE_Handle h, const char *name, sopt_want want, char *chosen,
                    size_t chosenlen, char *err, size_t errlen)
{
    const SANE_Option_Descriptor *d = NULL;
    if (chosenlen > 0)
        chosen[0] = '\0';
    if (sopt_find(h, name, &d) == 0)
        return 1;
    if (d->type != SANE_TYPE_STRING || d->constraint_type != SANE_CONSTRAINT_STRING_LIST) {
        snprintf(err, errlen, "option \"%s\" is not a list of choices", name);
        return -1;
    }
    int k = sopt_pick_string(d->constraint.string_list, want);
    if (k < 0) {
        size_t used = (size_t)snprintf(err, errlen, "no suitable value for option \"%s\"; the device offers:", name);
        for (int j = 0; d->constraint.string_list[j] != NULL && used < errlen; j++)
            used += (size_t)snprintf(err + used, errlen - used, " \"%s\"", d->constraint.string_list[j]);
        return -1;
    }
    const char *entry = d->constraint.string_list[k];
    snprintf(chosen, chosenlen, "%s", entry);
    /* The device may be set to it already: setting again is harmless and keeps one path. */
    if (sopt_set_text(h, name, entry, NULL, err, errlen) != 0)
        return -1;
    return 0;
}

/* The value in the option's units (int or SANE_Fixed) nearest to want at or above it that
 * the constraint allows; the largest allowed when all are below. */
static SANE_Word constrain_word(const SANE_Option_Descriptor *d, SANE_Word want)
{
    if (d->constraint_type == SANE_CONSTRAINT_RANGE && d->constraint.range != NULL) {
        const SANE_Range *r = d->constraint.range;
        SANE_Word v = want < r->min ? r->min : want > r->max ? r->max : want;
        if (r->quant > 0) {
            long long steps = ((long long)v - r->min + r->quant - 1) / r->quant;
            long long q = (long long)r->min + steps * r->quant;
            if (q > r->max)
                q -= r->quant;
            v = (SANE_Word)q;
        }
        return v;
    }
    if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST && d->constraint.word_list != NULL) {
        const SANE_Word *list = d->constraint.word_list; /* list[0] is the count */
        bool found = false;
        SANE_Word best = 0, largest = 0;
        for (SANE_Word k = 1; k <= list[0]; k++) {
            if (k == 1 || list[k] > largest)
                largest = list[k];
            if (list[k] >= want && (!found || list[k] < best)) {
                best = list[k];
                found = true;
            }
        }
        if (list[0] > 0)
            return found ? best : largest;
    }
    return want;
}

int sopt_set_resolution(SANE_Handle h, int dpi, int *actual, char *err, size_t errlen)
{
    const SANE_Option_Descriptor *d = NULL;
    *actual = 0;
    if (sopt_find(h, SANE_NAME_SCAN_RESOLUTION, &d) == 0)
        return 1;
    if (d->type != SANE_TYPE_INT && d->type != SANE_TYPE_FIXED) {
        snprintf(err, errlen, "option \"resolution\" has unexpected type %d", (int)d->type);
        return -1;
    }
    SANE_Int i = find_settable(h, SANE_NAME_SCAN_RESOLUTION, &d, err, errlen);
    if (i == 0)
        return -1;
    bool fixed = d->type == SANE_TYPE_FIXED;
    SANE_Word w = constrain_word(d, fixed ? SANE_FIX((double)dpi) : (SANE_Word)dpi);
    if (set_words(h, i, d, SANE_NAME_SCAN_RESOLUTION, w, NULL, err, errlen) != 0)
        return -1;
    /* Read back what the backend took (SANE_INFO_INEXACT or not: some backends round
     * silently). The descriptor may have changed with the set: look it up again. */
    i = sopt_find(h, SANE_NAME_SCAN_RESOLUTION, &d);
    size_t n = i > 0 && d->size >= (SANE_Int)sizeof(SANE_Word) ? (size_t)d->size / sizeof(SANE_Word) : 1;
    SANE_Word *words = calloc(n, sizeof *words);
    if (words == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    SANE_Status st = i > 0 ? sane_control_option(h, i, SANE_ACTION_GET_VALUE, words, NULL) : SANE_STATUS_INVAL;
    SANE_Word got = words[0];
    free(words);
    if (st != SANE_STATUS_GOOD) {
        snprintf(err, errlen, "reading back option \"resolution\" failed: %s", sane_strstatus(st));
        return -1;
    }
    *actual = fixed ? (int)lround(SANE_UNFIX(got)) : (int)got;
    return 0;
}
