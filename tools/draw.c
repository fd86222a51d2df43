// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: renderers of the layout model.  A vertical picture for the
 * terminal (box drawing, or ASCII), a standalone SVG and JSON.  High
 * addresses are at the top, as in the textbook figures; unmapped gaps,
 * the non-canonical hole and the kernel half are drawn compressed with
 * their real size written in them.  Renderers only read the layout.
 */
#include <errno.h>
#include <json.h>
#include <math.h>
#include <string.h>

#include "pts.h"

/* ------------------------------------------------------------------ */
/* common                                                               */

static __u64 rg_end(const struct pts_region *r)
{
	return r->start + r->size;	/* 0 for the top region */
}

static bool rg_compressed(const struct pts_region *r)
{
	switch (r->type) {
	case PTS_RG_GAP:
	case PTS_RG_GAP_HIGH:
	case PTS_RG_HOLE:
	case PTS_RG_KERNEL:
		return true;
	}
	return false;
}

static bool rg_mapped(const struct pts_region *r)
{
	return r->type >= PTS_RG_TEXT && r->type <= PTS_RG_SPECIAL;
}

static const char *base_name(const char *path)
{
	const char *s;

	if (!path || path[0] != '/')
		return path;
	s = strrchr(path, '/');
	return s[1] ? s + 1 : path;
}

/* what the box says after the type */
static const char *rg_label(const struct pts_layout *l,
			    const struct pts_region *r)
{
	const char *n = r->name;

	if (r->type == PTS_RG_BSS && (!n || !*n) && l->exe->path[0])
		return base_name(l->exe->path);
	if (!rg_mapped(r) || !n || !*n)
		return pts_region_type_desc(r->type);
	return base_name(n);
}

/* a note for the boundary at @addr, or NULL */
static const char *boundary_note(const struct pts_layout *l, __u64 addr)
{
	if (addr == l->kernel_start)
		return "start of the kernel half";
	if (addr == l->hole_start)
		return "end of canonical user addresses";
	if (addr == l->user_end)
		return "end of user space (TASK_SIZE)";
	if (l->map_window && addr == l->map_window)
		return "128T: default mmap limit (DEFAULT_MAP_WINDOW)";
	return NULL;
}

/* ------------------------------------------------------------------ */
/* terminal                                                             */

#define NAME_W		33

struct glyphs {
	const char *h, *v, *dv, *tl, *tr, *ml, *mr, *bl, *br, *arrow, *ell;
};

static const struct glyphs utf8_glyphs = {
	"\u2500", "\u2502", "\u250a", "\u250c", "\u2510", "\u251c", "\u2524",
	"\u2514", "\u2518", "\u2190", "\u2026",
};

static const struct glyphs ascii_glyphs = {
	"-", "|", ":", "+", "+", "+", "+", "+", "+", "<-", "~",
};

/* column widths: sizes in units ("1023.5K") or in bytes (20 digits) */
struct text_cols {
	const struct glyphs *g;
	int size_w;
	int rss_w;
	int box_w;
};

static void hline(FILE *out, const struct text_cols *c, const char *l,
		  const char *r, __u64 addr, const char *note)
{
	int i;

	fprintf(out, "0x%016llx %s", (unsigned long long)addr, l);
	for (i = 0; i < c->box_w; i++)
		fputs(c->g->h, out);
	fputs(r, out);
	if (note)
		fprintf(out, " %s %s", c->g->arrow, note);
	fputc('\n', out);
}

static void row(FILE *out, const struct text_cols *c,
		const struct pts_draw *d, const struct pts_layout *l,
		const struct pts_region *r)
{
	const char *side = rg_compressed(r) ? c->g->dv : c->g->v;
	const char *label = rg_label(l, r);
	char size[32], rss[40], perms[16], name[NAME_W + 8];
	size_t n = strlen(label);

	pts_size_str(size, sizeof(size), r->size, d->bytes);
	perms[0] = '\0';
	rss[0] = '\0';
	if (rg_mapped(r)) {
		if (r->nr_vmas > 1)
			snprintf(perms, sizeof(perms), "%u vmas", r->nr_vmas);
		else
			snprintf(perms, sizeof(perms), "%.4s", r->perms);
		strcpy(rss, "rss ");
		pts_size_str(rss + 4, sizeof(rss) - 4, r->rss, d->bytes);
	}
	if (n > NAME_W)
		snprintf(name, sizeof(name), "%.*s%s", NAME_W - 1, label,
			 c->g->ell);
	else
		snprintf(name, sizeof(name), "%s%*s", label,
			 (int)(NAME_W - n), "");
	fprintf(out, "%18s %s %-8s %*s  %-7s %-*s %s %s\n", "", side,
		pts_region_type_name(r->type), c->size_w, size, perms,
		c->rss_w, rss, name, side);
}

/**
 * pts_layout_text - the layout as a vertical picture, high addresses on top
 * @l: the layout
 * @d: box drawing or ASCII, units, title line
 * @out: the stream
 *
 * Each boundary line carries its address; the top line the last address.
 * Gaps, the hole and the kernel half have dotted sides: compressed.
 *
 * Return: 0 or -EIO.
 */
int pts_layout_text(const struct pts_layout *l, const struct pts_draw *d,
		    FILE *out)
{
	struct text_cols c = {
		.g = d->utf8 ? &utf8_glyphs : &ascii_glyphs,
		.size_w = d->bytes ? 20 : 7,
		.rss_w = d->bytes ? 24 : 10,
	};
	const struct pts_exe *exe = l->exe;
	const struct pts_region *r;
	char a[32];
	size_t i;

	if (!d->noheadings) {
		fprintf(out, "pid %u", l->m->pid);
		if (exe->comm[0])
			fprintf(out, " (%s)", exe->comm);
		if (exe->path[0])
			fprintf(out, " %s", exe->path);
		fprintf(out, ": %u-level paging, %u-bit user space (%s), source %s\n",
			l->levels, l->virt_bits,
			pts_size_str(a, sizeof(a), l->hole_start, d->bytes),
			pts_source_name(l->m->source));
		if (exe->elf_ok && l->bias_known)
			fprintf(out, "%s ELF, load bias 0x%llx\n",
				exe->pie ? "PIE" : "non-PIE",
				(unsigned long long)l->bias);
		else if (!exe->elf_ok && exe->elf_err[0])
			fprintf(out, "no ELF segments (%s): text/data by permissions\n",
				exe->elf_err);
		fputc('\n', out);
	}
	c.box_w = 1 + 8 + 1 + c.size_w + 2 + 7 + 1 + c.rss_w + 1 + NAME_W + 1;
	for (i = l->nr_regions; i-- > 0;) {
		r = &l->regions[i];
		if (i == l->nr_regions - 1)
			hline(out, &c, c.g->tl, c.g->tr, rg_end(r) - 1, NULL);
		else
			hline(out, &c, c.g->ml, c.g->mr, rg_end(r),
			      boundary_note(l, rg_end(r)));
		row(out, &c, d, l, r);
	}
	hline(out, &c, c.g->bl, c.g->br, 0, NULL);
	return ferror(out) ? -EIO : 0;
}

/* ------------------------------------------------------------------ */
/* SVG                                                                  */

#define SVG_W		1040
#define SVG_ADDR_X	12
#define SVG_BOX_X	160
#define SVG_BOX_W	380
#define SVG_INFO_X	(SVG_BOX_X + SVG_BOX_W + 12)
#define SVG_NOTE_X	740
#define SVG_TOP		78
#define SVG_BRACKET_X	1010

static const char *const rg_fill[PTS_NR_RG] = {
	[PTS_RG_GAP] = "#ffffff",
	[PTS_RG_GAP_HIGH] = "#f7f7f7",
	[PTS_RG_TEXT] = "#ef8a62",
	[PTS_RG_RODATA] = "#fdbb84",
	[PTS_RG_RELRO] = "#fdd49e",
	[PTS_RG_DATA] = "#67a9cf",
	[PTS_RG_BSS] = "#a6cee3",
	[PTS_RG_HEAP] = "#b2df8a",
	[PTS_RG_LIB] = "#cab2d6",
	[PTS_RG_FILE] = "#dadaeb",
	[PTS_RG_ANON] = "#d9d9d9",
	[PTS_RG_SHMEM] = "#bcbddc",
	[PTS_RG_HUGETLB] = "#fb9a99",
	[PTS_RG_STACK] = "#fdbf6f",
	[PTS_RG_VDSO] = "#ffff99",
	[PTS_RG_VVAR] = "#ffffcc",
	[PTS_RG_SPECIAL] = "#e0e0e0",
	[PTS_RG_GUARD] = "#eeeeee",
	[PTS_RG_HOLE] = "url(#hatch)",
	[PTS_RG_KERNEL] = "#636363",
	[PTS_RG_VSYSCALL] = "#969696",
};

static void xml_str(FILE *out, const char *s, size_t max)
{
	size_t n = 0;

	for (; s && *s && n < max; s++, n++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		default:
			/* control characters are not allowed in XML 1.0 */
			fputc((unsigned char)*s < 0x20 ? '?' : *s, out);
		}
	}
	if (s && *s)
		fputs("...", out);
}

/* log2 of the size for mapped regions, fixed heights for compressed ones */
static int svg_height(const struct pts_region *r)
{
	double pages;
	int h;

	switch (r->type) {
	case PTS_RG_GAP:
	case PTS_RG_GAP_HIGH:
		return 26;
	case PTS_RG_HOLE:
		return 44;
	case PTS_RG_KERNEL:
		return 40;
	case PTS_RG_GUARD:
	case PTS_RG_VSYSCALL:
		return 20;
	}
	pages = (double)r->size / PTS_PAGE_SIZE;
	h = 20 + (int)(3.0 * log2(pages > 1 ? pages : 1));
	return h > 72 ? 72 : h;
}

static void svg_zigzag(FILE *out, int x, int y)
{
	fprintf(out,
		"<path d=\"M%d %d l6 -4 l-12 -4 l12 -4 l-6 -4\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\"/>\n",
		x, y + 8);
}

static void svg_row(FILE *out, const struct pts_layout *l,
		    const struct pts_region *r, int y, int h)
{
	bool dark = r->type == PTS_RG_KERNEL || r->type == PTS_RG_VSYSCALL;
	bool comp = rg_compressed(r);
	char a[32], b[32];
	int mid = y + h / 2 + 4;

	fprintf(out, "<g>\n<title>");
	xml_str(out, pts_region_type_name(r->type), 64);
	fprintf(out, " 0x%llx-0x%llx%s ", (unsigned long long)r->start,
		(unsigned long long)rg_end(r), rg_end(r) ? "" : " (2^64)");
	xml_str(out, r->name && *r->name ? r->name :
		pts_region_type_desc(r->type), 4096);
	fprintf(out, "</title>\n");
	fprintf(out,
		"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"none\"/>\n",
		SVG_BOX_X, y, SVG_BOX_W, h, rg_fill[r->type]);
	/* sides: solid, or dashed for a compressed region */
	fprintf(out,
		"<path d=\"M%d %d v%d M%d %d v%d\" stroke=\"#333\" stroke-width=\"1.5\"%s/>\n",
		SVG_BOX_X, y, h, SVG_BOX_X + SVG_BOX_W, y, h,
		comp ? " stroke-dasharray=\"3 3\"" : "");
	if (comp) {
		svg_zigzag(out, SVG_BOX_X, y + h / 2 - 8);
		svg_zigzag(out, SVG_BOX_X + SVG_BOX_W, y + h / 2 - 8);
	}
	fprintf(out,
		"<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"12\" fill=\"%s\"><tspan font-weight=\"bold\">",
		SVG_BOX_X + 14, mid, dark ? "#ffffff" : "#111111");
	xml_str(out, pts_region_type_name(r->type), 16);
	fprintf(out, "</tspan> ");
	xml_str(out, rg_label(l, r), 44);
	fprintf(out, "</text>\n");

	/* size, permissions (or VMA count) and resident memory as columns */
	pts_size_str(a, sizeof(a), r->size, false);
	fprintf(out,
		"<text y=\"%d\" font-family=\"monospace\" font-size=\"11\" fill=\"#111111\"><tspan x=\"%d\">%s%s</tspan>",
		mid, SVG_INFO_X, comp ? "\u2248 " : "", a);
	if (rg_mapped(r)) {
		if (r->nr_vmas > 1)
			fprintf(out, "<tspan x=\"%d\">%u vmas</tspan>",
				SVG_INFO_X + 56, r->nr_vmas);
		else
			fprintf(out, "<tspan x=\"%d\">%.4s</tspan>",
				SVG_INFO_X + 56, r->perms);
		fprintf(out, "<tspan x=\"%d\">rss %s</tspan>",
			SVG_INFO_X + 112,
			pts_size_str(b, sizeof(b), r->rss, false));
	}
	fprintf(out, "</text>\n</g>\n");
}

static void svg_boundary(FILE *out, const struct pts_layout *l, __u64 addr,
			 int y, bool top)
{
	const char *note = boundary_note(l, addr);

	fprintf(out,
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" stroke-width=\"1.5\"/>\n",
		SVG_BOX_X, y, SVG_BOX_X + SVG_BOX_W, y);
	fprintf(out,
		"<text x=\"%d\" y=\"%d\" font-family=\"monospace\" font-size=\"11\" fill=\"#333333\">0x%016llx</text>\n",
		SVG_ADDR_X, y + 4, (unsigned long long)(top ? addr - 1 : addr));
	if (!note)
		return;
	fprintf(out,
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c0392b\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\n",
		SVG_BOX_X + SVG_BOX_W, y, SVG_NOTE_X - 6, y);
	fprintf(out,
		"<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"11\" fill=\"#c0392b\">",
		SVG_NOTE_X, y + 4);
	xml_str(out, note, 80);
	fprintf(out, "</text>\n");
}

static void svg_bracket(FILE *out, int y0, int y1, const char *label)
{
	int x = SVG_BRACKET_X;

	fprintf(out,
		"<path d=\"M%d %d h8 v%d h-8\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\"/>\n",
		x - 8, y0 + 2, y1 - y0 - 4);
	fprintf(out,
		"<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#333333\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">",
		x + 14, (y0 + y1) / 2, x + 14, (y0 + y1) / 2);
	xml_str(out, label, 64);
	fprintf(out, "</text>\n");
}

static void svg_legend(FILE *out, const struct pts_layout *l, int y)
{
	bool seen[PTS_NR_RG] = { false };
	size_t i;
	int n = 0, x;

	for (i = 0; i < l->nr_regions; i++)
		seen[l->regions[i].type] = true;
	for (i = 0; i < PTS_NR_RG; i++) {
		if (!seen[i])
			continue;
		x = SVG_ADDR_X + (n % 3) * 330;
		if (n && !(n % 3))
			y += 20;
		fprintf(out,
			"<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"%s\" stroke=\"#333\" stroke-width=\"0.8\"/>\n",
			x, y - 10, rg_fill[i]);
		fprintf(out,
			"<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"11\" fill=\"#111111\"><tspan font-weight=\"bold\">%s</tspan> ",
			x + 20, y, pts_region_type_name(i));
		xml_str(out, pts_region_type_desc(i), 64);
		fprintf(out, "</text>\n");
		n++;
	}
}

/**
 * pts_layout_svg - the layout as a standalone SVG document
 * @l: the layout
 * @out: the stream
 *
 * Heights grow with log2 of a mapped region's size, so a 4K page stays
 * visible next to a 1G mapping; gaps, the hole and the kernel half have
 * fixed heights, dashed sides and break marks, with their size written.
 * No external resources: generic font families, inline pattern.
 *
 * Return: 0 or -EIO.
 */
int pts_layout_svg(const struct pts_layout *l, FILE *out)
{
	const struct pts_exe *exe = l->exe;
	int y, h, total = 0, user_top = -1, kern_bot = -1, nleg = 0;
	bool seen[PTS_NR_RG] = { false };
	const struct pts_region *r;
	char a[32];
	size_t i;

	for (i = 0; i < l->nr_regions; i++) {
		total += svg_height(&l->regions[i]);
		if (!seen[l->regions[i].type])
			nleg++;
		seen[l->regions[i].type] = true;
	}
	h = SVG_TOP + total + 50 + ((nleg + 2) / 3) * 20 + 30;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
		SVG_W, h, SVG_W, h);
	fprintf(out, "<title>ptscope layout of pid %u</title>\n", l->m->pid);
	fprintf(out,
		"<defs><pattern id=\"hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#f4f4f4\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#bbbbbb\" stroke-width=\"3\"/></pattern></defs>\n");
	fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
		SVG_W, h);
	fprintf(out,
		"<text x=\"%d\" y=\"26\" font-family=\"sans-serif\" font-size=\"16\" font-weight=\"bold\" fill=\"#111111\">pid %u",
		SVG_ADDR_X, l->m->pid);
	if (exe->comm[0]) {
		fprintf(out, " (");
		xml_str(out, exe->comm, 32);
		fprintf(out, ")");
	}
	if (exe->path[0]) {
		fprintf(out, " ");
		xml_str(out, exe->path, 90);
	}
	fprintf(out, "</text>\n");
	fprintf(out,
		"<text x=\"%d\" y=\"46\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#333333\">%u-level paging, %u-bit user space (%s), kernel half from 0x%llx; source %s",
		SVG_ADDR_X, l->levels, l->virt_bits,
		pts_size_str(a, sizeof(a), l->hole_start, false),
		(unsigned long long)l->kernel_start,
		pts_source_name(l->m->source));
	if (exe->elf_ok && l->bias_known)
		fprintf(out, "; %s, load bias 0x%llx",
			exe->pie ? "PIE" : "non-PIE",
			(unsigned long long)l->bias);
	fprintf(out, "</text>\n");
	fprintf(out,
		"<text x=\"%d\" y=\"64\" font-family=\"sans-serif\" font-size=\"11\" fill=\"#555555\">Heights grow with log2(size); dashed boxes are compressed. Addresses mark the boundaries.</text>\n",
		SVG_ADDR_X);

	y = SVG_TOP;
	for (i = l->nr_regions; i-- > 0;) {
		r = &l->regions[i];
		h = svg_height(r);
		if (r->type == PTS_RG_HOLE)
			kern_bot = y;
		if (user_top < 0 && r->start < l->hole_start &&
		    r->type != PTS_RG_HOLE)
			user_top = y;
		svg_row(out, l, r, y, h);
		svg_boundary(out, l, rg_end(r), y, i == l->nr_regions - 1);
		y += h;
	}
	svg_boundary(out, l, 0, y, false);
	if (kern_bot > SVG_TOP)
		svg_bracket(out, SVG_TOP, kern_bot, "kernel half");
	if (user_top >= 0)
		svg_bracket(out, user_top, y, "user space");
	svg_legend(out, l, y + 40);
	fprintf(out, "</svg>\n");
	return ferror(out) ? -EIO : 0;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */

static struct json_object *end_json(const struct pts_region *r)
{
	if (!rg_end(r))
		return json_object_new_string("0x10000000000000000");
	return pts_json_hex(rg_end(r));
}

static struct json_object *perms_json(const struct pts_region *r)
{
	struct json_object *a = json_object_new_array();
	const char *s = r->perms;
	size_t n;

	while (*s) {
		n = strcspn(s, ",");
		if (n)
			json_object_array_add(a, json_object_new_string_len(s, n));
		s += n + (s[n] == ',');
	}
	return a;
}

static struct json_object *elf_json(const struct pts_layout *l)
{
	static const char *const kinds[] = { "text", "rodata", "data" };
	const struct pts_exe *exe = l->exe;
	struct json_object *o, *a, *s;
	const struct pts_segment *g;
	char fl[4];
	size_t i;

	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(exe->elf_ok));
	if (!exe->elf_ok) {
		json_object_object_add(o, "error",
				       json_object_new_string(exe->elf_err));
		return o;
	}
	json_object_object_add(o, "type",
			       json_object_new_string(exe->pie ? "DYN" : "EXEC"));
	json_object_object_add(o, "bias", l->bias_known ?
			       pts_json_hex(l->bias) : NULL);
	a = json_object_new_array();
	for (i = 0; i < exe->nr_segs; i++) {
		g = &exe->segs[i];
		s = json_object_new_object();
		json_object_object_add(s, "kind",
				       json_object_new_string(kinds[g->kind]));
		fl[0] = g->flags & 4 ? 'r' : '-';	/* PF_R */
		fl[1] = g->flags & 2 ? 'w' : '-';	/* PF_W */
		fl[2] = g->flags & 1 ? 'x' : '-';	/* PF_X */
		fl[3] = '\0';
		json_object_object_add(s, "flags", json_object_new_string(fl));
		json_object_object_add(s, "vaddr", pts_json_hex(g->vaddr));
		json_object_object_add(s, "offset", pts_json_hex(g->offset));
		json_object_object_add(s, "filesz",
				       json_object_new_uint64(g->filesz));
		json_object_object_add(s, "memsz",
				       json_object_new_uint64(g->memsz));
		if (l->bias_known) {
			json_object_object_add(s, "start",
					       pts_json_hex(l->bias + g->vaddr));
			json_object_object_add(s, "file_end",
					       pts_json_hex(l->bias + g->vaddr +
							    g->filesz));
			json_object_object_add(s, "end",
					       pts_json_hex(l->bias + g->vaddr +
							    g->memsz));
		}
		json_object_array_add(a, s);
	}
	json_object_object_add(o, "segments", a);
	if (exe->relro_size) {
		s = json_object_new_object();
		json_object_object_add(s, "vaddr", pts_json_hex(exe->relro));
		json_object_object_add(s, "size",
				       json_object_new_uint64(exe->relro_size));
		json_object_object_add(o, "relro", s);
	}
	return o;
}

/**
 * pts_layout_json - the layout as a JSON object
 * @l: the layout
 *
 * The common head (pid, source, pgtable_levels, unknown, notes), the
 * boundaries, the executable's ELF segments and the regions bottom up.
 * Addresses are "0x..." strings (the top region ends at
 * "0x10000000000000000"), sizes numbers of bytes.
 *
 * Return: a new json_object.
 */
struct json_object *pts_layout_json(const struct pts_layout *l)
{
	struct json_object *o = pts_json_head(l->m), *a, *e;
	const struct pts_region *r;
	size_t i;

	json_object_object_add(o, "comm",
			       json_object_new_string(l->exe->comm));
	json_object_object_add(o, "exe", json_object_new_string(l->exe->path));
	json_object_object_add(o, "virt_bits",
			       json_object_new_int(l->virt_bits));
	json_object_object_add(o, "user_end", pts_json_hex(l->user_end));
	json_object_object_add(o, "hole_start", pts_json_hex(l->hole_start));
	json_object_object_add(o, "kernel_start",
			       pts_json_hex(l->kernel_start));
	json_object_object_add(o, "map_window", l->map_window ?
			       pts_json_hex(l->map_window) : NULL);
	json_object_object_add(o, "elf", elf_json(l));
	a = json_object_new_array();
	for (i = 0; i < l->nr_regions; i++) {
		r = &l->regions[i];
		e = json_object_new_object();
		json_object_object_add(e, "type",
				       json_object_new_string(pts_region_type_name(r->type)));
		json_object_object_add(e, "start", pts_json_hex(r->start));
		json_object_object_add(e, "end", end_json(r));
		json_object_object_add(e, "size",
				       json_object_new_uint64(r->size));
		json_object_object_add(e, "name", r->name ?
				       json_object_new_string(r->name) : NULL);
		json_object_object_add(e, "perms", perms_json(r));
		json_object_object_add(e, "vmas",
				       json_object_new_int(r->nr_vmas));
		json_object_object_add(e, "rss", rg_mapped(r) ?
				       json_object_new_uint64(r->rss) : NULL);
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "regions", a);
	return o;
}
