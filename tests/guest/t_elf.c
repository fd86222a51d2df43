// SPDX-License-Identifier: GPL-2.0
/*
 * t_elf - "ptscope elf" audits processes built to break one rule each,
 * and passes a normal one; every reported range is checked against the
 * kernel's own views (/proc/PID/maps perms, /proc/PID/pagemap).
 *
 *   scn_elf_relro      -z relro -z now: no violation, exit 0; its maps
 *                      have no W+X mapping and a non-executable stack;
 *                      every page line's PAGE agrees with pagemap
 *   scn_elf_execstack  -z execstack: "execstack" on the [stack] range of
 *                      maps, whose perms have x; exit 1
 *   scn_elf_wx         an "awx" section: "wx" on a rwx mapping of maps,
 *                      "wx-segment" of the executable; with ptscope.ko,
 *                      "wx-pte" on pages of that mapping that pagemap
 *                      says are present; exit 1
 *   scn_elf_norelro    -z norelro: "no-relro" for the executable; exit 1
 *   scn_elf_relrorw    RELRO pages made writable again by the program:
 *                      "relro-writable" on a range that maps says is w
 *   scn_elf_textrel    text relocations: "text-cow" on pages that pagemap
 *                      says are present and anonymous (bit 61 clear) in
 *                      an r-x file mapping, and kpageflags says ANON
 * and bad input: no PID, a PID that does not exist, a bad option (exit 2).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libproc.h"
#include "librun.h"
#include "tap.h"

#define PTSCOPE_BIN	"/ptscope/bin/ptscope"
#define SCN_DIR		"/ptscope/tests/"

struct target {
	pid_t pid;
	int in;			/* its stdin: closing it ends it */
};

static int target_start(const char *name, struct target *t)
{
	char path[256], c;
	int in[2], out[2];

	snprintf(path, sizeof(path), SCN_DIR "%s", name);
	if (pipe(in) || pipe(out))
		return -1;
	fflush(stdout);
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (!t->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	t->in = in[1];
	/* "ready\n": main() runs, ld.so is done */
	while (read(out[0], &c, 1) == 1 && c != '\n')
		;
	close(out[0]);
	return c == '\n' ? 0 : -1;
}

static void target_stop(struct target *t)
{
	close(t->in);
	waitpid(t->pid, NULL, 0);
}

static int elf_json(pid_t pid, char **out)
{
	char spid[16];
	char *argv[] = { PTSCOPE_BIN, "-J", "elf", "--audit", spid, NULL };

	snprintf(spid, sizeof(spid), "%d", pid);
	return run_capture(argv, out, NULL);
}

/* the maps line covering [start, end) exactly or containing it */
static int maps_perms(pid_t pid, uint64_t start, uint64_t end, char *perms,
		      char *name, size_t nlen)
{
	struct map_ent *m;
	size_t n, i;
	int found = -1;

	if (maps_read(pid, &m, &n))
		return -1;
	for (i = 0; i < n; i++) {
		if (m[i].start <= start && m[i].end >= end) {
			memcpy(perms, m[i].perms, 5);
			snprintf(name, nlen, "%.200s", m[i].name);
			found = 0;
			break;
		}
	}
	free(m);
	return found;
}

static bool has_viol(const char *json, const char *kind, uint64_t *start,
		     uint64_t *end)
{
	const char *at;

	if (json_object_with(json, "kind", kind, &at))
		return false;
	if (start && (json_u64(at, "start", start) || json_u64(at, "end", end)))
		return false;
	return true;
}

static void check_normal(void)
{
	struct target t;
	struct map_ent *m;
	size_t n, i;
	bool wx = false, xstack = false;
	char *out = NULL;
	int rc;

	if (target_start("scn_elf_relro", &t)) {
		tap_ok(false, "scn_elf_relro starts");
		return;
	}
	rc = elf_json(t.pid, &out);
	if (!maps_read(t.pid, &m, &n)) {
		for (i = 0; i < n; i++) {
			if (strchr(m[i].perms, 'w') && strchr(m[i].perms, 'x'))
				wx = true;
			if (!strcmp(m[i].name, "[stack]") &&
			    strchr(m[i].perms, 'x'))
				xstack = true;
		}
		free(m);
	}
	tap_ok(!wx && !xstack, "normal: maps has no W+X mapping and a non-executable stack");
	if (!tap_ok(rc == 0, "normal (-z relro -z now): exit 0 (got %d)", rc))
		tap_diag("%.400s", out ? out : "");
	tap_ok(out && (strstr(out, "\"violations\":[]") ||
		       strstr(out, "\"violations\": []")),
	       "normal: no violations listed");
	tap_ok(out && json_object_with(out, "relro", "full", &(const char *){ 0 }) == 0,
	       "normal: an object with full RELRO");
	tap_ok(out && strstr(out, "\"pte_checked\":true"),
	       "normal: PTE bits checked with ptscope.ko");
	free(out);
	target_stop(&t);
}

/* page lines against pagemap: PAGE anon = present without bit 61 */
static void check_pages(void)
{
	char spid[16], state[16], key[64];
	char *argv[] = { PTSCOPE_BIN, "-J", "elf", spid, NULL };
	const char *p;
	struct target t;
	uint64_t addr, pm;
	size_t checked = 0, bad = 0;
	char *out = NULL;
	int fd, rc;

	if (target_start("scn_elf_textrel", &t)) {
		tap_ok(false, "scn_elf_textrel starts");
		return;
	}
	snprintf(spid, sizeof(spid), "%d", t.pid);
	rc = run_capture(argv, &out, NULL);
	fd = pagemap_open(t.pid);
	p = out ? strstr(out, "\"pages\"") : NULL;
	while (p && fd >= 0 && (p = strstr(p, "\"addr\":"))) {
		if (json_u64(p - 1, "addr", &addr) ||
		    !json_field(NULL, p, "page", state, sizeof(state)))
			break;
		p += 7;
		if (pagemap_read(fd, addr, 1, &pm))
			break;
		snprintf(key, sizeof(key), "%s",
			 !(pm >> 63) ? ((pm >> 62) & 1 ? "swap" : "none") :
			 (pm >> 61) & 1 ? "file" : "anon");
		checked++;
		if (strcmp(key, state)) {
			if (bad++ < 3)
				tap_diag("page 0x%" PRIx64 ": ptscope %s, pagemap %s",
					 addr, state, key);
		}
	}
	tap_ok(rc == 1 && checked > 10 && !bad,
	       "page lines: PAGE of %zu pages agrees with pagemap (%zu differ, exit %d)",
	       checked, bad, rc);
	if (fd >= 0)
		close(fd);
	free(out);
	target_stop(&t);
}

static void check_viol(const char *scn, const char *kind)
{
	struct target t;
	char *out = NULL;
	int rc;

	if (target_start(scn, &t)) {
		tap_ok(false, "%s starts", scn);
		return;
	}
	rc = elf_json(t.pid, &out);
	if (!tap_ok(rc == 1 && out && has_viol(out, kind, NULL, NULL),
		    "%s: %s reported, exit 1 (got %d)", scn, kind, rc))
		tap_diag("%.600s", out ? out : "");
	free(out);
	target_stop(&t);
}

static void check_perm_has(const char *scn, const char *kind, const char *want,
			   const char *what)
{
	char perms[8] = "", name[256] = "";
	uint64_t s = 0, e = 0;
	struct target t;
	char *out = NULL;
	int rc, r = -1;
	bool found;

	if (target_start(scn, &t)) {
		tap_ok(false, "%s starts", scn);
		return;
	}
	rc = elf_json(t.pid, &out);
	found = out && has_viol(out, kind, &s, &e);
	if (!tap_ok(rc == 1 && found, "%s: %s reported, exit 1 (got %d)", scn,
		    kind, rc))
		tap_diag("%.600s", out ? out : "");
	if (found)
		r = maps_perms(t.pid, s, e, perms, name, sizeof(name));
	tap_ok(found && !r && strspn(want, perms) == strlen(want),
	       "%s: maps: [0x%" PRIx64 ", 0x%" PRIx64 ") %s is %s (%s)", scn,
	       s, e, name, perms, what);
	free(out);
	target_stop(&t);
}

static void check_wx_pte(void)
{
	char perms[8] = "", name[256] = "";
	uint64_t s = 0, e = 0, a, pm;
	struct target t;
	char *out = NULL;
	int rc, fd;
	bool found, present = true;

	if (target_start("scn_elf_wx", &t)) {
		tap_ok(false, "scn_elf_wx starts");
		return;
	}
	rc = elf_json(t.pid, &out);
	found = out && has_viol(out, "wx-pte", &s, &e);
	if (!tap_ok(rc == 1 && found, "scn_elf_wx: wx-pte reported, exit 1 (got %d)", rc))
		tap_diag("%.600s", out ? out : "");
	fd = pagemap_open(t.pid);
	for (a = s; found && fd >= 0 && a < e; a += 4096)
		if (pagemap_read(fd, a, 1, &pm) || !(pm & PM_PRESENT))
			present = false;
	if (fd >= 0)
		close(fd);
	tap_ok(found && present && e > s &&
	       !maps_perms(t.pid, s, e, perms, name, sizeof(name)) &&
	       !strcmp(perms, "rwxp"),
	       "scn_elf_wx: wx-pte [0x%" PRIx64 ", 0x%" PRIx64 ") present (pagemap) in %s %s",
	       s, e, perms, name);
	free(out);
	target_stop(&t);
}

static void check_textrel(void)
{
	char perms[8] = "", name[256] = "";
	uint64_t s = 0, e = 0, a, pm;
	struct target t;
	char *out = NULL;
	int rc, fd;
	bool found, anon = true, kanon = true;
	uint64_t kpf;

	if (target_start("scn_elf_textrel", &t)) {
		tap_ok(false, "scn_elf_textrel starts");
		return;
	}
	rc = elf_json(t.pid, &out);
	found = out && has_viol(out, "text-cow", &s, &e);
	if (!tap_ok(rc == 1 && found, "textrel: text-cow reported, exit 1 (got %d)", rc))
		tap_diag("%.600s", out ? out : "");
	fd = pagemap_open(t.pid);
	for (a = s; found && fd >= 0 && a < e; a += 4096) {
		if (pagemap_read(fd, a, 1, &pm) || !(pm >> 63) ||
		    ((pm >> 61) & 1))
			anon = false;
		else if (kpageflags_read(pm & PM_PFN_MASK, &kpf) ||
			 !(kpf & (1ULL << KPF_ANON)))
			kanon = false;
	}
	if (fd >= 0)
		close(fd);
	tap_ok(found && anon && e > s &&
	       !maps_perms(t.pid, s, e, perms, name, sizeof(name)) &&
	       !strcmp(perms, "r-xp") && name[0] == '/',
	       "textrel: pagemap: [0x%" PRIx64 ", 0x%" PRIx64 ") present and anonymous in %s %s",
	       s, e, perms, name);
	tap_ok(found && anon && kanon,
	       "textrel: kpageflags: those pages are ANON");
	free(out);
	target_stop(&t);
}

static void check_bad_input(void)
{
	char *a1[] = { PTSCOPE_BIN, "elf", NULL };
	char *a2[] = { PTSCOPE_BIN, "elf", "999999999", NULL };
	char *a3[] = { PTSCOPE_BIN, "elf", "--bogus", "1", NULL };
	char *a4[] = { PTSCOPE_BIN, "elf", "12x", NULL };
	char *a5[] = { PTSCOPE_BIN, "-J", "elf", "999999999", NULL };
	char *out = NULL, *err = NULL;
	int rc;

	rc = run_capture(a1, &out, &err);
	tap_ok(rc == 2 && strstr(err, "expected PID"), "elf without PID: exit 2, says so (%d)", rc);
	free(out);
	free(err);
	rc = run_capture(a2, &out, &err);
	tap_ok(rc == 2 && strstr(err, "No such process"),
	       "elf on a missing PID: exit 2, 'No such process' (%d: %.100s)", rc, err);
	free(out);
	free(err);
	rc = run_capture(a3, &out, &err);
	tap_ok(rc == 2, "elf --bogus: exit 2 (%d)", rc);
	free(out);
	free(err);
	rc = run_capture(a4, &out, &err);
	tap_ok(rc == 2, "elf 12x: exit 2 (%d)", rc);
	free(out);
	free(err);
	rc = run_capture(a5, &out, &err);
	tap_ok(rc == 2 && strstr(out, "\"error\""), "elf -J on a missing PID: JSON error, exit 2 (%d)", rc);
	free(out);
	free(err);
}

int main(void)
{
	tap_init();
	check_normal();
	check_pages();
	check_perm_has("scn_elf_execstack", "execstack", "x",
		       "the stack is executable");
	check_perm_has("scn_elf_wx", "wx", "wx", "a W+X mapping");
	check_viol("scn_elf_wx", "wx-segment");
	check_wx_pte();
	check_viol("scn_elf_norelro", "no-relro");
	check_perm_has("scn_elf_relrorw", "relro-writable", "w",
		       "RELRO pages writable");
	check_textrel();
	check_bad_input();
	return tap_done();
}
