// SPDX-License-Identifier: GPL-2.0
/*
 * wi_demo: show where anonymous pages land, per NUMA node.
 *
 *   wi_demo [-w] [-n PAGES] [-g GOFILE] [-l LABEL] [-L LABEL2]
 *
 *   -w         set MPOL_WEIGHTED_INTERLEAVE on all nodes for this task
 *              (default: do not touch the task policy, so the cgroup's
 *              policy - if any - applies)
 *   -n PAGES   pages to allocate and touch per phase (default 1200)
 *   -g GOFILE  after phase 1, create GOFILE.ready, wait until GOFILE
 *              exists, then run phase 2
 *              (new pages allocated by the same, still running task)
 *   -l LABEL   label for the table (phase 1)
 *   -L LABEL   label for phase 2 (default: LABEL + " (phase 2)")
 *
 * Node of each page is queried with move_pages(2) (nodes == NULL).
 * Statically linked, raw syscalls only: no libnuma needed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif
#define MAX_NODES 64

static long page_size;

static int phase(int npages, const char *label)
{
	size_t len = (size_t)npages * page_size;
	long counts[MAX_NODES] = { 0 }, other = 0;
	void **pages;
	int *status, i, n;
	char *buf;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(buf, len, MADV_NOHUGEPAGE);	/* count base pages */
	for (i = 0; i < npages; i++)
		buf[(size_t)i * page_size] = 1;

	pages = calloc(npages, sizeof(*pages));
	status = calloc(npages, sizeof(*status));
	if (!pages || !status) {
		perror("calloc");
		return 1;
	}
	for (i = 0; i < npages; i++)
		pages[i] = buf + (size_t)i * page_size;
	if (syscall(__NR_move_pages, 0, (unsigned long)npages, pages, NULL,
		    status, 0) < 0) {
		perror("move_pages");
		return 1;
	}
	for (i = 0; i < npages; i++) {
		if (status[i] >= 0 && status[i] < MAX_NODES)
			counts[status[i]]++;
		else
			other++;
	}

	printf("  %-40s", label);
	for (n = 0; n < MAX_NODES; n++)
		if (counts[n])
			printf(" N%d=%-5ld", n, counts[n]);
	if (other)
		printf(" ?=%ld", other);
	printf("\n  %-40s", "  ratio to the smallest:");
	{
		long min = 0;

		for (n = 0; n < MAX_NODES; n++)
			if (counts[n] && (!min || counts[n] < min))
				min = counts[n];
		for (n = 0; n < MAX_NODES; n++)
			if (counts[n])
				printf(" N%d=%-5.1f", n, (double)counts[n] / min);
	}
	printf("\n");
	fflush(stdout);
	free(pages);
	free(status);
	/* keep the mapping: later phases must not reuse these pages */
	return 0;
}

int main(int argc, char **argv)
{
	const char *gofile = NULL, *label = "pages per node", *label2 = NULL;
	int npages = 1200, set_policy = 0, opt;
	char buf2[256];

	page_size = sysconf(_SC_PAGESIZE);
	while ((opt = getopt(argc, argv, "wn:g:l:L:")) != -1) {
		switch (opt) {
		case 'w':
			set_policy = 1;
			break;
		case 'n':
			npages = atoi(optarg);
			break;
		case 'g':
			gofile = optarg;
			break;
		case 'l':
			label = optarg;
			break;
		case 'L':
			label2 = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-w] [-n PAGES] [-g GOFILE] [-l LABEL] [-L LABEL2]\n",
				argv[0]);
			return 2;
		}
	}
	if (set_policy) {
		unsigned long mask = 0;
		int n;

		for (n = 0; n < MAX_NODES; n++) {
			char p[64];
			struct stat st;

			snprintf(p, sizeof(p), "/sys/devices/system/node/node%d", n);
			if (!stat(p, &st))
				mask |= 1UL << n;
		}
		if (syscall(__NR_set_mempolicy, MPOL_WEIGHTED_INTERLEAVE, &mask,
			    (unsigned long)MAX_NODES + 1) < 0) {
			fprintf(stderr, "set_mempolicy(MPOL_WEIGHTED_INTERLEAVE): %s\n",
				strerror(errno));
			return 1;
		}
	}
	if (phase(npages, label))
		return 1;
	if (gofile) {
		struct stat st;

		char ready[256];
		FILE *f;

		snprintf(ready, sizeof(ready), "%s.ready", gofile);
		f = fopen(ready, "w");
		if (f)
			fclose(f);
		printf("  (phase 1 done; waiting for %s)\n", gofile);
		fflush(stdout);
		while (stat(gofile, &st))
			usleep(20000);
		if (!label2) {
			snprintf(buf2, sizeof(buf2), "%s (phase 2)", label);
			label2 = buf2;
		}
		if (phase(npages, label2))
			return 1;
	}
	return 0;
}
