// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope snapshot: a process's mappings and page-table entries saved as
 * a JSON document that "ptscope diff" (and anyone else) can read back.
 *
 * The format, version 1 (also in ptscope(8), SNAPSHOT FORMAT).  One JSON
 * object; "format" and "version" are its first two members, so a reader
 * can refuse another format or version before reading anything else:
 *
 *   "format"          "ptscope-snapshot"
 *   "version"         1; a reader refuses any other version
 *   "pid", "comm"     the process
 *   "kernel"          uname -r of the machine it was taken on
 *   "time", "time_ns" when: ISO 8601 UTC, and ns since the epoch
 *   "source"          "module" (ptscope.ko) or "proc" (/proc fallback)
 *   "pgtable_levels"  4 or 5; "page_shift", "virt_bits", "phys_bits",
 *                     "task_size", "max_pfn" (0 unknown), "features"
 *                     (PTSCOPE_FEAT_* of include/uapi/ptscope.h)
 *   "start", "end"    the range walked
 *   "known"           what the source could tell: "level", "raw",
 *                     "tables", "mapcount", "refcount", "pkey", "pfn",
 *                     "kpageflags", "vmflags", "folio", "xlate", "scan"
 *   "flags_known"     the PTSCOPE_F_* bits the source reports
 *   "notes"           notes of the source, strings
 *   "vma_fields"      the names of the columns of "vmas", as below
 *   "vmas"            one array per mapping, address order:
 *                     [start, end, perms ("rwxp"), vm_flags (kernel VM_*
 *                     bits, null when unknown), flags (smaps VmFlags
 *                     mnemonics), pgoff (file offset in pages), dev_major,
 *                     dev_minor, ino, kind ("anon", "file", "heap",
 *                     "stack", "vdso", "vvar", "shmem", "hugetlb",
 *                     "special"), page_size, name]
 *   "entry_fields"    the names of the columns of "entries", as below
 *   "entries"         one array of 12 integers per entry that maps or
 *                     records something (none entries are left out),
 *                     address order, not overlapping, each inside a VMA:
 *                     [va, size, level (0 pgd .. 4 pte, -1 unknown),
 *                     type (0 present, 1 swap, 2 other non-present),
 *                     pfn, flags (PTSCOPE_F_*), state (PTSCOPE_S_*, and
 *                     bit 48: exclusively mapped, pagemap bit 56),
 *                     mapcount (0 unknown), refcount (0 unknown),
 *                     folio_order, swap_type, swap_offset]
 *
 * Integers are plain JSON integers up to 2^64 - 1 (read them as 64-bit
 * integers, not doubles); strings are UTF-8.  Members other than these
 * are ignored by readers of version 1, so a writer may add some without
 * a new version; changing a column or a meaning needs a new version.
 * Per-entry arrays instead of objects keep a million-entry snapshot near
 * 70 MB and let it be read at disk speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "pts.h"

static const char *const vma_fields[] = {
	"start", "end", "perms", "vm_flags", "flags", "pgoff", "dev_major",
	"dev_minor", "ino", "kind", "page_size", "name",
};

static const char *const entry_fields[] = {
	"va", "size", "level", "type", "pfn", "flags", "state", "mapcount",
	"refcount", "folio_order", "swap_type", "swap_offset",
};

#define NR_EFIELDS	ARRAY_SIZE(entry_fields)

static const struct {
	unsigned int bit;
	const char *name;
} known_names[] = {
	{ PTS_K_LEVEL, "level" },
	{ PTS_K_RAW, "raw" },
	{ PTS_K_TABLES, "tables" },
	{ PTS_K_MAPCOUNT, "mapcount" },
	{ PTS_K_REFCOUNT, "refcount" },
	{ PTS_K_PKEY, "pkey" },
	{ PTS_K_PFN, "pfn" },
	{ PTS_K_KPF, "kpageflags" },
	{ PTS_K_VMFLAGS, "vmflags" },
	{ PTS_K_FOLIO, "folio" },
	{ PTS_K_XLATE, "xlate" },
	{ PTS_K_SCAN, "scan" },
};

static void read_comm(__u32 pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/**
 * pts_snap_take - gather a live process for a snapshot
 * @ctx: context: --source, errors
 * @pid: the process
 * @m: the model, initialised
 * @si: filled: comm, kernel release, time
 *
 * Errors are reported here.
 *
 * Return: 0 or a negative errno.
 */
int pts_snap_take(struct pts_ctx *ctx, __u32 pid, struct pts_model *m,
		  struct pts_snapinfo *si)
{
	struct pts_query q = { .pid = pid };
	struct timespec ts;
	struct utsname u;
	struct tm tm;
	int err;

	memset(si, 0, sizeof(*si));
	read_comm(pid, si->comm, sizeof(si->comm));
	clock_gettime(CLOCK_REALTIME, &ts);
	err = pts_gather(ctx, &q, m);
	if (err)
		return err;
	si->time_ns = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	gmtime_r(&ts.tv_sec, &tm);
	strftime(si->time, sizeof(si->time), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!uname(&u))
		snprintf(si->kernel, sizeof(si->kernel), "%s", u.release);
	return 0;
}

static void write_strs(FILE *f, const char *key, const char *const *v,
		       size_t n)
{
	size_t i;

	fprintf(f, ",\n\"%s\":[", key);
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		pts_jw_str_raw(f, v[i]);
	}
	fputc(']', f);
}

/**
 * pts_snap_write - write a snapshot (the format above)
 * @m: the model
 * @si: where it came from
 * @f: the stream
 *
 * Return: 0, or -EIO when a write failed.
 */
int pts_snap_write(const struct pts_model *m, const struct pts_snapinfo *si,
		   FILE *f)
{
	const struct pts_entry *e;
	const struct pts_vma *v;
	const char *notes[PTS_MAX_NOTES];
	size_t i, n = 0;

	fprintf(f, "{\"format\":\"%s\",\"version\":%d,\n", PTS_SNAP_FORMAT,
		PTS_SNAP_VERSION);
	fprintf(f, "\"pid\":%u,\"comm\":", m->pid);
	pts_jw_str_raw(f, si->comm);
	fputs(",\"kernel\":", f);
	pts_jw_str_raw(f, si->kernel);
	fputs(",\"time\":", f);
	pts_jw_str_raw(f, si->time);
	fprintf(f, ",\"time_ns\":%llu,\"source\":\"%s\",\n",
		(unsigned long long)si->time_ns, pts_source_name(m->source));
	fprintf(f, "\"pgtable_levels\":%u,\"page_shift\":%u,\"virt_bits\":%u,\"phys_bits\":%u,\"task_size\":%llu,\"max_pfn\":%llu,\"features\":%llu,\n",
		m->arch.levels, m->arch.page_shift, m->arch.virt_bits,
		m->arch.phys_bits, (unsigned long long)m->arch.task_size,
		(unsigned long long)m->arch.max_pfn,
		(unsigned long long)m->arch.features);
	fprintf(f, "\"start\":%llu,\"end\":%llu,\"flags_known\":%llu,\"known\":[",
		(unsigned long long)m->start, (unsigned long long)m->end,
		(unsigned long long)m->flags_known);
	for (i = 0; i < ARRAY_SIZE(known_names); i++)
		if (m->known & known_names[i].bit)
			fprintf(f, "%s\"%s\"", n++ ? "," : "",
				known_names[i].name);
	fputc(']', f);
	for (i = 0; i < m->nr_notes; i++)
		notes[i] = m->notes[i];
	write_strs(f, "notes", notes, m->nr_notes);
	write_strs(f, "vma_fields", vma_fields, ARRAY_SIZE(vma_fields));
	fputs(",\n\"vmas\":[", f);
	for (i = 0; i < m->nr_vmas; i++) {
		v = &m->vmas[i];
		fprintf(f, "%s\n[%llu,%llu,\"%s\",", i ? "," : "",
			(unsigned long long)v->start,
			(unsigned long long)v->end, v->perms);
		if (m->known & PTS_K_VMFLAGS && m->source == PTS_SRC_MODULE)
			fprintf(f, "%llu,", (unsigned long long)v->vm_flags);
		else
			fputs("null,", f);
		pts_jw_str_raw(f, v->flagstr);
		fprintf(f, ",%llu,%u,%u,%llu,\"%s\",%llu,",
			(unsigned long long)v->pgoff, v->dev_major,
			v->dev_minor, (unsigned long long)v->ino,
			pts_vma_kind_name(v->kind),
			(unsigned long long)v->page_size);
		pts_jw_str_raw(f, v->name ? v->name : "");
		fputc(']', f);
	}
	fputs("\n]", f);
	write_strs(f, "entry_fields", entry_fields, NR_EFIELDS);
	fputs(",\n\"entries\":[", f);
	n = 0;
	for (i = 0; i < m->nr_entries; i++) {
		e = &m->entries[i];
		if (e->kind == PTS_HOLE)
			continue;
		fprintf(f, "%s\n[%llu,%llu,%d,%d,%llu,%llu,%llu,%u,%u,%u,%u,%llu]",
			n++ ? "," : "", (unsigned long long)e->va,
			(unsigned long long)e->size, e->level, e->kind,
			(unsigned long long)e->pfn,
			(unsigned long long)e->flags,
			(unsigned long long)e->state, e->mapcount, e->refcount,
			e->folio_order, e->swap_type,
			(unsigned long long)e->swap_offset);
	}
	fputs("\n]}\n", f);
	return ferror(f) ? -EIO : 0;
}

/* ------------------------------------------------------------------ */
/* reading                                                              */

struct snap_rd {
	struct pts_jr r;
	struct pts_model *m;
	struct pts_snapinfo *si;
	char *msg;
	size_t len;
	bool have_pid, have_vmas, have_entries;
};

static int rd_fail(struct snap_rd *s, int err, const char *fmt, ...)
	__printf(3, 4);

static int rd_fail(struct snap_rd *s, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->msg, s->len, fmt, ap);
	va_end(ap);
	return err;
}

/* a token error: the reader's message */
static int rd_tok(struct snap_rd *s, int tok)
{
	if (tok < 0)
		return rd_fail(s, tok, "%s", s->r.msg);
	return 0;
}

static int rd_u64(struct snap_rd *s, const char *what, __u64 *v)
{
	int tok = pts_jr_next(&s->r);

	if (tok < 0)
		return rd_tok(s, tok);
	if (tok != PTS_JT_NUM || !s->r.is_int || s->r.neg)
		return rd_fail(s, -EBADMSG,
			       "%s: not an unsigned integer (byte %llu)", what,
			       (unsigned long long)pts_jr_where(&s->r));
	*v = s->r.num;
	return 0;
}

static int rd_str(struct snap_rd *s, const char *what, char *buf, size_t len,
		  char **dup)
{
	int tok = pts_jr_next(&s->r);

	if (tok < 0)
		return rd_tok(s, tok);
	if (tok != PTS_JT_STR)
		return rd_fail(s, -EBADMSG, "%s: not a string (byte %llu)",
			       what, (unsigned long long)pts_jr_where(&s->r));
	if (buf && s->r.len_str >= len)
		return rd_fail(s, -EBADMSG, "%s: string longer than %zu bytes",
			       what, len - 1);
	if (buf)
		snprintf(buf, len, "%s", s->r.str);
	if (dup) {
		*dup = strdup(s->r.str);
		if (!*dup)
			return rd_fail(s, -ENOMEM, "out of memory");
	}
	return 0;
}

static int rd_open(struct snap_rd *s, int want, const char *what)
{
	int tok = pts_jr_next(&s->r);

	if (tok < 0)
		return rd_tok(s, tok);
	if (tok != want)
		return rd_fail(s, -EBADMSG, "%s: not an %s (byte %llu)", what,
			       want == PTS_JT_ARR ? "array" : "object",
			       (unsigned long long)pts_jr_where(&s->r));
	return 0;
}

/* the rest of an array: ']' expected */
static int rd_close(struct snap_rd *s, const char *what)
{
	int tok = pts_jr_next(&s->r);

	if (tok < 0)
		return rd_tok(s, tok);
	if (tok != PTS_JT_END_ARR)
		return rd_fail(s, -EBADMSG, "%s: too many fields (byte %llu)",
			       what, (unsigned long long)pts_jr_where(&s->r));
	return 0;
}

/* an array of strings equal to @want */
static int rd_fields(struct snap_rd *s, const char *what,
		     const char *const *want, size_t n)
{
	size_t i = 0;
	int tok, err;

	err = rd_open(s, PTS_JT_ARR, what);
	if (err)
		return err;
	while ((tok = pts_jr_next(&s->r)) == PTS_JT_STR) {
		if (i >= n || strcmp(s->r.str, want[i]))
			return rd_fail(s, -EBADMSG,
				       "%s: column %zu is \"%s\", version %d has \"%s\"",
				       what, i, s->r.str, PTS_SNAP_VERSION,
				       i < n ? want[i] : "(none)");
		i++;
	}
	if (tok < 0)
		return rd_tok(s, tok);
	if (tok != PTS_JT_END_ARR || i != n)
		return rd_fail(s, -EBADMSG, "%s: not the %zu columns of version %d",
			       what, n, PTS_SNAP_VERSION);
	return 0;
}

static int rd_known(struct snap_rd *s)
{
	size_t i;
	int tok, err;

	err = rd_open(s, PTS_JT_ARR, "known");
	if (err)
		return err;
	while ((tok = pts_jr_next(&s->r)) == PTS_JT_STR)
		for (i = 0; i < ARRAY_SIZE(known_names); i++)
			if (!strcmp(s->r.str, known_names[i].name))
				s->m->known |= known_names[i].bit;
	if (tok < 0)
		return rd_tok(s, tok);
	if (tok != PTS_JT_END_ARR)
		return rd_fail(s, -EBADMSG, "known: not an array of strings");
	return 0;
}

static int rd_notes(struct snap_rd *s)
{
	int tok, err;

	err = rd_open(s, PTS_JT_ARR, "notes");
	if (err)
		return err;
	while ((tok = pts_jr_next(&s->r)) == PTS_JT_STR)
		pts_model_note(s->m, "%s", s->r.str);
	if (tok < 0)
		return rd_tok(s, tok);
	if (tok != PTS_JT_END_ARR)
		return rd_fail(s, -EBADMSG, "notes: not an array of strings");
	return 0;
}

static int vma_kind_parse(const char *name, __u32 *kind)
{
	__u32 k;

	for (k = 0; k <= PTSCOPE_VMA_SPECIAL; k++)
		if (!strcmp(pts_vma_kind_name(k), name)) {
			*kind = k;
			return 0;
		}
	return -EINVAL;
}

static int rd_vma(struct snap_rd *s, size_t idx)
{
	struct pts_vma *v;
	char what[48], kind[16];
	__u64 maj, min;
	int tok, err;

	snprintf(what, sizeof(what), "vmas[%zu]", idx);
	v = pts_model_add_vma(s->m);
	if (!v)
		return rd_fail(s, -ENOMEM, "out of memory");
	err = rd_u64(s, what, &v->start);
	if (!err)
		err = rd_u64(s, what, &v->end);
	if (!err)
		err = rd_str(s, what, v->perms, sizeof(v->perms), NULL);
	if (err)
		return err;
	tok = pts_jr_next(&s->r);
	if (tok == PTS_JT_NUM && s->r.is_int && !s->r.neg) {
		v->vm_flags = s->r.num;
	} else if (tok != PTS_JT_NULL) {
		return tok < 0 ? rd_tok(s, tok) :
			rd_fail(s, -EBADMSG, "%s: vm_flags: not an integer or null",
				what);
	}
	err = rd_str(s, what, v->flagstr, sizeof(v->flagstr), NULL);
	if (!err)
		err = rd_u64(s, what, &v->pgoff);
	if (!err)
		err = rd_u64(s, what, &maj);
	if (!err)
		err = rd_u64(s, what, &min);
	if (!err)
		err = rd_u64(s, what, &v->ino);
	if (!err)
		err = rd_str(s, what, kind, sizeof(kind), NULL);
	if (!err)
		err = rd_u64(s, what, &v->page_size);
	if (!err)
		err = rd_str(s, what, NULL, 0, &v->name);
	if (!err)
		err = rd_close(s, what);
	if (err)
		return err;
	v->dev_major = maj;
	v->dev_minor = min;
	if (strlen(v->perms) != 4)
		return rd_fail(s, -EBADMSG, "%s: perms \"%s\" is not 4 letters",
			       what, v->perms);
	if (vma_kind_parse(kind, &v->kind))
		return rd_fail(s, -EBADMSG, "%s: unknown kind \"%s\"", what,
			       kind);
	if (v->start >= v->end || (v->start | v->end) & (PTS_PAGE_SIZE - 1))
		return rd_fail(s, -EBADMSG, "%s: bad range 0x%llx-0x%llx", what,
			       (unsigned long long)v->start,
			       (unsigned long long)v->end);
	if (idx && v->start < s->m->vmas[idx - 1].end)
		return rd_fail(s, -EBADMSG,
			       "%s: overlaps or precedes the one before", what);
	return 0;
}

static int rd_vmas(struct snap_rd *s)
{
	size_t n = 0;
	int tok, err;

	err = rd_open(s, PTS_JT_ARR, "vmas");
	if (err)
		return err;
	while ((tok = pts_jr_next(&s->r)) == PTS_JT_ARR) {
		err = rd_vma(s, n++);
		if (err)
			return err;
	}
	if (tok < 0)
		return rd_tok(s, tok);
	if (tok != PTS_JT_END_ARR)
		return rd_fail(s, -EBADMSG, "vmas[%zu]: not an array", n);
	s->have_vmas = true;
	return 0;
}

static int rd_entry(struct snap_rd *s, size_t idx)
{
	__u64 f[NR_EFIELDS], neg;
	struct pts_entry *e;
	size_t i;
	int tok, k;

	k = pts_jr_ints(&s->r, f, &neg, NR_EFIELDS);
	if (k >= 0) {
		/* the whole array was in the buffer, and is consumed */
		if ((size_t)k != NR_EFIELDS)
			return rd_fail(s, -EBADMSG,
				       "entries[%zu]: %d fields, %zu expected",
				       idx, k, NR_EFIELDS);
		if (neg & ~(1ULL << 2) || (neg && f[2] != 1))
			return rd_fail(s, -EBADMSG,
				       "entries[%zu]: a negative number (byte %llu)",
				       idx, (unsigned long long)pts_jr_where(&s->r));
		if (neg)
			f[2] = (__u64)-1;
		goto check;
	}
	for (i = 0; i < NR_EFIELDS; i++) {
		tok = pts_jr_next(&s->r);
		if (tok != PTS_JT_NUM || !s->r.is_int ||
		    (s->r.neg && (i != 2 || s->r.num != 1))) {
			if (tok < 0)
				return rd_tok(s, tok);
			if (tok == PTS_JT_END_ARR)
				return rd_fail(s, -EBADMSG,
					       "entries[%zu]: %zu fields, %zu expected",
					       idx, i, NR_EFIELDS);
			return rd_fail(s, -EBADMSG,
				       "entries[%zu]: %s: not an unsigned integer (byte %llu)",
				       idx, entry_fields[i],
				       (unsigned long long)pts_jr_where(&s->r));
		}
		f[i] = s->r.neg ? (__u64)-1 : s->r.num;
	}
	tok = pts_jr_next(&s->r);
	if (tok != PTS_JT_END_ARR)
		return tok < 0 ? rd_tok(s, tok) :
			rd_fail(s, -EBADMSG, "entries[%zu]: more than %zu fields",
				idx, NR_EFIELDS);
check:
	if (f[3] > PTS_NONPRESENT)
		return rd_fail(s, -EBADMSG, "entries[%zu]: type %llu unknown",
			       idx, (unsigned long long)f[3]);
	if (f[2] != (__u64)-1 && f[2] > PTSCOPE_LVL_PTE)
		return rd_fail(s, -EBADMSG, "entries[%zu]: level %llu unknown",
			       idx, (unsigned long long)f[2]);
	if (!f[1] || (f[0] | f[1]) & (PTS_PAGE_SIZE - 1) || f[0] + f[1] < f[0])
		return rd_fail(s, -EBADMSG,
			       "entries[%zu]: bad va 0x%llx or size %llu", idx,
			       (unsigned long long)f[0],
			       (unsigned long long)f[1]);
	if (f[7] > 0xffffffffULL || f[8] > 0xffffffffULL ||
	    f[9] > 0xffffffffULL || f[10] > 0xffffffffULL)
		return rd_fail(s, -EBADMSG, "entries[%zu]: a count beyond 32 bits",
			       idx);
	if (idx) {
		e = &s->m->entries[idx - 1];
		if (f[0] < e->va + e->size)
			return rd_fail(s, -EBADMSG,
				       "entries[%zu]: 0x%llx overlaps or precedes the entry before",
				       idx, (unsigned long long)f[0]);
	}
	e = pts_model_add_entry(s->m);
	if (!e)
		return rd_fail(s, -ENOMEM, "out of memory");
	e->va = f[0];
	e->size = f[1];
	e->level = f[2] == (__u64)-1 ? PTS_LVL_UNKNOWN : (int)f[2];
	e->kind = f[3];
	e->pfn = f[4];
	e->flags = f[5];
	e->state = f[6];
	e->mapcount = f[7];
	e->refcount = f[8];
	e->folio_order = f[9];
	e->swap_type = f[10];
	e->swap_offset = f[11];
	return 0;
}

static int rd_entries(struct snap_rd *s)
{
	size_t n = 0;
	int tok, err;

	err = rd_open(s, PTS_JT_ARR, "entries");
	if (err)
		return err;
	while ((tok = pts_jr_next(&s->r)) == PTS_JT_ARR) {
		err = rd_entry(s, n++);
		if (err)
			return err;
	}
	if (tok < 0)
		return rd_tok(s, tok);
	if (tok != PTS_JT_END_ARR)
		return rd_fail(s, -EBADMSG, "entries[%zu]: not an array", n);
	s->have_entries = true;
	return 0;
}

/* entries to their VMAs (both in address order), VMA page counts */
static int rd_link(struct snap_rd *s)
{
	struct pts_model *m = s->m;
	struct pts_entry *e;
	size_t i, v = 0;

	for (i = 0; i < m->nr_entries; i++) {
		e = &m->entries[i];
		while (v < m->nr_vmas && m->vmas[v].end <= e->va)
			v++;
		if (v == m->nr_vmas || e->va < m->vmas[v].start)
			return rd_fail(s, -EBADMSG,
				       "entries[%zu]: 0x%llx is in no VMA", i,
				       (unsigned long long)e->va);
		e->vma = v;
		pts_model_count(m, e);
	}
	return 0;
}

static int rd_member(struct snap_rd *s, const char *key)
{
	struct pts_model *m = s->m;
	__u64 v = 0;
	char src[16];
	int err = 0, tok;

	if (!strcmp(key, "pid")) {
		err = rd_u64(s, key, &v);
		if (!err && (!v || v > 0x7fffffff))
			err = rd_fail(s, -EBADMSG, "pid %llu out of range",
				      (unsigned long long)v);
		m->pid = v;
		s->have_pid = true;
	} else if (!strcmp(key, "comm")) {
		err = rd_str(s, key, s->si->comm, sizeof(s->si->comm), NULL);
	} else if (!strcmp(key, "kernel")) {
		err = rd_str(s, key, s->si->kernel, sizeof(s->si->kernel),
			     NULL);
	} else if (!strcmp(key, "time")) {
		err = rd_str(s, key, s->si->time, sizeof(s->si->time), NULL);
	} else if (!strcmp(key, "time_ns")) {
		err = rd_u64(s, key, &s->si->time_ns);
	} else if (!strcmp(key, "source")) {
		err = rd_str(s, key, src, sizeof(src), NULL);
		m->source = !strcmp(src, "module") ? PTS_SRC_MODULE :
							PTS_SRC_PROC;
	} else if (!strcmp(key, "pgtable_levels")) {
		err = rd_u64(s, key, &v);
		if (!err && v != 4 && v != 5)
			err = rd_fail(s, -EBADMSG, "pgtable_levels %llu is not 4 or 5",
				      (unsigned long long)v);
		m->arch.levels = v;
	} else if (!strcmp(key, "page_shift")) {
		err = rd_u64(s, key, &v);
		m->arch.page_shift = v;
	} else if (!strcmp(key, "virt_bits")) {
		err = rd_u64(s, key, &v);
		m->arch.virt_bits = v;
	} else if (!strcmp(key, "phys_bits")) {
		err = rd_u64(s, key, &v);
		m->arch.phys_bits = v;
	} else if (!strcmp(key, "task_size")) {
		err = rd_u64(s, key, &m->arch.task_size);
	} else if (!strcmp(key, "max_pfn")) {
		err = rd_u64(s, key, &m->arch.max_pfn);
	} else if (!strcmp(key, "features")) {
		err = rd_u64(s, key, &m->arch.features);
	} else if (!strcmp(key, "start")) {
		err = rd_u64(s, key, &m->start);
	} else if (!strcmp(key, "end")) {
		err = rd_u64(s, key, &m->end);
	} else if (!strcmp(key, "flags_known")) {
		err = rd_u64(s, key, &m->flags_known);
	} else if (!strcmp(key, "known")) {
		err = rd_known(s);
	} else if (!strcmp(key, "notes")) {
		err = rd_notes(s);
	} else if (!strcmp(key, "vma_fields")) {
		err = rd_fields(s, key, vma_fields, ARRAY_SIZE(vma_fields));
	} else if (!strcmp(key, "entry_fields")) {
		err = rd_fields(s, key, entry_fields, NR_EFIELDS);
	} else if (!strcmp(key, "vmas")) {
		if (s->have_vmas)
			return rd_fail(s, -EBADMSG, "\"vmas\" twice");
		err = rd_vmas(s);
	} else if (!strcmp(key, "entries")) {
		if (s->have_entries)
			return rd_fail(s, -EBADMSG, "\"entries\" twice");
		err = rd_entries(s);
	} else {
		/* a member added by a later writer of the same version */
		tok = pts_jr_next(&s->r);
		err = tok < 0 ? rd_tok(s, tok) : pts_jr_skip(&s->r, tok);
		if (err)
			err = rd_tok(s, err);
	}
	return err;
}

/* the first two members: "format" and "version" */
static int rd_head(struct snap_rd *s)
{
	int tok;

	tok = pts_jr_next(&s->r);
	if (tok == -PTS_ETRUNC && !pts_jr_where(&s->r))
		return rd_fail(s, -EBADMSG,
			       "not a ptscope snapshot (empty file)");
	if (tok == -EBADMSG || tok == -PTS_ETRUNC)
		return rd_fail(s, -EBADMSG,
			       "not a ptscope snapshot (not a JSON object)");
	if (tok < 0)
		return rd_tok(s, tok);
	if (tok != PTS_JT_OBJ)
		return rd_fail(s, -EBADMSG,
			       "not a ptscope snapshot (not a JSON object)");
	tok = pts_jr_next(&s->r);
	if (tok == PTS_JT_KEY && !strcmp(s->r.str, "format"))
		tok = pts_jr_next(&s->r);
	else
		tok = tok < 0 ? tok : -1;
	if (tok == -PTS_ETRUNC)
		return rd_tok(s, tok);
	if (tok != PTS_JT_STR || strcmp(s->r.str, PTS_SNAP_FORMAT))
		return rd_fail(s, -EBADMSG,
			       "not a ptscope snapshot (no \"format\": \"%s\" first)",
			       PTS_SNAP_FORMAT);
	tok = pts_jr_next(&s->r);
	if (tok == PTS_JT_KEY && !strcmp(s->r.str, "version"))
		tok = pts_jr_next(&s->r);
	else
		tok = tok < 0 ? tok : -1;
	if (tok == -PTS_ETRUNC)
		return rd_tok(s, tok);
	if (tok != PTS_JT_NUM || !s->r.is_int || s->r.neg)
		return rd_fail(s, -EBADMSG,
			       "bad snapshot: no integer \"version\" after \"format\"");
	if (s->r.num != PTS_SNAP_VERSION)
		return rd_fail(s, -EPROTONOSUPPORT,
			       "snapshot version %llu not supported (this ptscope reads version %d)",
			       (unsigned long long)s->r.num, PTS_SNAP_VERSION);
	return 0;
}

/**
 * pts_snap_read - read a snapshot into a model
 * @f: the stream
 * @m: the model, initialised; partial on error (free it)
 * @si: filled with what the snapshot says about itself
 * @msg: receives what was wrong
 * @len: size of @msg
 *
 * Return: 0; -EBADMSG for a document that is not a version 1 snapshot or
 * breaks its rules, -PTS_ETRUNC when it ends early, -EPROTONOSUPPORT for
 * another version, -EIO, -ENOMEM.
 */
int pts_snap_read(FILE *f, struct pts_model *m, struct pts_snapinfo *si,
		  char *msg, size_t len)
{
	struct snap_rd *s;
	int tok, err;

	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(msg, len, "out of memory");
		return -ENOMEM;
	}
	s->m = m;
	s->si = si;
	s->msg = msg;
	s->len = len;
	msg[0] = '\0';
	err = pts_jr_init(&s->r, f);
	if (err) {
		snprintf(msg, len, "out of memory");
		goto out;
	}
	err = rd_head(s);
	while (!err) {
		tok = pts_jr_next(&s->r);
		if (tok == PTS_JT_END_OBJ)
			break;
		if (tok != PTS_JT_KEY) {
			err = rd_tok(s, tok < 0 ? tok : -EBADMSG);
			break;
		}
		err = rd_member(s, s->r.str);
	}
	if (!err) {
		tok = pts_jr_next(&s->r);
		if (tok != PTS_JT_EOF)
			err = rd_tok(s, tok < 0 ? tok : -EBADMSG);
	}
	if (!err && (!s->have_pid || !s->have_vmas || !s->have_entries ||
		     !m->arch.levels))
		err = rd_fail(s, -EBADMSG,
			      "bad snapshot: \"%s\" missing",
			      !s->have_pid ? "pid" : !s->have_vmas ? "vmas" :
			      !s->have_entries ? "entries" : "pgtable_levels");
	if (!err)
		err = rd_link(s);
	pts_jr_free(&s->r);
out:
	free(s);
	return err;
}

/**
 * pts_snap_load - read the snapshot file @path ("-": standard input)
 * @ctx: context, for errors
 * @path: the file
 * @m: the model, initialised
 * @si: filled
 *
 * Errors are reported here, with the file name.
 *
 * Return: 0 or a negative errno.
 */
int pts_snap_load(struct pts_ctx *ctx, const char *path, struct pts_model *m,
		  struct pts_snapinfo *si)
{
	char msg[256];
	FILE *f;
	int err;

	memset(si, 0, sizeof(*si));
	f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!f)
		return pts_error(ctx, errno, "%s", path);
	err = pts_snap_read(f, m, si, msg, sizeof(msg));
	if (f != stdin)
		fclose(f);
	snprintf(si->path, sizeof(si->path), "%s", path);
	if (!err)
		return 0;
	if (err == -EIO || err == -ENOMEM)
		return pts_error(ctx, err, "%s: %s", path, msg);
	pts_error(ctx, 0, "%s: %s", path, msg);
	return err;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/**
 * pts_snap_arg - a diff operand: a PID (all digits) or a snapshot file
 * @ctx: context
 * @arg: the operand; a file whose name is all digits is given as ./NAME
 * @m: the model, initialised
 * @si: filled
 *
 * Return: 0 or a negative, reported error.
 */
int pts_snap_arg(struct pts_ctx *ctx, const char *arg, struct pts_model *m,
		 struct pts_snapinfo *si)
{
	__u32 pid;

	if (all_digits(arg)) {
		if (pts_parse_pid(arg, &pid))
			return pts_usage_error(ctx, "invalid pid '%s'", arg);
		return pts_snap_take(ctx, pid, m, si);
	}
	return pts_snap_load(ctx, arg, m, si);
}

/* ------------------------------------------------------------------ */
/* the command                                                          */

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] snapshot PID [-o FILE]\n"
		"       ptscope snapshot help\n"
		"\n"
		"Save the mappings and page-table entries of a process (frames, flags,\n"
		"page state, swap entries, mapcounts) as a JSON snapshot, format\n"
		"\"%s\" version %d (ptscope(8), SNAPSHOT FORMAT), for\n"
		"'ptscope diff'.  -o FILE writes FILE (replaced only once it is\n"
		"complete; mode 0600, as frame numbers are privileged); without -o, or with -o -, the snapshot goes to standard\n"
		"output.\n",
		PTS_SNAP_FORMAT, PTS_SNAP_VERSION);
	return 0;
}

static int write_file(struct pts_ctx *ctx, const char *path,
		      const struct pts_model *m, const struct pts_snapinfo *si)
{
	char *tmp;
	FILE *f;
	int fd, err;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return pts_error(ctx, ENOMEM, "%s", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = pts_error(ctx, errno, "%s", path);
		free(tmp);
		return err;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = pts_error(ctx, errno, "%s", path);
		close(fd);
		goto out_unlink;
	}
	err = pts_snap_write(m, si, f);
	if (fflush(f) || fsync(fd))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (!err)
		goto out_free;
	err = pts_error(ctx, err, "%s", path);
out_unlink:
	unlink(tmp);
out_free:
	free(tmp);
	return err;
}

/**
 * do_snapshot - the snapshot object: "snapshot PID [-o FILE]"
 * @ctx: context; the global -o names the file
 * @argc: arguments
 * @argv: arguments, argv[0] being "snapshot"
 *
 * Return: 0 or a negative error.
 */
int do_snapshot(struct pts_ctx *ctx, int argc, char **argv)
{
	struct pts_snapinfo si;
	struct pts_model m;
	__u32 pid;
	int i, err;

	if (argc > 1 && !strcmp(argv[1], "help"))
		return pts_help(ctx, do_help, argc, argv);
	i = pts_parse_args(ctx, argc, argv, NULL, NULL, NULL, do_help);
	if (i <= 0)
		return i;
	if (argc - i != 1)
		return pts_usage_error(ctx, "snapshot: expected PID");
	if (pts_parse_pid(argv[i], &pid))
		return pts_usage_error(ctx, "invalid pid '%s'", argv[i]);
	if (ctx->output && !*ctx->output)
		return pts_usage_error(ctx, "snapshot: -o: empty file name");

	pts_model_init(&m);
	err = pts_snap_take(ctx, pid, &m, &si);
	if (!err) {
		pts_print_notes(ctx, &m);
		if (ctx->output && strcmp(ctx->output, "-"))
			err = write_file(ctx, ctx->output, &m, &si);
		else if (pts_snap_write(&m, &si, ctx->out))
			err = pts_error(ctx, EIO, "standard output");
	}
	pts_model_free(&m);
	return err;
}
