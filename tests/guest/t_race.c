// SPDX-License-Identifier: GPL-2.0
/*
 * t_race: many concurrent readers of every ptscope view against targets
 * whose address space changes under them, for a bounded time.
 *
 * Targets (child processes) loop over random operations inside an arena
 * of their own, for the duration: mmap/munmap/mremap/mprotect, fork of a
 * child that writes (COW) and exits, MADV_DONTNEED, THP made at fault and
 * collapsed by khugepaged (set to scan without sleeping) then split by
 * mprotect/munmap/MADV_DONTNEED of part of it, MADV_PAGEOUT to zram swap,
 * KSM merging (MADV_MERGEABLE, ksm/run=1) and shared memory (memfd).
 *
 * Readers (threads of this process and reader processes) pick a target or
 * one of its short-lived children and a view at random: the binary
 * record stream (view=records over all or part of the target), the
 * translation stream (view=levels), the frames view (preads at random
 * offsets in the arena: every word's kind, level, address and frame
 * checked as below) and every text view, through "query" and through
 * "target" + the view files (a thread moves the global target meanwhile).
 * Every record read is checked:
 *   - streams are well formed: header (magic, version, size, pid), VMA
 *     records in order with their entries and holes inside them, STATS,
 *     END last with the right count; only ESRCH may cut a walk short;
 *   - no frame outside the machine's RAM (the "System RAM" ranges of
 *     /proc/iomem; header max_pfn agrees), page tables included;
 *   - no address outside what the target could have mapped: its arena
 *     (every operation stays in it) and the mappings it had before it
 *     started (/proc/PID/maps, after pre-touching its stack);
 *   - text is printable and read() never fails;
 *   - query writes fail only with ESRCH (gone) or EINVAL (zombie, no mm),
 *     never for a live target.
 * The kernel side (KASAN, lockdep, WARN, RCU stalls, ...) is judged by the
 * harness.
 *
 * A record may be narrower than its level's page size when a huge page
 * appeared, between two lock holds, over addresses already reported: the
 * generator cuts it back to what was not reported (module/gen.c); the
 * check then wants it to end on its page boundary.
 *
 * Duration in seconds: argv[1], else $PTSCOPE_RACE_SECS, else
 * ptscope.race_secs= on the kernel command line, else 20.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libproc.h"
#include "libpts.h"
#include "tap.h"

#define NR_TARGETS	3
#define NR_RTHREADS	3	/* reader threads in this process */
#define NR_RPROCS	2	/* reader processes */
#define NR_READERS	(NR_RTHREADS + NR_RPROCS)
#define NR_SLOTS	16
#define SLOT_SIZE	(4UL << 20)	/* 2M-aligned, two huge pages */
#define ARENA_SIZE	(NR_SLOTS * SLOT_SIZE)
#define MAX_STABLE	128
#define NR_KIDS		16
#define MAX_RAM		64
#define MSG_LEN		512
#define SZ_2M		(2UL << 20)
#define KMODS		"/lib/ptscope-kmods"
#define THP_DIR		"/sys/kernel/mm/transparent_hugepage"
#define KSM_DIR		"/sys/kernel/mm/ksm"

enum op {
	OP_MMAP, OP_MUNMAP, OP_MREMAP, OP_MPROTECT, OP_DONTNEED, OP_THP,
	OP_SPLIT, OP_FORK, OP_PAGEOUT, OP_KSM, OP_SHMEM, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"mmap", "munmap", "mremap", "mprotect", "dontneed", "thp",
	"split", "fork", "pageout", "ksm", "shmem",
};

struct range {
	uint64_t start, end;
};

struct target {
	pid_t pid;
	struct range arena;
	struct range stable[MAX_STABLE];
	int nstable;
	_Atomic pid_t kids[NR_KIDS];	/* recent fork children */
	_Atomic unsigned long ops[NR_OPS];
	_Atomic int ready;
};

struct reader_stats {
	_Atomic unsigned long walks;	/* complete streams, END seen */
	_Atomic unsigned long walks_esrch;
	_Atomic unsigned long records;
	_Atomic unsigned long text_reads;
	_Atomic unsigned long text_bytes;
	_Atomic unsigned long write_refused;	/* ESRCH/EINVAL for gone kids */
	_Atomic unsigned long present;	/* present entries checked */
	_Atomic unsigned long thp, ksm, swap, cut;
	_Atomic unsigned long frame_reads;	/* view=frames preads, all words */
	_Atomic unsigned long frame_words;
	_Atomic unsigned long failures;
	char msg[MSG_LEN];		/* the first failure */
};

/* Shared between this process, targets and reader processes */
struct shared {
	_Atomic int stop;
	_Atomic int targets_stop;
	struct target t[NR_TARGETS];
	struct reader_stats rs[NR_READERS];
	struct range ram[MAX_RAM];
	int nram;
	struct range iomem[MAX_RAM * 4];
	int niomem;
	uint64_t ram_max_pfn;
};

static struct shared *sh;

/* --- small helpers ------------------------------------------------------ */

/* pts_open_r() builds its path in a static buffer: not for threads */
static int pts_open_r(const char *name, int flags)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", PTSCOPE_DEBUGFS_DIR, name);
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64*: per thread, seeded */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(struct reader_stats *rs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct reader_stats *rs, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&rs->failures, 1) == 0) {
		va_start(ap, fmt);
		vsnprintf(rs->msg, sizeof(rs->msg), fmt, ap);
		va_end(ap);
	}
}

static int race_secs(int argc, char **argv)
{
	char cmd[4096], *p;

	if (argc > 1)
		return atoi(argv[1]);
	if (getenv("PTSCOPE_RACE_SECS"))
		return atoi(getenv("PTSCOPE_RACE_SECS"));
	if (!read_file_str("/proc/cmdline", cmd, sizeof(cmd))) {
		p = strstr(cmd, "ptscope.race_secs=");
		if (p)
			return atoi(p + strlen("ptscope.race_secs="));
	}
	return 20;
}

/* --- the machine's memory --------------------------------------------- */

static int read_iomem(void)
{
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a, b;

		if (sscanf(line, " %llx-%llx", &a, &b) != 2 || b < a)
			continue;
		if (sh->niomem < (int)ARRAY_SIZE(sh->iomem)) {
			sh->iomem[sh->niomem].start = a >> PG_SHIFT;
			sh->iomem[sh->niomem].end = (b >> PG_SHIFT) + 1;
			sh->niomem++;
		}
		if (!strstr(line, ": System RAM") || sh->nram >= MAX_RAM)
			continue;
		sh->ram[sh->nram].start = a >> PG_SHIFT;
		sh->ram[sh->nram].end = (b >> PG_SHIFT) + 1;
		if (sh->ram[sh->nram].end > sh->ram_max_pfn)
			sh->ram_max_pfn = sh->ram[sh->nram].end;
		sh->nram++;
	}
	fclose(f);
	return sh->nram ? 0 : -ENOENT;
}

static int in_ranges(const struct range *r, int n, uint64_t a, uint64_t b)
{
	int i;

	for (i = 0; i < n; i++)
		if (a >= r[i].start && b <= r[i].end)
			return 1;
	return 0;
}

/* frames [pfn, pfn + n) are RAM (or, for a special mapping, any resource) */
static int frames_ok(uint64_t pfn, uint64_t n, int special)
{
	if (in_ranges(sh->ram, sh->nram, pfn, pfn + n))
		return 1;
	return special && in_ranges(sh->iomem, sh->niomem, pfn, pfn + n);
}

/* --- targets ------------------------------------------------------------ */

static void touch_stack(void)
{
	volatile char buf[128 * 1024];
	size_t i;

	for (i = 0; i < sizeof(buf); i += 4096)
		buf[i] = 1;
}

static void target_snapshot(struct target *t)
{
	struct map_ent *m;
	size_t n, i;

	if (maps_read(t->pid, &m, &n))
		return;
	for (i = 0; i < n && t->nstable < MAX_STABLE; i++) {
		t->stable[t->nstable].start = m[i].start;
		t->stable[t->nstable].end = m[i].end;
		t->nstable++;
	}
	free(m);
}

static void touch(char *p, size_t len, uint64_t *s, int every)
{
	size_t i;

	for (i = 0; i < len; i += 4096)
		if (!every || rnd(s) % every == 0)
			p[i] = (char)(i >> 12);
}

/* a random page-aligned sub-range of slot @i: [*a, *a + *len) */
static void subrange(uint64_t base, uint64_t *s, uint64_t *a, size_t *len)
{
	uint64_t first = rnd(s) % (SLOT_SIZE / 4096);
	uint64_t n = 1 + rnd(s) % (SLOT_SIZE / 4096 - first);

	*a = base + first * 4096;
	*len = n * 4096;
}

/* operation number @n: every kind once first, then at random */
static void target_op(struct target *t, uint64_t *s, int memfd,
		      unsigned long n)
{
	int op = n < NR_OPS ? (int)n : (int)(rnd(s) % NR_OPS);
	int slot = rnd(s) % NR_SLOTS;
	uint64_t base = t->arena.start + slot * SLOT_SIZE, a;
	int prot[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE };
	size_t len;
	void *p;
	pid_t kid;
	int i;

	switch (op) {
	case OP_MMAP:
		len = 4096 * (1 + rnd(s) % (SLOT_SIZE / 4096));
		p = mmap((void *)base, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p != MAP_FAILED)
			touch(p, len, s, 3);
		break;
	case OP_MUNMAP:
		subrange(base, s, &a, &len);
		munmap((void *)a, len);
		break;
	case OP_MREMAP: {
		uint64_t to = t->arena.start + (rnd(s) % NR_SLOTS) * SLOT_SIZE;

		len = 4096 * (1 + rnd(s) % 64);
		if (to == base) {
			/* shrink or grow in place */
			mremap((void *)base, len, 4096 * (1 + rnd(s) % 64), 0);
			break;
		}
		munmap((void *)to, SLOT_SIZE);
		mremap((void *)base, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
		       (void *)to);
		break;
	}
	case OP_MPROTECT:
		subrange(base, s, &a, &len);
		mprotect((void *)a, len, prot[rnd(s) % 3]);
		break;
	case OP_DONTNEED:
		subrange(base, s, &a, &len);
		madvise((void *)a, len, MADV_DONTNEED);
		break;
	case OP_THP:
		p = mmap((void *)base, SLOT_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED)
			break;
		if (rnd(s) & 1) {
			/* huge at fault */
			madvise(p, SLOT_SIZE, MADV_HUGEPAGE);
			touch(p, SLOT_SIZE, s, 64);
		} else {
			/* small pages first, for khugepaged to collapse */
			madvise(p, SLOT_SIZE, MADV_NOHUGEPAGE);
			touch(p, SLOT_SIZE, s, 16);
			madvise(p, SLOT_SIZE, MADV_HUGEPAGE);
		}
		break;
	case OP_SPLIT:
		a = base + (rnd(s) & 1) * SZ_2M;
		switch (rnd(s) % 3) {
		case 0:
			mprotect((void *)a, SZ_2M / 2, PROT_READ);
			break;
		case 1:
			munmap((void *)(a + SZ_2M / 2), SZ_2M / 4);
			break;
		default:
			madvise((void *)(a + 4096 * (rnd(s) % 256)),
				4096 * (1 + rnd(s) % 64), MADV_DONTNEED);
		}
		break;
	case OP_FORK:
		kid = fork();
		if (kid == 0) {
			/* write some pages (COW breaks), unmap one, exit */
			for (i = 0; i < 8; i++) {
				a = t->arena.start + rnd(s) % ARENA_SIZE;
				a &= ~4095ULL;
				if (!mprotect((void *)a, 4096,
					      PROT_READ | PROT_WRITE))
					*(volatile char *)a = 1;
			}
			munmap((void *)(base + 4096 * (rnd(s) % 16)), 4096);
			usleep(rnd(s) % 20000);
			_exit(0);
		}
		if (kid > 0)
			atomic_store(&t->kids[rnd(s) % NR_KIDS], kid);
		break;
	case OP_PAGEOUT:
		subrange(base, s, &a, &len);
		madvise((void *)a, len, MADV_PAGEOUT);
		break;
	case OP_KSM:
		len = 4096 * (8 + rnd(s) % 120);
		p = mmap((void *)base, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED)
			break;
		for (a = 0; a < len; a += 4096)
			memset((char *)p + a, 0x5a, 64);
		madvise(p, len, MADV_MERGEABLE);
		break;
	case OP_SHMEM:
		if (memfd < 0)
			break;
		len = 4096 * (1 + rnd(s) % 256);
		p = mmap((void *)base, len, PROT_READ | PROT_WRITE,
			 (rnd(s) & 1 ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED,
			 memfd, 0);
		if (p != MAP_FAILED)
			touch(p, len, s, 2);
		break;
	}
	atomic_fetch_add(&t->ops[op], 1);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void target_main(struct target *t, unsigned int seed)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
	unsigned long n;
	int memfd;
	void *p;

	/* the arena: a free, 2M-aligned stretch every operation stays in */
	p = mmap(NULL, ARENA_SIZE + 2 * SZ_2M, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		_exit(1);
	munmap(p, ARENA_SIZE + 2 * SZ_2M);
	/* a free page at least on each side: no merging with a neighbour */
	t->arena.start = ((uint64_t)p + SZ_2M) & ~(SZ_2M - 1);
	t->arena.end = t->arena.start + ARENA_SIZE;
	memfd = memfd_create("t_race", 0);
	if (memfd >= 0 && ftruncate(memfd, 1 << 20))
		memfd = -1;
	touch_stack();
	atomic_store(&t->ready, 1);
	while (atomic_load(&t->ready) != 2)
		usleep(1000);
	/* at least one operation of each kind, however short the run */
	for (n = 0; n < NR_OPS || !atomic_load(&sh->targets_stop); n++)
		target_op(t, &s, memfd, n);
	while (wait(NULL) > 0)
		;
	_exit(0);
}

/* --- checks of one stream ------------------------------------------------ */

static int va_ok(const struct target *t, uint64_t a, uint64_t b)
{
	if (a >= t->arena.start && b <= t->arena.end)
		return 1;
	return in_ranges(t->stable, t->nstable, a, b);
}

static uint64_t level_size(unsigned int level)
{
	switch (level) {
	case PTSCOPE_LVL_PUD:
		return 1ULL << 30;
	case PTSCOPE_LVL_PMD:
		return 1ULL << 21;
	case PTSCOPE_LVL_PTE:
		return 1ULL << 12;
	}
	return 0;
}

#define BAD(...) do { fail(rs, __VA_ARGS__); return -1; } while (0)

static int check_records(struct reader_stats *rs, const struct target *t,
			 pid_t pid, const struct pts_stream *st, int levels)
{
	const struct ptscope_rec_header *h;
	const struct ptscope_rec_vma *vma = NULL;
	uint64_t prev_end = 0, vprev_end = 0;
	uint64_t nholes = 0, nentries = 0, leaves = 0;
	const struct ptscope_rec_end *e;
	long vidx = -1;
	size_t i;
	int l;

	if (st->read_err)
		BAD("pid %d: read() failed: %s", pid, strerror(-st->read_err));
	if (!st->nr || st->rec[0].type != PTSCOPE_REC_HEADER)
		BAD("pid %d: no header first (%zu records)", pid, st->nr);
	h = &st->rec[0].hdr;
	if (h->magic != PTSCOPE_MAGIC || h->rec_size != PTSCOPE_REC_SIZE ||
	    h->version != PTSCOPE_ABI_VERSION || (pid_t)h->pid != pid)
		BAD("pid %d: header magic %#llx size %u version %u pid %u",
		    pid, (unsigned long long)h->magic, h->rec_size, h->version,
		    h->pid);
	if (h->max_pfn > sh->ram_max_pfn || !h->max_pfn)
		BAD("header max_pfn %#llx, /proc/iomem RAM ends at pfn %#llx",
		    (unsigned long long)h->max_pfn,
		    (unsigned long long)sh->ram_max_pfn);
	if (st->end < 0 || (size_t)st->end != st->nr - 1)
		BAD("pid %d: no END last (%zu records, END at %ld)", pid,
		    st->nr, st->end);
	e = &st->rec[st->end].end;
	if (e->nr_records != st->nr - 1)
		BAD("pid %d: END.nr_records %llu for %zu records", pid,
		    (unsigned long long)e->nr_records, st->nr - 1);
	if (e->error && e->error != ESRCH)
		BAD("pid %d: walk cut short by errno %u (only ESRCH documented)",
		    pid, e->error);
	if (!levels && (st->nr < 3 || st->rec[st->nr - 2].type != PTSCOPE_REC_STATS))
		BAD("pid %d: no STATS before END", pid);

	for (i = 1; i < (size_t)st->end; i++) {
		const union pts_rec *r = &st->rec[i];
		const struct ptscope_rec_entry *en = &r->ent;
		uint64_t sz;

		switch (r->type) {
		case PTSCOPE_REC_LEVEL:
			if (!levels || r->lvl.level >= PTSCOPE_NR_LEVELS ||
			    r->lvl.va != h->start)
				BAD("pid %d: record %zu: LEVEL level %u va %#llx",
				    pid, i, r->lvl.level,
				    (unsigned long long)r->lvl.va);
			if (!frames_ok(r->lvl.table_pa >> 12, 1, 0) ||
			    !frames_ok(r->lvl.entry_pa >> 12, 1, 0))
				BAD("pid %d: LEVEL table %#llx entry %#llx not in RAM",
				    pid, (unsigned long long)r->lvl.table_pa,
				    (unsigned long long)r->lvl.entry_pa);
			if (r->lvl.leaf && r->lvl.present &&
			    !frames_ok(r->lvl.pa >> 12, 1, 0))
				BAD("pid %d: LEVEL pa %#llx not in RAM", pid,
				    (unsigned long long)r->lvl.pa);
			break;
		case PTSCOPE_REC_VMA:
			if (levels || (long)r->vma.index != vidx + 1)
				BAD("pid %d: record %zu: VMA index %u after %ld",
				    pid, i, r->vma.index, vidx);
			vidx = r->vma.index;
			vma = &r->vma;
			if (vma->start >= vma->end || vma->start % 4096 ||
			    vma->end % 4096 || vma->start < vprev_end)
				BAD("pid %d: VMA [%#llx, %#llx) bad or out of order",
				    pid, (unsigned long long)vma->start,
				    (unsigned long long)vma->end);
			if (!va_ok(t, vma->start, vma->end))
				BAD("pid %d: VMA [%#llx, %#llx) outside anything the target mapped (arena [%#llx, %#llx))",
				    pid, (unsigned long long)vma->start,
				    (unsigned long long)vma->end,
				    (unsigned long long)t->arena.start,
				    (unsigned long long)t->arena.end);
			vprev_end = vma->end;
			prev_end = 0;
			break;
		case PTSCOPE_REC_ENTRY:
		case PTSCOPE_REC_HOLE:
			if (levels || !vma || en->vma_index != vma->index)
				BAD("pid %d: record %zu: entry outside a VMA", pid, i);
			if (!en->size || en->va % 4096 || en->size % 4096 ||
			    en->va < vma->start || en->va + en->size > vma->end ||
			    en->va < prev_end || en->level >= PTSCOPE_NR_LEVELS)
				BAD("pid %d: record %zu type %u [%#llx, +%#llx) level %u in VMA [%#llx, %#llx) after %#llx",
				    pid, i, r->type, (unsigned long long)en->va,
				    (unsigned long long)en->size, en->level,
				    (unsigned long long)vma->start,
				    (unsigned long long)vma->end,
				    (unsigned long long)prev_end);
			prev_end = en->va + en->size;
			if (r->type == PTSCOPE_REC_HOLE)
				nholes++;
			else
				nentries++;
			if (!va_ok(t, en->va, en->va + en->size))
				BAD("pid %d: [%#llx, +%#llx) outside anything the target mapped",
				    pid, (unsigned long long)en->va,
				    (unsigned long long)en->size);
			if (r->type == PTSCOPE_REC_HOLE)
				break;
			sz = level_size(en->level);
			if (!sz || en->size > sz || (en->va + en->size) % sz)
				BAD("pid %d: entry level %u [%#llx, +%#llx) not (the end of) one page",
				    pid, en->level, (unsigned long long)en->va,
				    (unsigned long long)en->size);
			if (en->size != sz)
				atomic_fetch_add(&rs->cut, 1);
			if (en->pfn &&
			    (en->pfn + en->size / 4096 > h->max_pfn ||
			     !frames_ok(en->pfn, en->size / 4096,
					vma->kind == PTSCOPE_VMA_VVAR ||
					vma->kind == PTSCOPE_VMA_SPECIAL)))
				BAD("pid %d: [%#llx, +%#llx) names frames %#llx+%llu outside RAM (max_pfn %#llx)",
				    pid, (unsigned long long)en->va,
				    (unsigned long long)en->size,
				    (unsigned long long)en->pfn,
				    (unsigned long long)en->size / 4096,
				    (unsigned long long)h->max_pfn);
			if (pts_entry_mapped(en))
				atomic_fetch_add(&rs->present, 1);
			if (en->state & PTSCOPE_S_THP)
				atomic_fetch_add(&rs->thp, 1);
			if (en->state & PTSCOPE_S_KSM)
				atomic_fetch_add(&rs->ksm, 1);
			if (en->state & PTSCOPE_S_SWAP)
				atomic_fetch_add(&rs->swap, 1);
			break;
		case PTSCOPE_REC_STATS:
			if (levels || i != st->nr - 2)
				BAD("pid %d: record %zu: STATS not just before END",
				    pid, i);
			for (l = 0; l < PTSCOPE_NR_LEVELS; l++)
				leaves += r->stats.leaves[l];
			if (r->stats.holes != nholes ||
			    leaves + r->stats.nonpresent != nentries ||
			    r->stats.nr_levels != h->pgtable_levels)
				BAD("pid %d: STATS holes %llu leaves %llu nonpresent %llu levels %u; stream: %llu holes, %llu entries, %u levels",
				    pid, (unsigned long long)r->stats.holes,
				    (unsigned long long)leaves,
				    (unsigned long long)r->stats.nonpresent,
				    r->stats.nr_levels,
				    (unsigned long long)nholes,
				    (unsigned long long)nentries,
				    h->pgtable_levels);
			break;
		default:
			BAD("pid %d: record %zu: type %u", pid, i, r->type);
		}
	}
	atomic_fetch_add(&rs->walks, 1);
	if (e->error)
		atomic_fetch_add(&rs->walks_esrch, 1);
	atomic_fetch_add(&rs->records, st->nr);
	return 0;
}

static int check_text(struct reader_stats *rs, const char *what,
		      const char *txt, long n)
{
	long i;

	for (i = 0; i < n; i++)
		if ((txt[i] < 0x20 || txt[i] > 0x7e) && txt[i] != '\n' &&
		    txt[i] != '\t')
			BAD("%s: byte %#x at %ld of %ld", what,
			    (unsigned char)txt[i], i, n);
	if (n && txt[n - 1] != '\n')
		BAD("%s: %ld bytes, no final newline", what, n);
	atomic_fetch_add(&rs->text_reads, 1);
	atomic_fetch_add(&rs->text_bytes, n);
	return 0;
}

/* --- readers ------------------------------------------------------------ */

static const char *const text_views[] = { "vmas", "pt", "ptes", "xlate",
					  "stats" };

/* pick a target or one of its children; *live: a target that must exist */
static pid_t pick(uint64_t *s, const struct target **tp, int *live)
{
	const struct target *t = &sh->t[rnd(s) % NR_TARGETS];
	pid_t kid;

	*tp = t;
	*live = 0;
	if (rnd(s) % 4 == 0) {
		kid = atomic_load(&t->kids[rnd(s) % NR_KIDS]);
		if (kid > 0)
			return kid;
	}
	*live = !atomic_load(&sh->targets_stop);
	return t->pid;
}

static void range_words(uint64_t *s, const struct target *t, char *buf,
			size_t len)
{
	uint64_t a, b;

	switch (rnd(s) % 3) {
	case 0:
		buf[0] = 0;
		break;
	case 1:
		snprintf(buf, len, " start=%#llx end=%#llx",
			 (unsigned long long)t->arena.start,
			 (unsigned long long)t->arena.end);
		break;
	default:
		a = t->arena.start + (rnd(s) % ARENA_SIZE & ~4095ULL);
		b = a + 4096 * (1 + rnd(s) % 2048);
		snprintf(buf, len, " start=%#llx end=%#llx addr=%#llx",
			 (unsigned long long)a, (unsigned long long)b,
			 (unsigned long long)a);
	}
}

/* write @line to @fd; 1 written, 0 refused as documented, -1 failure */
static int query_write(struct reader_stats *rs, int fd, const char *line,
		       int live)
{
	int err = pts_write_line(fd, line);

	if (!err)
		return 1;
	if (!live && (err == -ESRCH || err == -EINVAL)) {
		atomic_fetch_add(&rs->write_refused, 1);
		return 0;
	}
	/* the targets exit once targets_stop is set */
	if ((err == -ESRCH || err == -EINVAL) &&
	    atomic_load(&sh->targets_stop)) {
		atomic_fetch_add(&rs->write_refused, 1);
		return 0;
	}
	fail(rs, "write '%s': %s%s", line, strerror(-err),
	     live ? " (live target)" : "");
	return -1;
}

static void read_binary(struct reader_stats *rs, uint64_t *s, int fd,
			const struct target *t, pid_t pid, int levels)
{
	struct pts_stream st;
	int r;

	pts_stream_init(&st);
	do {
		r = pts_stream_step(fd, 1 + rnd(s) % 96, &st);
	} while (r == 1);
	if (r < 0)
		fail(rs, "pid %d: stream read: %s", pid, strerror(-r));
	else
		check_records(rs, t, pid, &st, levels);
	pts_stream_free(&st);
}

static void read_text(struct reader_stats *rs, uint64_t *s, int fd,
		      const char *what)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	if (!buf)
		return;
	for (;;) {
		size_t want = 1 + rnd(s) % 8192;

		if (n + want > cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, want);
		if (r < 0) {
			char tgt[128] = "";
			int e = errno;

			read_file_str(PTSCOPE_DEBUGFS_DIR "/target", tgt,
				      sizeof(tgt));
			fail(rs, "%s: read of %zu bytes at %zu: %s (target: %s)",
			     what, want, n, strerror(e), tgt);
			free(buf);
			return;
		}
		if (!r)
			break;
		n += r;
	}
	check_text(rs, what, buf, n);
	free(buf);
}

/*
 * view=frames: preads of random sizes at random page offsets inside the
 * arena part of the range.  Every word is checked: a known kind and level,
 * a VMA bit only where the target could have mapped, a mapped frame in RAM.
 */
static void read_frames(struct reader_stats *rs, uint64_t *s, int fd,
			const struct target *t, pid_t pid, int live,
			uint64_t rs_start, uint64_t rs_end)
{
	uint64_t a = t->arena.start > rs_start ? t->arena.start : rs_start;
	uint64_t b = t->arena.end < rs_end ? t->arena.end : rs_end;
	uint64_t w[4096];
	int k;

	for (k = 0; k < 4 && a < b; k++) {
		uint64_t np = (b - a) / 4096, p0 = rnd(s) % np;
		size_t n = 1 + rnd(s) % ARRAY_SIZE(w), i;
		uint64_t va0 = a + p0 * 4096;
		ssize_t r;

		if (n > np - p0)
			n = np - p0;
		r = pread(fd, w, n * 8, (off_t)((va0 - rs_start) / 4096 * 8));
		if (r < 0) {
			if (errno == ESRCH && (!live ||
					       atomic_load(&sh->targets_stop)))
				return;
			fail(rs, "pid %d: frames pread of %zu words at %#llx: %s",
			     pid, n, (unsigned long long)va0, strerror(errno));
			return;
		}
		if (r % 8 || (size_t)r > n * 8) {
			fail(rs, "pid %d: frames pread returned %zd for %zu words",
			     pid, r, n);
			return;
		}
		for (i = 0; i < (size_t)r / 8; i++) {
			uint64_t va = va0 + i * 4096, kind = PTSCOPE_FR_KIND(w[i]);

			if (!(w[i] & PTSCOPE_FR_VMA)) {
				if (w[i])
					fail(rs, "pid %d: %#llx: word %#llx outside a VMA is not 0",
					     pid, (unsigned long long)va,
					     (unsigned long long)w[i]);
				continue;
			}
			if (PTSCOPE_FR_LEVEL(w[i]) >= PTSCOPE_NR_LEVELS ||
			    !va_ok(t, va, va + 4096)) {
				fail(rs, "pid %d: %#llx: word %#llx: bad level or address",
				     pid, (unsigned long long)va,
				     (unsigned long long)w[i]);
				return;
			}
			if ((kind == PTSCOPE_FK_PRESENT ||
			     kind == PTSCOPE_FK_PROTNONE) &&
			    (w[i] & PTSCOPE_FR_FRAME_MASK) &&
			    !frames_ok(w[i] & PTSCOPE_FR_FRAME_MASK, 1, 0)) {
				fail(rs, "pid %d: %#llx: frame of word %#llx not in RAM",
				     pid, (unsigned long long)va,
				     (unsigned long long)w[i]);
				return;
			}
		}
		atomic_fetch_add(&rs->frame_reads, 1);
		atomic_fetch_add(&rs->frame_words, (unsigned long)r / 8);
	}
}

static void reader_query(struct reader_stats *rs, uint64_t *s)
{
	static const char *const views[] = { "records", "records", "levels",
					     "vmas", "pt", "ptes", "xlate",
					     "stats", "frames" };
	const char *view = views[rnd(s) % ARRAY_SIZE(views)];
	const struct target *t;
	char line[256], rng[128], what[300];
	int live, fd, w;
	pid_t pid = pick(s, &t, &live);

	range_words(s, t, rng, sizeof(rng));
	snprintf(line, sizeof(line), "pid=%d%s view=%s", pid, rng, view);
	fd = pts_open_r("query", O_RDWR);
	if (fd < 0) {
		fail(rs, "open query: %s", strerror(-fd));
		return;
	}
	w = query_write(rs, fd, line, live);
	if (w == 1) {
		if (!strcmp(view, "records") || !strcmp(view, "levels")) {
			read_binary(rs, s, fd, t, pid, view[0] == 'l');
		} else if (!strcmp(view, "frames")) {
			unsigned long long a = 0, b = ~0ULL;

			sscanf(rng, " start=%llx end=%llx", &a, &b);
			read_frames(rs, s, fd, t, pid, live, a, b);
		} else {
			snprintf(what, sizeof(what), "query %s", line);
			read_text(rs, s, fd, what);
		}
	}
	close(fd);
}

static void reader_view(struct reader_stats *rs, uint64_t *s)
{
	const char *v = text_views[rnd(s) % ARRAY_SIZE(text_views)];
	int fd = pts_open_r(v, O_RDONLY);

	if (fd < 0) {
		fail(rs, "open %s: %s", v, strerror(-fd));
		return;
	}
	read_text(rs, s, fd, v);
	close(fd);
}

/* moves the global target of the view files */
static void retarget(struct reader_stats *rs, uint64_t *s)
{
	const struct target *t;
	char line[256], rng[128];
	int live, fd;
	pid_t pid = pick(s, &t, &live);

	range_words(s, t, rng, sizeof(rng));
	snprintf(line, sizeof(line), "pid=%d%s", pid, rng);
	fd = pts_open_r("target", O_WRONLY);
	if (fd < 0) {
		fail(rs, "open target: %s", strerror(-fd));
		return;
	}
	query_write(rs, fd, line, live);
	close(fd);
}

static void reader_loop(int idx)
{
	struct reader_stats *rs = &sh->rs[idx];
	uint64_t s = (uint64_t)(idx + 1) * 0x9E3779B97F4A7C15ULL ^ getpid();

	while (!atomic_load(&sh->stop) && !atomic_load(&rs->failures)) {
		uint64_t r = rnd(&s) % 8;

		if (r < 5)
			reader_query(rs, &s);
		else if (r < 7 || idx != 0)
			reader_view(rs, &s);
		else
			retarget(rs, &s);
	}
}

static void *reader_thread(void *arg)
{
	reader_loop((int)(intptr_t)arg);
	return NULL;
}

/* --- setup of THP, KSM, zram swap --------------------------------------- */

struct knob {
	const char *path;
	const char *value;
	char saved[64];
	int set;
};

static struct knob knobs[] = {
	{ .path = THP_DIR "/enabled", .value = "always" },
	{ .path = THP_DIR "/defrag", .value = "madvise" },
	{ .path = THP_DIR "/khugepaged/scan_sleep_millisecs", .value = "0" },
	{ .path = THP_DIR "/khugepaged/alloc_sleep_millisecs", .value = "0" },
	{ .path = THP_DIR "/khugepaged/pages_to_scan", .value = "4096" },
	{ .path = KSM_DIR "/sleep_millisecs", .value = "0" },
	{ .path = KSM_DIR "/pages_to_scan", .value = "1000" },
	{ .path = KSM_DIR "/run", .value = "1" },
	/* children's pids are not reused while readers may still pick them */
	{ .path = "/proc/sys/kernel/pid_max", .value = "4194304" },
};

static void knobs_set(void)
{
	size_t i;
	char *p;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		struct knob *k = &knobs[i];

		if (read_file_str(k->path, k->saved, sizeof(k->saved)))
			continue;
		/* "always [madvise] never" -> "madvise" */
		p = strchr(k->saved, '[');
		if (p) {
			memmove(k->saved, p + 1, strlen(p));
			p = strchr(k->saved, ']');
			if (p)
				*p = 0;
		}
		p = strchr(k->saved, '\n');
		if (p)
			*p = 0;
		k->set = !write_file_str(k->path, k->value);
		if (!k->set)
			tap_diag("could not set %s to %s", k->path, k->value);
	}
}

static void knobs_restore(void)
{
	size_t i;

	for (i = ARRAY_SIZE(knobs); i-- > 0;)
		if (knobs[i].set)
			write_file_str(knobs[i].path, knobs[i].saved);
}

static int swap_on;
static int loaded_zram;

static void zram_setup(void)
{
	if (access("/sys/block/zram0", F_OK)) {
		if (system("insmod " KMODS "/zsmalloc.ko 2>/dev/null; insmod "
			   KMODS "/zram.ko 2>/dev/null") == -1)
			return;
		loaded_zram = !access("/sys/block/zram0", F_OK);
	}
	if (access("/sys/block/zram0", F_OK)) {
		tap_diag("no zram: MADV_PAGEOUT runs without swap");
		return;
	}
	if (write_file_str("/sys/block/zram0/disksize", "128M") ||
	    system("mkswap /dev/zram0 >/dev/null 2>&1") ||
	    swapon("/dev/zram0", 0)) {
		tap_diag("zram swap not set up: MADV_PAGEOUT runs without swap");
		return;
	}
	swap_on = 1;
}

static void zram_teardown(void)
{
	if (swap_on && swapoff("/dev/zram0"))
		tap_diag("swapoff /dev/zram0: %s", strerror(errno));
	if (swap_on || loaded_zram)
		write_file_str("/sys/block/zram0/reset", "1");
	if (loaded_zram && system("rmmod zram 2>/dev/null; rmmod zsmalloc 2>/dev/null"))
		tap_diag("rmmod zram failed");
}

/* --- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
	pthread_t th[NR_RTHREADS];
	pid_t rproc[NR_RPROCS];
	unsigned long ops[NR_OPS] = { 0 }, total_ops = 0;
	unsigned long walks = 0, esrch = 0, records = 0, texts = 0, tbytes = 0;
	unsigned long refused = 0, present = 0, thp = 0, ksm = 0, swp = 0;
	unsigned long cut = 0, failures = 0, freads = 0, fwords = 0;
	int secs = race_secs(argc, argv), i, j, fd, bad_exit = 0;
	double t0, raced;
	char buf[2 * MSG_LEN];

	tap_init();
	if (secs <= 0)
		secs = 1;
	fd = pts_open_r("query", O_RDWR);
	if (fd < 0) {
		tap_skip("ptscope.ko not loaded", "races");
		return tap_done();
	}
	close(fd);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		tap_ok(0, "shared memory: %s", strerror(errno));
		return tap_done();
	}
	i = read_iomem();
	if (!tap_ok(!i, "/proc/iomem lists System RAM (%d ranges, RAM ends at pfn %#llx)",
		    sh->nram, (unsigned long long)sh->ram_max_pfn))
		return tap_done();

	knobs_set();
	zram_setup();

	fflush(stdout);
	for (i = 0; i < NR_TARGETS; i++) {
		struct target *t = &sh->t[i];
		pid_t pid = fork();

		if (pid == 0)
			target_main(t, i + 1);
		t->pid = pid;
		if (pid < 0) {
			tap_ok(0, "fork target: %s", strerror(errno));
			sh->targets_stop = 1;
			return tap_done();
		}
	}
	for (i = 0; i < NR_TARGETS; i++) {
		struct target *t = &sh->t[i];

		while (!atomic_load(&t->ready))
			usleep(1000);
		target_snapshot(t);
		atomic_store(&t->ready, 2);
	}
	/* the view files need a target before the first read */
	fd = pts_open_r("target", O_WRONLY);
	i = fd < 0 ? fd : pts_writef(fd, "pid=%d\n", sh->t[0].pid);
	if (fd >= 0)
		close(fd);
	if (!tap_ok(!i, "global target set to target 0 (pid %d)", sh->t[0].pid))
		sh->stop = 1;
	tap_diag("%d targets, %d reader threads, %d reader processes, %d s; arena %lu MiB each",
		 NR_TARGETS, NR_RTHREADS, NR_RPROCS, secs, ARENA_SIZE >> 20);

	t0 = now();
	for (i = 0; i < NR_RPROCS; i++) {
		rproc[i] = fork();
		if (rproc[i] == 0) {
			reader_loop(NR_RTHREADS + i);
			_exit(0);
		}
	}
	for (i = 0; i < NR_RTHREADS; i++)
		pthread_create(&th[i], NULL, reader_thread, (void *)(intptr_t)i);

	while (now() - t0 < secs) {
		usleep(200000);
		for (i = 0; i < NR_READERS; i++)
			if (atomic_load(&sh->rs[i].failures))
				goto stop;
	}
stop:
	/* targets exit first, with readers still reading them (ESRCH) */
	atomic_store(&sh->targets_stop, 1);
	for (i = 0; i < NR_TARGETS; i++) {
		int st;

		if (waitpid(sh->t[i].pid, &st, 0) != sh->t[i].pid ||
		    !WIFEXITED(st) || WEXITSTATUS(st))
			bad_exit = 1;
	}
	usleep(500000);
	atomic_store(&sh->stop, 1);
	for (i = 0; i < NR_RTHREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < NR_RPROCS; i++)
		waitpid(rproc[i], NULL, 0);
	raced = now() - t0;

	knobs_restore();
	zram_teardown();

	for (i = 0; i < NR_TARGETS; i++)
		for (j = 0; j < NR_OPS; j++) {
			ops[j] += sh->t[i].ops[j];
			total_ops += sh->t[i].ops[j];
		}
	for (i = 0; i < NR_READERS; i++) {
		struct reader_stats *rs = &sh->rs[i];

		walks += rs->walks;
		esrch += rs->walks_esrch;
		records += rs->records;
		texts += rs->text_reads;
		tbytes += rs->text_bytes;
		refused += rs->write_refused;
		present += rs->present;
		thp += rs->thp;
		ksm += rs->ksm;
		swp += rs->swap;
		cut += rs->cut;
		freads += rs->frame_reads;
		fwords += rs->frame_words;
		failures += rs->failures;
		if (rs->failures)
			tap_diag("reader %d: %lu failures, first: %s", i,
				 (unsigned long)rs->failures, rs->msg);
	}
	buf[0] = 0;
	for (j = 0; j < NR_OPS; j++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " %s=%lu",
			 op_names[j], ops[j]);
	tap_diag("raced %.1f s: %lu walks completed (%lu cut short by ESRCH), %lu records, %lu text reads (%lu bytes), %lu query writes refused for gone children",
		 raced, walks, esrch, records, texts, tbytes, refused);
	tap_diag("target operations: %lu:%s", total_ops, buf);
	tap_diag("frames view: %lu preads, %lu words checked", freads, fwords);
	tap_diag("entries checked: %lu mapped, %lu THP, %lu KSM, %lu swap, %lu cut back by a huge page appearing",
		 present, thp, ksm, swp, cut);
	if (!swap_on)
		tap_diag("no swap entries expected: zram swap was not set up");

	tap_ok(!bad_exit, "targets ran their operations and exited cleanly");
	for (j = 0; j < NR_OPS; j++)
		if (!ops[j])
			break;
	tap_ok(j == NR_OPS, "every kind of target operation ran (%lu in all)",
	       total_ops);
	tap_ok(walks > 0 && texts > 0, "in %.0f s raced, readers completed %lu walks (%lu records) and %lu text reads against %lu target operations",
	       raced, walks, records, texts, total_ops);
	tap_ok(!failures, "every stream well formed, frames in RAM, addresses inside what the targets mapped, only documented errors (%lu failures)",
	       failures);
	(void)ksm;
	return tap_done();
}
