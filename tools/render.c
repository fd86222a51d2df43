// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: renderers.  A column table drives -o, the help text and the
 * JSON types; every table is printed either with libsmartcols (plain,
 * -r, -n, -b) or as a json-c array.  Renderers only read the model.
 */
#include <errno.h>
#include <json.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pts.h"

#define PTS_CT_XNUM	100	/* hex in plain output, a number in JSON */

/* ------------------------------------------------------------------ */
/* generic tables                                                       */

static int col_find(const struct pts_table *t, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < t->nr_cols; i++)
		if (strlen(t->cols[i].name) == len &&
		    !strncasecmp(t->cols[i].name, name, len))
			return i;
	return -1;
}

static int col_add_list(struct pts_ctx *ctx, struct pts_table *t,
			const char *list)
{
	size_t len;
	int idx;

	while (*list) {
		len = strcspn(list, ",");
		if (len) {
			idx = col_find(t, list, len);
			if (idx < 0)
				return pts_usage_error(ctx,
						       "unknown column '%.*s'",
						       (int)len, list);
			if (t->nr_sel >= PTS_MAX_COLS)
				return pts_usage_error(ctx, "too many columns");
			t->sel[t->nr_sel++] = idx;
		}
		list += len;
		if (*list == ',')
			list++;
	}
	return 0;
}

/**
 * pts_table_select - choose the columns of a table
 * @ctx: context, for errors
 * @t: the table; @t->sel is filled
 * @list: -o argument: "COL,COL", "+COL" to add to the defaults, or NULL
 *
 * Return: 0 or -PTS_EUSAGE for an unknown column.
 */
int pts_table_select(struct pts_ctx *ctx, struct pts_table *t,
		     const char *list)
{
	int err;

	t->nr_sel = 0;
	if (!list)
		return col_add_list(ctx, t, t->defaults);
	if (*list == '+') {
		err = col_add_list(ctx, t, t->defaults);
		if (err)
			return err;
		list++;
	}
	err = col_add_list(ctx, t, list);
	if (!err && !t->nr_sel)
		return pts_usage_error(ctx, "no columns selected");
	return err;
}

/**
 * pts_columns_check - validate -o against a column table before any work
 * @ctx: context: -o, errors
 * @cols: the column table
 * @nr: its size
 * @defaults: the default columns
 *
 * Return: 0 or -PTS_EUSAGE.
 */
int pts_columns_check(struct pts_ctx *ctx, const struct pts_col *cols,
		      size_t nr, const char *defaults)
{
	struct pts_table t = {
		.cols = cols,
		.nr_cols = nr,
		.defaults = defaults,
	};

	return pts_table_select(ctx, &t, ctx->output);
}

static const char *cell_str(const struct pts_ctx *ctx, const struct pts_col *c,
			    const struct pts_val *v, char *buf, size_t len)
{
	size_t n;

	if (v->unknown)
		return "-";
	switch ((int)c->type) {
	case PTS_CT_STR:
	case PTS_CT_WORDS:
		return v->str ? v->str : "";
	case PTS_CT_NUM:
		if (v->str)	/* a display override, JSON keeps the number */
			return v->str;
		snprintf(buf, len, "%llu", (unsigned long long)v->num);
		return buf;
	case PTS_CT_HEX:
		snprintf(buf, len, "0x%llx", (unsigned long long)v->num);
		return buf;
	case PTS_CT_XNUM:
		snprintf(buf, len, "0x%llx%s", (unsigned long long)v->num,
			 v->str ? v->str : "");
		return buf;
	case PTS_CT_SIZE:
		return pts_size_str(buf, len, v->num, ctx->bytes);
	case PTS_CT_BITS:
		n = pts_names_str(buf, len, v->num, v->tbl, v->nr_tbl, true,
				  ",");
		return n ? buf : "";
	case PTS_CT_BOOL:
		return v->num ? "yes" : "no";
	}
	return "?";
}

/**
 * pts_table_plain - print a table with libsmartcols
 * @ctx: -r, -n, -b
 * @t: the table, columns selected
 * @out: the stream
 *
 * Return: 0 or -ENOMEM.
 */
int pts_table_plain(const struct pts_ctx *ctx, const struct pts_table *t,
		    FILE *out)
{
	struct libscols_table *tb;
	struct libscols_line *ln;
	const struct pts_col *c;
	struct pts_val v;
	char buf[512];
	size_t i, r;
	int err = -ENOMEM;

	tb = scols_new_table();
	if (!tb)
		return -ENOMEM;
	scols_table_set_stream(tb, out);
	scols_table_enable_raw(tb, ctx->raw);
	scols_table_enable_noheadings(tb, ctx->noheadings);
	for (i = 0; i < t->nr_sel; i++) {
		c = &t->cols[t->sel[i]];
		if (!scols_table_new_column(tb, c->name, c->whint,
					    c->scols_flags))
			goto out_unref;
	}
	for (r = 0; r < t->nr_rows; r++) {
		ln = scols_table_new_line(tb, NULL);
		if (!ln)
			goto out_unref;
		for (i = 0; i < t->nr_sel; i++) {
			c = &t->cols[t->sel[i]];
			memset(&v, 0, sizeof(v));
			t->get(t->priv, r, t->sel[i], &v);
			if (scols_line_set_data(ln, i,
						cell_str(ctx, c, &v, buf,
							 sizeof(buf))))
				goto out_unref;
		}
	}
	err = scols_print_table(tb) ? -EIO : 0;
out_unref:
	scols_unref_table(tb);
	return err;
}

/**
 * pts_json_hex - a "0x..." JSON string
 * @v: the value
 *
 * Return: a new json_object.
 */
struct json_object *pts_json_hex(__u64 v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_object_new_string(buf);
}

static struct json_object *words_json(const char *s)
{
	struct json_object *a = json_object_new_array();
	size_t len;

	while (s && *s) {
		s += strspn(s, " ,");
		len = strcspn(s, " ,");
		if (len)
			json_object_array_add(a,
					      json_object_new_string_len(s, len));
		s += len;
	}
	return a;
}

static struct json_object *bits_json(const struct pts_val *v)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < v->nr_tbl; i++) {
		if (!(v->num & v->tbl[i].bit))
			continue;
		json_object_array_add(a, json_object_new_string(v->tbl[i].name));
	}
	return a;
}

static struct json_object *cell_json(const struct pts_col *c,
				     const struct pts_val *v)
{
	if (v->unknown)
		return NULL;
	switch ((int)c->type) {
	case PTS_CT_STR:
		return json_object_new_string(v->str ? v->str : "");
	case PTS_CT_NUM:
	case PTS_CT_SIZE:
	case PTS_CT_XNUM:
		return json_object_new_uint64(v->num);
	case PTS_CT_HEX:
		return pts_json_hex(v->num);
	case PTS_CT_BITS:
		return bits_json(v);
	case PTS_CT_WORDS:
		return words_json(v->str);
	case PTS_CT_BOOL:
		return json_object_new_boolean(v->num);
	}
	return NULL;
}

/**
 * pts_table_json - a table as a JSON array of objects
 * @ctx: context (unused: JSON sizes are always bytes)
 * @t: the table, columns selected
 *
 * Keys are the columns' JSON names; unknown values are null, sizes are
 * numbers of bytes, addresses are "0x..." strings.
 *
 * Return: a new json_object array.
 */
struct json_object *pts_table_json(const struct pts_ctx *ctx,
				   const struct pts_table *t)
{
	struct json_object *arr = json_object_new_array(), *o;
	const struct pts_col *c;
	struct pts_val v;
	size_t i, r;

	(void)ctx;
	for (r = 0; r < t->nr_rows; r++) {
		o = json_object_new_object();
		for (i = 0; i < t->nr_sel; i++) {
			c = &t->cols[t->sel[i]];
			memset(&v, 0, sizeof(v));
			t->get(t->priv, r, t->sel[i], &v);
			json_object_object_add(o, c->json, cell_json(c, &v));
		}
		json_object_array_add(arr, o);
	}
	return arr;
}

/**
 * pts_json_print - print and release a JSON object
 * @ctx: -p
 * @o: the object, released
 * @out: the stream
 *
 * Return: 0 or -EIO.
 */
int pts_json_print(const struct pts_ctx *ctx, struct json_object *o,
		   FILE *out)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	int err = 0;

	flags |= ctx->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
			     : JSON_C_TO_STRING_PLAIN;
	if (fprintf(out, "%s\n", json_object_to_json_string_ext(o, flags)) < 0)
		err = -EIO;
	json_object_put(o);
	return err;
}

/**
 * pts_print_columns - list columns for a help text
 * @out: the stream
 * @cols: the column table
 * @n: its size
 * @defaults: default columns
 */
void pts_print_columns(FILE *out, const struct pts_col *cols, size_t n,
		       const char *defaults)
{
	size_t i;

	fprintf(out, "Columns (-o COL,... or -o +COL,...; default %s):\n",
		defaults);
	for (i = 0; i < n; i++)
		fprintf(out, "  %-11s %s\n", cols[i].name, cols[i].help);
}

static void unknown_names(const struct pts_model *m, const char **names,
			  size_t *n, size_t max)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} known[] = {
		{ PTS_K_LEVEL | PTS_K_SCAN, "level" },
		{ PTS_K_RAW, "raw" },
		{ PTS_K_TABLES, "tables" },
		{ PTS_K_PFN, "pfn" },
		{ PTS_K_PKEY, "pkey" },
		{ PTS_K_MAPCOUNT | PTS_K_KPF, "mapcount" },
		{ PTS_K_REFCOUNT, "refcount" },
		{ PTS_K_FOLIO, "folio_order" },
		{ PTS_K_VMFLAGS, "vmflags" },
	};
	size_t i;

	*n = 0;
	for (i = 0; i < ARRAY_SIZE(known) && *n < max; i++)
		if (!(m->known & known[i].bit))
			names[(*n)++] = known[i].name;
	for (i = 0; i < pts_nr_flag_names && *n < max; i++)
		if (!(m->flags_known & pts_flag_names[i].bit))
			names[(*n)++] = pts_flag_names[i].name;
}

/**
 * pts_json_head - the common part of every JSON answer
 * @m: the model
 *
 * Return: a new object with "pid", "source", "pgtable_levels", "unknown" (what
 * the source cannot tell) and "notes".
 */
struct json_object *pts_json_head(const struct pts_model *m)
{
	struct json_object *o = json_object_new_object(), *a;
	const char *names[32];
	size_t i, n;

	json_object_object_add(o, "pid", json_object_new_int64(m->pid));
	json_object_object_add(o, "source",
			       json_object_new_string(pts_source_name(m->source)));
	json_object_object_add(o, "pgtable_levels",
			       json_object_new_int(m->arch.levels));
	unknown_names(m, names, &n, ARRAY_SIZE(names));
	a = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(names[i]));
	json_object_object_add(o, "unknown", a);
	a = json_object_new_array();
	for (i = 0; i < m->nr_notes; i++)
		json_object_array_add(a, json_object_new_string(m->notes[i]));
	json_object_object_add(o, "notes", a);
	return o;
}

/**
 * pts_unknown_str - what the source cannot tell, comma separated
 * @m: the model
 * @buf: output
 * @len: size of @buf
 *
 * Return: the length of the string.
 */
size_t pts_unknown_str(const struct pts_model *m, char *buf, size_t len)
{
	const char *names[32];
	size_t i, n, pos = 0;

	unknown_names(m, names, &n, ARRAY_SIZE(names));
	buf[0] = '\0';
	for (i = 0; i < n && pos < len; i++)
		pos += snprintf(buf + pos, len - pos, "%s%s", i ? ", " : "",
				names[i]);
	return pos < len ? pos : len - 1;
}

static int render_table(struct pts_ctx *ctx, const struct pts_model *m,
			struct pts_table *t, const char *key, FILE *out)
{
	struct json_object *o;
	int err;

	err = pts_table_select(ctx, t, ctx->output);
	if (err)
		return err;
	if (!ctx->json)
		return pts_table_plain(ctx, t, out);
	o = pts_json_head(m);
	json_object_object_add(o, key, pts_table_json(ctx, t));
	return pts_json_print(ctx, o, out);
}

/* ------------------------------------------------------------------ */
/* vma show                                                             */

enum {
	VC_START, VC_END, VC_SIZE, VC_PERMS, VC_FLAGS, VC_KIND, VC_OFFSET,
	VC_DEV, VC_INODE, VC_RSS, VC_4K, VC_2M, VC_1G, VC_SWAP, VC_NAME,
};

const struct pts_col pts_vma_cols[] = {
	[VC_START] = { "START", "start", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		       "first address" },
	[VC_END] = { "END", "end", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		     "end address (exclusive)" },
	[VC_SIZE] = { "SIZE", "size", PTS_CT_SIZE, 0, SCOLS_FL_RIGHT,
		      "size of the mapping" },
	[VC_PERMS] = { "PERMS", "perms", PTS_CT_STR, 0, 0,
		       "permissions as in /proc/PID/maps" },
	[VC_FLAGS] = { "FLAGS", "flags", PTS_CT_WORDS, 0, 0,
		       "VM flags, smaps mnemonics" },
	[VC_KIND] = { "KIND", "kind", PTS_CT_STR, 0, 0,
		      "anon, file, heap, stack, vdso, vvar, shmem, hugetlb, special" },
	[VC_OFFSET] = { "OFFSET", "offset", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
			"file offset" },
	[VC_DEV] = { "DEV", "dev", PTS_CT_STR, 0, 0,
		     "device of the file, major:minor" },
	[VC_INODE] = { "INODE", "inode", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		       "inode of the file" },
	[VC_RSS] = { "RSS", "rss", PTS_CT_SIZE, 0, SCOLS_FL_RIGHT,
		     "memory mapped by present leaves" },
	[VC_4K] = { "4K", "pages_4k", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		    "present 4K leaves (PTE)" },
	[VC_2M] = { "2M", "pages_2m", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		    "present 2M leaves (PMD)" },
	[VC_1G] = { "1G", "pages_1g", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		    "present 1G leaves (PUD)" },
	[VC_SWAP] = { "SWAP", "swap", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		      "swap entries" },
	[VC_NAME] = { "NAME", "name", PTS_CT_STR, 0, 0,
		      "backing file or [heap], [stack], ..." },
};

const size_t pts_nr_vma_cols = ARRAY_SIZE(pts_vma_cols);

const char *const pts_vma_defaults = "START,END,SIZE,PERMS,RSS,4K,2M,1G,FLAGS,NAME";

static void vma_get(const void *priv, size_t row, int col, struct pts_val *v)
{
	const struct pts_model *m = priv;
	const struct pts_vma *vma = &m->vmas[row];
	static char dev[32];

	switch (col) {
	case VC_START:
		v->num = vma->start;
		break;
	case VC_END:
		v->num = vma->end;
		break;
	case VC_SIZE:
		v->num = vma->end - vma->start;
		break;
	case VC_PERMS:
		v->str = vma->perms;
		break;
	case VC_FLAGS:
		v->str = vma->flagstr;
		v->unknown = !vma->flagstr[0];
		break;
	case VC_KIND:
		v->str = pts_vma_kind_name(vma->kind);
		break;
	case VC_OFFSET:
		/* as /proc/PID/maps: no file, no offset (vm_pgoff is va >> 12) */
		v->num = vma->ino ? vma->pgoff << PTS_PAGE_SHIFT : 0;
		break;
	case VC_DEV:
		snprintf(dev, sizeof(dev), "%02x:%02x", vma->dev_major,
			 vma->dev_minor);
		v->str = dev;
		break;
	case VC_INODE:
		v->num = vma->ino;
		break;
	case VC_RSS:
		v->num = vma->present[0] * PTS_PAGE_SIZE +
			 vma->present[1] * PTS_SZ_2M +
			 vma->present[2] * PTS_SZ_1G;
		break;
	case VC_4K:
	case VC_2M:
	case VC_1G:
		v->num = vma->present[col - VC_4K];
		break;
	case VC_SWAP:
		v->num = vma->swapped;
		break;
	case VC_NAME:
		v->str = vma->name ? vma->name : "";
		break;
	}
}

/**
 * pts_render_vmas - print the VMAs of a model
 * @ctx: output options
 * @m: the model
 * @out: the stream
 *
 * Return: 0, -PTS_EUSAGE for a bad -o, -errno.
 */
int pts_render_vmas(struct pts_ctx *ctx, const struct pts_model *m,
		    FILE *out)
{
	struct pts_table t = {
		.cols = pts_vma_cols,
		.nr_cols = pts_nr_vma_cols,
		.defaults = pts_vma_defaults,
		.nr_rows = m->nr_vmas,
		.get = vma_get,
		.priv = m,
	};

	return render_table(ctx, m, &t, "vmas", out);
}

/* ------------------------------------------------------------------ */
/* pt show                                                              */

enum {
	PC_START, PC_END, PC_SIZE, PC_COUNT, PC_LEVEL, PC_TYPE, PC_FLAGS,
	PC_STATE, PC_PFN, PC_PHYS, PC_CONTIG, PC_RAW, PC_MAPCOUNT,
	PC_REFCOUNT, PC_ORDER, PC_PKEY, PC_SWAPTYPE, PC_SWAPOFF, PC_KPF,
	PC_NAME,
};

const struct pts_col pts_pt_cols[] = {
	[PC_START] = { "START", "start", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		       "first address" },
	[PC_END] = { "END", "end", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		     "end address (exclusive)" },
	[PC_SIZE] = { "SIZE", "size", PTS_CT_SIZE, 0, SCOLS_FL_RIGHT,
		      "bytes covered" },
	[PC_COUNT] = { "COUNT", "count", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		       "entries merged into the run ('-' for holes)" },
	[PC_LEVEL] = { "LEVEL", "level", PTS_CT_STR, 0, 0,
		       "pgd, p4d, pud, pmd, pte" },
	[PC_TYPE] = { "TYPE", "type", PTS_CT_STR, 0, 0,
		      "present, swap, nonpresent, hole" },
	[PC_FLAGS] = { "FLAGS", "flags", PTS_CT_BITS, 0, 0,
		       "entry bits: P RW US PWT PCD A D PSE PAT G NX SD UW SP DM PN" },
	[PC_STATE] = { "STATE", "state", PTS_CT_BITS, 0, 0,
		       "page state: anon, file, thp, zero, ksm, ..." },
	[PC_PFN] = { "PFN", "pfn", PTS_CT_XNUM, 0, SCOLS_FL_RIGHT,
		     "first frame; '+' when the run's frames are not contiguous" },
	[PC_PHYS] = { "PHYS", "phys", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		      "physical address of the first frame" },
	[PC_CONTIG] = { "CONTIG", "contiguous", PTS_CT_BOOL, 0, 0,
			"frames of the run are contiguous" },
	[PC_RAW] = { "RAW", "raw", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		     "raw entry value (first of the run)" },
	[PC_MAPCOUNT] = { "MAPCOUNT", "mapcount", PTS_CT_NUM, 0,
			  SCOLS_FL_RIGHT, "page mapcount" },
	[PC_REFCOUNT] = { "REFCOUNT", "refcount", PTS_CT_NUM, 0,
			  SCOLS_FL_RIGHT, "folio refcount" },
	[PC_ORDER] = { "ORDER", "folio_order", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		       "folio order" },
	[PC_PKEY] = { "PKEY", "pkey", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		      "protection key" },
	[PC_SWAPTYPE] = { "SWAPTYPE", "swap_type", PTS_CT_NUM, 0,
			  SCOLS_FL_RIGHT,
			  "swap device index (nonpresent: the special type)" },
	[PC_SWAPOFF] = { "SWAPOFF", "swap_offset", PTS_CT_XNUM, 0,
			 SCOLS_FL_RIGHT,
			 "offset in the swap device (migration, device: the frame)" },
	[PC_KPF] = { "KPF", "kpageflags", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		     "/proc/kpageflags bits (proc source)" },
	[PC_NAME] = { "NAME", "name", PTS_CT_STR, 0, 0,
		      "the mapping: file, [heap], ..." },
};

const size_t pts_nr_pt_cols = ARRAY_SIZE(pts_pt_cols);

const char *const pts_pt_defaults =
	"START,END,SIZE,COUNT,LEVEL,TYPE,FLAGS,STATE,PFN";

struct pt_priv {
	const struct pts_model *m;
	const struct pts_run *runs;
};

static void pt_get(const void *priv, size_t row, int col, struct pts_val *v)
{
	const struct pt_priv *p = priv;
	const struct pts_model *m = p->m;
	const struct pts_run *r = &p->runs[row];
	const struct pts_entry *e = r->first;
	bool present = e->kind == PTS_PRESENT;
	/* swap-format entries: swap, migration, device, markers */
	bool swap = e->kind == PTS_SWAP || e->kind == PTS_NONPRESENT;

	switch (col) {
	case PC_START:
		v->num = r->va;
		break;
	case PC_END:
		v->num = r->va + r->size;
		break;
	case PC_SIZE:
		v->num = r->size;
		break;
	case PC_COUNT:
		v->num = r->count;
		v->unknown = e->kind == PTS_HOLE;
		break;
	case PC_LEVEL:
		v->str = pts_level_name(r->level);
		v->unknown = !v->str;
		break;
	case PC_TYPE:
		v->str = pts_kind_name(e->kind);
		break;
	case PC_FLAGS:
		v->num = e->flags;
		v->tbl = pts_flag_names;
		v->nr_tbl = pts_nr_flag_names;
		break;
	case PC_STATE:
		v->num = e->state;
		v->tbl = pts_state_names;
		v->nr_tbl = pts_nr_state_names;
		break;
	case PC_PFN:
		v->num = e->pfn;
		v->str = r->contig ? NULL : "+";
		v->unknown = !present || !(m->known & PTS_K_PFN);
		break;
	case PC_PHYS:
		v->num = e->pfn << PTS_PAGE_SHIFT;
		v->unknown = !present || !(m->known & PTS_K_PFN);
		break;
	case PC_CONTIG:
		v->num = r->contig;
		v->unknown = !present || !(m->known & PTS_K_PFN);
		break;
	case PC_RAW:
		v->num = e->raw;
		v->unknown = e->kind == PTS_HOLE || !(m->known & PTS_K_RAW);
		break;
	case PC_MAPCOUNT:
		v->num = e->mapcount;
		v->unknown = !present ||
			     !(m->known & (PTS_K_MAPCOUNT | PTS_K_KPF));
		break;
	case PC_REFCOUNT:
		v->num = e->refcount;
		v->unknown = !present || !(m->known & PTS_K_REFCOUNT);
		break;
	case PC_ORDER:
		v->num = e->folio_order;
		v->unknown = !present || !(m->known & PTS_K_FOLIO);
		break;
	case PC_PKEY:
		v->num = e->pkey;
		v->unknown = !present || !(m->known & PTS_K_PKEY);
		break;
	case PC_SWAPTYPE:
		v->num = e->swap_type;
		v->unknown = !swap;
		break;
	case PC_SWAPOFF:
		v->num = e->swap_offset;
		v->unknown = !swap;
		break;
	case PC_KPF:
		v->num = e->kpf;
		v->unknown = !present || !(m->known & PTS_K_KPF);
		break;
	case PC_NAME:
		v->str = e->vma < m->nr_vmas && m->vmas[e->vma].name ?
			 m->vmas[e->vma].name : "";
		break;
	}
}

/**
 * pts_render_pt - print runs of entries
 * @ctx: output options
 * @m: the model the runs point into
 * @runs: the runs
 * @nr: number of runs
 * @merged: runs were merged (for JSON)
 * @out: the stream
 *
 * Return: 0, -PTS_EUSAGE for a bad -o, -errno.
 */
int pts_render_pt(struct pts_ctx *ctx, const struct pts_model *m,
		  const struct pts_run *runs, size_t nr, bool merged,
		  FILE *out)
{
	struct pt_priv p = { .m = m, .runs = runs };
	struct pts_table t = {
		.cols = pts_pt_cols,
		.nr_cols = pts_nr_pt_cols,
		.defaults = pts_pt_defaults,
		.nr_rows = nr,
		.get = pt_get,
		.priv = &p,
	};
	struct json_object *o, *range;
	int err;

	err = pts_table_select(ctx, &t, ctx->output);
	if (err)
		return err;
	if (!ctx->json)
		return pts_table_plain(ctx, &t, out);
	o = pts_json_head(m);
	range = json_object_new_object();
	json_object_object_add(range, "start", pts_json_hex(m->start));
	json_object_object_add(range, "end", pts_json_hex(m->end));
	json_object_object_add(o, "range", range);
	json_object_object_add(o, "merged", json_object_new_boolean(merged));
	json_object_object_add(o, "entries", pts_table_json(ctx, &t));
	return pts_json_print(ctx, o, out);
}

/* ------------------------------------------------------------------ */
/* vtop                                                                 */

/**
 * pts_xlate_compute - translate @addr with the entries of a model
 * @m: the model
 * @addr: the virtual address
 * @x: result; @x->pa is valid when @x->entry is a present leaf
 *
 * The leaf's frame is taken to be the frame of the entry's @va, so a huge
 * leaf clipped by the range still translates exactly.
 */
void pts_xlate_compute(const struct pts_model *m, __u64 addr,
		       struct pts_xlate *x)
{
	const struct pts_entry *e;
	size_t i;
	int vma;

	memset(x, 0, sizeof(*x));
	x->addr = addr;
	vma = pts_model_find_vma(m, addr);
	if (vma >= 0)
		x->vma = &m->vmas[vma];
	for (i = 0; i < m->nr_entries; i++) {
		e = &m->entries[i];
		if (addr >= e->va && addr - e->va < e->size) {
			x->entry = e;
			break;
		}
	}
	if (x->entry && x->entry->kind == PTS_PRESENT)
		x->pa = (x->entry->pfn << PTS_PAGE_SHIFT) + (addr - x->entry->va);
}

enum {
	XC_ADDR, XC_PHYS, XC_PFN, XC_PAGESIZE, XC_LEVEL, XC_TYPE, XC_FLAGS,
	XC_STATE, XC_RAW, XC_MAPCOUNT, XC_NAME,
};

const struct pts_col pts_vtop_cols[] = {
	[XC_ADDR] = { "ADDR", "addr", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		      "virtual address" },
	[XC_PHYS] = { "PHYS", "phys", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		      "physical address" },
	[XC_PFN] = { "PFN", "pfn", PTS_CT_XNUM, 0, SCOLS_FL_RIGHT,
		     "frame number of the 4K page" },
	[XC_PAGESIZE] = { "PAGESIZE", "page_size", PTS_CT_SIZE, 0,
			  SCOLS_FL_RIGHT, "size of the leaf: 4K, 2M, 1G" },
	[XC_LEVEL] = { "LEVEL", "level", PTS_CT_STR, 0, 0,
		       "level of the leaf" },
	[XC_TYPE] = { "TYPE", "type", PTS_CT_STR, 0, 0,
		      "present, swap, nonpresent, hole" },
	[XC_FLAGS] = { "FLAGS", "flags", PTS_CT_BITS, 0, 0,
		       "entry bits" },
	[XC_STATE] = { "STATE", "state", PTS_CT_BITS, 0, 0, "page state" },
	[XC_RAW] = { "RAW", "raw", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		     "raw leaf entry" },
	[XC_MAPCOUNT] = { "MAPCOUNT", "mapcount", PTS_CT_NUM, 0,
			  SCOLS_FL_RIGHT, "page mapcount" },
	[XC_NAME] = { "NAME", "name", PTS_CT_STR, 0, 0, "the mapping" },
};

const size_t pts_nr_vtop_cols = ARRAY_SIZE(pts_vtop_cols);

const char *const pts_vtop_defaults =
	"ADDR,PHYS,PFN,PAGESIZE,LEVEL,TYPE,FLAGS,STATE,NAME";

struct vtop_priv {
	const struct pts_model *m;
	const struct pts_xlate *x;
};

static __u64 leaf_size(const struct pts_entry *e)
{
	int shift;

	if (e->level >= PTSCOPE_LVL_PUD && e->level <= PTSCOPE_LVL_PTE) {
		shift = pts_level_shift(e->level, 4);
		return 1ULL << shift;
	}
	return e->size;
}

static void vtop_get(const void *priv, size_t row, int col, struct pts_val *v)
{
	const struct vtop_priv *p = priv;
	const struct pts_xlate *x = p->x;
	const struct pts_entry *e = x->entry;
	bool present = e && e->kind == PTS_PRESENT;

	(void)row;
	switch (col) {
	case XC_ADDR:
		v->num = x->addr;
		break;
	case XC_PHYS:
		v->num = x->pa;
		v->unknown = !present || !(p->m->known & PTS_K_PFN);
		break;
	case XC_PFN:
		v->num = x->pa >> PTS_PAGE_SHIFT;
		v->unknown = !present || !(p->m->known & PTS_K_PFN);
		break;
	case XC_PAGESIZE:
		v->unknown = !present;
		if (present)
			v->num = leaf_size(e);
		break;
	case XC_LEVEL:
		v->str = e ? pts_level_name(e->level) : NULL;
		v->unknown = !v->str;
		break;
	case XC_TYPE:
		v->str = e ? pts_kind_name(e->kind) : "hole";
		break;
	case XC_FLAGS:
		v->num = e ? e->flags : 0;
		v->tbl = pts_flag_names;
		v->nr_tbl = pts_nr_flag_names;
		break;
	case XC_STATE:
		v->num = e ? e->state : 0;
		v->tbl = pts_state_names;
		v->nr_tbl = pts_nr_state_names;
		break;
	case XC_RAW:
		v->num = e ? e->raw : 0;
		v->unknown = !e || e->kind == PTS_HOLE ||
			     !(p->m->known & PTS_K_RAW);
		break;
	case XC_MAPCOUNT:
		v->num = e ? e->mapcount : 0;
		v->unknown = !present ||
			     !(p->m->known & (PTS_K_MAPCOUNT | PTS_K_KPF));
		break;
	case XC_NAME:
		v->str = x->vma ? x->vma->name : NULL;
		v->unknown = !x->vma;
		break;
	}
}

/* the --explain breakdown: one row per address field */
enum { BC_FIELD, BC_BITS, BC_BINARY, BC_INDEX, BC_TABLE, BC_ENTRY, BC_FLAGS };

static const struct pts_col brk_cols[] = {
	[BC_FIELD] = { "FIELD", "field", PTS_CT_STR, 0, 0, "" },
	[BC_BITS] = { "BITS", "bits", PTS_CT_STR, 0, SCOLS_FL_RIGHT, "" },
	[BC_BINARY] = { "BINARY", "binary", PTS_CT_STR, 0, SCOLS_FL_RIGHT, "" },
	[BC_INDEX] = { "VALUE", "value", PTS_CT_NUM, 0, SCOLS_FL_RIGHT, "" },
	[BC_TABLE] = { "TABLE", "table", PTS_CT_HEX, 0, SCOLS_FL_RIGHT, "" },
	[BC_ENTRY] = { "ENTRY", "entry", PTS_CT_HEX, 0, SCOLS_FL_RIGHT, "" },
	[BC_FLAGS] = { "FLAGS", "flags", PTS_CT_BITS, 0, 0, "" },
};

struct brk_priv {
	const struct pts_model *m;
	const struct pts_xlate *x;
	struct pts_bits rows[PTSCOPE_NR_LEVELS + 2];
	size_t nr;
	int leaf;
};

static const struct pts_step *find_step(const struct pts_model *m, int level)
{
	size_t i;

	for (i = 0; i < m->nr_steps; i++)
		if (m->steps[i].level == level)
			return &m->steps[i];
	return NULL;
}

static void brk_get(const void *priv, size_t row, int col, struct pts_val *v)
{
	const struct brk_priv *p = priv;
	const struct pts_bits *b = &p->rows[row];
	const struct pts_entry *e = p->x->entry;
	const struct pts_step *s = NULL;
	bool is_leaf = b->level == p->leaf && e && e->kind != PTS_HOLE;
	static char bits[16], bin[72];
	unsigned int i, w;

	if (b->level >= 0)
		s = find_step(p->m, b->level);
	switch (col) {
	case BC_FIELD:
		if (b->level >= 0)
			v->str = pts_level_name(b->level);
		else
			v->str = b->level == -1 ? "offset" : "sign";
		break;
	case BC_BITS:
		snprintf(bits, sizeof(bits), "%u-%u", b->hi, b->lo);
		v->str = bits;
		break;
	case BC_BINARY:
		w = b->hi - b->lo + 1;
		for (i = 0; i < w && i < sizeof(bin) - 1; i++)
			bin[i] = (b->value >> (w - 1 - i)) & 1 ? '1' : '0';
		bin[i] = '\0';
		v->str = bin;
		break;
	case BC_INDEX:
		v->num = b->value;
		if (b->level < 0) {	/* offset and sign bits in hex */
			snprintf(bits, sizeof(bits), "0x%llx",
				 (unsigned long long)b->value);
			v->str = bits;
		}
		break;
	case BC_TABLE:
		v->num = s ? s->table_pa : 0;
		v->unknown = !s;
		break;
	case BC_ENTRY:
		if (s)
			v->num = s->raw;
		else if (is_leaf && (p->m->known & PTS_K_RAW))
			v->num = e->raw;
		else
			v->unknown = true;
		if (b->level < 0)
			v->unknown = true;
		break;
	case BC_FLAGS:
		v->tbl = pts_flag_names;
		v->nr_tbl = pts_nr_flag_names;
		if (s)
			v->num = s->flags;
		else if (is_leaf)
			v->num = e->flags;
		else
			v->unknown = true;
		if (b->level < 0)
			v->unknown = true;
		break;
	}
}

static int vtop_breakdown(struct brk_priv *p, const struct pts_model *m,
			  const struct pts_xlate *x)
{
	unsigned int levels = m->arch.levels == 5 ? 5 : 4;
	unsigned int top = levels == 5 ? 57 : 48;
	const struct pts_entry *e = x->entry;
	int n;

	p->m = m;
	p->x = x;
	p->leaf = PTSCOPE_LVL_PTE;
	if (e && e->kind != PTS_HOLE &&
	    (e->level == PTSCOPE_LVL_PMD || e->level == PTSCOPE_LVL_PUD))
		p->leaf = e->level;
	p->rows[0].level = -2;
	p->rows[0].hi = 63;
	p->rows[0].lo = top;
	p->rows[0].value = x->addr >> top;
	n = pts_addr_breakdown(x->addr, levels, p->leaf, &p->rows[1],
			       &p->rows[PTSCOPE_NR_LEVELS + 1]);
	if (n < 0)
		return n;
	p->rows[n + 1] = p->rows[PTSCOPE_NR_LEVELS + 1];
	p->nr = n + 2;
	return 0;
}

/**
 * pts_render_vtop - print a translation
 * @ctx: output options
 * @m: the model
 * @x: the translation
 * @explain: add the address breakdown, level by level
 * @out: the stream
 *
 * Return: 0, -PTS_EUSAGE for a bad -o, -errno.
 */
int pts_render_vtop(struct pts_ctx *ctx, const struct pts_model *m,
		    const struct pts_xlate *x, bool explain, FILE *out)
{
	struct vtop_priv p = { .m = m, .x = x };
	struct pts_table t = {
		.cols = pts_vtop_cols,
		.nr_cols = pts_nr_vtop_cols,
		.defaults = pts_vtop_defaults,
		.nr_rows = 1,
		.get = vtop_get,
		.priv = &p,
	};
	struct brk_priv bp;
	struct pts_table bt = {
		.cols = brk_cols,
		.nr_cols = ARRAY_SIZE(brk_cols),
		.defaults = "FIELD,BITS,BINARY,VALUE,TABLE,ENTRY,FLAGS",
		.get = brk_get,
		.priv = &bp,
	};
	struct json_object *o, *arr, *row;
	const struct pts_entry *e = x->entry;
	bool present = e && e->kind == PTS_PRESENT;
	struct json_object_iter it;
	const struct pts_bits *off;
	__u64 base;
	int err;

	err = pts_table_select(ctx, &t, ctx->output);
	if (err)
		return err;
	if (explain) {
		err = vtop_breakdown(&bp, m, x);
		if (err)
			return err;
		bt.nr_rows = bp.nr;
		err = pts_table_select(ctx, &bt, NULL);
		if (err)
			return err;
	}

	if (ctx->json) {
		o = pts_json_head(m);
		arr = pts_table_json(ctx, &t);
		row = json_object_array_get_idx(arr, 0);
		json_object_object_foreachC(row, it)
			json_object_object_add(o, it.key,
					       json_object_get(it.val));
		json_object_put(arr);
		if (explain)
			json_object_object_add(o, "breakdown",
					       pts_table_json(ctx, &bt));
		return pts_json_print(ctx, o, out);
	}

	err = pts_table_plain(ctx, &t, out);
	if (err || !explain)
		return err;
	fprintf(out, "\n%u-level paging, %u-bit user addresses:\n",
		m->arch.levels, m->arch.virt_bits);
	err = pts_table_plain(ctx, &bt, out);
	if (err)
		return err;
	off = &bp.rows[bp.nr - 1];
	if (present && (m->known & PTS_K_PFN)) {
		base = x->pa - off->value;
		fprintf(out,
			"phys = frame 0x%llx (pfn 0x%llx) + offset 0x%llx = 0x%llx\n",
			(unsigned long long)base,
			(unsigned long long)(base >> PTS_PAGE_SHIFT),
			(unsigned long long)off->value,
			(unsigned long long)x->pa);
	} else if (present) {
		fprintf(out, "phys = unknown (frame numbers hidden)\n");
	} else if (e && e->kind == PTS_SWAP) {
		fprintf(out,
			"not present: swapped out (type %u, offset 0x%llx)\n",
			e->swap_type, (unsigned long long)e->swap_offset);
	} else {
		fprintf(out, "not present: %s\n",
			x->vma ? "no page mapped there yet" :
				 "no mapping (VMA) there");
	}
	if (m->source == PTS_SRC_PROC)
		fprintf(out, "(tables and upper-level entries are not visible through /proc)\n");
	else if (!(m->known & PTS_K_XLATE))
		fprintf(out, "(no LEVEL records: tables and upper-level entries unknown)\n");
	return 0;
}

/* ------------------------------------------------------------------ */
/* stats                                                                */

#define STATS_TOTAL	PTSCOPE_NR_LEVELS

struct stats_row {
	int level;		/* STATS_TOTAL for the total row */
	bool tables_known;
	__u64 tables;
	__u64 leaves;
	__u64 mapped;
	__u64 swap;
	__u64 nonpresent;
	__u64 holes;
};

struct stats_priv {
	const struct pts_model *m;
	struct stats_row rows[PTSCOPE_NR_LEVELS + 1];
	size_t nr;
	__u64 state_cnt[64];
	__u64 state_bytes[64];
};

enum {
	SC_LEVEL, SC_TABLES, SC_TBLMEM, SC_LEAVES, SC_MAPPED, SC_SWAP,
	SC_NONPRESENT, SC_HOLES,
};

const struct pts_col pts_stats_cols[] = {
	[SC_LEVEL] = { "LEVEL", "level", PTS_CT_STR, 0, 0,
		       "page-table level, or total" },
	[SC_TABLES] = { "TABLES", "tables", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
			"page-table pages at this level" },
	[SC_TBLMEM] = { "TBLMEM", "table_bytes", PTS_CT_SIZE, 0,
			SCOLS_FL_RIGHT, "memory of those tables" },
	[SC_LEAVES] = { "LEAVES", "leaves", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
			"present leaves at this level" },
	[SC_MAPPED] = { "MAPPED", "mapped", PTS_CT_SIZE, 0, SCOLS_FL_RIGHT,
			"memory mapped by the leaves" },
	[SC_SWAP] = { "SWAP", "swap", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		      "swap entries" },
	[SC_NONPRESENT] = { "NONPRESENT", "nonpresent", PTS_CT_NUM, 0,
			    SCOLS_FL_RIGHT, "other non-present entries" },
	[SC_HOLES] = { "HOLES", "holes", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		       "runs of none entries / missing tables" },
};

const size_t pts_nr_stats_cols = ARRAY_SIZE(pts_stats_cols);

const char *const pts_stats_defaults =
	"LEVEL,TABLES,TBLMEM,LEAVES,MAPPED,SWAP,NONPRESENT,HOLES";

static void stats_get(const void *priv, size_t row, int col,
		      struct pts_val *v)
{
	const struct stats_priv *p = priv;
	const struct stats_row *r = &p->rows[row];

	switch (col) {
	case SC_LEVEL:
		v->str = r->level == STATS_TOTAL ? "total" :
			 pts_level_name(r->level);
		break;
	case SC_TABLES:
		v->num = r->tables;
		v->unknown = !r->tables_known;
		break;
	case SC_TBLMEM:
		v->num = r->tables * PTS_PAGE_SIZE;
		v->unknown = !r->tables_known;
		break;
	case SC_LEAVES:
		v->num = r->leaves;
		break;
	case SC_MAPPED:
		v->num = r->mapped;
		break;
	case SC_SWAP:
		v->num = r->swap;
		break;
	case SC_NONPRESENT:
		v->num = r->nonpresent;
		break;
	case SC_HOLES:
		v->num = r->holes;
		break;
	}
}

/* distinct table-index regions holding populated entries */
static void estimate_tables(const struct pts_model *m, __u64 *tables)
{
	__u64 last[PTSCOPE_NR_LEVELS];
	const struct pts_entry *e;
	unsigned int levels = m->arch.levels == 5 ? 5 : 4;
	int lvl, shift;
	size_t i;

	memset(tables, 0, sizeof(__u64) * PTSCOPE_NR_LEVELS);
	for (lvl = 0; lvl < PTSCOPE_NR_LEVELS; lvl++)
		last[lvl] = ~0ULL;
	tables[PTSCOPE_LVL_PGD] = 1;
	for (i = 0; i < m->nr_entries; i++) {
		e = &m->entries[i];
		if (e->kind == PTS_HOLE)
			continue;
		/* a leaf at level L lives in a table of level L */
		for (lvl = PTSCOPE_LVL_P4D; lvl <= PTSCOPE_LVL_PTE; lvl++) {
			if (lvl == PTSCOPE_LVL_P4D && levels == 4)
				continue;
			if (e->level >= 0 && lvl > e->level)
				break;
			/* the table of level lvl covers 512 of its entries */
			shift = pts_level_shift(lvl, levels) + 9;
			if ((e->va >> shift) != last[lvl]) {
				last[lvl] = e->va >> shift;
				tables[lvl]++;
			}
		}
	}
}

static void stats_compute(struct stats_priv *p, const struct pts_model *m)
{
	unsigned int levels = m->arch.levels == 5 ? 5 : 4;
	struct stats_row *tot;
	const struct pts_entry *e;
	__u64 est[PTSCOPE_NR_LEVELS];
	int lvl, b;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->m = m;
	if (!m->stats.valid)
		estimate_tables(m, est);
	for (lvl = 0; lvl < PTSCOPE_NR_LEVELS; lvl++) {
		if (lvl == PTSCOPE_LVL_P4D && levels == 4)
			continue;
		p->rows[p->nr].level = lvl;
		p->rows[p->nr].tables_known = true;
		p->rows[p->nr].tables = m->stats.valid ? m->stats.tables[lvl] :
					est[lvl];
		p->nr++;
	}
	tot = &p->rows[p->nr++];
	tot->level = STATS_TOTAL;
	tot->tables_known = true;

	for (i = 0; i < m->nr_entries; i++) {
		struct stats_row *r = NULL;
		size_t j;

		e = &m->entries[i];
		for (j = 0; j + 1 < p->nr; j++)
			if (p->rows[j].level == e->level)
				r = &p->rows[j];
		switch (e->kind) {
		case PTS_PRESENT:
			tot->leaves++;
			tot->mapped += e->size;
			if (r) {
				r->leaves++;
				r->mapped += e->size;
			}
			break;
		case PTS_SWAP:
			tot->swap++;
			if (r)
				r->swap++;
			break;
		case PTS_NONPRESENT:
			tot->nonpresent++;
			if (r)
				r->nonpresent++;
			break;
		default:
			tot->holes++;
			if (r)
				r->holes++;
			break;
		}
		if (e->kind == PTS_HOLE)
			continue;
		for (b = 0; b < 64; b++) {
			if (e->state & (1ULL << b)) {
				p->state_cnt[b]++;
				p->state_bytes[b] += e->size;
			}
		}
	}
	for (i = 0; i + 1 < p->nr; i++)
		tot->tables += p->rows[i].tables;
}

static void print_summary(struct pts_ctx *ctx, const struct pts_model *m,
			  const struct stats_priv *p, FILE *out)
{
	const struct stats_row *tot = &p->rows[p->nr - 1];
	unsigned int vbits = m->arch.virt_bits ? m->arch.virt_bits : 47;
	__u64 flat_entries = 1ULL << (vbits - PTS_PAGE_SHIFT);
	__u64 flat = flat_entries * 8, used = tot->tables * PTS_PAGE_SIZE;
	char a[32], b[32];
	size_t i;

	fprintf(out, "\nSTATE entries and memory mapped:\n");
	for (i = 0; i < pts_nr_state_names; i++) {
		int bit = __builtin_ctzll(pts_state_names[i].bit);

		if (!p->state_cnt[bit])
			continue;
		fprintf(out, "  %-16s %10llu  %s\n", pts_state_names[i].name,
			(unsigned long long)p->state_cnt[bit],
			pts_size_str(a, sizeof(a), p->state_bytes[bit],
				     ctx->bytes));
	}
	fprintf(out, "\npage tables:    %llu pages, %s%s\n",
		(unsigned long long)tot->tables,
		pts_size_str(a, sizeof(a), used, ctx->bytes),
		m->stats.valid ? "" :
		" (estimated: tables needed by the populated entries)");
	if (m->vmpte >= 0)
		fprintf(out, "VmPTE (kernel): %s (PTE, PMD and PUD tables)\n",
			pts_size_str(a, sizeof(a), m->vmpte, ctx->bytes));
	fprintf(out, "mapped:         %s in %llu leaves\n",
		pts_size_str(a, sizeof(a), tot->mapped, ctx->bytes),
		(unsigned long long)tot->leaves);
	fprintf(out,
		"flat table:     2^%u entries x 8 bytes = %s for a %u-bit address space\n",
		vbits - PTS_PAGE_SHIFT,
		pts_size_str(b, sizeof(b), flat, ctx->bytes), vbits);
	if (used)
		fprintf(out, "flat / used:    %.0fx\n", (double)flat / used);
}

static void add_u64(struct json_object *o, const char *key, __u64 v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

/**
 * pts_render_stats - print page-table statistics
 * @ctx: output options
 * @m: the model
 * @out: the stream
 *
 * Return: 0, -PTS_EUSAGE for a bad -o, -errno.
 */
int pts_render_stats(struct pts_ctx *ctx, const struct pts_model *m,
		     FILE *out)
{
	struct stats_priv *p;
	struct pts_table t = {
		.cols = pts_stats_cols,
		.nr_cols = pts_nr_stats_cols,
		.defaults = pts_stats_defaults,
		.get = stats_get,
	};
	struct json_object *o, *arr, *st, *sum;
	unsigned int vbits = m->arch.virt_bits ? m->arch.virt_bits : 47;
	const struct stats_row *tot;
	size_t i;
	int err;

	p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	stats_compute(p, m);
	t.priv = p;
	t.nr_rows = p->nr;
	err = pts_table_select(ctx, &t, ctx->output);
	if (err)
		goto out_free;
	if (!ctx->json) {
		err = pts_table_plain(ctx, &t, out);
		if (!err)
			print_summary(ctx, m, p, out);
		goto out_free;
	}

	o = pts_json_head(m);
	arr = pts_table_json(ctx, &t);
	json_object_object_add(o, "levels", arr);
	st = json_object_new_array();
	for (i = 0; i < pts_nr_state_names; i++) {
		int bit = __builtin_ctzll(pts_state_names[i].bit);
		struct json_object *s;

		if (!p->state_cnt[bit])
			continue;
		s = json_object_new_object();
		json_object_object_add(s, "state",
				       json_object_new_string(pts_state_names[i].name));
		add_u64(s, "entries", p->state_cnt[bit]);
		add_u64(s, "bytes", p->state_bytes[bit]);
		json_object_array_add(st, s);
	}
	json_object_object_add(o, "states", st);
	tot = &p->rows[p->nr - 1];
	sum = json_object_new_object();
	add_u64(sum, "table_pages", tot->tables);
	add_u64(sum, "table_bytes", tot->tables * PTS_PAGE_SIZE);
	json_object_object_add(sum, "tables_estimated",
			       json_object_new_boolean(!m->stats.valid));
	json_object_object_add(sum, "vmpte_bytes", m->vmpte >= 0 ?
			       json_object_new_int64(m->vmpte) : NULL);
	add_u64(sum, "mapped_bytes", tot->mapped);
	add_u64(sum, "virt_bits", vbits);
	add_u64(sum, "flat_entries", 1ULL << (vbits - PTS_PAGE_SHIFT));
	add_u64(sum, "flat_bytes", 8ULL << (vbits - PTS_PAGE_SHIFT));
	json_object_object_add(o, "summary", sum);
	err = pts_json_print(ctx, o, out);
out_free:
	free(p);
	return err;
}
