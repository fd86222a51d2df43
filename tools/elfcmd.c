// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope elf PID: for every file-backed mapping of an ELF object, which
 * segments, sections and symbols each page holds (elfmap.c), and an audit
 * of the process:
 *
 *   wx            a mapping both writable and executable (maps perms)
 *   wx-pte        present page-table leaves with RW set and NX clear, read
 *                 from the live page tables by ptscope.ko (when loaded and
 *                 --source is not proc): what the MMU would allow
 *   wx-segment    a PT_LOAD segment with PF_W and PF_X in a mapped object
 *   relro-writable  pages of PT_GNU_RELRO still writable: ld.so (or the
 *                 static startup code) mprotects [page_down(start),
 *                 page_down(end)) read-only after relocating
 *   no-relro      a dynamic object (PT_DYNAMIC) without PT_GNU_RELRO: its
 *                 GOT and .dynamic stay writable
 *   execstack     the [stack] mapping is executable (with what the
 *                 executable's PT_GNU_STACK asked for)
 *   text-cow      pages of an executable, not writable (a writable one is
 *                 "wx" already), private file mapping that are no
 *                 longer the file's page-cache page but an anonymous copy:
 *                 written by text relocations (DT_TEXTREL) or by a
 *                 debugger's breakpoints.  Told by /proc/PID/pagemap: a
 *                 present page without bit 61 (file-page or shared-anon).
 *
 * Exit status: 0 no violation, 1 violations (listed), 2 error.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "pts.h"

enum { PG_NONE, PG_FILE, PG_ANON, PG_SWAP };
static const char *const pg_names[] = { "none", "file", "anon", "swap" };

struct eobj {
	char *path;
	__u64 ino;
	__u32 dev_major, dev_minor;
	bool ok;		/* an ELF file, loaded */
	bool bias_ok;
	__u64 bias;
	struct pts_elfobj elf;
};

struct epage {
	__u64 addr;
	size_t vma;
	size_t obj;
	int state;
};

struct eviol {
	const char *kind;
	long obj;		/* -1: none */
	__u64 start, end;
	char detail[256];
};

struct emodel {
	__u32 pid;
	struct pts_vma *vmas;
	size_t nr_vmas;
	size_t *vma_obj;	/* object of each VMA, or -1 */
	struct eobj *objs;
	size_t nr_objs;
	struct epage *pages;
	size_t nr_pages;
	struct eviol *viol;
	size_t nr_viol;
	long exe;		/* object of /proc/PID/exe, -1 unknown */
	bool all_syms;
	bool pte_checked;	/* wx-pte: ptscope.ko's entries were read */
	char pte_note[160];	/* why not */
};

enum {
	OPT_AUDIT = PTS_OPT_BASE,
	OPT_SYMBOLS,
};

/* ------------------------------------------------------------------ */
/* columns                                                              */

enum { EC_ADDR, EC_PERMS, EC_OFFSET, EC_PAGE, EC_SEGMENTS, EC_SECTIONS,
	EC_SYMBOLS, EC_OBJECT };

static const struct pts_col elf_cols[] = {
	[EC_ADDR] = { "ADDR", "addr", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		      "page address" },
	[EC_PERMS] = { "PERMS", "perms", PTS_CT_STR, 0, 0,
		       "permissions of the mapping" },
	[EC_OFFSET] = { "OFFSET", "offset", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
			"file offset of the page" },
	[EC_PAGE] = { "PAGE", "page", PTS_CT_STR, 0, 0,
		      "none, file (page cache), anon (private copy), swap" },
	[EC_SEGMENTS] = { "SEGMENTS", "segments", PTS_CT_WORDS, 0, 0,
			  "program headers: LOADn:rwx, GNU_RELRO, DYNAMIC, ..." },
	[EC_SECTIONS] = { "SECTIONS", "sections", PTS_CT_WORDS, 0, 0,
			  "allocated sections" },
	[EC_SYMBOLS] = { "SYMBOLS", "symbols", PTS_CT_WORDS, 0, SCOLS_FL_TRUNC,
			 "functions and objects (first 3 and +N, --symbols: all)" },
	[EC_OBJECT] = { "OBJECT", "object", PTS_CT_STR, 0, 0,
			"the ELF file" },
};

static const char *const elf_defaults =
	"ADDR,PERMS,OFFSET,PAGE,SEGMENTS,SECTIONS,SYMBOLS,OBJECT";

enum { VC_KIND, VC_START, VC_END, VC_OBJECT, VC_DETAIL };

static const struct pts_col viol_cols[] = {
	[VC_KIND] = { "KIND", "kind", PTS_CT_STR, 0, 0, "violation" },
	[VC_START] = { "START", "start", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		       "first address" },
	[VC_END] = { "END", "end", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		     "end (exclusive)" },
	[VC_OBJECT] = { "OBJECT", "object", PTS_CT_STR, 0, 0, "file" },
	[VC_DETAIL] = { "DETAIL", "detail", PTS_CT_STR, 0, 0, "why" },
};

struct getctx {
	const struct emodel *m;
	bool json;
	char buf[3][65536];
};

static void page_get(const void *priv, size_t row, int col,
		     struct pts_val *v)
{
	struct getctx *g = (struct getctx *)priv;
	const struct epage *p = &g->m->pages[row];
	const struct pts_vma *vma = &g->m->vmas[p->vma];
	const struct eobj *o = &g->m->objs[p->obj];
	__u64 lo = p->addr - o->bias;

	switch (col) {
	case EC_ADDR:
		v->num = p->addr;
		break;
	case EC_PERMS:
		v->str = vma->perms;
		break;
	case EC_OFFSET:
		v->num = (vma->pgoff << PTS_PAGE_SHIFT) + p->addr - vma->start;
		break;
	case EC_PAGE:
		v->str = pg_names[p->state];
		break;
	case EC_SEGMENTS:
		pts_elfobj_segs_at(&o->elf, lo, lo + PTS_PAGE_SIZE, g->buf[0],
				   sizeof(g->buf[0]));
		v->str = g->buf[0];
		break;
	case EC_SECTIONS:
		pts_elfobj_secs_at(&o->elf, lo, lo + PTS_PAGE_SIZE, g->buf[1],
				   sizeof(g->buf[1]));
		v->str = g->buf[1];
		break;
	case EC_SYMBOLS:
		pts_elfobj_syms_at(&o->elf, lo, lo + PTS_PAGE_SIZE,
				   g->json || g->m->all_syms ? 0 : 3,
				   g->buf[2], sizeof(g->buf[2]));
		v->str = g->buf[2];
		break;
	case EC_OBJECT:
		v->str = o->path;
		break;
	}
}

static void viol_get(const void *priv, size_t row, int col,
		     struct pts_val *v)
{
	const struct emodel *m = ((const struct getctx *)priv)->m;
	const struct eviol *x = &m->viol[row];

	switch (col) {
	case VC_KIND:
		v->str = x->kind;
		break;
	case VC_START:
		v->num = x->start;
		break;
	case VC_END:
		v->num = x->end;
		break;
	case VC_OBJECT:
		v->str = x->obj >= 0 ? m->objs[x->obj].path : "";
		break;
	case VC_DETAIL:
		v->str = x->detail;
		break;
	}
}

/* ------------------------------------------------------------------ */
/* collection                                                           */

static int read_maps(struct emodel *m)
{
	char path[64], *line = NULL;
	struct pts_vma *v;
	size_t len = 0, cap = 0;
	int err = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", m->pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &len, f) > 0) {
		if (m->nr_vmas == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(m->vmas, cap * sizeof(*v));
			if (!v) {
				err = -ENOMEM;
				break;
			}
			m->vmas = v;
		}
		v = &m->vmas[m->nr_vmas];
		memset(v, 0, sizeof(*v));
		if (pts_parse_maps_line(line, v))
			continue;
		m->nr_vmas++;
	}
	free(line);
	fclose(f);
	if (!err && !m->nr_vmas)
		err = -ESRCH;	/* a zombie or a kernel thread */
	return err;
}

/* open the mapped file: map_files (deleted files, other mount
 * namespaces), else its path; it must be the mapped inode */
static int open_mapped(const struct emodel *m, const struct pts_vma *v)
{
	char path[4200];
	struct stat st;
	char *del;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/map_files/%llx-%llx", m->pid,
		 (unsigned long long)v->start, (unsigned long long)v->end);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(path, sizeof(path), "%s", v->name);
		del = strstr(path, " (deleted)");
		if (del)
			*del = '\0';
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_ino != v->ino ||
	    major(st.st_dev) != v->dev_major ||
	    minor(st.st_dev) != v->dev_minor) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

static int collect_objs(struct emodel *m)
{
	struct eobj *o;
	size_t i, j;
	int fd;

	m->vma_obj = calloc(m->nr_vmas, sizeof(*m->vma_obj));
	m->objs = calloc(m->nr_vmas, sizeof(*m->objs));
	if (!m->vma_obj || !m->objs)
		return -ENOMEM;
	for (i = 0; i < m->nr_vmas; i++) {
		const struct pts_vma *v = &m->vmas[i];

		m->vma_obj[i] = (size_t)-1;
		if (!v->ino || v->name[0] != '/')
			continue;
		for (j = 0; j < m->nr_objs; j++)
			if (m->objs[j].ino == v->ino &&
			    m->objs[j].dev_major == v->dev_major &&
			    m->objs[j].dev_minor == v->dev_minor)
				break;
		if (j == m->nr_objs) {
			o = &m->objs[m->nr_objs++];
			o->path = v->name;
			o->ino = v->ino;
			o->dev_major = v->dev_major;
			o->dev_minor = v->dev_minor;
			fd = open_mapped(m, v);
			if (fd >= 0) {
				o->ok = !pts_elfobj_load_fd(fd, &o->elf);
				close(fd);
			}
		}
		o = &m->objs[j];
		m->vma_obj[i] = j;
		if (o->ok && !o->bias_ok &&
		    !pts_elfobj_bias(&o->elf, v->start,
				     v->pgoff << PTS_PAGE_SHIFT, &o->bias))
			o->bias_ok = true;
	}
	return 0;
}

static void find_exe(struct emodel *m)
{
	char path[64];
	struct stat st;
	size_t j;

	m->exe = -1;
	snprintf(path, sizeof(path), "/proc/%u/exe", m->pid);
	if (stat(path, &st))
		return;
	for (j = 0; j < m->nr_objs; j++)
		if (m->objs[j].ino == st.st_ino &&
		    m->objs[j].dev_major == major(st.st_dev) &&
		    m->objs[j].dev_minor == minor(st.st_dev))
			m->exe = j;
}

static int collect_pages(struct emodel *m)
{
	char path[64];
	struct epage *p;
	__u64 *pm = NULL, a;
	size_t i, k, n, cap = 0;
	struct pts_pm d;
	int fd, err = 0;
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/%u/pagemap", m->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (i = 0; i < m->nr_vmas && !err; i++) {
		const struct pts_vma *v = &m->vmas[i];

		if (m->vma_obj[i] == (size_t)-1 || !m->objs[m->vma_obj[i]].ok ||
		    !m->objs[m->vma_obj[i]].bias_ok)
			continue;
		n = (v->end - v->start) >> PTS_PAGE_SHIFT;
		free(pm);
		pm = calloc(n, sizeof(*pm));
		if (!pm) {
			err = -ENOMEM;
			break;
		}
		r = pread(fd, pm, n * sizeof(*pm),
			  (v->start >> PTS_PAGE_SHIFT) * sizeof(*pm));
		if (r < 0) {
			err = -errno;
			break;
		}
		if (m->nr_pages + n > cap) {
			cap = (m->nr_pages + n) * 2;
			p = realloc(m->pages, cap * sizeof(*p));
			if (!p) {
				err = -ENOMEM;
				break;
			}
			m->pages = p;
		}
		for (k = 0, a = v->start; k < n; k++, a += PTS_PAGE_SIZE) {
			p = &m->pages[m->nr_pages++];
			p->addr = a;
			p->vma = i;
			p->obj = m->vma_obj[i];
			p->state = PG_NONE;
			if (k >= (size_t)r / sizeof(*pm))
				continue;
			pts_pagemap_decode(pm[k], &d);
			if (d.present)
				p->state = d.file_shared ? PG_FILE : PG_ANON;
			else if (d.swapped)
				p->state = PG_SWAP;
		}
	}
	free(pm);
	close(fd);
	return err;
}

/* ------------------------------------------------------------------ */
/* audit                                                                */

static struct eviol *viol_add(struct emodel *m, const char *kind, long obj,
			      __u64 start, __u64 end)
{
	struct eviol *x = realloc(m->viol, (m->nr_viol + 1) * sizeof(*x));

	if (!x)
		return NULL;
	m->viol = x;
	x = &m->viol[m->nr_viol++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->obj = obj;
	x->start = start;
	x->end = end;
	return x;
}

#define VIOL(m, kind, obj, s, e, ...)					\
	do {								\
		struct eviol *_x = viol_add(m, kind, obj, s, e);	\
		if (!_x)						\
			return -ENOMEM;					\
		snprintf(_x->detail, sizeof(_x->detail), __VA_ARGS__);	\
	} while (0)

static bool perm(const struct pts_vma *v, char c)
{
	return strchr(v->perms, c) != NULL;
}

static int audit_relro(struct emodel *m, size_t j)
{
	const __u64 mask = ~(PTS_PAGE_SIZE - 1);
	const struct eobj *o = &m->objs[j];
	const struct pts_elf_seg *s;
	__u64 lo, hi, a, b;
	size_t i;

	if (o->elf.relro < 0) {
		if (o->elf.dynamic)
			VIOL(m, "no-relro", j, 0, 0,
			     "dynamic object without PT_GNU_RELRO: GOT and .dynamic stay writable");
		return 0;
	}
	s = &o->elf.segs[o->elf.relro];
	lo = (o->bias + s->vaddr) & mask;
	hi = (o->bias + s->vaddr + s->memsz) & mask;
	for (i = 0; i < m->nr_vmas; i++) {
		const struct pts_vma *v = &m->vmas[i];

		if (!perm(v, 'w') || v->end <= lo || v->start >= hi)
			continue;
		a = v->start > lo ? v->start : lo;
		b = v->end < hi ? v->end : hi;
		VIOL(m, "relro-writable", j, a, b,
		     "PT_GNU_RELRO pages still writable (%s), %s binding",
		     v->perms, o->elf.bind_now ? "immediate" : "lazy");
	}
	return 0;
}

static int audit_stack(struct emodel *m)
{
	const struct pts_elfobj *e;
	const char *why = "no executable known";
	size_t i;

	for (i = 0; i < m->nr_vmas; i++) {
		const struct pts_vma *v = &m->vmas[i];

		if (strcmp(v->name, "[stack]") || !perm(v, 'x'))
			continue;
		if (m->exe >= 0) {
			e = &m->objs[m->exe].elf;
			if (e->gnu_stack < 0)
				why = "the executable has no PT_GNU_STACK (executable stack by default)";
			else if (e->segs[e->gnu_stack].flags & PF_X)
				why = "the executable's PT_GNU_STACK asks for it (PF_X)";
			else
				why = "PT_GNU_STACK of the executable is not executable: made so by a library's PT_GNU_STACK or mprotect";
		}
		VIOL(m, "execstack", -1, v->start, v->end,
		     "the stack is executable (%s): %s", v->perms, why);
	}
	return 0;
}

/* wx-pte: leaves the MMU lets user space write and execute */
static int audit_ptes(struct pts_ctx *ctx, struct emodel *m)
{
	const __u64 want = PTSCOPE_F_PRESENT | PTSCOPE_F_RW | PTSCOPE_F_USER;
	struct pts_query q = { .pid = m->pid };
	struct pts_model pm;
	size_t i, k, n;
	int err;

	if (ctx->source == PTS_SRC_PROC || getenv("PTSCOPE_REPLAY")) {
		snprintf(m->pte_note, sizeof(m->pte_note),
			 "PTE bits not checked: /proc source");
		return 0;
	}
	err = pts_module_available();
	if (err) {
		if (ctx->source == PTS_SRC_MODULE)
			return err;
		snprintf(m->pte_note, sizeof(m->pte_note),
			 "PTE bits not checked: ptscope.ko not available (%s)",
			 strerror(-err));
		return 0;
	}
	pts_model_init(&pm);
	err = pts_module_gather(ctx, &q, &pm);
	for (i = 0; !err && i < pm.nr_entries; i = k) {
		const struct pts_entry *e = &pm.entries[i];

		k = i + 1;
		if (e->kind != PTS_PRESENT || (e->flags & want) != want ||
		    (e->flags & PTSCOPE_F_NX))
			continue;
		n = 1;
		while (k < pm.nr_entries && pm.entries[k].kind == PTS_PRESENT &&
		       (pm.entries[k].flags & want) == want &&
		       !(pm.entries[k].flags & PTSCOPE_F_NX) &&
		       pm.entries[k].va == pm.entries[k - 1].va +
					   pm.entries[k - 1].size) {
			k++;
			n++;
		}
		{
			struct eviol *x = viol_add(m, "wx-pte", -1, e->va,
						   pm.entries[k - 1].va +
						   pm.entries[k - 1].size);

			if (!x) {
				err = -ENOMEM;
				break;
			}
			snprintf(x->detail, sizeof(x->detail),
				 "%zu present leaf entr%s writable and executable (RW set, NX clear)",
				 n, n == 1 ? "y is" : "ies are");
		}
	}
	if (!err)
		m->pte_checked = true;
	pts_model_free(&pm);
	return err;
}

static int audit(struct emodel *m)
{
	size_t i, j, k;
	int err;

	for (i = 0; i < m->nr_vmas; i++) {
		const struct pts_vma *v = &m->vmas[i];

		if (perm(v, 'w') && perm(v, 'x'))
			VIOL(m, "wx", m->vma_obj[i] == (size_t)-1 ? -1 :
				 (long)m->vma_obj[i], v->start, v->end,
			     "mapping %s is writable and executable (%s)",
			     v->name[0] ? v->name : "[anon]", v->perms);
	}
	for (j = 0; j < m->nr_objs; j++) {
		const struct eobj *o = &m->objs[j];

		if (!o->ok)
			continue;
		for (k = 0; k < o->elf.nr_segs; k++) {
			const struct pts_elf_seg *s = &o->elf.segs[k];

			if (s->type == PT_LOAD && (s->flags & PF_W) &&
			    (s->flags & PF_X))
				VIOL(m, "wx-segment", j,
				     o->bias_ok ? o->bias + s->vaddr : 0,
				     o->bias_ok ? o->bias + s->vaddr + s->memsz : 0,
				     "PT_LOAD segment %zu is RWX", k);
		}
		if (o->bias_ok) {
			err = audit_relro(m, j);
			if (err)
				return err;
		}
	}
	err = audit_stack(m);
	if (err)
		return err;
	/* text-cow: runs of anonymous pages in executable private mappings */
	for (i = 0; i < m->nr_pages; i = k) {
		const struct pts_vma *v = &m->vmas[m->pages[i].vma];

		k = i + 1;
		if (m->pages[i].state != PG_ANON || !perm(v, 'x') ||
		    perm(v, 'w') || !perm(v, 'p'))
			continue;
		while (k < m->nr_pages && m->pages[k].vma == m->pages[i].vma &&
		       m->pages[k].state == PG_ANON)
			k++;
		VIOL(m, "text-cow", (long)m->pages[i].obj, m->pages[i].addr,
		     m->pages[k - 1].addr + PTS_PAGE_SIZE,
		     "%zu executable page(s) are private copies, not the file's%s",
		     k - i, m->objs[m->pages[i].obj].elf.textrel ?
		     " (DT_TEXTREL: text relocations)" : "");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* output                                                               */

static const char *relro_kind(const struct pts_elfobj *e)
{
	if (e->relro < 0)
		return "none";
	if (!e->dynamic)
		return "static";	/* no PLT to bind lazily */
	return e->bind_now ? "full" : "partial";
}

static struct json_object *objs_json(const struct emodel *m)
{
	struct json_object *arr = json_object_new_array(), *o;
	const struct pts_elfobj *e;
	char flags[8];
	size_t j;

	for (j = 0; j < m->nr_objs; j++) {
		if (!m->objs[j].ok)
			continue;
		e = &m->objs[j].elf;
		o = json_object_new_object();
		json_object_object_add(o, "path",
				       json_object_new_string(m->objs[j].path));
		json_object_object_add(o, "type",
				       json_object_new_string(e->type == ET_EXEC ? "EXEC" :
							      e->type == ET_DYN ? "DYN" : "OTHER"));
		json_object_object_add(o, "bias", m->objs[j].bias_ok ?
				       pts_json_hex(m->objs[j].bias) : NULL);
		json_object_object_add(o, "relro",
				       json_object_new_string(relro_kind(e)));
		if (e->gnu_stack >= 0) {
			snprintf(flags, sizeof(flags), "%c%c%c",
				 e->segs[e->gnu_stack].flags & PF_R ? 'r' : '-',
				 e->segs[e->gnu_stack].flags & PF_W ? 'w' : '-',
				 e->segs[e->gnu_stack].flags & PF_X ? 'x' : '-');
			json_object_object_add(o, "gnu_stack",
					       json_object_new_string(flags));
		} else {
			json_object_object_add(o, "gnu_stack", NULL);
		}
		json_object_object_add(o, "textrel",
				       json_object_new_boolean(e->textrel));
		json_object_object_add(o, "symbols",
				       json_object_new_string(e->symtab ? "symtab" :
							      e->nr_syms ? "dynsym" : "none"));
		json_object_object_add(o, "executable",
				       json_object_new_boolean((long)j == m->exe));
		json_object_array_add(arr, o);
	}
	return arr;
}

static int render(struct pts_ctx *ctx, const struct emodel *m, bool only_audit)
{
	struct getctx *g;
	struct pts_table pages = {
		.cols = elf_cols, .nr_cols = ARRAY_SIZE(elf_cols),
		.defaults = elf_defaults, .nr_rows = m->nr_pages,
		.get = page_get,
	};
	struct pts_table viol = {
		.cols = viol_cols, .nr_cols = ARRAY_SIZE(viol_cols),
		.defaults = "KIND,START,END,OBJECT,DETAIL",
		.nr_rows = m->nr_viol, .get = viol_get,
	};
	struct json_object *o;
	size_t j;
	int err;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->m = m;
	g->json = ctx->json;
	pages.priv = viol.priv = g;
	err = pts_table_select(ctx, &pages, ctx->output);
	if (!err)
		err = pts_table_select(ctx, &viol, NULL);
	if (err)
		goto out;
	if (ctx->json) {
		o = json_object_new_object();
		json_object_object_add(o, "pid", json_object_new_int64(m->pid));
		json_object_object_add(o, "objects", objs_json(m));
		json_object_object_add(o, "pte_checked",
				       json_object_new_boolean(m->pte_checked));
		if (!only_audit)
			json_object_object_add(o, "pages",
					       pts_table_json(ctx, &pages));
		json_object_object_add(o, "violations",
				       pts_table_json(ctx, &viol));
		err = pts_json_print(ctx, o, ctx->out);
		goto out;
	}
	if (!only_audit) {
		err = pts_table_plain(ctx, &pages, ctx->out);
		if (err)
			goto out;
		fprintf(ctx->out, "\n");
	}
	for (j = 0; j < m->nr_objs; j++)
		if (m->objs[j].ok)
			fprintf(ctx->out, "object: %s: %s, RELRO %s%s%s\n",
				m->objs[j].path,
				m->objs[j].elf.type == ET_EXEC ? "ET_EXEC" : "ET_DYN",
				relro_kind(&m->objs[j].elf),
				m->objs[j].elf.textrel ? ", TEXTREL" : "",
				m->objs[j].bias_ok ? "" : ", load bias unknown");
	if (!m->pte_checked)
		fprintf(ctx->err, "ptscope: note: %s\n", m->pte_note);
	if (!m->nr_viol) {
		fprintf(ctx->out, "no violations\n");
		goto out;
	}
	fprintf(ctx->out, "%zu violation(s):\n", m->nr_viol);
	err = pts_table_plain(ctx, &viol, ctx->out);
out:
	free(g);
	return err;
}

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] elf PID [--audit] [--symbols]\n"
		"       ptscope elf help\n"
		"\n"
		"For every file-backed mapping of an ELF object in process PID, one\n"
		"line per page: the segments (program headers), allocated sections\n"
		"and function/object symbols (.symtab, else .dynsym) it holds, read\n"
		"with libelf from /proc/PID/map_files (or the path), and whether the\n"
		"page is the file's page-cache page or a private anonymous copy\n"
		"(/proc/PID/pagemap).  Then an audit of the process:\n"
		"\n"
		"  wx              a mapping both writable and executable\n"
		"  wx-pte          present leaves with RW set and NX clear (ptscope.ko)\n"
		"  wx-segment      a PT_LOAD segment with PF_W and PF_X\n"
		"  relro-writable  PT_GNU_RELRO pages still writable\n"
		"  no-relro        a dynamic object without PT_GNU_RELRO\n"
		"  execstack       an executable [stack] (with what PT_GNU_STACK said)\n"
		"  text-cow        executable file pages turned into private copies\n"
		"                  (text relocations, breakpoints)\n"
		"\n"
		"  --audit      only the objects and the audit, no page lines\n"
		"  --symbols    list every symbol of a page, not the first 3 and +N\n"
		"\n"
		"-J prints {\"pid\", \"objects\", \"pte_checked\", \"pages\",\n"
		"\"violations\"}.  wx-pte needs ptscope.ko and not --source proc.\n"
		"Exit status: 0 no violation, 1 violations found, 2 error (bad\n"
		"arguments, no such process, no permission).\n"
		"\n");
	pts_print_columns(ctx->out, elf_cols, ARRAY_SIZE(elf_cols),
			  elf_defaults);
	return 0;
}

struct elf_args {
	bool audit;
	bool symbols;
};

static int elf_opt(struct pts_ctx *ctx, int c, const char *arg, void *priv)
{
	struct elf_args *a = priv;

	(void)arg;
	switch (c) {
	case OPT_AUDIT:
		a->audit = true;
		return 0;
	case OPT_SYMBOLS:
		a->symbols = true;
		return 0;
	}
	return pts_usage_error(ctx, "unknown option");
}

static void emodel_free(struct emodel *m)
{
	size_t i;

	for (i = 0; i < m->nr_objs; i++)
		pts_elfobj_free(&m->objs[i].elf);
	for (i = 0; i < m->nr_vmas; i++)
		free(m->vmas[i].name);
	free(m->vmas);
	free(m->vma_obj);
	free(m->objs);
	free(m->pages);
	free(m->viol);
}

/**
 * do_elf - the elf object: "elf PID [--audit] [--symbols]"
 * @ctx: context
 * @argc: arguments
 * @argv: arguments, argv[0] being "elf"
 *
 * Return: 0 when the audit found nothing, -PTS_EFOUND (exit status 1)
 * after listing violations, -PTS_EUSAGE (exit status 2) on any error.
 */
int do_elf(struct pts_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "audit",	no_argument,	NULL, OPT_AUDIT },
		{ "symbols",	no_argument,	NULL, OPT_SYMBOLS },
		{ NULL, 0, NULL, 0 },
	};
	struct elf_args a = { 0 };
	struct emodel m = { 0 };
	int i, err;

	if (argc == 2 && !strcmp(argv[1], "help"))
		return pts_help(ctx, do_help, argc, argv);
	i = pts_parse_args(ctx, argc, argv, opts, elf_opt, &a, do_help);
	if (i <= 0)
		return i;
	if (argc - i != 1)
		return pts_usage_error(ctx, "elf: expected PID");
	if (pts_parse_pid(argv[i], &m.pid))
		return pts_usage_error(ctx, "invalid pid '%s'", argv[i]);
	err = pts_columns_check(ctx, elf_cols, ARRAY_SIZE(elf_cols),
				elf_defaults);
	if (err)
		return err;
	m.all_syms = a.symbols;

	if (pts_proc_is_kthread(m.pid)) {
		pts_error(ctx, 0, "pid %u is a kernel thread: no address space",
			  m.pid);
		return -PTS_EUSAGE;
	}
	err = read_maps(&m);
	if (err == -ENOENT)
		err = -ESRCH;
	if (!err)
		err = collect_objs(&m);
	if (!err) {
		find_exe(&m);
		err = collect_pages(&m);
	}
	if (!err)
		err = audit(&m);
	if (!err)
		err = audit_ptes(ctx, &m);
	if (err) {
		pts_error(ctx, err, "pid %u", m.pid);
		err = -PTS_EUSAGE;
		goto out;
	}
	err = render(ctx, &m, a.audit);
	if (err) {
		pts_error(ctx, err, "pid %u: output", m.pid);
		err = -PTS_EUSAGE;
	} else if (m.nr_viol) {
		err = -PTS_EFOUND;
	}
out:
	emodel_free(&m);
	return err;
}
