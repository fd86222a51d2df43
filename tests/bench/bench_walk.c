// SPDX-License-Identifier: GPL-2.0
/*
 * bench_walk - the guest half of `make bench` (tests/bench/README.md).
 *
 * Targets with 4K-populated regions (default 256M, 1G, 2G), a THP-backed
 * region and a sparse one are walked, in one run and interleaved
 * (A, B, C, D, A, B, C, D, ...), through:
 *   records   ptscope's binary stream (query view=records), large reads
 *   frames    ptscope's frames view (query view=frames, 8 bytes a page)
 *   pagemap   /proc/PID/pagemap for the same range, large preads
 *   smaps     /proc/PID/smaps, the whole file
 *   ptes      ptscope's text entry view (query view=ptes)
 * then the biggest 4K target's own mmap/touch/munmap loop is timed while
 * idle, while ptscope walks it and while pagemap is read, and kernel
 * memory (Slab + VmallocUsed) is sampled during walks of the smallest and
 * the biggest 4K target.  Before any timing, every target's frames are
 * compared page by page between ptscope and pagemap.
 *
 * Output: TAP lines for what must hold (frames equal, answers complete),
 * the result table as "# " lines, and the results as one JSON object on a
 * line starting "BENCH-JSON ".  Missed performance targets are reported,
 * not failed: the numbers are the result.
 *
 *   bench_walk [--sizes 256M,1G,2G] [--thp 1G] [--sparse 8G] [--stride 2M]
 *              [--reps N] [--stall-secs S] [--rounds N] [--mem-rounds N]
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_TARGETS	8
#define MAX_REPS	15
#define MAX_ROUNDS	9
#define RW_BUF		(4u << 20)	/* read() size of every walk */
#define MEM_BUF		(1u << 20)	/* read() size of the memory walk */
#define SMAPS_BUF	(4u << 20)

enum { M_REC, M_PM, M_SMAPS, M_PTES, M_PT, M_FR, NR_M };
static const char *const m_name[NR_M] = {
	"records", "pagemap", "smaps", "ptes", "pt", "frames",
};

enum { R_BIN_PM, R_BIN_SMAPS, R_TXT_SMAPS, R_PT_SMAPS, R_FR_PM, NR_R };
static const char *const r_name[NR_R] = {
	"records_vs_pagemap", "records_vs_smaps", "ptes_vs_smaps_per_mapped_page",
	"pt_vs_smaps_per_mapped_page", "frames_vs_pagemap",
};

struct spread {
	double med, min, max;
};

struct tres {
	struct bench_target t;
	struct bench_check chk;
	struct bench_smaps_vma sm;
	double sec[NR_M][MAX_REPS];
	uint64_t bytes[NR_M];
	int complete[NR_M];
	struct spread s_sec[NR_M];
	double rate[NR_M];	/* pages/s from median times, see below */
	double ratio[NR_R][MAX_REPS];
	struct spread s_ratio[NR_R];
	double best[NR_R];	/* the same ratio from the fastest of each */
	int measured;
};

enum { P_IDLE, P_PTSCOPE, P_PAGEMAP, NR_P };
static const char *const p_name[NR_P] = { "idle", "ptscope", "pagemap" };

struct phase {
	uint64_t *lat;
	size_t n;
	uint64_t round_worst[MAX_ROUNDS];
	uint64_t walks;
	double walk_sec;
	uint64_t p50, p99, p999, worst;
};

struct memres {
	int64_t delta[2][MAX_ROUNDS];	/* [small, big] peak - base, KiB */
	int64_t after[2][MAX_ROUNDS];
	int64_t free_drop[2][MAX_ROUNDS];
	uint64_t samples[2][MAX_ROUNDS];
	int complete;
	int64_t text_delta;	/* the small target through view=ptes */
	double med[2];
	int64_t growth;
	int flat;
};

static struct opts {
	uint64_t sizes[4];
	int nsizes;
	uint64_t thp, sparse, stride;
	int reps, rounds, mem_rounds;
	double stall_secs;
} o = {
	.sizes = { 256ULL << 20, 1ULL << 30, 2ULL << 30 },
	.nsizes = 3,
	.thp = 1ULL << 30,
	.sparse = 8ULL << 30,
	.stride = 2ULL << 20,
	.reps = 5,
	.rounds = 3,
	.mem_rounds = 3,
	.stall_secs = 3,
};

static int tap_n, tap_fail;
static char *rbuf, *tbuf, *sbuf, *mbuf;
static uint64_t *pmbuf;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_fail++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 10);

	switch (*end) {
	case 'G': case 'g':
		return v << 30;
	case 'M': case 'm':
		return v << 20;
	case 'K': case 'k':
		return v << 10;
	case 0: case ',':
		return v;
	}
	return 0;
}

static const char *size_str(uint64_t b, char *buf, size_t n)
{
	if (b >= (1ULL << 30) && !(b & ((1ULL << 30) - 1)))
		snprintf(buf, n, "%" PRIu64 "G", b >> 30);
	else
		snprintf(buf, n, "%" PRIu64 "M", b >> 20);
	return buf;
}

static struct spread spread_of(const double *v, int n)
{
	double tmp[MAX_REPS * MAX_ROUNDS];
	struct spread s = { 0, 0, 0 };
	int i;

	if (n <= 0)
		return s;
	memcpy(tmp, v, sizeof(*v) * (size_t)n);
	s.med = bench_median(tmp, (size_t)n);
	s.min = tmp[0];
	s.max = tmp[n - 1];
	for (i = 0; i < n; i++) {
		if (v[i] < s.min)
			s.min = v[i];
		if (v[i] > s.max)
			s.max = v[i];
	}
	return s;
}

static void *big_buf(size_t n)
{
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, n);
	return p;
}

/* Item 1 and 2 for one target: check frames, then time the four walks. */
static void measure(struct tres *r)
{
	struct bench_target *t = &r->t;
	struct bench_walk w;
	int rep, m, err;
	double smaps_pages, smaps_rss;

	err = bench_check_frames(t->pid, t->start, t->end, rbuf, RW_BUF, pmbuf,
				 &r->chk);
	ok(!err && r->chk.complete && !r->chk.mismatch &&
	   r->chk.equal == r->chk.pm_present && r->chk.pm_present >= t->mapped,
	   "%s: ptscope's frames equal pagemap's for every page of the range "
	   "(%" PRIu64 " present, %" PRIu64 " equal, %" PRIu64 " mismatched, "
	   "first bad 0x%" PRIx64 ", err %d)", t->name, r->chk.pm_present,
	   r->chk.equal, r->chk.mismatch,
	   r->chk.mismatch ? r->chk.first_bad : 0, err);

	err = bench_smaps_read(t->pid, t->start, sbuf, SMAPS_BUF, &r->sm);
	ok(!err && r->sm.size_kb * 1024 == t->end - t->start,
	   "%s: smaps shows the region (Size %" PRIu64 " kB, Rss %" PRIu64
	   " kB, AnonHugePages %" PRIu64 " kB)", t->name, r->sm.size_kb,
	   r->sm.rss_kb, r->sm.anon_huge_kb);
	if (t->kind == BENCH_THP)
		ok(r->sm.anon_huge_kb * 1024 >= (t->end - t->start) * 9 / 10,
		   "%s: at least 90%% of the region is THP (AnonHugePages %"
		   PRIu64 " kB)", t->name, r->sm.anon_huge_kb);
	else
		ok(r->sm.anon_huge_kb == 0, "%s: no THP in the region "
		   "(AnonHugePages %" PRIu64 " kB)", t->name, r->sm.anon_huge_kb);
	smaps_pages = (double)r->sm.total_size_kb / 4;
	smaps_rss = (double)r->sm.total_rss_kb / 4;

	for (m = 0; m < NR_M; m++)
		r->complete[m] = 1;
	for (rep = 0; rep < o.reps; rep++) {
		for (m = 0; m < NR_M; m++) {
			switch (m) {
			case M_REC:
				err = bench_walk_records(t->pid, t->start, t->end,
							 rbuf, RW_BUF, &w);
				break;
			case M_PM:
				err = bench_walk_pagemap(t->pid, t->start, t->end,
							 rbuf, RW_BUF, &w);
				break;
			case M_FR:
				err = bench_walk_frames(t->pid, t->start, t->end,
							rbuf, RW_BUF, &w);
				break;
			case M_SMAPS:
				err = bench_walk_smaps(t->pid, sbuf, RW_BUF, &w);
				break;
			default:
				err = bench_walk_text(t->pid, t->start, t->end,
						      m_name[m], tbuf, RW_BUF, &w);
				break;
			}
			r->sec[m][rep] = (double)w.ns / 1e9;
			r->bytes[m] = w.bytes;
			if (err || !w.complete)
				r->complete[m] = 0;
		}
		/* ratios of rates: pages/s of ptscope over pages/s of the other */
		r->ratio[R_BIN_PM][rep] = r->sec[M_PM][rep] / r->sec[M_REC][rep];
		r->ratio[R_FR_PM][rep] = r->sec[M_PM][rep] / r->sec[M_FR][rep];
		r->ratio[R_BIN_SMAPS][rep] = ((double)t->pages / r->sec[M_REC][rep]) /
					     (smaps_pages / r->sec[M_SMAPS][rep]);
		r->ratio[R_TXT_SMAPS][rep] = ((double)t->mapped / r->sec[M_PTES][rep]) /
					     (smaps_rss / r->sec[M_SMAPS][rep]);
		r->ratio[R_PT_SMAPS][rep] = ((double)t->mapped / r->sec[M_PT][rep]) /
					    (smaps_rss / r->sec[M_SMAPS][rep]);
	}
	for (m = 0; m < NR_M; m++) {
		ok(r->complete[m], "%s: every %s read was complete (%" PRIu64
		   " bytes)", t->name, m_name[m], r->bytes[m]);
		r->s_sec[m] = spread_of(r->sec[m], o.reps);
	}
	r->rate[M_REC] = (double)t->pages / r->s_sec[M_REC].med;
	r->rate[M_PM] = (double)t->pages / r->s_sec[M_PM].med;
	r->rate[M_FR] = (double)t->pages / r->s_sec[M_FR].med;
	r->rate[M_SMAPS] = smaps_pages / r->s_sec[M_SMAPS].med;
	r->rate[M_PTES] = (double)t->mapped / r->s_sec[M_PTES].med;
	for (m = 0; m < NR_R; m++)
		r->s_ratio[m] = spread_of(r->ratio[m], o.reps);
	/* noise only ever adds time: the fastest runs are a second estimate */
	r->best[R_BIN_PM] = r->s_sec[M_PM].min / r->s_sec[M_REC].min;
	r->best[R_FR_PM] = r->s_sec[M_PM].min / r->s_sec[M_FR].min;
	r->best[R_BIN_SMAPS] = ((double)t->pages / r->s_sec[M_REC].min) /
			       (smaps_pages / r->s_sec[M_SMAPS].min);
	r->best[R_TXT_SMAPS] = ((double)t->mapped / r->s_sec[M_PTES].min) /
			       (smaps_rss / r->s_sec[M_SMAPS].min);
	r->best[R_PT_SMAPS] = ((double)t->mapped / r->s_sec[M_PT].min) /
			      (smaps_rss / r->s_sec[M_SMAPS].min);
	r->measured = 1;
	diag("%s: records %.3fs frames %.3fs pagemap %.3fs smaps %.3fs ptes %.3fs pt %.3fs "
	     "(medians)", t->name, r->s_sec[M_REC].med, r->s_sec[M_FR].med,
	     r->s_sec[M_PM].med, r->s_sec[M_SMAPS].med, r->s_sec[M_PTES].med,
	     r->s_sec[M_PT].med);
}

/* Item 3: the target's loop while idle, while ptscope walks, while pagemap. */
static void stall(struct bench_target *t, struct phase ph[NR_P])
{
	int round, p, err;

	for (p = 0; p < NR_P; p++) {
		memset(&ph[p], 0, sizeof(ph[p]));
		ph[p].lat = malloc(sizeof(uint64_t) * BENCH_LAT_MAX * (size_t)o.rounds);
	}
	for (round = 0; round < o.rounds; round++) {
		for (p = 0; p < NR_P; p++) {
			uint64_t t0, stop, i, n, worst = 0;
			struct bench_walk w;

			err = bench_loop_start(t);
			if (err) {
				ok(0, "stall: the target's loop started (%d)", err);
				return;
			}
			t0 = bench_now_ns();
			stop = t0 + (uint64_t)(o.stall_secs * 1e9);
			do {
				if (p == P_IDLE) {
					struct timespec ts = { 0, 20 * 1000 * 1000 };

					nanosleep(&ts, NULL);
					continue;
				}
				if (p == P_PTSCOPE)
					err = bench_walk_records(t->pid, t->start, t->end,
								 rbuf, RW_BUF, &w);
				else
					err = bench_walk_pagemap(t->pid, t->start, t->end,
								 rbuf, RW_BUF, &w);
				if (err || !w.complete)
					ok(0, "stall: %s walk complete (%d)", p_name[p], err);
				ph[p].walks++;
				ph[p].walk_sec += (double)w.ns / 1e9;
			} while (bench_now_ns() < stop);
			err = bench_loop_stop(t);
			n = t->ctl->nlat;
			for (i = 0; i < n && ph[p].n < BENCH_LAT_MAX * (size_t)o.rounds; i++) {
				ph[p].lat[ph[p].n++] = t->ctl->lat[i];
				if (t->ctl->lat[i] > worst)
					worst = t->ctl->lat[i];
			}
			ph[p].round_worst[round] = worst;
		}
	}
	for (p = 0; p < NR_P; p++) {
		bench_sort_u64(ph[p].lat, ph[p].n);
		ph[p].p50 = bench_pct(ph[p].lat, ph[p].n, 50);
		ph[p].p99 = bench_pct(ph[p].lat, ph[p].n, 99);
		ph[p].p999 = bench_pct(ph[p].lat, ph[p].n, 99.9);
		ph[p].worst = ph[p].n ? ph[p].lat[ph[p].n - 1] : 0;
		ok(ph[p].n > 0 && (p == P_IDLE || ph[p].walks > 0),
		   "stall: %s phase has %zu loop iterations and %" PRIu64 " walks",
		   p_name[p], ph[p].n, ph[p].walks);
	}
}

/* Item 4: Slab + VmallocUsed while walking the smallest and biggest target. */
static void memory(struct bench_target *small, struct bench_target *big,
		   struct memres *mr)
{
	double v[MAX_ROUNDS];
	int round, i, err;
	struct bench_mem m;

	memset(mr, 0, sizeof(*mr));
	mr->complete = 1;
	for (round = 0; round < o.mem_rounds; round++) {
		for (i = 0; i < 2; i++) {
			struct bench_target *t = i ? big : small;

			err = bench_mem_walk(t->pid, t->start, t->end, "records",
					     mbuf, MEM_BUF, &m);
			if (err || !m.complete)
				mr->complete = 0;
			mr->delta[i][round] = m.peak - m.base;
			mr->after[i][round] = m.after - m.base;
			mr->free_drop[i][round] = m.free_drop;
			mr->samples[i][round] = m.samples;
		}
	}
	ok(mr->complete, "memory: every sampled walk was complete");
	for (i = 0; i < 2; i++) {
		for (round = 0; round < o.mem_rounds; round++)
			v[round] = (double)mr->delta[i][round];
		mr->med[i] = bench_median(v, (size_t)o.mem_rounds);
	}
	mr->growth = (int64_t)(mr->med[1] - mr->med[0]);
	/* one bit per 4K page of the difference would be 56 KiB for 256M..2G */
	mr->flat = mr->growth <= 32;
	/* sensitivity: the text view allocates a further 16 KiB text window */
	err = bench_mem_walk(small->pid, small->start, small->end, "ptes", mbuf,
			     MEM_BUF, &m);
	mr->text_delta = err ? -1 : m.peak - m.base;
}

static void json_spread(FILE *f, const char *name, struct spread s,
			const char *sep)
{
	fprintf(f, "\"%s\":{\"median\":%.4g,\"min\":%.4g,\"max\":%.4g}%s",
		name, s.med, s.min, s.max, sep);
}

static void json_arr_d(FILE *f, const double *v, int n)
{
	int i;

	fputc('[', f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%.6f", i ? "," : "", v[i]);
	fputc(']', f);
}

static void json_arr_i(FILE *f, const int64_t *v, int n)
{
	int i;

	fputc('[', f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%" PRId64, i ? "," : "", v[i]);
	fputc(']', f);
}

static const char *kind_name(int kind)
{
	return kind == BENCH_THP ? "thp" : kind == BENCH_SPARSE ? "sparse" : "4k";
}

struct sysinfo_b {
	char kernel[128];
	int levels;
	long cpus;
	uint64_t memtotal_kib;
	char thp[128];
};

static void sysinfo_get(struct sysinfo_b *s)
{
	struct utsname u;
	char buf[4096];
	FILE *f;

	memset(s, 0, sizeof(*s));
	if (!uname(&u))
		snprintf(s->kernel, sizeof(s->kernel), "%s", u.release);
	s->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	s->levels = 4;
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "flags", 5) && strstr(buf, " la57"))
			s->levels = 5;
	if (f)
		fclose(f);
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "MemTotal: %" SCNu64, &s->memtotal_kib) == 1)
			break;
	if (f)
		fclose(f);
	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f && fgets(s->thp, sizeof(s->thp), f))
		s->thp[strcspn(s->thp, "\n")] = 0;
	if (f)
		fclose(f);
}

static void report(const struct sysinfo_b *si, struct tres *res, int nres,
		   const struct bench_target *st, struct phase ph[NR_P],
		   const struct memres *mr, const struct bench_target *msmall,
		   const struct bench_target *mbig)
{
	int i, m, p, met_bin = 1, met_fr = 1, met_txt = 1, met_stall, met_mem;
	char line[4096];
	FILE *f;
	char *js;
	size_t jl;

	diag("ptscope bench: guest %s, %d-level paging, %ld vCPUs, %" PRIu64
	     " MiB, THP %s; %d reps, medians; ratio spread min..max over reps",
	     si->kernel, si->levels, si->cpus, si->memtotal_kib >> 10, si->thp,
	     o.reps);
	diag("");
	diag("1. pages/s walked (4K pages of the range; smaps: of all VMAs)");
	diag("%-10s %9s %10s %10s %10s  %-26s %-20s", "target", "pages",
	     "records", "pagemap", "smaps", "records/pagemap [best]",
	     "records/smaps");
	for (i = 0; i < nres; i++) {
		const struct tres *r = &res[i];

		if (!r->measured)
			continue;
		if (r->t.kind == BENCH_4K && r->s_ratio[R_BIN_PM].med < 1.0)
			met_bin = 0;
		if (r->t.kind == BENCH_4K && r->s_ratio[R_FR_PM].med < 1.0)
			met_fr = 0;
		if (r->t.kind == BENCH_4K && r->s_ratio[R_TXT_SMAPS].med < 1.0)
			met_txt = 0;
		diag("%-10s %9" PRIu64 " %10.3g %10.3g %10.3g  %5.2fx (%.2f..%.2f) [%.2f]  %6.2fx (%.2f..%.2f)",
		     r->t.name, r->t.pages, r->rate[M_REC], r->rate[M_PM],
		     r->rate[M_SMAPS], r->s_ratio[R_BIN_PM].med,
		     r->s_ratio[R_BIN_PM].min, r->s_ratio[R_BIN_PM].max,
		     r->best[R_BIN_PM], r->s_ratio[R_BIN_SMAPS].med,
		     r->s_ratio[R_BIN_SMAPS].min, r->s_ratio[R_BIN_SMAPS].max);
	}
	diag("");
	diag("1b. the frames view (8 bytes a page, as pagemap) vs pagemap, pages/s");
	diag("%-10s %9s %10s %10s  %-26s", "target", "pages", "frames",
	     "pagemap", "frames/pagemap [best]");
	for (i = 0; i < nres; i++) {
		const struct tres *r = &res[i];

		if (!r->measured)
			continue;
		diag("%-10s %9" PRIu64 " %10.3g %10.3g  %5.2fx (%.2f..%.2f) [%.2f]",
		     r->t.name, r->t.pages, r->rate[M_FR], r->rate[M_PM],
		     r->s_ratio[R_FR_PM].med, r->s_ratio[R_FR_PM].min,
		     r->s_ratio[R_FR_PM].max, r->best[R_FR_PM]);
	}
	diag("");
	diag("2. text entry view (ptes) vs smaps, mapped pages/s; pt: the merged view");
	diag("%-10s %9s %10s %10s %8s  %-26s %s", "target", "mapped", "ptes",
	     "smaps", "ptes MiB", "ptes/smaps [best]", "pt/smaps [best]");
	for (i = 0; i < nres; i++) {
		const struct tres *r = &res[i];

		if (!r->measured)
			continue;
		diag("%-10s %9" PRIu64 " %10.3g %10.3g %8.1f  %5.2fx (%.2f..%.2f) [%.2f]  %5.2fx [%.2f]",
		     r->t.name, r->t.mapped, r->rate[M_PTES],
		     (double)r->sm.total_rss_kb / 4 / r->s_sec[M_SMAPS].med,
		     (double)r->bytes[M_PTES] / (1 << 20),
		     r->s_ratio[R_TXT_SMAPS].med, r->s_ratio[R_TXT_SMAPS].min,
		     r->s_ratio[R_TXT_SMAPS].max, r->best[R_TXT_SMAPS],
		     r->s_ratio[R_PT_SMAPS].med, r->best[R_PT_SMAPS]);
	}
	diag("");
	diag("3. target's mmap/touch/munmap loop (%" PRIu64 " KiB) on %s, us, "
	     "%d rounds x %.1fs per phase", st->loop_bytes >> 10, st->name,
	     o.rounds, o.stall_secs);
	diag("%-8s %8s %6s %8s %8s %8s %6s  %s", "phase", "iters", "walks",
	     "p50", "p99", "p99.9", "worst", "worst per round");
	for (p = 0; p < NR_P; p++) {
		int k, len = 0;

		for (k = 0; k < o.rounds; k++)
			len += snprintf(line + len, sizeof(line) - (size_t)len,
					"%s%" PRIu64, k ? " " : "",
					ph[p].round_worst[k] / 1000);
		diag("%-8s %8zu %6" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
		     " %6" PRIu64 "  %s", p_name[p], ph[p].n, ph[p].walks,
		     ph[p].p50 / 1000, ph[p].p99 / 1000, ph[p].p999 / 1000,
		     ph[p].worst / 1000, line);
	}
	met_stall = ph[P_PTSCOPE].worst <= ph[P_PAGEMAP].worst;
	diag("");
	diag("4. kernel memory while ptscope walks: Slab+VmallocUsed peak - "
	     "before, KiB, %d rounds", o.mem_rounds);
	for (i = 0; i < 2; i++) {
		char a[256] = "", b[256] = "";
		int k, la = 0, lb = 0;

		for (k = 0; k < o.mem_rounds; k++) {
			la += snprintf(a + la, sizeof(a) - (size_t)la, "%s%" PRId64,
				       k ? " " : "", mr->delta[i][k]);
			lb += snprintf(b + lb, sizeof(b) - (size_t)lb, "%s%" PRId64,
				       k ? " " : "", mr->after[i][k]);
		}
		diag("%-10s median %6.0f  rounds: %s  after close: %s  samples %" PRIu64,
		     i ? mbig->name : msmall->name, mr->med[i], a, b,
		     mr->samples[i][0]);
	}
	diag("growth %s -> %s: %" PRId64 " KiB (flat: <= 32 KiB); "
	     "same walk of %s through the ptes text view: %" PRId64 " KiB",
	     msmall->name, mbig->name, mr->growth, msmall->name, mr->text_delta);
	met_mem = mr->flat;
	diag("");
	diag("targets: records >= 1.0x pagemap (4K, medians): %s; frames >= "
	     "1.0x pagemap (4K, medians): %s; ptes >= 1.0x "
	     "smaps (4K): %s; worst stall <= pagemap's: %s (worst %" PRIu64
	     " vs %" PRIu64 " us, p99 %" PRIu64 " vs %" PRIu64 " us, idle "
	     "worst %" PRIu64 " us); module memory flat: %s",
	     met_bin ? "met" : "MISSED", met_fr ? "met" : "MISSED",
	     met_txt ? "met" : "MISSED",
	     met_stall ? "met" : "MISSED", ph[P_PTSCOPE].worst / 1000,
	     ph[P_PAGEMAP].worst / 1000, ph[P_PTSCOPE].p99 / 1000,
	     ph[P_PAGEMAP].p99 / 1000, ph[P_IDLE].worst / 1000,
	     met_mem ? "met" : "MISSED");

	/* JSON, one line */
	f = open_memstream(&js, &jl);
	if (!f)
		return;
	fprintf(f, "{\"schema\":1,\"guest\":{\"kernel\":\"%s\",\"levels\":%d,"
		"\"cpus\":%ld,\"mem_kib\":%" PRIu64 ",\"thp\":\"%s\"},"
		"\"reps\":%d,\"read_bytes\":%u,\"targets\":[",
		si->kernel, si->levels, si->cpus, si->memtotal_kib, si->thp,
		o.reps, RW_BUF);
	for (i = 0; i < nres; i++) {
		const struct tres *r = &res[i];

		if (!r->measured)
			continue;
		fprintf(f, "%s{\"name\":\"%s\",\"kind\":\"%s\",\"bytes\":%" PRIu64
			",\"range_pages\":%" PRIu64 ",\"mapped_pages\":%" PRIu64
			",\"stride\":%" PRIu64 ",\"populate_s\":%.3f,"
			"\"anon_huge_kib\":%" PRIu64 ",\"smaps_size_kib\":%" PRIu64
			",\"smaps_rss_kib\":%" PRIu64 ",", i ? "," : "", r->t.name,
			kind_name(r->t.kind), r->t.end - r->t.start, r->t.pages,
			r->t.mapped, r->t.stride, (double)r->t.populate_ns / 1e9,
			r->sm.anon_huge_kb, r->sm.total_size_kb, r->sm.total_rss_kb);
		fprintf(f, "\"check\":{\"pagemap_present\":%" PRIu64 ",\"equal\":%"
			PRIu64 ",\"mismatch\":%" PRIu64 ",\"records\":%" PRIu64
			",\"entries\":%" PRIu64 "},\"seconds\":{",
			r->chk.pm_present, r->chk.equal, r->chk.mismatch,
			r->chk.records, r->chk.entries);
		for (m = 0; m < NR_M; m++) {
			fprintf(f, "\"%s\":", m_name[m]);
			json_arr_d(f, r->sec[m], o.reps);
			fputs(m < NR_M - 1 ? "," : "},\"bytes\":{", f);
		}
		for (m = 0; m < NR_M; m++)
			fprintf(f, "\"%s\":%" PRIu64 "%s", m_name[m], r->bytes[m],
				m < NR_M - 1 ? "," : "},\"pages_per_s\":{");
		for (m = 0; m < NR_M; m++)
			fprintf(f, "\"%s\":%.4g%s", m_name[m], r->rate[m],
				m < NR_M - 1 ? "," : "},\"ratio\":{");
		for (m = 0; m < NR_R; m++)
			json_spread(f, r_name[m], r->s_ratio[m],
				    m < NR_R - 1 ? "," : "},\"ratio_of_fastest\":{");
		for (m = 0; m < NR_R; m++)
			fprintf(f, "\"%s\":%.4g%s", r_name[m], r->best[m],
				m < NR_R - 1 ? "," : "}}");
	}
	fprintf(f, "],\"stall\":{\"target\":\"%s\",\"loop_bytes\":%" PRIu64
		",\"rounds\":%d,\"phase_s\":%.1f,\"unit\":\"us\",\"phases\":{",
		st->name, st->loop_bytes, o.rounds, o.stall_secs);
	for (p = 0; p < NR_P; p++) {
		int64_t rw[MAX_ROUNDS];
		int k;

		for (k = 0; k < o.rounds; k++)
			rw[k] = (int64_t)(ph[p].round_worst[k] / 1000);
		fprintf(f, "%s\"%s\":{\"iterations\":%zu,\"walks\":%" PRIu64
			",\"walk_s\":%.3f,\"p50\":%.1f,\"p99\":%.1f,\"p99_9\":%.1f,"
			"\"worst\":%.1f,\"round_worst\":", p ? "," : "",
			p_name[p], ph[p].n, ph[p].walks, ph[p].walk_sec,
			(double)ph[p].p50 / 1e3, (double)ph[p].p99 / 1e3,
			(double)ph[p].p999 / 1e3, (double)ph[p].worst / 1e3);
		json_arr_i(f, rw, o.rounds);
		fputc('}', f);
	}
	fprintf(f, "}},\"memory\":{\"measure\":\"Slab+VmallocUsed peak minus "
		"before, KiB\",\"small\":\"%s\",\"big\":\"%s\",\"small_kib\":",
		msmall->name, mbig->name);
	json_arr_i(f, mr->delta[0], o.mem_rounds);
	fputs(",\"big_kib\":", f);
	json_arr_i(f, mr->delta[1], o.mem_rounds);
	fputs(",\"small_after_kib\":", f);
	json_arr_i(f, mr->after[0], o.mem_rounds);
	fputs(",\"big_after_kib\":", f);
	json_arr_i(f, mr->after[1], o.mem_rounds);
	fputs(",\"small_memfree_drop_kib\":", f);
	json_arr_i(f, mr->free_drop[0], o.mem_rounds);
	fputs(",\"big_memfree_drop_kib\":", f);
	json_arr_i(f, mr->free_drop[1], o.mem_rounds);
	fprintf(f, ",\"growth_kib\":%" PRId64 ",\"text_view_small_kib\":%" PRId64
		",\"flat\":%s},", mr->growth, mr->text_delta,
		mr->flat ? "true" : "false");
	fprintf(f, "\"targets_met\":{\"records_vs_pagemap\":%s,"
		"\"frames_vs_pagemap\":%s,"
		"\"ptes_vs_smaps\":%s,\"worst_stall\":%s,\"memory_flat\":%s}}",
		met_bin ? "true" : "false", met_fr ? "true" : "false",
		met_txt ? "true" : "false",
		met_stall ? "true" : "false", met_mem ? "true" : "false");
	fclose(f);
	printf("BENCH-JSON %s\n", js);
	free(js);
}

static int parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return -1;
		i++;
		if (!strcmp(a, "--sizes")) {
			const char *p = v;

			o.nsizes = 0;
			while (*p && o.nsizes < 4) {
				o.sizes[o.nsizes++] = parse_size(p);
				p += strcspn(p, ",");
				p += *p == ',';
			}
		} else if (!strcmp(a, "--thp")) {
			o.thp = parse_size(v);
		} else if (!strcmp(a, "--sparse")) {
			o.sparse = parse_size(v);
		} else if (!strcmp(a, "--stride")) {
			o.stride = parse_size(v);
		} else if (!strcmp(a, "--reps")) {
			o.reps = atoi(v);
		} else if (!strcmp(a, "--rounds")) {
			o.rounds = atoi(v);
		} else if (!strcmp(a, "--mem-rounds")) {
			o.mem_rounds = atoi(v);
		} else if (!strcmp(a, "--stall-secs")) {
			o.stall_secs = atof(v);
		} else {
			return -1;
		}
	}
	if (o.reps < 1 || o.reps > MAX_REPS || o.rounds < 1 ||
	    o.rounds > MAX_ROUNDS || o.mem_rounds < 1 ||
	    o.mem_rounds > MAX_ROUNDS || o.nsizes < 1 || o.stall_secs <= 0)
		return -1;
	for (i = 0; i < o.nsizes; i++)
		if (!o.sizes[i] || o.sizes[i] % BENCH_PMD)
			return -1;
	if ((o.thp && o.thp % BENCH_PMD) || (o.sparse && o.sparse % BENCH_PMD) ||
	    !o.stride || o.stride % BENCH_PAGE)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct tres res[MAX_TARGETS];
	struct phase ph[NR_P];
	struct sysinfo_b si;
	struct memres mr;
	int nres = 0, i, err, cpu_t;
	uint64_t maxpages = 0;
	char sz[16], name[32];
	struct tres *small, *big;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv)) {
		fprintf(stderr, "usage: bench_walk [--sizes S,S,...] [--thp S] "
			"[--sparse S] [--stride S] [--reps N] [--rounds N] "
			"[--mem-rounds N] [--stall-secs S]\n");
		return 2;
	}
	sysinfo_get(&si);
	/* the benchmark on CPU 0, targets (and their loop) on CPU 1 */
	cpu_t = si.cpus >= 2 ? 1 : -1;
	bench_pin(si.cpus >= 2 ? 0 : -1);

	for (i = 0; i < o.nsizes; i++)
		if (o.sizes[i] / BENCH_PAGE > maxpages)
			maxpages = o.sizes[i] / BENCH_PAGE;
	if (o.thp / BENCH_PAGE > maxpages)
		maxpages = o.thp / BENCH_PAGE;
	if (o.sparse / BENCH_PAGE > maxpages)
		maxpages = o.sparse / BENCH_PAGE;
	rbuf = big_buf(RW_BUF);
	tbuf = big_buf(RW_BUF);
	sbuf = big_buf(SMAPS_BUF);
	mbuf = big_buf(MEM_BUF);
	pmbuf = big_buf(maxpages * 8);
	if (!rbuf || !tbuf || !sbuf || !mbuf || !pmbuf) {
		ok(0, "buffers allocated");
		return 1;
	}

	/* 4K targets, smallest and biggest kept for items 3 and 4 */
	for (i = 0; i < o.nsizes; i++) {
		struct tres *r = &res[nres];

		snprintf(name, sizeof(name), "4k-%s", size_str(o.sizes[i], sz, sizeof(sz)));
		err = bench_target_start(&r->t, name, BENCH_4K, o.sizes[i], 0, cpu_t);
		ok(!err, "%s: target populated (%.1fs)", name,
		   err ? 0 : (double)r->t.populate_ns / 1e9);
		if (err)
			continue;
		measure(r);
		nres++;
		if (i != 0 && i != o.nsizes - 1)
			bench_target_stop(&r->t);
	}
	small = NULL;
	big = NULL;
	for (i = 0; i < nres; i++) {
		if (!res[i].t.pid)
			continue;
		if (!small || res[i].t.pages < small->t.pages)
			small = &res[i];
		if (!big || res[i].t.pages > big->t.pages)
			big = &res[i];
	}
	if (!big) {
		ok(0, "a 4K target ran");
		return 1;
	}
	stall(&big->t, ph);
	memory(&small->t, &big->t, &mr);
	/* room for the THP and sparse targets */
	bench_target_stop(&small->t);
	bench_target_stop(&big->t);

	if (o.thp) {
		struct tres *r = &res[nres];

		snprintf(name, sizeof(name), "thp-%s", size_str(o.thp, sz, sizeof(sz)));
		err = bench_target_start(&r->t, name, BENCH_THP, o.thp, 0, cpu_t);
		ok(!err, "%s: target populated", name);
		if (!err) {
			measure(r);
			nres++;
		}
	}
	if (o.sparse) {
		struct tres *r = &res[nres];

		snprintf(name, sizeof(name), "sparse-%s", size_str(o.sparse, sz, sizeof(sz)));
		err = bench_target_start(&r->t, name, BENCH_SPARSE, o.sparse,
					 o.stride, cpu_t);
		ok(!err, "%s: target populated (one page every %" PRIu64 " KiB)",
		   name, o.stride >> 10);
		if (!err) {
			measure(r);
			nres++;
		}
	}

	report(&si, res, nres, &big->t, ph, &mr, &small->t, &big->t);
	for (i = 0; i < nres; i++)
		bench_target_stop(&res[i].t);
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
