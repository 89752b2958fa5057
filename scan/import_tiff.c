/* Walks a TIFF file's directory chain (classic and BigTIFF) without decoding:
 * page count, each page's declared size, and whether its directory or image
 * data lies past the end of the file (a truncated upload). */
#include "import_formats.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
    TAG_WIDTH = 256, TAG_HEIGHT = 257, TAG_STRIP_OFFSETS = 273, TAG_STRIP_BYTES = 279,
    TAG_TILE_OFFSETS = 324, TAG_TILE_BYTES = 325
};

typedef struct tiff_reader {
    FILE *fp;
    uint64_t size;      /* bytes in the file */
    int big_endian;
    int bigtiff;        /* 8-byte offsets and counts */
} tiff_reader;

/* Reads n bytes at off. 0, or -1 when they are not all in the file. */
static int tiff_read_at(const tiff_reader *t, uint64_t off, void *buf, size_t n)
{
    if (off > t->size || n > t->size - off)
        return -1;
    if (fseeko(t->fp, (off_t)off, SEEK_SET) != 0 || fread(buf, 1, n, t->fp) != n)
        return -1;
    return 0;
}

/* The unsigned integer of `bytes` bytes at p in the file's byte order. */
static uint64_t tiff_uint(const tiff_reader *t, const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) {
        int k = t->big_endian ? i : bytes - 1 - i;
        v = (v << 8) | p[k];
    }
    return v;
}

/* Size in bytes of one value of a TIFF field type; 0 for an unknown type. */
static int tiff_type_size(unsigned type)
{
    switch (type) {
    case 1: case 2: case 6: case 7: return 1;
    case 3: case 8: return 2;
    case 4: case 9: case 11: case 13: return 4;
    case 5: case 10: case 12: case 16: case 17: case 18: return 8;
    default: return 0;
    }
}

/* One directory entry, with where its values are. */
typedef struct tiff_entry {
    unsigned tag, type;
    uint64_t count;
    uint64_t value_off;   /* file offset of the values (inline ones included) */
} tiff_entry;

/* Values read in one go when checking strips: a page may have millions of them. */
enum { TIFF_CHUNK = 512 };

/* Reads values first..first+k-1 of entry e (an integer type, k <= TIFF_CHUNK) into v.
 * 0, or -1 past the end of the entry or of the file. */
static int tiff_entry_values(const tiff_reader *t, const tiff_entry *e, uint64_t first, size_t k, uint64_t *v)
{
    int sz = tiff_type_size(e->type);
    unsigned char buf[TIFF_CHUNK * 8];
    if (sz == 0 || sz > 8 || k > TIFF_CHUNK || first > e->count || k > e->count - first ||
        tiff_read_at(t, e->value_off + first * (uint64_t)sz, buf, k * (size_t)sz) != 0)
        return -1;
    for (size_t j = 0; j < k; j++)
        v[j] = tiff_uint(t, buf + j * (size_t)sz, sz);
    return 0;
}

/* Checks that every strip or tile of entries offs/counts lies inside the file, reading
 * both arrays TIFF_CHUNK values at a time (a read per value made a crafted file of
 * millions of strips cost minutes). Returns 1 when all do, 0 when any is past the end
 * (or the arrays are). */
static int tiff_data_inside(const tiff_reader *t, const tiff_entry *offs, const tiff_entry *counts)
{
    if (offs->count != counts->count)
        return 0;
    uint64_t o[TIFF_CHUNK], n[TIFF_CHUNK];
    for (uint64_t i = 0; i < offs->count; i += TIFF_CHUNK) {
        size_t k = offs->count - i < TIFF_CHUNK ? (size_t)(offs->count - i) : TIFF_CHUNK;
        if (tiff_entry_values(t, offs, i, k, o) != 0 || tiff_entry_values(t, counts, i, k, n) != 0)
            return 0;
        for (size_t j = 0; j < k; j++)
            if (o[j] > t->size || n[j] > t->size - o[j])
                return 0;
    }
    return 1;
}

/* Reads the directory at off: its declared size, the offset of the next one and, when
 * check_data, whether its strips or tiles lie inside the file (pg->truncated; only the
 * page asked about needs it). 0, or -1 when the directory itself is cut off (or no
 * memory for it). */
static int tiff_read_dir(const tiff_reader *t, uint64_t off, bool check_data, import_tiff_page *pg,
                         uint64_t *next)
{
    int cnt_bytes = t->bigtiff ? 8 : 2, entry_bytes = t->bigtiff ? 20 : 12, off_bytes = t->bigtiff ? 8 : 4;
    unsigned char buf[8];
    if (tiff_read_at(t, off, buf, (size_t)cnt_bytes) != 0)
        return -1;
    uint64_t n = tiff_uint(t, buf, cnt_bytes);
    if (n == 0 || n > 65535)
        return -1;
    uint64_t base = off + (uint64_t)cnt_bytes;
    /* The entries and the next offset in one read (1.3 MB at most, as BigTIFF): read one
     * by one, a chain of directories sharing their entries cost a minute. */
    size_t dir_bytes = (size_t)n * (size_t)entry_bytes + (size_t)off_bytes;
    unsigned char *dir = malloc(dir_bytes);
    if (dir == NULL)
        return -1;
    if (tiff_read_at(t, base, dir, dir_bytes) != 0) {
        free(dir);
        return -1;
    }
    tiff_entry width = {0}, height = {0}, strip_offs = {0}, strip_bytes = {0}, tile_offs = {0}, tile_bytes = {0};
    memset(pg, 0, sizeof *pg);
    for (uint64_t i = 0; i < n; i++) {
        const unsigned char *ent = dir + i * (uint64_t)entry_bytes;
        uint64_t eoff = base + i * (uint64_t)entry_bytes;
        tiff_entry e = {
            .tag = (unsigned)tiff_uint(t, ent, 2),
            .type = (unsigned)tiff_uint(t, ent + 2, 2),
            .count = tiff_uint(t, ent + 4, off_bytes),
        };
        int sz = tiff_type_size(e.type);
        uint64_t inline_at = eoff + 4 + (uint64_t)off_bytes;
        if (sz == 0 || e.count > t->size) {
            e.value_off = UINT64_MAX;   /* unknown type or absurd count: unusable */
        } else if ((uint64_t)sz * e.count <= (uint64_t)off_bytes) {
            e.value_off = inline_at;
        } else {
            e.value_off = tiff_uint(t, ent + 4 + off_bytes, off_bytes);
        }
        tiff_entry *slot = NULL;
        switch (e.tag) {
        case TAG_WIDTH: slot = &width; break;
        case TAG_HEIGHT: slot = &height; break;
        case TAG_STRIP_OFFSETS: slot = &strip_offs; break;
        case TAG_STRIP_BYTES: slot = &strip_bytes; break;
        case TAG_TILE_OFFSETS: slot = &tile_offs; break;
        case TAG_TILE_BYTES: slot = &tile_bytes; break;
        default: break;
        }
        /* libtiff reads the first entry of a tag and ignores repeats (tif_dirread.c), so
         * the walk checks that one too: else a repeated ImageWidth could declare a small
         * page here and decode to a page over the caps. */
        if (slot != NULL && slot->tag == 0)
            *slot = e;
    }
    *next = tiff_uint(t, dir + n * (uint64_t)entry_bytes, off_bytes);
    free(dir);
    uint64_t v;
    if (tiff_entry_values(t, &width, 0, 1, &v) == 0)
        pg->width = (long long)(v > INT32_MAX ? INT32_MAX : v);
    if (tiff_entry_values(t, &height, 0, 1, &v) == 0)
        pg->height = (long long)(v > INT32_MAX ? INT32_MAX : v);
    if (!check_data)
        return 0;
    if (tile_offs.count > 0)
        pg->truncated = !tiff_data_inside(t, &tile_offs, &tile_bytes);
    else
        pg->truncated = !tiff_data_inside(t, &strip_offs, &strip_bytes) || strip_offs.count == 0;
    return 0;
}

int import_tiff_walk(const char *path, const char *name, const import_limits *lim, int *pages,
                     int info_index, import_tiff_page *info, char *err, size_t errlen)
{
    tiff_reader t = {0};
    struct stat st;
    unsigned char head[16];
    uint64_t *seen = NULL;
    int n = 0, rc = -1;
    t.fp = fopen(path, "rb");
    if (t.fp == NULL || fstat(fileno(t.fp), &st) != 0) {
        snprintf(err, errlen, "%s cannot be opened", name);
        goto out;
    }
    t.size = (uint64_t)st.st_size;
    if (tiff_read_at(&t, 0, head, 8) != 0) {
        snprintf(err, errlen, "%s is truncated (no TIFF header)", name);
        goto out;
    }
    t.big_endian = head[0] == 'M';
    unsigned version = (unsigned)tiff_uint(&t, head + 2, 2);
    uint64_t off;
    if (version == 42) {
        off = tiff_uint(&t, head + 4, 4);
    } else if (version == 43 && tiff_uint(&t, head + 4, 2) == 8 && tiff_read_at(&t, 8, head + 8, 8) == 0) {
        t.bigtiff = 1;
        off = tiff_uint(&t, head + 8, 8);
    } else {
        snprintf(err, errlen, "%s has a damaged TIFF header", name);
        goto out;
    }
    seen = calloc((size_t)lim->max_pages + 1, sizeof *seen);
    if (seen == NULL) {
        snprintf(err, errlen, "out of memory reading %s", name);
        goto out;
    }
    while (off != 0) {
        if (n >= lim->max_pages) {
            snprintf(err, errlen, "%s has more than %d pages (the limit)", name, lim->max_pages);
            goto out;
        }
        for (int i = 0; i < n; i++) {
            if (seen[i] == off) {
                snprintf(err, errlen, "%s is damaged: page %d points back to page %d", name, n, i + 1);
                goto out;
            }
        }
        seen[n] = off;
        import_tiff_page pg;
        uint64_t next = 0;
        if (tiff_read_dir(&t, off, n == info_index && info != NULL, &pg, &next) != 0) {
            /* The directory is cut off: the page exists but cannot be read. */
            memset(&pg, 0, sizeof pg);
            pg.truncated = 1;
            next = 0;
        }
        if (n == info_index && info != NULL)
            *info = pg;
        n++;
        off = next;
    }
    if (n == 0) {
        snprintf(err, errlen, "%s has no pages", name);
        goto out;
    }
    *pages = n;
    rc = 0;
out:
    free(seen);
    if (t.fp != NULL)
        fclose(t.fp);
    return rc;
}
