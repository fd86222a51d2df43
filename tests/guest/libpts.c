// SPDX-License-Identifier: GPL-2.0
/*
 * libpts.c - query lines, binary record stream and text views of
 * ptscope.ko, see libpts.h.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpts.h"

_Static_assert(sizeof(union pts_rec) == PTSCOPE_REC_SIZE, "record size");
_Static_assert(sizeof(struct ptscope_rec_header) == PTSCOPE_REC_SIZE, "hdr");
_Static_assert(sizeof(struct ptscope_rec_vma) == PTSCOPE_REC_SIZE, "vma");
_Static_assert(sizeof(struct ptscope_rec_entry) == PTSCOPE_REC_SIZE, "ent");
_Static_assert(sizeof(struct ptscope_rec_level) == PTSCOPE_REC_SIZE, "lvl");
_Static_assert(sizeof(struct ptscope_rec_stats) == PTSCOPE_REC_SIZE, "sta");
_Static_assert(sizeof(struct ptscope_rec_end) == PTSCOPE_REC_SIZE, "end");

const char *pts_path(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", PTSCOPE_DEBUGFS_DIR, name);
	return path;
}

int pts_open(const char *name, int flags)
{
	int fd = open(pts_path(name), flags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int pts_write_line(int fd, const char *line)
{
	size_t len = strlen(line);
	ssize_t r = write(fd, line, len);

	if (r < 0)
		return -errno;
	return (size_t)r == len ? 0 : -EIO;
}

int pts_writef(int fd, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return pts_write_line(fd, line);
}

void pts_stream_init(struct pts_stream *st)
{
	memset(st, 0, sizeof(*st));
	st->end = -1;
}

int pts_stream_step(int fd, size_t chunk_recs, struct pts_stream *st)
{
	size_t want, i;
	union pts_rec *nrec;
	ssize_t r;

	if (!chunk_recs)
		chunk_recs = 1;
	want = chunk_recs * PTSCOPE_REC_SIZE;
	nrec = realloc(st->rec, (st->nr + chunk_recs) * sizeof(*nrec));
	if (!nrec)
		return -ENOMEM;
	st->rec = nrec;
	r = read(fd, st->rec + st->nr, want);
	if (r < 0) {
		st->read_err = -errno;
		return 0;
	}
	if (r == 0)
		return 0;
	st->bytes += (size_t)r;
	if (r % PTSCOPE_REC_SIZE)
		return -EPROTO;
	for (i = 0; i < (size_t)r / PTSCOPE_REC_SIZE; i++) {
		if (st->rec[st->nr].type == PTSCOPE_REC_END && st->end < 0)
			st->end = (long)st->nr;
		st->nr++;
	}
	return 1;
}

int pts_stream_read(int fd, size_t chunk_recs, struct pts_stream *st)
{
	int ret;

	pts_stream_init(st);
	do {
		ret = pts_stream_step(fd, chunk_recs, st);
	} while (ret > 0);
	return ret;
}

void pts_stream_free(struct pts_stream *st)
{
	free(st->rec);
	st->rec = NULL;
	st->nr = 0;
}

int pts_query_stream(const char *line, struct pts_stream *st)
{
	int fd, ret;

	pts_stream_init(st);
	fd = pts_open("query", O_RDWR);
	if (fd < 0)
		return fd;
	ret = pts_write_line(fd, line);
	if (!ret)
		ret = pts_stream_read(fd, 64, st);
	close(fd);
	return ret;
}

const struct ptscope_rec_header *pts_stream_hdr(const struct pts_stream *st)
{
	if (!st->nr || st->rec[0].type != PTSCOPE_REC_HEADER)
		return NULL;
	return &st->rec[0].hdr;
}

void pts_vma_name(const struct ptscope_rec_vma *v, char *buf, size_t len)
{
	size_t n = sizeof(v->name) < len - 1 ? sizeof(v->name) : len - 1;

	memcpy(buf, v->name, n);
	buf[n] = '\0';
}

int pts_entry_mapped(const struct ptscope_rec_entry *e)
{
	/*
	 * A PROT_NONE (or NUMA hinting) entry still maps its frame: the
	 * kernel's pte_present() and pagemap count it as present.
	 */
	return e->type == PTSCOPE_REC_ENTRY &&
	       (e->flags & (PTSCOPE_F_PRESENT | PTSCOPE_F_PROTNONE));
}

static uint64_t level_size(__u32 level)
{
	switch (level) {
	case PTSCOPE_LVL_PTE:
		return 1ULL << 12;
	case PTSCOPE_LVL_PMD:
		return 1ULL << 21;
	case PTSCOPE_LVL_PUD:
		return 1ULL << 30;
	default:
		return 0;	/* no leaves at P4D/PGD on x86 */
	}
}

#define WHY(...) do { snprintf(why, len, __VA_ARGS__); return -EPROTO; } \
	while (0)

int pts_stream_check(const struct pts_stream *st, char *why, size_t len)
{
	const struct ptscope_rec_header *h = pts_stream_hdr(st);
	const struct ptscope_rec_vma *vma = NULL;
	uint64_t nholes = 0, nentries = 0, sum = 0, prev_end = 0;
	uint64_t vprev_end = 0;
	long vidx = -1;
	size_t i;
	int l;

	if (st->read_err)
		WHY("read() failed: %s", strerror(-st->read_err));
	if (!h)
		WHY("first record is not a header (%zu records)", st->nr);
	if (h->rec_size != PTSCOPE_REC_SIZE || h->magic != PTSCOPE_MAGIC ||
	    h->version != PTSCOPE_ABI_VERSION)
		WHY("header rec_size %u magic %#llx version %u", h->rec_size,
		    (unsigned long long)h->magic, h->version);
	if (st->end < 0)
		WHY("no END record in %zu records", st->nr);
	if ((size_t)st->end != st->nr - 1)
		WHY("END record at %ld is not the last of %zu", st->end,
		    st->nr);
	if (st->rec[st->end].end.nr_records != st->nr - 1)
		WHY("END.nr_records %llu, %zu records before it",
		    (unsigned long long)st->rec[st->end].end.nr_records,
		    st->nr - 1);
	if (st->nr < 3 || st->rec[st->nr - 2].type != PTSCOPE_REC_STATS)
		WHY("no STATS record just before END");
	if (h->start >= h->end)
		WHY("header range [%#llx, %#llx)",
		    (unsigned long long)h->start, (unsigned long long)h->end);

	for (i = 1; i < st->nr - 2; i++) {
		const union pts_rec *r = &st->rec[i];
		const struct ptscope_rec_entry *e = &r->ent;

		switch (r->type) {
		case PTSCOPE_REC_VMA:
			if ((long)r->vma.index != vidx + 1)
				WHY("record %zu: VMA index %u after %ld", i,
				    r->vma.index, vidx);
			vidx = r->vma.index;
			vma = &r->vma;
			if (vma->start >= vma->end || vma->start % 4096 ||
			    vma->end % 4096 || vma->start < vprev_end)
				WHY("record %zu: VMA [%#llx, %#llx) bad or out of order",
				    i, (unsigned long long)vma->start,
				    (unsigned long long)vma->end);
			if (vma->end <= h->start || vma->start >= h->end)
				WHY("record %zu: VMA [%#llx, %#llx) outside the range",
				    i, (unsigned long long)vma->start,
				    (unsigned long long)vma->end);
			vprev_end = vma->end;
			prev_end = 0;
			break;
		case PTSCOPE_REC_ENTRY:
		case PTSCOPE_REC_HOLE:
			if (!vma)
				WHY("record %zu: type %u before any VMA", i,
				    r->type);
			if (e->vma_index != vma->index)
				WHY("record %zu: vma_index %u inside VMA %u", i,
				    e->vma_index, vma->index);
			if (!e->size || e->va % 4096 || e->size % 4096 ||
			    e->va + e->size < e->va)
				WHY("record %zu: va %#llx size %#llx", i,
				    (unsigned long long)e->va,
				    (unsigned long long)e->size);
			if (e->va < vma->start || e->va + e->size > vma->end)
				WHY("record %zu: [%#llx, +%#llx) outside its VMA [%#llx, %#llx)",
				    i, (unsigned long long)e->va,
				    (unsigned long long)e->size,
				    (unsigned long long)vma->start,
				    (unsigned long long)vma->end);
			if (e->va < prev_end)
				WHY("record %zu: va %#llx overlaps or precedes the previous record (ends %#llx)",
				    i, (unsigned long long)e->va,
				    (unsigned long long)prev_end);
			if (e->va + e->size <= h->start || e->va >= h->end)
				WHY("record %zu: [%#llx, +%#llx) outside the range",
				    i, (unsigned long long)e->va,
				    (unsigned long long)e->size);
			if (e->level >= PTSCOPE_NR_LEVELS)
				WHY("record %zu: level %u", i, e->level);
			if (r->type == PTSCOPE_REC_HOLE) {
				nholes++;
			} else {
				uint64_t sz = level_size(e->level);

				nentries++;
				if (!sz || e->size != sz || e->va % sz)
					WHY("record %zu: entry at level %u va %#llx size %#llx",
					    i, e->level,
					    (unsigned long long)e->va,
					    (unsigned long long)e->size);
			}
			prev_end = e->va + e->size;
			break;
		default:
			WHY("record %zu: unexpected type %u", i, r->type);
		}
	}

	{
		const struct ptscope_rec_stats *s = &st->rec[st->nr - 2].stats;

		if (s->nr_levels != h->pgtable_levels)
			WHY("STATS nr_levels %u, header pgtable_levels %u",
			    s->nr_levels, h->pgtable_levels);
		if (s->holes != nholes)
			WHY("STATS holes %llu, %llu HOLE records",
			    (unsigned long long)s->holes,
			    (unsigned long long)nholes);
		for (l = 0; l < PTSCOPE_NR_LEVELS; l++)
			sum += s->leaves[l];
		if (sum + s->nonpresent != nentries)
			WHY("STATS leaves %llu + nonpresent %llu != %llu ENTRY records",
			    (unsigned long long)sum,
			    (unsigned long long)s->nonpresent,
			    (unsigned long long)nentries);
	}
	return 0;
}

long pts_read_text_fd(int fd, char **text)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t r;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (cap - n < 4097) {
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		r = read(fd, buf + n, 4096);
		if (r < 0) {
			r = -errno;
			free(buf);
			return (long)r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*text = buf;
	return (long)n;
}

long pts_query_text(const char *line, char **text)
{
	int fd = pts_open("query", O_RDWR);
	long ret;

	if (fd < 0)
		return fd;
	ret = pts_write_line(fd, line);
	if (!ret)
		ret = pts_read_text_fd(fd, text);
	close(fd);
	return ret;
}

int pts_frames_pread(int fd, uint64_t *out, uint64_t n, uint64_t idx)
{
	uint64_t done = 0;
	ssize_t r;

	while (done < n) {
		r = pread(fd, out + done, (n - done) * 8,
			  (off_t)((idx + done) * 8));
		if (r < 0)
			return -errno;
		if (r == 0 || r % 8)
			return -EPROTO;
		done += (uint64_t)r / 8;
	}
	return 0;
}

int pts_query_frames(const char *line, uint64_t *out, uint64_t n)
{
	int fd = pts_open("query", O_RDWR);
	int ret;

	if (fd < 0)
		return fd;
	ret = pts_write_line(fd, line);
	if (!ret)
		ret = pts_frames_pread(fd, out, n, 0);
	close(fd);
	return ret;
}

int pts_text_has_hex(const char *text, uint64_t val)
{
	const char *p = text;

	/* Any run of hex digits, with or without 0x, padded or not. */
	while (*p) {
		uint64_t v = 0;
		int digits = 0, overflow = 0;

		if (!isxdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
		    isxdigit((unsigned char)p[2]))
			p += 2;
		while (isxdigit((unsigned char)*p)) {
			int d = isdigit((unsigned char)*p) ? *p - '0' :
				tolower((unsigned char)*p) - 'a' + 10;

			if (v >> 60)
				overflow = 1;
			v = (v << 4) | (uint64_t)d;
			digits++;
			p++;
		}
		if (!overflow && digits && v == val)
			return 1;
	}
	return 0;
}
