// SPDX-License-Identifier: GPL-2.0
/*
 * The layout object: a fixed model (a PIE executable with text, rodata,
 * relro, data and BSS, heap, libc, vvar/vdso, stack, vsyscall) turned
 * into regions and rendered.  Golden terminal pictures (box drawing and
 * ASCII, 4- and 5-level paging) and JSON, the JSON parsed back with
 * json-c; the SVG parsed with libxml2 and checked for structure and for
 * external references; libelf on a real executable; the command itself
 * on a child process through /proc.
 */
#include <errno.h>
#include <json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "golden.h"
#include "runpts.h"

#define BIAS	0x555555554000ULL
#define LIBC	"/usr/lib/x86_64-linux-gnu/libc.so.6"

static struct pts_model m;
static struct pts_exe exe;
static struct pts_layout l;
static char *text;
static size_t text_len;
static FILE *out;

static void add_vma(__u64 start, __u64 end, const char *perms, __u64 pgoff,
		    __u32 kind, __u64 ino, const char *name)
{
	struct pts_vma *v = pts_model_add_vma(&m);

	assert_non_null(v);
	v->start = start;
	v->end = end;
	memcpy(v->perms, perms, 5);
	v->pgoff = pgoff;
	v->kind = kind;
	v->ino = ino;
	v->dev_major = ino ? 8 : 0;
	v->dev_minor = ino ? 1 : 0;
	v->name = strdup(name);
}

static void add_present(__u64 va, __u64 size)
{
	struct pts_entry *e = pts_model_add_entry(&m);

	assert_non_null(e);
	e->va = va;
	e->size = size;
	e->kind = PTS_PRESENT;
	e->level = size == PTS_SZ_2M ? PTSCOPE_LVL_PMD : PTSCOPE_LVL_PTE;
	e->vma = pts_model_find_vma(&m, va);
	e->pfn = 0x1000 + (va >> 12 & 0xfff);
	e->flags = PTSCOPE_F_PRESENT;
}

static void add_seg(int kind, __u32 flags, __u64 vaddr, __u64 offset,
		    __u64 filesz, __u64 memsz)
{
	struct pts_segment *s = &exe.segs[exe.nr_segs++];

	s->kind = kind;
	s->flags = flags;
	s->vaddr = vaddr;
	s->offset = offset;
	s->filesz = filesz;
	s->memsz = memsz;
}

/* the fixed model; @levels 5 adds a mapping above 47 bits */
static void sample(unsigned int levels)
{
	pts_model_init(&m);
	m.source = PTS_SRC_MODULE;
	m.pid = 42;
	m.arch.levels = levels;
	m.arch.virt_bits = levels == 5 ? 56 : 47;
	m.arch.task_size = (1ULL << m.arch.virt_bits) - 4096;
	m.known = PTS_K_LEVEL | PTS_K_RAW | PTS_K_TABLES | PTS_K_PKEY |
		  PTS_K_PFN | PTS_K_VMFLAGS;
	m.flags_known = ~0ULL;

	add_vma(BIAS, BIAS + 0x1000, "r--p", 0, PTSCOPE_VMA_FILE, 1234,
		"/usr/bin/demo");
	add_vma(BIAS + 0x1000, BIAS + 0x4000, "r-xp", 1, PTSCOPE_VMA_FILE,
		1234, "/usr/bin/demo");
	add_vma(BIAS + 0x4000, BIAS + 0x5000, "r--p", 4, PTSCOPE_VMA_FILE,
		1234, "/usr/bin/demo");
	add_vma(BIAS + 0x5000, BIAS + 0x6000, "r--p", 4, PTSCOPE_VMA_FILE,
		1234, "/usr/bin/demo");
	add_vma(BIAS + 0x6000, BIAS + 0x7000, "rw-p", 5, PTSCOPE_VMA_FILE,
		1234, "/usr/bin/demo");
	add_vma(BIAS + 0x7000, BIAS + 0xa000, "rw-p", 0, PTSCOPE_VMA_ANON, 0,
		"");
	add_vma(BIAS + 0xc000, BIAS + 0x2d000, "rw-p", 0, PTSCOPE_VMA_HEAP, 0,
		"[heap]");
	add_vma(0x7ffff7d80000, 0x7ffff7d83000, "rw-p", 0, PTSCOPE_VMA_ANON,
		0, "");
	add_vma(0x7ffff7d83000, 0x7ffff7da9000, "r--p", 0, PTSCOPE_VMA_FILE,
		77, LIBC);
	add_vma(0x7ffff7da9000, 0x7ffff7efe000, "r-xp", 0x26,
		PTSCOPE_VMA_FILE, 77, LIBC);
	add_vma(0x7ffff7efe000, 0x7ffff7f52000, "r--p", 0x17b,
		PTSCOPE_VMA_FILE, 77, LIBC);
	add_vma(0x7ffff7f52000, 0x7ffff7f56000, "r--p", 0x1ce,
		PTSCOPE_VMA_FILE, 77, LIBC);
	add_vma(0x7ffff7f56000, 0x7ffff7f58000, "rw-p", 0x1d2,
		PTSCOPE_VMA_FILE, 77, LIBC);
	add_vma(0x7ffff7fc1000, 0x7ffff7fc5000, "r--p", 0, PTSCOPE_VMA_VVAR,
		0, "[vvar]");
	add_vma(0x7ffff7fc5000, 0x7ffff7fc7000, "r-xp", 0, PTSCOPE_VMA_VDSO,
		0, "[vdso]");
	add_vma(0x7ffffffde000, 0x7ffffffff000, "rw-p", 0, PTSCOPE_VMA_STACK,
		0, "[stack]");
	if (levels == 5)
		add_vma(0x00f0000000000000ULL, 0x00f0000000200000ULL, "rw-p",
			0, PTSCOPE_VMA_ANON, 0, "");

	add_present(BIAS + 0x1000, 4096);
	add_present(BIAS + 0x2000, 4096);
	add_present(BIAS + 0x6000, 4096);
	add_present(BIAS + 0x7000, 4096);
	add_present(BIAS + 0xc000, 4096);
	add_present(0x7ffff7da9000, 4096);
	add_present(0x7ffffffdd000 + 0x20000, 4096);
	if (levels == 5)
		add_present(0x00f0000000000000ULL, PTS_SZ_2M);

	memset(&exe, 0, sizeof(exe));
	strcpy(exe.path, "/usr/bin/demo");
	strcpy(exe.comm, "demo");
	exe.ino = 1234;
	exe.dev_major = 8;
	exe.dev_minor = 1;
	exe.elf_ok = true;
	exe.pie = true;
	add_seg(PTS_SEG_RODATA, 4, 0, 0, 0x5a0, 0x5a0);
	add_seg(PTS_SEG_TEXT, 5, 0x1000, 0x1000, 0x2345, 0x2345);
	add_seg(PTS_SEG_RODATA, 4, 0x4000, 0x4000, 0x800, 0x800);
	add_seg(PTS_SEG_DATA, 6, 0x5d10, 0x4d10, 0x340, 0x3500);
	exe.relro = 0x5d10;
	exe.relro_size = 0x2f0;
}

static int setup(void **state)
{
	(void)state;
	sample(4);
	assert_int_equal(pts_layout_build(&l, &m, &exe, true), 0);
	out = open_memstream(&text, &text_len);
	return 0;
}

static int setup5(void **state)
{
	(void)state;
	sample(5);
	assert_int_equal(pts_layout_build(&l, &m, &exe, false), 0);
	out = open_memstream(&text, &text_len);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (out)
		fclose(out);
	out = NULL;
	free(text);
	text = NULL;
	pts_layout_free(&l);
	pts_model_free(&m);
	return 0;
}

static const char *output(void)
{
	fflush(out);
	return text;
}

static const struct pts_region *find(int type, int nth)
{
	size_t i;

	for (i = 0; i < l.nr_regions; i++)
		if (l.regions[i].type == type && !nth--)
			return &l.regions[i];
	return NULL;
}

/* regions are contiguous, bottom up, and cover all 2^64 addresses */
static void test_cover(void **state)
{
	__u64 next = 0;
	size_t i;

	(void)state;
	assert_true(l.nr_regions > 10);
	for (i = 0; i < l.nr_regions; i++) {
		assert_true(l.regions[i].start == next);
		assert_true(l.regions[i].size > 0);
		next = l.regions[i].start + l.regions[i].size;
	}
	assert_true(next == 0);	/* wrapped at 2^64 */
}

static void test_classify(void **state)
{
	const struct pts_region *r;

	(void)state;
	assert_true(l.bias_known);
	assert_true(l.bias == BIAS);
	assert_int_equal(l.levels, 4);
	assert_true(l.hole_start == 1ULL << 47);
	assert_true(l.kernel_start == 0xffff800000000000ULL);
	assert_true(l.user_end == 0x7ffffffff000ULL);

	r = find(PTS_RG_TEXT, 0);
	assert_non_null(r);
	assert_true(r->start == BIAS + 0x1000 && r->size == 0x3000);
	assert_true(r->rss == 0x2000);
	assert_non_null(find(PTS_RG_RODATA, 1));
	r = find(PTS_RG_RELRO, 0);
	assert_non_null(r);
	assert_true(r->start == BIAS + 0x5000);
	/* data ends where the file data of the segment ends, BSS follows */
	r = find(PTS_RG_DATA, 0);
	assert_true(r->start == BIAS + 0x6000 && r->size == 0x50);
	r = find(PTS_RG_BSS, 0);
	assert_true(r->start == BIAS + 0x6050 && r->size == 0xfb0);
	assert_int_equal(r->nr_vmas, 0);
	r = find(PTS_RG_BSS, 1);
	assert_non_null(r);
	assert_true(r->start == BIAS + 0x7000 && r->size == 0x3000);
	assert_true(r->rss == 4096);
	/* the five VMAs of libc are one box */
	r = find(PTS_RG_LIB, 0);
	assert_non_null(r);
	assert_int_equal(r->nr_vmas, 5);
	assert_string_equal(r->perms, "r--p,r-xp,r--p,r--p,rw-p");
	assert_null(find(PTS_RG_LIB, 1));
	assert_non_null(find(PTS_RG_HEAP, 0));
	assert_non_null(find(PTS_RG_STACK, 0));
	assert_non_null(find(PTS_RG_VDSO, 0));
	assert_non_null(find(PTS_RG_VVAR, 0));
	assert_non_null(find(PTS_RG_GUARD, 0));
	assert_true(find(PTS_RG_VSYSCALL, 0)->start == PTS_VSYSCALL);
	assert_true(find(PTS_RG_HOLE, 0)->size == 0xffff000000000000ULL);
	assert_null(find(PTS_RG_GAP_HIGH, 0));
}

static void test_classify5(void **state)
{
	const struct pts_region *r;

	(void)state;
	assert_int_equal(l.levels, 5);
	assert_true(l.hole_start == 1ULL << 56);
	assert_true(l.kernel_start == 0xff00000000000000ULL);
	assert_true(l.map_window == 1ULL << 47);
	r = find(PTS_RG_GAP_HIGH, 0);
	assert_non_null(r);
	assert_true(r->start == 1ULL << 47);
	r = find(PTS_RG_ANON, 1);
	assert_non_null(r);
	assert_true(r->start == 0x00f0000000000000ULL);
	assert_true(r->rss == PTS_SZ_2M);
	assert_null(find(PTS_RG_VSYSCALL, 0));
}

/* without program headers, exe VMAs are told by their permissions */
static void test_no_elf(void **state)
{
	(void)state;
	pts_layout_free(&l);
	exe.elf_ok = false;
	strcpy(exe.elf_err, "test");
	assert_int_equal(pts_layout_build(&l, &m, &exe, false), 0);
	assert_false(l.bias_known);
	assert_non_null(find(PTS_RG_TEXT, 0));
	assert_non_null(find(PTS_RG_RODATA, 2));	/* relro unknown */
	assert_int_equal(find(PTS_RG_DATA, 0)->size, 0x1000);
	assert_null(find(PTS_RG_BSS, 0));
	assert_non_null(find(PTS_RG_ANON, 0));
}

/* an executable on tmpfs or initramfs is a shmem VMA: still the exe */
static void test_shmem_exe(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < m.nr_vmas; i++)
		if (m.vmas[i].ino == 1234 || m.vmas[i].ino == 77)
			m.vmas[i].kind = PTSCOPE_VMA_SHMEM;
	pts_layout_free(&l);
	assert_int_equal(pts_layout_build(&l, &m, &exe, true), 0);
	assert_true(l.bias_known);
	assert_non_null(find(PTS_RG_TEXT, 0));
	assert_non_null(find(PTS_RG_BSS, 1));
	assert_int_equal(find(PTS_RG_LIB, 0)->nr_vmas, 5);
	assert_null(find(PTS_RG_SHMEM, 0));
}

static void test_text(void **state)
{
	struct pts_draw d = { .utf8 = true };

	(void)state;
	assert_int_equal(pts_layout_text(&l, &d, out), 0);
	check_golden_str("layout.txt", output());
}

static void test_text_ascii(void **state)
{
	struct pts_draw d = { .bytes = true, .noheadings = true };
	const char *s;

	(void)state;
	assert_int_equal(pts_layout_text(&l, &d, out), 0);
	s = output();
	for (; *s; s++)
		assert_true((unsigned char)*s < 0x80);
	check_golden_str("layout_ascii.txt", output());
}

static void test_text5(void **state)
{
	struct pts_draw d = { .utf8 = true };

	(void)state;
	assert_int_equal(pts_layout_text(&l, &d, out), 0);
	check_golden_str("layout5.txt", output());
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no key '%s'", key);
	return v;
}

static void test_json(void **state)
{
	struct pts_ctx ctx = { .out = out, .err = stderr };
	struct json_object *o, *regs, *r, *segs;
	const char *end = NULL;
	size_t i, n, ntext = 0;

	(void)state;
	assert_int_equal(pts_json_print(&ctx, pts_layout_json(&l), out), 0);
	check_golden_str("layout.json", output());

	o = json_tokener_parse(output());
	assert_non_null(o);
	assert_int_equal(json_object_get_int(get(o, "pid")), 42);
	assert_string_equal(json_object_get_string(get(o, "source")), "module");
	assert_int_equal(json_object_get_int(get(o, "pgtable_levels")), 4);
	assert_string_equal(json_object_get_string(get(o, "kernel_start")),
			    "0xffff800000000000");
	assert_string_equal(json_object_get_string(get(o, "hole_start")),
			    "0x800000000000");
	segs = get(get(o, "elf"), "segments");
	assert_int_equal(json_object_array_length(segs), 4);
	assert_string_equal(json_object_get_string(get(get(o, "elf"), "bias")),
			    "0x555555554000");
	regs = get(o, "regions");
	n = json_object_array_length(regs);
	assert_int_equal(n, l.nr_regions);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(regs, i);
		if (end)	/* contiguous */
			assert_string_equal(json_object_get_string(get(r, "start")),
					    end);
		end = json_object_get_string(get(r, "end"));
		if (!strcmp(json_object_get_string(get(r, "type")), "text")) {
			ntext++;
			assert_int_equal(json_object_get_int64(get(r, "rss")),
					 0x2000);
			assert_string_equal(json_object_get_string(
				json_object_array_get_idx(get(r, "perms"), 0)),
				"r-xp");
		}
	}
	assert_string_equal(json_object_get_string(
		get(json_object_array_get_idx(regs, 0), "start")), "0x0");
	assert_string_equal(end, "0x10000000000000000");
	assert_int_equal(ntext, 1);
	json_object_put(o);
}

/* libxml2: well-formed, an <svg> root, one <g> per region, no links out */
static void check_svg(const char *svg, size_t nr_regions)
{
	xmlDocPtr doc;
	xmlNodePtr root, n;
	xmlAttrPtr a;
	size_t groups = 0;

	doc = xmlReadMemory(svg, strlen(svg), "layout.svg", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING);
	if (!doc)
		fail_msg("SVG is not well-formed XML: %s",
			 xmlGetLastError() ? xmlGetLastError()->message : "?");
	root = xmlDocGetRootElement(doc);
	assert_non_null(root);
	assert_string_equal((const char *)root->name, "svg");
	assert_non_null(root->ns);
	assert_string_equal((const char *)root->ns->href,
			    "http://www.w3.org/2000/svg");
	assert_non_null(xmlHasProp(root, (const xmlChar *)"viewBox"));
	for (n = root->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)n->name, "g"))
			groups++;
		/* standalone: no image, script or link to anything outside */
		assert_true(strcmp((const char *)n->name, "image"));
		assert_true(strcmp((const char *)n->name, "script"));
		for (a = n->properties; a; a = a->next)
			assert_true(strcmp((const char *)a->name, "href"));
	}
	assert_int_equal(groups, nr_regions);
	xmlFreeDoc(doc);
}

static void test_svg(void **state)
{
	char k[24];

	(void)state;
	assert_int_equal(pts_layout_svg(&l, out), 0);
	check_svg(output(), l.nr_regions);
	assert_null(strstr(output(), "http://www.w3.org/1999/xlink"));
	snprintf(k, sizeof(k), "0x%016llx",
		 (unsigned long long)l.kernel_start);
	assert_non_null(strstr(output(), k));
	assert_non_null(strstr(output(), "libc.so.6"));
}

/* names are escaped */
static void test_svg_escape(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < m.nr_vmas; i++) {
		if (strcmp(m.vmas[i].name, "[heap]"))
			continue;
		free(m.vmas[i].name);
		m.vmas[i].name = strdup("<a & \"b\" 'c'>\x01");
	}
	strcpy(exe.comm, "x<y&z");
	pts_layout_free(&l);
	assert_int_equal(pts_layout_build(&l, &m, &exe, true), 0);
	assert_int_equal(pts_layout_svg(&l, out), 0);
	check_svg(output(), l.nr_regions);
	assert_non_null(strstr(output(), "&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;?"));
}

static void test_elf_self(void **state)
{
	struct pts_exe *e = calloc(1, sizeof(*e));
	size_t i, text = 0, data = 0;

	(void)state;
	assert_int_equal(pts_elf_read("/proc/self/exe", e), 0);
	assert_true(e->elf_ok);
	for (i = 0; i < e->nr_segs; i++) {
		text += e->segs[i].kind == PTS_SEG_TEXT;
		data += e->segs[i].kind == PTS_SEG_DATA;
		assert_true(e->segs[i].filesz <= e->segs[i].memsz);
	}
	assert_true(text >= 1);
	assert_true(data >= 1);
	assert_int_equal(pts_elf_read("/proc/self/status", e), -ENOEXEC);
	assert_false(e->elf_ok);
	assert_true(e->elf_err[0]);
	assert_true(pts_elf_read("/nonexistent/x", e) == -ENOENT);
	free(e);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s++;
	}
	return n;
}

/* the command on a real child, through /proc */
static void test_cli(void **state)
{
	char pid_s[16], svg[64];
	struct json_object *o, *regs, *r;
	size_t i, n, text = 0, stack = 0;
	pid_t child;
	FILE *f;
	long len;
	char *buf;
	int fd;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (!child) {
		pause();
		_exit(0);
	}
	snprintf(pid_s, sizeof(pid_s), "%d", child);

	assert_int_equal(run_pts("--source", "proc", "-J", "layout", "show",
				 pid_s, NULL), 0);
	o = json_tokener_parse(pts_out);
	assert_non_null(o);
	assert_string_equal(json_object_get_string(get(o, "source")), "proc");
	assert_true(json_object_get_boolean(get(get(o, "elf"), "ok")));
	regs = get(o, "regions");
	n = json_object_array_length(regs);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(regs, i);
		text += !strcmp(json_object_get_string(get(r, "type")), "text");
		stack += !strcmp(json_object_get_string(get(r, "type")),
				 "stack");
	}
	assert_true(text >= 1);
	assert_int_equal(stack, 1);
	json_object_put(o);

	assert_int_equal(run_pts("--source", "proc", "-r", "layout", "show",
				 pid_s, NULL), 0);
	assert_non_null(strstr(pts_out, "| text "));
	assert_non_null(strstr(pts_out, "non-canonical addresses"));

	strcpy(svg, "/tmp/ptscope-layout-XXXXXX");
	fd = mkstemp(svg);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(run_pts("--source", "proc", "layout", "show", pid_s,
				 "--svg", svg, NULL), 0);
	assert_string_equal(pts_out, "");
	f = fopen(svg, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, len + 1);
	assert_int_equal(fread(buf, 1, len, f), (size_t)len);
	fclose(f);
	unlink(svg);
	assert_true(count(buf, "<g>") > 10);
	check_svg(buf, count(buf, "<g>"));
	free(buf);

	/* usage errors */
	assert_int_equal(run_pts("layout", "show", NULL), 2);
	assert_int_equal(run_pts("layout", "show", pid_s, "-o", "START",
				 NULL), 2);
	assert_int_equal(run_pts("-J", "layout", "show", pid_s, "--svg", "-",
				 NULL), 2);
	assert_non_null(json_tokener_parse(pts_out));
	assert_int_equal(run_pts("--source", "proc", "layout", "show",
				 "2147483600", NULL), 1);

	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_elf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shmem_exe, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_ascii, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_svg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_svg_escape, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cover, setup5, teardown),
		cmocka_unit_test_setup_teardown(test_classify5, setup5,
						teardown),
		cmocka_unit_test_setup_teardown(test_text5, setup5, teardown),
		cmocka_unit_test_setup_teardown(test_svg, setup5, teardown),
		cmocka_unit_test(test_elf_self),
		cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
