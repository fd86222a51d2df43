/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - the pieces of the ptscope benchmark (tests/bench/README.md):
 * target processes holding populated regions, timed walks of one range
 * through ptscope's binary stream and text view, /proc/PID/pagemap and
 * /proc/PID/smaps, the target's own mmap/munmap latency, and the kernel's
 * memory counters.
 *
 * Functions return 0 (or a count) on success and a negative errno on
 * failure; none of them prints.
 */
#ifndef PTSCOPE_BENCH_H
#define PTSCOPE_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BENCH_PAGE	4096ULL
#define BENCH_PMD	(2ULL << 20)

enum bench_kind {
	BENCH_4K,	/* every 4K page written, MADV_NOHUGEPAGE */
	BENCH_THP,	/* every page written, MADV_HUGEPAGE */
	BENCH_SPARSE,	/* one 4K page written every @stride bytes */
};

/* Latency samples the target can keep, per loop phase */
#define BENCH_LAT_MAX	(1u << 20)

/**
 * struct bench_ctl - shared between the benchmark and one target
 * @cmd:	BENCH_CMD_*, written by the benchmark
 * @state:	BENCH_ST_*, written by the target
 * @err:	errno of what failed in the target, 0 if nothing
 * @addr:	start of the region (2 MiB aligned)
 * @len:	its length
 * @populate_ns: time the target took to write the region
 * @nlat:	latency samples in @lat of the current or last loop phase
 * @loop_bytes:	size of the mapping the loop maps, touches and unmaps
 * @lat:	nanoseconds per loop iteration
 */
struct bench_ctl {
	volatile int cmd;
	volatile int state;
	volatile int err;
	uint64_t addr;
	uint64_t len;
	uint64_t populate_ns;
	volatile uint64_t nlat;
	uint64_t loop_bytes;
	uint64_t lat[BENCH_LAT_MAX];
};

enum { BENCH_CMD_HOLD, BENCH_CMD_LOOP, BENCH_CMD_EXIT };
enum { BENCH_ST_STARTING, BENCH_ST_READY, BENCH_ST_LOOPING, BENCH_ST_FAILED };

/**
 * struct bench_target - a target process
 * @name:	label in results ("4k-256M", ...)
 * @kind:	enum bench_kind
 * @pid:	the process
 * @ctl:	shared control block
 * @start:	first address of the region
 * @end:	end of the region
 * @stride:	BENCH_SPARSE: bytes between two written pages
 * @pages:	4K pages of the region
 * @mapped:	4K pages written (for THP: all pages of the region)
 * @populate_ns: time the target took to write the region
 * @loop_bytes:	size of the mapping its loop maps, touches and unmaps
 */
struct bench_target {
	char name[32];
	int kind;
	pid_t pid;
	struct bench_ctl *ctl;
	uint64_t start;
	uint64_t end;
	uint64_t stride;
	uint64_t pages;
	uint64_t mapped;
	uint64_t populate_ns;
	uint64_t loop_bytes;
};

/**
 * bench_target_start() - fork a target, wait until its region is written
 * @t: out
 * @name: label
 * @kind: enum bench_kind
 * @len: region length, a multiple of 2 MiB
 * @stride: BENCH_SPARSE only: distance between written pages
 * @cpu: CPU to pin the target to, or -1
 */
int bench_target_start(struct bench_target *t, const char *name, int kind,
		       uint64_t len, uint64_t stride, int cpu);

/** bench_target_stop() - end the target and reap it */
void bench_target_stop(struct bench_target *t);

/**
 * bench_loop_start() - the target starts its mmap/touch/munmap loop,
 * recording each iteration's latency; returns once it runs
 */
int bench_loop_start(struct bench_target *t);

/** bench_loop_stop() - stop the loop; the samples are in t->ctl->lat */
int bench_loop_stop(struct bench_target *t);

/** bench_now_ns() - CLOCK_MONOTONIC in nanoseconds */
uint64_t bench_now_ns(void);

/**
 * struct bench_walk - one timed read of a range
 * @ns:		wall time: open, query, every read, close
 * @bytes:	bytes read
 * @reads:	read() calls that returned data
 * @complete:	the answer ended properly (ptscope: END with error 0)
 */
struct bench_walk {
	uint64_t ns;
	uint64_t bytes;
	uint64_t reads;
	int complete;
};

/*
 * Reads use the caller's buffer (@buf, @size bytes, touched beforehand so
 * that no page fault is timed).  @size must be a multiple of 128.
 */
int bench_walk_records(pid_t pid, uint64_t start, uint64_t end, void *buf,
		       size_t size, struct bench_walk *w);
int bench_walk_pagemap(pid_t pid, uint64_t start, uint64_t end, void *buf,
		       size_t size, struct bench_walk *w);
/* ptscope's frames view (one word per page): complete when every word came */
int bench_walk_frames(pid_t pid, uint64_t start, uint64_t end, void *buf,
		      size_t size, struct bench_walk *w);
int bench_walk_smaps(pid_t pid, void *buf, size_t size, struct bench_walk *w);
int bench_walk_text(pid_t pid, uint64_t start, uint64_t end, const char *view,
		    void *buf, size_t size, struct bench_walk *w);

/**
 * struct bench_check - ptscope's binary stream against pagemap
 * @pages:	4K pages of the range
 * @pm_present:	pages pagemap shows present
 * @pts_present: pages covered by ptscope ENTRY records (present leaves)
 * @equal:	pages with the same frame in both
 * @mismatch:	pages present in one only, or with different frames
 * @entries:	ENTRY records
 * @records:	records in the stream
 * @first_bad:	address of the first mismatch
 * @complete:	the stream ended with END error 0
 */
struct bench_check {
	uint64_t pages;
	uint64_t pm_present;
	uint64_t pts_present;
	uint64_t equal;
	uint64_t mismatch;
	uint64_t entries;
	uint64_t records;
	uint64_t first_bad;
	int complete;
};

/**
 * bench_check_frames() - walk @start..@end with ptscope and pagemap
 * (untimed) and compare the frame of every 4K page
 * @pm: scratch for (end - start) / 4096 pagemap entries
 */
int bench_check_frames(pid_t pid, uint64_t start, uint64_t end, void *buf,
		       size_t size, uint64_t *pm, struct bench_check *c);

/**
 * struct bench_smaps_vma - smaps fields of the VMA holding an address
 */
struct bench_smaps_vma {
	uint64_t size_kb;
	uint64_t rss_kb;
	uint64_t anon_huge_kb;
	uint64_t total_size_kb;	/* all VMAs */
	uint64_t total_rss_kb;	/* all VMAs */
	int found;
};

/** bench_smaps_parse() - fields of the VMA at @addr in smaps text @txt */
int bench_smaps_parse(const char *txt, size_t len, uint64_t addr,
		      struct bench_smaps_vma *v);

/** bench_smaps_read() - read /proc/@pid/smaps into @buf and parse it */
int bench_smaps_read(pid_t pid, uint64_t addr, char *buf, size_t size,
		     struct bench_smaps_vma *v);

/**
 * struct bench_meminfo - /proc/meminfo fields in KiB
 */
struct bench_meminfo {
	int64_t slab;
	int64_t sunreclaim;
	int64_t vmalloc;
	int64_t memfree;
	int64_t pagetables;
};

/** bench_meminfo_read() - parse /proc/meminfo read through open @fd */
int bench_meminfo_read(int fd, struct bench_meminfo *m);

/**
 * struct bench_mem - kernel memory while ptscope walks a range
 * @base:	Slab + VmallocUsed (KiB) before the query file is opened
 * @peak:	highest Slab + VmallocUsed sampled while the walk runs
 * @after:	the same after the file is closed
 * @free_drop:	largest MemFree drop below the value before the walk
 * @samples:	samples taken during the walk (one per read)
 * @complete:	the answer was read to its end (records: END with error 0)
 */
struct bench_mem {
	int64_t base;
	int64_t peak;
	int64_t after;
	int64_t free_drop;
	uint64_t samples;
	int complete;
};

/**
 * bench_mem_walk() - walk a range through ptscope's @view ("records" or a
 * text view) reading @size bytes at a time, sampling /proc/meminfo after
 * the query is written and after every read
 */
int bench_mem_walk(pid_t pid, uint64_t start, uint64_t end, const char *view,
		   void *buf, size_t size, struct bench_mem *m);

/** bench_pin() - pin the calling thread to @cpu; 0 or -errno */
int bench_pin(int cpu);

/** bench_sort_u64() - sort ascending */
void bench_sort_u64(uint64_t *v, size_t n);

/** bench_pct() - the @p-th percentile (0..100) of sorted @v, nearest rank */
uint64_t bench_pct(const uint64_t *v, size_t n, double p);

/** bench_median() - median of @v (sorted in place) */
double bench_median(double *v, size_t n);

#endif /* PTSCOPE_BENCH_H */
