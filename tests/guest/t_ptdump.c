// SPDX-License-Identifier: GPL-2.0
/*
 * t_ptdump - ptscope's view of this process against the kernel's own
 * page-table dump of it, /sys/kernel/debug/page_tables/current_user
 * (CONFIG_PTDUMP_DEBUGFS, arch/x86/mm/dump_pagetables.c: the reading
 * process's user page tables, runs of equal entries, each line
 * "0xSTART-0xEND SIZE [USR] RW|ro [PWT] [PCD] [PSE] [PAT] [GLB] NX|x LEVEL",
 * blanks instead of the attributes when not present).
 *
 * The process builds regions of known state: anonymous read-write pages
 * written and left untouched, a read-only region read (the zero page), a
 * writable-and-executable region, a THP candidate (2M aligned,
 * MADV_HUGEPAGE, written) and its own text page.  It reads the dump first
 * (into a buffer faulted in beforehand, so the read changes no page table
 * of the regions), then ptscope's record stream of each region, and
 * compares them page by page: present in one iff present in the other, the
 * same level (pte/pmd/pud, or the level where the walk found nothing), and
 * the same USR, RW, PWT, PCD, PSE, PAT, GLB and NX bits.
 *
 * Skipped, with the reason, when the kernel has no current_user file
 * (Debian's kernels: CONFIG_PTDUMP_DEBUGFS is not set); the debug kernel
 * (tests/vm/debug-kernel) has it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libproc.h"
#include "libpts.h"
#include "tap.h"

#define PTDUMP		"/sys/kernel/debug/page_tables/current_user"
#define DUMP_MAX	(16 << 20)
#define MAX_LINES	65536
#define MB2		(2ULL << 20)

/* the attributes a dump line can show */
enum {
	A_USR = 1 << 0, A_RW = 1 << 1, A_PWT = 1 << 2, A_PCD = 1 << 3,
	A_PSE = 1 << 4, A_PAT = 1 << 5, A_GLB = 1 << 6, A_NX = 1 << 7,
};

struct dline {
	uint64_t start, end;
	int present;
	unsigned int attrs;
	char level[8];
};

static char dump[DUMP_MAX];
static struct dline lines[MAX_LINES];
static size_t nr_lines;

static const char * const level_names[PTSCOPE_NR_LEVELS] = {
	"pgd", "p4d", "pud", "pmd", "pte",
};

/* Read the whole dump; 0, or -errno.  The buffer was touched before. */
static int dump_read(size_t *len)
{
	int fd = open(PTDUMP, O_RDONLY);
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	*len = 0;
	while (*len < DUMP_MAX - 1 &&
	       (n = read(fd, dump + *len, DUMP_MAX - 1 - *len)) > 0)
		*len += n;
	n = n < 0 ? -errno : 0;
	close(fd);
	dump[*len] = '\0';
	return n;
}

/* The User Space section into lines[]; -EPROTO on anything unexpected */
static int dump_parse(char *why, size_t whylen)
{
	char *save = NULL, *l;
	int in_user = 0;

	nr_lines = 0;
	for (l = strtok_r(dump, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct dline *d;
		char *tok, *s2 = NULL;
		unsigned long long a, b;
		int i = 0;

		if (!strncmp(l, "---[ ", 5)) {
			if (in_user)
				return 0;	/* the next section */
			in_user = !strncmp(l, "---[ User Space ]---", 20);
			continue;
		}
		if (!in_user)
			continue;
		if (sscanf(l, "0x%llx-0x%llx", &a, &b) != 2 || a >= b) {
			snprintf(why, whylen, "unparsable line '%s'", l);
			return -EPROTO;
		}
		if (nr_lines == MAX_LINES) {
			snprintf(why, whylen, "more than %d lines", MAX_LINES);
			return -EPROTO;
		}
		d = &lines[nr_lines++];
		memset(d, 0, sizeof(*d));
		d->start = a;
		d->end = b;
		for (tok = strtok_r(l, " ", &s2); tok; tok = strtok_r(NULL, " ", &s2), i++) {
			if (i < 2)
				continue;	/* range, size */
			if (!strcmp(tok, "USR"))
				d->attrs |= A_USR;
			else if (!strcmp(tok, "RW"))
				d->attrs |= A_RW, d->present = 1;
			else if (!strcmp(tok, "ro"))
				d->present = 1;
			else if (!strcmp(tok, "PWT"))
				d->attrs |= A_PWT;
			else if (!strcmp(tok, "PCD"))
				d->attrs |= A_PCD;
			else if (!strcmp(tok, "PSE"))
				d->attrs |= A_PSE;
			else if (!strcmp(tok, "PAT"))
				d->attrs |= A_PAT;
			else if (!strcmp(tok, "GLB"))
				d->attrs |= A_GLB;
			else if (!strcmp(tok, "NX"))
				d->attrs |= A_NX;
			else if (!strcmp(tok, "x"))
				;
			else
				snprintf(d->level, sizeof(d->level), "%s", tok);
		}
		if (!d->level[0]) {
			snprintf(why, whylen, "no level in line %zu", nr_lines);
			return -EPROTO;
		}
	}
	snprintf(why, whylen, in_user ? "no section after User Space" :
		 "no User Space section");
	return -EPROTO;
}

static const struct dline *dump_find(uint64_t va)
{
	size_t lo = 0, hi = nr_lines;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (lines[mid].end <= va)
			lo = mid + 1;
		else if (lines[mid].start > va)
			hi = mid;
		else
			return &lines[mid];
	}
	return NULL;
}

/* ptscope's flags as the dump shows them (PSE only above the PTE level) */
static unsigned int pts_attrs(const struct ptscope_rec_entry *e)
{
	unsigned int a = 0;

	a |= (e->flags & PTSCOPE_F_USER) ? A_USR : 0;
	a |= (e->flags & PTSCOPE_F_RW) ? A_RW : 0;
	a |= (e->flags & PTSCOPE_F_PWT) ? A_PWT : 0;
	a |= (e->flags & PTSCOPE_F_PCD) ? A_PCD : 0;
	a |= (e->flags & PTSCOPE_F_PSE) ? A_PSE : 0;
	a |= (e->flags & PTSCOPE_F_PAT) ? A_PAT : 0;
	a |= (e->flags & PTSCOPE_F_GLOBAL) ? A_GLB : 0;
	a |= (e->flags & PTSCOPE_F_NX) ? A_NX : 0;
	return a;
}

struct region {
	const char *name;
	uint64_t start, end;
	struct pts_stream st;
	int query_err;
};

/*
 * Every page of @r in both views: returns the number of disagreements and
 * describes the first; *present counts the pages both show present, *huge
 * those mapped above the PTE level.
 */
static int region_compare(struct region *r, char *why, size_t whylen,
			  size_t *present, size_t *huge)
{
	int bad = 0;
	size_t i = 0;
	uint64_t va;

	*present = *huge = 0;
	for (va = r->start; va < r->end; va += PG_SIZE) {
		const struct ptscope_rec_entry *e = NULL;
		const struct dline *d = dump_find(va);
		const char *lvl;
		int p_present;

		/* the record covering va (records are in address order) */
		for (; i < r->st.nr; i++) {
			const union pts_rec *rec = &r->st.rec[i];

			if (rec->type != PTSCOPE_REC_ENTRY &&
			    rec->type != PTSCOPE_REC_HOLE)
				continue;
			if (rec->ent.va + rec->ent.size <= va)
				continue;
			if (rec->ent.va <= va)
				e = &rec->ent;
			break;
		}
		if (!d || !e) {
			if (!bad++)
				snprintf(why, whylen, "0x%" PRIx64 ": %s has no line for it",
					 va, d ? "ptscope" : "the dump");
			continue;
		}
		p_present = e->type == PTSCOPE_REC_ENTRY &&
			    (e->flags & PTSCOPE_F_PRESENT);
		lvl = e->level < PTSCOPE_NR_LEVELS ? level_names[e->level] : "?";
		if (p_present != d->present || strcmp(lvl, d->level) ||
		    (p_present && pts_attrs(e) != d->attrs)) {
			if (!bad++)
				snprintf(why, whylen,
					 "0x%" PRIx64 ": ptscope %s %s attrs 0x%x, dump %s %s attrs 0x%x (0x%" PRIx64 "-0x%" PRIx64 ")",
					 va, p_present ? "present" : "not present", lvl,
					 p_present ? pts_attrs(e) : 0,
					 d->present ? "present" : "not present",
					 d->level, d->attrs, d->start, d->end);
			continue;
		}
		if (p_present) {
			(*present)++;
			if (e->level != PTSCOPE_LVL_PTE)
				(*huge)++;
		}
	}
	return bad;
}

static void add_region(struct region *reg, size_t *nreg, const char *name,
		       const void *start, uint64_t len)
{
	struct region *r = &reg[(*nreg)++];

	memset(r, 0, sizeof(*r));
	r->name = name;
	r->start = (uintptr_t)start;
	r->end = r->start + len;
}

static void *map_aligned(size_t len, size_t align, int prot)
{
	uint8_t *p = mmap(NULL, len + align, prot,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((void *)(a + len), (uintptr_t)p + align - a);
	return (void *)a;
}

int main(void)
{
	struct region reg[5];
	volatile uint8_t sink = 0;
	size_t nreg = 0, len = 0, i, present, huge;
	uint8_t *rw, *ro, *rwx, *thp;
	char why[512];
	int err;

	tap_init();
	if (access(PTDUMP, R_OK)) {
		tap_skip("no " PTDUMP " (kernel without CONFIG_PTDUMP_DEBUGFS; the debug kernel has it)",
			 "ptscope agrees with the kernel's page-table dump");
		return tap_done();
	}

	/* the regions */
	rw = map_aligned(16 * PG_SIZE, PG_SIZE, PROT_READ | PROT_WRITE);
	ro = map_aligned(8 * PG_SIZE, PG_SIZE, PROT_READ);
	rwx = map_aligned(4 * PG_SIZE, PG_SIZE,
			  PROT_READ | PROT_WRITE | PROT_EXEC);
	thp = map_aligned(MB2, MB2, PROT_READ | PROT_WRITE);
	if (!tap_ok(rw && ro && rwx && thp, "mmap the regions"))
		return tap_done();
	for (i = 0; i < 12; i++)		/* 12 written, 4 untouched */
		rw[i * PG_SIZE] = 1;
	for (i = 0; i < 8; i += 2)		/* every other page read */
		sink += ro[i * PG_SIZE];
	rwx[0] = 0xc3;				/* written, executable */
	if (madvise(thp, MB2, MADV_HUGEPAGE))
		tap_diag("madvise(MADV_HUGEPAGE): %s", strerror(errno));
	thp[0] = 1;
	(void)sink;

	add_region(reg, &nreg, "anon rw, written and untouched", rw, 16 * PG_SIZE);
	add_region(reg, &nreg, "anon read-only, zero page", ro, 8 * PG_SIZE);
	add_region(reg, &nreg, "anon rwx", rwx, 4 * PG_SIZE);
	add_region(reg, &nreg, "THP candidate (2M, MADV_HUGEPAGE)", thp, MB2);
	add_region(reg, &nreg, "own text page",
		   (void *)((uintptr_t)main & ~(PG_SIZE - 1)), PG_SIZE);

	/* fault the dump buffer in, then read the dump: nothing above moves */
	memset(dump, 0, sizeof(dump));
	memset(lines, 0, sizeof(lines));
	err = dump_read(&len);
	if (!tap_ok(!err, "read " PTDUMP " (%zu bytes)", len)) {
		tap_diag("read: %s", strerror(-err));
		return tap_done();
	}
	err = dump_parse(why, sizeof(why));
	if (!tap_ok(!err, "parse its User Space section (%zu lines)", nr_lines)) {
		tap_diag("%s", why);
		return tap_done();
	}

	/* then ptscope's view of the same regions */
	for (i = 0; i < nreg; i++) {
		char q[128];

		snprintf(q, sizeof(q), "pid=%d start=0x%" PRIx64 " end=0x%" PRIx64,
			 (int)getpid(), reg[i].start, reg[i].end);
		reg[i].query_err = pts_query_stream(q, &reg[i].st);
	}

	for (i = 0; i < nreg; i++) {
		struct region *r = &reg[i];
		int bad;

		if (!tap_ok(!r->query_err && r->st.end >= 0 && !r->st.read_err,
			    "%s: ptscope stream complete", r->name)) {
			tap_diag("query %d, read %d", r->query_err, r->st.read_err);
			continue;
		}
		bad = region_compare(r, why, sizeof(why), &present, &huge);
		if (!tap_ok(!bad, "%s: ptscope agrees with the dump on all %" PRIu64 " pages (%zu present, %zu in huge leaves)",
			    r->name, (r->end - r->start) / PG_SIZE, present, huge))
			tap_diag("%d pages differ; first: %s", bad, why);

		/* what the regions were built to show */
		switch (i) {
		case 0:
			tap_ok(present == 12, "%s: the 12 written pages are present, the 4 others not (%zu present)",
			       r->name, present);
			break;
		case 1:
			tap_ok(present == 4, "%s: the 4 read pages are present (%zu)",
			       r->name, present);
			break;
		case 3:
			if (huge)
				tap_ok(huge == MB2 / PG_SIZE,
				       "%s: one 2M leaf in both views", r->name);
			else
				tap_skip("the write fault got no THP", "%s: one 2M leaf in both views",
					 r->name);
			break;
		}
	}
	/* the dump itself: the rwx page is writable and executable */
	{
		const struct dline *d = dump_find((uintptr_t)rwx);

		tap_ok(d && d->present && (d->attrs & A_RW) && !(d->attrs & A_NX),
		       "the dump shows the rwx page writable and executable");
	}

	for (i = 0; i < nreg; i++)
		pts_stream_free(&reg[i].st);
	return tap_done();
}
