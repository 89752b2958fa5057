/* Page classification by fuzzy, in-order token matching of document titles and keywords. */
#include "classify.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"

/* A page's document is the best one scoring at least this. */
#define CLASSIFY_MIN_SCORE 0.55
/* A phrase counts only when this fraction of its tokens (weighted) was found. */
#define CLASSIFY_MIN_COVERAGE 0.8
/* Motto lines are masked when found at this coverage. */
#define CLASSIFY_MOTTO_COVERAGE 0.7
/* The title is printed near the top: a match starting within the first third of
 * the page's tokens (after the motto is removed), at least 12 and at most 40, is on top. */
#define CLASSIFY_TOP_TOKENS_MIN 12
#define CLASSIFY_TOP_TOKENS_MAX 40
/* Longer pages are cut: titles and key phrases sit on the first part. */
#define CLASSIFY_MAX_TOKENS 4000
/* Tokens longer than this are compared by their first bytes only. */
#define CLASSIFY_TOKEN_MAX 48

/* Alignment costs, in units of one matched token. */
#define COST_SKIP_TEXT 0.3   /* an extra text token inside the phrase */
#define COST_SKIP_PHRASE 0.1 /* a phrase token not found (it also earns nothing) */
#define COST_SUBSTITUTE 0.2  /* a garbled text token in place of a phrase token */
#define COST_PER_EDIT 0.15   /* each edit in a fuzzy token match */
#define COST_MERGE 0.1       /* a word broken in two, or two words run together */

/* Weights of a phrase's coverage by what it is and where it was found. */
#define WEIGHT_TITLE_TOP 1.0
#define WEIGHT_TITLE_BODY 0.5  /* a title quoted in the body alone does not classify */
#define WEIGHT_KEYWORD_TOP 0.95
#define WEIGHT_KEYWORD_BODY 0.7
#define WEIGHT_SHORT_KEYWORD_BODY 0.5 /* three words or fewer: too common to decide alone */
#define SHORT_KEYWORD_TOKENS 3

/* Confidence of a continuation page, as a fraction of the page that began the document. */
#define CONTINUATION_FACTOR 0.6

/* National motto and its English line on ID cards: on most papers, never evidence. */
static const char *const classify_motto[] = {
    "cong hoa xa hoi chu nghia viet nam",
    "doc lap tu do hanh phuc",
    "socialist republic of viet nam",
    "independence freedom happiness",
};

typedef struct token {
    const char *s;
    size_t len;
    size_t line; /* line of the page it was read on */
} token;

typedef struct token_list {
    token *items;
    size_t count;
    bool lines;  /* the text came with its line breaks */
} token_list;

/* Where a phrase matched best: coverage 0..1 and the text tokens it spans. */
typedef struct phrase_match {
    double coverage;
    size_t start, end; /* text token indices, end inclusive; valid when coverage > 0 */
} phrase_match;

/* Splits folded text (words separated by spaces, lines by '\n') into tokens
 * pointing into it, at most max. Returns 0, or -1 when out of memory (list left empty). */
static int tokens_split(const char *folded, size_t max, token_list *out)
{
    out->items = NULL;
    out->count = 0;
    out->lines = strchr(folded, '\n') != NULL;
    size_t cap = 1;
    for (const char *p = folded; *p != '\0'; p++)
        cap += *p == ' ' || *p == '\n';
    if (cap > max)
        cap = max;
    out->items = malloc(cap * sizeof *out->items);
    if (out->items == NULL)
        return -1;
    const char *p = folded;
    size_t line = 0;
    while (*p != '\0' && out->count < cap) {
        while (*p == ' ' || *p == '\n')
            line += *p++ == '\n';
        const char *w = p;
        while (*p != '\0' && *p != ' ' && *p != '\n')
            p++;
        if (p > w)
            out->items[out->count++] = (token){w, (size_t)(p - w), line};
    }
    return 0;
}

/* Letters OCR confuses by shape compare as one: l, 1 and i; 0 and o; v and y. */
static char ocr_canon(char c)
{
    switch (c) {
    case 'l': case '1': return 'i';
    case '0': return 'o';
    case 'v': return 'y';
    default: return c;
    }
}

static bool ocr_same(char a, char b)
{
    return a == b || ocr_canon(a) == ocr_canon(b);
}

static bool token_has_digit(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return true;
    return false;
}

/* Edits a phrase token of this length tolerates: none for numbers and one- or
 * two-letter words (any two-letter word is one edit from another), one for
 * short words, two for long ones. */
static int token_allowed_edits(const char *s, size_t len)
{
    if (len <= 2 || token_has_digit(s, len))
        return 0;
    return len <= 5 ? 1 : 2;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Optimal string alignment distance (insert, delete, substitute, swap of two
 * neighbours) between a and b, or max + 1 as soon as it must exceed max. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb, size_t max)
{
    if (la > CLASSIFY_TOKEN_MAX)
        la = CLASSIFY_TOKEN_MAX;
    if (lb > CLASSIFY_TOKEN_MAX)
        lb = CLASSIFY_TOKEN_MAX;
    if ((la > lb ? la - lb : lb - la) > max)
        return max + 1;
    if (max == 0) {
        if (la != lb)
            return 1;
        for (size_t i = 0; i < la; i++)
            if (!ocr_same(a[i], b[i]))
                return 1;
        return 0;
    }
    size_t rows[3][CLASSIFY_TOKEN_MAX + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        size_t row_min = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = ocr_same(a[i - 1], b[j - 1]) ? 0 : 1;
            size_t d = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && ocr_same(a[i - 1], b[j - 2]) && ocr_same(a[i - 2], b[j - 1]) &&
                prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            cur[j] = d;
            if (d < row_min)
                row_min = d;
        }
        if (row_min > max)
            return max + 1;
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

/* The credit (0..1) for text s matching phrase word p, or a negative value when they differ
 * beyond what OCR errors explain. */
static double token_similarity(const char *p, size_t lp, const char *s, size_t ls)
{
    int allowed = token_allowed_edits(p, lp);
    size_t d = edit_distance(p, lp, s, ls, (size_t)allowed);
    if (d > (size_t)allowed)
        return -1.0;
    return 1.0 - COST_PER_EDIT * (double)d;
}

/* Similarity of two adjacent tokens written as one word against one token. The
 * lengths must agree within one byte: a word must not stand for two by dropping one. */
static double joined_similarity(const token *a, const token *b, const token *one)
{
    char buf[2 * CLASSIFY_TOKEN_MAX];
    if (a->len + b->len > sizeof buf || a->len + b->len > one->len + 1 || one->len > a->len + b->len + 1)
        return -1.0;
    memcpy(buf, a->s, a->len);
    memcpy(buf + a->len, b->s, b->len);
    double s = token_similarity(buf, a->len + b->len, one->s, one->len);
    return s < 0 ? s : s - COST_MERGE;
}

/* Same, but the joined pair is in the text (a word broken in two by OCR). */
static double broken_similarity(const token *phrase, const token *a, const token *b)
{
    char buf[2 * CLASSIFY_TOKEN_MAX];
    if (a->len + b->len > sizeof buf || a->len + b->len > phrase->len + 1 ||
        phrase->len > a->len + b->len + 1)
        return -1.0;
    memcpy(buf, a->s, a->len);
    memcpy(buf + a->len, b->s, b->len);
    double s = token_similarity(phrase->s, phrase->len, buf, a->len + b->len);
    return s < 0 ? s : s - COST_MERGE;
}

/* One cell of the alignment: best score so far and the text index where it started. */
typedef struct cell {
    double score;
    size_t start;
} cell;

static void cell_offer(cell *c, double score, size_t start)
{
    if (score > c->score) {
        c->score = score;
        c->start = start;
    }
}

/* Local alignment (Smith-Waterman on tokens) of phrase against text: phrase words
 * in order, fuzzy per word, tolerating a few extra or missing words, broken and
 * joined words. Returns the best match; coverage 0 when nothing matched or out of memory. */
static phrase_match phrase_find(const token_list *phrase, const token_list *text)
{
    phrase_match best = {0, 0, 0};
    size_t m = phrase->count, n = text->count;
    if (m == 0 || n == 0)
        return best;
    cell *h = calloc((m + 1) * (n + 1), sizeof *h);
    if (h == NULL)
        return best;
#define H(i, j) h[(size_t)(i) * (n + 1) + (size_t)(j)]
    for (size_t i = 1; i <= m; i++) {
        const token *p = &phrase->items[i - 1];
        for (size_t j = 1; j <= n; j++) {
            const token *t = &text->items[j - 1];
            cell c = {0.0, j - 1};
            double sim = token_similarity(p->s, p->len, t->s, t->len);
            const cell *diag = &H(i - 1, j - 1);
            size_t diag_start = diag->score > 0 ? diag->start : j - 1;
            if (sim > 0)
                cell_offer(&c, diag->score + sim, diag_start);
            else if (diag->score > 0)
                cell_offer(&c, diag->score - COST_SUBSTITUTE, diag->start);
            if (H(i - 1, j).score > 0)
                cell_offer(&c, H(i - 1, j).score - COST_SKIP_PHRASE, H(i - 1, j).start);
            if (H(i, j - 1).score > 0)
                cell_offer(&c, H(i, j - 1).score - COST_SKIP_TEXT, H(i, j - 1).start);
            if (j >= 2) {
                double s = broken_similarity(p, &text->items[j - 2], t);
                const cell *from = &H(i - 1, j - 2);
                if (s > 0)
                    cell_offer(&c, from->score + s, from->score > 0 ? from->start : j - 2);
            }
            if (i >= 2) {
                double s = joined_similarity(&phrase->items[i - 2], p, t);
                const cell *from = &H(i - 2, j - 1);
                if (s > 0)
                    cell_offer(&c, from->score + 2 * s, from->score > 0 ? from->start : j - 1);
            }
            H(i, j) = c;
            double cov = c.score / (double)m;
            if (cov > best.coverage) {
                best.coverage = cov > 1.0 ? 1.0 : cov;
                best.start = c.start;
                best.end = j - 1;
            }
        }
    }
#undef H
    free(h);
    return best;
}

/* Removes the motto lines from text (in place), wherever and however often they occur. */
static void mask_motto(token_list *text)
{
    for (size_t k = 0; k < sizeof classify_motto / sizeof classify_motto[0]; k++) {
        token phrase_items[16];
        token_list phrase = {phrase_items, 0, false};
        const char *p = classify_motto[k];
        while (*p != '\0' && phrase.count < 16) {
            const char *w = p;
            while (*p != '\0' && *p != ' ')
                p++;
            phrase_items[phrase.count++] = (token){w, (size_t)(p - w), 0};
            while (*p == ' ')
                p++;
        }
        for (int round = 0; round < 4; round++) {
            phrase_match pm = phrase_find(&phrase, text);
            if (pm.coverage < CLASSIFY_MOTTO_COVERAGE)
                break;
            size_t cut = pm.end - pm.start + 1;
            memmove(&text->items[pm.start], &text->items[pm.end + 1],
                    (text->count - pm.end - 1) * sizeof *text->items);
            text->count -= cut;
        }
    }
}

/* A phrase of a document, folded and split. */
typedef struct doc_phrase {
    char *folded;
    token_list tokens;
    bool title;
} doc_phrase;

typedef struct doc_phrases {
    doc_phrase *items;
    size_t count;
} doc_phrases;

static void doc_phrases_free(doc_phrases *ps)
{
    for (size_t i = 0; i < ps->count; i++) {
        free(ps->items[i].folded);
        free(ps->items[i].tokens.items);
    }
    free(ps->items);
    ps->items = NULL;
    ps->count = 0;
}

/* The title as printed: without parenthesised notes such as "(bản sao)" or "(nếu có)". */
static char *title_printed(const char *title)
{
    size_t len = strlen(title);
    char *out = malloc(len + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        if (title[i] == '(')
            depth++;
        else if (title[i] == ')' && depth > 0)
            depth--;
        else if (depth == 0)
            out[o++] = title[i];
    }
    out[o] = '\0';
    return out;
}

/* Adds folded text as a phrase unless empty or already there. Takes folded. */
static int doc_phrases_add(doc_phrases *ps, char *folded, bool title)
{
    if (folded == NULL)
        return -1;
    for (size_t i = 0; i < ps->count; i++) {
        if (strcmp(ps->items[i].folded, folded) == 0) {
            free(folded);
            return 0;
        }
    }
    doc_phrase dp = {folded, {NULL, 0, false}, title};
    if (tokens_split(folded, 64, &dp.tokens) != 0) {
        free(folded);
        return -1;
    }
    if (dp.tokens.count == 0) {
        free(dp.tokens.items);
        free(folded);
        return 0;
    }
    ps->items[ps->count++] = dp;
    return 0;
}

/* The phrases of document d: its printed title, then its keywords. */
static int doc_phrases_build(const cat_document *d, doc_phrases *ps)
{
    ps->count = 0;
    ps->items = calloc(d->keyword_count + 1, sizeof *ps->items);
    if (ps->items == NULL)
        return -1;
    if (d->title != NULL) {
        char *printed = title_printed(d->title);
        char *folded = printed == NULL ? NULL : fold_text(printed);
        free(printed);
        if (doc_phrases_add(ps, folded, true) != 0) {
            doc_phrases_free(ps);
            return -1;
        }
    }
    for (size_t k = 0; k < d->keyword_count; k++) {
        if (doc_phrases_add(ps, fold_text(d->keywords[k]), false) != 0) {
            doc_phrases_free(ps);
            return -1;
        }
    }
    return 0;
}

/* True when the match is most of the line it starts on (at least half of its
 * words), as a title or heading is, even one printed over several lines; a
 * phrase quoted inside a sentence is not. Always true when the text has no line breaks. */
static bool match_owns_line(const token_list *text, const phrase_match *pm)
{
    if (!text->lines)
        return true;
    size_t line = text->items[pm->start].line;
    size_t first = pm->start, last = pm->start;
    while (first > 0 && text->items[first - 1].line == line)
        first--;
    while (last + 1 < text->count && text->items[last + 1].line == line)
        last++;
    size_t covered = (pm->end < last ? pm->end : last) - pm->start + 1;
    return 2 * covered >= last - first + 1;
}

/* Combined evidence of every phrase of a document found on the page (noisy-or
 * of each phrase's weighted coverage), 0..1. */
static double doc_score(const doc_phrases *ps, const token_list *text)
{
    size_t top_tokens = text->count / 3;
    if (top_tokens < CLASSIFY_TOP_TOKENS_MIN)
        top_tokens = CLASSIFY_TOP_TOKENS_MIN;
    if (top_tokens > CLASSIFY_TOP_TOKENS_MAX)
        top_tokens = CLASSIFY_TOP_TOKENS_MAX;
    double miss = 1.0;
    for (size_t i = 0; i < ps->count; i++) {
        const doc_phrase *dp = &ps->items[i];
        phrase_match pm = phrase_find(&dp->tokens, text);
        if (pm.coverage < CLASSIFY_MIN_COVERAGE)
            continue;
        bool top = pm.start < top_tokens && match_owns_line(text, &pm);
        double w;
        if (dp->title)
            w = top ? WEIGHT_TITLE_TOP : WEIGHT_TITLE_BODY;
        else if (top)
            w = WEIGHT_KEYWORD_TOP;
        else
            w = dp->tokens.count <= SHORT_KEYWORD_TOKENS ? WEIGHT_SHORT_KEYWORD_BODY : WEIGHT_KEYWORD_BODY;
        miss *= 1.0 - w * pm.coverage;
    }
    return 1.0 - miss;
}

/* Page tokens with the motto removed; 0, or -1 when out of memory. */
static int page_tokens(const char *folded, token_list *text)
{
    if (tokens_split(folded, CLASSIFY_MAX_TOKENS, text) != 0)
        return -1;
    mask_motto(text);
    return 0;
}

double classify_score(const cat_document *d, const char *folded_text)
{
    if (d == NULL || folded_text == NULL)
        return 0.0;
    token_list text;
    doc_phrases ps;
    if (page_tokens(folded_text, &text) != 0)
        return 0.0;
    if (doc_phrases_build(d, &ps) != 0) {
        free(text.items);
        return 0.0;
    }
    double s = doc_score(&ps, &text);
    doc_phrases_free(&ps);
    free(text.items);
    return s;
}

/* The page folded line by line, lines joined by '\n' (fold_text alone would join
 * them with spaces and lose where a title stands alone). A line that is not valid
 * UTF-8 is left out. NULL when out of memory. */
static char *fold_lines(const char *utf8)
{
    char *out = NULL;
    size_t o = 0, cap = 0;
    const char *p = utf8;
    do {
        const char *eol = strchr(p, '\n');
        size_t ll = eol != NULL ? (size_t)(eol - p) : strlen(p);
        char *line = strndup(p, ll);
        char *folded = line != NULL ? fold_text(line) : NULL;
        free(line);
        size_t fl = folded != NULL ? strlen(folded) : 0;
        if (o + fl + 2 > cap) {
            size_t ncap = (o + fl + 2) * 2;
            char *n = realloc(out, ncap);
            if (n == NULL) {
                free(folded);
                free(out);
                return NULL;
            }
            out = n;
            cap = ncap;
        }
        if (fl > 0) {
            if (o > 0)
                out[o++] = '\n';
            memcpy(out + o, folded, fl);
            o += fl;
        }
        out[o] = '\0';
        free(folded);
        p += ll;
    } while (*p++ == '\n');
    return out;
}

/* Scores one page against every document and fills r with the best above the
 * threshold (confidence lowered when a runner-up is close), or leaves it empty. */
static void classify_one(const cat_version *v, const doc_phrases *phrases, const char *utf8,
                         classify_result *r)
{
    char *folded = fold_lines(utf8);
    if (folded == NULL)
        return;
    token_list text;
    if (page_tokens(folded, &text) != 0) {
        free(folded);
        return;
    }
    double best = 0.0, second = 0.0;
    size_t best_i = 0;
    for (size_t i = 0; i < v->document_count; i++) {
        double s = doc_score(&phrases[i], &text);
        if (s > best) {
            second = best;
            best = s;
            best_i = i;
        } else if (s > second) {
            second = s;
        }
    }
    free(text.items);
    free(folded);
    if (best < CLASSIFY_MIN_SCORE)
        return;
    double margin = 0.7 + (best - second);
    r->document = v->documents[best_i].id;
    r->confidence = best * (margin < 1.0 ? margin : 1.0);
}

void classify_pages(const cat_version *v, const classify_page *pages, size_t n, classify_result *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (classify_result){NULL, 0.0, false};
    if (v == NULL || n == 0)
        return;
    doc_phrases *phrases = calloc(v->document_count ? v->document_count : 1, sizeof *phrases);
    if (phrases == NULL)
        return;
    bool ok = true;
    for (size_t i = 0; i < v->document_count && ok; i++)
        ok = doc_phrases_build(&v->documents[i], &phrases[i]) == 0;

    /* The document being read and the confidence of the page that began it. */
    const char *current = NULL;
    double current_conf = 0.0;
    for (size_t i = 0; i < n && ok; i++) {
        if (pages[i].blank)
            continue; /* never classified; a blank back does not end the document */
        if (pages[i].text == NULL) {
            current = NULL; /* a failed page: what follows cannot be said to continue */
            continue;
        }
        classify_one(v, phrases, pages[i].text, &out[i]);
        if (out[i].document != NULL) {
            current = out[i].document;
            current_conf = out[i].confidence;
        } else if (current != NULL) {
            out[i].document = current;
            out[i].confidence = current_conf * CONTINUATION_FACTOR;
            out[i].continuation = true;
        }
    }
    for (size_t i = 0; i < v->document_count; i++)
        doc_phrases_free(&phrases[i]);
    free(phrases);
}
