// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots: a model written and read back is the same model (every
 * field, awkward names too) and written again is the same bytes; every
 * kind of bad file is refused with a message naming the problem (and
 * every prefix of a good file is refused, never half-read); the ptscope
 * binary's exit codes for bad operands of snapshot and diff.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "pts.h"
#include "runpts.h"

static struct pts_vma *vma(struct pts_model *m, __u64 start, __u64 end,
			   const char *perms, const char *name)
{
	struct pts_vma *v = pts_model_add_vma(m);

	assert_non_null(v);
	v->start = start;
	v->end = end;
	snprintf(v->perms, sizeof(v->perms), "%s", perms);
	v->name = strdup(name);
	v->kind = *name == '/' ? PTSCOPE_VMA_FILE : PTSCOPE_VMA_ANON;
	return v;
}

static struct pts_entry *ent(struct pts_model *m, __u64 va, __u64 size,
			     int kind, __u64 pfn, __u64 state)
{
	struct pts_entry *e = pts_model_add_entry(m);

	assert_non_null(e);
	e->va = va;
	e->size = size;
	e->kind = kind;
	e->pfn = pfn;
	e->state = state;
	e->level = size == PTS_SZ_2M ? PTSCOPE_LVL_PMD : PTSCOPE_LVL_PTE;
	e->vma = pts_model_find_vma(m, va);
	return e;
}

/* a model with one of everything the format carries */
static void sample(struct pts_model *m, struct pts_snapinfo *si)
{
	struct pts_vma *v;
	struct pts_entry *e;

	pts_model_init(m);
	memset(si, 0, sizeof(*si));
	m->source = PTS_SRC_MODULE;
	m->pid = 4242;
	m->arch.levels = 5;
	m->arch.page_shift = 12;
	m->arch.virt_bits = 56;
	m->arch.phys_bits = 46;
	m->arch.task_size = (1ULL << 56) - 4096;
	m->arch.max_pfn = 0x600000;
	m->arch.features = PTSCOPE_FEAT_LA57 | PTSCOPE_FEAT_PAGE_STATE;
	m->end = m->arch.task_size;
	m->known = PTS_K_LEVEL | PTS_K_RAW | PTS_K_MAPCOUNT | PTS_K_PFN |
		   PTS_K_VMFLAGS;
	m->flags_known = ~0ULL;
	pts_model_note(m, "a note with \"quotes\" and a \\ backslash");
	snprintf(si->comm, sizeof(si->comm), "we\"ird\tcomm");
	snprintf(si->kernel, sizeof(si->kernel), "6.1.0-test");
	snprintf(si->time, sizeof(si->time), "2025-01-02T03:04:05Z");
	si->time_ns = 1735787045000000001ULL;

	v = vma(m, 0x400000, 0x401000, "r-xp", "/usr/bin/a b\\c\"d");
	v->vm_flags = 0x75;
	v->pgoff = 3;
	v->ino = 1234567;
	v->dev_major = 254;
	v->dev_minor = 1;
	snprintf(v->flagstr, sizeof(v->flagstr), "rd ex mr mw me");
	v = vma(m, 0x7f0000000000, 0x7f0000400000, "rw-p", "");
	v->vm_flags = 0x73;
	v->pgoff = 0x7f0000000;
	vma(m, 0xff000000000000 - 0x1000, 0xff000000000000, "---p", "[hi]");

	e = ent(m, 0x400000, 4096, PTS_PRESENT, 0x1234,
		PTSCOPE_S_FILE | PTS_S_MAPPED_EXCL);
	e->flags = PTSCOPE_F_PRESENT | PTSCOPE_F_USER | PTSCOPE_F_ACCESSED;
	e->mapcount = 7;
	e->refcount = 9;
	e = ent(m, 0x7f0000000000, PTS_SZ_2M, PTS_PRESENT, 0x200000,
		PTSCOPE_S_ANON | PTSCOPE_S_THP);
	e->folio_order = 9;
	e->mapcount = 1;
	e = ent(m, 0x7f0000200000, 4096, PTS_SWAP, 0,
		PTSCOPE_S_SWAP | PTSCOPE_S_NONPRESENT);
	e->swap_type = 3;
	e->swap_offset = 0xabcdef;
	e = ent(m, 0x7f0000201000, 4096, PTS_NONPRESENT, 0,
		PTSCOPE_S_MIGRATION_R | PTSCOPE_S_NONPRESENT);
	e->level = PTS_LVL_UNKNOWN;
	assert_int_equal(pts_model_add_hole(m, 1, 0x7f0000202000, 0x1000,
					    PTSCOPE_LVL_PTE), 0);
	e = ent(m, 0xff000000000000 - 0x1000, 4096, PTS_PRESENT,
		(1ULL << 40) - 1, PTSCOPE_S_ANON);
	for (size_t i = 0; i < m->nr_entries; i++)
		pts_model_count(m, &m->entries[i]);
}

static char *write_mem(const struct pts_model *m, const struct pts_snapinfo *si,
		       size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(pts_snap_write(m, si, f), 0);
	fclose(f);
	return buf;
}

static int read_mem(const char *text, size_t len, struct pts_model *m,
		    struct pts_snapinfo *si, char *msg, size_t mlen)
{
	FILE *f = fmemopen((void *)text, len ? len : 1, "r");
	int err;

	assert_non_null(f);
	if (!len)	/* fmemopen wants a size > 0: an empty stream */
		fseek(f, 0, SEEK_END);
	pts_model_init(m);
	memset(si, 0, sizeof(*si));
	err = pts_snap_read(f, m, si, msg, mlen);
	fclose(f);
	return err;
}

static void test_round_trip(void **state)
{
	struct pts_snapinfo si, si2;
	struct pts_model m, m2;
	char *t1, *t2, msg[256];
	size_t l1, l2, i, j;

	(void)state;
	sample(&m, &si);
	t1 = write_mem(&m, &si, &l1);
	assert_int_equal(read_mem(t1, l1, &m2, &si2, msg, sizeof(msg)), 0);

	assert_int_equal(m2.pid, m.pid);
	assert_int_equal(m2.source, m.source);
	assert_memory_equal(&m2.arch, &m.arch, sizeof(m.arch));
	assert_int_equal(m2.known, m.known);
	assert_true(m2.flags_known == m.flags_known);
	assert_int_equal(m2.nr_notes, 1);
	assert_string_equal(m2.notes[0], m.notes[0]);
	assert_string_equal(si2.comm, si.comm);
	assert_string_equal(si2.kernel, si.kernel);
	assert_string_equal(si2.time, si.time);
	assert_true(si2.time_ns == si.time_ns);
	assert_int_equal(m2.nr_vmas, m.nr_vmas);
	for (i = 0; i < m.nr_vmas; i++) {
		assert_true(m2.vmas[i].start == m.vmas[i].start);
		assert_true(m2.vmas[i].end == m.vmas[i].end);
		assert_true(m2.vmas[i].vm_flags == m.vmas[i].vm_flags);
		assert_true(m2.vmas[i].pgoff == m.vmas[i].pgoff);
		assert_true(m2.vmas[i].ino == m.vmas[i].ino);
		assert_int_equal(m2.vmas[i].dev_major, m.vmas[i].dev_major);
		assert_int_equal(m2.vmas[i].dev_minor, m.vmas[i].dev_minor);
		assert_int_equal(m2.vmas[i].kind, m.vmas[i].kind);
		assert_string_equal(m2.vmas[i].perms, m.vmas[i].perms);
		assert_string_equal(m2.vmas[i].flagstr, m.vmas[i].flagstr);
		assert_string_equal(m2.vmas[i].name, m.vmas[i].name);
		assert_memory_equal(m2.vmas[i].present, m.vmas[i].present,
				    sizeof(m.vmas[i].present));
		assert_true(m2.vmas[i].swapped == m.vmas[i].swapped);
	}
	/* holes are not saved: every other entry comes back as it was */
	for (i = j = 0; i < m.nr_entries; i++) {
		const struct pts_entry *a = &m.entries[i], *b;

		if (a->kind == PTS_HOLE)
			continue;
		assert_true(j < m2.nr_entries);
		b = &m2.entries[j++];
		assert_true(a->va == b->va && a->size == b->size);
		assert_int_equal(a->kind, b->kind);
		assert_int_equal(a->level, b->level);
		assert_int_equal(a->vma, b->vma);
		assert_true(a->pfn == b->pfn && a->flags == b->flags &&
			    a->state == b->state);
		assert_int_equal(a->mapcount, b->mapcount);
		assert_int_equal(a->refcount, b->refcount);
		assert_int_equal(a->folio_order, b->folio_order);
		assert_int_equal(a->swap_type, b->swap_type);
		assert_true(a->swap_offset == b->swap_offset);
	}
	assert_int_equal(j, m2.nr_entries);

	/* and written again, the same bytes */
	t2 = write_mem(&m2, &si2, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(t1, t2, l1);
	free(t1);
	free(t2);
	pts_model_free(&m);
	pts_model_free(&m2);
}

/* every prefix of a good snapshot is refused, with a message */
static void test_prefixes(void **state)
{
	struct pts_snapinfo si;
	struct pts_model m;
	char *t, msg[256];
	size_t len, n;
	int err;

	(void)state;
	sample(&m, &si);
	t = write_mem(&m, &si, &len);
	pts_model_free(&m);
	while (len && (t[len - 1] == '\n'))
		len--;
	for (n = 0; n < len; n++) {
		err = read_mem(t, n, &m, &si, msg, sizeof(msg));
		if (!err)
			fail_msg("a prefix of %zu of %zu bytes was accepted", n,
				 len);
		assert_true(msg[0]);
		if (n > 60)	/* past "format" and "version" */
			assert_non_null(strstr(msg, "truncated"));
		pts_model_free(&m);
	}
	free(t);
}

struct bad {
	const char *text;
	const char *msg;
	int err;
};

#define HEAD	"{\"format\":\"ptscope-snapshot\",\"version\":1,\"pid\":7,\"pgtable_levels\":4,"
#define VMAS	"\"vmas\":[[4096,12288,\"rw-p\",null,\"\",0,0,0,0,\"anon\",4096,\"\"]],"

static const struct bad bads[] = {
	{ "", "empty file", -EBADMSG },
	{ "   \n", "not a JSON object", -EBADMSG },
	{ "PTSCOPE\x01", "not a JSON object", -EBADMSG },
	{ "[1,2]", "not a JSON object", -EBADMSG },
	{ "{\"pid\":1}", "no \"format\"", -EBADMSG },
	{ "{\"format\":\"other\",\"version\":1}", "no \"format\"", -EBADMSG },
	{ "{\"format\":\"ptscope-snapshot\",\"pid\":1}", "no integer \"version\"", -EBADMSG },
	{ "{\"format\":\"ptscope-snapshot\",\"version\":\"1\"}", "no integer \"version\"", -EBADMSG },
	{ "{\"format\":\"ptscope-snapshot\",\"version\":2,\"x\":[}", "version 2 not supported", -EPROTONOSUPPORT },
	{ "{\"format\":\"ptscope-snapshot\",\"version\":0}", "version 0 not supported", -EPROTONOSUPPORT },
	{ HEAD "\"vmas\":[]}", "\"entries\" missing", -EBADMSG },
	{ HEAD "\"entries\":[]}", "\"vmas\" missing", -EBADMSG },
	{ "{\"format\":\"ptscope-snapshot\",\"version\":1,\"vmas\":[],\"entries\":[]}", "\"pid\" missing", -EBADMSG },
	{ HEAD VMAS "\"entries\":[]} x", "end of file expected", -EBADMSG },
	{ HEAD VMAS "\"entries\":[],}", "member name expected", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[4096,4096,4,0,1,0,0,0,0,0,0]]}", "11 fields, 12 expected", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[4096,4096,4,0,1,0,0,0,0,0,0,0,0]]}", "more than 12 fields", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[4096,4096,4,7,1,0,0,0,0,0,0,0]]}", "type 7 unknown", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[4096,4096,9,0,1,0,0,0,0,0,0,0]]}", "level 9 unknown", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[4096,4096,-2,0,1,0,0,0,0,0,0,0]]}", "level: not an unsigned integer", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[4097,4096,4,0,1,0,0,0,0,0,0,0]]}", "bad va", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[4096,1.5,4,0,1,0,0,0,0,0,0,0]]}", "size: not an unsigned integer", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[4096,4096,4,0,18446744073709551616,0,0,0,0,0,0,0]]}", "pfn: not an unsigned integer", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[8192,4096,4,0,1,0,0,0,0,0,0,0],[4096,4096,4,0,1,0,0,0,0,0,0,0]]}", "precedes the entry before", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[4096,8192,4,0,1,0,0,0,0,0,0,0],[8192,4096,4,0,1,0,0,0,0,0,0,0]]}", "overlaps", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[65536,4096,4,0,1,0,0,0,0,0,0,0]]}", "is in no VMA", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[4096,4096,4,0,1,0,0,4294967296,0,0,0,0]]}", "beyond 32 bits", -EBADMSG },
	{ HEAD VMAS "\"entries\":[{\"va\":4096}]}", "not an array", -EBADMSG },
	{ HEAD "\"vmas\":[[8192,4096,\"rw-p\",null,\"\",0,0,0,0,\"anon\",4096,\"\"]],\"entries\":[]}", "bad range", -EBADMSG },
	{ HEAD "\"vmas\":[[4096,8192,\"rw-p\",null,\"\",0,0,0,0,\"anon\",4096,\"\"],[4096,8192,\"rw-p\",null,\"\",0,0,0,0,\"anon\",4096,\"\"]],\"entries\":[]}", "overlaps", -EBADMSG },
	{ HEAD "\"vmas\":[[4096,8192,\"rwx\",null,\"\",0,0,0,0,\"anon\",4096,\"\"]],\"entries\":[]}", "not 4 letters", -EBADMSG },
	{ HEAD "\"vmas\":[[4096,8192,\"rwxyz\",null,\"\",0,0,0,0,\"anon\",4096,\"\"]],\"entries\":[]}", "longer than 4 bytes", -EBADMSG },
	{ HEAD "\"vmas\":[[4096,8192,\"rw-p\",null,\"\",0,0,0,0,\"weird\",4096,\"\"]],\"entries\":[]}", "unknown kind", -EBADMSG },
	{ HEAD "\"vmas\":[[4096,8192,\"rw-p\",\"x\",\"\",0,0,0,0,\"anon\",4096,\"\"]],\"entries\":[]}", "vm_flags", -EBADMSG },
	{ HEAD "\"vmas\":[[4096,8192]],\"entries\":[]}", "not a string", -EBADMSG },
	{ HEAD VMAS VMAS "\"entries\":[]}", "\"vmas\" twice", -EBADMSG },
	{ HEAD "\"entry_fields\":[\"va\",\"pfn\"]," VMAS "\"entries\":[]}", "column 1 is \"pfn\"", -EBADMSG },
	{ "{\"format\":\"ptscope-snapshot\",\"version\":1,\"pid\":0," VMAS "\"entries\":[]}", "pid 0 out of range", -EBADMSG },
	{ "{\"format\":\"ptscope-snapshot\",\"version\":1,\"pid\":1,\"pgtable_levels\":3}", "not 4 or 5", -EBADMSG },
	{ HEAD VMAS "\"entries\":[[4096,4096,4,0,1,0,0,0,0,0,0,0]], \"later\": {\"a\":[1,{}]}, \"s\":\"\\u0041\\n\"}", NULL, 0 },
	{ HEAD VMAS "\"comm\":\"abc", "truncated", -PTS_ETRUNC },
	{ HEAD VMAS "\"comm\":\"a\x01\"}", "control character", -EBADMSG },
	{ HEAD VMAS "\"comm\":\"a\\q\"}", "an escape expected", -EBADMSG },
	{ HEAD VMAS "\"x\":tru}", "a value expected", -EBADMSG },
	{ HEAD VMAS "\"x\":01}", "',' or '}' expected", -EBADMSG },
	{ HEAD VMAS "\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", "nested deeper", -EBADMSG },
};

static void test_bad_files(void **state)
{
	struct pts_snapinfo si;
	struct pts_model m;
	char msg[256];
	size_t i;
	int err;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bads); i++) {
		err = read_mem(bads[i].text, strlen(bads[i].text), &m, &si, msg,
			       sizeof(msg));
		if (err != bads[i].err ||
		    (bads[i].msg && !strstr(msg, bads[i].msg)))
			fail_msg("case %zu: %d \"%s\", expected %d \"%s\"", i,
				 err, msg, bads[i].err,
				 bads[i].msg ? bads[i].msg : "");
		pts_model_free(&m);
	}
}

/*
 * A large snapshot goes through the reader's fast path for rows of
 * integers: the same values come back, extremes included, and a bad row
 * deep inside is refused as the slow path refuses it.
 */
static void test_large(void **state)
{
	static const struct {
		const char *row;
		const char *msg;
	} bad_rows[] = {
		{ "[%llu,4096,4,0,18446744073709551616,0,0,0,0,0,0,0]", "pfn: not an unsigned integer" },
		{ "[%llu,4096,4,0,99999999999999999999,0,0,0,0,0,0,0]", "pfn: not an unsigned integer" },
		{ "[%llu,4096,4,0,1,0,0,0,0,0,0]", "11 fields, 12 expected" },
		{ "[%llu,4096,4,0,1,0,0,0,0,0,0,0,0]", "more than 12 fields" },
		{ "[%llu,4096,-1,0,-1,0,0,0,0,0,0,0]", "a negative number" },
		{ "[%llu,4096,-2,0,1,0,0,0,0,0,0,0]", "a negative number" },
		{ "[%llu,4096,4,0,01,0,0,0,0,0,0,0]", "',' or ']' expected" },
		{ "[%llu,4096,4,0,1.0,0,0,0,0,0,0,0]", "not an unsigned integer" },
		{ "[%llu,4096,4,0,1e3,0,0,0,0,0,0,0]", "not an unsigned integer" },
		{ "[%llu,4096,4,0,,0,0,0,0,0,0,0]", "a value expected" },
		{ "[%llu,4096,4,0,1,0,0,0,0,0,0,0", "more than 12 fields" },
	};
	struct pts_snapinfo si, si2;
	struct pts_model m, m2;
	struct pts_entry *e;
	char *t, *t2, msg[256], row[128], *p, *q;
	size_t len, l2, i, k;
	const size_t n = 3000, at = 2000;

	(void)state;
	pts_model_init(&m);
	memset(&si, 0, sizeof(si));
	m.pid = 1;
	m.arch.levels = 4;
	vma(&m, 0x100000000ULL, 0x100000000ULL + n * 4096, "rw-p", "big");
	for (i = 0; i < n; i++) {
		e = ent(&m, 0x100000000ULL + i * 4096, 4096,
			i % 3 ? PTS_PRESENT : PTS_SWAP, i * 7919, 0);
		e->flags = i % 5 ? ~0ULL : 0;
		e->swap_offset = i % 7 ? 0xffffffffffffffffULL - i : 0;
		e->level = i % 11 ? PTSCOPE_LVL_PTE : PTS_LVL_UNKNOWN;
		e->mapcount = 0xffffffffU;
	}
	t = write_mem(&m, &si, &len);
	assert_int_equal(read_mem(t, len, &m2, &si2, msg, sizeof(msg)), 0);
	assert_int_equal(m2.nr_entries, n);
	for (i = 0; i < n; i++) {
		assert_true(m2.entries[i].flags == m.entries[i].flags);
		assert_true(m2.entries[i].swap_offset == m.entries[i].swap_offset);
		assert_true(m2.entries[i].pfn == m.entries[i].pfn);
		assert_int_equal(m2.entries[i].level, m.entries[i].level);
		assert_int_equal(m2.entries[i].mapcount, 0xffffffffU);
	}
	pts_model_free(&m2);

	/* entry @at replaced by a bad row */
	p = t;
	for (k = 0; k <= at + 1; k++) {	/* the VMA row, then entries */
		p = strstr(p + 1, "\n[");
		assert_non_null(p);
	}
	p++;
	q = strchr(p, ']');
	for (i = 0; i < ARRAY_SIZE(bad_rows); i++) {
		snprintf(row, sizeof(row), bad_rows[i].row,
			 (unsigned long long)m.entries[at].va);
		l2 = (p - t) + strlen(row) + (len - (q + 1 - t));
		t2 = malloc(l2 + 1);
		assert_non_null(t2);
		memcpy(t2, t, p - t);
		memcpy(t2 + (p - t), row, strlen(row));
		memcpy(t2 + (p - t) + strlen(row), q + 1, len - (q + 1 - t));
		assert_int_not_equal(read_mem(t2, l2, &m2, &si2, msg, sizeof(msg)), 0);
		if (!strstr(msg, bad_rows[i].msg) ||
		    !strstr(msg, i < 6 ? "entries[2000]" : ""))
			fail_msg("row %zu: \"%s\", expected \"%s\"", i, msg,
				 bad_rows[i].msg);
		pts_model_free(&m2);
		free(t2);
	}
	free(t);
	pts_model_free(&m);
}

/* the binary: exit status 2 and a message for bad operands of diff */
static void test_cli(void **state)
{
	char dir[] = "/tmp/test_snapshot.XXXXXX", p[256], q[256], pid[16];
	struct pts_snapinfo si;
	struct pts_model m;
	size_t len;
	char *t;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/a.json", dir);
	snprintf(q, sizeof(q), "%s/bad.json", dir);
	sample(&m, &si);
	t = write_mem(&m, &si, &len);
	pts_model_free(&m);
	f = fopen(p, "w");
	assert_non_null(f);
	fwrite(t, 1, len, f);
	fclose(f);
	f = fopen(q, "w");
	assert_non_null(f);
	fwrite(t, 1, len / 2, f);
	fclose(f);
	free(t);

	assert_int_equal(run_pts("diff", p, p, NULL), 0);
	assert_non_null(strstr(pts_out, "0 added"));
	assert_int_equal(run_pts("diff", p, q, NULL), 2);
	assert_non_null(strstr(pts_err, "truncated"));
	assert_non_null(strstr(pts_err, q));
	assert_int_equal(run_pts("diff", p, "/nonexistent/x.json", NULL), 2);
	assert_non_null(strstr(pts_err, "No such file or directory"));
	assert_int_equal(run_pts("-J", "diff", p, "/nonexistent/x.json", NULL), 2);
	assert_non_null(strstr(pts_out, "\"error\""));
	assert_int_equal(run_pts("diff", p, "2147483600", NULL), 2);
	assert_non_null(strstr(pts_err, "pid 2147483600"));
	assert_int_equal(run_pts("diff", p, NULL), 2);
	assert_int_equal(run_pts("diff", "-", "-", NULL), 2);
	assert_int_equal(run_pts("diff", p, p, "--bogus", NULL), 2);
	assert_int_equal(run_pts("-J", "diff", "--summary", p, p, NULL), 0);
	assert_non_null(strstr(pts_out, "\"differences\":0"));
	assert_null(strstr(pts_out, "\"pages\":["));
	/* snapshot: an unwritable place fails and leaves nothing */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	assert_int_equal(run_pts("--source", "proc", "snapshot", pid, "-o",
				 "/nonexistent/dir/s.json", NULL), 1);
	assert_non_null(strstr(pts_err, "/nonexistent/dir/s.json"));
	assert_int_equal(run_pts("snapshot", NULL), 2);
	assert_int_equal(run_pts("snapshot", "x", NULL), 2);
	assert_int_equal(run_pts("snapshot", "2147483600", "-o", q, NULL), 1);
	assert_non_null(strstr(pts_err, "pid 2147483600"));
	assert_int_equal(run_pts("share", "1", NULL), 2);
	assert_int_equal(run_pts("share", "1", "x", NULL), 2);
	assert_int_equal(run_pts("share", pid, pid, NULL), 2);
	assert_non_null(strstr(pts_err, "given twice"));
	unlink(p);
	unlink(q);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
