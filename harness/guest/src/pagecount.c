// SPDX-License-Identifier: GPL-2.0
/*
 * pagecount: fault anonymous pages and print how many landed on each node.
 * The workload of the client tests (crun, systemd, cgroup-tools): it sets
 * no memory policy of its own, so its pages follow its cgroup's mpol
 * policy, and it needs nothing but the kernel (static, raw syscalls), so
 * it runs unchanged in a busybox OCI bundle and under systemd.
 *
 *   pagecount PAGES           fault PAGES pages once, print, exit
 *   pagecount -f FIFO PAGES   serve: for every line read from FIFO fault
 *                             PAGES fresh pages and print one result line;
 *                             the line "exit" ends it
 *   pagecount -p PAGES        fault once, print, then wait for a signal
 *                             (keeps the pages for numastat -p/numa_maps)
 *
 * A result line is "N0=600 N1=200 N2=200 N3=0": one field per node in
 * /sys/devices/system/node/has_memory, pages counted with move_pages(2).
 * Mappings are never unmapped: the pages stay, so numastat -p and
 * /proc/PID/numa_maps show all of them.
 *
 * Weighted interleave places a fault by the page's offset in its mapping,
 * so a mapping whose size is a multiple of the weight total gets exactly
 * its share on every node (see test_mpol.c).
 */
#define _GNU_SOURCE
#include <signal.h>

#include "mpolt_node.h"

static int mem_nodes[MPOLT_MAXNODE];
static int nr_mem_nodes;

static int read_mem_nodes(void)
{
	const char *path = MPOLT_NODE_DIR "/has_memory";
	uint64_t mask;

	if (read_nodes(path, &mask)) {
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	nr_mem_nodes = nodes_to_array(mask, mem_nodes);
	return nr_mem_nodes ? 0 : -1;
}

/* Fault @npages fresh pages and print where they are; 0 or -1. */
static int fault_and_count(long npages)
{
	size_t len = (size_t)npages * pagesize();
	long counts[MPOLT_MAXNODE], other;
	int *status;
	char *buf;
	long i;
	int ret;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		return -1;
	}
	/* base pages: a THP would put 512 pages on one node at once */
	madvise(buf, len, MADV_NOHUGEPAGE);
	for (i = 0; i < npages; i++)
		buf[(size_t)i * pagesize()] = 1;

	status = calloc(npages, sizeof(*status));
	if (!status) {
		perror("calloc");
		return -1;
	}
	/* only the node of every page: move_pages(2) without target nodes */
	ret = nt_page_nodes(buf, npages, status);
	if (ret) {
		errno = -ret;
		perror("move_pages");
		free(status);
		return -1;
	}
	other = nt_count(status, npages, counts);
	for (i = 0; i < nr_mem_nodes; i++)
		printf("%sN%d=%ld", i ? " " : "", mem_nodes[i],
		       counts[mem_nodes[i]]);
	if (other)
		printf(" unknown=%ld", other);
	printf("\n");
	fflush(stdout);
	free(status);
	return 0;
}

/* Serve requests from @fifo until "exit"; a writer may come and go. */
static int serve(const char *fifo, long npages)
{
	char line[64];
	FILE *f;

	for (;;) {
		f = fopen(fifo, "r");
		if (!f) {
			perror(fifo);
			return -1;
		}
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "exit", 4)) {
				fclose(f);
				return 0;
			}
			if (fault_and_count(npages)) {
				fclose(f);
				return -1;
			}
		}
		fclose(f);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: pagecount [-f FIFO | -p] PAGES\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *fifo = NULL;
	int hold = 0;
	long npages;
	int opt;

	while ((opt = getopt(argc, argv, "f:p")) != -1) {
		switch (opt) {
		case 'f':
			fifo = optarg;
			break;
		case 'p':
			hold = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	npages = strtol(argv[optind], NULL, 10);
	if (npages <= 0)
		usage();
	if (read_mem_nodes())
		return 1;
	if (fifo)
		return serve(fifo, npages) ? 1 : 0;
	if (fault_and_count(npages))
		return 1;
	if (hold)
		pause();
	return 0;
}
