// SPDX-License-Identifier: GPL-2.0
/*
 * t_tool_share - "ptscope share" against /proc/PID/pagemap and
 * /proc/kpagecount, with the module and with --source proc.
 *
 *   cow    a process writes a 64-page region and forks; share PARENT
 *          CHILD lists each of the 64 frames as "cow", mapped by both at
 *          the region's addresses
 *   libc   two instances of the dynamically linked ptscope tool, blocked
 *          reading their standard input: share finds the frames of the
 *          C library's text in both, as "file" (or "shmem" when the
 *          library is on tmpfs, as in the guest's initramfs)
 * and in both cases:
 *   - each shared frame reported has /proc/kpagecount >= the number of
 *     the given processes mapping it (the zero page, whose mapcount the
 *     kernel does not keep, has kpageflags ZERO_PAGE instead), and its
 *     mappers are what pagemap says;
 *   - the number of shared frames equals the size of the intersection of
 *     the two processes' frame sets read from pagemap here;
 *   - the group shares (gshare) add up to 4096 x the distinct frames,
 *     zero page excluded, that the two processes map.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libjson.h"
#include "libproc.h"
#include "libtool.h"
#include "tap.h"

#define NPAGES		64
#define MAX_DIAG	6
#define TRIES		3

static const char *src_opt = "";
static const char *src_name = "module";

static int u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* sorted, distinct frames of the present pages of @s; zero page apart */
static uint64_t *frames_of(const struct pmsnap *s, size_t *n)
{
	uint64_t *v, pm;
	size_t i, j, k = 0, cap = 0;

	for (i = 0; i < s->nm; i++)
		if (s->pm[i])
			cap += (s->maps[i].end - s->maps[i].start) / PG_SIZE;
	v = malloc((cap + 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < s->nm; i++) {
		if (!s->pm[i])
			continue;
		for (j = 0; j < (s->maps[i].end - s->maps[i].start) / PG_SIZE; j++) {
			pm = s->pm[i][j];
			if (pm & PM_PRESENT)
				v[k++] = pm & PM_PFN_MASK;
		}
	}
	qsort(v, k, sizeof(*v), u64_cmp);
	for (i = j = 0; i < k; i++)
		if (!j || v[j - 1] != v[i])
			v[j++] = v[i];
	*n = j;
	return v;
}

static int has(const uint64_t *v, size_t n, uint64_t x)
{
	return bsearch(&x, v, n, sizeof(x), u64_cmp) != NULL;
}

static int is_zero_frame(uint64_t pfn)
{
	uint64_t f;

	return !kpageflags_read(pfn, &f) && (f & (1ULL << KPF_ZERO_PAGE));
}

/*
 * share the two processes and check it against pagemap; @region, when
 * not 0, is a range of @npages pages both map on the same frames, whose
 * frames must be reported as @cls.  Return: 0, or 1 to retry (the
 * processes changed while they were read).
 */
static int check_share(const char *tag, pid_t p1, pid_t p2, uint64_t region,
		       size_t npages, const char *cls, const char *libname,
		       int last)
{
	struct pmsnap a, b, a2, b2;
	uint64_t *fa = NULL, *fb = NULL, pm, pfn, kc;
	size_t na = 0, nb = 0, i, j, inter = 0, uni = 0, zero_inter = 0;
	unsigned long bad = 0, kbad = 0, nregion = 0, nlib = 0, zeros = 0;
	unsigned long pfnmap = 0;
	const struct jv *frames, *f, *m, *procs;
	double gsum = 0;
	struct tool_out o;
	struct jv *d = NULL;
	int retry = 0;

	if (pmsnap_take(p1, &a) || pmsnap_take(p2, &b)) {
		tap_ok(0, "%s [%s]: pagemap", tag, src_name);
		return 0;
	}
	if (tool_run(&o, "-J %s share --frames %d %d", src_opt, (int)p1,
		     (int)p2) || o.status) {
		tap_ok(0, "%s [%s]: share: exit status %d: %s %s", tag, src_name,
		       o.status, o.err, o.out ? o.out : "");
		goto out;
	}
	if (pmsnap_take(p1, &a2) || pmsnap_take(p2, &b2)) {
		tap_ok(0, "%s [%s]: pagemap", tag, src_name);
		goto out;
	}
	retry = !pmsnap_same(&a, &a2) || !pmsnap_same(&b, &b2);
	pmsnap_free(&a2);
	pmsnap_free(&b2);
	if (retry && !last) {
		tap_diag("%s [%s]: the processes changed while read; again", tag,
			 src_name);
		goto out;
	}
	retry = 0;
	d = jv_parse(o.out);
	frames = jv_get(d, "frames");
	procs = jv_get(d, "processes");
	if (!d || !frames || frames->type != JV_ARR || !procs ||
	    procs->type != JV_ARR || procs->n != 2) {
		tap_ok(0, "%s [%s]: share -J output", tag, src_name);
		goto out;
	}
	fa = frames_of(&a, &na);
	fb = frames_of(&b, &nb);
	if (!fa || !fb)
		goto out;
	for (i = j = 0; i < na || j < nb; uni++) {
		if (j == nb || (i < na && fa[i] < fb[j])) {
			uni += is_zero_frame(fa[i]) ? -1 : 0;
			i++;
		} else if (i == na || fb[j] < fa[i]) {
			uni += is_zero_frame(fb[j]) ? -1 : 0;
			j++;
		} else {
			inter++;
			if (is_zero_frame(fa[i])) {
				zero_inter++;
				uni--;
			}
			i++;
			j++;
		}
	}
	/* each frame reported: mapped by both (pagemap), kpagecount */
	for (i = 0; i < frames->n; i++) {
		f = frames->v[i];
		pfn = jv_u64(f, "pfn");
		m = jv_get(f, "mappers");
		if (!has(fa, na, pfn) || !has(fb, nb, pfn) || !m ||
		    m->type != JV_ARR || m->n < 2 ||
		    jv_u64(f, "processes") != 2) {
			if (bad++ < MAX_DIAG)
				tap_diag("%s: frame 0x%llx: not in the pagemap of both",
					 tag, (unsigned long long)pfn);
			continue;
		}
		for (j = 0; j < m->n; j++) {
			pid_t who = (pid_t)jv_u64(m->v[j], "pid");
			uint64_t va = jv_u64(m->v[j], "va");

			if (!pmsnap_at(who == p1 ? &a : &b, va, &pm) ||
			    !(pm & PM_PRESENT) || (pm & PM_PFN_MASK) != pfn) {
				if (bad++ < MAX_DIAG)
					tap_diag("%s: frame 0x%llx: pid %d at 0x%llx is not it in pagemap",
						 tag, (unsigned long long)pfn,
						 (int)who, (unsigned long long)va);
			}
			if (region && who == p1 && va >= region &&
			    va < region + npages * PG_SIZE &&
			    !strcmp(jv_s(f, "class"), cls))
				nregion++;
			if (libname && who == p1) {
				const struct map_ent *e = pmsnap_vma(&a, va);

				/*
				 * page cache: "file", or "shmem" when the
				 * library lives on tmpfs (the guest's
				 * initramfs root)
				 */
				if (e && strstr(e->name, libname) &&
				    !strcmp(e->perms, "r-xp") &&
				    (!strcmp(jv_s(f, "class"), cls) ||
				     !strcmp(jv_s(f, "class"), "shmem")))
					nlib++;
			}
		}
		{
			const struct map_ent *e = pmsnap_vma(&a,
				jv_u64(m->v[0], "pid") == (uint64_t)p1 ?
				jv_u64(m->v[0], "va") : jv_u64(m->v[1], "va"));

			if (e && !strncmp(e->name, "[vvar", 5)) {
				/* vmf_insert_pfn(): no struct page mapcount */
				pfnmap++;
				continue;
			}
		}
		if (!strcmp(jv_s(f, "class"), "zero")) {
			zeros++;
			if (!is_zero_frame(pfn) && kbad++ < MAX_DIAG)
				tap_diag("%s: frame 0x%llx: class zero, kpageflags not ZERO_PAGE",
					 tag, (unsigned long long)pfn);
		} else if (kpagecount_read(pfn, &kc) || kc < 2) {
			if (kbad++ < MAX_DIAG)
				tap_diag("%s: frame 0x%llx: kpagecount %llu < 2 processes",
					 tag, (unsigned long long)pfn,
					 (unsigned long long)kc);
		}
	}
	tap_ok(!bad, "%s [%s]: %zu shared frames reported, each mapped by both processes where pagemap says (%lu bad)",
	       tag, src_name, frames->n, bad);
	tap_ok(!kbad, "%s [%s]: each shared frame has /proc/kpagecount >= 2 (%lu zero-page frames checked by kpageflags instead, %lu [vvar] PFN-map frames without a mapcount left out; %lu bad)",
	       tag, src_name, zeros, pfnmap, kbad);
	tap_ok(frames->n == inter &&
	       jv_u64(jv_get(d, "frames_shared"), "total") == inter &&
	       jv_u64(jv_get(d, "frames_shared"), "zero") == zero_inter,
	       "%s [%s]: shared frames %zu (zero page %llu) = frames in the pagemap of both %zu (zero page %zu)",
	       tag, src_name, frames->n,
	       (unsigned long long)jv_u64(jv_get(d, "frames_shared"), "zero"),
	       inter, zero_inter);
	for (i = 0; i < procs->n; i++)
		gsum += strtod(jv_get(procs->v[i], "gshare")->str, NULL);
	tap_ok(gsum > uni * PG_SIZE - 1 && gsum < uni * PG_SIZE + 1,
	       "%s [%s]: gshares add up to %.0f = 4096 x %zu distinct frames (zero page excluded)",
	       tag, src_name, gsum, uni);
	if (region)
		tap_ok(nregion == npages,
		       "%s [%s]: the %zu pages of the region are shared as %s (%lu found)",
		       tag, src_name, npages, cls, nregion);
	if (libname)
		tap_ok(nlib > 0,
		       "%s [%s]: %lu frames of %s text (r-xp) shared as %s (or shmem: on tmpfs)",
		       tag, src_name, nlib, libname, cls);
out:
	jv_free(d);
	free(fa);
	free(fb);
	tool_out_free(&o);
	pmsnap_free(&a);
	pmsnap_free(&b);
	return retry;
}

/* COW after fork */

static void test_cow(void)
{
	struct cow_pair f;
	int t;

	if (cow_pair_start(&f, NPAGES)) {
		tap_ok(0, "cow [%s]: parent and child", src_name);
		return;
	}
	for (t = 0; t < TRIES; t++)
		if (!check_share("cow", f.p, f.c, f.base, NPAGES, "cow", NULL,
				 t == TRIES - 1))
			break;
	cow_pair_stop(&f);
}

/* the C library's text in two instances of a dynamic program */

static void test_libc(void)
{
	pid_t p1, p2;
	int w1 = -1, w2 = -1, t;
	char st;

	p1 = tool_spawn_stdin(&w1, "diff - /nonexistent");
	p2 = tool_spawn_stdin(&w2, "diff - /nonexistent");
	if (p1 < 0 || p2 < 0) {
		tap_ok(0, "libc [%s]: two ptscope processes", src_name);
		goto out;
	}
	/* both are blocked reading the snapshot from their standard input */
	for (t = 0; t < 50; t++) {
		if (!proc_state(p1, &st) && st == 'S' &&
		    !proc_state(p2, &st) && st == 'S')
			break;
		usleep(100000);
	}
	for (t = 0; t < TRIES; t++)
		if (!check_share("libc", p1, p2, 0, 0, "file", "libc.so",
				 t == TRIES - 1))
			break;
out:
	if (w1 >= 0)
		close(w1);
	if (w2 >= 0)
		close(w2);
	if (p1 > 0)
		waitpid(p1, NULL, 0);
	if (p2 > 0)
		waitpid(p2, NULL, 0);
}

static void test_bad(void)
{
	struct tool_out o;

	if (tool_run(&o, "share %d", (int)getpid()))
		return;
	tap_ok(o.status == 2 && strstr(o.err, "two PIDs"),
	       "bad input: share with one pid: usage error (exit %d)", o.status);
	tool_out_free(&o);
	if (tool_run(&o, "share %d 2147483600", (int)getpid()))
		return;
	tap_ok(o.status == 1 && strstr(o.err, "pid 2147483600"),
	       "bad input: share with a pid that does not exist: exit 1, names it (%d)",
	       o.status);
	tool_out_free(&o);
}

int main(void)
{
	tap_init();
	if (access(getenv("PTSCOPE") ? getenv("PTSCOPE") : PTSCOPE_BIN, X_OK)) {
		tap_skip("no " PTSCOPE_BIN, "ptscope share");
		return tap_done();
	}
	if (access("/sys/kernel/debug/ptscope/query", F_OK)) {
		tap_skip("ptscope.ko not loaded", "share with the module source");
	} else {
		test_cow();
		test_libc();
	}
	src_opt = "--source proc";
	src_name = "proc";
	test_cow();
	test_libc();
	test_bad();
	return tap_done();
}
