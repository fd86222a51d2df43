// SPDX-License-Identifier: GPL-2.0
/*
 * scn_elf - a process for "ptscope elf" to audit.  Built several ways by
 * tests/guest/Makefile (dynamic PIE with full RELRO, -z execstack, a RWX
 * segment, -z norelro, text relocations); t_elf starts it, waits for
 * "ready" on its stdout and audits it.  It ends at stdin EOF.
 *
 * -DSCN_WX puts a byte in an "awx" section, so the linker makes a PT_LOAD
 * segment with PF_W|PF_X; -DSCN_TEXTREL puts an absolute address in
 * .text, a dynamic relocation that ld.so applies by writing the text page;
 * -DSCN_RELRO_RW makes the program's own PT_GNU_RELRO pages writable
 * again after startup (what a loader that skips RELRO would leave).
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef SCN_WX
__asm__(".section .wxsec,\"awx\",@progbits\n"
	".globl scn_wx_byte\n"
	"scn_wx_byte: .byte 0xc3\n"
	".previous\n");
#endif
#ifdef SCN_TEXTREL
__asm__(".text\n"
	".globl scn_textrel_ptr\n"
	"scn_textrel_ptr: .quad main\n"
	".previous\n");
#endif

#ifdef SCN_RELRO_RW
static int relro_rw(struct dl_phdr_info *info, size_t size, void *data)
{
	uintptr_t lo, hi;
	int i;

	(void)size;
	(void)data;
	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_GNU_RELRO)
			continue;
		lo = (info->dlpi_addr + info->dlpi_phdr[i].p_vaddr) & ~4095UL;
		hi = (info->dlpi_addr + info->dlpi_phdr[i].p_vaddr +
		      info->dlpi_phdr[i].p_memsz) & ~4095UL;
		if (hi > lo && mprotect((void *)lo, hi - lo,
					PROT_READ | PROT_WRITE))
			perror("mprotect");
	}
	return 1;	/* the first object is the program */
}
#endif

int main(void)
{
	char c;

#ifdef SCN_RELRO_RW
	dl_iterate_phdr(relro_rw, NULL);
#endif
	printf("ready\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
