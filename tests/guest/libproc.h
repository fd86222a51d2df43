/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libproc.h - the kernel's own views of a process, used as oracles:
 * /proc/PID/maps, /proc/PID/pagemap, /proc/kpageflags, /proc/PID/stat.
 *
 * Every function returns 0 or a negative errno; none of them prints.
 */
#ifndef PTSCOPE_LIBPROC_H
#define PTSCOPE_LIBPROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define PG_SIZE		((uint64_t)4096)
#define PG_SHIFT	12

/* /proc/PID/pagemap bits, Documentation/admin-guide/mm/pagemap.rst */
#define PM_PFN_MASK	(((uint64_t)1 << 55) - 1)
#define PM_SOFT_DIRTY	(1ULL << 55)
#define PM_MMAP_EXCL	(1ULL << 56)
#define PM_UFFD_WP	(1ULL << 57)
#define PM_FILE		(1ULL << 61)
#define PM_SWAP		(1ULL << 62)
#define PM_PRESENT	(1ULL << 63)
#define PM_SWP_TYPE(pm)	((pm) & 0x1f)
#define PM_SWP_OFF(pm)	(((pm) >> 5) & ((1ULL << 50) - 1))

/* /proc/kpageflags bits, same document */
#define KPF_ANON	12
#define KPF_HUGE	17
#define KPF_THP		22
#define KPF_ZERO_PAGE	24
#define KPF_KSM		21

/** struct map_ent - one line of /proc/PID/maps */
struct map_ent {
	uint64_t start;
	uint64_t end;
	char perms[5];		/* "rw-p" */
	uint64_t offset;
	unsigned int dev_major;
	unsigned int dev_minor;
	uint64_t ino;
	char name[4096];	/* path, [heap], ... or "" */
};

/**
 * maps_read() - parse /proc/PID/maps.
 * @pid: process
 * @out: set to a malloc'ed array, free() it
 * @nr: set to the number of entries
 */
int maps_read(pid_t pid, struct map_ent **out, size_t *nr);

/** maps_equal() - true when two snapshots list the same VMAs */
int maps_equal(const struct map_ent *a, size_t na,
	       const struct map_ent *b, size_t nb);

/** pagemap_open() - open /proc/PID/pagemap read-only */
int pagemap_open(pid_t pid);

/**
 * pagemap_read() - read the pagemap entries of @npages pages from @va.
 * @fd: from pagemap_open()
 * @va: page-aligned virtual address
 * @npages: number of pages
 * @out: @npages entries
 */
int pagemap_read(int fd, uint64_t va, size_t npages, uint64_t *out);

/** kpageflags_read() - flags of frame @pfn from /proc/kpageflags */
int kpageflags_read(uint64_t pfn, uint64_t *flags);

/** proc_state() - the state letter of /proc/PID/stat ('R', 'Z', ...) */
int proc_state(pid_t pid, char *state);

/** proc_is_kthread() - 1 if PID is a kernel thread (PF_KTHREAD), else 0 */
int proc_is_kthread(pid_t pid);

/**
 * proc_drop_cap_sys_admin() - drop CAP_SYS_ADMIN from this process's
 * effective, permitted and inheritable sets, and check that it is gone
 *
 * Return: 0, or -errno (-EPERM when the capability is still effective).
 */
int proc_drop_cap_sys_admin(void);

/** read_file_str() - read a small text file into @buf (NUL terminated) */
int read_file_str(const char *path, char *buf, size_t size);

/** write_file_str() - write @s to @path in one write() */
int write_file_str(const char *path, const char *s);

/**
 * kconfig_get() - an option of the running kernel's config
 * @opt: "CONFIG_KSM"
 * @val: set to "y", "m", a value, or "n" for "is not set"
 * @size: size of @val
 *
 * Reads /boot/config-RELEASE, which the guest harness copies from the
 * booted image.  Return: 0, -ENOENT without a config, -ENODATA when the
 * option is not mentioned.
 */
int kconfig_get(const char *opt, char *val, size_t size);

/**
 * kconfig_why() - a skip reason naming a missing feature
 * @opt: the option the feature needs
 * @fallback: the reason when the config does not say it is off
 *
 * Return: "@opt is not set in this kernel's config" when it is off (or
 * "not in" it, when Kconfig left it out for unmet dependencies), else
 * @fallback (with the option's value when known).  A static buffer, one of
 * four used in turn.
 */
const char *kconfig_why(const char *opt, const char *fallback);

#endif /* PTSCOPE_LIBPROC_H */
