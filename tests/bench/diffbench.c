// SPDX-License-Identifier: GPL-2.0
/*
 * diffbench - how fast "ptscope diff" compares two large snapshots.
 *
 *   diffbench [-n ENTRIES] [-k] [PTSCOPE]
 *
 * Writes two snapshot files (ptscope(8), SNAPSHOT FORMAT, version 1) of
 * about ENTRIES entries each (default 1000000) into $TMPDIR: anonymous
 * VMAs of 1024 pages, and between A and B a realistic mix of changes
 * whose number the generator counts itself: frames remapped (1%), pages
 * gone (0.5%), swapped out (0.5%), holes filled, swap entries swapped in,
 * 2M ranges collapsed into a THP and THPs split, and mappings removed,
 * added, moved (same vm_pgoff), resized and mprotect()ed.  Then it runs
 * PTSCOPE (default ../../tools/ptscope) as "diff A B" with its output
 * to /dev/null, measured with clock_gettime(CLOCK_MONOTONIC) and
 * wait4()'s ru_maxrss, and once more with "-J --summary" to read the
 * number of differences it found.  Prints one JSON object:
 *   {"entries": N (A's), "entries_b": N, "seconds": S (wall),
 *    "cpu_seconds": C (user + system), "peak_rss_kib": K,
 *    "differences": D, "expected_differences": E, "file_bytes": B (A's),
 *    "exit_status": 1}
 * and exits 1 when D != E or the diff did not exit with status 1
 * (differences found).  -k keeps the files.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGES		1024ULL			/* pages per VMA */
#define PG		4096ULL
#define BASE		0x7f0000000000ULL
#define STRIDE		(16ULL << 20)		/* one VMA per 16M */
#define MOVED_BASE	0x500000000000ULL
#define PFN_A		0x100000ULL
#define ST_ANON		1ULL			/* PTSCOPE_S_ANON */
#define ST_THP		(1ULL << 6)		/* PTSCOPE_S_THP */
#define ST_SWAP		((1ULL << 11) | (1ULL << 20))	/* SWAP | NONPRESENT */
#define F_PRESENT	1ULL
#define F_RW		2ULL

/* a page's fate between A and B, from a fixed hash */
static uint64_t hash(uint64_t v, uint64_t i)
{
	uint64_t x = v * 0x9e3779b97f4a7c15ULL ^ (i + 1) * 0xbf58476d1ce4e5b9ULL;

	x ^= x >> 31;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 29);
}

enum { P_NONE, P_PRESENT, P_SWAP };

struct gen {
	FILE *a, *b;
	unsigned long na, nb;		/* entries written */
	unsigned long expected;
	int first_a, first_b;
};

static void ent(FILE *f, unsigned long *n, uint64_t va, uint64_t size,
		int level, int kind, uint64_t pfn, uint64_t swoff)
{
	if (kind == P_PRESENT)
		fprintf(f, "%s\n[%" PRIu64 ",%" PRIu64 ",%d,0,%" PRIu64 ",%llu,%llu,1,1,%d,0,0]",
			*n ? "," : "", va, size, level, pfn,
			F_PRESENT | F_RW, ST_ANON | (size > PG ? ST_THP : 0),
			size > PG ? 9 : 0);
	else
		fprintf(f, "%s\n[%" PRIu64 ",%" PRIu64 ",4,1,0,0,%llu,0,0,0,0,%" PRIu64 "]",
			*n ? "," : "", va, size, ST_SWAP, swoff);
	(*n)++;
}

static void head(FILE *f, int which)
{
	fprintf(f, "{\"format\":\"ptscope-snapshot\",\"version\":1,\n"
		"\"pid\":%d,\"comm\":\"diffbench\",\"kernel\":\"synthetic\",\"time\":\"1970-01-01T00:00:0%dZ\",\"time_ns\":%d,\"source\":\"module\",\n"
		"\"pgtable_levels\":4,\"page_shift\":12,\"virt_bits\":47,\"phys_bits\":46,\"task_size\":140737488351232,\"max_pfn\":0,\"features\":4,\n"
		"\"start\":0,\"end\":140737488351232,\"flags_known\":65535,\"known\":[\"level\",\"mapcount\",\"refcount\",\"pfn\",\"vmflags\"],\"notes\":[],\n"
		"\"vma_fields\":[\"start\",\"end\",\"perms\",\"vm_flags\",\"flags\",\"pgoff\",\"dev_major\",\"dev_minor\",\"ino\",\"kind\",\"page_size\",\"name\"],\n"
		"\"vmas\":[",
		1000 + which, which, which);
}

static void vma(FILE *f, int *first, uint64_t start, uint64_t end,
		const char *perms, uint64_t pgoff)
{
	fprintf(f, "%s\n[%" PRIu64 ",%" PRIu64 ",\"%s\",%d,\"\",%" PRIu64 ",0,0,0,\"anon\",4096,\"\"]",
		*first ? "" : ",", start, end, perms,
		perms[1] == 'w' ? 0x73 : 0x71, pgoff);
	*first = 0;
}

/* the fate of VMA @v: 0 normal, else one of these */
enum { V_SAME, V_REMOVED, V_ADDED_AFTER, V_PERMS, V_RESIZED, V_MOVED };

static int vfate(unsigned long v)
{
	switch (v % 100) {
	case 1:
		return V_REMOVED;
	case 2:
		return V_ADDED_AFTER;
	case 3:
		return V_PERMS;
	case 4:
		return V_RESIZED;
	case 7:
		return V_MOVED;
	default:
		return V_SAME;
	}
}

static uint64_t vstart(unsigned long v)
{
	return BASE + v * STRIDE;
}

static void gen_vmas(struct gen *g, unsigned long nv)
{
	uint64_t s;
	unsigned long v;
	int fa = 1, fb = 1;

	/* B's moved VMAs sit below all others, so address order holds */
	for (v = 0; v < nv; v++)
		if (vfate(v) == V_MOVED)
			vma(g->b, &fb, MOVED_BASE + v * STRIDE,
			    MOVED_BASE + v * STRIDE + PAGES * PG, "rw-p",
			    vstart(v) / PG);
	for (v = 0; v < nv; v++) {
		s = vstart(v);
		vma(g->a, &fa, s, s + PAGES * PG, "rw-p", s / PG);
		switch (vfate(v)) {
		case V_REMOVED:
		case V_MOVED:
			g->expected++;
			break;
		case V_PERMS:
			vma(g->b, &fb, s, s + PAGES * PG, "r--p", s / PG);
			g->expected++;
			break;
		case V_RESIZED:
			vma(g->b, &fb, s, s + PAGES * PG + (1 << 20), "rw-p",
			    s / PG);
			g->expected++;
			break;
		case V_ADDED_AFTER:
			vma(g->b, &fb, s, s + PAGES * PG, "rw-p", s / PG);
			vma(g->b, &fb, s + 2 * PAGES * PG, s + 3 * PAGES * PG,
			    "rw-p", (s + 2 * PAGES * PG) / PG);
			g->expected++;
			break;
		default:
			vma(g->b, &fb, s, s + PAGES * PG, "rw-p", s / PG);
		}
	}
}

/* the pages of VMA @v at @s in A, and in B at @sb (0: not in B) */
static void gen_pages(struct gen *g, unsigned long v, uint64_t sa,
		      uint64_t sb, int cmp)
{
	uint64_t i, h, pfn, va, pa = PFN_A + v * PAGES, swoff = v * PAGES;
	int thp_a = v % 10 == 5, thp_b = v % 10 == 0;

	for (i = 0; i < PAGES; i++) {
		va = sa + i * PG;
		pfn = pa + i;
		h = hash(v, i) % 1000;
		/* a 2M THP leaf in A at pages 512..1023 (split in B) */
		if (thp_a && i == 512) {
			ent(g->a, &g->na, va, 512 * PG, 3, P_PRESENT, pfn, 0);
			if (sb) {
				for (; i < PAGES; i++)
					ent(g->b, &g->nb, sb + i * PG, PG, 4,
					    P_PRESENT, pa + i, 0);
				g->expected += cmp;
			}
			break;
		}
		/* pages 0..511 collapsed into one 2M leaf in B */
		if (thp_b && i < 512) {
			ent(g->a, &g->na, va, PG, 4, P_PRESENT, pfn, 0);
			if (sb && i == 0) {
				ent(g->b, &g->nb, sb, 512 * PG, 3, P_PRESENT,
				    pa + (1ULL << 32), 0);
				g->expected += cmp;
			}
			continue;
		}
		if (i % 64 == 63) {		/* a hole in A */
			if (sb && h < 500) {
				ent(g->b, &g->nb, sb + i * PG, PG, 4,
				    P_PRESENT, pfn, 0);
				g->expected += cmp;
			}
			continue;
		}
		if (i % 64 == 31) {		/* a swap entry in A */
			ent(g->a, &g->na, va, PG, 4, P_SWAP, 0, swoff + i);
			if (!sb)
				continue;
			if (h < 300) {
				ent(g->b, &g->nb, sb + i * PG, PG, 4,
				    P_PRESENT, pfn, 0);
				g->expected += cmp;
			} else {
				ent(g->b, &g->nb, sb + i * PG, PG, 4, P_SWAP,
				    0, swoff + i);
			}
			continue;
		}
		ent(g->a, &g->na, va, PG, 4, P_PRESENT, pfn, 0);
		if (!sb)
			continue;
		if (h < 10) {			/* remapped */
			ent(g->b, &g->nb, sb + i * PG, PG, 4, P_PRESENT,
			    pfn + (1ULL << 32), 0);
			g->expected += cmp;
		} else if (h < 15) {		/* gone */
			g->expected += cmp;
		} else if (h < 20) {		/* swapped out */
			ent(g->b, &g->nb, sb + i * PG, PG, 4, P_SWAP, 0,
			    (1ULL << 30) + swoff + i);
			g->expected += cmp;
		} else {
			ent(g->b, &g->nb, sb + i * PG, PG, 4, P_PRESENT, pfn,
			    0);
		}
	}
}

static void gen_entries(struct gen *g, unsigned long nv)
{
	unsigned long v;
	uint64_t s;

	fprintf(g->a, "\n],\n\"entry_fields\":[\"va\",\"size\",\"level\",\"type\",\"pfn\",\"flags\",\"state\",\"mapcount\",\"refcount\",\"folio_order\",\"swap_type\",\"swap_offset\"],\n\"entries\":[");
	fprintf(g->b, "\n],\n\"entry_fields\":[\"va\",\"size\",\"level\",\"type\",\"pfn\",\"flags\",\"state\",\"mapcount\",\"refcount\",\"folio_order\",\"swap_type\",\"swap_offset\"],\n\"entries\":[");
	/* B's moved VMAs first (lowest addresses): the same pages */
	for (v = 0; v < nv; v++) {
		if (vfate(v) != V_MOVED)
			continue;
		s = MOVED_BASE + v * STRIDE;
		/* A's side is written with the rest below; here B only */
		{
			FILE *save = g->a;
			unsigned long na = g->na;

			g->a = fopen("/dev/null", "w");
			gen_pages(g, v, vstart(v), s, 0);
			fclose(g->a);
			g->a = save;
			g->na = na;
		}
	}
	for (v = 0; v < nv; v++) {
		s = vstart(v);
		switch (vfate(v)) {
		case V_REMOVED:
		case V_MOVED:
			gen_pages(g, v, s, 0, 0);
			break;
		default:
			gen_pages(g, v, s, s, 1);
		}
	}
	fputs("\n]}\n", g->a);
	fputs("\n]}\n", g->b);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* run PTSCOPE ARGS with stdout to @out_fd; status, time, max RSS */
static int run(char *const argv[], int out_fd, double *secs, long *rss_kib,
	       double *cpu)
{
	struct rusage ru;
	double t0 = now();
	int st;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(out_fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid)
		return -1;
	*secs = now() - t0;
	*rss_kib = ru.ru_maxrss;
	*cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	const char *bin = "../../tools/ptscope";
	unsigned long target = 1000000, nv;
	char pa[4096], pb[4096], buf[4096];
	double secs, secs2, cpu, cpu2;
	long rss, rss2, diffs = -1;
	struct gen g = { 0 };
	struct stat sa, sb;
	int keep = 0, c, st, p[2], null;
	ssize_t n;
	size_t len = 0;

	while ((c = getopt(argc, argv, "n:k")) != -1) {
		if (c == 'n')
			target = strtoul(optarg, NULL, 0);
		else if (c == 'k')
			keep = 1;
		else
			return 2;
	}
	if (optind < argc)
		bin = argv[optind];
	if (access(bin, X_OK)) {
		fprintf(stderr, "diffbench: %s: %s\n", bin, strerror(errno));
		return 2;
	}
	/*
	 * about 1000 entries per VMA (holes every 64th page, THPs, VMAs
	 * removed, moved): 950 per VMA is a safe floor for both files
	 */
	nv = target / 950 + 1;

	snprintf(pa, sizeof(pa), "%s/diffbench-a.%d.json", tmp, (int)getpid());
	snprintf(pb, sizeof(pb), "%s/diffbench-b.%d.json", tmp, (int)getpid());
	g.a = fopen(pa, "w");
	g.b = fopen(pb, "w");
	if (!g.a || !g.b) {
		fprintf(stderr, "diffbench: %s: %s\n", tmp, strerror(errno));
		return 2;
	}
	head(g.a, 1);
	head(g.b, 2);
	gen_vmas(&g, nv);
	gen_entries(&g, nv);
	if (fclose(g.a) || fclose(g.b)) {
		fprintf(stderr, "diffbench: writing the snapshots: %s\n",
			strerror(errno));
		return 2;
	}
	stat(pa, &sa);
	stat(pb, &sb);

	null = open("/dev/null", O_WRONLY);
	{
		char *args[] = { (char *)bin, "diff", pa, pb, NULL };

		st = run(args, null, &secs, &rss, &cpu);
	}
	{
		char *args[] = { (char *)bin, "-J", "diff", "--summary", pa, pb,
				 NULL };

		if (pipe(p))
			return 2;
		/* the summary is small: it fits the pipe */
		run(args, p[1], &secs2, &rss2, &cpu2);
		close(p[1]);
		while ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
			len += n;
		buf[len] = '\0';
		close(p[0]);
		if (strstr(buf, "\"differences\":"))
			diffs = strtol(strstr(buf, "\"differences\":") + 14,
				       NULL, 10);
	}
	printf("{\"entries\":%lu,\"entries_b\":%lu,\"seconds\":%.3f,\"cpu_seconds\":%.3f,\"peak_rss_kib\":%ld,\"differences\":%ld,\"expected_differences\":%lu,\"file_bytes\":%lld,\"exit_status\":%d}\n",
	       g.na, g.nb, secs, cpu, rss, diffs, g.expected,
	       (long long)sa.st_size, st);
	if (!keep) {
		unlink(pa);
		unlink(pb);
	}
	return st == 1 && diffs == (long)g.expected ? 0 : 1;
}
