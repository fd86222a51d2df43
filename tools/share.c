// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope share PID...: physical frames mapped by two or more of the
 * given processes.
 *
 * Every present leaf of every process is cut into its 4K frames (a 2M
 * leaf maps 512 of them); the (frame, process, address) triples are
 * sorted by frame, and a frame mapped by at least two distinct processes
 * is shared.  Its class comes from the page state of its first mapping:
 * the zero page (or huge zero page), KSM, shmem (swap-backed: shared
 * anonymous memory, SysV shm, and files on tmpfs), file page cache, and
 * anonymous, which between distinct processes can only be copy-on-write
 * after fork ("cow").
 *
 * Per process, for its present 4K pages p (the zero page left out, as
 * smaps leaves it out of Rss):
 *   rss     = 4096 x the number of such pages
 *   pss     = sum of 4096 / mapcount(p), mapcount being the kernel's
 *             (the module's, or /proc/kpagecount with the /proc source),
 *             taken as k(p) when unknown: smaps' Pss, seen by page tables
 *   gshare  = sum of 4096 / k(p), k(p) the number of mappings of p's frame
 *             by the given processes: the group's memory split among its
 *             members, so the gshares of the processes add up to 4096 x
 *             the distinct frames they map
 * and shared[class] = 4096 x its pages on shared frames (the zero page
 * included).  The same per mapping.  A huge leaf's mapcount is that of
 * its first page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pts.h"

static const char *const sh_names[PTS_NR_SH] = {
	[PTS_SH_COW] = "cow",
	[PTS_SH_FILE] = "file",
	[PTS_SH_SHMEM] = "shmem",
	[PTS_SH_KSM] = "ksm",
	[PTS_SH_ZERO] = "zero",
	[PTS_SH_OTHER] = "other",
};

/**
 * pts_share_class_name - name of a share class
 * @cls: enum pts_share_class
 *
 * Return: "cow", "file", "shmem", "ksm", "zero" or "other".
 */
const char *pts_share_class_name(int cls)
{
	return cls >= 0 && cls < PTS_NR_SH ? sh_names[cls] : "?";
}

/**
 * pts_share_free - release a share result
 * @s: the result; left empty
 */
void pts_share_free(struct pts_share *s)
{
	free(s->maps);
	free(s->frames);
	free(s->procs);
	free(s->vmas);
	memset(s, 0, sizeof(*s));
}

static int smap_cmp(const void *x, const void *y)
{
	const struct pts_smap *a = x, *b = y;

	if (a->pfn != b->pfn)
		return a->pfn < b->pfn ? -1 : 1;
	if (a->proc != b->proc)
		return a->proc < b->proc ? -1 : 1;
	return a->va < b->va ? -1 : a->va > b->va;
}

static bool is_zero(__u64 state)
{
	return state & (PTSCOPE_S_ZERO | PTSCOPE_S_HUGE_ZERO);
}

static int classify(__u64 state, __u32 vkind)
{
	if (is_zero(state))
		return PTS_SH_ZERO;
	if (state & PTSCOPE_S_KSM)
		return PTS_SH_KSM;
	if (state & PTSCOPE_S_SHMEM || vkind == PTSCOPE_VMA_SHMEM)
		return PTS_SH_SHMEM;
	if (state & PTSCOPE_S_FILE)
		return PTS_SH_FILE;
	if (state & PTSCOPE_S_ANON)
		return PTS_SH_COW;
	return PTS_SH_OTHER;
}

static const struct pts_entry *map_entry(const struct pts_share *s,
					 const struct pts_smap *p)
{
	return &s->models[p->proc].entries[p->entry];
}

static int collect(struct pts_share *s)
{
	const struct pts_model *m;
	const struct pts_entry *e;
	size_t n = 0, i, k, p;
	__u64 off;

	for (p = 0; p < s->nr_procs; p++)
		for (i = 0; i < s->models[p].nr_entries; i++)
			if (s->models[p].entries[i].kind == PTS_PRESENT)
				n += s->models[p].entries[i].size /
				     PTS_PAGE_SIZE;
	s->maps = malloc((n + 1) * sizeof(*s->maps));
	if (!s->maps)
		return -ENOMEM;
	for (p = 0; p < s->nr_procs; p++) {
		m = &s->models[p];
		for (i = 0; i < m->nr_entries; i++) {
			e = &m->entries[i];
			if (e->kind != PTS_PRESENT)
				continue;
			for (off = 0; off < e->size; off += PTS_PAGE_SIZE) {
				k = s->nr_maps++;
				s->maps[k].pfn = e->pfn + off / PTS_PAGE_SIZE;
				s->maps[k].va = e->va + off;
				s->maps[k].proc = p;
				s->maps[k].vma = e->vma;
				s->maps[k].entry = i;
			}
		}
	}
	qsort(s->maps, s->nr_maps, sizeof(*s->maps), smap_cmp);
	return 0;
}

static int svma_cmp(const void *x, const void *y)
{
	const struct pts_svma *a = x, *b = y;

	if (a->proc != b->proc)
		return a->proc < b->proc ? -1 : 1;
	return a->vma < b->vma ? -1 : a->vma > b->vma;
}

/* per-mapping totals: one slot per VMA of each process, compacted after */
static int tally(struct pts_share *s)
{
	size_t i, j, g, nv = 0, *base, first;
	const struct pts_smap *p;
	const struct pts_entry *e;
	struct pts_sframe *f = NULL;
	struct pts_svma *v;
	__u32 nprocs, mc;
	double share;
	int cls;

	base = calloc(s->nr_procs + 1, sizeof(*base));
	if (!base)
		return -ENOMEM;
	for (i = 0; i < s->nr_procs; i++) {
		base[i] = nv;
		nv += s->models[i].nr_vmas;
	}
	s->vmas = calloc(nv + 1, sizeof(*s->vmas));
	s->procs = calloc(s->nr_procs, sizeof(*s->procs));
	s->frames = malloc((s->nr_maps / 2 + 1) * sizeof(*s->frames));
	if (!s->vmas || !s->procs || !s->frames) {
		free(base);
		return -ENOMEM;
	}
	for (i = 0; i < s->nr_procs; i++)
		for (j = 0; j < s->models[i].nr_vmas; j++) {
			s->vmas[base[i] + j].proc = i;
			s->vmas[base[i] + j].vma = j;
		}

	for (first = 0; first < s->nr_maps; first = g) {
		nprocs = 1;
		for (g = first + 1; g < s->nr_maps &&
		     s->maps[g].pfn == s->maps[first].pfn; g++)
			if (s->maps[g].proc != s->maps[g - 1].proc)
				nprocs++;
		e = map_entry(s, &s->maps[first]);
		mc = e->mapcount;
		cls = classify(e->state,
			       s->models[s->maps[first].proc].vmas[e->vma].kind);
		if (nprocs >= 2) {
			f = &s->frames[s->nr_frames++];
			f->pfn = s->maps[first].pfn;
			f->cls = cls;
			f->first = first;
			f->nmaps = g - first;
			f->nprocs = nprocs;
			f->mapcount = mc;
			s->total[cls]++;
		}
		for (j = first; j < g; j++) {
			p = &s->maps[j];
			e = map_entry(s, p);
			v = &s->vmas[base[p->proc] + p->vma];
			if (nprocs >= 2) {
				s->procs[p->proc].shared[cls] += PTS_PAGE_SIZE;
				v->shared[cls] += PTS_PAGE_SIZE;
			}
			if (is_zero(e->state))
				continue;
			s->procs[p->proc].rss += PTS_PAGE_SIZE;
			share = (double)PTS_PAGE_SIZE / (g - first);
			s->procs[p->proc].gshare += share;
			v->gshare += share;
			share = (double)PTS_PAGE_SIZE /
				(e->mapcount ? e->mapcount : g - first);
			s->procs[p->proc].pss += share;
			v->pss += share;
		}
	}
	free(base);
	/* keep the mappings that have shared pages */
	for (i = j = 0; i < nv; i++) {
		for (cls = 0; cls < PTS_NR_SH; cls++)
			if (s->vmas[i].shared[cls])
				break;
		if (cls < PTS_NR_SH)
			s->vmas[j++] = s->vmas[i];
	}
	s->nr_vmas = j;
	qsort(s->vmas, s->nr_vmas, sizeof(*s->vmas), svma_cmp);
	return 0;
}

/**
 * pts_share_compute - the frames shared by the processes of @models
 * @models: one model per process, whole address spaces
 * @n: their number
 * @s: filled; free with pts_share_free()
 *
 * Return: 0 or -ENOMEM.
 */
int pts_share_compute(const struct pts_model *models, size_t n,
		      struct pts_share *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->models = models;
	s->nr_procs = n;
	err = collect(s);
	if (!err)
		err = tally(s);
	if (err)
		pts_share_free(s);
	return err;
}

/* ------------------------------------------------------------------ */
/* output                                                               */

static __u64 sum(const __u64 *v)
{
	__u64 t = 0;
	int i;

	for (i = 0; i < PTS_NR_SH; i++)
		t += v[i];
	return t;
}

static void sizes(char *buf, size_t len, const __u64 *v, bool bytes)
{
	size_t pos = 0;
	char sz[16];
	int i;

	for (i = 0; i < PTS_NR_SH && pos < len; i++) {
		pts_size_str(sz, sizeof(sz), v[i], bytes);
		pos += snprintf(buf + pos, len - pos, " %7s", sz);
	}
}

static void render_plain(struct pts_ctx *ctx, const struct pts_share *s,
			 const struct pts_snapinfo *si, bool frames,
			 FILE *out)
{
	char buf[128], sz[4][16];
	const struct pts_model *m;
	const struct pts_sframe *f;
	const struct pts_svma *v;
	const struct pts_vma *vm;
	size_t i, j;
	int c;

	fprintf(out, "shared frames: %llu (", (unsigned long long)sum(s->total));
	for (c = 0; c < PTS_NR_SH; c++)
		fprintf(out, "%s%s %llu", c ? ", " : "", sh_names[c],
			(unsigned long long)s->total[c]);
	fprintf(out, ")\n\n");
	if (!ctx->noheadings)
		fprintf(out, "%8s %-16s %7s %7s %9s %9s %7s %7s %7s %7s %7s %7s\n",
			"PID", "COMM", "RSS", "SHARED", "PSS", "GSHARE",
			"COW", "FILE", "SHMEM", "KSM", "ZERO", "OTHER");
	for (i = 0; i < s->nr_procs; i++) {
		const struct pts_sproc *p = &s->procs[i];

		pts_size_str(sz[0], sizeof(sz[0]), p->rss, ctx->bytes);
		pts_size_str(sz[1], sizeof(sz[1]), sum(p->shared), ctx->bytes);
		sizes(buf, sizeof(buf), p->shared, ctx->bytes);
		pts_size_str(sz[2], sizeof(sz[2]), (__u64)(p->pss + 0.5),
			     ctx->bytes);
		pts_size_str(sz[3], sizeof(sz[3]), (__u64)(p->gshare + 0.5),
			     ctx->bytes);
		fprintf(out, "%8u %-16s %7s %7s %9s %9s%s\n",
			s->models[i].pid, si[i].comm, sz[0], sz[1], sz[2],
			sz[3], buf);
	}
	fputc('\n', out);
	if (!ctx->noheadings)
		fprintf(out, "%8s %-33s %4s %9s %7s %7s %7s %7s %7s %7s %s\n",
			"PID", "MAPPING", "PERM", "GSHARE", "COW", "FILE",
			"SHMEM", "KSM", "ZERO", "OTHER", "NAME");
	for (i = 0; i < s->nr_vmas; i++) {
		v = &s->vmas[i];
		m = &s->models[v->proc];
		vm = &m->vmas[v->vma];
		snprintf(sz[2], sizeof(sz[2]), "%s", vm->perms);
		sizes(buf, sizeof(buf), v->shared, ctx->bytes);
		pts_size_str(sz[3], sizeof(sz[3]), (__u64)(v->gshare + 0.5),
			     ctx->bytes);
		fprintf(out, "%8u 0x%014llx-0x%014llx %4s %9s%s %s\n",
			m->pid, (unsigned long long)vm->start,
			(unsigned long long)vm->end, sz[2], sz[3], buf,
			vm->name ? vm->name : "");
	}
	if (!frames)
		return;
	fputc('\n', out);
	if (!ctx->noheadings)
		fprintf(out, "%14s %-6s %8s %s\n", "PFN", "CLASS", "MAPCOUNT",
			"MAPPED BY (PID:ADDRESS)");
	for (i = 0; i < s->nr_frames; i++) {
		f = &s->frames[i];
		fprintf(out, "%#14llx %-6s %8u", (unsigned long long)f->pfn,
			sh_names[f->cls], f->mapcount);
		for (j = f->first; j < f->first + f->nmaps; j++)
			fprintf(out, " %u:0x%llx", s->models[s->maps[j].proc].pid,
				(unsigned long long)s->maps[j].va);
		fputc('\n', out);
	}
}

static void json_classes(struct pts_jw *w, const char *key, const __u64 *v)
{
	int c;

	pts_jw_obj(w, key);
	pts_jw_u64(w, "total", sum(v));
	for (c = 0; c < PTS_NR_SH; c++)
		pts_jw_u64(w, sh_names[c], v[c]);
	pts_jw_end(w, '}');
}

static void render_json(struct pts_ctx *ctx, const struct pts_share *s,
			const struct pts_snapinfo *si, bool frames, FILE *out)
{
	const struct pts_model *m;
	const struct pts_sframe *f;
	const struct pts_svma *v;
	const struct pts_vma *vm;
	struct pts_jw w;
	size_t i, j;

	pts_jw_init(&w, out, ctx->pretty);
	pts_jw_obj(&w, NULL);
	pts_jw_str(&w, "format", "ptscope-share");
	pts_jw_u64(&w, "version", 1);
	pts_jw_u64(&w, "page_size", PTS_PAGE_SIZE);
	json_classes(&w, "frames_shared", s->total);
	pts_jw_arr(&w, "processes", false);
	for (i = 0; i < s->nr_procs; i++) {
		m = &s->models[i];
		pts_jw_obj(&w, NULL);
		pts_jw_u64(&w, "pid", m->pid);
		pts_jw_str(&w, "comm", si[i].comm);
		pts_jw_str(&w, "source", pts_source_name(m->source));
		pts_jw_bool(&w, "mapcount_known", m->known & PTS_K_MAPCOUNT);
		pts_jw_u64(&w, "rss", s->procs[i].rss);
		json_classes(&w, "shared", s->procs[i].shared);
		pts_jw_double(&w, "pss", s->procs[i].pss);
		pts_jw_double(&w, "gshare", s->procs[i].gshare);
		pts_jw_end(&w, '}');
	}
	pts_jw_end(&w, ']');
	pts_jw_arr(&w, "mappings", false);
	for (i = 0; i < s->nr_vmas; i++) {
		v = &s->vmas[i];
		m = &s->models[v->proc];
		vm = &m->vmas[v->vma];
		pts_jw_obj(&w, NULL);
		pts_jw_u64(&w, "pid", m->pid);
		pts_jw_hex(&w, "start", vm->start);
		pts_jw_hex(&w, "end", vm->end);
		pts_jw_str(&w, "perms", vm->perms);
		pts_jw_str(&w, "name", vm->name ? vm->name : "");
		json_classes(&w, "shared", v->shared);
		pts_jw_double(&w, "pss", v->pss);
		pts_jw_double(&w, "gshare", v->gshare);
		pts_jw_end(&w, '}');
	}
	pts_jw_end(&w, ']');
	if (frames) {
		pts_jw_arr(&w, "frames", false);
		for (i = 0; i < s->nr_frames; i++) {
			f = &s->frames[i];
			pts_jw_obj(&w, NULL);
			pts_jw_hex(&w, "pfn", f->pfn);
			pts_jw_str(&w, "class", sh_names[f->cls]);
			pts_jw_u64(&w, "mapcount", f->mapcount);
			pts_jw_u64(&w, "processes", f->nprocs);
			pts_jw_arr(&w, "mappers", false);
			for (j = f->first; j < f->first + f->nmaps; j++) {
				pts_jw_obj(&w, NULL);
				pts_jw_u64(&w, "pid",
					   s->models[s->maps[j].proc].pid);
				pts_jw_hex(&w, "va", s->maps[j].va);
				pts_jw_end(&w, '}');
			}
			pts_jw_end(&w, ']');
			pts_jw_end(&w, '}');
		}
		pts_jw_end(&w, ']');
	}
	pts_jw_end(&w, '}');
}

/* ------------------------------------------------------------------ */
/* the command                                                          */

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] share PID PID... [--frames]\n"
		"       ptscope share help\n"
		"\n"
		"Physical frames mapped by two or more of the processes, by class: cow\n"
		"(anonymous, shared after fork), file (page cache), shmem (tmpfs files\n"
		"too), ksm, zero (the zero page), other; totals per process and per\n"
		"mapping.  Per process:\n"
		"RSS (present 4K pages, zero page excluded), SHARED (on frames another\n"
		"of the processes maps), PSS (sum of 4096/mapcount, mapcount the\n"
		"kernel's: the module's, or /proc/kpagecount), GSHARE (sum of 4096/k, k\n"
		"the mappings of the frame by these processes: the GSHAREs add up to the\n"
		"memory of the distinct frames they map).\n"
		"\n"
		"  --frames        also list each shared frame and who maps it where\n");
	return 0;
}

#define OPT_FRAMES	(PTS_OPT_BASE + 0)

static int share_opt(struct pts_ctx *ctx, int c, const char *arg, void *priv)
{
	(void)ctx;
	(void)arg;
	if (c == OPT_FRAMES)
		*(bool *)priv = true;
	return 0;
}

/**
 * do_share - the share object: "share PID PID..."
 * @ctx: context
 * @argc: arguments
 * @argv: arguments, argv[0] being "share"
 *
 * Return: 0 or a negative error.
 */
int do_share(struct pts_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "frames", no_argument, NULL, OPT_FRAMES },
		{ NULL, 0, NULL, 0 },
	};
	struct pts_snapinfo *si = NULL;
	struct pts_model *models = NULL;
	struct pts_share s;
	bool frames = false;
	__u32 pid;
	int i, j, n, err = 0;

	if (argc > 1 && !strcmp(argv[1], "help"))
		return pts_help(ctx, do_help, argc, argv);
	i = pts_parse_args(ctx, argc, argv, opts, share_opt, &frames, do_help);
	if (i <= 0)
		return i;
	n = argc - i;
	if (n < 2)
		return pts_usage_error(ctx, "share: expected two PIDs or more");
	for (j = 0; j < n; j++) {
		__u32 other;
		int k;

		if (pts_parse_pid(argv[i + j], &pid))
			return pts_usage_error(ctx, "invalid pid '%s'",
					       argv[i + j]);
		for (k = 0; k < j; k++)
			if (!pts_parse_pid(argv[i + k], &other) && other == pid)
				return pts_usage_error(ctx, "share: pid %u given twice",
						       pid);
	}
	models = calloc(n, sizeof(*models));
	si = calloc(n, sizeof(*si));
	if (!models || !si) {
		err = pts_error(ctx, ENOMEM, "share");
		goto out;
	}
	for (j = 0; j < n; j++)
		pts_model_init(&models[j]);
	for (j = 0; j < n && !err; j++) {
		pts_parse_pid(argv[i + j], &pid);
		err = pts_snap_take(ctx, pid, &models[j], &si[j]);
		if (!err)
			pts_print_notes(ctx, &models[j]);
	}
	if (err)
		goto out;
	err = pts_share_compute(models, n, &s);
	if (err) {
		err = pts_error(ctx, err, "share");
		goto out;
	}
	if (ctx->json)
		render_json(ctx, &s, si, frames, ctx->out);
	else
		render_plain(ctx, &s, si, frames, ctx->out);
	if (ferror(ctx->out))
		err = pts_error(ctx, EIO, "standard output");
	pts_share_free(&s);
out:
	if (models)
		for (j = 0; j < n; j++)
			pts_model_free(&models[j]);
	free(models);
	free(si);
	return err;
}
