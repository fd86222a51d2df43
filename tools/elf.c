// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: the program headers of a process's executable, read with
 * libelf, so the layout can tell text, read-only data, data and BSS apart
 * where /proc/PID/maps only shows file mappings and an anonymous one.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

#include "pts.h"

static int seg_kind(__u32 flags)
{
	if (flags & PF_X)
		return PTS_SEG_TEXT;
	if (flags & PF_W)
		return PTS_SEG_DATA;
	return PTS_SEG_RODATA;
}

static int read_phdrs(Elf *elf, struct pts_exe *exe)
{
	struct pts_segment *s;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t i, n;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		snprintf(exe->elf_err, sizeof(exe->elf_err), "not an ELF file");
		return -ENOEXEC;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		snprintf(exe->elf_err, sizeof(exe->elf_err),
			 "ELF type %u is not an executable", eh.e_type);
		return -ENOEXEC;
	}
	if (elf_getphdrnum(elf, &n)) {
		snprintf(exe->elf_err, sizeof(exe->elf_err), "%s",
			 elf_errmsg(-1));
		return -ENOEXEC;
	}
	exe->pie = eh.e_type == ET_DYN;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph))
			continue;
		if (ph.p_type == PT_GNU_RELRO) {
			exe->relro = ph.p_vaddr;
			exe->relro_size = ph.p_memsz;
			continue;
		}
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (exe->nr_segs >= PTS_MAX_SEGS)
			break;
		s = &exe->segs[exe->nr_segs++];
		s->flags = ph.p_flags;
		s->kind = seg_kind(ph.p_flags);
		s->vaddr = ph.p_vaddr;
		s->offset = ph.p_offset;
		s->filesz = ph.p_filesz;
		s->memsz = ph.p_memsz;
	}
	if (!exe->nr_segs) {
		snprintf(exe->elf_err, sizeof(exe->elf_err),
			 "no PT_LOAD segment");
		return -ENOEXEC;
	}
	exe->elf_ok = true;
	return 0;
}

/**
 * pts_elf_read - read the PT_LOAD and PT_GNU_RELRO headers of an executable
 * @path: the file, e.g. /proc/PID/exe (works for a deleted file too)
 * @exe: segments and relro filled in; @exe->elf_err says why on failure
 *
 * Return: 0, or a negative errno (-ENOEXEC when it is not a usable ELF
 * executable).
 */
int pts_elf_read(const char *path, struct pts_exe *exe)
{
	Elf *elf;
	int fd, err;

	exe->elf_ok = false;
	exe->nr_segs = 0;
	exe->relro_size = 0;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(exe->elf_err, sizeof(exe->elf_err),
			 "libelf: %s", elf_errmsg(-1));
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		snprintf(exe->elf_err, sizeof(exe->elf_err), "%s: %s", path,
			 strerror(errno));
		return err;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf) {
		snprintf(exe->elf_err, sizeof(exe->elf_err), "%s: %s", path,
			 elf_errmsg(-1));
		close(fd);
		return -ENOEXEC;
	}
	err = read_phdrs(elf, exe);
	elf_end(elf);
	close(fd);
	return err;
}
