// SPDX-License-Identifier: GPL-2.0
/*
 * t_security: who may use ptscope, and that frames never leak.
 *
 *   - every file of /sys/kernel/debug/ptscope (listed from the directory)
 *     is refused, for reading, writing and both, to a non-root user (uid
 *     and gid 65534) and to root without CAP_SYS_ADMIN (dropped with
 *     capset, there being no setpriv or capsh in the guest); root without
 *     the capability gets EPERM from the module itself;
 *   - without CAP_SYS_ADMIN no frame number is ever shown: the kernel's own
 *     /proc/PID/pagemap gives PFN 0 (the oracle), and the ptscope tool,
 *     refused by the module, falls back to /proc, says it did and why, says
 *     frame numbers are hidden, and prints no frame, both as uid 65534 and
 *     as root without the capability;
 *   - a descriptor opened with the capability keeps working after it is
 *     dropped (checked at open, as for pagemap): the capability is the gate
 *     and dropping it later is the caller's own business.
 *
 * Lockdown is tested in its own boots by tests/vm/lockdown.sh (it cannot be
 * lowered once raised).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libproc.h"
#include "libpts.h"
#include "tap.h"

#define PTSCOPE_BIN	"/ptscope/bin/ptscope"
#define NOBODY		65534
#define MAX_FILES	32

static char names[MAX_FILES][256];
static int nfiles;

static int list_files(void)
{
	DIR *d = opendir(PTSCOPE_DEBUGFS_DIR);
	struct dirent *de;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && nfiles < MAX_FILES)
		if (de->d_name[0] != '.')
			snprintf(names[nfiles++], sizeof(names[0]), "%s",
				 de->d_name);
	closedir(d);
	return nfiles ? 0 : -ENOENT;
}

static int become_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return -errno;
	/* a uid change clears "dumpable", which locks /proc/self */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return -errno;
	return getuid() == NOBODY && geteuid() == NOBODY ? 0 : -EPERM;
}

/*
 * Root without CAP_SYS_ADMIN across execve(): root gets every capability
 * of the bounding set back at exec, so drop it from the bounding set too.
 */
static int drop_cap_for_exec(void)
{
	if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0))
		return -errno;
	return proc_drop_cap_sys_admin();
}

/*
 * In a child: become @who (0 nobody, 1 root without CAP_SYS_ADMIN), try
 * every file with every access mode; write one line per attempt to @out:
 * "name mode errno" (errno 0: opened!).
 */
static void try_opens(int who, int out)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	char path[512], line[400];
	int i, j, fd, err;

	err = who ? proc_drop_cap_sys_admin() : become_nobody();
	if (err) {
		dprintf(out, "setup - %d\n", -err);
		_exit(1);
	}
	for (i = 0; i < nfiles; i++)
		for (j = 0; j < 3; j++) {
			snprintf(path, sizeof(path), "%s/%s",
				 PTSCOPE_DEBUGFS_DIR, names[i]);
			fd = open(path, modes[j]);
			err = fd < 0 ? errno : 0;
			if (fd >= 0)
				close(fd);
			snprintf(line, sizeof(line), "%s %d %d\n", names[i],
				 modes[j], err);
			if (write(out, line, strlen(line)) < 0)
				_exit(1);
		}
	_exit(0);
}

static void test_refused(int who)
{
	const char *whom = who ? "root without CAP_SYS_ADMIN" : "uid 65534";
	char buf[16384], name[256], why[512] = "";
	int p[2], opened = 0, other = 0, tries = 0, mode, e, want;
	FILE *f;
	pid_t kid;

	if (pipe(p))
		return;
	fflush(stdout);
	kid = fork();
	if (kid == 0) {
		close(p[0]);
		try_opens(who, p[1]);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	while (f && fgets(buf, sizeof(buf), f)) {
		if (sscanf(buf, "%255s %d %d", name, &mode, &e) != 3)
			continue;
		if (!strcmp(name, "setup")) {
			snprintf(why, sizeof(why), "could not become %s: %s",
				 whom, strerror(e));
			other++;
			continue;
		}
		tries++;
		/*
		 * root without the capability passes the permission bits and
		 * meets the module's capable() check: EPERM.  uid 65534 is
		 * stopped by the bits (debugfs's 0700 root, the files' 0600
		 * and 0400): EACCES.
		 */
		want = who ? EPERM : EACCES;
		if (!e) {
			opened++;
			snprintf(why, sizeof(why), "%s opened %s (flags %d)",
				 whom, name, mode);
		} else if (e != want) {
			other++;
			snprintf(why, sizeof(why), "%s: %s (flags %d): %s, want %s",
				 whom, name, mode, strerror(e), strerror(want));
		}
	}
	if (f)
		fclose(f);
	waitpid(kid, NULL, 0);
	tap_ok(tries == 3 * nfiles && !opened && !other,
	       "every file (%d) refused to %s for read, write and both: %d of %d attempts %s%s%s",
	       nfiles, whom, tries - opened - other, tries,
	       who ? "EPERM" : "EACCES", why[0] ? "; " : "", why);
}

/* run the tool as @who on @pid; its stdout and stderr into the buffers */
static int run_tool(int who, pid_t pid, char *out, size_t olen, char *err,
		    size_t elen)
{
	int po[2], pe[2], st;
	char spid[16];
	ssize_t n;
	size_t no = 0, ne = 0;
	pid_t kid;

	if (pipe(po) || pipe(pe))
		return -errno;
	snprintf(spid, sizeof(spid), "%d", pid);
	fflush(stdout);
	kid = fork();
	if (kid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		if (who ? drop_cap_for_exec() : become_nobody())
			_exit(126);
		execl(PTSCOPE_BIN, "ptscope", "-J", "pt", "show", spid,
		      (char *)NULL);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	/* the output is small: read stdout to EOF, then stderr */
	while (no + 1 < olen && (n = read(po[0], out + no, olen - 1 - no)) > 0)
		no += n;
	while (ne + 1 < elen && (n = read(pe[0], err + ne, elen - 1 - ne)) > 0)
		ne += n;
	out[no] = 0;
	err[ne] = 0;
	close(po[0]);
	close(pe[0]);
	waitpid(kid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* count "pfn": values in the JSON that are neither null nor 0 */
static int json_frames(const char *js, int *nnull)
{
	const char *p = js;
	int frames = 0;

	*nnull = 0;
	while ((p = strstr(p, "\"pfn\":"))) {
		p += 6;
		while (*p == ' ')
			p++;
		if (!strncmp(p, "null", 4))
			(*nnull)++;
		else if (strtoull(p, NULL, 0))
			frames++;
	}
	return frames;
}

static void test_tool(int who, pid_t target)
{
	const char *whom = who ? "root without CAP_SYS_ADMIN" : "uid 65534";
	static char out[1 << 20], err[16384];
	int rc, frames, nnull;

	rc = run_tool(who, target, out, sizeof(out), err, sizeof(err));
	if (!tap_ok(rc == 0, "ptscope pt show as %s runs (exit %d)", whom, rc)) {
		tap_diag("stderr: %.300s", err);
		tap_diag("stdout: %.300s", out);
		return;
	}
	frames = json_frames(out, &nnull);
	tap_ok(!frames && nnull > 0,
	       "as %s the tool prints no frame (%d entries with pfn null, %d with a frame)",
	       whom, nnull, frames);
	tap_ok(strstr(out, "\"source\":\"proc\"") &&
	       strstr(out, "ptscope.ko not available") &&
	       strstr(out, strerror(who ? EPERM : EACCES)) &&
	       strstr(out, "frame numbers are hidden"),
	       "as %s the tool says it fell back to /proc, why (%s), and that frames are hidden",
	       whom, strerror(who ? EPERM : EACCES));
	if (!strstr(out, "frame numbers are hidden"))
		tap_diag("output: %.400s", out);
}

/* the oracle: pagemap as @who shows no PFN for a page that has one */
static void test_pagemap(int who)
{
	const char *whom = who ? "root without CAP_SYS_ADMIN" : "uid 65534";
	volatile char *page;
	uint64_t pm = 0, pm_root = 0;
	int p[2], fd, st;
	pid_t kid;

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || pipe(p))
		return;
	page[0] = 1;
	fd = pagemap_open(getpid());
	if (fd >= 0) {
		pagemap_read(fd, (uint64_t)page, 1, &pm_root);
		close(fd);
	}
	fflush(stdout);
	kid = fork();
	if (kid == 0) {
		if (who ? proc_drop_cap_sys_admin() : become_nobody())
			_exit(1);
		/* a shared page is not mapped in a child until touched */
		(void)page[0];
		fd = open("/proc/self/pagemap", O_RDONLY);
		if (fd < 0 || pread(fd, &pm, 8, (uint64_t)page / 4096 * 8) != 8)
			_exit(2);
		if (write(p[1], &pm, 8) != 8)
			_exit(3);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &pm, 8) != 8)
		pm = ~0ULL;
	close(p[0]);
	waitpid(kid, &st, 0);
	tap_ok((pm_root & PM_PRESENT) && (pm_root & PM_PFN_MASK) &&
	       (pm & PM_PRESENT) && !(pm & PM_PFN_MASK),
	       "oracle: pagemap shows the frame to root (%#llx) and PFN 0 to %s (%#llx)",
	       (unsigned long long)(pm_root & PM_PFN_MASK), whom,
	       (unsigned long long)pm);
	munmap((void *)page, 4096);
}

/* opened with the capability, the descriptor keeps working without it */
static void test_open_then_drop(void)
{
	struct pts_stream st;
	int fd, p[2], r = -1, status;
	pid_t kid;

	if (pipe(p))
		return;
	fflush(stdout);
	kid = fork();
	if (kid == 0) {
		fd = pts_open("query", O_RDWR);
		if (fd < 0 || proc_drop_cap_sys_admin() ||
		    pts_writef(fd, "pid=%d", getpid()) ||
		    pts_stream_read(fd, 8, &st) || st.end < 0)
			r = 1;
		else
			r = 0;
		if (write(p[1], &r, sizeof(r)) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &r, sizeof(r)) != sizeof(r))
		r = -1;
	close(p[0]);
	waitpid(kid, &status, 0);
	tap_ok(r == 0, "a query descriptor opened with CAP_SYS_ADMIN still answers after the capability is dropped (checked at open, like pagemap)");
}

int main(void)
{
	pid_t target;

	tap_init();
	if (geteuid() != 0) {
		tap_skip("not root", "security");
		return tap_done();
	}
	if (list_files()) {
		tap_skip("ptscope.ko not loaded (no " PTSCOPE_DEBUGFS_DIR ")",
			 "security");
		return tap_done();
	}
	test_refused(0);
	test_refused(1);
	test_pagemap(0);
	test_pagemap(1);

	/* a target owned by uid 65534, with a few pages touched */
	fflush(stdout);
	target = fork();
	if (target == 0) {
		char *m;

		if (become_nobody())
			_exit(1);
		m = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED)
			memset(m, 1, 64 * 4096);
		pause();
		_exit(0);
	}
	usleep(200000);
	if (access(PTSCOPE_BIN, X_OK)) {
		tap_skip("no " PTSCOPE_BIN, "tool as uid 65534");
		tap_skip("no " PTSCOPE_BIN, "tool without CAP_SYS_ADMIN");
	} else {
		test_tool(0, target);
		test_tool(1, target);
	}
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	test_open_then_drop();
	return tap_done();
}
