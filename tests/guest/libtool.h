/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libtool.h - for the tests of the ptscope command: run it and capture
 * its output, the kernel's views of a whole process at one moment (maps
 * and the pagemap entry of every mapped page), /proc/kpagecount, and a
 * zram swap device.
 */
#ifndef PTSCOPE_LIBTOOL_H
#define PTSCOPE_LIBTOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libproc.h"

#define PTSCOPE_BIN	"/ptscope/bin/ptscope"

/**
 * struct tool_out - what one run of ptscope printed
 * @out: standard output, NUL terminated (malloc'ed)
 * @err: standard error, NUL terminated, truncated
 * @status: exit status, or 128 + signal
 */
struct tool_out {
	char *out;
	char err[4096];
	int status;
};

/**
 * tool_run() - run ptscope with printf-formatted, blank-separated
 * arguments and capture its output.
 * Return: 0, or -errno when it could not be run.
 */
int tool_run(struct tool_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** tool_out_free() - release @o->out */
void tool_out_free(struct tool_out *o);

/**
 * tool_spawn_stdin() - start ptscope with a pipe as standard input and
 * its output to /dev/null; @wfd receives the pipe's write end.
 * Return: the pid, or -errno.
 */
pid_t tool_spawn_stdin(int *wfd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * struct pmsnap - a process at one moment: its VMAs and the pagemap
 * entry of every page in them (user space below 2^56 only)
 */
struct pmsnap {
	struct map_ent *maps;
	size_t nm;
	uint64_t **pm;		/* per VMA, one entry per page */
};

/** pmsnap_take() - read maps and pagemap of @pid */
int pmsnap_take(pid_t pid, struct pmsnap *s);

/** pmsnap_free() - release @s */
void pmsnap_free(struct pmsnap *s);

/**
 * pmsnap_at() - the pagemap entry of @va
 * Return: 1 with *@pm set when a VMA holds @va, else 0.
 */
int pmsnap_at(const struct pmsnap *s, uint64_t va, uint64_t *pm);

/** pmsnap_vma() - the VMA holding @va, or NULL */
const struct map_ent *pmsnap_vma(const struct pmsnap *s, uint64_t va);

/** pmsnap_same() - the two moments have the same maps and entries */
int pmsnap_same(const struct pmsnap *a, const struct pmsnap *b);

/** kpagecount_read() - /proc/kpagecount of frame @pfn */
int kpagecount_read(uint64_t pfn, uint64_t *count);

/**
 * swap_on() - a zram swap device (insmod zsmalloc and zram from
 * /lib/ptscope-kmods when needed, 64M, mkswap, swapon).
 * Return: 0, or -errno with @why filled.
 */
int swap_on(char *why, size_t len);

/** swap_off() - undo swap_on() */
void swap_off(void);

/**
 * struct cow_pair - a process P holding @npages pages of private
 * anonymous memory at @base (no THP; page i filled with byte i + 1) and
 * its child C forked after the fill, so every page is shared
 * copy-on-write.  Both are killed when the test exits.
 * @p: the parent (P), a child of the caller
 * @c: P's child (C)
 * @base: the region's address, the same in both
 * @npages: its size in pages
 * @cmd_p: closing it ends P (and so C)
 * @cmd_c: commands to C
 * @rsp: P's and C's answers
 */
struct cow_pair {
	pid_t p, c;
	uint64_t base;
	size_t npages;
	int cmd_p, cmd_c, rsp;
};

/**
 * cow_pair_start() - start P and C with @npages shared pages
 * Return: 0, or -errno (nothing left running).
 */
int cow_pair_start(struct cow_pair *f, size_t npages);

/**
 * cow_pair_child_write() - C writes one byte into each of the @n pages
 * @pages (indexes into the region), breaking their sharing; returns
 * once C has written them.
 * Return: 0, or -EIO.
 */
int cow_pair_child_write(struct cow_pair *f, const unsigned int *pages,
			 size_t n);

/** cow_pair_stop() - end P and C and wait for P */
void cow_pair_stop(struct cow_pair *f);

#endif /* PTSCOPE_LIBTOOL_H */
