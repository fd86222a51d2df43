// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope elf: what an ELF file holds at each address, read with libelf:
 * program headers (segments), allocated sections and function/object
 * symbols (.symtab when the file is not stripped, else .dynsym), plus
 * the dynamic flags the audit needs (BIND_NOW, TEXTREL).  Addresses here
 * are the file's own (p_vaddr, sh_addr, st_value); the caller subtracts
 * the load bias of the mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pts.h"

#ifndef PT_GNU_PROPERTY
#define PT_GNU_PROPERTY	0x6474e553
#endif

static const struct {
	__u32 type;
	const char *name;
} ptypes[] = {
	{ PT_LOAD, "LOAD" },
	{ PT_DYNAMIC, "DYNAMIC" },
	{ PT_INTERP, "INTERP" },
	{ PT_NOTE, "NOTE" },
	{ PT_PHDR, "PHDR" },
	{ PT_TLS, "TLS" },
	{ PT_GNU_EH_FRAME, "GNU_EH_FRAME" },
	{ PT_GNU_STACK, "GNU_STACK" },
	{ PT_GNU_RELRO, "GNU_RELRO" },
	{ PT_GNU_PROPERTY, "GNU_PROPERTY" },
};

/**
 * pts_elf_ptype_name - name of a program header type
 * @type: p_type
 *
 * Return: "LOAD", "GNU_RELRO", ... or "OTHER".
 */
const char *pts_elf_ptype_name(__u32 type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ptypes); i++)
		if (ptypes[i].type == type)
			return ptypes[i].name;
	return "OTHER";
}

static int load_phdrs(Elf *elf, struct pts_elfobj *o)
{
	GElf_Phdr ph;
	size_t i, n;

	if (elf_getphdrnum(elf, &n))
		return -ENOEXEC;
	o->segs = calloc(n ? n : 1, sizeof(*o->segs));
	if (!o->segs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph))
			continue;
		if (ph.p_type == PT_GNU_RELRO)
			o->relro = o->nr_segs;
		if (ph.p_type == PT_GNU_STACK)
			o->gnu_stack = o->nr_segs;
		if (ph.p_type == PT_DYNAMIC)
			o->dynamic = true;
		o->segs[o->nr_segs++] = (struct pts_elf_seg) {
			.type = ph.p_type, .flags = ph.p_flags,
			.offset = ph.p_offset, .vaddr = ph.p_vaddr,
			.filesz = ph.p_filesz, .memsz = ph.p_memsz,
			.align = ph.p_align,
		};
	}
	return 0;
}

static void read_dynamic(Elf_Data *d, size_t n, struct pts_elfobj *o)
{
	GElf_Dyn dyn;
	size_t i;

	for (i = 0; i < n && gelf_getdyn(d, i, &dyn); i++) {
		switch (dyn.d_tag) {
		case DT_BIND_NOW:
			o->bind_now = true;
			break;
		case DT_FLAGS:
			if (dyn.d_un.d_val & DF_BIND_NOW)
				o->bind_now = true;
			if (dyn.d_un.d_val & DF_TEXTREL)
				o->textrel = true;
			break;
		case DT_FLAGS_1:
			if (dyn.d_un.d_val & DF_1_NOW)
				o->bind_now = true;
			break;
		case DT_TEXTREL:
			o->textrel = true;
			break;
		}
	}
}

static int load_syms(Elf_Scn *scn, const GElf_Shdr *sh, Elf *elf,
		     struct pts_elfobj *o)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, n;
	const char *name;
	GElf_Sym sym;
	int t;

	if (!d || !sh->sh_entsize)
		return 0;
	n = sh->sh_size / sh->sh_entsize;
	o->syms = calloc(n ? n : 1, sizeof(*o->syms));
	if (!o->syms)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getsym(d, i, &sym) || sym.st_shndx == SHN_UNDEF ||
		    sym.st_shndx == SHN_ABS)
			continue;
		t = GELF_ST_TYPE(sym.st_info);
		if (t != STT_FUNC && t != STT_OBJECT && t != STT_GNU_IFUNC)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		o->syms[o->nr_syms].name = strdup(name);
		if (!o->syms[o->nr_syms].name)
			return -ENOMEM;
		o->syms[o->nr_syms].value = sym.st_value;
		o->syms[o->nr_syms++].size = sym.st_size;
	}
	return 0;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct pts_elf_sym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int load_sections(Elf *elf, struct pts_elfobj *o)
{
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL;
	GElf_Shdr sh, symsh, dynsh;
	size_t shstrndx, n = 0;
	const char *name;
	int err;

	if (elf_getshdrstrndx(elf, &shstrndx) || elf_getshdrnum(elf, &n))
		return 0;	/* no section headers: segments only */
	o->secs = calloc(n ? n : 1, sizeof(*o->secs));
	if (!o->secs)
		return -ENOMEM;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			symtab = scn;
			symsh = sh;
		} else if (sh.sh_type == SHT_DYNSYM) {
			dynsym = scn;
			dynsh = sh;
		} else if (sh.sh_type == SHT_DYNAMIC) {
			Elf_Data *d = elf_getdata(scn, NULL);

			if (d && sh.sh_entsize)
				read_dynamic(d, sh.sh_size / sh.sh_entsize, o);
		}
		if (!(sh.sh_flags & SHF_ALLOC) || !sh.sh_size ||
		    ((sh.sh_flags & SHF_TLS) && sh.sh_type == SHT_NOBITS))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		o->secs[o->nr_secs].name = strdup(name ? name : "?");
		if (!o->secs[o->nr_secs].name)
			return -ENOMEM;
		o->secs[o->nr_secs].addr = sh.sh_addr;
		o->secs[o->nr_secs].size = sh.sh_size;
		o->secs[o->nr_secs].flags = sh.sh_flags;
		o->secs[o->nr_secs++].type = sh.sh_type;
	}
	if (symtab) {
		o->symtab = true;
		err = load_syms(symtab, &symsh, elf, o);
	} else if (dynsym) {
		err = load_syms(dynsym, &dynsh, elf, o);
	} else {
		err = 0;
	}
	if (!err && o->nr_syms)
		qsort(o->syms, o->nr_syms, sizeof(*o->syms), sym_cmp);
	return err;
}

/**
 * pts_elfobj_load_fd - read an ELF file's headers, sections and symbols
 * @fd: the file, open for reading
 * @o: filled; release with pts_elfobj_free() (also after a failure)
 *
 * Return: 0; -ENOEXEC when it is not an ELF file (@o->err says why),
 * -ENOMEM.
 */
int pts_elfobj_load_fd(int fd, struct pts_elfobj *o)
{
	GElf_Ehdr eh;
	Elf *elf;
	int err;

	memset(o, 0, sizeof(*o));
	o->relro = o->gnu_stack = -1;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(o->err, sizeof(o->err), "libelf: %s", elf_errmsg(-1));
		return -EINVAL;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		snprintf(o->err, sizeof(o->err), "not an ELF file");
		if (elf)
			elf_end(elf);
		return -ENOEXEC;
	}
	o->type = eh.e_type;
	o->elfclass = gelf_getclass(elf);
	err = load_phdrs(elf, o);
	if (!err)
		err = load_sections(elf, o);
	if (err == -ENOEXEC)
		snprintf(o->err, sizeof(o->err), "%s", elf_errmsg(-1));
	elf_end(elf);
	return err;
}

/**
 * pts_elfobj_load - pts_elfobj_load_fd() on a path
 * @path: the file
 * @o: filled; release with pts_elfobj_free()
 *
 * Return: 0 or a negative errno.
 */
int pts_elfobj_load(const char *path, struct pts_elfobj *o)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		memset(o, 0, sizeof(*o));
		snprintf(o->err, sizeof(o->err), "%s", strerror(errno));
		return err;
	}
	err = pts_elfobj_load_fd(fd, o);
	close(fd);
	return err;
}

/**
 * pts_elfobj_free - release what pts_elfobj_load() allocated
 * @o: the object
 */
void pts_elfobj_free(struct pts_elfobj *o)
{
	size_t i;

	for (i = 0; i < o->nr_secs; i++)
		free(o->secs[i].name);
	for (i = 0; i < o->nr_syms; i++)
		free(o->syms[i].name);
	free(o->segs);
	free(o->secs);
	free(o->syms);
	o->segs = NULL;
	o->secs = NULL;
	o->syms = NULL;
	o->nr_segs = o->nr_secs = o->nr_syms = 0;
}

/**
 * pts_elfobj_bias - the load bias of a mapping of the file
 * @o: the object
 * @start: first address of a mapping
 * @off: its file offset
 *
 * The mapping must start a PT_LOAD segment: its offset is that
 * segment's p_offset rounded down to a page.
 *
 * Return: 0 with *@bias = @start - page(p_vaddr), or -ENOENT.
 */
int pts_elfobj_bias(const struct pts_elfobj *o, __u64 start, __u64 off,
		    __u64 *bias)
{
	const __u64 mask = ~(PTS_PAGE_SIZE - 1);
	size_t i;

	for (i = 0; i < o->nr_segs; i++) {
		const struct pts_elf_seg *s = &o->segs[i];

		if (s->type != PT_LOAD || (s->offset & mask) != off)
			continue;
		*bias = start - (s->vaddr & mask);
		return 0;
	}
	return -ENOENT;
}

/* add a word; one that does not fit is left out whole, not cut */
static size_t append(char *buf, size_t len, size_t at, const char *word)
{
	int n;

	if (at >= len)
		return at;
	n = snprintf(buf + at, len - at, "%s%s", at ? " " : "", word);
	if (n < 0 || (size_t)n >= len - at) {
		buf[at] = '\0';
		return len;	/* full: nothing more is added */
	}
	return at + n;
}

static bool overlaps(__u64 a, __u64 size, __u64 lo, __u64 hi)
{
	if (!size)
		size = 1;
	return a < hi && a + size > lo;
}

/**
 * pts_elfobj_segs_at - the program headers covering [@lo, @hi)
 * @o: the object
 * @lo: first file address (p_vaddr space)
 * @hi: end
 * @buf: blank separated words: "LOAD2:r-x", "GNU_RELRO", ...
 * @len: size of @buf
 *
 * PT_LOAD segments are numbered in file order among PT_LOADs.
 *
 * Return: the number of segments found.
 */
size_t pts_elfobj_segs_at(const struct pts_elfobj *o, __u64 lo, __u64 hi,
			  char *buf, size_t len)
{
	size_t i, at = 0, found = 0, load = 0;
	char word[48];

	buf[0] = '\0';
	for (i = 0; i < o->nr_segs; i++) {
		const struct pts_elf_seg *s = &o->segs[i];

		if (s->type == PT_LOAD)
			load++;
		if (!s->memsz || !overlaps(s->vaddr, s->memsz, lo, hi))
			continue;
		if (s->type == PT_LOAD)
			snprintf(word, sizeof(word), "LOAD%zu:%c%c%c", load - 1,
				 s->flags & PF_R ? 'r' : '-',
				 s->flags & PF_W ? 'w' : '-',
				 s->flags & PF_X ? 'x' : '-');
		else
			snprintf(word, sizeof(word), "%s",
				 pts_elf_ptype_name(s->type));
		at = append(buf, len, at, word);
		found++;
	}
	return found;
}

/**
 * pts_elfobj_secs_at - the allocated sections covering [@lo, @hi)
 * @o: the object
 * @lo: first file address
 * @hi: end
 * @buf: blank separated section names
 * @len: size of @buf
 *
 * Return: the number of sections found.
 */
size_t pts_elfobj_secs_at(const struct pts_elfobj *o, __u64 lo, __u64 hi,
			  char *buf, size_t len)
{
	size_t i, at = 0, found = 0;

	buf[0] = '\0';
	for (i = 0; i < o->nr_secs; i++) {
		if (!overlaps(o->secs[i].addr, o->secs[i].size, lo, hi))
			continue;
		at = append(buf, len, at, o->secs[i].name);
		found++;
	}
	return found;
}

/**
 * pts_elfobj_syms_at - the symbols whose [value, value + size) meets
 * [@lo, @hi) (a symbol of size 0 covers one byte)
 * @o: the object
 * @lo: first file address
 * @hi: end
 * @max: list at most this many names (0: all), then "+N"
 * @buf: blank separated names, address order
 * @len: size of @buf
 *
 * Return: the number of symbols found (all, not only those listed).
 */
size_t pts_elfobj_syms_at(const struct pts_elfobj *o, __u64 lo, __u64 hi,
			  size_t max, char *buf, size_t len)
{
	size_t i, at = 0, found = 0;
	char more[32];

	buf[0] = '\0';
	for (i = 0; i < o->nr_syms; i++) {
		if (o->syms[i].value >= hi)
			break;
		if (!overlaps(o->syms[i].value, o->syms[i].size, lo, hi))
			continue;
		if (!max || found < max)
			at = append(buf, len, at, o->syms[i].name);
		found++;
	}
	if (max && found > max) {
		snprintf(more, sizeof(more), "+%zu", found - max);
		append(buf, len, at, more);
	}
	return found;
}
