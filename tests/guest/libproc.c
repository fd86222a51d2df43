// SPDX-License-Identifier: GPL-2.0
/*
 * libproc.c - parsers for the kernel's own views of a process, see libproc.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "libproc.h"

#define PF_KTHREAD_FLAG	0x00200000UL

static int parse_maps_line(const char *line, struct map_ent *e)
{
	unsigned long long start, end, off, ino;
	unsigned int maj, min;
	char perms[8];
	int n = 0;
	const char *p;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end,
		   perms, &off, &maj, &min, &ino, &n) < 7 || !n)
		return -EINVAL;
	if (strlen(perms) != 4)
		return -EINVAL;
	e->start = start;
	e->end = end;
	memcpy(e->perms, perms, 5);
	e->offset = off;
	e->dev_major = maj;
	e->dev_minor = min;
	e->ino = ino;
	/* The name is the rest of the line; it may contain blanks. */
	p = line + n;
	snprintf(e->name, sizeof(e->name), "%s", p);
	e->name[strcspn(e->name, "\n")] = '\0';
	return 0;
}

int maps_read(pid_t pid, struct map_ent **out, size_t *nr)
{
	struct map_ent *v = NULL, *nv;
	size_t n = 0, cap = 0;
	char path[64], *line = NULL;
	size_t linecap = 0;
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &linecap, f) > 0) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				ret = -ENOMEM;
				goto out_free;
			}
			v = nv;
		}
		ret = parse_maps_line(line, &v[n]);
		if (ret)
			goto out_free;
		n++;
	}
	*out = v;
	*nr = n;
	free(line);
	fclose(f);
	return 0;

out_free:
	free(v);
	free(line);
	fclose(f);
	return ret;
}

int maps_equal(const struct map_ent *a, size_t na,
	       const struct map_ent *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		if (a[i].start != b[i].start || a[i].end != b[i].end ||
		    strcmp(a[i].perms, b[i].perms) ||
		    strcmp(a[i].name, b[i].name))
			return 0;
	}
	return 1;
}

int pagemap_open(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int pagemap_read(int fd, uint64_t va, size_t npages, uint64_t *out)
{
	size_t done = 0;

	/* pagemap is read in bounded chunks: it is one u64 per page. */
	while (done < npages) {
		size_t chunk = npages - done > 65536 ? 65536 : npages - done;
		off_t off = (off_t)(((va >> PG_SHIFT) + done) * 8);
		ssize_t r = pread(fd, out + done, chunk * 8, off);

		if (r < 0)
			return -errno;
		if (r == 0 || r % 8)
			return -EIO;
		done += (size_t)r / 8;
	}
	return 0;
}

static int read_u64_at(const char *path, uint64_t idx, uint64_t *val)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = pread(fd, val, 8, (off_t)(idx * 8));
	close(fd);
	if (r < 0)
		return -errno;
	return r == 8 ? 0 : -EIO;
}

int kpageflags_read(uint64_t pfn, uint64_t *flags)
{
	return read_u64_at("/proc/kpageflags", pfn, flags);
}

/* Fields after the "(comm)" of /proc/PID/stat, from field 3 (state) on. */
static int stat_tail(pid_t pid, char *buf, size_t size, char **tail)
{
	char path[64], *p;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	ret = read_file_str(path, buf, size);
	if (ret)
		return ret;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -EINVAL;
	*tail = p + 2;
	return 0;
}

int proc_state(pid_t pid, char *state)
{
	char buf[1024], *t;
	int ret = stat_tail(pid, buf, sizeof(buf), &t);

	if (ret)
		return ret;
	*state = t[0];
	return 0;
}

int proc_is_kthread(pid_t pid)
{
	char buf[1024], *t;
	unsigned long flags;
	int ret = stat_tail(pid, buf, sizeof(buf), &t);

	if (ret)
		return ret;
	/* state ppid pgrp session tty_nr tpgid flags */
	if (sscanf(t, "%*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return -EINVAL;
	return !!(flags & PF_KTHREAD_FLAG);
}

int read_file_str(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t done = 0;
	ssize_t r;

	if (fd < 0)
		return -errno;
	while (done + 1 < size) {
		r = read(fd, buf + done, size - 1 - done);
		if (r < 0) {
			r = -errno;
			close(fd);
			return (int)r;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	buf[done] = '\0';
	close(fd);
	return 0;
}

int write_file_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t r;
	int ret = 0;

	if (fd < 0)
		return -errno;
	r = write(fd, s, strlen(s));
	if (r < 0)
		ret = -errno;
	else if ((size_t)r != strlen(s))
		ret = -EIO;
	close(fd);
	return ret;
}

int proc_drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	unsigned int w = CAP_SYS_ADMIN / 32, b = 1U << (CAP_SYS_ADMIN % 32);

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[w].effective &= ~b;
	d[w].permitted &= ~b;
	d[w].inheritable &= ~b;
	if (syscall(SYS_capset, &h, d))
		return -errno;
	if (syscall(SYS_capget, &h, d))
		return -errno;
	return (d[w].effective & b) ? -EPERM : 0;
}

int kconfig_get(const char *opt, char *val, size_t size)
{
	char path[300], line[512];
	struct utsname u;
	size_t n = strlen(opt);
	FILE *f;
	int ret = -ENODATA;

	if (uname(&u))
		return -errno;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, opt, n) && line[n] == '=') {
			snprintf(val, size, "%s", line + n + 1);
			ret = 0;
			break;
		}
		if (!strncmp(line, "# ", 2) && !strncmp(line + 2, opt, n) &&
		    !strcmp(line + 2 + n, " is not set")) {
			snprintf(val, size, "n");
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

const char *kconfig_why(const char *opt, const char *fallback)
{
	static char why[4][160];
	static unsigned int slot;
	char val[64];
	char *w = why[slot++ % ARRAY_SIZE(why)];
	int err = kconfig_get(opt, val, sizeof(val));

	if (err == -ENODATA)	/* Kconfig leaves out options it cannot offer */
		snprintf(w, sizeof(why[0]), "%s is not in this kernel's config (its dependencies are not met)", opt);
	else if (err)
		snprintf(w, sizeof(why[0]), "%s", fallback);
	else if (!strcmp(val, "n"))
		snprintf(w, sizeof(why[0]), "%s is not set in this kernel's config", opt);
	else
		snprintf(w, sizeof(why[0]), "%s (%s=%s)", fallback, opt, val);
	return w;
}
