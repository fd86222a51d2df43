// SPDX-License-Identifier: GPL-2.0
/*
 * t_bench_smoke - a few seconds of the benchmark's code (bench.c) on small
 * targets, so that `make check` notices when `make bench` would break:
 * ptscope's frames equal pagemap's for every page of a 16 MiB 4K-populated
 * range and of a sparse one, every timed walk (records, pagemap, smaps,
 * ptes) is complete and well formed, the target's latency loop records
 * samples, and the memory sampler reads /proc/meminfo during a walk.
 * Nothing here judges speed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "tap.h"

#define BUF	(1u << 20)

static void check_frames(struct bench_target *t, void *buf, uint64_t *pm)
{
	struct bench_check c;
	int err;

	err = bench_check_frames(t->pid, t->start, t->end, buf, BUF, pm, &c);
	tap_ok(!err && c.complete, "%s: ptscope stream and pagemap read "
	       "completely (err %d)", t->name, err);
	tap_ok(!c.mismatch && c.equal == c.pm_present && c.equal >= t->mapped,
	       "%s: frames equal pagemap's for every page (%" PRIu64
	       " present, %" PRIu64 " equal, %" PRIu64 " mismatched)",
	       t->name, c.pm_present, c.equal, c.mismatch);
}

int main(void)
{
	struct bench_target t, sp;
	struct bench_smaps_vma sm;
	struct bench_walk w;
	struct bench_mem m;
	uint64_t *pm;
	char *buf;
	int err, i;

	tap_init();
	buf = malloc(BUF);
	pm = calloc((32u << 20) / 4096, sizeof(*pm));
	if (!buf || !pm) {
		tap_ok(0, "buffers allocated");
		return tap_done();
	}
	memset(buf, 0, BUF);

	err = bench_target_start(&t, "4k-16M", BENCH_4K, 16u << 20, 0, -1);
	if (!tap_ok(!err, "a 16 MiB 4K-populated target (err %d)", err))
		return tap_done();
	check_frames(&t, buf, pm);

	err = bench_smaps_read(t.pid, t.start, buf, BUF, &sm);
	tap_ok(!err && sm.size_kb == 16384 && sm.rss_kb == 16384 &&
	       !sm.anon_huge_kb, "smaps: region of 16384 kB, all resident, "
	       "no THP (Size %" PRIu64 " Rss %" PRIu64 " AnonHugePages %" PRIu64
	       ")", sm.size_kb, sm.rss_kb, sm.anon_huge_kb);

	err = bench_walk_records(t.pid, t.start, t.end, buf, BUF, &w);
	/* header, VMA, 4096 entries, stats, end */
	tap_ok(!err && w.complete && w.ns > 0 && w.bytes == (4096 + 4) * 128,
	       "records walk: complete, %" PRIu64 " bytes (expected %u)",
	       w.bytes, (4096 + 4) * 128);
	err = bench_walk_pagemap(t.pid, t.start, t.end, buf, BUF, &w);
	tap_ok(!err && w.complete && w.ns > 0 && w.bytes == 4096 * 8,
	       "pagemap walk: complete, %" PRIu64 " bytes", w.bytes);
	err = bench_walk_smaps(t.pid, buf, BUF, &w);
	tap_ok(!err && w.complete && w.ns > 0, "smaps read: complete, %"
	       PRIu64 " bytes", w.bytes);
	err = bench_walk_text(t.pid, t.start, t.end, "ptes", buf, BUF, &w);
	tap_ok(!err && w.complete && w.ns > 0 && w.bytes > 4096 * 40,
	       "ptes text walk: complete, %" PRIu64 " bytes", w.bytes);

	err = bench_loop_start(&t);
	for (i = 0; !err && i < 3; i++)
		err = bench_walk_records(t.pid, t.start, t.end, buf, BUF, &w);
	if (!err)
		err = bench_loop_stop(&t);
	tap_ok(!err && t.ctl->nlat > 0, "the target's mmap/munmap loop ran "
	       "during walks (%" PRIu64 " iterations, err %d)", t.ctl->nlat, err);

	err = bench_mem_walk(t.pid, t.start, t.end, "records", buf, 64 * 128, &m);
	tap_ok(!err && m.complete && m.samples >= 4096 / 64 && m.base > 0,
	       "memory sampled during a walk (%" PRIu64 " samples, Slab+Vmalloc "
	       "%" PRId64 " KiB before, +%" PRId64 " KiB peak)", m.samples,
	       m.base, m.peak - m.base);
	bench_target_stop(&t);

	err = bench_target_start(&sp, "sparse-32M", BENCH_SPARSE, 32u << 20,
				 2u << 20, -1);
	if (tap_ok(!err, "a sparse target: one page every 2 MiB over 32 MiB "
		   "(err %d)", err)) {
		check_frames(&sp, buf, pm);
		bench_target_stop(&sp);
	}
	return tap_done();
}
