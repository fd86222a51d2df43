// SPDX-License-Identifier: GPL-2.0
/*
 * t_tool_ptscope - the ptscope command against the kernel's own views.
 *
 * A scenario child (scenario.h) holds known page state.  The test runs
 * /ptscope/bin/ptscope on it and compares:
 *   pt show --all -J      frames of every present page = /proc/PID/pagemap,
 *                         both ways, and every entry = the module's own
 *                         text view "ptes" (va, level, frame);
 *   --source proc pt ...  the /proc path gives the same frames;
 *   vma show -J           = /proc/PID/maps (range, perms, offset, dev,
 *                         inode, name);
 *   vtop -J               = pagemap for every scenario probe; --explain
 *                         gives the table walk when the module has
 *                         view=levels;
 *   layout show -J/--svg  boundaries of this paging mode, contiguous
 *                         regions, a well-formed-looking SVG;
 *   flush                 the module's answer, or the clear error of a
 *                         module without the flush interface; bad ranges
 *                         are usage errors.
 * Output is parsed with the tiny JSON reader below.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libjson.h"
#include "libproc.h"
#include "libpts.h"
#include "scenario.h"
#include "tap.h"

#define PTSCOPE_BIN	"/ptscope/bin/ptscope"
#define MAX_DIAG	6
#define TRIES		3

/* ------------------------------------------------------------------ */
/* running the tool                                                     */

static char *out_buf;
static char err_buf[4096];

/* run ptscope with printf-formatted, blank-separated arguments */
static int run(const char *fmt, ...)
{
	char line[1024], *argv[32], *tok, *save = NULL;
	char errpath[] = "/tmp/t_tool_err_XXXXXX";
	size_t len = 0, cap = 1 << 16;
	int p[2], efd, argc = 0, st;
	va_list ap;
	ssize_t n;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	argv[argc++] = PTSCOPE_BIN;
	for (tok = strtok_r(line, " ", &save); tok && argc < 31;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;

	efd = mkstemp(errpath);
	if (efd < 0 || pipe(p))
		return -1;
	unlink(errpath);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(p[1], 1);
		dup2(efd, 2);
		close(p[0]);
		execv(PTSCOPE_BIN, argv);
		_exit(127);
	}
	close(p[1]);
	free(out_buf);
	out_buf = malloc(cap);
	while (out_buf && (n = read(p[0], out_buf + len, cap - len - 1)) > 0) {
		len += n;
		if (len + 1 == cap)
			out_buf = realloc(out_buf, cap *= 2);
	}
	close(p[0]);
	if (out_buf)
		out_buf[len] = '\0';
	waitpid(pid, &st, 0);
	n = pread(efd, err_buf, sizeof(err_buf) - 1, 0);
	err_buf[n > 0 ? n : 0] = '\0';
	close(efd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* run, expect exit 0 and JSON; NULL (reported) otherwise */
static struct jv *run_json(const char *what, const char *fmt, ...)
{
	char line[1024];
	struct jv *v;
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	st = run("%s", line);
	if (st) {
		tap_ok(false, "%s: ptscope %s: exit %d: %s", what, line, st,
		       err_buf);
		return NULL;
	}
	v = jv_parse(out_buf);
	if (!v)
		tap_ok(false, "%s: ptscope %s: output is not JSON", what, line);
	return v;
}

/* ------------------------------------------------------------------ */
/* pt show --all against pagemap and the module's ptes                  */

struct ent {
	uint64_t va, size, pfn;
	int present;
	char level[8];
};

static int ents_from_json(const struct jv *root, struct ent **out, size_t *nr)
{
	const struct jv *a = jv_get(root, "entries"), *e;
	struct ent *v;
	size_t i, n = 0;

	if (!a || a->type != JV_ARR)
		return -EPROTO;
	v = calloc(a->n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < a->n; i++) {
		e = a->v[i];
		if (!jv_s(e, "type") || !strcmp(jv_s(e, "type"), "hole"))
			continue;
		v[n].va = jv_u64(e, "start");
		v[n].size = jv_u64(e, "size");
		v[n].pfn = jv_u64(e, "pfn");
		v[n].present = !strcmp(jv_s(e, "type"), "present");
		snprintf(v[n].level, sizeof(v[n].level), "%s",
			 jv_s(e, "level") ? jv_s(e, "level") : "-");
		n++;
	}
	*out = v;
	*nr = n;
	return 0;
}

static struct ent *find_ent(struct ent *v, size_t n, uint64_t va)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (va < v[mid].va)
			hi = mid;
		else if (va >= v[mid].va + v[mid].size)
			lo = mid + 1;
		else
			return &v[mid];
	}
	return NULL;
}

/* every pagemap-present page has the tool's frame, and vice versa */
static unsigned long cmp_pagemap(pid_t pid, struct ent *v, size_t n,
				 const char *what, int diag)
{
	struct map_ent *maps = NULL;
	unsigned long bad = 0;
	uint64_t va, pm, pfn;
	struct ent *e;
	size_t i, nm;
	int fd;

	if (maps_read(pid, &maps, &nm))
		return 1;
	fd = pagemap_open(pid);
	if (fd < 0) {
		free(maps);
		return 1;
	}
	for (i = 0; i < nm; i++) {
		if (maps[i].start >= (1ULL << 56))
			continue;	/* [vsyscall] */
		for (va = maps[i].start; va < maps[i].end; va += PG_SIZE) {
			if (pagemap_read(fd, va, 1, &pm))
				continue;
			e = find_ent(v, n, va);
			pfn = pm & PM_PFN_MASK;
			if (!(pm & PM_PRESENT)) {
				if (e && e->present) {
					if (diag && bad < MAX_DIAG)
						tap_diag("%s: 0x%" PRIx64 " present in ptscope, not in pagemap",
							 what, va);
					bad++;
				}
				continue;
			}
			if (!e || !e->present ||
			    e->pfn + ((va - e->va) >> PG_SHIFT) != pfn) {
				if (diag && bad < MAX_DIAG)
					tap_diag("%s: 0x%" PRIx64 " pagemap pfn 0x%" PRIx64 ", ptscope %s 0x%" PRIx64,
						 what, va, pfn,
						 e ? (e->present ? "pfn" : "not present") : "no entry",
						 e && e->present ? e->pfn + ((va - e->va) >> PG_SHIFT) : 0);
				bad++;
			}
		}
	}
	close(fd);
	free(maps);
	return bad;
}

/* the module's "ptes" text: "0xVA LEVEL 0xRAW 0xPFN FLAGS | STATE" */
static unsigned long cmp_ptes(pid_t pid, struct ent *v, size_t n, int diag,
			      size_t *lines)
{
	unsigned long long va, raw, pfn;
	unsigned long bad = 0;
	char *text = NULL, *line, *nl, lvl[8];
	struct ent *e;
	long len;
	char q[32];
	int fd;

	*lines = 0;
	fd = pts_open("target", O_RDWR);
	if (fd < 0)
		return 1;
	snprintf(q, sizeof(q), "pid=%d\n", pid);
	if (pts_write_line(fd, q)) {
		close(fd);
		return 1;
	}
	close(fd);
	fd = pts_open("ptes", O_RDONLY);
	if (fd < 0)
		return 1;
	len = pts_read_text_fd(fd, &text);
	close(fd);
	if (len < 0)
		return 1;
	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (sscanf(line, "0x%llx %7s 0x%llx 0x%llx", &va, lvl, &raw,
			   &pfn) != 4)
			continue;
		(*lines)++;
		e = find_ent(v, n, va);
		if (e && e->va == va && !strcmp(e->level, lvl) &&
		    (!e->present || e->pfn == pfn))
			continue;
		if (diag && bad < MAX_DIAG)
			tap_diag("ptes: 0x%llx %s pfn 0x%llx; ptscope: %s",
				 va, lvl, pfn, e ? "differs" : "no entry");
		bad++;
	}
	free(text);
	return bad;
}

static void test_pt(const struct scn *s)
{
	unsigned long bad_pm = 1, bad_ptes = 1, bad_proc = 1;
	struct ent *v = NULL, *pv = NULL;
	size_t n = 0, pn = 0, lines = 0;
	struct jv *j;
	int t;

	for (t = 0; t < TRIES && (bad_pm || bad_ptes); t++) {
		free(v);
		v = NULL;
		j = run_json("pt show", "-J pt show --all %d", s->pid);
		if (!j)
			return;
		if (ents_from_json(j, &v, &n)) {
			tap_ok(false, "pt show -J: no \"entries\" array");
			jv_free(j);
			return;
		}
		if (t == 0)
			tap_ok(!strcmp(jv_s(j, "source") ?: "", "module"),
			       "pt show -J: source is the module");
		jv_free(j);
		bad_pm = cmp_pagemap(s->pid, v, n, "pt", t == TRIES - 1);
		bad_ptes = cmp_ptes(s->pid, v, n, t == TRIES - 1, &lines);
	}
	tap_ok(!bad_pm, "pt show --all -J: frames of every present page = /proc/PID/pagemap (%zu entries, %lu mismatches)",
	       n, bad_pm);
	tap_ok(!bad_ptes && lines > 0,
	       "pt show --all -J: every entry of the module's ptes view (%zu lines) has the same va, level and frame (%lu mismatches)",
	       lines, bad_ptes);

	for (t = 0; t < TRIES && bad_proc; t++) {
		free(pv);
		pv = NULL;
		j = run_json("proc", "-J --source proc pt show --all %d",
			     s->pid);
		if (!j)
			break;
		if (!ents_from_json(j, &pv, &pn))
			bad_proc = cmp_pagemap(s->pid, pv, pn, "proc",
					       t == TRIES - 1);
		if (t == 0)
			tap_ok(!strcmp(jv_s(j, "source") ?: "", "proc"),
			       "--source proc: source is proc");
		jv_free(j);
	}
	tap_ok(!bad_proc, "--source proc pt show: the same frames as pagemap and the module (%zu entries)",
	       pn);
	free(pv);
	free(v);
}

/* ------------------------------------------------------------------ */
/* vma show against maps                                                */

static void test_vma(const struct scn *s)
{
	const struct jv *a, *e;
	struct map_ent *maps = NULL;
	unsigned long bad = 0;
	unsigned int ma, mi;
	size_t i, nm = 0, k = 0;
	const char *name;
	struct jv *j;

	j = run_json("vma show",
		     "-J -o START,END,PERMS,OFFSET,DEV,INODE,NAME vma show %d",
		     s->pid);
	if (!j)
		return;
	if (maps_read(s->pid, &maps, &nm)) {
		tap_ok(false, "vma show: reading maps");
		jv_free(j);
		return;
	}
	a = jv_get(j, "vmas");
	for (i = 0; a && i < nm; i++) {
		if (maps[i].start >= (1ULL << 56))
			continue;	/* [vsyscall]: not a VMA */
		if (k >= a->n) {
			bad++;
			continue;
		}
		e = a->v[k++];
		name = jv_s(e, "name") ?: "";
		if (sscanf(jv_s(e, "dev") ?: "", "%x:%x", &ma, &mi) != 2)
			ma = mi = ~0U;
		if (jv_u64(e, "start") == maps[i].start &&
		    jv_u64(e, "end") == maps[i].end &&
		    !strcmp(jv_s(e, "perms") ?: "", maps[i].perms) &&
		    jv_u64(e, "offset") == maps[i].offset &&
		    ma == maps[i].dev_major && mi == maps[i].dev_minor &&
		    jv_u64(e, "inode") == maps[i].ino &&
		    /* the module's names are cut at 63 bytes */
		    !strncmp(name, maps[i].name, 63) &&
		    (strlen(name) == 63 || !strcmp(name, maps[i].name)))
			continue;
		if (bad < MAX_DIAG)
			tap_diag("maps %" PRIx64 "-%" PRIx64 " %s %s; ptscope %s-%s %s %s",
				 maps[i].start, maps[i].end, maps[i].perms,
				 maps[i].name, jv_s(e, "start"), jv_s(e, "end"),
				 jv_s(e, "perms"), name);
		bad++;
	}
	tap_ok(!bad && a && k == a->n,
	       "vma show -J: %zu VMAs = /proc/PID/maps (range, perms, offset, dev, inode, name)",
	       k);
	free(maps);
	jv_free(j);
}

/* ------------------------------------------------------------------ */
/* vtop against pagemap                                                 */

static void test_vtop(const struct scn *s)
{
	const struct scn_region *r;
	unsigned long bad = 0, n = 0;
	uint64_t va, pm, pa;
	unsigned int i, k;
	const char *type;
	struct jv *j;
	int fd;

	fd = pagemap_open(s->pid);
	for (i = 0; fd >= 0 && i < s->lay.nregions; i++) {
		r = &s->lay.r[i];
		if (!(r->flags & SCN_R_VALID))
			continue;
		for (k = 0; k < r->nprobes; k++) {
			va = scn_probe_va(r, k) + 0x123;
			j = run_json("vtop", "-J vtop %d 0x%" PRIx64, s->pid,
				     va);
			if (!j || pagemap_read(fd, va & ~(PG_SIZE - 1), 1, &pm)) {
				bad++;
				jv_free(j);
				continue;
			}
			n++;
			type = jv_s(j, "type") ?: "?";
			pa = ((pm & PM_PFN_MASK) << PG_SHIFT) | (va & 0xfff);
			if (pm & PM_PRESENT ?
			    strcmp(type, "present") || jv_u64(j, "phys") != pa :
			    !strcmp(type, "present")) {
				if (bad < MAX_DIAG)
					tap_diag("vtop %s+0x%x: pagemap %s 0x%" PRIx64 ", ptscope %s %s",
						 r->name, (unsigned int)r->probe[k].off,
						 pm & PM_PRESENT ? "present" : "absent",
						 pa, type, jv_s(j, "phys") ?: "null");
				bad++;
			}
			jv_free(j);
		}
	}
	if (fd >= 0)
		close(fd);
	tap_ok(!bad && n > 0, "vtop -J: %lu probes agree with pagemap", n);
}

static void test_explain(const struct scn *s)
{
	const struct scn_region *r = scn_find(&s->lay, "anon");
	const struct jv *b, *row;
	bool levels = true;
	size_t i, nlev = 0, tables = 0;
	const char *f;
	struct jv *j;

	if (!r)
		r = &s->lay.r[0];
	j = run_json("vtop --explain", "-J vtop %d 0x%" PRIx64 " --explain",
		     s->pid, r->addr);
	if (!j)
		return;
	b = jv_get(j, "breakdown");
	for (i = 0; b && i < b->n; i++) {
		row = b->v[i];
		f = jv_s(row, "field") ?: "";
		if (!strcmp(f, "offset") || !strcmp(f, "sign"))
			continue;
		nlev++;
		tables += jv_u64(row, "table") != UINT64_MAX;
	}
	f = jv_get(j, "notes") && jv_get(j, "notes")->n ?
	    jv_get(j, "notes")->v[0]->str : "";
	if (strstr(f, "view=levels"))
		levels = false;
	tap_ok(b && nlev >= 4, "vtop --explain -J: %zu levels in the breakdown",
	       nlev);
	if (levels)
		tap_ok(tables == nlev,
		       "vtop --explain: table address of every level from view=levels (%zu of %zu)",
		       tables, nlev);
	else
		tap_skip("the loaded ptscope.ko has no view=levels",
			 "vtop --explain: table addresses per level");
	jv_free(j);
}

/* ------------------------------------------------------------------ */
/* layout                                                               */

static void test_layout(const struct scn *s)
{
	const struct jv *a, *e;
	unsigned long gaps = 0;
	bool stack = false, text = false;
	const char *prev = NULL, *ks;
	char svg[] = "/tmp/t_tool_svg_XXXXXX";
	char buf[256], *tail;
	int levels, fd, st;
	struct jv *j;
	size_t i;
	long n;

	j = run_json("layout", "-J layout show %d", s->pid);
	if (!j)
		return;
	levels = (int)jv_u64(j, "pgtable_levels");
	ks = jv_s(j, "kernel_start") ?: "";
	tap_ok(levels == 5 ? !strcmp(ks, "0xff00000000000000") &&
			     !strcmp(jv_s(j, "hole_start") ?: "", "0x100000000000000") :
			     !strcmp(ks, "0xffff800000000000") &&
			     !strcmp(jv_s(j, "hole_start") ?: "", "0x800000000000"),
	       "layout -J: %d-level boundaries (kernel half from %s)",
	       levels, ks);
	a = jv_get(j, "regions");
	for (i = 0; a && i < a->n; i++) {
		e = a->v[i];
		if (prev && strcmp(prev, jv_s(e, "start") ?: ""))
			gaps++;
		prev = jv_s(e, "end");
		stack |= !strcmp(jv_s(e, "type") ?: "", "stack");
		text |= !strcmp(jv_s(e, "type") ?: "", "text");
	}
	tap_ok(a && a->n > 5 && !gaps && prev &&
	       !strcmp(prev, "0x10000000000000000") && stack && text,
	       "layout -J: %zu contiguous regions up to 2^64, with text and stack",
	       a ? a->n : 0);
	jv_free(j);

	fd = mkstemp(svg);
	if (fd >= 0)
		close(fd);
	st = run("layout show %d --svg %s", s->pid, svg);
	fd = open(svg, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	tail = NULL;
	if (fd >= 0) {
		char end[16] = "";

		pread(fd, end, 7, lseek(fd, -7, SEEK_END));
		tail = strstr(end, "</svg>");
		close(fd);
	}
	unlink(svg);
	tap_ok(!st && !strncmp(buf, "<?xml", 5) && strstr(buf, "<svg") && tail,
	       "layout --svg: an SVG document (exit %d)", st);
	st = run("-r layout show %d", s->pid);
	tap_ok(!st && strstr(out_buf, "non-canonical") && strstr(out_buf, "| stack"),
	       "layout -r: ASCII picture with the stack and the hole");
}

/* ------------------------------------------------------------------ */
/* flush                                                                */

static void test_flush(const struct scn *s)
{
	bool has = !access(PTSCOPE_DEBUGFS_DIR "/flush", F_OK);
	struct jv *j;
	int st;

	st = run("flush %d --range 0x2000-0x1000", s->pid);
	tap_ok(st == 2, "flush: reversed range is a usage error (exit %d)",
	       st);
	if (!has) {
		st = run("flush %d", s->pid);
		tap_ok(st == 1 && strstr(err_buf, "no flush interface"),
		       "flush: a module without the flush file: exit 1, clear error (%d: %s)",
		       st, err_buf);
		tap_skip("the loaded ptscope.ko has no flush interface",
			 "flush: the module's answer");
		return;
	}
	st = run("flush %d", s->pid);
	/*
	 * Without INVPCID (QEMU TCG) on a kernel that exports
	 * __flush_tlb_all() to KVM only (7.x) the module has no way to flush
	 * and refuses with EOPNOTSUPP (t_flush checks that): the tool must
	 * then fail with that reason, and there is no answer to check.
	 */
	if (st == 1 && strstr(err_buf, "not supported")) {
		tap_ok(1, "flush PID: refused, clear error: %s", err_buf);
		tap_skip("no TLB flush method for a module on this kernel and CPU",
			 "flush: -J --range and --all answers");
		return;
	}
	tap_ok(!st && out_buf[0], "flush PID: %s", st ? err_buf : out_buf);
	j = run_json("flush", "-J flush %d --range 0x%" PRIx64 "-0x%" PRIx64,
		     s->pid, s->lay.r[0].addr,
		     s->lay.r[0].addr + s->lay.r[0].len);
	tap_ok(j && jv_s(j, "result") && jv_s(j, "request") &&
	       strstr(jv_s(j, "request"), "start="),
	       "flush -J --range: request and result");
	jv_free(j);
	st = run("flush --all");
	tap_ok(!st && out_buf[0], "flush --all: %s", st ? err_buf : out_buf);
}

int main(void)
{
	struct scn s;
	int err;

	tap_init();
	if (access(PTSCOPE_BIN, X_OK)) {
		tap_skip("no " PTSCOPE_BIN, "ptscope command");
		return tap_done();
	}
	if (access(PTSCOPE_DEBUGFS_DIR "/query", F_OK)) {
		tap_skip("ptscope.ko is not loaded", "ptscope command");
		return tap_done();
	}
	err = scn_start(&s);
	if (err) {
		tap_ok(false, "scenario: %s (%s)", strerror(-err),
		       s.lay.build_what);
		return tap_done();
	}
	test_pt(&s);
	test_vma(&s);
	test_vtop(&s);
	test_explain(&s);
	test_layout(&s);
	test_flush(&s);
	scn_stop(&s);
	free(out_buf);
	return tap_done();
}
