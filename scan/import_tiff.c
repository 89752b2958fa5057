/* Walks a TIFF file's directory chain (classic and BigTIFF) without decoding:
 * page count, each page's declared size, and whether its directory or image
 * data lies past the end of the file (a truncated upload). */
#include "import_formats.h"

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

/* Reads value i of entry e (an integer type). 0, or -1 past the end of the file. */
static int tiff_entry_value(const tiff_reader *t, const tiff_entry *e, uint64_t i, uint64_t *v)
{
    int sz = tiff_type_size(e->type);
    unsigned char buf[8];
    if (sz == 0 || sz > 8 || i >= e->count || tiff_read_at(t, e->value_off + i * (uint64_t)sz, buf, (size_t)sz) != 0)
        return -1;
    *v = tiff_uint(t, buf, sz);
    return 0;
}

/* Checks that every strip or tile of entries offs/counts lies inside the file.
 * Returns 1 when all do, 0 when any is past the end (or the arrays are). */
static int tiff_data_inside(const tiff_reader *t, const tiff_entry *offs, const tiff_entry *counts)
{
    if (offs->count != counts->count)
        return 0;
    for (uint64_t i = 0; i < offs->count; i++) {
        uint64_t o, n;
        if (tiff_entry_value(t, offs, i, &o) != 0 || tiff_entry_value(t, counts, i, &n) != 0)
            return 0;
        if (o > t->size || n > t->size - o)
            return 0;
    }
    return 1;
}

/* Reads the directory at off: its declared size, whether it is complete, and
 * the offset of the next one. 0, or -1 when the directory itself is cut off. */
static int tiff_read_dir(const tiff_reader *t, uint64_t off, import_tiff_page *pg, uint64_t *next)
{
    int cnt_bytes = t->bigtiff ? 8 : 2, entry_bytes = t->bigtiff ? 20 : 12, off_bytes = t->bigtiff ? 8 : 4;
    unsigned char buf[20];
    if (tiff_read_at(t, off, buf, (size_t)cnt_bytes) != 0)
        return -1;
    uint64_t n = tiff_uint(t, buf, cnt_bytes);
    if (n == 0 || n > 65535)
        return -1;
    uint64_t base = off + (uint64_t)cnt_bytes;
    tiff_entry strip_offs = {0}, strip_bytes = {0}, tile_offs = {0}, tile_bytes = {0};
    memset(pg, 0, sizeof *pg);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t eoff = base + i * (uint64_t)entry_bytes;
        if (tiff_read_at(t, eoff, buf, (size_t)entry_bytes) != 0)
            return -1;
        tiff_entry e = {
            .tag = (unsigned)tiff_uint(t, buf, 2),
            .type = (unsigned)tiff_uint(t, buf + 2, 2),
            .count = tiff_uint(t, buf + 4, off_bytes),
        };
        int sz = tiff_type_size(e.type);
        uint64_t inline_at = eoff + 4 + (uint64_t)off_bytes;
        if (sz == 0 || e.count > t->size) {
            e.value_off = UINT64_MAX;   /* unknown type or absurd count: unusable */
        } else if ((uint64_t)sz * e.count <= (uint64_t)off_bytes) {
            e.value_off = inline_at;
        } else {
            e.value_off = tiff_uint(t, buf + 4 + off_bytes, off_bytes);
        }
        uint64_t v;
        switch (e.tag) {
        case TAG_WIDTH:
            if (tiff_entry_value(t, &e, 0, &v) == 0) pg->width = (long long)(v > INT32_MAX ? INT32_MAX : v);
            break;
        case TAG_HEIGHT:
            if (tiff_entry_value(t, &e, 0, &v) == 0) pg->height = (long long)(v > INT32_MAX ? INT32_MAX : v);
            break;
        case TAG_STRIP_OFFSETS: strip_offs = e; break;
        case TAG_STRIP_BYTES: strip_bytes = e; break;
        case TAG_TILE_OFFSETS: tile_offs = e; break;
        case TAG_TILE_BYTES: tile_bytes = e; break;
        default: break;
        }
    }
    if (tile_offs.count > 0)
        pg->truncated = !tiff_data_inside(t, &tile_offs, &tile_bytes);
    else
        pg->truncated = !tiff_data_inside(t, &strip_offs, &strip_bytes) || strip_offs.count == 0;
    if (tiff_read_at(t, base + n * (uint64_t)entry_bytes, buf, (size_t)off_bytes) != 0)
        return -1;
    *next = tiff_uint(t, buf, off_bytes);
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
        if (tiff_read_dir(&t, off, &pg, &next) != 0) {
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
