// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the text views (module/render.c) fed with hand-made record
 * streams: run merging in "pt" (a run is contiguous entries of one level,
 * size, VMA, attributes and kind, as mm/ptdump.c merges them), the
 * effective rights of a translation in "xlate" (x86: a page is user and
 * writable only if every level says so, and not executable if any level
 * sets NX), the counts of "stats" and "vmas", and bounded output.
 *
 * Expected ranges, counts and sizes are computed from the records fed in;
 * the words checked ("RW", "ro", "USR", "NX", "W+X", "4K") are the views'
 * vocabulary.
 */
#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "uapi/ptscope.h"
#include "query.h"
#include "rec.h"
#include "render.h"

#define F(x)	PTSCOPE_F_##x
#define S(x)	PTSCOPE_S_##x
#define OUT_CAP	(16 * PTSCOPE_RENDER_MAX)
#define MAX_LINES 64

struct rtest {
	struct ptscope_render r;
	struct ptscope_tbuf tb;
	char *lines[MAX_LINES];	/* non-comment lines of the output */
	int nr_lines;
};

static struct rtest *rtest_new(struct kunit *test, enum ptscope_view view)
{
	struct rtest *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	t->tb.buf = kunit_kzalloc(test, OUT_CAP + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->tb.buf);
	t->tb.cap = OUT_CAP;
	ptscope_render_init(&t->r, view);
	return t;
}

static void rtest_feed(struct kunit *test, struct rtest *t,
		       const union ptscope_rec *rec)
{
	/* the contract: at least PTSCOPE_RENDER_MAX bytes free per record */
	KUNIT_ASSERT_GE(test, t->tb.cap - t->tb.len,
			(size_t)PTSCOPE_RENDER_MAX);
	ptscope_render_rec(&t->r, rec, &t->tb);
}

static void rtest_header(struct kunit *test, struct rtest *t,
			 unsigned int levels)
{
	union ptscope_rec rec = { };

	rec.hdr.type = PTSCOPE_REC_HEADER;
	rec.hdr.rec_size = PTSCOPE_REC_SIZE;
	rec.hdr.magic = PTSCOPE_MAGIC;
	rec.hdr.version = PTSCOPE_ABI_VERSION;
	rec.hdr.pid = 42;
	rec.hdr.end = 0x800000;
	rec.hdr.pgtable_levels = levels;
	rec.hdr.page_shift = 12;
	rtest_feed(test, t, &rec);
}

static void rtest_vma(struct kunit *test, struct rtest *t, u32 index,
		      u64 start, u64 end, u64 vm_flags, u32 kind,
		      const char *name)
{
	union ptscope_rec rec = { };

	rec.vma.type = PTSCOPE_REC_VMA;
	rec.vma.index = index;
	rec.vma.start = start;
	rec.vma.end = end;
	rec.vma.vm_flags = vm_flags;
	rec.vma.kind = kind;
	if (name)
		memcpy(rec.vma.name, name,
		       min(strlen(name), sizeof(rec.vma.name)));
	rtest_feed(test, t, &rec);
}

static void rtest_entry(struct kunit *test, struct rtest *t, u32 type,
			u32 level, u64 va, u64 size, u64 flags, u64 state,
			u32 vma_index)
{
	union ptscope_rec rec = { };

	rec.ent.type = type;
	rec.ent.level = level;
	rec.ent.va = va;
	rec.ent.size = size;
	rec.ent.flags = flags;
	rec.ent.state = state;
	rec.ent.vma_index = vma_index;
	if (type == PTSCOPE_REC_ENTRY && !(state & S(NONPRESENT))) {
		rec.ent.pfn = 0x1000 + (va >> 12);
		rec.ent.raw = (rec.ent.pfn << 12) | 1;
		rec.ent.refcount = 1;
		rec.ent.mapcount = 1;
	}
	rtest_feed(test, t, &rec);
}

static void rtest_end(struct kunit *test, struct rtest *t, u32 error)
{
	union ptscope_rec rec = { };

	rec.end.type = PTSCOPE_REC_END;
	rec.end.error = error;
	rtest_feed(test, t, &rec);
}

/* Split the output into lines; comment lines are left out */
static void rtest_lines(struct kunit *test, struct rtest *t)
{
	char *p = t->tb.buf, *nl;

	KUNIT_ASSERT_LT(test, t->tb.len, t->tb.cap);
	t->tb.buf[t->tb.len] = '\0';
	/* every line is complete */
	KUNIT_ASSERT_TRUE(test, t->tb.len && t->tb.buf[t->tb.len - 1] == '\n');
	while (*p) {
		nl = strchr(p, '\n');
		KUNIT_ASSERT_NOT_NULL(test, nl);
		*nl = '\0';
		if (*p != '#') {
			KUNIT_ASSERT_LT(test, t->nr_lines, MAX_LINES);
			t->lines[t->nr_lines++] = p;
		}
		p = nl + 1;
	}
}

struct pt_line {
	u64 start, end, count;
	char size[16], page[16], level[8];
};

static void pt_parse(struct kunit *test, const char *line, struct pt_line *l)
{
	int n = sscanf(line, "0x%llx-0x%llx %15s %llux%15s %7s", &l->start,
		       &l->end, l->size, &l->count, l->page, l->level);

	KUNIT_ASSERT_EQ_MSG(test, n, 6, "unparsable pt line '%s'", line);
}

static bool has_word(const char *line, const char *word)
{
	size_t n = strlen(word);
	const char *p = line;

	while ((p = strstr(p, word))) {
		if ((p == line || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static void render_pt_runs_test(struct kunit *test)
{
	struct rtest *t = rtest_new(test, PTSCOPE_VIEW_PT);
	const u64 rw = F(PRESENT) | F(RW) | F(USER) | F(NX);
	const u64 ro = F(PRESENT) | F(USER) | F(NX);
	const u64 wx = F(PRESENT) | F(RW) | F(USER) | F(PSE);
	const u32 E = PTSCOPE_REC_ENTRY, PTE = PTSCOPE_LVL_PTE;
	struct pt_line l;

	rtest_header(test, t, 5);
	rtest_vma(test, t, 0, 0x10000, 0x18000, VM_READ | VM_WRITE, 0, NULL);
	/* three contiguous equal entries: one run */
	rtest_entry(test, t, E, PTE, 0x10000, 4096, rw, S(ANON), 0);
	rtest_entry(test, t, E, PTE, 0x11000, 4096, rw, S(ANON), 0);
	rtest_entry(test, t, E, PTE, 0x12000, 4096, rw, S(ANON), 0);
	/* attributes change */
	rtest_entry(test, t, E, PTE, 0x13000, 4096, ro, S(ANON), 0);
	/* not contiguous */
	rtest_entry(test, t, E, PTE, 0x15000, 4096, ro, S(ANON), 0);
	/* kind changes */
	rtest_entry(test, t, E, PTE, 0x16000, 4096, ro, S(FILE), 0);
	/* accessed/dirty/soft-dirty do not split a run */
	rtest_entry(test, t, E, PTE, 0x17000, 4096,
		    ro | F(ACCESSED) | F(DIRTY) | F(SOFT_DIRTY), S(FILE), 0);
	/* a new VMA ends the run even when everything else matches */
	rtest_vma(test, t, 1, 0x18000, 0x800000, VM_READ | VM_WRITE, 0, NULL);
	rtest_entry(test, t, E, PTE, 0x18000, 4096, ro, S(FILE), 1);
	/* 2M leaves, writable and executable */
	rtest_entry(test, t, E, PTSCOPE_LVL_PMD, 0x200000, 0x200000, wx,
		    S(ANON) | S(THP), 1);
	rtest_entry(test, t, E, PTSCOPE_LVL_PMD, 0x400000, 0x200000, wx,
		    S(ANON) | S(THP), 1);
	/* a swap entry */
	rtest_entry(test, t, E, PTE, 0x600000, 4096, 0,
		    S(NONPRESENT) | S(SWAP), 1);
	/* holes are not runs */
	rtest_entry(test, t, PTSCOPE_REC_HOLE, PTE, 0x601000, 0x1ff000, 0, 0,
		    1);
	rtest_end(test, t, 0);
	rtest_lines(test, t);

	KUNIT_ASSERT_EQ(test, t->nr_lines, 7);

	pt_parse(test, t->lines[0], &l);
	KUNIT_EXPECT_EQ(test, l.start, 0x10000ULL);
	KUNIT_EXPECT_EQ(test, l.end, 0x13000ULL);
	KUNIT_EXPECT_STREQ(test, l.size, "12K");
	KUNIT_EXPECT_EQ(test, l.count, 3ULL);
	KUNIT_EXPECT_STREQ(test, l.page, "4K");
	KUNIT_EXPECT_STREQ(test, l.level, "pte");
	KUNIT_EXPECT_TRUE(test, has_word(t->lines[0], "USR"));
	KUNIT_EXPECT_TRUE(test, has_word(t->lines[0], "RW"));
	KUNIT_EXPECT_TRUE(test, has_word(t->lines[0], "NX"));
	KUNIT_EXPECT_FALSE(test, has_word(t->lines[0], "W+X"));
	KUNIT_EXPECT_TRUE(test, has_word(t->lines[0], "anon"));

	pt_parse(test, t->lines[1], &l);
	KUNIT_EXPECT_EQ(test, l.start, 0x13000ULL);
	KUNIT_EXPECT_EQ(test, l.end, 0x14000ULL);
	KUNIT_EXPECT_EQ(test, l.count, 1ULL);
	KUNIT_EXPECT_TRUE(test, has_word(t->lines[1], "ro"));
	KUNIT_EXPECT_FALSE(test, has_word(t->lines[1], "RW"));

	pt_parse(test, t->lines[2], &l);
	KUNIT_EXPECT_EQ(test, l.start, 0x15000ULL);
	KUNIT_EXPECT_EQ(test, l.end, 0x16000ULL);

	pt_parse(test, t->lines[3], &l);
	KUNIT_EXPECT_EQ(test, l.start, 0x16000ULL);
	KUNIT_EXPECT_EQ(test, l.end, 0x18000ULL);
	KUNIT_EXPECT_EQ(test, l.count, 2ULL);
	KUNIT_EXPECT_STREQ(test, l.size, "8K");
	KUNIT_EXPECT_TRUE(test, has_word(t->lines[3], "file"));

	pt_parse(test, t->lines[4], &l);
	KUNIT_EXPECT_EQ(test, l.start, 0x18000ULL);
	KUNIT_EXPECT_EQ(test, l.end, 0x19000ULL);

	pt_parse(test, t->lines[5], &l);
	KUNIT_EXPECT_EQ(test, l.start, 0x200000ULL);
	KUNIT_EXPECT_EQ(test, l.end, 0x600000ULL);
	KUNIT_EXPECT_STREQ(test, l.size, "4M");
	KUNIT_EXPECT_EQ(test, l.count, 2ULL);
	KUNIT_EXPECT_STREQ(test, l.page, "2M");
	KUNIT_EXPECT_STREQ(test, l.level, "pmd");
	KUNIT_EXPECT_TRUE(test, has_word(t->lines[5], "W+X"));
	KUNIT_EXPECT_TRUE(test, has_word(t->lines[5], "PSE"));
	KUNIT_EXPECT_TRUE(test, has_word(t->lines[5], "thp"));

	pt_parse(test, t->lines[6], &l);
	KUNIT_EXPECT_EQ(test, l.start, 0x600000ULL);
	KUNIT_EXPECT_EQ(test, l.end, 0x601000ULL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(t->lines[6], "swap"));
	/* a non-present entry has no rights to show */
	KUNIT_EXPECT_FALSE(test, has_word(t->lines[6], "USR"));
}

/* 512 2M entries are one 1G run; the size is printed in the largest unit */
static void render_pt_sizes_test(struct kunit *test)
{
	struct rtest *t = rtest_new(test, PTSCOPE_VIEW_PT);
	const u64 fl = F(PRESENT) | F(RW) | F(USER) | F(NX) | F(PSE);
	struct pt_line l;
	u64 va;

	rtest_header(test, t, 4);
	rtest_vma(test, t, 0, 0x40000000, 0x80200000, VM_READ, 0, NULL);
	for (va = 0x40000000; va < 0x80000000; va += 0x200000)
		rtest_entry(test, t, PTSCOPE_REC_ENTRY, PTSCOPE_LVL_PMD, va,
			    0x200000, fl, S(ANON) | S(THP), 0);
	rtest_entry(test, t, PTSCOPE_REC_ENTRY, PTSCOPE_LVL_PUD, 0x80000000,
		    0x40000000, fl, S(HUGETLB), 0);
	rtest_end(test, t, 0);
	rtest_lines(test, t);
	KUNIT_ASSERT_EQ(test, t->nr_lines, 2);

	pt_parse(test, t->lines[0], &l);
	KUNIT_EXPECT_EQ(test, l.start, 0x40000000ULL);
	KUNIT_EXPECT_EQ(test, l.end, 0x80000000ULL);
	KUNIT_EXPECT_STREQ(test, l.size, "1G");
	KUNIT_EXPECT_EQ(test, l.count, 512ULL);
	KUNIT_EXPECT_STREQ(test, l.page, "2M");

	pt_parse(test, t->lines[1], &l);
	KUNIT_EXPECT_STREQ(test, l.size, "1G");
	KUNIT_EXPECT_EQ(test, l.count, 1ULL);
	KUNIT_EXPECT_STREQ(test, l.page, "1G");
	KUNIT_EXPECT_STREQ(test, l.level, "pud");
}

/* A stream cut short says so, with the errno, in every text view */
static void render_incomplete_test(struct kunit *test)
{
	static const enum ptscope_view views[] = {
		PTSCOPE_VIEW_VMAS, PTSCOPE_VIEW_PT, PTSCOPE_VIEW_PTES,
		PTSCOPE_VIEW_XLATE, PTSCOPE_VIEW_STATS,
	};
	struct rtest *t;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(views); i++) {
		t = rtest_new(test, views[i]);
		rtest_header(test, t, 4);
		rtest_end(test, t, ESRCH);
		t->tb.buf[t->tb.len] = '\0';
		KUNIT_EXPECT_TRUE_MSG(test, strstr(t->tb.buf, "# incomplete") &&
				      strstr(t->tb.buf, "ESRCH"),
				      "view %s: %s", ptscope_view_name(views[i]),
				      t->tb.buf);

		t = rtest_new(test, views[i]);
		rtest_header(test, t, 4);
		rtest_end(test, t, 0);
		t->tb.buf[t->tb.len] = '\0';
		KUNIT_EXPECT_NULL(test, strstr(t->tb.buf, "incomplete"));
	}
}

static void xlate_level(struct kunit *test, struct rtest *t, u32 level,
			u32 shift, u64 flags, bool leaf, u64 pa)
{
	union ptscope_rec rec = { };

	rec.lvl.type = PTSCOPE_REC_LEVEL;
	rec.lvl.level = level;
	rec.lvl.va = 0x7f0000123abcULL;
	rec.lvl.shift = shift;
	rec.lvl.flags = flags;
	rec.lvl.raw = 0x1000 | (flags & F(PRESENT));
	rec.lvl.present = !!(flags & (F(PRESENT) | F(PROTNONE)));
	rec.lvl.leaf = leaf;
	rec.lvl.pa = pa;
	rtest_feed(test, t, &rec);
}

static const char *find_line(struct rtest *t, const char *prefix)
{
	int i;

	for (i = 0; i < t->nr_lines; i++)
		if (!strncmp(t->lines[i], prefix, strlen(prefix)))
			return t->lines[i];
	return "";
}

/*
 * Effective rights (Intel SDM vol. 3, 4.6): user only if U/S is set at
 * every level, writable only if R/W is set at every level, executable only
 * if no level sets XD/NX.
 */
static void render_xlate_rights_test(struct kunit *test)
{
	const u64 urw = F(PRESENT) | F(RW) | F(USER);
	struct rtest *t;
	const char *eff, *pa;
	u64 pav = 0;
	int n;

	/* R/W clear at the PMD, NX only at the leaf */
	t = rtest_new(test, PTSCOPE_VIEW_XLATE);
	rtest_header(test, t, 4);
	xlate_level(test, t, PTSCOPE_LVL_P4D, 39, urw, false, 0);
	xlate_level(test, t, PTSCOPE_LVL_PUD, 30, urw, false, 0);
	xlate_level(test, t, PTSCOPE_LVL_PMD, 21, F(PRESENT) | F(USER), false,
		    0);
	xlate_level(test, t, PTSCOPE_LVL_PTE, 12, urw | F(NX), true,
		    0x1234abc);
	rtest_end(test, t, 0);
	rtest_lines(test, t);
	eff = find_line(t, "eff");
	KUNIT_EXPECT_TRUE_MSG(test, has_word(eff, "USR"), "%s", eff);
	KUNIT_EXPECT_TRUE_MSG(test, has_word(eff, "ro"), "%s", eff);
	KUNIT_EXPECT_TRUE_MSG(test, has_word(eff, "NX"), "%s", eff);
	pa = find_line(t, "pa");
	n = sscanf(pa, "pa %llx", &pav);
	KUNIT_EXPECT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, pav, 0x1234abcULL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(pa, "4K page"), "%s", pa);
	/* no VMA record came: the view says so */
	KUNIT_EXPECT_NOT_NULL(test, strstr(find_line(t, "vma"), "none"));
	/* one line per level; 4 levels: the top table is named pgd */
	KUNIT_EXPECT_TRUE(test, *find_line(t, "pgd "));
	KUNIT_EXPECT_FALSE(test, *find_line(t, "p4d "));
	KUNIT_EXPECT_TRUE(test, *find_line(t, "pte "));

	/* U/S clear at the top level (5 levels), writable, executable */
	t = rtest_new(test, PTSCOPE_VIEW_XLATE);
	rtest_header(test, t, 5);
	xlate_level(test, t, PTSCOPE_LVL_PGD, 48, F(PRESENT) | F(RW), false, 0);
	xlate_level(test, t, PTSCOPE_LVL_P4D, 39, urw, false, 0);
	xlate_level(test, t, PTSCOPE_LVL_PUD, 30, urw, false, 0);
	xlate_level(test, t, PTSCOPE_LVL_PMD, 21, urw | F(PSE), true,
		    0x40123abc);
	rtest_end(test, t, 0);
	rtest_lines(test, t);
	eff = find_line(t, "eff");
	KUNIT_EXPECT_TRUE_MSG(test, has_word(eff, "kernel"), "%s", eff);
	KUNIT_EXPECT_TRUE_MSG(test, has_word(eff, "RW"), "%s", eff);
	KUNIT_EXPECT_TRUE_MSG(test, has_word(eff, "x"), "%s", eff);
	KUNIT_EXPECT_NOT_NULL(test, strstr(find_line(t, "pa"), "2M page"));
	KUNIT_EXPECT_TRUE(test, *find_line(t, "pgd "));
	KUNIT_EXPECT_TRUE(test, *find_line(t, "p4d "));

	/* stops at a none entry: no pa, no rights */
	t = rtest_new(test, PTSCOPE_VIEW_XLATE);
	rtest_header(test, t, 4);
	xlate_level(test, t, PTSCOPE_LVL_P4D, 39, urw, false, 0);
	{
		union ptscope_rec rec = { };

		rec.lvl.type = PTSCOPE_REC_LEVEL;
		rec.lvl.level = PTSCOPE_LVL_PUD;
		rec.lvl.shift = 30;
		rtest_feed(test, t, &rec);
	}
	rtest_end(test, t, 0);
	rtest_lines(test, t);
	KUNIT_EXPECT_FALSE(test, *find_line(t, "pa"));
	KUNIT_EXPECT_FALSE(test, *find_line(t, "eff"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(find_line(t, "stop"), "pud"));
}

/* ptes: one line per entry, one flag word per PTSCOPE_F_* bit set */
static void render_ptes_test(struct kunit *test)
{
	static const u64 flagsets[] = {
		0, F(PRESENT), F(PRESENT) | F(RW) | F(USER) | F(NX),
		GENMASK_ULL(15, 0) & ~F(PROTNONE), F(PROTNONE) | F(USER),
	};
	struct rtest *t = rtest_new(test, PTSCOPE_VIEW_PTES);
	size_t i;
	int n;

	rtest_header(test, t, 4);
	for (i = 0; i < ARRAY_SIZE(flagsets); i++)
		rtest_entry(test, t, PTSCOPE_REC_ENTRY, PTSCOPE_LVL_PTE,
			    0x1000 * (i + 1), 4096, flagsets[i], S(ANON), 0);
	rtest_end(test, t, 0);
	rtest_lines(test, t);
	KUNIT_ASSERT_EQ(test, t->nr_lines, (int)ARRAY_SIZE(flagsets));

	for (i = 0; i < ARRAY_SIZE(flagsets); i++) {
		char *line = t->lines[i], *tok;
		unsigned long long va;
		int words = 0;

		n = sscanf(line, "0x%llx", &va);
		KUNIT_EXPECT_EQ(test, n, 1);
		KUNIT_EXPECT_EQ(test, va, 0x1000ULL * (i + 1));
		/* VA LEVEL RAW PFN then the flag words up to '|' */
		for (n = 0; (tok = strsep(&line, " ")); ) {
			if (!*tok)
				continue;
			if (!strcmp(tok, "|"))
				break;
			if (++n > 4)
				words++;
		}
		if (!flagsets[i])
			KUNIT_EXPECT_EQ(test, words, 1);	/* "-" */
		else
			KUNIT_EXPECT_EQ(test, words, hweight64(flagsets[i]));
	}
}

/* stats: entries per leaf level, present and not, holes per level */
static void render_stats_test(struct kunit *test)
{
	struct rtest *t = rtest_new(test, PTSCOPE_VIEW_STATS);
	const u64 fl = F(PRESENT) | F(USER);
	const u32 E = PTSCOPE_REC_ENTRY, H = PTSCOPE_REC_HOLE;
	union ptscope_rec st = { };
	unsigned long long a, b, c, total;
	int i, n;

	rtest_header(test, t, 4);
	rtest_vma(test, t, 0, 0, 0x800000, VM_READ, 0, NULL);
	for (i = 0; i < 3; i++)
		rtest_entry(test, t, E, PTSCOPE_LVL_PTE, i * 4096, 4096, fl,
			    S(ANON), 0);
	rtest_entry(test, t, E, PTSCOPE_LVL_PTE, 0x3000, 4096, 0,
		    S(NONPRESENT) | S(SWAP), 0);
	rtest_entry(test, t, H, PTSCOPE_LVL_PTE, 0x4000, 0x1fc000, 0, 0, 0);
	rtest_entry(test, t, E, PTSCOPE_LVL_PMD, 0x200000, 0x200000,
		    fl | F(PSE), S(ANON) | S(THP), 0);
	rtest_entry(test, t, H, PTSCOPE_LVL_PMD, 0x400000, 0x400000, 0, 0, 0);
	rtest_entry(test, t, H, PTSCOPE_LVL_P4D, 0x800000, 0x1000, 0, 0, 0);
	st.st.type = PTSCOPE_REC_STATS;
	st.st.nr_levels = 4;
	st.st.tables[PTSCOPE_LVL_P4D] = 1;
	st.st.tables[PTSCOPE_LVL_PUD] = 1;
	st.st.tables[PTSCOPE_LVL_PMD] = 1;
	st.st.tables[PTSCOPE_LVL_PTE] = 2;
	rtest_feed(test, t, &st);
	rtest_end(test, t, 0);
	rtest_lines(test, t);

	n = sscanf(find_line(t, "  present"), " present %llu %llu %llu",
		   &a, &b, &c);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, a, 0ULL);		/* 1G */
	KUNIT_EXPECT_EQ(test, b, 1ULL);		/* 2M */
	KUNIT_EXPECT_EQ(test, c, 3ULL);		/* 4K */
	n = sscanf(find_line(t, "  non-present"), " non-present %llu %llu %llu",
		   &a, &b, &c);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, a + b, 0ULL);
	KUNIT_EXPECT_EQ(test, c, 1ULL);
	n = sscanf(find_line(t, "  hole records"), " hole records %llu %llu %llu",
		   &a, &b, &c);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, a, 0ULL);
	KUNIT_EXPECT_EQ(test, b, 1ULL);
	KUNIT_EXPECT_EQ(test, c, 1ULL);
	n = sscanf(find_line(t, "  total"), " total %llu", &total);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, total, 5ULL);
	/* 5 tables of 4K */
	KUNIT_EXPECT_TRUE(test, has_word(find_line(t, "  total"), "20K"));
	/* 4 levels: the top table (counted at the P4D level) is the pgd */
	n = sscanf(find_line(t, "  pgd "), " pgd %llu", &a);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, a, 1ULL);
	KUNIT_EXPECT_FALSE(test, *find_line(t, "  p4d "));
	n = sscanf(find_line(t, "  hole records above pud"),
		   " hole records above pud: pgd %llu", &a);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, a, 1ULL);
	KUNIT_EXPECT_FALSE(test, strstr(find_line(t, "  hole records above pud"),
					"p4d"));
}

/* vmas: one line per VMA with its leaves per level; names are bounded */
static void render_vmas_test(struct kunit *test)
{
	struct rtest *t = rtest_new(test, PTSCOPE_VIEW_VMAS);
	const u64 fl = F(PRESENT) | F(USER) | F(RW);
	unsigned long long s, e, p4k, p2m, p1g;
	char name[65], perms[8], *line;
	int n;

	memset(name, 'a', 64);
	name[64] = '\0';
	rtest_header(test, t, 4);
	rtest_vma(test, t, 0, 0x1000, 0x400000, VM_READ | VM_WRITE,
		  PTSCOPE_VMA_HEAP, "[heap]");
	rtest_entry(test, t, PTSCOPE_REC_ENTRY, PTSCOPE_LVL_PTE, 0x1000, 4096,
		    fl, S(ANON), 0);
	rtest_entry(test, t, PTSCOPE_REC_ENTRY, PTSCOPE_LVL_PTE, 0x2000, 4096,
		    fl, S(ANON), 0);
	rtest_entry(test, t, PTSCOPE_REC_ENTRY, PTSCOPE_LVL_PTE, 0x3000, 4096,
		    0, S(NONPRESENT) | S(SWAP), 0);
	rtest_entry(test, t, PTSCOPE_REC_ENTRY, PTSCOPE_LVL_PMD, 0x200000,
		    0x200000, fl | F(PSE), S(ANON) | S(THP), 0);
	/* 64 name bytes, no NUL: exactly 64 printed */
	rtest_vma(test, t, 1, 0x400000, 0x401000, VM_READ | VM_EXEC |
		  VM_MAYSHARE | VM_SHARED, PTSCOPE_VMA_FILE, name);
	rtest_end(test, t, 0);
	rtest_lines(test, t);
	KUNIT_ASSERT_EQ(test, t->nr_lines, 2);

	line = t->lines[0];
	n = sscanf(line, "%llx-%llx %7s", &s, &e, perms);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, s, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, e, 0x400000ULL);
	KUNIT_EXPECT_STREQ(test, perms, "rw-p");
	/* after START-END PERMS OFFSET DEV INODE KIND: 4K 2M 1G */
	n = sscanf(line, "%*s %*s %*s %*s %*s %*s %llu %llu %llu",
		   &p4k, &p2m, &p1g);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, p4k, 2ULL);
	KUNIT_EXPECT_EQ(test, p2m, 1ULL);
	KUNIT_EXPECT_EQ(test, p1g, 0ULL);
	KUNIT_EXPECT_TRUE(test, has_word(line, "[heap]"));

	line = t->lines[1];
	n = sscanf(line, "%llx-%llx %7s", &s, &e, perms);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_STREQ(test, perms, "r-xs");
	KUNIT_EXPECT_TRUE(test, has_word(line, name));
}

/* Worst-case records stay within PTSCOPE_RENDER_MAX each */
static void render_bounded_test(struct kunit *test)
{
	static const enum ptscope_view views[] = {
		PTSCOPE_VIEW_VMAS, PTSCOPE_VIEW_PT, PTSCOPE_VIEW_PTES,
		PTSCOPE_VIEW_XLATE, PTSCOPE_VIEW_STATS,
	};
	struct ptscope_render *r;
	struct ptscope_tbuf tb;
	union ptscope_rec rec;
	size_t i, j;
	char *buf;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	buf = kunit_kmalloc(test, PTSCOPE_RENDER_MAX + 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);

	for (i = 0; i < ARRAY_SIZE(views); i++) {
		ptscope_render_init(r, views[i]);
		/* every record type with every bit set */
		for (j = PTSCOPE_REC_HEADER; j <= PTSCOPE_REC_END; j++) {
			memset(&rec, 0xff, sizeof(rec));
			rec.type = j;
			if (j == PTSCOPE_REC_ENTRY || j == PTSCOPE_REC_HOLE)
				rec.ent.level = PTSCOPE_LVL_PTE;
			if (j == PTSCOPE_REC_LEVEL) {
				rec.lvl.level = PTSCOPE_LVL_PMD;
				rec.lvl.shift = 21;
			}
			memset(buf, 0x5a, PTSCOPE_RENDER_MAX + 64);
			tb.buf = buf;
			tb.len = 0;
			tb.cap = PTSCOPE_RENDER_MAX;
			ptscope_render_rec(r, &rec, &tb);
			KUNIT_EXPECT_LT(test, tb.len, tb.cap);
			KUNIT_EXPECT_EQ(test, buf[PTSCOPE_RENDER_MAX], (char)0x5a);
			KUNIT_EXPECT_EQ(test, buf[PTSCOPE_RENDER_MAX + 63],
					(char)0x5a);
		}
	}
}

static struct kunit_case render_test_cases[] = {
	KUNIT_CASE(render_pt_runs_test),
	KUNIT_CASE(render_pt_sizes_test),
	KUNIT_CASE(render_incomplete_test),
	KUNIT_CASE(render_xlate_rights_test),
	KUNIT_CASE(render_ptes_test),
	KUNIT_CASE(render_stats_test),
	KUNIT_CASE(render_vmas_test),
	KUNIT_CASE(render_bounded_test),
	{}
};

static struct kunit_suite render_test_suite = {
	.name = "ptscope_render",
	.test_cases = render_test_cases,
};

kunit_test_suite(render_test_suite);
