// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope-demo: a process with the memory a textbook figure shows, for
 * `make demo`.  It builds a touched heap, a touched stack, a file mapping,
 * a THP-backed region (MADV_HUGEPAGE), and forks a child that shares the
 * anonymous pages copy-on-write.  It prints one line per region, then
 * "ready PARENT CHILD" and waits until killed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MiB (1024UL * 1024)
#define THP_SIZE (2 * MiB)

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/ptscope-demo.dat";
	volatile char stack[64 * 1024];
	char *heap, *file, *thp, *raw, *cow;
	size_t i;
	pid_t child;
	int fd;

	/* keep the allocation on the brk heap, not in its own mmap */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
	heap = malloc(256 * 1024);
	if (!heap)
		die("malloc");
	memset(heap, 0x11, 256 * 1024);

	for (i = 0; i < sizeof(stack); i += 4096)
		stack[i] = 1;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open");
	for (i = 0; i < 16; i++) {
		char page[4096];

		memset(page, 'a' + (int)i, sizeof(page));
		if (write(fd, page, sizeof(page)) != sizeof(page))
			die("write");
	}
	file = mmap(NULL, 16 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (file == MAP_FAILED)
		die("mmap file");
	for (i = 0; i < 16 * 4096; i += 4096)
		(void)*(volatile char *)(file + i);

	/* a 2 MiB-aligned region inside a larger reservation, for a THP */
	raw = mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		die("mmap thp");
	thp = (char *)(((unsigned long)raw + THP_SIZE - 1) & ~(THP_SIZE - 1));
	madvise(thp, THP_SIZE, MADV_HUGEPAGE);
	memset(thp, 0x22, THP_SIZE);

	/* anonymous pages the child will share copy-on-write */
	cow = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (cow == MAP_FAILED)
		die("mmap cow");
	memset(cow, 0x33, 8 * 4096);

	printf("heap  %p\nstack %p\nfile  %p %s\nthp   %p\ncow   %p\n",
	       (void *)heap, (void *)stack, (void *)file, path, (void *)thp,
	       (void *)cow);
	fflush(stdout);

	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		/* write one page: it gets a private copy, the rest stay shared */
		cow[0] = 0x44;
		for (;;)
			pause();
	}
	usleep(200 * 1000);
	printf("ready %d %d\n", (int)getpid(), (int)child);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}
