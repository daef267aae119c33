// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for the mpol controller: the parsing of mpol.policy and
 * mpol.weights, the effective values down the hierarchy, and where the
 * pages of member tasks land.
 *
 * A placement case faults fresh anonymous mappings one page at a time and
 * reads the node of every page with move_pages(2).  Weighted interleave
 * places a fault by its interleave index, the page's offset in the
 * mapping, so a mapping whose size is a multiple of the weight total gets
 * exactly its share on every node; one weight cycle of slack is allowed.
 * Transparent huge pages are disabled on the mappings, so that every page
 * is placed on its own.
 *
 * The cases that need NUMA nodes use the first nodes listed in
 * /sys/devices/system/node/has_memory and are skipped when there are not
 * enough of them.
 *
 * The test_mpol_migrate_* cases check mpol.migrate, which moves the
 * resident pages of a cgroup's members to where its policy puts new
 * ones: they count the pages of long-running children node by node
 * after each pass, check every word of them, and read mpol.stat (see
 * child_mig() and pass_wait()).  They are skipped on a kernel without
 * mpol.migrate.
 */
#define _GNU_SOURCE

#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/limits.h>
#include <linux/mempolicy.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "cgroup_util.h"

/*
 * An enum constant in <linux/mempolicy.h> since 6.9; the macro only helps
 * with older headers and has the same value.
 */
#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif

#define MAX_NODES	1024	/* MAX_NUMNODES with the largest NODES_SHIFT */
#define MASK_LONGS	(MAX_NODES / (8 * sizeof(unsigned long)))
#define MASK_MAXNODE	(MAX_NODES + 1)	/* maxnode for the syscalls */
#define NR_PLACEMENTS	8
#define BUF_LEN		16384
#define WAIT_MS		10000

#define IW_SYSFS "/sys/kernel/mm/mempolicy/weighted_interleave"

/* Accepted errnos of a refused write */
#define E_INVAL		0x1
#define E_RANGE		0x2
#define E_NODEV		0x4
#define E_2BIG		0x8

static long page_size;
static int mem_nodes[MAX_NODES];	/* nodes with memory, ascending */
static int nr_mem_nodes;
static int possible_nodes[MAX_NODES];	/* possible nodes, ascending */
static int nr_possible_nodes;
static char skip_reason[256];

/* Where the pages of one mapping are: pages per node */
struct placement {
	long pages;
	long unknown;			/* pages move_pages() found nowhere */
	long nodes[MAX_NODES];
};

/* What a child reports, in memory shared with the test */
struct child_result {
	char failed[256];		/* what failed in the child */
	int modes[4];			/* modes reported by get_mempolicy() */
	unsigned long masks[4][MASK_LONGS];
	long moved;			/* pages that moved after their fault */
	struct placement pl[NR_PLACEMENTS];
};

/* What a child does */
struct job {
	struct child_result *res;
	long npages;
	int own_mode;			/* set_mempolicy() mode, -1 for none */
	unsigned long own_mask[MASK_LONGS];
	int vma_mode;			/* mbind() mode, -1 for none */
	unsigned long vma_mask[MASK_LONGS];
	bool pin;			/* run on the CPUs in @cpus */
	cpu_set_t cpus;
	int nr_threads;
	int slot;			/* a thread's index */
	const char *thread_cg[2];	/* cgroups for child_thread_cgroups() */
	int nr_phases;			/* for child_phases() */
	int to_parent;
	int from_parent;
};

static long sys_set_mempolicy(int mode, const unsigned long *mask,
			      unsigned long maxnode)
{
	return syscall(__NR_set_mempolicy, mode, mask, maxnode);
}

static long sys_get_mempolicy(int *mode, unsigned long *mask,
			      unsigned long maxnode, void *addr,
			      unsigned long flags)
{
	return syscall(__NR_get_mempolicy, mode, mask, maxnode, addr, flags);
}

static long sys_mbind(void *addr, unsigned long len, int mode,
		      const unsigned long *mask, unsigned long maxnode,
		      unsigned int flags)
{
	return syscall(__NR_mbind, addr, len, mode, mask, maxnode, flags);
}

static long sys_move_pages(int pid, unsigned long count, void **pages,
			   const int *nodes, int *status, int flags)
{
	return syscall(__NR_move_pages, pid, count, pages, nodes, status,
		       flags);
}

static void mask_set(unsigned long *mask, int node)
{
	mask[node / (8 * sizeof(long))] |= 1UL << (node % (8 * sizeof(long)));
}

/*
 * Write exactly @len bytes, NULs included, in one write(2); returns what
 * write(2) returned, or -errno.
 */
static ssize_t cg_write_raw(const char *cgroup, const char *control,
			    const char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", cgroup, control);
	return write_text(path, buf, len);
}

/* Make @in printable on one line: newlines, tabs, NULs are escaped. */
static const char *esc(const char *in, size_t len, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < size; i++) {
		unsigned char c = in[i];

		if (c == '\n')
			o += snprintf(out + o, size - o, "\\n");
		else if (c == '\t')
			o += snprintf(out + o, size - o, "\\t");
		else if (c < ' ' || c > '~' || c == '\\')
			o += snprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = c;
	}
	if (i < len && o + 4 < size)
		o += snprintf(out + o, size - o, "...");
	out[o] = '\0';
	return out;
}

/* Write a formatted value, expecting success; complain otherwise. */
static __printf(3, 4) int cg_writef(const char *cgroup, const char *control,
				    const char *fmt, ...)
{
	char buf[512], e[1024];
	va_list ap;
	ssize_t ret;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return -1;
	ret = cg_write_raw(cgroup, control, buf, len);
	if (ret == len)
		return 0;
	ksft_print_msg("writing \"%s\" to %s/%s: %s\n",
		       esc(buf, len, e, sizeof(e)), cgroup, control,
		       ret < 0 ? strerror(-ret) : "short write");
	return -1;
}

/* Check that a file holds exactly @expected; complain otherwise. */
static int cg_expect(const char *cgroup, const char *control,
		     const char *expected)
{
	static char buf[BUF_LEN], e1[BUF_LEN], e2[BUF_LEN];
	int ret;

	ret = cg_read(cgroup, control, buf, sizeof(buf));
	if (ret) {
		ksft_print_msg("reading %s/%s: %s\n", cgroup, control,
			       strerror(-ret));
		return -1;
	}
	if (!strcmp(buf, expected))
		return 0;
	ksft_print_msg("%s/%s is \"%s\", expected \"%s\"\n", cgroup, control,
		       esc(buf, strlen(buf), e1, sizeof(e1)),
		       esc(expected, strlen(expected), e2, sizeof(e2)));
	return -1;
}

/* Is @word one of the space separated words of @cgroup/@control? */
static bool cg_has_word(const char *cgroup, const char *control,
			const char *word)
{
	char buf[PAGE_SIZE], *tok, *save;

	if (cg_read(cgroup, control, buf, sizeof(buf)))
		return false;
	for (tok = strtok_r(buf, "\n ", &save); tok;
	     tok = strtok_r(NULL, "\n ", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

/* Enable a controller in the subtree of @cgroup; sets skip_reason. */
static int enable_controller(const char *root, const char *cgroup,
			     const char *name)
{
	char buf[64];

	if (!cg_has_word(root, "cgroup.controllers", name)) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "controller `%s` is not available under %s", name,
			 root);
		return -1;
	}
	if (cg_has_word(cgroup, "cgroup.subtree_control", name))
		return 0;
	snprintf(buf, sizeof(buf), "+%s", name);
	if (cg_write(cgroup, "cgroup.subtree_control", buf)) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "cannot enable controller `%s` under %s", name,
			 cgroup);
		return -1;
	}
	return 0;
}

/* Parse a list like "0-2,5"; returns the number of entries or -1. */
static int parse_list(const char *s, int *out, int max)
{
	int n = 0;

	while (*s && *s != '\n') {
		char *end;
		long a, b;

		a = strtol(s, &end, 10);
		if (end == s || a < 0)
			return -1;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a)
				return -1;
		}
		for (; a <= b; a++) {
			if (n == max)
				return -1;
			out[n++] = a;
		}
		s = end;
		if (*s == ',')
			s++;
	}
	return n;
}

static int read_node_list(const char *path, int *out, int max)
{
	char buf[4096];

	if (read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	return parse_list(buf, out, max);
}

/* Format a node set the way the kernel prints it (%*pbl): "0-2,5". */
static const char *fmt_nodes(char *buf, size_t len, int nr, const int *nodes)
{
	bool set[MAX_NODES] = { false };
	int i, off = 0;

	for (i = 0; i < nr; i++)
		set[nodes[i]] = true;
	buf[0] = '\0';
	for (i = 0; i < MAX_NODES; i++) {
		int j = i;

		if (!set[i])
			continue;
		while (j + 1 < MAX_NODES && set[j + 1])
			j++;
		if (j > i)
			off += snprintf(buf + off, len - off, "%s%d-%d",
					off ? "," : "", i, j);
		else
			off += snprintf(buf + off, len - off, "%s%d",
					off ? "," : "", i);
		i = j;
	}
	return buf;
}

/* Comma separated, in the order given: "2,0" */
static const char *join_nodes(char *buf, size_t len, int nr, const int *nodes)
{
	int i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < nr; i++)
		off += snprintf(buf + off, len - off, "%s%d", i ? "," : "",
				nodes[i]);
	return buf;
}

/* The global weight of @node from sysfs, or -1. */
static int global_weight(int node)
{
	char path[PATH_MAX], buf[32];

	snprintf(path, sizeof(path), IW_SYSFS "/node%d", node);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	return atoi(buf);
}

static int set_global_weight(int node, int weight)
{
	char path[PATH_MAX], buf[32];
	int len;

	snprintf(path, sizeof(path), IW_SYSFS "/node%d", node);
	len = snprintf(buf, sizeof(buf), "%d", weight);
	if (write_text(path, buf, len) != len) {
		ksft_print_msg("writing %s to %s failed\n", buf, path);
		return -1;
	}
	return 0;
}

/*
 * The expected text of mpol.weights.effective: @weights[i] for @nodes[i],
 * the global sysfs weight for every other possible node.
 */
static int weights_effective_text(char *buf, size_t len, int nr,
				  const int *nodes, const int *weights)
{
	int i, j, off = 0;

	buf[0] = '\0';
	for (i = 0; i < nr_possible_nodes; i++) {
		int node = possible_nodes[i], w = -1;

		for (j = 0; j < nr; j++)
			if (nodes[j] == node)
				w = weights[j];
		if (w < 0)
			w = global_weight(node);
		if (w < 0) {
			ksft_print_msg("cannot read %s/node%d\n", IW_SYSFS,
				       node);
			return -1;
		}
		off += snprintf(buf + off, len - off, "%d %d\n", node, w);
	}
	return 0;
}

/* mpol.weights.effective must show @weights[i] for @nodes[i], else global */
static int expect_weights_effective(const char *cgroup, int nr,
				    const int *nodes, const int *weights)
{
	char buf[BUF_LEN];

	if (weights_effective_text(buf, sizeof(buf), nr, nodes, weights))
		return -1;
	return cg_expect(cgroup, "mpol.weights.effective", buf);
}

/* Set the weights of @nodes and check mpol.weights; @nodes ascending. */
static int set_weights(const char *cgroup, int nr, const int *nodes,
		       const int *weights)
{
	char buf[BUF_LEN];
	int i, off = 0;

	for (i = 0; i < nr; i++) {
		if (cg_writef(cgroup, "mpol.weights", "%d %d", nodes[i],
			      weights[i]))
			return -1;
		off += snprintf(buf + off, sizeof(buf) - off, "%d %d\n",
				nodes[i], weights[i]);
	}
	return cg_expect(cgroup, "mpol.weights", buf);
}

/* Write @mode:@nodes to mpol.policy and check both policy files. */
static int set_policy(const char *cgroup, const char *mode, int nr,
		      const int *nodes)
{
	char list[256], exp[512];

	if (nr) {
		join_nodes(list, sizeof(list), nr, nodes);
		if (cg_writef(cgroup, "mpol.policy", "%s:%s", mode, list))
			return -1;
		snprintf(exp, sizeof(exp), "%s:%s\n", mode,
			 fmt_nodes(list, sizeof(list), nr, nodes));
	} else {
		if (cg_writef(cgroup, "mpol.policy", "%s", mode))
			return -1;
		snprintf(exp, sizeof(exp), "%s\n", mode);
	}
	if (cg_expect(cgroup, "mpol.policy", exp))
		return -1;
	return cg_expect(cgroup, "mpol.policy.effective", exp);
}

static int need_nodes(int n)
{
	if (nr_mem_nodes >= n)
		return 0;
	snprintf(skip_reason, sizeof(skip_reason),
		 "needs %d NUMA nodes with memory, found %d", n,
		 nr_mem_nodes);
	return -1;
}

static int need_global_weights(void)
{
	if (global_weight(possible_nodes[0]) > 0)
		return 0;
	snprintf(skip_reason, sizeof(skip_reason), "%s is missing",
		 IW_SYSFS);
	return -1;
}

/* The CPUs of @node; returns their number. */
static int node_cpus(int node, cpu_set_t *set)
{
	char path[PATH_MAX];
	int cpus[CPU_SETSIZE];
	int i, n;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist",
		 node);
	n = read_node_list(path, cpus, CPU_SETSIZE);
	CPU_ZERO(set);
	for (i = 0; i < n; i++)
		if (cpus[i] < CPU_SETSIZE)
			CPU_SET(cpus[i], set);
	return n < 0 ? 0 : CPU_COUNT(set);
}

static __printf(2, 3) int child_fail(struct child_result *res,
				     const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(res->failed, sizeof(res->failed), fmt, ap);
	va_end(ap);
	if (len > 0 && (size_t)len < sizeof(res->failed))
		snprintf(res->failed + len, sizeof(res->failed) - len, ": %s",
			 strerror(saved));
	return 1;
}

/* Map @npages of fresh anonymous memory, without THP. */
static char *map_region(long npages)
{
	char *p;

	p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* fails with EINVAL without CONFIG_TRANSPARENT_HUGEPAGE: fine */
	madvise(p, npages * page_size, MADV_NOHUGEPAGE);
	return p;
}

/* Fault the pages in order, one write each. */
static void touch_region(char *p, long npages)
{
	long i;

	for (i = 0; i < npages; i++)
		p[i * page_size] = 1;
}

/*
 * Count the pages of @p in process @pid (0: this one) per node; the nodes
 * go to @status if given.
 */
static int count_region_of(pid_t pid, char *p, long npages,
			   struct placement *pl, int *status)
{
	void **pages;
	int *st;
	long i;
	int ret = -1;

	pages = calloc(npages, sizeof(*pages));
	st = status ? status : calloc(npages, sizeof(*st));
	if (!pages || !st)
		goto out;
	for (i = 0; i < npages; i++) {
		pages[i] = p + i * page_size;
		st[i] = -1;
	}
	if (sys_move_pages(pid, npages, pages, NULL, st, 0))
		goto out;
	memset(pl, 0, sizeof(*pl));
	pl->pages = npages;
	for (i = 0; i < npages; i++) {
		if (st[i] >= 0 && st[i] < MAX_NODES)
			pl->nodes[st[i]]++;
		else
			pl->unknown++;
	}
	ret = 0;
out:
	free(pages);
	if (st != status)
		free(st);
	return ret;
}

static int count_region(char *p, long npages, struct placement *pl,
			int *status)
{
	return count_region_of(0, p, npages, pl, status);
}

/* Fault a new mapping of @npages and record where its pages went. */
static int fault_count(struct child_result *res, long npages,
		       struct placement *pl)
{
	char *p = map_region(npages);

	if (!p)
		return child_fail(res, "mmap");
	touch_region(p, npages);
	if (count_region(p, npages, pl, NULL))
		return child_fail(res, "move_pages");
	munmap(p, npages * page_size);
	return 0;
}

/*
 * Optionally pin to CPUs and set an own task policy, then fault a mapping
 * (pl[0]); with a VMA policy, fault a second one under it (pl[1]).
 */
static int child_fault(const char *cgroup, void *arg)
{
	struct job *job = arg;
	struct child_result *res = job->res;
	char *p;

	if (job->pin && sched_setaffinity(0, sizeof(job->cpus), &job->cpus))
		return child_fail(res, "sched_setaffinity in %s", cgroup);
	if (job->own_mode >= 0 &&
	    sys_set_mempolicy(job->own_mode, job->own_mask, MASK_MAXNODE))
		return child_fail(res, "set_mempolicy(%d) in %s", job->own_mode,
				  cgroup);
	if (fault_count(res, job->npages, &res->pl[0]))
		return 1;
	if (job->vma_mode < 0)
		return 0;

	p = map_region(job->npages);
	if (!p)
		return child_fail(res, "mmap");
	if (sys_mbind(p, job->npages * page_size, job->vma_mode,
		      job->vma_mask, MASK_MAXNODE, 0))
		return child_fail(res, "mbind(%d)", job->vma_mode);
	touch_region(p, job->npages);
	if (count_region(p, job->npages, &res->pl[1], NULL))
		return child_fail(res, "move_pages");
	return 0;
}

static int get_own_policy(struct child_result *res, int i)
{
	if (sys_get_mempolicy(&res->modes[i], res->masks[i], MASK_MAXNODE,
			      NULL, 0))
		return child_fail(res, "get_mempolicy");
	return 0;
}

/*
 * In a cgroup with a policy: fault under the cgroup policy (pl[0]), under
 * an own policy (pl[1]), under a VMA policy (pl[2]), and under the cgroup
 * policy again after dropping the own one (pl[3]); record what
 * get_mempolicy() reports in between.
 */
static int child_precedence(const char *cgroup, void *arg)
{
	struct job *job = arg;
	struct child_result *res = job->res;
	char *p;

	if (get_own_policy(res, 0))
		return 1;
	if (fault_count(res, job->npages, &res->pl[0]))
		return 1;

	if (sys_set_mempolicy(job->own_mode, job->own_mask, MASK_MAXNODE))
		return child_fail(res, "set_mempolicy in %s", cgroup);
	if (get_own_policy(res, 1))
		return 1;
	if (fault_count(res, job->npages, &res->pl[1]))
		return 1;

	p = map_region(job->npages);
	if (!p)
		return child_fail(res, "mmap");
	if (sys_mbind(p, job->npages * page_size, job->vma_mode,
		      job->vma_mask, MASK_MAXNODE, 0))
		return child_fail(res, "mbind");
	touch_region(p, job->npages);
	if (count_region(p, job->npages, &res->pl[2], NULL))
		return child_fail(res, "move_pages");
	/* the node of a page as get_mempolicy() sees it */
	if (sys_get_mempolicy(&res->modes[3], NULL, 0, p,
			      MPOL_F_NODE | MPOL_F_ADDR))
		return child_fail(res, "get_mempolicy(MPOL_F_NODE)");

	if (sys_set_mempolicy(MPOL_DEFAULT, NULL, 0))
		return child_fail(res, "set_mempolicy(MPOL_DEFAULT)");
	if (get_own_policy(res, 2))
		return 1;
	return fault_count(res, job->npages, &res->pl[3]);
}

static void *thread_fault(void *arg)
{
	struct job *job = arg;

	return (void *)(long)fault_count(job->res, job->npages,
					 &job->res->pl[job->slot]);
}

/* Each of job->nr_threads threads faults its own mapping into pl[i]. */
static int child_threads(const char *cgroup, void *arg)
{
	struct job *job = arg, tjob[NR_PLACEMENTS];
	pthread_t t[NR_PLACEMENTS];
	int i, ret = 0;
	void *tret;

	for (i = 0; i < job->nr_threads; i++) {
		tjob[i] = *job;
		tjob[i].slot = i;
		errno = pthread_create(&t[i], NULL, thread_fault, &tjob[i]);
		if (errno)
			return child_fail(job->res, "pthread_create in %s",
					  cgroup);
	}
	for (i = 0; i < job->nr_threads; i++) {
		if (pthread_join(t[i], &tret) || tret)
			ret = 1;
	}
	return ret;
}

static void *thread_in_cgroup(void *arg)
{
	struct job *job = arg;
	int i = job->slot;

	if (cg_enter_current_thread(job->thread_cg[i]))
		return (void *)(long)child_fail(job->res,
						"moving a thread to %s",
						job->thread_cg[i]);
	return (void *)(long)fault_count(job->res, job->npages,
					 &job->res->pl[i + 1]);
}

/*
 * In a threaded domain: the main thread faults pl[0]; thread i moves to
 * thread_cg[i] and faults pl[i + 1].
 */
static int child_thread_cgroups(const char *cgroup, void *arg)
{
	struct job *job = arg, tjob;
	pthread_t t;
	void *tret;
	int i;

	if (fault_count(job->res, job->npages, &job->res->pl[0]))
		return 1;
	for (i = 0; i < 2; i++) {
		tjob = *job;
		tjob.slot = i;
		errno = pthread_create(&t, NULL, thread_in_cgroup, &tjob);
		if (errno)
			return child_fail(job->res, "pthread_create in %s",
					  cgroup);
		if (pthread_join(t, &tret) || tret)
			return 1;
	}
	return 0;
}

/* Fork; the grandchild runs child_fault(). */
static int child_fork(const char *cgroup, void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return child_fail(((struct job *)arg)->res, "fork");
	if (!pid)
		exit(child_fault(cgroup, arg));
	if (waitpid(pid, &status, 0) != pid)
		return child_fail(((struct job *)arg)->res, "waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* Wait for a byte on @fd; -1 on timeout or end of file. */
static int wait_byte(int fd)
{
	char c;

	if (cg_wait_for_timeout(fd, WAIT_MS))
		return -1;
	return read(fd, &c, 1) == 1 ? 0 : -1;
}

static int send_byte(int fd)
{
	return write(fd, "x", 1) == 1 ? 0 : -1;
}

/*
 * Fault job->nr_phases mappings into pl[i], and let the parent change
 * something between two of them.  At the end, check that no page of an
 * earlier mapping moved.
 */
static int child_phases(const char *cgroup, void *arg)
{
	struct job *job = arg;
	struct child_result *res = job->res;
	char *p[NR_PLACEMENTS];
	int *st[NR_PLACEMENTS];
	struct placement *now;
	int *now_st;
	long j;
	int i;

	for (i = 0; i < job->nr_phases; i++) {
		if (i && (send_byte(job->to_parent) ||
			  wait_byte(job->from_parent)))
			return child_fail(res, "phase %d in %s: no word from the test",
					  i, cgroup);
		p[i] = map_region(job->npages);
		st[i] = calloc(job->npages, sizeof(int));
		if (!p[i] || !st[i])
			return child_fail(res, "phase %d: out of memory", i);
		touch_region(p[i], job->npages);
		if (count_region(p[i], job->npages, &res->pl[i], st[i]))
			return child_fail(res, "phase %d: move_pages", i);
	}

	now = malloc(sizeof(*now));
	now_st = calloc(job->npages, sizeof(int));
	if (!now || !now_st)
		return child_fail(res, "out of memory");
	for (i = 0; i < job->nr_phases; i++) {
		if (count_region(p[i], job->npages, now, now_st))
			return child_fail(res, "move_pages");
		for (j = 0; j < job->npages; j++)
			if (now_st[j] != st[i][j])
				res->moved++;
	}
	return 0;
}

static void job_init(struct job *job, struct child_result *res, long npages)
{
	memset(job, 0, sizeof(*job));
	memset(res, 0, sizeof(*res));
	job->res = res;
	job->npages = npages;
	job->own_mode = -1;
	job->vma_mode = -1;
	job->to_parent = -1;
	job->from_parent = -1;
}

static struct child_result *alloc_result(void)
{
	struct child_result *res;

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		ksft_perror("mmap");
		return NULL;
	}
	memset(res, 0, sizeof(*res));
	return res;
}

static void free_result(struct child_result *res)
{
	if (res)
		munmap(res, sizeof(*res));
}

/* Run @fn in a new process in @cgroup and wait for it. */
static int run_in(const char *cgroup, int (*fn)(const char *, void *),
		  struct job *job)
{
	int ret;

	memset(job->res, 0, sizeof(*job->res));
	ret = cg_run(cgroup, fn, job);
	if (!ret)
		return 0;
	ksft_print_msg("child in %s failed (%d): %s\n", cgroup, ret,
		       job->res->failed[0] ? job->res->failed :
		       "cannot enter the cgroup?");
	return -1;
}

static int wait_child(pid_t pid, struct child_result *res)
{
	int status;

	if (waitpid(pid, &status, 0) != pid) {
		ksft_perror("waitpid");
		return -1;
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	ksft_print_msg("child failed (status %#x): %s\n", status,
		       res->failed[0] ? res->failed : "?");
	return -1;
}

static void kill_child(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static const char *fmt_placement(char *buf, size_t len,
				 const struct placement *pl)
{
	size_t off = 0;
	int node;

	buf[0] = '\0';
	for (node = 0; node < MAX_NODES && off < len - 32; node++)
		if (pl->nodes[node])
			off += snprintf(buf + off, len - off, " node%d:%ld",
					node, pl->nodes[node]);
	if (pl->unknown)
		snprintf(buf + off, len - off, " unknown:%ld", pl->unknown);
	return buf;
}

/*
 * The pages of @pl must be on @nodes only, node i getting a share of
 * weights[i] / sum(weights), at most one weight cycle off.
 */
static int check_placement(const char *what, const struct placement *pl,
			   int nr, const int *nodes, const int *weights)
{
	long total = 0, maxw = 0, sum = 0;
	char got[1024], want[1024];
	bool ok = pl->pages > 0 && !pl->unknown;
	int i, off = 0;

	for (i = 0; i < nr; i++) {
		total += weights[i];
		if (weights[i] > maxw)
			maxw = weights[i];
	}
	for (i = 0; i < nr; i++) {
		long diff = pl->nodes[nodes[i]] * total -
			    pl->pages * weights[i];

		if (labs(diff) > maxw * total)
			ok = false;
		sum += pl->nodes[nodes[i]];
		off += snprintf(want + off, sizeof(want) - off, " node%d:%ld",
				nodes[i], pl->pages * weights[i] / total);
	}
	if (sum != pl->pages)
		ok = false;
	if (ok)
		return 0;
	ksft_print_msg("%s: pages on%s, expected%s (+-%ld)\n", what,
		       fmt_placement(got, sizeof(got), pl), want, maxw);
	return -1;
}

/* All pages of @pl must be on @node. */
static int check_on_node(const char *what, const struct placement *pl,
			 int node)
{
	int one = 1;

	return check_placement(what, pl, 1, &node, &one);
}

/*
 * The root has only the effective files, showing the system default; a
 * new cgroup inherits, overrides no weight and counts no event.
 */
static int test_mpol_defaults(const char *root)
{
	static const char * const not_on_root[] = {
		"mpol.policy", "mpol.weights", "mpol.events",
		"mpol.events.local",
	};
	char weights[BUF_LEN], path[PATH_MAX];
	int ret = KSFT_FAIL;
	char *cg = NULL;
	size_t i;

	if (need_global_weights())
		return KSFT_SKIP;

	for (i = 0; i < ARRAY_SIZE(not_on_root); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, not_on_root[i]);
		if (!access(path, F_OK) || errno != ENOENT) {
			ksft_print_msg("%s: exists on the root\n", path);
			goto cleanup;
		}
	}
	if (weights_effective_text(weights, sizeof(weights), 0, NULL, NULL))
		goto cleanup;
	if (cg_expect(root, "mpol.policy.effective", "local\n"))
		goto cleanup;
	if (cg_expect(root, "mpol.weights.effective", weights))
		goto cleanup;

	cg = cg_name(root, "mpol_test_defaults");
	if (!cg || cg_create(cg))
		goto cleanup;
	if (cg_expect(cg, "mpol.policy", "inherit\n"))
		goto cleanup;
	if (cg_expect(cg, "mpol.policy.effective", "local\n"))
		goto cleanup;
	if (cg_expect(cg, "mpol.weights", ""))
		goto cleanup;
	if (cg_expect(cg, "mpol.weights.effective", weights))
		goto cleanup;
	if (cg_expect(cg, "mpol.events", "fallback 0\n"))
		goto cleanup;
	if (cg_expect(cg, "mpol.events.local", "fallback 0\n"))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	free(cg);
	return ret;
}

/* Every valid form of mpol.policy reads back as written, or normalized. */
static int test_mpol_policy_parse(const char *root)
{
	static const char * const modes[] = {
		"preferred-many", "bind", "interleave", "weighted-interleave",
	};
	int n0 = mem_nodes[0], n1 = mem_nodes[nr_mem_nodes > 1 ? 1 : 0];
	char list[256], in[512], exp[512];
	int ret = KSFT_FAIL;
	char *cg = NULL;
	size_t i;

	cg = cg_name(root, "mpol_test_policy_parse");
	if (!cg || cg_create(cg))
		goto cleanup;

	if (set_policy(cg, "local", 0, NULL))
		goto cleanup;
	if (set_policy(cg, "preferred", 1, &n0))
		goto cleanup;
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		if (set_policy(cg, modes[i], 0, NULL))
			goto cleanup;
		if (set_policy(cg, modes[i], 1, &n0))
			goto cleanup;
		if (nr_mem_nodes > 1 && set_policy(cg, modes[i], 2, mem_nodes))
			goto cleanup;
		if (nr_mem_nodes > 2 && set_policy(cg, modes[i], 3, mem_nodes))
			goto cleanup;
	}

	/* whitespace around the value, unsorted and repeated nodes */
	fmt_nodes(list, sizeof(list), nr_mem_nodes > 1 ? 2 : 1, mem_nodes);
	snprintf(exp, sizeof(exp), "bind:%s\n", list);
	snprintf(in, sizeof(in), "  bind:%d,%d,%d\t\n", n1, n0, n1);
	if (cg_writef(cg, "mpol.policy", "%s", in) ||
	    cg_expect(cg, "mpol.policy", exp) ||
	    cg_expect(cg, "mpol.policy.effective", exp))
		goto cleanup;
	snprintf(exp, sizeof(exp), "interleave:%d\n", n0);
	if (cg_writef(cg, "mpol.policy", "interleave:%d-%d\n", n0, n0) ||
	    cg_expect(cg, "mpol.policy", exp))
		goto cleanup;

	/* back to inherit: the effective policy is the root's again */
	if (cg_writef(cg, "mpol.policy", "inherit\n"))
		goto cleanup;
	if (cg_expect(cg, "mpol.policy", "inherit\n"))
		goto cleanup;
	if (cg_expect(cg, "mpol.policy.effective", "local\n"))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	free(cg);
	return ret;
}

/* mpol.weights: set, replace, list ascending, drop with "default". */
static int test_mpol_weights_parse(const char *root)
{
	int n0 = mem_nodes[0], n1 = mem_nodes[nr_mem_nodes > 1 ? 1 : 0];
	int nodes[2] = { n0, n1 }, w[2];
	char exp[256];
	int ret = KSFT_FAIL;
	char *cg = NULL;

	if (need_global_weights())
		return KSFT_SKIP;

	cg = cg_name(root, "mpol_test_weights_parse");
	if (!cg || cg_create(cg))
		goto cleanup;

	if (cg_writef(cg, "mpol.weights", "%d 7", n0))
		goto cleanup;
	snprintf(exp, sizeof(exp), "%d 7\n", n0);
	w[0] = 7;
	if (cg_expect(cg, "mpol.weights", exp) ||
	    expect_weights_effective(cg, 1, nodes, w))
		goto cleanup;

	/* the limits */
	if (cg_writef(cg, "mpol.weights", "%d 255\n", n0))
		goto cleanup;
	snprintf(exp, sizeof(exp), "%d 255\n", n0);
	if (cg_expect(cg, "mpol.weights", exp))
		goto cleanup;
	if (cg_writef(cg, "mpol.weights", "%d 1", n0))
		goto cleanup;
	snprintf(exp, sizeof(exp), "%d 1\n", n0);
	w[0] = 1;
	if (cg_expect(cg, "mpol.weights", exp) ||
	    expect_weights_effective(cg, 1, nodes, w))
		goto cleanup;

	/* whitespace around and between the words */
	if (cg_writef(cg, "mpol.weights", " %d\t\t9\t\n", n0))
		goto cleanup;
	snprintf(exp, sizeof(exp), "%d 9\n", n0);
	if (cg_expect(cg, "mpol.weights", exp))
		goto cleanup;

	if (n1 != n0) {
		/* listed in ascending order, whatever the order of writes */
		if (cg_writef(cg, "mpol.weights", "%d default", n0) ||
		    cg_writef(cg, "mpol.weights", "%d 3", n1) ||
		    cg_writef(cg, "mpol.weights", "%d 9", n0))
			goto cleanup;
		snprintf(exp, sizeof(exp), "%d 9\n%d 3\n", n0, n1);
		w[0] = 9;
		w[1] = 3;
		if (cg_expect(cg, "mpol.weights", exp) ||
		    expect_weights_effective(cg, 2, nodes, w))
			goto cleanup;
		if (cg_writef(cg, "mpol.weights", "%d default", n0))
			goto cleanup;
		snprintf(exp, sizeof(exp), "%d 3\n", n1);
		if (cg_expect(cg, "mpol.weights", exp) ||
		    expect_weights_effective(cg, 1, &nodes[1], &w[1]))
			goto cleanup;
		if (cg_writef(cg, "mpol.weights", "%d default\n", n1))
			goto cleanup;
		/*
		 * Several lines in one write, as crun 1.8 writes an OCI
		 * unified value: applied together.
		 */
		if (cg_writef(cg, "mpol.weights", "%d 4\n%d 6\n", n1, n0))
			goto cleanup;
		snprintf(exp, sizeof(exp), "%d 6\n%d 4\n", n0, n1);
		w[0] = 6;
		w[1] = 4;
		if (cg_expect(cg, "mpol.weights", exp) ||
		    expect_weights_effective(cg, 2, nodes, w))
			goto cleanup;
		if (cg_writef(cg, "mpol.weights", "%d default\n\n%d default",
			      n0, n1))
			goto cleanup;
	} else {
		if (cg_writef(cg, "mpol.weights", "%d default\n", n0))
			goto cleanup;
	}
	if (cg_expect(cg, "mpol.weights", "") ||
	    expect_weights_effective(cg, 0, NULL, NULL))
		goto cleanup;
	/* dropping an override that does not exist is fine */
	if (cg_writef(cg, "mpol.weights", "%d default", n0))
		goto cleanup;
	if (cg_expect(cg, "mpol.weights", ""))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	free(cg);
	return ret;
}

/*
 * A refused write. The value is a format for snprintf() with the first
 * node with memory, or with @bad_node a node that is not possible, as
 * its arguments; values with NULs are written as they are, @len bytes.
 */
struct bad_write {
	const char *str;
	int len;
	int err;
	bool bad_node;
};

#define BAD(s, e)	{ s, 0, e, false }
#define BAD_NUL(s, e)	{ s, sizeof(s) - 1, e, false }
#define BAD_NODE(s, e)	{ s, 0, e, true }

static const struct bad_write bad_policies[] = {
	BAD("\n", E_INVAL),
	BAD(" ", E_INVAL),
	BAD(" \t\n", E_INVAL),
	BAD("0", E_INVAL),
	BAD("bind:", E_INVAL),
	BAD("bind: ", E_INVAL),
	BAD("bind:,", E_INVAL),
	BAD("interleave:,,,", E_INVAL),
	BAD("weighted-interleave:", E_INVAL),
	BAD("preferred-many:", E_INVAL),
	BAD("bind:-1", E_INVAL),
	BAD("bind:%d-", E_INVAL),
	BAD("bind:a", E_INVAL),
	BAD("bind:%d,a", E_INVAL),
	BAD("bind:%dx", E_INVAL),
	BAD("bind:0x0", E_INVAL),
	BAD("bind:+%d", E_INVAL),
	BAD("bind:1-0", E_INVAL),
	BAD("bind:%d:1", E_INVAL),
	BAD("bind:%d-%d:0/1", E_INVAL),		/* a pattern with no node */
	BAD("bind:99999", E_NODEV | E_INVAL),
	BAD("bind:%d-99999", E_NODEV | E_INVAL),
	BAD("bind:99999999999", E_NODEV | E_INVAL),
	BAD("bind:4294967296", E_NODEV | E_INVAL),
	BAD("Bind", E_INVAL),
	BAD("BIND:%d", E_INVAL),
	BAD("bind :%d", E_INVAL),
	BAD("bind;%d", E_INVAL),
	BAD("bind=%d", E_INVAL),
	BAD("weighted_interleave", E_INVAL),
	BAD("weightedinterleave", E_INVAL),
	BAD("interleaved", E_INVAL),
	BAD("preferred_many", E_INVAL),
	BAD("default", E_INVAL),
	BAD("local:%d", E_INVAL),
	BAD("local:", E_INVAL),
	BAD("inherit:", E_INVAL),
	BAD("inherit:%d", E_INVAL),
	BAD("inherit local", E_INVAL),
	BAD("local local", E_INVAL),
	BAD("preferred", E_INVAL),
	BAD("preferred:", E_INVAL),
	BAD("preferred:0-1", E_INVAL | E_NODEV),
	BAD("preferred:0,1", E_INVAL | E_NODEV),
	BAD("interleave:%d\nbind:%d", E_INVAL),	/* two values */
	BAD("bind:%d\ninterleave", E_INVAL),
	BAD("bind:%d bind:%d", E_INVAL),
	BAD("%d 3", E_INVAL),
	BAD_NUL("\0", E_INVAL),
	BAD_NUL("bind\0:0", E_INVAL),
	BAD_NUL("bind:0\0", E_INVAL),
	BAD_NUL("local\0", E_INVAL),
	BAD_NODE("bind:%d", E_NODEV | E_INVAL),
	BAD_NODE("preferred:%d", E_NODEV | E_INVAL),
	BAD_NODE("weighted-interleave:%d", E_NODEV | E_INVAL),
};

static const struct bad_write bad_weights[] = {
	BAD("%d", E_INVAL),
	BAD("%d\t", E_INVAL),
	BAD("%d 0", E_RANGE),
	BAD("%d -0", E_RANGE),
	BAD("%d 256", E_RANGE),
	BAD("%d 1000", E_RANGE),
	BAD("%d -1", E_RANGE),
	BAD("%d 99999999999", E_RANGE),
	BAD("%d 2147483648", E_RANGE),
	BAD("%d -2147483649", E_RANGE),
	BAD("%d 3 4", E_INVAL),
	BAD("%d\t3\t4", E_INVAL),
	BAD("%d 3\n%d 1", E_INVAL),			/* a node twice */
	BAD("%d 3\n\n%d default", E_INVAL),
	/* all or nothing: the valid first line must not be applied */
	BAD("%d 3\nx 1", E_INVAL),
	BAD("%d 3\n1", E_INVAL),
	BAD("%d 3\n99999 3", E_NODEV | E_INVAL),
	BAD("%d 3\n%d 256", E_RANGE),
	BAD("%d 3\t\n 4", E_INVAL),
	BAD("%d\n3", E_INVAL),
	BAD("%d 1.5", E_INVAL),
	BAD("%d +-1", E_INVAL),
	BAD("%d 0x3", E_INVAL),
	BAD("%d 3x", E_INVAL),
	BAD("%d 1e1", E_INVAL),
	BAD("%d x", E_INVAL),
	BAD("%d Default", E_INVAL),
	BAD("%d defaults", E_INVAL),
	BAD("%d inherit", E_INVAL),
	BAD("%d default extra", E_INVAL),
	BAD("%d 3,%d 4", E_INVAL),
	BAD("default", E_INVAL),
	BAD("default %d", E_INVAL),
	BAD(" 3", E_INVAL),
	BAD("x 3", E_INVAL),
	BAD("-1 3", E_INVAL | E_NODEV),
	BAD("0x0 3", E_INVAL),
	BAD("%d,3", E_INVAL),
	BAD("%d:3", E_INVAL),
	BAD("%d=3", E_INVAL),
	BAD("99999 3", E_NODEV | E_INVAL),
	BAD("99999999999 3", E_NODEV | E_INVAL),
	BAD_NUL("\0", E_INVAL),
	BAD_NUL("0 3\0", E_INVAL),
	BAD_NUL("0 \0003", E_INVAL),		/* "0 ", NUL, "3" */
	BAD_NUL("0\0 3", E_INVAL),
	BAD_NODE("%d 3", E_NODEV | E_INVAL),
	BAD_NODE("%d default", E_NODEV | E_INVAL),
};

struct mpol_files {
	char policy[BUF_LEN];
	char policy_eff[BUF_LEN];
	char weights[BUF_LEN];
	char weights_eff[BUF_LEN];
};

static int read_files(const char *cg, struct mpol_files *f)
{
	if (cg_read(cg, "mpol.policy", f->policy, BUF_LEN) ||
	    cg_read(cg, "mpol.policy.effective", f->policy_eff, BUF_LEN) ||
	    cg_read(cg, "mpol.weights", f->weights, BUF_LEN) ||
	    cg_read(cg, "mpol.weights.effective", f->weights_eff, BUF_LEN)) {
		ksft_print_msg("cannot read the mpol files of %s\n", cg);
		return -1;
	}
	return 0;
}

static int errno_class(int err)
{
	switch (err) {
	case EINVAL:
		return E_INVAL;
	case ERANGE:
		return E_RANGE;
	case ENODEV:
		return E_NODEV;
	case E2BIG:
		return E_2BIG;
	default:
		return 0;
	}
}

static bool files_equal(const struct mpol_files *a,
			const struct mpol_files *b)
{
	return !strcmp(a->policy, b->policy) &&
	       !strcmp(a->policy_eff, b->policy_eff) &&
	       !strcmp(a->weights, b->weights) &&
	       !strcmp(a->weights_eff, b->weights_eff);
}

/* The state the malformed writes must not change: not the default one. */
static int set_known_state(const char *cg)
{
	int i;

	for (i = 0; i < nr_possible_nodes; i++)
		if (cg_writef(cg, "mpol.weights", "%d default",
			      possible_nodes[i]))
			return -1;
	if (cg_writef(cg, "mpol.policy", "interleave:%d", mem_nodes[0]) ||
	    cg_writef(cg, "mpol.weights", "%d 7", mem_nodes[0]))
		return -1;
	return 0;
}

/*
 * Write @buf to @control, expecting one of the errnos in @err, then
 * check that none of the mpol files changed.  After a failure, restore
 * the known state, so that one failure does not hide the next.
 */
static int expect_refused(const char *cg, const char *control,
			  const char *buf, size_t len, int err,
			  const struct mpol_files *before,
			  struct mpol_files *after)
{
	char e[256];
	ssize_t ret;

	ret = cg_write_raw(cg, control, buf, len);
	if (ret >= 0 || !(errno_class(-ret) & err)) {
		ksft_print_msg("writing \"%s\" (%zu bytes) to %s: %s\n",
			       esc(buf, len, e, sizeof(e)), len, control,
			       ret >= 0 ? "accepted" : strerror(-ret));
		set_known_state(cg);
		return -1;
	}
	if (read_files(cg, after))
		return -1;
	if (!files_equal(before, after)) {
		ksft_print_msg("refused write \"%s\" to %s changed the files\n",
			       esc(buf, len, e, sizeof(e)), control);
		set_known_state(cg);
		return -1;
	}
	return 0;
}

static int bad_node(void)
{
	int node, i;

	for (node = 0; ; node++) {
		for (i = 0; i < nr_possible_nodes; i++)
			if (possible_nodes[i] == node)
				break;
		if (i == nr_possible_nodes)
			return node;
	}
}

static int check_bad_writes(const char *cg, const char *control,
			    const struct bad_write *table, int nr,
			    const struct mpol_files *before,
			    struct mpol_files *after)
{
	int i, fails = 0, node;
	char buf[256];
	size_t len;

	for (i = 0; i < nr; i++) {
		const struct bad_write *b = &table[i];

		if (b->len) {
			memcpy(buf, b->str, b->len);
			len = b->len;
		} else {
			node = b->bad_node ? bad_node() : mem_nodes[0];
			len = snprintf(buf, sizeof(buf), b->str, node, node,
				       node);
		}
		if (expect_refused(cg, control, buf, len, b->err, before,
				   after))
			fails++;
	}
	return fails;
}

/*
 * Malformed writes to mpol.policy and mpol.weights fail with the right
 * errno and change nothing; empty writes change nothing either.
 */
static int test_mpol_malformed(const char *root)
{
	struct mpol_files *before = NULL, *after = NULL;
	int n0 = mem_nodes[0], fails = 0;
	char exp[64], *big = NULL;
	int ret = KSFT_FAIL;
	char *cg = NULL;

	if (need_global_weights())
		return KSFT_SKIP;

	before = malloc(sizeof(*before));
	after = malloc(sizeof(*after));
	big = malloc(page_size + 1);
	cg = cg_name(root, "mpol_test_malformed");
	if (!before || !after || !big || !cg || cg_create(cg))
		goto cleanup;

	if (set_known_state(cg))
		goto cleanup;
	snprintf(exp, sizeof(exp), "interleave:%d\n", n0);
	if (cg_expect(cg, "mpol.policy", exp) ||
	    cg_expect(cg, "mpol.policy.effective", exp))
		goto cleanup;
	snprintf(exp, sizeof(exp), "%d 7\n", n0);
	if (cg_expect(cg, "mpol.weights", exp) ||
	    expect_weights_effective(cg, 1, &n0, (int []){ 7 }))
		goto cleanup;
	if (read_files(cg, before))
		goto cleanup;

	fails += check_bad_writes(cg, "mpol.policy", bad_policies,
				  ARRAY_SIZE(bad_policies), before, after);
	fails += check_bad_writes(cg, "mpol.weights", bad_weights,
				  ARRAY_SIZE(bad_weights), before, after);

	/* the longest write there is, and one byte more (E2BIG from kernfs) */
	memset(big, 'x', page_size + 1);
	memcpy(big, "bind:", 5);
	fails += !!expect_refused(cg, "mpol.policy", big, page_size, E_INVAL,
				  before, after);
	fails += !!expect_refused(cg, "mpol.policy", big, page_size + 1,
				  E_2BIG | E_INVAL, before, after);
	memset(big, '1', page_size + 1);
	big[1] = ' ';
	fails += !!expect_refused(cg, "mpol.weights", big, page_size,
				  E_RANGE | E_INVAL | E_NODEV, before, after);
	fails += !!expect_refused(cg, "mpol.weights", big, page_size + 1,
				  E_2BIG | E_RANGE | E_INVAL | E_NODEV,
				  before, after);
	if (fails) {
		ksft_print_msg("%d malformed writes not refused properly\n",
			       fails);
		goto cleanup;
	}

	/* empty writes: accepted, and nothing changes */
	if (cg_write_raw(cg, "mpol.policy", "", 0) != 0 ||
	    cg_write_raw(cg, "mpol.weights", "", 0) != 0 ||
	    cg_write_raw(cg, "mpol.weights", "\n", 1) != 1 ||
	    cg_write_raw(cg, "mpol.weights", "\t \t\n", 4) != 4) {
		ksft_print_msg("an empty write failed\n");
		goto cleanup;
	}
	if (read_files(cg, after) || !files_equal(before, after)) {
		ksft_print_msg("an empty write changed the files\n");
		goto cleanup;
	}

	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	free(cg);
	free(big);
	free(after);
	free(before);
	return ret;
}

/*
 * A cgroup's weighted-interleave policy spreads the pages of a member
 * without a policy of its own exactly by the cgroup's weights; plain
 * interleave ignores them.
 */
static int test_mpol_wi_exact(const char *root)
{
	static const int sets[][3] = { { 3, 1, 1 }, { 1, 1, 1 }, { 7, 2, 1 } };
	static const int ones[3] = { 1, 1, 1 };
	struct child_result *res = NULL;
	int ret = KSFT_FAIL;
	struct job job;
	char *cg = NULL;
	size_t i;

	if (need_nodes(3))
		return KSFT_SKIP;

	res = alloc_result();
	cg = cg_name(root, "mpol_test_wi_exact");
	if (!res || !cg || cg_create(cg))
		goto cleanup;
	if (set_policy(cg, "weighted-interleave", 3, mem_nodes))
		goto cleanup;

	job_init(&job, res, 3000);
	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		if (set_weights(cg, 3, mem_nodes, sets[i]) ||
		    expect_weights_effective(cg, 3, mem_nodes, sets[i]))
			goto cleanup;
		if (run_in(cg, child_fault, &job))
			goto cleanup;
		if (check_placement("weighted-interleave", &res->pl[0], 3,
				    mem_nodes, sets[i]))
			goto cleanup;
	}

	/* the weights do not apply to plain interleave */
	if (set_policy(cg, "interleave", 3, mem_nodes))
		goto cleanup;
	if (run_in(cg, child_fault, &job))
		goto cleanup;
	if (check_placement("interleave", &res->pl[0], 3, mem_nodes, ones))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	free(cg);
	free_result(res);
	return ret;
}

/*
 * A sets a policy and weights, B inherits them, C overrides a weight and
 * later the policy: the effective files and the placement follow, and a
 * change in A reaches C.
 */
static int test_mpol_inherit_deep(const char *root)
{
	int nodes[2] = { mem_nodes[0], mem_nodes[1] };
	char *a = NULL, *b = NULL, *c = NULL;
	char list[256], exp[512];
	struct child_result *res = NULL;
	int ret = KSFT_FAIL;
	struct job job;

	if (need_nodes(2))
		return KSFT_SKIP;

	res = alloc_result();
	a = cg_name(root, "mpol_test_inherit_a");
	b = a ? cg_name(a, "b") : NULL;
	c = b ? cg_name(b, "c") : NULL;
	if (!res || !c)
		goto cleanup;
	job_init(&job, res, 2000);

	if (cg_create(a) || cg_write(a, "cgroup.subtree_control", "+mpol"))
		goto cleanup;
	if (set_policy(a, "weighted-interleave", 2, nodes) ||
	    set_weights(a, 2, nodes, (int []){ 3, 1 }))
		goto cleanup;
	if (cg_create(b))
		goto cleanup;
	snprintf(exp, sizeof(exp), "weighted-interleave:%s\n",
		 fmt_nodes(list, sizeof(list), 2, nodes));
	if (cg_expect(b, "mpol.policy", "inherit\n") ||
	    cg_expect(b, "mpol.policy.effective", exp) ||
	    cg_expect(b, "mpol.weights", "") ||
	    expect_weights_effective(b, 2, nodes, (int []){ 3, 1 }))
		goto cleanup;
	/* placement in B, while it is still a leaf */
	if (run_in(b, child_fault, &job) ||
	    check_placement("B (3:1 inherited)", &res->pl[0], 2, nodes,
			    (int []){ 3, 1 }))
		goto cleanup;

	if (cg_write(b, "cgroup.subtree_control", "+mpol") || cg_create(c))
		goto cleanup;
	if (cg_expect(c, "mpol.policy.effective", exp) ||
	    expect_weights_effective(c, 2, nodes, (int []){ 3, 1 }))
		goto cleanup;
	if (set_weights(c, 1, &nodes[1], (int []){ 2 }))
		goto cleanup;
	if (expect_weights_effective(c, 2, nodes, (int []){ 3, 2 }) ||
	    expect_weights_effective(b, 2, nodes, (int []){ 3, 1 }) ||
	    cg_expect(c, "mpol.policy.effective", exp))
		goto cleanup;
	if (run_in(c, child_fault, &job) ||
	    check_placement("C (3 inherited, 2 own)", &res->pl[0], 2, nodes,
			    (int []){ 3, 2 }))
		goto cleanup;

	/* a change in A reaches B and C */
	if (cg_writef(a, "mpol.weights", "%d 5", nodes[0]))
		goto cleanup;
	if (expect_weights_effective(b, 2, nodes, (int []){ 5, 1 }) ||
	    expect_weights_effective(c, 2, nodes, (int []){ 5, 2 }))
		goto cleanup;
	job.npages = 2100;
	if (run_in(c, child_fault, &job) ||
	    check_placement("C (5 inherited, 2 own)", &res->pl[0], 2, nodes,
			    (int []){ 5, 2 }))
		goto cleanup;

	/* dropping C's override brings back the inherited weight */
	if (cg_writef(c, "mpol.weights", "%d default", nodes[1]))
		goto cleanup;
	if (cg_expect(c, "mpol.weights", "") ||
	    expect_weights_effective(c, 2, nodes, (int []){ 5, 1 }))
		goto cleanup;
	if (run_in(c, child_fault, &job) ||
	    check_placement("C (5:1 inherited)", &res->pl[0], 2, nodes,
			    (int []){ 5, 1 }))
		goto cleanup;

	/* C's own policy does not change B */
	if (set_policy(c, "bind", 1, &nodes[1]))
		goto cleanup;
	if (cg_expect(b, "mpol.policy.effective", exp))
		goto cleanup;
	if (run_in(c, child_fault, &job) ||
	    check_on_node("C (own bind)", &res->pl[0], nodes[1]))
		goto cleanup;
	if (cg_writef(c, "mpol.policy", "inherit") ||
	    cg_expect(c, "mpol.policy.effective", exp))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	cg_destroy(c);
	cg_destroy(b);
	cg_destroy(a);
	free(c);
	free(b);
	free(a);
	free_result(res);
	return ret;
}

/*
 * A node that a cgroup does not override follows the global sysfs weight,
 * at once; an overridden node does not.
 */
static int test_mpol_sysfs_weights(const char *root)
{
	int nodes[2] = { mem_nodes[0], mem_nodes[1] };
	int saved[2] = { -1, -1 };
	struct child_result *res = NULL;
	int ret = KSFT_FAIL;
	struct job job;
	char *cg = NULL;
	int i;

	if (need_nodes(2) || need_global_weights())
		return KSFT_SKIP;

	res = alloc_result();
	cg = cg_name(root, "mpol_test_sysfs_weights");
	if (!res || !cg || cg_create(cg))
		goto cleanup;
	for (i = 0; i < 2; i++) {
		saved[i] = global_weight(nodes[i]);
		if (saved[i] < 1)
			goto cleanup;
	}
	job_init(&job, res, 3000);

	if (set_policy(cg, "weighted-interleave", 2, nodes) ||
	    set_weights(cg, 1, &nodes[0], (int []){ 2 }))
		goto cleanup;

	if (set_global_weight(nodes[1], 3))
		goto cleanup;
	if (expect_weights_effective(cg, 2, nodes, (int []){ 2, 3 }) ||
	    expect_weights_effective(root, 0, NULL, NULL))
		goto cleanup;
	if (run_in(cg, child_fault, &job) ||
	    check_placement("global weight 3", &res->pl[0], 2, nodes,
			    (int []){ 2, 3 }))
		goto cleanup;

	/* the overridden node ignores the global table */
	if (set_global_weight(nodes[0], 5))
		goto cleanup;
	if (expect_weights_effective(cg, 2, nodes, (int []){ 2, 3 }) ||
	    expect_weights_effective(root, 0, NULL, NULL))
		goto cleanup;
	if (run_in(cg, child_fault, &job) ||
	    check_placement("overridden node", &res->pl[0], 2, nodes,
			    (int []){ 2, 3 }))
		goto cleanup;

	if (set_global_weight(nodes[1], 1))
		goto cleanup;
	if (expect_weights_effective(cg, 2, nodes, (int []){ 2, 1 }))
		goto cleanup;
	if (run_in(cg, child_fault, &job) ||
	    check_placement("global weight 1", &res->pl[0], 2, nodes,
			    (int []){ 2, 1 }))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	/* 0 resets a node to the default weight of 1 */
	for (i = 0; i < 2; i++)
		if (saved[i] > 0)
			set_global_weight(nodes[i], saved[i] == 1 ? 0 : saved[i]);
	cg_destroy(cg);
	free(cg);
	free_result(res);
	return ret;
}

/*
 * A VMA policy beats the task's own policy, which beats the cgroup's;
 * get_mempolicy() reports only the task's own policy.
 */
static int test_mpol_precedence(const char *root)
{
	int n0 = mem_nodes[0], n1 = mem_nodes[1];
	int nv = nr_mem_nodes > 2 ? mem_nodes[2] : n0;
	struct child_result *res = NULL;
	unsigned long want[MASK_LONGS] = { 0 };
	int ret = KSFT_FAIL;
	struct job job;
	char *cg = NULL;

	if (need_nodes(2))
		return KSFT_SKIP;

	res = alloc_result();
	cg = cg_name(root, "mpol_test_precedence");
	if (!res || !cg || cg_create(cg))
		goto cleanup;
	if (set_policy(cg, "bind", 1, &n0))
		goto cleanup;

	job_init(&job, res, 1000);
	job.own_mode = MPOL_BIND;
	mask_set(job.own_mask, n1);
	job.vma_mode = MPOL_BIND;
	mask_set(job.vma_mask, nv);
	if (run_in(cg, child_precedence, &job))
		goto cleanup;

	if (res->modes[0] != MPOL_DEFAULT) {
		ksft_print_msg("get_mempolicy() in the cgroup: mode %d, expected MPOL_DEFAULT\n",
			       res->modes[0]);
		goto cleanup;
	}
	mask_set(want, n1);
	if (res->modes[1] != MPOL_BIND ||
	    memcmp(res->masks[1], want, sizeof(want))) {
		ksft_print_msg("get_mempolicy() after set_mempolicy(): mode %d, mask %#lx\n",
			       res->modes[1], res->masks[1][0]);
		goto cleanup;
	}
	if (res->modes[2] != MPOL_DEFAULT) {
		ksft_print_msg("get_mempolicy() after MPOL_DEFAULT: mode %d\n",
			       res->modes[2]);
		goto cleanup;
	}
	if (res->modes[3] != nv) {
		ksft_print_msg("get_mempolicy(MPOL_F_NODE) of a page: %d, expected %d\n",
			       res->modes[3], nv);
		goto cleanup;
	}
	if (check_on_node("cgroup policy", &res->pl[0], n0) ||
	    check_on_node("own policy", &res->pl[1], n1) ||
	    check_on_node("VMA policy", &res->pl[2], nv) ||
	    check_on_node("cgroup policy again", &res->pl[3], n0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	free(cg);
	free_result(res);
	return ret;
}

/*
 * A task's own weighted-interleave policy, task or VMA, uses the weights
 * of its cgroup; in a cgroup without overrides, the global weights.
 */
static int test_mpol_task_wi_weights(const char *root)
{
	int nodes[2] = { mem_nodes[0], mem_nodes[1] }, w[2] = { 3, 1 }, g[2];
	struct child_result *res = NULL;
	char *cw = NULL, *cs = NULL;
	int ret = KSFT_FAIL;
	struct job job;
	int i;

	if (need_nodes(2) || need_global_weights())
		return KSFT_SKIP;

	res = alloc_result();
	cw = cg_name(root, "mpol_test_task_wi_weights");
	cs = cg_name(root, "mpol_test_task_wi_global");
	if (!res || !cw || !cs || cg_create(cw) || cg_create(cs))
		goto cleanup;
	for (i = 0; i < 2; i++)
		g[i] = global_weight(nodes[i]);
	/* weights that differ from the global ones */
	if (g[0] == 3 * g[1]) {
		w[0] = 1;
		w[1] = 3;
	}
	if (set_weights(cw, 2, nodes, w))
		goto cleanup;
	if (cg_expect(cw, "mpol.policy", "inherit\n") ||
	    cg_expect(cw, "mpol.policy.effective", "local\n"))
		goto cleanup;

	job_init(&job, res, 3000);
	job.own_mode = MPOL_WEIGHTED_INTERLEAVE;
	mask_set(job.own_mask, nodes[0]);
	mask_set(job.own_mask, nodes[1]);
	if (run_in(cw, child_fault, &job) ||
	    check_placement("own policy, cgroup weights", &res->pl[0], 2,
			    nodes, w))
		goto cleanup;
	if (run_in(cs, child_fault, &job) ||
	    check_placement("own policy, global weights", &res->pl[0], 2,
			    nodes, g))
		goto cleanup;

	/* a VMA policy, without a task policy */
	job.own_mode = -1;
	job.vma_mode = MPOL_WEIGHTED_INTERLEAVE;
	memcpy(job.vma_mask, job.own_mask, sizeof(job.vma_mask));
	if (run_in(cw, child_fault, &job) ||
	    check_placement("VMA policy, cgroup weights", &res->pl[1], 2,
			    nodes, w))
		goto cleanup;
	if (run_in(cs, child_fault, &job) ||
	    check_placement("VMA policy, global weights", &res->pl[1], 2,
			    nodes, g))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	cg_destroy(cs);
	cg_destroy(cw);
	free(cs);
	free(cw);
	free_result(res);
	return ret;
}

/*
 * Start a child_phases() child in @cg with @nr_phases phases; returns its
 * pid, and the test's ends of the pipes in @to_child and @from_child.
 */
static pid_t start_phases(const char *cg, struct job *job, int nr_phases,
			  int *to_child, int *from_child)
{
	int up[2], down[2];
	pid_t pid;

	if (pipe(up))
		return -1;
	if (pipe(down)) {
		close(up[0]);
		close(up[1]);
		return -1;
	}
	job->nr_phases = nr_phases;
	job->to_parent = up[1];
	job->from_parent = down[0];
	memset(job->res, 0, sizeof(*job->res));
	pid = cg_run_nowait(cg, child_phases, job);
	close(up[1]);
	close(down[0]);
	if (pid < 0) {
		close(up[0]);
		close(down[1]);
		return -1;
	}
	*from_child = up[0];
	*to_child = down[1];
	return pid;
}

/*
 * A task moved to another cgroup allocates by the new cgroup's weights
 * from its next fault on; its pages stay where they are.
 */
static int test_mpol_move(const char *root)
{
	int nodes[2] = { mem_nodes[0], mem_nodes[1] };
	int to_child = -1, from_child = -1;
	struct child_result *res = NULL;
	char *a = NULL, *b = NULL, buf[32];
	int ret = KSFT_FAIL, err;
	struct job job;
	pid_t pid = -1;

	if (need_nodes(2))
		return KSFT_SKIP;

	res = alloc_result();
	a = cg_name(root, "mpol_test_move_a");
	b = cg_name(root, "mpol_test_move_b");
	if (!res || !a || !b || cg_create(a) || cg_create(b))
		goto cleanup;
	if (set_policy(a, "weighted-interleave", 2, nodes) ||
	    set_weights(a, 2, nodes, (int []){ 3, 1 }) ||
	    set_policy(b, "weighted-interleave", 2, nodes) ||
	    set_weights(b, 2, nodes, (int []){ 1, 3 }))
		goto cleanup;

	job_init(&job, res, 2000);
	pid = start_phases(a, &job, 2, &to_child, &from_child);
	if (pid < 0)
		goto cleanup;
	if (wait_byte(from_child)) {
		ksft_print_msg("the child did not fault its first mapping\n");
		goto cleanup;
	}
	snprintf(buf, sizeof(buf), "%d", pid);
	if (cg_write(b, "cgroup.procs", buf)) {
		ksft_print_msg("cannot move %d to %s\n", pid, b);
		goto cleanup;
	}
	if (send_byte(to_child))
		goto cleanup;
	err = wait_child(pid, res);
	pid = -1;
	if (err)
		goto cleanup;

	if (check_placement("before the move", &res->pl[0], 2, nodes,
			    (int []){ 3, 1 }) ||
	    check_placement("after the move", &res->pl[1], 2, nodes,
			    (int []){ 1, 3 }))
		goto cleanup;
	if (res->moved) {
		ksft_print_msg("%ld pages moved after their fault\n",
			       res->moved);
		goto cleanup;
	}

	ret = KSFT_PASS;
cleanup:
	kill_child(pid);
	if (to_child >= 0)
		close(to_child);
	if (from_child >= 0)
		close(from_child);
	cg_destroy(b);
	cg_destroy(a);
	free(b);
	free(a);
	free_result(res);
	return ret;
}

/* Every thread of a member allocates by the cgroup's policy. */
static int test_mpol_threads(const char *root)
{
	int nodes[2] = { mem_nodes[0], mem_nodes[1] };
	struct child_result *res = NULL;
	int ret = KSFT_FAIL;
	struct job job;
	char *cg = NULL, what[64];
	int i;

	if (need_nodes(2))
		return KSFT_SKIP;

	res = alloc_result();
	cg = cg_name(root, "mpol_test_threads");
	if (!res || !cg || cg_create(cg))
		goto cleanup;
	if (set_policy(cg, "weighted-interleave", 2, nodes) ||
	    set_weights(cg, 2, nodes, (int []){ 3, 1 }))
		goto cleanup;

	job_init(&job, res, 2000);
	job.nr_threads = 4;
	if (run_in(cg, child_threads, &job))
		goto cleanup;
	for (i = 0; i < job.nr_threads; i++) {
		snprintf(what, sizeof(what), "thread %d, 3:1", i);
		if (check_placement(what, &res->pl[i], 2, nodes,
				    (int []){ 3, 1 }))
			goto cleanup;
	}

	if (set_policy(cg, "bind", 1, &nodes[1]))
		goto cleanup;
	if (run_in(cg, child_threads, &job))
		goto cleanup;
	for (i = 0; i < job.nr_threads; i++) {
		snprintf(what, sizeof(what), "thread %d, bind", i);
		if (check_on_node(what, &res->pl[i], nodes[1]))
			goto cleanup;
	}

	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	free(cg);
	free_result(res);
	return ret;
}

/* A child forked by a member allocates by the cgroup's policy. */
static int test_mpol_fork(const char *root)
{
	int nodes[2] = { mem_nodes[0], mem_nodes[1] };
	struct child_result *res = NULL;
	int ret = KSFT_FAIL;
	struct job job;
	char *cg = NULL;

	if (need_nodes(2))
		return KSFT_SKIP;

	res = alloc_result();
	cg = cg_name(root, "mpol_test_fork");
	if (!res || !cg || cg_create(cg))
		goto cleanup;
	if (set_policy(cg, "weighted-interleave", 2, nodes) ||
	    set_weights(cg, 2, nodes, (int []){ 3, 1 }))
		goto cleanup;

	job_init(&job, res, 2000);
	if (run_in(cg, child_fork, &job) ||
	    check_placement("forked child", &res->pl[0], 2, nodes,
			    (int []){ 3, 1 }))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	free(cg);
	free_result(res);
	return ret;
}

/* A process cloned with CLONE_INTO_CGROUP allocates by that policy. */
static int test_mpol_clone_into_cgroup(const char *root)
{
	int nodes[2] = { mem_nodes[0], mem_nodes[1] };
	struct child_result *res = NULL;
	int ret = KSFT_FAIL, fd = -1;
	struct job job;
	char *cg = NULL;
	pid_t pid;

	if (need_nodes(2))
		return KSFT_SKIP;

	res = alloc_result();
	cg = cg_name(root, "mpol_test_clone_into_cgroup");
	if (!res || !cg || cg_create(cg))
		goto cleanup;
	if (set_policy(cg, "weighted-interleave", 2, nodes) ||
	    set_weights(cg, 2, nodes, (int []){ 1, 3 }))
		goto cleanup;
	fd = dirfd_open_opath(cg);
	if (fd < 0)
		goto cleanup;

	job_init(&job, res, 2000);
	/* every kernel with mpol (6.12+) has CLONE_INTO_CGROUP (5.7) */
	pid = clone_into_cgroup(fd);
	if (pid < 0) {
		ksft_print_msg("clone3(CLONE_INTO_CGROUP): %s\n", strerror(errno));
		goto cleanup;
	}
	if (!pid)
		_exit(child_fault(cg, &job));
	if (wait_child(pid, res) ||
	    check_placement("cloned into the cgroup", &res->pl[0], 2, nodes,
			    (int []){ 1, 3 }))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	if (fd >= 0)
		close(fd);
	cg_destroy(cg);
	free(cg);
	free_result(res);
	return ret;
}

/*
 * The policy's nodes are narrowed to cpuset.mems: the pages spread over
 * the allowed nodes only, by their weights.
 */
static int test_mpol_cpuset_narrow(const char *root)
{
	const int *nodes = mem_nodes;
	struct child_result *res = NULL;
	char list[256], exp[256];
	int ret = KSFT_FAIL;
	struct job job;
	char *cg = NULL;

	if (need_nodes(3) || enable_controller(root, root, "cpuset"))
		return KSFT_SKIP;

	res = alloc_result();
	cg = cg_name(root, "mpol_test_cpuset_narrow");
	if (!res || !cg || cg_create(cg))
		goto cleanup;
	if (cg_writef(cg, "cpuset.mems", "%s",
		      join_nodes(list, sizeof(list), 2, nodes)))
		goto cleanup;
	snprintf(exp, sizeof(exp), "%s\n",
		 fmt_nodes(list, sizeof(list), 2, nodes));
	if (cg_expect(cg, "cpuset.mems.effective", exp))
		goto cleanup;
	if (set_weights(cg, 3, nodes, (int []){ 3, 1, 2 }))
		goto cleanup;

	job_init(&job, res, 2000);
	if (set_policy(cg, "weighted-interleave", 0, NULL) ||
	    run_in(cg, child_fault, &job) ||
	    check_placement("weighted-interleave", &res->pl[0], 2, nodes,
			    (int []){ 3, 1 }))
		goto cleanup;
	if (set_policy(cg, "weighted-interleave", 3, nodes) ||
	    run_in(cg, child_fault, &job) ||
	    check_placement("weighted-interleave:3 nodes", &res->pl[0], 2,
			    nodes, (int []){ 3, 1 }))
		goto cleanup;
	if (set_policy(cg, "interleave", 0, NULL) ||
	    run_in(cg, child_fault, &job) ||
	    check_placement("interleave", &res->pl[0], 2, nodes,
			    (int []){ 1, 1 }))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	free(cg);
	free_result(res);
	return ret;
}

/* Wait until inotify reports a change of the watched file. */
static int wait_modified(int fd, const char *what)
{
	if (!cg_wait_for_timeout(fd, WAIT_MS))
		return 0;
	ksft_print_msg("%s: no modification notified\n", what);
	return -1;
}

static long fallbacks(const char *cgroup, const char *control)
{
	return cg_read_key_long(cgroup, control, "fallback ");
}

/*
 * Check the event counts of @c under @p after a run: every page of @npages
 * counted a fallback in @c, or none if @npages is 0.
 */
static int check_fallbacks(const char *p, const char *c, long *count,
			   long npages)
{
	long now = fallbacks(c, "mpol.events");

	if (npages ? now < *count + npages : now != *count) {
		ksft_print_msg("%s: fallback %ld, was %ld, %ld pages\n", c, now,
			       *count, npages);
		return -1;
	}
	*count = now;
	if (fallbacks(c, "mpol.events.local") != now ||
	    fallbacks(p, "mpol.events") != now ||
	    fallbacks(p, "mpol.events.local") != 0) {
		ksft_print_msg("fallback: %s %ld (local %ld), %s %ld (local %ld)\n",
			       c, now, fallbacks(c, "mpol.events.local"), p,
			       fallbacks(p, "mpol.events"),
			       fallbacks(p, "mpol.events.local"));
		return -1;
	}
	return 0;
}

/*
 * An explicit node list outside cpuset.mems: the pages go to the allowed
 * nodes, and mpol.events counts fallbacks up the hierarchy.
 */
static int test_mpol_fallback(const char *root)
{
	int n0 = mem_nodes[0], n1 = mem_nodes[1];
	int wc = -1, wp = -1, wcl = -1;
	struct child_result *res = NULL;
	char *p = NULL, *c = NULL;
	int ret = KSFT_FAIL;
	long count = 0;
	struct job job;

	if (need_nodes(2) || enable_controller(root, root, "cpuset"))
		return KSFT_SKIP;

	res = alloc_result();
	p = cg_name(root, "mpol_test_fallback");
	c = p ? cg_name(p, "c") : NULL;
	if (!res || !c || cg_create(p))
		goto cleanup;
	if (cg_write(p, "cgroup.subtree_control", "+cpuset +mpol") ||
	    cg_create(c))
		goto cleanup;
	if (cg_writef(c, "cpuset.mems", "%d", n0) ||
	    set_policy(c, "bind", 1, &n1))
		goto cleanup;
	if (cg_expect(c, "mpol.events", "fallback 0\n") ||
	    cg_expect(c, "mpol.events.local", "fallback 0\n") ||
	    cg_expect(p, "mpol.events", "fallback 0\n") ||
	    cg_expect(p, "mpol.events.local", "fallback 0\n"))
		goto cleanup;

	wc = cg_prepare_for_wait_file(c, "mpol.events");
	wcl = cg_prepare_for_wait_file(c, "mpol.events.local");
	wp = cg_prepare_for_wait_file(p, "mpol.events");
	if (wc < 0 || wcl < 0 || wp < 0) {
		ksft_perror("inotify");
		goto cleanup;
	}

	job_init(&job, res, 1000);
	if (run_in(c, child_fault, &job) ||
	    check_on_node("bind outside cpuset.mems", &res->pl[0], n0) ||
	    check_fallbacks(p, c, &count, job.npages))
		goto cleanup;
	if (wait_modified(wc, "mpol.events") ||
	    wait_modified(wcl, "mpol.events.local") ||
	    wait_modified(wp, "parent's mpol.events"))
		goto cleanup;

	if (set_policy(c, "interleave", 1, &n1) ||
	    run_in(c, child_fault, &job) ||
	    check_on_node("interleave outside cpuset.mems", &res->pl[0], n0) ||
	    check_fallbacks(p, c, &count, job.npages))
		goto cleanup;

	/* nodes that are allowed, some or all: no fallback */
	if (set_policy(c, "bind", 1, &n0) ||
	    run_in(c, child_fault, &job) ||
	    check_on_node("bind inside cpuset.mems", &res->pl[0], n0) ||
	    check_fallbacks(p, c, &count, 0))
		goto cleanup;
	if (set_policy(c, "weighted-interleave", 2, mem_nodes) ||
	    run_in(c, child_fault, &job) ||
	    check_on_node("partly allowed", &res->pl[0], n0) ||
	    check_fallbacks(p, c, &count, 0))
		goto cleanup;

	/* the parent keeps the counts of a removed child */
	if (cg_destroy(c))
		goto cleanup;
	if (fallbacks(p, "mpol.events") != count ||
	    fallbacks(p, "mpol.events.local") != 0) {
		ksft_print_msg("after removing %s: fallback %ld (local %ld), expected %ld\n",
			       c, fallbacks(p, "mpol.events"),
			       fallbacks(p, "mpol.events.local"), count);
		goto cleanup;
	}

	ret = KSFT_PASS;
cleanup:
	if (wc >= 0)
		close(wc);
	if (wcl >= 0)
		close(wcl);
	if (wp >= 0)
		close(wp);
	cg_destroy(c);
	cg_destroy(p);
	free(c);
	free(p);
	free_result(res);
	return ret;
}

/*
 * The exact fallback count.  A child under cpuset.mems = n0 and a policy on
 * n1 only (every allocation falls back) works in phases that the parent
 * brackets by reading mpol.events.local; the child makes no system call
 * inside a phase but what the phase is about, and waits between phases by
 * spinning on shared memory, so that only the allocations of the phase
 * are counted (on a kernel that debugs its allocator, page_owner's
 * stack depot and kmemleak allocate from inside an allocation now and
 * then, and those allocations fall back too: up to FB_DEBUG_SLACK more per
 * phase there):
 *  - 4 KiB: faulting FB_4K pages whose page tables exist already is FB_4K
 *    allocations;
 *  - THP: each 2 MiB fault is two allocations, the folio and the page
 *    table deposited for a later split;
 *  - bulk: each open of /dev/ptmx vzalloc()s two n_tty buffers (master
 *    and slave), each with one alloc_pages_bulk_array_mempolicy() call.
 *    The same opens also make single-page allocations that fall back as
 *    well, a few per open on a plain kernel (vmap_area slab refills,
 *    vmalloc page tables), several on a debug one (KASAN shadow of the
 *    vmalloc area, kmemleak metadata).  So the bulk phase counts at least
 *    one per vzalloc(), and the same amount under bind (one count per
 *    call in policy_nodemask()) as under interleave (the bulk interleave
 *    path, which once counted twice per call: for the node count and per
 *    node pass): their difference must stay below half the calls.
 */
#define FB_BLOCKS	4
#define FB_4K		(FB_BLOCKS * 511)
#define FB_OPENS	64
#define FB_BULK		(2 * FB_OPENS)	/* vzalloc() calls */
#define FB_DEBUG_SLACK	4	/* 3 seen for 4 THP faults under KASAN + kmemleak */
#define SZ_2M		(2UL << 20)

struct fb_sync {
	int phase;			/* the parent's go */
	int done;			/* the child's last completed phase */
	char failed[128];
};

static int fb_get(int *v)
{
	return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

static void fb_set(int *v, int val)
{
	__atomic_store_n(v, val, __ATOMIC_RELEASE);
}

enum { FB_SETUP = 1, FB_PHASE_4K, FB_PHASE_THP, FB_PHASE_BULK };

static void fb_wait(struct fb_sync *s, int phase)
{
	while (fb_get(&s->phase) < phase)
		sched_yield();
}

static int child_fb_exit(struct fb_sync *s, const char *what)
{
	snprintf(s->failed, sizeof(s->failed), "%s: %s", what,
		 strerror(errno));
	fb_set(&s->done, -1);
	return 1;
}

static int child_fallback_count(const char *cgroup, void *arg)
{
	struct fb_sync *s = arg;
	char *map, *b, *small, *thp;
	int i, j, fd;

	/*
	 * One mapping in one 1 GiB range, so that one PMD table serves it:
	 * a 2 MiB block for the upper page tables, FB_BLOCKS of 4 KiB pages,
	 * then 1 + FB_BLOCKS huge page blocks.
	 */
	for (i = 0; i < 64; i++) {
		map = mmap(NULL, 22 * SZ_2M, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map == MAP_FAILED)
			return child_fb_exit(s, "mmap");
		b = (char *)(((unsigned long)map + SZ_2M - 1) & ~(SZ_2M - 1));
		if ((unsigned long)b >> 30 ==
		    ((unsigned long)b + 20 * SZ_2M - 1) >> 30)
			break;
		/* keep it mapped, so that the next mmap() lands elsewhere */
	}
	if (i == 64) {
		errno = ENOMEM;
		return child_fb_exit(s, "no 40 MiB range within 1 GiB");
	}
	small = b + SZ_2M;
	thp = small + FB_BLOCKS * SZ_2M;
	if (madvise(b, (1 + FB_BLOCKS) * SZ_2M, MADV_NOHUGEPAGE) ||
	    madvise(thp, (1 + FB_BLOCKS) * SZ_2M, MADV_HUGEPAGE))
		return child_fb_exit(s, "madvise");
	/*
	 * The page tables of the range and both VMAs' anon_vma: one page of
	 * each 4 KiB block, the first huge page block (not measured).
	 */
	b[0] = 1;
	for (i = 0; i < FB_BLOCKS; i++)
		small[i * SZ_2M] = 1;
	thp[0] = 1;
	thp += SZ_2M;
	/* warm the tty and vmalloc paths */
	for (i = 0; i < 8; i++) {
		fd = open("/dev/ptmx", O_RDWR | O_NOCTTY);
		if (fd < 0)
			return child_fb_exit(s, "open /dev/ptmx");
		close(fd);
	}
	fb_set(&s->done, FB_SETUP);

	fb_wait(s, FB_PHASE_4K);
	for (i = 0; i < FB_BLOCKS; i++)
		for (j = 1; j < 512; j++)
			small[i * SZ_2M + j * page_size] = 1;
	fb_set(&s->done, FB_PHASE_4K);

	fb_wait(s, FB_PHASE_THP);
	for (i = 0; i < FB_BLOCKS; i++)
		thp[i * SZ_2M] = 1;
	fb_set(&s->done, FB_PHASE_THP);

	fb_wait(s, FB_PHASE_BULK);
	for (i = 0; i < FB_OPENS; i++) {
		fd = open("/dev/ptmx", O_RDWR | O_NOCTTY);
		if (fd < 0)
			return child_fb_exit(s, "open /dev/ptmx");
		close(fd);
	}
	fb_set(&s->done, FB_PHASE_BULK);

	/* stay until the parent has read /proc/PID/smaps_rollup */
	fb_wait(s, FB_PHASE_BULK + 1);
	return 0;
}

/* Let the child run @phase; the fallbacks it counted, or -1. */
static long fb_phase(struct fb_sync *s, const char *c, int phase)
{
	long before = fallbacks(c, "mpol.events.local"), after;
	int ms;

	fb_set(&s->phase, phase);
	for (ms = 0; fb_get(&s->done) != phase && fb_get(&s->done) >= 0 &&
	     ms < WAIT_MS; ms++)
		usleep(1000);
	if (fb_get(&s->done) != phase) {
		ksft_print_msg("phase %d: child %s\n", phase,
			       fb_get(&s->done) < 0 ? s->failed : "timed out");
		return -1;
	}
	after = fallbacks(c, "mpol.events.local");
	return before < 0 || after < 0 ? -1 : after - before;
}

/* AnonHugePages of @pid in kB, or -1. */
static long anon_huge_kb(pid_t pid)
{
	char path[64], buf[BUF_LEN], *p;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "AnonHugePages:");
	return p ? strtol(p + strlen("AnonHugePages:"), NULL, 10) : -1;
}

/* Does the allocator allocate for its own bookkeeping (page_owner, kmemleak)? */
static bool alloc_debugging(void)
{
	char buf[4096];

	if (!access("/sys/kernel/debug/kmemleak", F_OK))
		return true;
	return read_text("/proc/cmdline", buf, sizeof(buf)) > 0 &&
	       strstr(buf, "page_owner=on");
}

/* @got counts @want allocations, exactly or with the debug slack */
static bool fb_count_ok(long got, long want, long slack)
{
	return got >= want && got <= want + slack;
}

static bool thp_usable(void)
{
	char buf[256];

	if (read_text("/sys/kernel/mm/transparent_hugepage/enabled", buf,
		      sizeof(buf)) <= 0)
		return false;
	return !strstr(buf, "[never]");
}

/*
 * One run of the phases under @mode:n1 in @c; KSFT_PASS or KSFT_FAIL.
 * *@bulk gets the count of the bulk phase.
 */
static int fallback_count_run(const char *c, const char *mode, int n1,
			      bool thp, long *bulk)
{
	long slack = alloc_debugging() ? FB_DEBUG_SLACK : 0;
	long got, huge, got_4k, got_thp;
	struct fb_sync *s;
	int ret = KSFT_FAIL;
	pid_t pid;

	s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED || set_policy(c, mode, 1, &n1))
		return KSFT_FAIL;
	memset(s, 0, sizeof(*s));
	/* room for the huge pages: compact first */
	if (thp)
		write_text("/proc/sys/vm/compact_memory", "1", 1);
	pid = cg_run_nowait(c, child_fallback_count, s);
	if (pid < 0)
		goto out;
	if (fb_phase(s, c, FB_SETUP) < 0)
		goto out;
	got_4k = fb_phase(s, c, FB_PHASE_4K);
	if (!fb_count_ok(got_4k, FB_4K, slack)) {
		ksft_print_msg("%s: %d 4 KiB faults: %ld fallbacks (slack %ld)\n",
			       mode, FB_4K, got_4k, slack);
		goto out;
	}
	got_thp = fb_phase(s, c, FB_PHASE_THP);
	huge = anon_huge_kb(pid);
	if (thp && huge != (FB_BLOCKS + 1) * 2048) {
		ksft_print_msg("%s: AnonHugePages %ld kB, want %lu: no THP\n",
			       mode, huge, (FB_BLOCKS + 1) * 2048UL);
		goto out;
	}
	/* without THP the faults are 4 KiB ones (and a page table each) */
	if (!fb_count_ok(got_thp, FB_BLOCKS * 2, slack)) {
		ksft_print_msg("%s: %d huge page faults: %ld fallbacks, want %d (slack %ld)\n",
			       mode, FB_BLOCKS, got_thp, FB_BLOCKS * 2, slack);
		goto out;
	}
	got = fb_phase(s, c, FB_PHASE_BULK);
	ksft_print_msg("%s: fallbacks: %d 4 KiB faults %ld, %d THP faults %ld\n",
		       mode, FB_4K, got_4k, FB_BLOCKS, got_thp);
	ksft_print_msg("%s: fallbacks: %d opens (%d vzalloc() calls) %ld\n",
		       mode, FB_OPENS, FB_BULK, got);
	*bulk = got;
	if (got < FB_BULK)
		goto out;
	ret = KSFT_PASS;
out:
	fb_set(&s->phase, FB_PHASE_BULK + 1);
	if (pid > 0) {
		int status;

		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			ksft_print_msg("child: %s\n", s->failed);
			ret = KSFT_FAIL;
		}
	}
	munmap(s, sizeof(*s));
	return ret;
}

/*
 * mpol.events counts each allocation that fell back exactly once, on the
 * single-page, the folio/THP and the bulk paths, for bind (nodes from
 * policy_nodemask()) and interleave (the interleave helpers).
 */
static int test_mpol_fallback_count(const char *root)
{
	int n0 = mem_nodes[0], n1 = mem_nodes[1];
	long bind_bulk, il_bulk;
	int ret = KSFT_FAIL;
	char *c;

	if (need_nodes(2) || enable_controller(root, root, "cpuset"))
		return KSFT_SKIP;
	c = cg_name(root, "mpol_test_fallback_count");
	if (!c || cg_create(c))
		goto cleanup;
	if (cg_writef(c, "cpuset.mems", "%d", n0))
		goto cleanup;
	if (fallback_count_run(c, "bind", n1, thp_usable(), &bind_bulk) ||
	    fallback_count_run(c, "interleave", n1, thp_usable(), &il_bulk))
		goto cleanup;
	if (labs(il_bulk - bind_bulk) >= FB_BULK / 2) {
		ksft_print_msg("bulk: interleave %ld, bind %ld: not alike\n",
			       il_bulk, bind_bulk);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(c);
	free(c);
	return ret;
}

/*
 * mbind(MPOL_DEFAULT, MPOL_MF_MOVE) drops a VMA policy and migrates the
 * range to where the task's policy, here its cgroup's, puts new pages:
 * migration targets are allocated by the cgroup policy, which do_mbind()
 * keeps referenced for the whole migration (and does not leave held: on a
 * CONFIG_DEBUG_VM kernel a hold that outlives the task warns).
 */
static int child_mbind_default(const char *cgroup, void *arg)
{
	struct job *job = arg;
	struct child_result *res = job->res;
	char *p = map_region(job->npages);

	if (!p)
		return child_fail(res, "mmap");
	if (sys_mbind(p, job->npages * page_size, job->vma_mode,
		      job->vma_mask, MASK_MAXNODE, 0))
		return child_fail(res, "mbind(%d)", job->vma_mode);
	touch_region(p, job->npages);
	if (count_region(p, job->npages, &res->pl[0], NULL))
		return child_fail(res, "move_pages");
	if (sys_mbind(p, job->npages * page_size, MPOL_DEFAULT, NULL, 0,
		      MPOL_MF_MOVE))
		return child_fail(res, "mbind(MPOL_DEFAULT, MPOL_MF_MOVE)");
	if (count_region(p, job->npages, &res->pl[1], NULL))
		return child_fail(res, "move_pages");
	return 0;
}

static int test_mpol_mbind_default_move(const char *root)
{
	int n0 = mem_nodes[0], n1 = mem_nodes[1];
	struct child_result *res = NULL;
	int ret = KSFT_FAIL;
	struct job job;
	char *c;

	if (need_nodes(2))
		return KSFT_SKIP;
	res = alloc_result();
	c = cg_name(root, "mpol_test_mbind_default");
	if (!res || !c || cg_create(c) || set_policy(c, "bind", 1, &n1))
		goto cleanup;
	job_init(&job, res, 500);
	job.vma_mode = MPOL_BIND;
	mask_set(job.vma_mask, n0);
	if (run_in(c, child_mbind_default, &job) ||
	    check_on_node("under the VMA's bind", &res->pl[0], n0) ||
	    check_on_node("moved by the cgroup's bind", &res->pl[1], n1))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(c);
	free(c);
	free_result(res);
	return ret;
}

/*
 * A write to mpol.policy or mpol.weights changes where the next faults of
 * a running member go; its earlier pages stay.
 */
static int test_mpol_live_change(const char *root)
{
	int nodes[2] = { mem_nodes[0], mem_nodes[1] };
	int to_child = -1, from_child = -1;
	struct child_result *res = NULL;
	int ret = KSFT_FAIL, err;
	struct job job;
	char *cg = NULL;
	pid_t pid = -1;

	if (need_nodes(2))
		return KSFT_SKIP;

	res = alloc_result();
	cg = cg_name(root, "mpol_test_live_change");
	if (!res || !cg || cg_create(cg))
		goto cleanup;
	if (set_policy(cg, "bind", 1, &nodes[0]))
		goto cleanup;

	job_init(&job, res, 2000);
	pid = start_phases(cg, &job, 3, &to_child, &from_child);
	if (pid < 0)
		goto cleanup;

	if (wait_byte(from_child) || set_policy(cg, "bind", 1, &nodes[1]) ||
	    send_byte(to_child))
		goto cleanup;
	if (wait_byte(from_child) ||
	    set_policy(cg, "weighted-interleave", 2, nodes) ||
	    set_weights(cg, 2, nodes, (int []){ 1, 3 }) ||
	    send_byte(to_child))
		goto cleanup;
	err = wait_child(pid, res);
	pid = -1;
	if (err)
		goto cleanup;

	if (check_on_node("first policy", &res->pl[0], nodes[0]) ||
	    check_on_node("second policy", &res->pl[1], nodes[1]) ||
	    check_placement("third policy", &res->pl[2], 2, nodes,
			    (int []){ 1, 3 }))
		goto cleanup;
	if (res->moved) {
		ksft_print_msg("%ld pages moved after their fault\n",
			       res->moved);
		goto cleanup;
	}

	ret = KSFT_PASS;
cleanup:
	kill_child(pid);
	if (to_child >= 0)
		close(to_child);
	if (from_child >= 0)
		close(from_child);
	cg_destroy(cg);
	free(cg);
	free_result(res);
	return ret;
}

/*
 * "local" under a parent's bind: the pages go to the node of the CPU the
 * task runs on, while a sibling that inherits the bind does not.
 */
static int test_mpol_local(const char *root)
{
	int i, local = -1, other = -1;
	struct child_result *res = NULL;
	char *p = NULL, *c = NULL, *s = NULL;
	char exp[64];
	int ret = KSFT_FAIL;
	struct job job;

	if (need_nodes(2))
		return KSFT_SKIP;

	res = alloc_result();
	if (!res)
		goto cleanup;
	job_init(&job, res, 1000);
	for (i = 0; i < nr_mem_nodes; i++) {
		if (local < 0 && node_cpus(mem_nodes[i], &job.cpus))
			local = mem_nodes[i];
		else if (other < 0)
			other = mem_nodes[i];
	}
	if (local < 0 || other < 0) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "needs a node with memory and CPUs, and another node with memory");
		ret = KSFT_SKIP;
		goto cleanup;
	}
	node_cpus(local, &job.cpus);
	job.pin = true;

	p = cg_name(root, "mpol_test_local");
	c = p ? cg_name(p, "c") : NULL;
	s = p ? cg_name(p, "s") : NULL;
	if (!c || !s || cg_create(p))
		goto cleanup;
	if (cg_write(p, "cgroup.subtree_control", "+mpol") || cg_create(c) ||
	    cg_create(s))
		goto cleanup;
	if (set_policy(p, "bind", 1, &other) || set_policy(c, "local", 0, NULL))
		goto cleanup;
	snprintf(exp, sizeof(exp), "bind:%d\n", other);
	if (cg_expect(s, "mpol.policy", "inherit\n") ||
	    cg_expect(s, "mpol.policy.effective", exp))
		goto cleanup;

	if (run_in(c, child_fault, &job) ||
	    check_on_node("local", &res->pl[0], local))
		goto cleanup;
	if (run_in(s, child_fault, &job) ||
	    check_on_node("inherited bind", &res->pl[0], other))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	cg_destroy(s);
	cg_destroy(c);
	cg_destroy(p);
	free(s);
	free(c);
	free(p);
	free_result(res);
	return ret;
}

/*
 * mpol is threaded: threads of one process in different threaded cgroups
 * allocate by their own cgroup's policy.
 */
static int test_mpol_threaded_cgroups(const char *root)
{
	int nodes[2] = { mem_nodes[0], mem_nodes[1] };
	struct child_result *res = NULL;
	char *t = NULL, *t1 = NULL, *t2 = NULL;
	int ret = KSFT_FAIL;
	struct job job;

	if (need_nodes(2))
		return KSFT_SKIP;

	res = alloc_result();
	t = cg_name(root, "mpol_test_threaded");
	t1 = t ? cg_name(t, "t1") : NULL;
	t2 = t ? cg_name(t, "t2") : NULL;
	if (!res || !t1 || !t2 || cg_create(t))
		goto cleanup;
	if (cg_write(t, "cgroup.subtree_control", "+mpol") || cg_create(t1) ||
	    cg_create(t2))
		goto cleanup;
	if (cg_write(t1, "cgroup.type", "threaded") ||
	    cg_write(t2, "cgroup.type", "threaded")) {
		ksft_print_msg("cannot make threaded cgroups under %s\n", t);
		goto cleanup;
	}
	if (set_policy(t, "weighted-interleave", 2, nodes) ||
	    set_weights(t, 2, nodes, (int []){ 3, 1 }) ||
	    set_policy(t1, "bind", 1, &nodes[0]) ||
	    set_policy(t2, "bind", 1, &nodes[1]))
		goto cleanup;

	job_init(&job, res, 2000);
	job.thread_cg[0] = t1;
	job.thread_cg[1] = t2;
	if (run_in(t, child_thread_cgroups, &job))
		goto cleanup;
	if (check_placement("main thread", &res->pl[0], 2, nodes,
			    (int []){ 3, 1 }) ||
	    check_on_node("thread in t1", &res->pl[1], nodes[0]) ||
	    check_on_node("thread in t2", &res->pl[2], nodes[1]))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	cg_destroy(t2);
	cg_destroy(t1);
	cg_destroy(t);
	free(t2);
	free(t1);
	free(t);
	free_result(res);
	return ret;
}

/*
 * mpol.migrate: the resident memory of a cgroup follows its policy.
 *
 * A child_mig() process maps its regions, fills every word of every page
 * with a pattern, and then serves the test's requests, passed in shared
 * memory (struct mig_ctl).  The test counts the child's pages per node
 * with move_pages(2) on the child's pid.  While a pass runs, a thread of
 * the child (the hammer) keeps re-reading and rewriting the last word of
 * every page of its plain and THP regions: a store lost during a
 * migration, or a page copied before its last store, fails the final
 * check of every word.
 *
 * A pass is waited for as mpol.stat documents it: until migrate_active
 * is 0 and migrate_passes_completed has grown past its value before the
 * write that starts the pass.  Every read of mpol.stat must keep its
 * three invariants.
 */
#define MIG_PAGES	16384		/* 64 MiB */
#define MIG_WAIT_MS	60000		/* for a pass, for the child */
#define MIG_REGIONS	4
#define MIG_FAST	"on 1G"		/* the rate, but in the retarget test */
#define THP_PAGES	512		/* 4 KiB pages of a 2 MiB THP */
#define SLOW_PAGES_PS	1024		/* "on 4M" in pages per second */
#define NUMA_BALANCING	"/proc/sys/kernel/numa_balancing"

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup	425
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register	427
#endif

enum {
	MSTAT_STARTED,
	MSTAT_COMPLETED,
	MSTAT_ABORTED,
	MSTAT_ACTIVE,
	MSTAT_SCANNED,
	MSTAT_PLACED,
	MSTAT_MOVED,
	MSTAT_SKIPPED,
	MSTAT_SKIPPED_POLICY,
	MSTAT_SKIPPED_SHARED,
	MSTAT_SKIPPED_PINNED,
	MSTAT_FAILED,
	NR_MSTAT,
};

/* The keys of mpol.stat, in their order */
static const char * const mig_keys[NR_MSTAT] = {
	[MSTAT_STARTED] = "migrate_passes_started",
	[MSTAT_COMPLETED] = "migrate_passes_completed",
	[MSTAT_ABORTED] = "migrate_passes_aborted",
	[MSTAT_ACTIVE] = "migrate_active",
	[MSTAT_SCANNED] = "migrate_scanned",
	[MSTAT_PLACED] = "migrate_placed",
	[MSTAT_MOVED] = "migrate_moved",
	[MSTAT_SKIPPED] = "migrate_skipped",
	[MSTAT_SKIPPED_POLICY] = "migrate_skipped_policy",
	[MSTAT_SKIPPED_SHARED] = "migrate_skipped_shared",
	[MSTAT_SKIPPED_PINNED] = "migrate_skipped_pinned",
	[MSTAT_FAILED] = "migrate_failed",
};

struct mig_stat {
	long v[NR_MSTAT];
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int need_migrate(const char *root)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/mpol.migrate.effective", root);
	if (!access(path, F_OK))
		return 0;
	snprintf(skip_reason, sizeof(skip_reason),
		 "no mpol.migrate.effective in %s: no mpol.migrate", root);
	return -1;
}

/* MemFree of @node in kB, or -1 */
static long node_free_kb(int node)
{
	char path[PATH_MAX], buf[BUF_LEN], *p;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo",
		 node);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "MemFree:");
	return p ? strtol(p + strlen("MemFree:"), NULL, 10) : -1;
}

static void print_free(int nr, const int *nodes)
{
	char buf[1024];
	int i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < nr && off < (int)sizeof(buf) - 32; i++)
		off += snprintf(buf + off, sizeof(buf) - off, " node%d:%ld",
				nodes[i], node_free_kb(nodes[i]));
	ksft_print_msg("MemFree (kB):%s\n", buf);
}

/* /proc/buddyinfo: free blocks per order, for a failed THP migration */
static void print_buddyinfo(void)
{
	char buf[BUF_LEN], *line, *save;

	if (read_text("/proc/buddyinfo", buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		ksft_print_msg("%s\n", line);
}

/* Every node of @nodes must have @kb free; sets skip_reason. */
static int need_free(int nr, const int *nodes, long kb)
{
	int i;

	for (i = 0; i < nr; i++) {
		long free = node_free_kb(nodes[i]);

		if (free >= kb)
			continue;
		snprintf(skip_reason, sizeof(skip_reason),
			 "node %d has %ld kB free, the test needs %ld kB",
			 nodes[i], free, kb);
		return -1;
	}
	return 0;
}

/*
 * The distance from node @from to node @to, from sysfs (the list has one
 * entry per online node), or -1.
 */
static int node_distance(int from, int to)
{
	char path[PATH_MAX], buf[4096], *p = buf, *end;
	int online[MAX_NODES];
	int i, nr;
	long d;

	nr = read_node_list("/sys/devices/system/node/online", online,
			    MAX_NODES);
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/distance",
		 from);
	if (nr < 1 || read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	for (i = 0; i < nr; i++) {
		d = strtol(p, &end, 10);
		if (end == p)
			return -1;
		if (online[i] == to)
			return d;
		p = end;
	}
	return -1;
}

/*
 * The node of @set nearest to @from, if it is nearer than the others by
 * so much that the zonelist of @from must list it first (build_zonelists()
 * adds up to 2 for ties: a lower node id, CPUs on the node); else -1.
 */
static int nearest_node(int from, int nr, const int *set)
{
	int i, d, best = -1, bd = 1 << 30, second = 1 << 30;

	for (i = 0; i < nr; i++) {
		d = node_distance(from, set[i]);
		if (d < 0)
			return -1;
		if (d < bd) {
			second = bd;
			bd = d;
			best = set[i];
		} else if (d < second) {
			second = d;
		}
	}
	return second - bd >= 3 ? best : -1;
}

/*
 * NUMA balancing moves the pages of tasks without a policy towards the
 * CPU that touches them: off while a test counts placements over seconds,
 * nb_restore() puts the old value back.
 */
static char nb_saved[16];

static void nb_off(void)
{
	if (read_text(NUMA_BALANCING, nb_saved, sizeof(nb_saved)) <= 0 ||
	    write_text(NUMA_BALANCING, "0", 1) != 1)
		nb_saved[0] = '\0';
}

static void nb_restore(void)
{
	if (nb_saved[0])
		write_text(NUMA_BALANCING, nb_saved, strlen(nb_saved));
	nb_saved[0] = '\0';
}

static void print_mig_stat(const char *cg, const char *what,
			   const struct mig_stat *s)
{
	char buf[1024];
	int i, off = 0;

	for (i = 0; i < NR_MSTAT; i++)
		off += snprintf(buf + off, sizeof(buf) - off, " %s %ld",
				mig_keys[i] + strlen("migrate_"), s->v[i]);
	ksft_print_msg("%s/mpol.stat %s:%s\n", cg, what, buf);
}

/* Parse mpol.stat: exactly the keys of mig_keys[], in that order. */
static int read_mig_stat(const char *cg, struct mig_stat *s)
{
	char buf[BUF_LEN], e[BUF_LEN], *p = buf, *end;
	int i, ret;

	ret = cg_read(cg, "mpol.stat", buf, sizeof(buf));
	if (ret) {
		ksft_print_msg("reading %s/mpol.stat: %s\n", cg,
			       strerror(-ret));
		return -1;
	}
	for (i = 0; i < NR_MSTAT; i++) {
		size_t len = strlen(mig_keys[i]);

		if (strncmp(p, mig_keys[i], len) || p[len] != ' ')
			break;
		p += len + 1;
		errno = 0;
		s->v[i] = strtol(p, &end, 10);
		if (errno || end == p || *end != '\n' || s->v[i] < 0)
			break;
		p = end + 1;
	}
	if (i == NR_MSTAT && !*p)
		return 0;
	if (i < NR_MSTAT)
		ksft_print_msg("%s/mpol.stat: line %d is not \"%s N\"\n", cg,
			       i + 1, mig_keys[i]);
	else
		ksft_print_msg("%s/mpol.stat: more than %d lines\n", cg, i);
	ksft_print_msg("%s/mpol.stat: \"%s\"\n", cg,
		       esc(buf, strlen(buf), e, sizeof(e)));
	return -1;
}

/*
 * The invariants of mpol.stat; prints every key if one does not hold.
 * migrate_active counts a pass from the change that starts it: one may
 * run while the next one is queued behind it.
 */
static int check_mig_stat(const char *cg, const struct mig_stat *s)
{
	const long *v = s->v;
	const char *bad = NULL;

	if (v[MSTAT_SCANNED] !=
	    v[MSTAT_PLACED] + v[MSTAT_MOVED] + v[MSTAT_SKIPPED] + v[MSTAT_FAILED])
		bad = "scanned != placed + moved + skipped + failed";
	else if (v[MSTAT_SKIPPED] != v[MSTAT_SKIPPED_POLICY] +
		 v[MSTAT_SKIPPED_SHARED] + v[MSTAT_SKIPPED_PINNED])
		bad = "skipped != skipped_policy + skipped_shared + skipped_pinned";
	else if (v[MSTAT_STARTED] !=
		 v[MSTAT_COMPLETED] + v[MSTAT_ABORTED] + v[MSTAT_ACTIVE])
		bad = "passes_started != completed + aborted + active";
	else if (v[MSTAT_ACTIVE] > 2)
		bad = "migrate_active is more than 2";
	if (!bad)
		return 0;
	ksft_print_msg("%s/mpol.stat: %s\n", cg, bad);
	print_mig_stat(cg, "now", s);
	return -1;
}

static int read_check_mig_stat(const char *cg, struct mig_stat *s)
{
	if (read_mig_stat(cg, s))
		return -1;
	return check_mig_stat(cg, s);
}

/* Waiting for a pass: pass_prepare(), the write, pass_wait(). */
struct pass_wait {
	const char *cg;
	int fd;				/* inotify on mpol.stat, or -1 */
	bool notified;			/* it reported a modification */
	long start;			/* ms */
	struct mig_stat before;
	struct mig_stat now;
};

static void pass_release(struct pass_wait *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

/* Read mpol.stat and watch it; call before the write that starts a pass. */
static int pass_prepare(struct pass_wait *w, const char *cg)
{
	memset(w, 0, sizeof(*w));
	w->cg = cg;
	w->fd = cg_prepare_for_wait_file(cg, "mpol.stat");
	if (w->fd < 0)
		ksft_print_msg("inotify on %s/mpol.stat: %s; polling\n", cg,
			       strerror(errno));
	w->start = now_ms();
	if (!read_check_mig_stat(cg, &w->before))
		return 0;
	pass_release(w);
	return -1;
}

/* Consume the events of inotify @fd if it gets any within @ms. */
static bool got_events(int fd, int ms)
{
	char buf[4096];

	if (fd < 0 || cg_wait_for_timeout(fd, ms))
		return false;
	return read(fd, buf, sizeof(buf)) > 0;
}

/*
 * Wait until a pass that started after pass_prepare() has ended:
 * migrate_active is 0 and migrate_passes_completed has grown.  The end
 * of a pass is notified, from a work item: give it a moment more.
 */
static int pass_wait(struct pass_wait *w)
{
	for (;;) {
		if (read_check_mig_stat(w->cg, &w->now))
			goto fail;
		if (!w->now.v[MSTAT_ACTIVE] &&
		    w->now.v[MSTAT_COMPLETED] > w->before.v[MSTAT_COMPLETED])
			break;
		if (now_ms() - w->start > MIG_WAIT_MS) {
			ksft_print_msg("%s: no pass completed within %d s\n",
				       w->cg, MIG_WAIT_MS / 1000);
			print_mig_stat(w->cg, "before", &w->before);
			print_mig_stat(w->cg, "now", &w->now);
			goto fail;
		}
		if (w->fd < 0)
			usleep(50 * 1000);
		else if (got_events(w->fd, 200))
			w->notified = true;
	}
	if (!w->notified && got_events(w->fd, 2000))
		w->notified = true;
	pass_release(w);
	return 0;
fail:
	pass_release(w);
	return -1;
}

/* The growth of mpol.stat key @k during @w */
static long mig_delta(const struct pass_wait *w, int k)
{
	return w->now.v[k] - w->before.v[k];
}

/* Poll mpol.stat until a pass has started after @before. */
static int wait_started(const char *cg, const struct mig_stat *before,
			struct mig_stat *now, int ms)
{
	long start = now_ms();

	while (!read_check_mig_stat(cg, now)) {
		if (now->v[MSTAT_STARTED] > before->v[MSTAT_STARTED])
			return 0;
		if (now_ms() - start > ms) {
			ksft_print_msg("%s: no pass started within %d ms\n", cg,
				       ms);
			print_mig_stat(cg, "now", now);
			return -1;
		}
		usleep(10 * 1000);
	}
	return -1;
}

/* Poll mpol.stat until no pass runs. */
static int wait_idle(const char *cg, struct mig_stat *now, int ms)
{
	long start = now_ms();

	while (!read_check_mig_stat(cg, now)) {
		if (!now->v[MSTAT_ACTIVE])
			return 0;
		if (now_ms() - start > ms) {
			ksft_print_msg("%s: a pass still runs after %d ms\n", cg,
				       ms);
			print_mig_stat(cg, "now", now);
			return -1;
		}
		usleep(10 * 1000);
	}
	return -1;
}

/* Write @val to mpol.migrate; it must read back as @own, effective @eff. */
static int set_migrate(const char *cg, const char *val, const char *own,
		       const char *eff)
{
	if (cg_writef(cg, "mpol.migrate", "%s", val))
		return -1;
	if (own && cg_expect(cg, "mpol.migrate", own))
		return -1;
	if (eff && cg_expect(cg, "mpol.migrate.effective", eff))
		return -1;
	return 0;
}

/* Turn migration on in @cg at @rate and wait for the pass that starts. */
static int migrate_on(const char *cg, const char *rate)
{
	char exp[64];
	struct pass_wait w;

	snprintf(exp, sizeof(exp), "%s\n", rate);
	if (pass_prepare(&w, cg))
		return -1;
	if (set_migrate(cg, rate, exp, exp)) {
		pass_release(&w);
		return -1;
	}
	return pass_wait(&w);
}

/* Set the weights of @nodes (ascending) in one write: one change. */
static int set_weights_once(const char *cg, int nr, const int *nodes,
			    const int *weights)
{
	char buf[BUF_LEN];
	int i, off = 0;

	for (i = 0; i < nr; i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%d %d\n",
				nodes[i], weights[i]);
	if (cg_writef(cg, "mpol.weights", "%s", buf))
		return -1;
	return cg_expect(cg, "mpol.weights", buf);
}

/* What a region of a child_mig() process is */
enum {
	MR_PLAIN,			/* private anonymous, 4 KiB pages */
	MR_THP,				/* private anonymous, 2 MiB aligned THP */
	MR_MBIND,			/* MR_PLAIN under mbind(MPOL_BIND) */
	MR_SHARED,			/* shared with a forked sharer */
	MR_SHMEM,			/* MAP_SHARED anonymous (shmem) */
	MR_PINNED,			/* an io_uring registered buffer */
};

/* Requests to a child_mig() process; the first one is its setup */
enum {
	MC_SETUP = 1,
	MC_DROP_POLICY,			/* set_mempolicy(MPOL_DEFAULT) */
	MC_HAMMER_START,
	MC_HAMMER_STOP,
	MC_VERIFY,			/* check every word of every region */
};

struct mig_region {
	int kind;
	long npages;			/* 4 KiB pages */
	char *addr;			/* in the child */
};

/* A child_mig() process, in memory shared with the test */
struct mig_ctl {
	bool pin;			/* run on @cpus */
	cpu_set_t cpus;
	int own_mode;			/* set_mempolicy() first; -1: none */
	unsigned long own_mask[MASK_LONGS];
	unsigned long vma_mask[MASK_LONGS];	/* MPOL_BIND of MR_MBIND */
	const char *share_cg;		/* the sharer's cgroup */
	int nr_regions;
	struct mig_region r[MIG_REGIONS];
	int seq;			/* the test's last request */
	int cmd;
	int ack;			/* the child's last one done; -1: failed */
	int stop;			/* the hammer stops */
	long rounds;			/* the hammer's rounds */
	long bad;			/* words the hammer found wrong */
	pid_t pid;			/* the child, for the test */
	pid_t sharer;			/* its child sharing MR_SHARED */
	int pin_errno;			/* of io_uring_setup(); 0: pinned */
	char failed[256];
};

/* In a child_mig() process: its mig_ctl, the hammer's round per page */
static struct mig_ctl *mig_self;
static int *hammer_round[MIG_REGIONS];

#define PAGE_WORDS	(page_size / (long)sizeof(unsigned long))

/* The pattern: a different word for every word of every page */
static unsigned long mig_word(int r, long page, long word)
{
	return 0x9e3779b97f4a7c15UL *
	       (((unsigned long)r << 40) + ((unsigned long)page << 10) +
		word + 1);
}

/* The last word of a page after the hammer's round @round (0: none) */
static unsigned long hammer_word(int r, long page, int round)
{
	return mig_word(r, page, PAGE_WORDS - 1) ^
	       ((unsigned long)round * 0x100000001UL);
}

static bool hammered(int kind)
{
	return kind == MR_PLAIN || kind == MR_THP;
}

static int mig_fail(const char *what)
{
	int saved = errno;

	if (!mig_self->failed[0])
		snprintf(mig_self->failed, sizeof(mig_self->failed), "%s: %s",
			 what, strerror(saved));
	fb_set(&mig_self->ack, -1);
	return 1;
}

static void mig_fill(int r)
{
	unsigned long *w = (unsigned long *)mig_self->r[r].addr;
	long i, j, words = PAGE_WORDS;

	for (i = 0; i < mig_self->r[r].npages; i++)
		for (j = 0; j < words; j++)
			w[i * words + j] = mig_word(r, i, j);
}

/* Check every word of region @r; the number of wrong ones. */
static long mig_verify(int r)
{
	const unsigned long *w = (unsigned long *)mig_self->r[r].addr;
	long i, j, words = PAGE_WORDS, bad = 0, bi = 0, bj = 0;
	unsigned long want, got = 0, bwant = 0;

	for (i = 0; i < mig_self->r[r].npages; i++) {
		for (j = 0; j < words; j++) {
			if (j == words - 1 && hammer_round[r])
				want = hammer_word(r, i, hammer_round[r][i]);
			else
				want = mig_word(r, i, j);
			if (w[i * words + j] == want)
				continue;
			if (!bad++) {
				bi = i;
				bj = j;
				got = w[i * words + j];
				bwant = want;
			}
		}
	}
	if (bad)
		snprintf(mig_self->failed, sizeof(mig_self->failed),
			 "region %d: %ld words wrong, first page %ld word %ld: %#lx, expected %#lx",
			 r, bad, bi, bj, got, bwant);
	return bad;
}

/* Re-read and rewrite the last word of every page until told to stop. */
static void *mig_hammer(void *arg)
{
	long i, words = PAGE_WORDS;
	int r, round;

	for (round = 1; !fb_get(&mig_self->stop); round++) {
		for (r = 0; r < mig_self->nr_regions; r++) {
			unsigned long *w = (unsigned long *)mig_self->r[r].addr;
			int *last = hammer_round[r];

			for (i = 0; last && i < mig_self->r[r].npages; i++) {
				unsigned long *p = w + i * words;

				if ((p[words - 1] != hammer_word(r, i, last[i]) ||
				     p[0] != mig_word(r, i, 0)) &&
				    !mig_self->bad++)
					snprintf(mig_self->failed,
						 sizeof(mig_self->failed),
						 "hammer: region %d page %ld changed under it",
						 r, i);
				p[words - 1] = hammer_word(r, i, round);
				last[i] = round;
			}
		}
		mig_self->rounds = round;
	}
	return arg;
}

static int mig_map(int r)
{
	struct mig_region *mr = &mig_self->r[r];
	size_t len = mr->npages * page_size;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	char *p;

	if (mr->kind == MR_SHMEM)
		flags = MAP_SHARED | MAP_ANONYMOUS;
	p = mmap(NULL, len + (mr->kind == MR_THP ? SZ_2M : 0),
		 PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return mig_fail("mmap");
	if (mr->kind == MR_THP) {
		p = (char *)(((unsigned long)p + SZ_2M - 1) & ~(SZ_2M - 1));
		if (madvise(p, len, MADV_HUGEPAGE))
			return mig_fail("madvise(MADV_HUGEPAGE)");
	} else if (mr->kind != MR_SHMEM) {
		/* fails with EINVAL without CONFIG_TRANSPARENT_HUGEPAGE */
		madvise(p, len, MADV_NOHUGEPAGE);
	}
	if (mr->kind == MR_MBIND &&
	    sys_mbind(p, len, MPOL_BIND, mig_self->vma_mask, MASK_MAXNODE, 0))
		return mig_fail("mbind(MPOL_BIND)");
	if (hammered(mr->kind)) {
		hammer_round[r] = calloc(mr->npages, sizeof(int));
		if (!hammer_round[r])
			return mig_fail("calloc");
	}
	mr->addr = p;
	mig_fill(r);
	return 0;
}

/* Fork the process that shares the MR_SHARED regions, into share_cg. */
static int mig_fork_sharer(void)
{
	int fd[2], ret;
	pid_t pid;

	if (pipe(fd))
		return mig_fail("pipe");
	pid = fork();
	if (pid < 0)
		return mig_fail("fork");
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (cg_enter_current(mig_self->share_cg) || send_byte(fd[1]))
			_exit(1);
		for (;;)
			pause();
	}
	close(fd[1]);
	ret = wait_byte(fd[0]);
	close(fd[0]);
	mig_self->sharer = pid;
	if (ret) {
		errno = ESRCH;
		return mig_fail("the sharer did not enter its cgroup");
	}
	return 0;
}

/* Register region @r with io_uring: pinned until the process exits. */
static int mig_pin(int r)
{
	struct iovec iov = {
		.iov_base = mig_self->r[r].addr,
		.iov_len = mig_self->r[r].npages * page_size,
	};
	struct io_uring_params params;
	int fd;

	memset(&params, 0, sizeof(params));
	fd = syscall(__NR_io_uring_setup, 1, &params);
	if (fd < 0) {
		mig_self->pin_errno = errno;
		return 0;
	}
	if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_BUFFERS, &iov,
		    1))
		return mig_fail("IORING_REGISTER_BUFFERS");
	return 0;
}

static int mig_setup(void)
{
	bool shared = false;
	int r;

	if (mig_self->pin &&
	    sched_setaffinity(0, sizeof(mig_self->cpus), &mig_self->cpus))
		return mig_fail("sched_setaffinity");
	if (mig_self->own_mode >= 0 &&
	    sys_set_mempolicy(mig_self->own_mode, mig_self->own_mask,
			      MASK_MAXNODE))
		return mig_fail("set_mempolicy");
	/* what the sharer shares first, then the rest, its own */
	for (r = 0; r < mig_self->nr_regions; r++) {
		if (mig_self->r[r].kind != MR_SHARED)
			continue;
		if (mig_map(r))
			return 1;
		shared = true;
	}
	if (shared && mig_fork_sharer())
		return 1;
	for (r = 0; r < mig_self->nr_regions; r++)
		if (mig_self->r[r].kind != MR_SHARED && mig_map(r))
			return 1;
	for (r = 0; r < mig_self->nr_regions; r++)
		if (mig_self->r[r].kind == MR_PINNED && mig_pin(r))
			return 1;
	return 0;
}

static int child_mig(struct mig_ctl *ctl)
{
	bool running = false;
	int seq, done, r;
	pthread_t hammer;

	mig_self = ctl;
	if (mig_setup())
		return 1;
	done = MC_SETUP;
	fb_set(&ctl->ack, done);
	for (;;) {
		seq = fb_get(&ctl->seq);
		if (seq == done) {
			usleep(1000);
			continue;
		}
		switch (ctl->cmd) {
		case MC_DROP_POLICY:
			if (sys_set_mempolicy(MPOL_DEFAULT, NULL, 0))
				return mig_fail("set_mempolicy(MPOL_DEFAULT)");
			break;
		case MC_HAMMER_START:
			fb_set(&ctl->stop, 0);
			errno = pthread_create(&hammer, NULL, mig_hammer, NULL);
			if (errno)
				return mig_fail("pthread_create");
			running = true;
			break;
		case MC_HAMMER_STOP:
			fb_set(&ctl->stop, 1);
			if (running && pthread_join(hammer, NULL))
				return mig_fail("pthread_join");
			running = false;
			if (ctl->bad) {
				fb_set(&ctl->ack, -1);
				return 1;
			}
			break;
		case MC_VERIFY:
			for (r = 0; r < ctl->nr_regions; r++) {
				if (mig_verify(r)) {
					fb_set(&ctl->ack, -1);
					return 1;
				}
			}
			break;
		}
		done = seq;
		fb_set(&ctl->ack, done);
	}
}

static struct mig_ctl *mig_alloc(void)
{
	struct mig_ctl *ctl;

	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ctl == MAP_FAILED) {
		ksft_perror("mmap");
		return NULL;
	}
	memset(ctl, 0, sizeof(*ctl));
	ctl->own_mode = -1;
	ctl->pid = -1;
	ctl->sharer = -1;
	return ctl;
}

static void mig_add(struct mig_ctl *ctl, int kind, long npages)
{
	ctl->r[ctl->nr_regions].kind = kind;
	ctl->r[ctl->nr_regions++].npages = npages;
}

/* Let the child run on the CPUs of @node if it has any; true if so. */
static bool mig_pin_to(struct mig_ctl *ctl, int node)
{
	ctl->pin = node_cpus(node, &ctl->cpus) > 0;
	return ctl->pin;
}

/* Wait for the child to finish request @seq. */
static int mig_wait_ack(struct mig_ctl *ctl, int seq, const char *what)
{
	long start = now_ms();
	int ack, status;

	if (ctl->pid < 0)
		return -1;
	for (;;) {
		ack = fb_get(&ctl->ack);
		if (ack == seq)
			return 0;
		if (ack < 0) {
			ksft_print_msg("child %d, %s: %s\n", ctl->pid, what,
				       ctl->failed);
			return -1;
		}
		if (waitpid(ctl->pid, &status, WNOHANG) == ctl->pid) {
			ksft_print_msg("child %d died (status %#x), %s: %s\n",
				       ctl->pid, status, what,
				       ctl->failed[0] ? ctl->failed : "?");
			ctl->pid = -1;
			return -1;
		}
		if (now_ms() - start > MIG_WAIT_MS) {
			ksft_print_msg("child %d, %s: no answer within %d s\n",
				       ctl->pid, what, MIG_WAIT_MS / 1000);
			return -1;
		}
		usleep(1000);
	}
}

/* Start a child_mig() process in @cg and wait for its setup. */
static int mig_start(const char *cg, struct mig_ctl *ctl)
{
	pid_t pid;

	ctl->seq = MC_SETUP;
	pid = fork();
	if (pid < 0) {
		ksft_perror("fork");
		return -1;
	}
	if (!pid) {
		if (cg_enter_current(cg)) {
			snprintf(ctl->failed, sizeof(ctl->failed),
				 "cannot enter %s", cg);
			fb_set(&ctl->ack, -1);
			_exit(1);
		}
		_exit(child_mig(ctl));
	}
	ctl->pid = pid;
	return mig_wait_ack(ctl, MC_SETUP, "setting up");
}

static int mig_cmd(struct mig_ctl *ctl, int cmd, const char *what)
{
	int seq = ctl->seq + 1;

	ctl->cmd = cmd;
	fb_set(&ctl->seq, seq);
	return mig_wait_ack(ctl, seq, what);
}

/* Kill the child; its sharer dies with it (PR_SET_PDEATHSIG). */
static void mig_end(struct mig_ctl *ctl)
{
	if (!ctl)
		return;
	kill_child(ctl->pid);
	munmap(ctl, sizeof(*ctl));
}

/*
 * Count region @r of the child as process @pid (the child or its sharer)
 * maps it, per node; the node of every page goes to @status if given.
 */
static int mig_count(struct mig_ctl *ctl, pid_t pid, int r,
		     struct placement *pl, int *status)
{
	if (!count_region_of(pid, ctl->r[r].addr, ctl->r[r].npages, pl,
			     status))
		return 0;
	ksft_print_msg("move_pages(%d) of region %d: %s\n", pid, r,
		       strerror(errno));
	return -1;
}

/* All pages of region @r of the child must be on @node. */
static int mig_on_node(struct mig_ctl *ctl, pid_t pid, int r,
		       const char *what, int node)
{
	struct placement pl;

	if (mig_count(ctl, pid, r, &pl, NULL))
		return -1;
	return check_on_node(what, &pl, node);
}

/*
 * The THPs of a region whose 4 KiB pages are on @status[]: a THP whose
 * pages are not all on one node counts as unknown.
 */
static void thp_placement(const int *status, long npages,
			  struct placement *pl)
{
	long i, j;

	memset(pl, 0, sizeof(*pl));
	pl->pages = npages / THP_PAGES;
	for (i = 0; i < pl->pages; i++) {
		const int *st = status + i * THP_PAGES;

		j = 1;
		while (j < THP_PAGES && st[j] == st[0])
			j++;
		if (j == THP_PAGES && st[0] >= 0 && st[0] < MAX_NODES)
			pl->nodes[st[0]]++;
		else
			pl->unknown++;
	}
}

/* How many of @n pages are on another node in @b than in @a */
static long nr_changed(const int *a, const int *b, long n)
{
	long i, c = 0;

	for (i = 0; i < n; i++)
		c += a[i] != b[i];
	return c;
}

/* AnonHugePages of the VMAs of @pid in [@addr, @addr + @len), in kB */
static long region_huge_kb(pid_t pid, const char *addr, long len)
{
	unsigned long start, end, a = (unsigned long)addr;
	char path[64], line[512];
	bool in = false;
	long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start < a + len && end > a;
		else if (in && !strncmp(line, "AnonHugePages:", 14))
			kb += strtol(line + 14, NULL, 10);
	}
	fclose(f);
	return kb;
}

/*
 * One pass over region 0 of a child_mig() process: mig_step_begin()
 * records where its pages are and starts the hammer, the test makes the
 * write that starts the pass, mig_step_end() waits for it and checks.
 */
struct mig_step {
	struct pass_wait w;
	long npages;
	bool thp;
	int *before;
	int *after;
	struct placement pl;
};

static int mig_step_init(struct mig_step *s, long npages, bool thp)
{
	memset(s, 0, sizeof(*s));
	s->w.fd = -1;
	s->npages = npages;
	s->thp = thp;
	s->before = calloc(npages, sizeof(int));
	s->after = calloc(npages, sizeof(int));
	return s->before && s->after ? 0 : -1;
}

static void mig_step_free(struct mig_step *s)
{
	pass_release(&s->w);
	free(s->before);
	free(s->after);
	s->before = NULL;
	s->after = NULL;
}

static int mig_step_begin(struct mig_ctl *ctl, const char *cg,
			  struct mig_step *s)
{
	if (mig_count(ctl, ctl->pid, 0, &s->pl, s->before) ||
	    mig_cmd(ctl, MC_HAMMER_START, "starting the hammer"))
		return -1;
	return pass_prepare(&s->w, cg);
}

/*
 * After the pass: the contents are intact, region 0 is placed by @weights
 * over @nodes (in THPs for a THP region, which must still be huge), and
 * mpol.stat counts at least the pages that changed node as moved.
 */
static int mig_step_check(struct mig_ctl *ctl, struct mig_step *s,
			  const char *what, int nr, const int *nodes,
			  const int *weights)
{
	long moved, want_kb = s->npages * (page_size / 1024), huge;

	if (mig_cmd(ctl, MC_HAMMER_STOP, "stopping the hammer") ||
	    mig_cmd(ctl, MC_VERIFY, "checking the contents") ||
	    mig_count(ctl, ctl->pid, 0, &s->pl, s->after))
		return -1;
	if (s->thp)
		thp_placement(s->after, s->npages, &s->pl);
	if (check_placement(what, &s->pl, nr, nodes, weights)) {
		print_free(nr, nodes);
		print_mig_stat(s->w.cg, "after", &s->w.now);
		return -1;
	}
	if (s->thp) {
		huge = region_huge_kb(ctl->pid, ctl->r[0].addr,
				      s->npages * page_size);
		if (huge != want_kb) {
			ksft_print_msg("%s: AnonHugePages %ld kB, was %ld kB: THPs split\n",
				       what, huge, want_kb);
			print_free(nr, nodes);
			print_buddyinfo();
			return -1;
		}
	}
	moved = nr_changed(s->before, s->after, s->npages);
	ksft_print_msg("%s: %ld pages moved, %ld ms; scanned %ld moved %ld failed %ld\n",
		       what, moved, now_ms() - s->w.start,
		       mig_delta(&s->w, MSTAT_SCANNED), mig_delta(&s->w, MSTAT_MOVED),
		       mig_delta(&s->w, MSTAT_FAILED));
	if (!moved || mig_delta(&s->w, MSTAT_MOVED) < moved ||
	    mig_delta(&s->w, MSTAT_SCANNED) < s->npages) {
		ksft_print_msg("%s: want >= %ld scanned, >= %ld moved (> 0)\n",
			       what, s->npages, moved);
		print_mig_stat(s->w.cg, "before", &s->w.before);
		print_mig_stat(s->w.cg, "after", &s->w.now);
		return -1;
	}
	return 0;
}

static int mig_step_end(struct mig_ctl *ctl, struct mig_step *s,
			const char *what, int nr, const int *nodes,
			const int *weights)
{
	if (pass_wait(&s->w))
		return -1;
	return mig_step_check(ctl, s, what, nr, nodes, weights);
}

struct mig_value {
	const char *in;
	const char *own;		/* read back */
	const char *eff;		/* effective, under a parent that is off */
};

static const struct mig_value mig_values[] = {
	{ "off", "off\n", "off\n" },
	{ "on", "on\n", "on 32M\n" },
	{ "on 64M", "on 64M\n", "on 64M\n" },
	{ "on 4096", "on 4K\n", "on 4K\n" },
	{ "on 1G", "on 1G\n", "on 1G\n" },
	{ "on 1048576", "on 1M\n", "on 1M\n" },
	{ "on 4K", "on 4K\n", "on 4K\n" },		/* the limits */
	{ "on 64G", "on 64G\n", "on 64G\n" },
	{ "on 68719476736", "on 64G\n", "on 64G\n" },
	{ "on 65536M", "on 64G\n", "on 64G\n" },	/* the largest suffix */
	{ "on 2048M", "on 2G\n", "on 2G\n" },
	{ "on 1536K", "on 1536K\n", "on 1536K\n" },
	{ "on 4097", "on 4097\n", "on 4097\n" },	/* no suffix divides */
	{ "on 8M\n", "on 8M\n", "on 8M\n" },		/* as echo writes */
	{ "off\n", "off\n", "off\n" },
	{ "inherit\n", "inherit\n", "off\n" },
	{ "on\n", "on\n", "on 32M\n" },
	{ "inherit", "inherit\n", "off\n" },
};

static const struct bad_write bad_migrate[] = {
	BAD("on x", E_INVAL),
	BAD("on 64M extra", E_INVAL),
	BAD("off 5", E_INVAL),
	BAD("inherit 1", E_INVAL),
	BAD("onn", E_INVAL),
	BAD("on K", E_INVAL),			/* no number */
	BAD("on M", E_INVAL),
	BAD("on 8X", E_INVAL),
	BAD("on 1.5M", E_INVAL),
	BAD("on 64MB", E_INVAL),
	BAD("on 8M 8M", E_INVAL),
	BAD("on 8M\noff", E_INVAL),
	BAD("on:8M", E_INVAL),
	BAD("on=8M", E_INVAL),
	BAD("8M", E_INVAL),
	BAD("4096", E_INVAL),
	BAD("ON", E_INVAL),
	BAD("Off", E_INVAL),
	BAD("o", E_INVAL),
	BAD("of", E_INVAL),
	BAD("offf", E_INVAL),
	BAD("inherits", E_INVAL),
	BAD("local", E_INVAL),
	BAD("pass 1", E_INVAL),
	BAD("passes", E_INVAL),
	BAD("on pass", E_INVAL),
	BAD("on -4096", E_INVAL | E_RANGE),
	BAD("on 0", E_RANGE),
	BAD("on 0K", E_RANGE),
	BAD("on 1", E_RANGE),
	BAD("on 4095", E_RANGE),
	BAD("on 1K", E_RANGE),
	BAD("on 3K", E_RANGE),
	BAD("on 65G", E_RANGE),
	BAD("on 65537M", E_RANGE),
	BAD("on 68719476737", E_RANGE),
	BAD("on 1T", E_RANGE | E_INVAL),	/* memparse knows T */
	BAD("on 99999999999999999999", E_RANGE | E_INVAL),
	BAD_NUL("\0", E_INVAL),
	BAD_NUL("off\0", E_INVAL),
	BAD_NUL("on\0 8M", E_INVAL),
};

/* The migrate files of a cgroup and of a related one */
struct mig_files {
	char own[64];
	char eff[64];
	char other_own[64];
	char other_eff[64];
};

static int read_mig_files(const char *cg, const char *other,
			  struct mig_files *f)
{
	if (cg_read(cg, "mpol.migrate", f->own, sizeof(f->own)) ||
	    cg_read(cg, "mpol.migrate.effective", f->eff, sizeof(f->eff)) ||
	    cg_read(other, "mpol.migrate", f->other_own,
		    sizeof(f->other_own)) ||
	    cg_read(other, "mpol.migrate.effective", f->other_eff,
		    sizeof(f->other_eff))) {
		ksft_print_msg("cannot read mpol.migrate of %s or %s\n", cg,
			       other);
		return -1;
	}
	return 0;
}

static bool mig_files_equal(const struct mig_files *a,
			    const struct mig_files *b)
{
	return !strcmp(a->own, b->own) && !strcmp(a->eff, b->eff) &&
	       !strcmp(a->other_own, b->other_own) &&
	       !strcmp(a->other_eff, b->other_eff);
}

/*
 * Every write of bad_migrate[] to @cg fails with its errno and changes
 * neither @cg's migrate files nor those of @other (its parent or child).
 */
static int check_bad_migrate(const char *cg, const char *other)
{
	struct mig_files before, after;
	char e[256];
	int fails = 0;
	size_t i, len;
	ssize_t ret;

	if (read_mig_files(cg, other, &before))
		return -1;
	for (i = 0; i < ARRAY_SIZE(bad_migrate); i++) {
		const struct bad_write *b = &bad_migrate[i];

		len = b->len > 0 ? (size_t)b->len : strlen(b->str);
		ret = cg_write_raw(cg, "mpol.migrate", b->str, len);
		if (ret >= 0 || !(errno_class(-ret) & b->err)) {
			ksft_print_msg("writing \"%s\" to %s/mpol.migrate: %s\n",
				       esc(b->str, len, e, sizeof(e)), cg,
				       ret >= 0 ? "accepted" : strerror(-ret));
			fails++;
		}
		if (read_mig_files(cg, other, &after))
			return -1;
		if (!mig_files_equal(&before, &after)) {
			ksft_print_msg("\"%s\" to %s/mpol.migrate changed it: \"%s\", \"%s\"\n",
				       esc(b->str, len, e, sizeof(e)), cg,
				       after.own, after.eff);
			fails++;
			cg_write_raw(cg, "mpol.migrate", before.own,
				     strlen(before.own));
		}
	}
	if (fails)
		ksft_print_msg("%s: %d bad writes to mpol.migrate not refused properly\n",
			       cg, fails);
	return fails ? -1 : 0;
}

/* A new cgroup's mpol.stat: all keys, in order, all 0 */
static int expect_mig_stat_zero(const char *cg)
{
	char exp[1024];
	int i, off = 0;

	for (i = 0; i < NR_MSTAT; i++)
		off += snprintf(exp + off, sizeof(exp) - off, "%s 0\n",
				mig_keys[i]);
	return cg_expect(cg, "mpol.stat", exp);
}

/*
 * mpol.migrate: the defaults, every valid form and how it reads back,
 * the effective value down two levels, and the refused writes, which
 * change nothing; mpol.stat has its keys.
 */
static int test_mpol_migrate_parse(const char *root)
{
	static const char * const not_on_root[] = {
		"mpol.migrate", "mpol.stat",
	};
	struct mig_stat st;
	char path[PATH_MAX];
	int ret = KSFT_FAIL;
	char *p, *c = NULL;
	size_t i;

	if (need_migrate(root))
		return KSFT_SKIP;

	for (i = 0; i < ARRAY_SIZE(not_on_root); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, not_on_root[i]);
		if (!access(path, F_OK) || errno != ENOENT) {
			ksft_print_msg("%s: exists on the root\n", path);
			return KSFT_FAIL;
		}
	}
	if (cg_expect(root, "mpol.migrate.effective", "off\n"))
		return KSFT_FAIL;

	p = cg_name(root, "mpol_test_migrate_parse");
	c = p ? cg_name(p, "c") : NULL;
	if (!c || cg_create(p))
		goto cleanup;
	/* before any write: no pass has run anywhere here */
	if (expect_mig_stat_zero(p))
		goto cleanup;
	if (cg_write(p, "cgroup.subtree_control", "+mpol") || cg_create(c))
		goto cleanup;
	if (expect_mig_stat_zero(c))
		goto cleanup;
	if (cg_expect(p, "mpol.migrate", "inherit\n") ||
	    cg_expect(p, "mpol.migrate.effective", "off\n") ||
	    cg_expect(c, "mpol.migrate", "inherit\n") ||
	    cg_expect(c, "mpol.migrate.effective", "off\n"))
		goto cleanup;

	for (i = 0; i < ARRAY_SIZE(mig_values); i++) {
		const struct mig_value *v = &mig_values[i];

		if (set_migrate(p, v->in, v->own, v->eff) ||
		    cg_expect(c, "mpol.migrate", "inherit\n") ||
		    cg_expect(c, "mpol.migrate.effective", v->eff))
			goto cleanup;
	}

	/* two levels */
	if (set_migrate(p, "on 8M", "on 8M\n", "on 8M\n") ||
	    cg_expect(c, "mpol.migrate.effective", "on 8M\n") ||
	    set_migrate(c, "off", "off\n", "off\n") ||
	    set_migrate(c, "on", "on\n", "on 32M\n") ||
	    set_migrate(c, "on 1G", "on 1G\n", "on 1G\n") ||
	    set_migrate(c, "inherit", "inherit\n", "on 8M\n"))
		goto cleanup;
	/* a change in the parent reaches the child that inherits */
	if (set_migrate(p, "on 16M", "on 16M\n", "on 16M\n") ||
	    cg_expect(c, "mpol.migrate.effective", "on 16M\n") ||
	    set_migrate(p, "on", "on\n", "on 32M\n") ||
	    cg_expect(c, "mpol.migrate.effective", "on 32M\n") ||
	    set_migrate(p, "off", "off\n", "off\n") ||
	    cg_expect(c, "mpol.migrate.effective", "off\n") ||
	    set_migrate(c, "on 4K", "on 4K\n", "on 4K\n") ||
	    set_migrate(p, "inherit", "inherit\n", "off\n") ||
	    cg_expect(c, "mpol.migrate.effective", "on 4K\n") ||
	    set_migrate(c, "inherit", "inherit\n", "off\n"))
		goto cleanup;

	/* "pass" and an empty write change no setting */
	if (set_migrate(p, "on 8M", "on 8M\n", "on 8M\n") ||
	    set_migrate(p, "pass", "on 8M\n", "on 8M\n") ||
	    set_migrate(p, "pass\n", "on 8M\n", "on 8M\n") ||
	    set_migrate(c, "pass", "inherit\n", "on 8M\n"))
		goto cleanup;
	if (cg_write_raw(p, "mpol.migrate", "", 0) != 0) {
		ksft_print_msg("an empty write to mpol.migrate failed\n");
		goto cleanup;
	}
	if (cg_expect(p, "mpol.migrate", "on 8M\n") ||
	    cg_expect(c, "mpol.migrate.effective", "on 8M\n"))
		goto cleanup;

	/* refused writes, to a cgroup that is on and to its child */
	if (check_bad_migrate(p, c))
		goto cleanup;
	if (set_migrate(c, "off", "off\n", "off\n") || check_bad_migrate(c, p))
		goto cleanup;

	if (read_check_mig_stat(p, &st) || read_check_mig_stat(c, &st))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(c);
	cg_destroy(p);
	free(c);
	free(p);
	return ret;
}

/*
 * A child faults 64 MiB under the default policy, on its CPU's node.
 * Weighted interleave over 4 nodes and its weights are set while
 * migration is off; turning migration on starts the one pass that must
 * place every page by the weights.  Then new weights in one write, then
 * a move to a cgroup with other weights: each one pass, each exact
 * within one weight cycle.  The hammer runs during each pass.
 */
static int migrate_wi_run(const char *root, bool thp)
{
	static const int w_a[4] = { 3, 1, 1, 1 }, w_a2[4] = { 1, 1, 3, 3 };
	static const int w_b[4] = { 2, 2, 1, 1 };
	long want_kb = MIG_PAGES * (page_size / 1024), huge;
	const int *nodes = mem_nodes;
	struct mig_ctl *ctl = NULL;
	char *a = NULL, *b = NULL;
	int ret = KSFT_FAIL;
	struct mig_step s;

	if (need_nodes(4) || need_migrate(root) ||
	    need_free(4, nodes, 2 * want_kb))
		return KSFT_SKIP;
	if (thp && !thp_usable()) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "transparent huge pages are not available");
		return KSFT_SKIP;
	}

	nb_off();
	ctl = mig_alloc();
	a = cg_name(root, thp ? "mpol_test_migrate_thp_a" :
			  "mpol_test_migrate_4k_a");
	b = cg_name(root, thp ? "mpol_test_migrate_thp_b" :
			  "mpol_test_migrate_4k_b");
	if (mig_step_init(&s, MIG_PAGES, thp) || !ctl || !a || !b ||
	    cg_create(a) || cg_create(b))
		goto cleanup;
	mig_pin_to(ctl, nodes[0]);
	mig_add(ctl, thp ? MR_THP : MR_PLAIN, MIG_PAGES);
	/* room for the huge pages */
	if (thp)
		write_text("/proc/sys/vm/compact_memory", "1", 1);
	if (mig_start(a, ctl))
		goto cleanup;
	if (thp) {
		huge = region_huge_kb(ctl->pid, ctl->r[0].addr,
				      MIG_PAGES * page_size);
		if (huge != want_kb) {
			snprintf(skip_reason, sizeof(skip_reason),
				 "%ld of %ld kB faulted as THP", huge, want_kb);
			ret = KSFT_SKIP;
			goto cleanup;
		}
	}

	if (set_weights(a, 4, nodes, w_a) ||
	    set_policy(a, "weighted-interleave", 4, nodes) ||
	    cg_expect(a, "mpol.migrate", "inherit\n") ||
	    cg_expect(a, "mpol.migrate.effective", "off\n"))
		goto cleanup;
	if (mig_step_begin(ctl, a, &s) ||
	    set_migrate(a, MIG_FAST, MIG_FAST "\n", MIG_FAST "\n") ||
	    mig_step_end(ctl, &s, "migration on, 3:1:1:1", 4, nodes, w_a))
		goto cleanup;

	if (mig_step_begin(ctl, a, &s) ||
	    set_weights_once(a, 4, nodes, w_a2) ||
	    mig_step_end(ctl, &s, "weights 1:1:3:3", 4, nodes, w_a2))
		goto cleanup;

	/* B: its policy, its weights, migration on (a pass on nothing) */
	if (set_weights(b, 4, nodes, w_b) ||
	    set_policy(b, "weighted-interleave", 4, nodes) ||
	    migrate_on(b, MIG_FAST))
		goto cleanup;
	if (mig_step_begin(ctl, b, &s))
		goto cleanup;
	if (cg_enter(b, ctl->pid)) {
		ksft_print_msg("cannot move %d to %s\n", ctl->pid, b);
		goto cleanup;
	}
	if (mig_step_end(ctl, &s, "moved to B, 2:2:1:1", 4, nodes, w_b))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	mig_end(ctl);
	mig_step_free(&s);
	cg_destroy(b);
	cg_destroy(a);
	free(b);
	free(a);
	nb_restore();
	return ret;
}

static int test_mpol_migrate_wi_4k(const char *root)
{
	return migrate_wi_run(root, false);
}

static int test_mpol_migrate_wi_thp(const char *root)
{
	return migrate_wi_run(root, true);
}

/*
 * After a pass: region 0 of @ctl is intact and on the nodes of @set, on
 * @near alone if it is a node; with @stay, every page where it was and
 * counted as placed, else the pages that changed node counted as moved.
 * @st holds the nodes of the pages before and gets them after.
 */
static int mig_check_set(struct mig_ctl *ctl, const struct pass_wait *w,
			 const char *what, int nr, const int *set, int near,
			 bool stay, int *st, int *now)
{
	long in = 0, moved, npages = ctl->r[0].npages;
	char got[1024], want[256];
	struct placement pl;
	int i;

	if (mig_cmd(ctl, MC_VERIFY, "checking the contents") ||
	    mig_count(ctl, ctl->pid, 0, &pl, now))
		return -1;
	for (i = 0; i < nr; i++)
		in += pl.nodes[set[i]];
	if (in != npages || (near >= 0 && pl.nodes[near] != npages)) {
		if (near >= 0)
			snprintf(want, sizeof(want), "%d", near);
		else
			fmt_nodes(want, sizeof(want), nr, set);
		ksft_print_msg("%s: pages on%s, expected all on node(s) %s\n",
			       what, fmt_placement(got, sizeof(got), &pl), want);
		print_free(nr, set);
		print_mig_stat(w->cg, "after", &w->now);
		return -1;
	}
	moved = nr_changed(st, now, npages);
	if (stay ? moved || mig_delta(w, MSTAT_PLACED) < npages :
		   mig_delta(w, MSTAT_MOVED) < moved ||
		   mig_delta(w, MSTAT_SCANNED) < npages) {
		ksft_print_msg("%s: %ld of %ld pages changed node, expected %s\n",
			       what, moved, npages,
			       stay ? "none, counted as placed" :
			       "them counted as moved");
		print_mig_stat(w->cg, "before", &w->before);
		print_mig_stat(w->cg, "after", &w->now);
		return -1;
	}
	memcpy(st, now, npages * sizeof(*st));
	return 0;
}

/*
 * bind, preferred, preferred-many: the pages outside the node set move to
 * the node of the set nearest to the task's CPU, the preferred node gets
 * them all, and pages inside the set stay.
 */
static int test_mpol_migrate_bind(const char *root)
{
	const int n0 = mem_nodes[0], n3 = mem_nodes[3];
	const int set12[2] = { mem_nodes[1], mem_nodes[2] };
	const int set123[3] = { mem_nodes[1], mem_nodes[2], mem_nodes[3] };
	const long npages = 4096;
	int *st = NULL, *now = NULL;
	struct mig_ctl *ctl = NULL;
	int ret = KSFT_FAIL, near;
	struct placement pl;
	struct pass_wait w;
	char *cg = NULL;

	if (need_nodes(4) || need_migrate(root) ||
	    need_free(4, mem_nodes, 4 * npages * (page_size / 1024)))
		return KSFT_SKIP;

	nb_off();
	w.fd = -1;
	ctl = mig_alloc();
	cg = cg_name(root, "mpol_test_migrate_bind");
	st = calloc(npages, sizeof(*st));
	now = calloc(npages, sizeof(*now));
	if (!ctl || !cg || !st || !now || cg_create(cg))
		goto cleanup;
	/* the CPU decides which node of a set is nearest */
	near = mig_pin_to(ctl, n0) ? nearest_node(n0, 2, set12) : -1;
	if (near >= 0)
		ksft_print_msg("bind: the pages go to node %d, the nearest of %d,%d to node %d\n",
			       near, set12[0], set12[1], n0);
	mig_add(ctl, MR_PLAIN, npages);
	if (set_policy(cg, "bind", 1, &n0) || mig_start(cg, ctl) ||
	    mig_count(ctl, ctl->pid, 0, &pl, st) ||
	    check_on_node("faulted under bind", &pl, n0))
		goto cleanup;

	if (set_policy(cg, "bind", 2, set12) || pass_prepare(&w, cg) ||
	    set_migrate(cg, MIG_FAST, MIG_FAST "\n", MIG_FAST "\n") ||
	    pass_wait(&w) ||
	    mig_check_set(ctl, &w, "bind", 2, set12, near, false, st, now))
		goto cleanup;
	if (pass_prepare(&w, cg) || set_policy(cg, "preferred", 1, &n3) ||
	    pass_wait(&w) ||
	    mig_check_set(ctl, &w, "preferred", 1, &n3, n3, false, st, now))
		goto cleanup;
	if (pass_prepare(&w, cg) ||
	    set_policy(cg, "preferred-many", 2, set12) || pass_wait(&w) ||
	    mig_check_set(ctl, &w, "preferred-many", 2, set12, near, false,
			  st, now))
		goto cleanup;
	/* a wider set: every page is in it already */
	if (pass_prepare(&w, cg) || set_policy(cg, "bind", 3, set123) ||
	    pass_wait(&w) ||
	    mig_check_set(ctl, &w, "bind, pages in the set", 3, set123, -1,
			  true, st, now))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	pass_release(&w);
	mig_end(ctl);
	cg_destroy(cg);
	free(cg);
	free(now);
	free(st);
	nb_restore();
	return ret;
}

/* After a pass that must leave region 0 alone: intact, nothing moved. */
static int mig_unmoved(struct mig_ctl *ctl, const struct pass_wait *w,
		       const char *what, const int *st, int *now)
{
	long moved, npages = ctl->r[0].npages;
	struct placement pl;

	if (mig_cmd(ctl, MC_VERIFY, "checking the contents") ||
	    mig_count(ctl, ctl->pid, 0, &pl, now))
		return -1;
	moved = nr_changed(st, now, npages);
	if (!moved && !mig_delta(w, MSTAT_SCANNED))
		return 0;
	ksft_print_msg("%s: %ld pages changed node, %ld scanned; expected none\n",
		       what, moved, mig_delta(w, MSTAT_SCANNED));
	print_mig_stat(w->cg, "after", &w->now);
	return -1;
}

/*
 * local and no policy at all: a pass starts and completes, scans nothing
 * and moves nothing, wherever the pages are.
 */
static int test_mpol_migrate_local_default(const char *root)
{
	static const int ones[4] = { 1, 1, 1, 1 };
	int nr = nr_mem_nodes < 4 ? nr_mem_nodes : 4;
	const long npages = 4096;
	int *st = NULL, *now = NULL;
	struct mig_ctl *ctl = NULL;
	struct placement pl;
	int ret = KSFT_FAIL, i;
	struct pass_wait w;
	struct mig_stat end;
	char *cg = NULL;

	if (need_nodes(2) || need_migrate(root))
		return KSFT_SKIP;

	nb_off();
	w.fd = -1;
	ctl = mig_alloc();
	cg = cg_name(root, "mpol_test_migrate_local");
	st = calloc(npages, sizeof(*st));
	now = calloc(npages, sizeof(*now));
	if (!ctl || !cg || !st || !now || cg_create(cg))
		goto cleanup;
	/* the pages on every node, not only where local would put them */
	mig_add(ctl, MR_PLAIN, npages);
	if (set_policy(cg, "interleave", nr, mem_nodes) ||
	    mig_start(cg, ctl) || mig_count(ctl, ctl->pid, 0, &pl, st) ||
	    check_placement("faulted under interleave", &pl, nr, mem_nodes,
			    ones))
		goto cleanup;

	if (set_policy(cg, "local", 0, NULL) || pass_prepare(&w, cg) ||
	    set_migrate(cg, MIG_FAST, MIG_FAST "\n", MIG_FAST "\n") ||
	    pass_wait(&w) ||
	    mig_unmoved(ctl, &w, "local, migration turned on", st, now))
		goto cleanup;
	if (pass_prepare(&w, cg) ||
	    set_migrate(cg, "pass", MIG_FAST "\n", MIG_FAST "\n") ||
	    pass_wait(&w) || mig_unmoved(ctl, &w, "local, pass", st, now))
		goto cleanup;
	/* no policy: the system default */
	if (pass_prepare(&w, cg) || cg_writef(cg, "mpol.policy", "inherit") ||
	    cg_expect(cg, "mpol.policy.effective", "local\n") ||
	    set_migrate(cg, "pass", MIG_FAST "\n", MIG_FAST "\n") ||
	    pass_wait(&w) || mig_unmoved(ctl, &w, "no policy, pass", st, now))
		goto cleanup;

	/* not one page examined in all of them */
	if (read_check_mig_stat(cg, &end))
		goto cleanup;
	for (i = MSTAT_SCANNED; i < NR_MSTAT; i++) {
		if (end.v[i]) {
			ksft_print_msg("%s is %ld, expected 0\n", mig_keys[i],
				       end.v[i]);
			goto cleanup;
		}
	}
	if (end.v[MSTAT_COMPLETED] < 3) {
		ksft_print_msg("%ld passes completed, expected 3 or more\n",
			       end.v[MSTAT_COMPLETED]);
		goto cleanup;
	}

	ret = KSFT_PASS;
cleanup:
	pass_release(&w);
	mig_end(ctl);
	cg_destroy(cg);
	free(cg);
	free(now);
	free(st);
	nb_restore();
	return ret;
}

/* Where the pages of one region of a child_mig() process are */
struct mig_snap {
	struct mig_ctl *ctl;
	pid_t pid;			/* the process that maps it */
	int r;
	const char *what;
	int *st;
};

static int mig_snap_take(struct mig_snap *sn, struct mig_ctl *ctl, pid_t pid,
			 int r, const char *what)
{
	struct placement pl;

	sn->ctl = ctl;
	sn->pid = pid;
	sn->r = r;
	sn->what = what;
	sn->st = calloc(ctl->r[r].npages, sizeof(int));
	if (!sn->st)
		return -1;
	return mig_count(ctl, pid, r, &pl, sn->st);
}

/* Every page of the region must be where mig_snap_take() found it. */
static int mig_snap_same(const struct mig_snap *sn)
{
	long npages = sn->ctl->r[sn->r].npages, moved;
	struct placement pl;
	char got[1024];
	int *now;

	now = calloc(npages, sizeof(*now));
	if (!now || mig_count(sn->ctl, sn->pid, sn->r, &pl, now)) {
		free(now);
		return -1;
	}
	moved = nr_changed(sn->st, now, npages);
	free(now);
	if (!moved)
		return 0;
	ksft_print_msg("%s: %ld of %ld pages changed node, now on%s\n",
		       sn->what, moved, npages,
		       fmt_placement(got, sizeof(got), &pl));
	return -1;
}

/*
 * What a pass leaves alone in a cgroup that migrates to weighted
 * interleave: a range under mbind(), a process with its own
 * set_mempolicy(), pages shared (fork) with a process in a cgroup that
 * does not migrate, and shmem; the plain pages of the same process move.
 * mpol.stat counts the first three as skipped.
 */
static int test_mpol_migrate_precedence(const char *root)
{
	static const int wt[4] = { 3, 1, 1, 1 };
	enum { X_PLAIN, X_MBIND, X_SHARED, X_SHMEM };
	enum { S_MBIND, S_SHARED, S_SHARER, S_SHMEM, S_OWN, NR_SNAPS };
	const long np = 3072, n = 1024;
	const int *nodes = mem_nodes, n0 = mem_nodes[0];
	struct mig_snap sn[NR_SNAPS] = { 0 };
	struct mig_ctl *x = NULL, *y = NULL;
	int *st = NULL, *now = NULL;
	char *c = NULL, *d = NULL;
	int ret = KSFT_FAIL, i;
	struct placement pl;
	struct mig_stat ds;
	struct pass_wait w;
	long moved;

	if (need_nodes(4) || need_migrate(root) ||
	    need_free(4, nodes, 8 * n * (page_size / 1024)))
		return KSFT_SKIP;

	nb_off();
	w.fd = -1;
	x = mig_alloc();
	y = mig_alloc();
	c = cg_name(root, "mpol_test_migrate_precedence");
	d = cg_name(root, "mpol_test_migrate_precedence_other");
	st = calloc(np, sizeof(*st));
	now = calloc(np, sizeof(*now));
	if (!x || !y || !c || !d || !st || !now || cg_create(c) ||
	    cg_create(d))
		goto cleanup;
	mig_add(x, MR_PLAIN, np);
	mig_add(x, MR_MBIND, n);
	mig_add(x, MR_SHARED, n);
	mig_add(x, MR_SHMEM, n);
	mask_set(x->vma_mask, n0);
	x->share_cg = d;
	y->own_mode = MPOL_BIND;
	mask_set(y->own_mask, n0);
	mig_add(y, MR_PLAIN, n);

	/* everything on n0 first */
	if (set_policy(c, "bind", 1, &n0) || mig_start(c, x) ||
	    mig_start(c, y) || mig_count(x, x->pid, X_PLAIN, &pl, st) ||
	    check_on_node("faulted under bind", &pl, n0))
		goto cleanup;
	if (mig_snap_take(&sn[S_MBIND], x, x->pid, X_MBIND,
			  "mbind(MPOL_BIND) range") ||
	    mig_snap_take(&sn[S_SHARED], x, x->pid, X_SHARED,
			  "shared with another cgroup") ||
	    mig_snap_take(&sn[S_SHARER], x, x->sharer, X_SHARED,
			  "the sharer's view") ||
	    mig_snap_take(&sn[S_SHMEM], x, x->pid, X_SHMEM, "shmem") ||
	    mig_snap_take(&sn[S_OWN], y, y->pid, 0, "own set_mempolicy()"))
		goto cleanup;

	if (set_weights(c, 4, nodes, wt) ||
	    set_policy(c, "weighted-interleave", 4, nodes) ||
	    pass_prepare(&w, c) ||
	    set_migrate(c, MIG_FAST, MIG_FAST "\n", MIG_FAST "\n") ||
	    pass_wait(&w))
		goto cleanup;
	if (mig_cmd(x, MC_VERIFY, "checking the contents") ||
	    mig_cmd(y, MC_VERIFY, "checking the contents") ||
	    mig_count(x, x->pid, X_PLAIN, &pl, now))
		goto cleanup;
	if (check_placement("plain pages", &pl, 4, nodes, wt)) {
		print_mig_stat(c, "after", &w.now);
		goto cleanup;
	}
	for (i = 0; i < NR_SNAPS; i++) {
		if (mig_snap_same(&sn[i])) {
			print_mig_stat(c, "after", &w.now);
			goto cleanup;
		}
	}
	moved = nr_changed(st, now, np);
	ksft_print_msg("%ld moved; scanned %ld moved %ld policy %ld shared %ld pinned %ld\n",
		       moved, mig_delta(&w, MSTAT_SCANNED),
		       mig_delta(&w, MSTAT_MOVED),
		       mig_delta(&w, MSTAT_SKIPPED_POLICY),
		       mig_delta(&w, MSTAT_SKIPPED_SHARED),
		       mig_delta(&w, MSTAT_SKIPPED_PINNED));
	if (!moved || mig_delta(&w, MSTAT_MOVED) < moved ||
	    mig_delta(&w, MSTAT_SKIPPED_POLICY) < 2 * n ||
	    mig_delta(&w, MSTAT_SKIPPED_SHARED) < n ||
	    mig_delta(&w, MSTAT_SCANNED) < np + 3 * n) {
		ksft_print_msg("want moved >= %ld, skipped_policy >= %ld\n",
			       moved, 2 * n);
		ksft_print_msg("want skipped_shared >= %ld, scanned >= %ld\n",
			       n, np + 3 * n);
		goto cleanup;
	}
	/* the sharer's cgroup does not migrate */
	if (read_check_mig_stat(d, &ds))
		goto cleanup;
	if (ds.v[MSTAT_STARTED]) {
		ksft_print_msg("%s: %ld passes, migration is off there\n", d,
			       ds.v[MSTAT_STARTED]);
		goto cleanup;
	}

	ret = KSFT_PASS;
cleanup:
	pass_release(&w);
	mig_end(y);
	mig_end(x);
	cg_destroy(d);
	cg_destroy(c);
	for (i = 0; i < NR_SNAPS; i++)
		free(sn[i].st);
	free(d);
	free(c);
	free(now);
	free(st);
	nb_restore();
	return ret;
}

/*
 * Pinned pages (an io_uring registered buffer) stay, and are counted as
 * skipped_pinned, one by one; the plain pages of the process move.
 */
static int test_mpol_migrate_pinned(const char *root)
{
	static const int wt[4] = { 3, 1, 1, 1 };
	const long np = 2048, n = 256;
	const int *nodes = mem_nodes, n0 = mem_nodes[0];
	int *st = NULL, *now = NULL;
	struct mig_ctl *x = NULL;
	int ret = KSFT_FAIL;
	struct placement pl;
	struct pass_wait w;
	char *c = NULL;
	long moved;

	if (need_nodes(4) || need_migrate(root) ||
	    need_free(4, nodes, 4 * np * (page_size / 1024)))
		return KSFT_SKIP;

	nb_off();
	w.fd = -1;
	x = mig_alloc();
	c = cg_name(root, "mpol_test_migrate_pinned");
	st = calloc(np, sizeof(*st));
	now = calloc(np, sizeof(*now));
	if (!x || !c || !st || !now || cg_create(c))
		goto cleanup;
	mig_add(x, MR_PLAIN, np);
	mig_add(x, MR_PINNED, n);
	if (set_policy(c, "bind", 1, &n0) || mig_start(c, x))
		goto cleanup;
	if (x->pin_errno) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "io_uring_setup(): %s (CONFIG_IO_URING)",
			 strerror(x->pin_errno));
		ret = KSFT_SKIP;
		goto cleanup;
	}
	if (mig_count(x, x->pid, 0, &pl, st) ||
	    check_on_node("faulted under bind", &pl, n0) ||
	    mig_on_node(x, x->pid, 1, "pinned, faulted under bind", n0))
		goto cleanup;

	if (set_weights(c, 4, nodes, wt) ||
	    set_policy(c, "weighted-interleave", 4, nodes) ||
	    pass_prepare(&w, c) ||
	    set_migrate(c, MIG_FAST, MIG_FAST "\n", MIG_FAST "\n") ||
	    pass_wait(&w))
		goto cleanup;
	if (mig_cmd(x, MC_VERIFY, "checking the contents") ||
	    mig_count(x, x->pid, 0, &pl, now) ||
	    check_placement("plain pages", &pl, 4, nodes, wt) ||
	    mig_on_node(x, x->pid, 1, "pinned pages", n0))
		goto cleanup;
	moved = nr_changed(st, now, np);
	if (!moved || mig_delta(&w, MSTAT_MOVED) < moved ||
	    mig_delta(&w, MSTAT_SKIPPED_PINNED) != n ||
	    mig_delta(&w, MSTAT_SKIPPED_POLICY)) {
		ksft_print_msg("expected: moved >= %ld, skipped_pinned %ld, skipped_policy 0\n",
			       moved, n);
		print_mig_stat(c, "before", &w.before);
		print_mig_stat(c, "after", &w.now);
		goto cleanup;
	}

	ret = KSFT_PASS;
cleanup:
	pass_release(&w);
	mig_end(x);
	cg_destroy(c);
	free(c);
	free(now);
	free(st);
	nb_restore();
	return ret;
}

/*
 * A change during a pass retargets it.  At "on 4M" (1024 pages a second)
 * the pass towards 3:1:1:1 has thousands of pages to move; new weights
 * abort it, and after the next pass (sped up to 1G while it runs) every
 * page is placed by the new weights.  Turning migration off aborts a
 * pass too.
 */
static int test_mpol_migrate_retarget(const char *root)
{
	static const int w1[4] = { 3, 1, 1, 1 }, w2[4] = { 1, 1, 3, 3 };
	long t0, left, elapsed, done, limit;
	const int *nodes = mem_nodes;
	struct mig_stat mid, before;
	struct mig_ctl *ctl = NULL;
	int ret = KSFT_FAIL;
	struct pass_wait w;
	struct mig_step s;
	char *cg = NULL;

	if (need_nodes(4) || need_migrate(root) ||
	    need_free(4, nodes, 2 * MIG_PAGES * (page_size / 1024)))
		return KSFT_SKIP;

	nb_off();
	w.fd = -1;
	ctl = mig_alloc();
	cg = cg_name(root, "mpol_test_migrate_retarget");
	if (mig_step_init(&s, MIG_PAGES, false) || !ctl || !cg ||
	    cg_create(cg))
		goto cleanup;
	mig_pin_to(ctl, nodes[0]);
	mig_add(ctl, MR_PLAIN, MIG_PAGES);
	if (mig_start(cg, ctl) || set_weights(cg, 4, nodes, w1) ||
	    set_policy(cg, "weighted-interleave", 4, nodes))
		goto cleanup;

	if (mig_step_begin(ctl, cg, &s))
		goto cleanup;
	t0 = now_ms();
	if (set_migrate(cg, "on 4M", "on 4M\n", "on 4M\n") ||
	    wait_started(cg, &s.w.before, &mid, 10000))
		goto cleanup;
	left = 500 - (now_ms() - t0);
	if (left > 0)
		usleep(left * 1000);
	if (read_check_mig_stat(cg, &mid))
		goto cleanup;
	elapsed = now_ms() - t0;
	done = mid.v[MSTAT_MOVED] + mid.v[MSTAT_FAILED] -
	       s.w.before.v[MSTAT_MOVED] - s.w.before.v[MSTAT_FAILED];
	/* one batch of 512 isolated pages ahead of the rate, and as much */
	limit = SLOW_PAGES_PS * elapsed / 1000 + 1024;
	ksft_print_msg("on 4M: %ld pages moved or failed in %ld ms\n", done,
		       elapsed);
	if (!mid.v[MSTAT_ACTIVE] || done > limit) {
		ksft_print_msg("the pass at 4M (%d pages/s) %s within %ld ms\n",
			       SLOW_PAGES_PS, mid.v[MSTAT_ACTIVE] ?
			       "went too fast" : "ended", elapsed);
		print_mig_stat(cg, "now", &mid);
		goto cleanup;
	}
	/* retarget; then faster, which the running pass takes up */
	if (pass_prepare(&w, cg) || set_weights_once(cg, 4, nodes, w2) ||
	    set_migrate(cg, MIG_FAST, MIG_FAST "\n", MIG_FAST "\n") ||
	    pass_wait(&w))
		goto cleanup;
	s.w.now = w.now;
	if (mig_delta(&s.w, MSTAT_ABORTED) < 1) {
		ksft_print_msg("new weights during a pass: no pass aborted\n");
		print_mig_stat(cg, "before", &s.w.before);
		print_mig_stat(cg, "after", &s.w.now);
		goto cleanup;
	}
	if (mig_step_check(ctl, &s, "retargeted to 1:1:3:3", 4, nodes, w2))
		goto cleanup;

	/* off aborts a pass */
	if (set_migrate(cg, "off", "off\n", "off\n") ||
	    set_weights_once(cg, 4, nodes, w1) ||
	    mig_cmd(ctl, MC_HAMMER_START, "starting the hammer") ||
	    read_check_mig_stat(cg, &before) ||
	    set_migrate(cg, "on 4M", "on 4M\n", "on 4M\n") ||
	    wait_started(cg, &before, &mid, 10000))
		goto cleanup;
	usleep(300 * 1000);
	if (set_migrate(cg, "off", "off\n", "off\n") ||
	    wait_idle(cg, &mid, 10000))
		goto cleanup;
	if (mid.v[MSTAT_ABORTED] <= before.v[MSTAT_ABORTED] ||
	    mid.v[MSTAT_COMPLETED] != before.v[MSTAT_COMPLETED]) {
		ksft_print_msg("migration turned off during a pass at 4M: it must abort it\n");
		print_mig_stat(cg, "before", &before);
		print_mig_stat(cg, "after", &mid);
		goto cleanup;
	}
	if (mig_cmd(ctl, MC_HAMMER_STOP, "stopping the hammer") ||
	    mig_cmd(ctl, MC_VERIFY, "checking the contents"))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	pass_release(&w);
	mig_end(ctl);
	mig_step_free(&s);
	cg_destroy(cg);
	free(cg);
	nb_restore();
	return ret;
}

/*
 * "pass": with migration off a policy change moves nothing, and "pass"
 * places the pages by it, leaving the setting alone; its end is notified.
 * "pass" in a parent reaches a child that migrates, and not a child that
 * does not.
 */
static int test_mpol_migrate_explicit(const char *root)
{
	static const int w_e[4] = { 3, 1, 1, 1 }, w_p[4] = { 1, 1, 3, 3 };
	struct mig_ctl *e = NULL, *q = NULL, *r = NULL;
	char *ce = NULL, *p = NULL, *cq = NULL, *cr = NULL;
	const int *nodes = mem_nodes, n0 = mem_nodes[0];
	const long npages = 4096;
	int ret = KSFT_FAIL;
	struct mig_stat st;
	struct pass_wait w;
	struct mig_step s;

	if (need_nodes(4) || need_migrate(root) ||
	    need_free(4, nodes, 8 * npages * (page_size / 1024)))
		return KSFT_SKIP;

	nb_off();
	w.fd = -1;
	e = mig_alloc();
	q = mig_alloc();
	r = mig_alloc();
	ce = cg_name(root, "mpol_test_migrate_explicit");
	p = cg_name(root, "mpol_test_migrate_explicit_p");
	cq = p ? cg_name(p, "q") : NULL;
	cr = p ? cg_name(p, "r") : NULL;
	if (mig_step_init(&s, npages, false) || !e || !q || !r || !ce ||
	    !cq || !cr || cg_create(ce))
		goto cleanup;

	/* migration off: the new policy moves nothing */
	mig_add(e, MR_PLAIN, npages);
	if (set_policy(ce, "bind", 1, &n0) || mig_start(ce, e) ||
	    set_weights(ce, 4, nodes, w_e) ||
	    set_policy(ce, "weighted-interleave", 4, nodes))
		goto cleanup;
	usleep(300 * 1000);
	if (read_check_mig_stat(ce, &st))
		goto cleanup;
	if (st.v[MSTAT_STARTED]) {
		ksft_print_msg("%ld passes with migration off\n",
			       st.v[MSTAT_STARTED]);
		goto cleanup;
	}
	if (mig_on_node(e, e->pid, 0, "migration off", n0))
		goto cleanup;
	if (mig_step_begin(e, ce, &s) ||
	    set_migrate(ce, "pass", "inherit\n", "off\n") ||
	    mig_step_end(e, &s, "pass, migration off", 4, nodes, w_e))
		goto cleanup;
	if (!s.w.notified) {
		ksft_print_msg("no IN_MODIFY of mpol.stat at the end of the pass\n");
		goto cleanup;
	}

	/*
	 * P's children Q (on) and R (off).  Their members fault on n0
	 * under a policy of their own, which Q's first pass skips, and then
	 * drop it: their pages are out of place and no pass is due.
	 */
	if (cg_create(p) || cg_write(p, "cgroup.subtree_control", "+mpol") ||
	    cg_create(cq) || cg_create(cr))
		goto cleanup;
	if (set_weights(p, 4, nodes, w_p) ||
	    set_policy(p, "weighted-interleave", 4, nodes))
		goto cleanup;
	q->own_mode = MPOL_BIND;
	mask_set(q->own_mask, n0);
	mig_add(q, MR_PLAIN, npages);
	r->own_mode = MPOL_BIND;
	mask_set(r->own_mask, n0);
	mig_add(r, MR_PLAIN, npages);
	if (mig_start(cq, q) || mig_start(cr, r))
		goto cleanup;
	if (pass_prepare(&w, cq) ||
	    set_migrate(cq, MIG_FAST, MIG_FAST "\n", MIG_FAST "\n") ||
	    pass_wait(&w))
		goto cleanup;
	if (mig_delta(&w, MSTAT_SKIPPED_POLICY) < npages) {
		ksft_print_msg("own policy: skipped_policy %ld, expected >= %ld\n",
			       mig_delta(&w, MSTAT_SKIPPED_POLICY), npages);
		goto cleanup;
	}
	if (mig_on_node(q, q->pid, 0, "own policy", n0) ||
	    mig_cmd(q, MC_DROP_POLICY, "dropping its policy") ||
	    mig_cmd(r, MC_DROP_POLICY, "dropping its policy"))
		goto cleanup;

	if (mig_step_begin(q, cq, &s) || pass_prepare(&w, p) ||
	    set_migrate(p, "pass", "inherit\n", "off\n") || pass_wait(&w) ||
	    mig_step_end(q, &s, "pass in the parent", 4, nodes, w_p))
		goto cleanup;
	if (cg_expect(cq, "mpol.migrate", MIG_FAST "\n") ||
	    cg_expect(cr, "mpol.migrate.effective", "off\n") ||
	    read_check_mig_stat(cr, &st))
		goto cleanup;
	if (st.v[MSTAT_STARTED]) {
		ksft_print_msg("%s: %ld passes, its migration is off\n", cr,
			       st.v[MSTAT_STARTED]);
		goto cleanup;
	}
	if (mig_on_node(r, r->pid, 0, "a child that does not migrate", n0))
		goto cleanup;

	ret = KSFT_PASS;
cleanup:
	pass_release(&w);
	mig_end(r);
	mig_end(q);
	mig_end(e);
	mig_step_free(&s);
	cg_destroy(cr);
	cg_destroy(cq);
	cg_destroy(p);
	cg_destroy(ce);
	free(cr);
	free(cq);
	free(p);
	free(ce);
	nb_restore();
	return ret;
}

/*
 * mpol.scope: "inherit" (the default), "all" or "anon".  With an
 * effective "anon" the cgroup's policy governs only the anonymous
 * private memory of its members (heap, anonymous mmap, thread stacks,
 * private copies of file pages); the main thread's stack, the page
 * cache, tmpfs and shared anonymous memory use the system default, the
 * node of the CPU.  A task's or a VMA's own policy is not affected, and
 * the cgroup weights apply to every weighted-interleave allocation.
 */
#define SC_PAGES	3072		/* 12 MiB: 512 cycles of 3:1:1:1 */
#define SC_STACK_PAGES	1024		/* 4 MiB of the main thread's stack */
#define SC_SMALL	1024
#define SC_NR		9		/* regions of a scope child */
/*
 * Page cache pages get their node from the task's interleave cursor
 * (no interleave index), which the slab and page table pages the task
 * allocates meanwhile advance too: a few pages of slack on top of a
 * weight cycle for those regions.
 */
#define SC_CURSOR_SLACK	16

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC	0x01021994
#endif
#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC	0x858458f6
#endif
#ifndef EXT4_SUPER_MAGIC
#define EXT4_SUPER_MAGIC 0xef53
#endif

static const char * const scope_not_on_root[] = { "mpol.scope" };

static int need_scope(const char *root)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/mpol.scope.effective", root);
	if (!access(path, F_OK))
		return 0;
	snprintf(skip_reason, sizeof(skip_reason),
		 "no mpol.scope.effective in %s: no mpol.scope", root);
	return -1;
}

/* Write @val to mpol.scope; it must read back as @own, effective @eff. */
static int set_scope(const char *cg, const char *val, const char *own,
		     const char *eff)
{
	if (cg_writef(cg, "mpol.scope", "%s", val))
		return -1;
	if (own && cg_expect(cg, "mpol.scope", own))
		return -1;
	if (eff && cg_expect(cg, "mpol.scope.effective", eff))
		return -1;
	return 0;
}

/* The scope files of three cgroups (parent, cgroup, child) */
static int expect_scopes(char * const *cgs, const char * const *own,
			 const char * const *eff)
{
	int i;

	for (i = 0; i < 3; i++)
		if (cg_expect(cgs[i], "mpol.scope", own[i]) ||
		    cg_expect(cgs[i], "mpol.scope.effective", eff[i]))
			return -1;
	return 0;
}

struct scope_value {
	const char *in;
	size_t len;			/* 0: strlen(in) */
	const char *own;
};

#define SV(s, o)	{ s, 0, o }

static const struct scope_value scope_values[] = {
	SV("anon", "anon\n"),
	SV("all", "all\n"),
	SV("inherit", "inherit\n"),
	SV("anon\n", "anon\n"),
	SV("all\n", "all\n"),
	SV("inherit\n", "inherit\n"),
	SV(" anon", "anon\n"),
	SV("\tall\t\n", "all\n"),
	SV("all\n\n", "all\n"),
	SV("  anon  \r\n\n", "anon\n"),
	SV("\n\ninherit\t", "inherit\n"),
	SV("\vanon\r\n", "anon\n"),
	SV("\fall\f", "all\n"),
	SV(" inherit \f", "inherit\n"),
};

static const struct bad_write bad_scopes[] = {
	BAD("\n", E_INVAL),
	BAD(" ", E_INVAL),
	BAD(" \t\n", E_INVAL),
	BAD("\n\n", E_INVAL),
	BAD("ANON", E_INVAL),
	BAD("Anon", E_INVAL),
	BAD("aNON", E_INVAL),
	BAD("ALL", E_INVAL),
	BAD("All", E_INVAL),
	BAD("INHERIT", E_INVAL),
	BAD("Inherit", E_INVAL),
	BAD("anon2", E_INVAL),
	BAD("anon-", E_INVAL),
	BAD("anon:", E_INVAL),
	BAD("anon:0", E_INVAL),
	BAD("anon=1", E_INVAL),
	BAD("all2", E_INVAL),
	BAD("alll", E_INVAL),
	BAD("inherits", E_INVAL),
	BAD("inheritx", E_INVAL),
	BAD("a", E_INVAL),
	BAD("an", E_INVAL),
	BAD("ano", E_INVAL),
	BAD("al", E_INVAL),
	BAD("inher", E_INVAL),
	BAD("anonymous", E_INVAL),
	BAD("anon_only", E_INVAL),
	BAD("file", E_INVAL),
	BAD("none", E_INVAL),
	BAD("local", E_INVAL),
	BAD("default", E_INVAL),
	BAD("off", E_INVAL),
	BAD("on", E_INVAL),
	BAD("0", E_INVAL),
	BAD("1", E_INVAL),
	BAD("an on", E_INVAL),
	BAD("a ll", E_INVAL),
	BAD("anon all", E_INVAL),
	BAD("all anon", E_INVAL),
	BAD("inherit x", E_INVAL),
	BAD("anon anon", E_INVAL),
	BAD("anon\tall", E_INVAL),
	BAD("anon\nall", E_INVAL),
	BAD("all\n\nanon", E_INVAL),
	BAD("anon\n\ninherit\n", E_INVAL),
	BAD("an\non", E_INVAL),
	BAD("anon,all", E_INVAL),
	BAD("bind:%d", E_INVAL),
	BAD("%d 3", E_INVAL),
	BAD("\240anon\241", E_INVAL),
	BAD("anon\xff", E_INVAL),
	BAD_NUL("\0", E_INVAL),
	BAD_NUL("\0anon", E_INVAL),
	BAD_NUL("anon\0", E_INVAL),
	BAD_NUL("an\0on", E_INVAL),
	BAD_NUL("all\0\n", E_INVAL),
	BAD_NUL("inherit\0x", E_INVAL),
	BAD_NUL("all\n\0", E_INVAL),
};

#define SC_FILES	10

static const char * const sc_file_names[SC_FILES] = {
	"mpol.policy", "mpol.policy.effective", "mpol.weights",
	"mpol.weights.effective", "mpol.scope", "mpol.scope.effective",
	"mpol.migrate", "mpol.migrate.effective", "mpol.events",
	"mpol.events.local",
};

/* Every mpol file of a cgroup and its parent and child, as read */
struct scope_files {
	int nr;
	int file[SC_FILES * 3];		/* cgroup * SC_FILES + file */
	char text[SC_FILES * 3][512];
};

static int read_scope_files(char * const *cgs, struct scope_files *f)
{
	const char * const *names = sc_file_names;
	char path[PATH_MAX];
	int i, j;

	f->nr = 0;
	for (i = 0; i < 3; i++) {
		for (j = 0; j < SC_FILES; j++) {
			char *t = f->text[f->nr];

			snprintf(path, sizeof(path), "%s/%s", cgs[i], names[j]);
			if (access(path, F_OK))
				continue;	/* no mpol.migrate */
			f->file[f->nr] = i * SC_FILES + j;
			if (cg_read(cgs[i], names[j], t, sizeof(f->text[0]))) {
				ksft_print_msg("cannot read %s\n", path);
				return -1;
			}
			f->nr++;
		}
	}
	return 0;
}

/* The first file that differs ("P/mpol.scope"), or NULL */
static const char *scope_files_diff(const struct scope_files *a,
				    const struct scope_files *b)
{
	static char buf[64];
	int i;

	if (a->nr != b->nr)
		return "the set of files";
	for (i = 0; i < a->nr; i++) {
		if (a->file[i] == b->file[i] && !strcmp(a->text[i], b->text[i]))
			continue;
		snprintf(buf, sizeof(buf), "%c/%s",
			 "PCG"[a->file[i] / SC_FILES],
			 sc_file_names[a->file[i] % SC_FILES]);
		return buf;
	}
	return NULL;
}

/*
 * Write @len bytes of @buf to @cgs[1]/mpol.scope, expecting one of the
 * errnos of @err, and no change in any mpol file of the three cgroups.
 */
static int scope_refused(char * const *cgs, const char *buf, size_t len,
			 int err, const struct scope_files *before,
			 struct scope_files *after)
{
	const char *diff;
	char e[256];
	ssize_t ret;

	ret = cg_write_raw(cgs[1], "mpol.scope", buf, len);
	if (ret >= 0 || !(errno_class(-ret) & err)) {
		ksft_print_msg("writing \"%s\" (%zu bytes) to %s/mpol.scope: %s\n",
			       esc(buf, len, e, sizeof(e)), len, cgs[1],
			       ret >= 0 ? "accepted" : strerror(-ret));
		/* back to the state the next writes expect */
		cg_write_raw(cgs[1], "mpol.scope", "anon", 4);
		return -1;
	}
	if (read_scope_files(cgs, after))
		return -1;
	diff = scope_files_diff(before, after);
	if (!diff)
		return 0;
	ksft_print_msg("refused write \"%s\" to mpol.scope changed %s\n",
		       esc(buf, len, e, sizeof(e)), diff);
	cg_write_raw(cgs[1], "mpol.scope", "anon", 4);
	return -1;
}

/*
 * mpol.scope: not on the root, whose mpol.scope.effective is "all";
 * "inherit" in a new cgroup; every valid form reads back normalized;
 * the effective value down three levels; refused writes fail with
 * EINVAL and change no mpol file of the cgroup, its parent or its child.
 */
static int test_mpol_scope_parse(const char *root)
{
	static const char * const inh[3] = {
		"inherit\n", "inherit\n", "inherit\n",
	};
	static const char * const alls[3] = { "all\n", "all\n", "all\n" };
	static const char * const anons[3] = {
		"anon\n", "anon\n", "anon\n",
	};
	struct scope_files *before = NULL, *after = NULL;
	char *cgs[3] = { NULL, NULL, NULL };
	char path[PATH_MAX], buf[256], *big = NULL;
	int ret = KSFT_FAIL, fails = 0, k;
	size_t i, len;

	if (need_scope(root))
		return KSFT_SKIP;

	for (i = 0; i < ARRAY_SIZE(scope_not_on_root); i++) {
		snprintf(path, sizeof(path), "%s/%s", root,
			 scope_not_on_root[i]);
		if (!access(path, F_OK) || errno != ENOENT) {
			ksft_print_msg("%s: exists on the root\n", path);
			return KSFT_FAIL;
		}
	}
	if (cg_expect(root, "mpol.scope.effective", "all\n"))
		return KSFT_FAIL;

	before = malloc(sizeof(*before));
	after = malloc(sizeof(*after));
	big = malloc(page_size + 1);
	cgs[0] = cg_name(root, "mpol_test_scope_parse");
	cgs[1] = cgs[0] ? cg_name(cgs[0], "c") : NULL;
	cgs[2] = cgs[1] ? cg_name(cgs[1], "g") : NULL;
	if (!before || !after || !big || !cgs[2] || cg_create(cgs[0]))
		goto cleanup;
	if (cg_write(cgs[0], "cgroup.subtree_control", "+mpol") ||
	    cg_create(cgs[1]) ||
	    cg_write(cgs[1], "cgroup.subtree_control", "+mpol") ||
	    cg_create(cgs[2]))
		goto cleanup;
	if (expect_scopes(cgs, inh, alls))
		goto cleanup;

	/* every valid form, in the middle cgroup; P and G see it */
	for (i = 0; i < ARRAY_SIZE(scope_values); i++) {
		const struct scope_value *v = &scope_values[i];
		const char *eff = strcmp(v->own, "inherit\n") ? v->own :
				  "all\n";
		const char *own[3] = { "inherit\n", v->own, "inherit\n" };
		const char *effs[3] = { "all\n", eff, eff };

		len = v->len ? v->len : strlen(v->in);
		if (cg_write_raw(cgs[1], "mpol.scope", v->in, len) !=
		    (ssize_t)len) {
			ksft_print_msg("writing \"%s\" to %s/mpol.scope failed\n",
				       esc(v->in, len, buf, sizeof(buf)),
				       cgs[1]);
			goto cleanup;
		}
		if (expect_scopes(cgs, own, effs))
			goto cleanup;
	}
	/* the longest write: "anon" and white space, page_size bytes */
	memset(big, ' ', page_size);
	memcpy(big + 7, "anon", 4);
	big[page_size - 1] = '\n';
	if (cg_write_raw(cgs[1], "mpol.scope", big, page_size) != page_size) {
		ksft_print_msg("writing \"anon\" padded to %ld bytes failed\n",
			       page_size);
		goto cleanup;
	}
	if (cg_expect(cgs[1], "mpol.scope", "anon\n") ||
	    cg_expect(cgs[2], "mpol.scope.effective", "anon\n"))
		goto cleanup;

	/* resolution through three levels */
	if (set_scope(cgs[1], "inherit", "inherit\n", "all\n") ||
	    set_scope(cgs[0], "anon", "anon\n", "anon\n") ||
	    expect_scopes(cgs, (const char * const []){ "anon\n",
			  "inherit\n", "inherit\n" }, anons))
		goto cleanup;
	if (set_scope(cgs[1], "all", "all\n", "all\n") ||
	    expect_scopes(cgs, (const char * const []){ "anon\n", "all\n",
			  "inherit\n" },
			  (const char * const []){ "anon\n", "all\n",
			  "all\n" }))
		goto cleanup;
	if (set_scope(cgs[2], "anon", "anon\n", "anon\n") ||
	    set_scope(cgs[0], "all", "all\n", "all\n") ||
	    expect_scopes(cgs, (const char * const []){ "all\n", "all\n",
			  "anon\n" },
			  (const char * const []){ "all\n", "all\n",
			  "anon\n" }))
		goto cleanup;
	if (set_scope(cgs[1], "inherit", "inherit\n", "all\n") ||
	    set_scope(cgs[0], "anon", "anon\n", "anon\n") ||
	    set_scope(cgs[2], "all", "all\n", "all\n") ||
	    expect_scopes(cgs, (const char * const []){ "anon\n",
			  "inherit\n", "all\n" },
			  (const char * const []){ "anon\n", "anon\n",
			  "all\n" }))
		goto cleanup;
	/* back to the root's value from the top */
	if (set_scope(cgs[2], "inherit", "inherit\n", "anon\n") ||
	    set_scope(cgs[0], "inherit", "inherit\n", "all\n") ||
	    expect_scopes(cgs, inh, alls))
		goto cleanup;
	/* the scope is its own setting: policy and weights stay */
	if (cg_expect(cgs[1], "mpol.policy", "inherit\n") ||
	    cg_expect(cgs[1], "mpol.policy.effective", "local\n") ||
	    cg_expect(cgs[1], "mpol.weights", ""))
		goto cleanup;

	/*
	 * Refused writes to C, in a state where every file shows something
	 * of its own: P "anon", C "all", G inherits; C has a policy and a
	 * weight.
	 */
	if (set_scope(cgs[0], "anon", "anon\n", "anon\n") ||
	    set_scope(cgs[1], "all", "all\n", "all\n") ||
	    cg_writef(cgs[1], "mpol.policy", "interleave:%d", mem_nodes[0]) ||
	    cg_writef(cgs[1], "mpol.weights", "%d 7", mem_nodes[0]))
		goto cleanup;
	for (k = 0; k < 2; k++) {
		/* both with C "all" and with C "anon" */
		const char *own = k ? "anon" : "all";

		if (cg_writef(cgs[1], "mpol.scope", "%s", own) ||
		    read_scope_files(cgs, before))
			goto cleanup;
		for (i = 0; i < ARRAY_SIZE(bad_scopes); i++) {
			const struct bad_write *b = &bad_scopes[i];

			if (b->len) {
				memcpy(buf, b->str, b->len);
				len = b->len;
			} else {
				len = snprintf(buf, sizeof(buf), b->str,
					       mem_nodes[0]);
			}
			if (scope_refused(cgs, buf, len, b->err, before,
					  after)) {
				fails++;
				cg_writef(cgs[1], "mpol.scope", "%s", own);
			}
		}
		/* too long: all x, and one byte more than kernfs takes */
		memset(big, 'x', page_size + 1);
		memcpy(big, "anon", 4);
		fails += !!scope_refused(cgs, big, page_size, E_INVAL, before,
					 after);
		memset(big, ' ', page_size + 1);
		memcpy(big, "all", 3);
		fails += !!scope_refused(cgs, big, page_size + 1,
					 E_2BIG | E_INVAL, before, after);
		/* an empty write does not reach mpol: 0, nothing changes */
		if (cg_write_raw(cgs[1], "mpol.scope", "", 0) != 0 ||
		    read_scope_files(cgs, after) ||
		    scope_files_diff(before, after)) {
			ksft_print_msg("an empty write to mpol.scope failed or changed a file\n");
			fails++;
		}
	}
	if (fails) {
		ksft_print_msg("%d bad writes to mpol.scope not refused properly\n",
			       fails);
		goto cleanup;
	}
	/* read-only: mpol.scope.effective */
	if (cg_write_raw(cgs[1], "mpol.scope.effective", "anon", 4) >= 0) {
		ksft_print_msg("%s/mpol.scope.effective took a write\n",
			       cgs[1]);
		goto cleanup;
	}

	ret = KSFT_PASS;
cleanup:
	for (i = 3; i-- > 0;) {
		if (cgs[i])
			cg_destroy(cgs[i]);
		free(cgs[i]);
	}
	free(big);
	free(after);
	free(before);
	return ret;
}

/* The regions of a scope child, and where their pages go under "anon" */
enum {
	SR_ANON,			/* MAP_PRIVATE | MAP_ANONYMOUS */
	SR_HEAP,			/* brk */
	SR_TSTACK,			/* a pthread stack (MAP_STACK) */
	SR_COW,				/* private copies of file pages */
	SR_STACK,			/* the main thread's stack */
	SR_READ,			/* page cache read with read(2) */
	SR_PRIVATE,			/* MAP_PRIVATE file, read faults */
	SR_MEMFD,			/* tmpfs: memfd_create() */
	SR_SHARED,			/* MAP_SHARED | MAP_ANONYMOUS */
	NR_SR
};

static const struct {
	const char *name;
	bool anon;			/* governed by the policy under "anon" */
	bool cursor;			/* no interleave index */
} sc_regions[NR_SR] = {
	[SR_ANON] = { "anonymous mmap", true, false },
	[SR_HEAP] = { "brk heap", true, false },
	[SR_TSTACK] = { "pthread stack", true, false },
	[SR_COW] = { "written MAP_PRIVATE file pages", true, false },
	[SR_STACK] = { "main thread stack", false, false },
	[SR_READ] = { "page cache, read(2)", false, true },
	[SR_PRIVATE] = { "MAP_PRIVATE file, read faults", false, true },
	[SR_MEMFD] = { "memfd (tmpfs)", false, false },
	[SR_SHARED] = { "MAP_SHARED|MAP_ANONYMOUS", false, false },
};

/* What a scope child does and reports, in memory shared with the test */
struct scope_job {
	cpu_set_t cpus;
	char file[2][PATH_MAX];		/* for SR_READ, SR_PRIVATE/SR_COW */
	int own_nodes[4];		/* set_mempolicy() WI over these */
	int nr_own;
	int nodes[4];			/* for mbind() */
	int bind_node;			/* the node of mbind(MPOL_BIND) */
	int nr;
	struct placement pl[SC_NR];
	char failed[256];
};

static __printf(2, 3) int sc_fail(struct scope_job *sj, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(sj->failed, sizeof(sj->failed), fmt, ap);
	va_end(ap);
	if (len > 0 && (size_t)len < sizeof(sj->failed))
		snprintf(sj->failed + len, sizeof(sj->failed) - len, ": %s",
			 strerror(saved));
	return 1;
}

/*
 * Run on @cpus, without THP, with room for the stack regions; returns
 * what failed, or NULL.
 */
static const char *sc_setup(const cpu_set_t *cpus)
{
	struct rlimit rl;

	if (sched_setaffinity(0, sizeof(*cpus), cpus))
		return "sched_setaffinity";
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		return "PR_SET_THP_DISABLE";
	if (getrlimit(RLIMIT_STACK, &rl))
		return "getrlimit";
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 64 << 20) {
		rl.rlim_cur = 64 << 20;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
			rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_STACK, &rl))
			return "setrlimit(RLIMIT_STACK)";
	}
	return NULL;
}

static int sc_child_setup(struct scope_job *sj)
{
	const char *what = sc_setup(&sj->cpus);

	return what ? sc_fail(sj, "%s", what) : 0;
}

static int sc_count(struct scope_job *sj, int r, char *p, long npages)
{
	if (count_region(p, npages, &sj->pl[r], NULL))
		return sc_fail(sj, "move_pages of region %d", r);
	return 0;
}

/* Read every page, so that move_pages() finds the page cache pages. */
static void read_region(const char *p, long npages)
{
	long i;

	for (i = 0; i < npages; i++)
		__atomic_load_n(p + i * page_size, __ATOMIC_RELAXED);
}

/*
 * Stack pages for a region: the deepest @npages of an alloca() of
 * SC_STACK_GAP pages more, which the pages that the calls before (on
 * another CPU, before sched_setaffinity()) may have touched stay in.
 */
#define SC_STACK_GAP	64
#define sc_alloca_pages(npages)						\
	((char *)(((unsigned long)alloca(((npages) + SC_STACK_GAP + 1) *	\
					  page_size) + page_size - 1) &	\
		  ~(page_size - 1)))

/*
 * @npages of the stack, touched page by page, and counted (gcc does not
 * inline a function that calls alloca())
 */
static int sc_stack(struct scope_job *sj, int r, long npages)
{
	char *p = sc_alloca_pages(npages);

	touch_region(p, npages);
	return sc_count(sj, r, p, npages);
}

static void *sc_thread(void *arg)
{
	return (void *)(long)sc_stack(arg, SR_TSTACK, SC_PAGES);
}

/* A pthread whose stack (glibc: mmap with MAP_STACK) gets SC_PAGES */
static int sc_thread_stack(struct scope_job *sj)
{
	pthread_attr_t attr;
	pthread_t t;
	void *tret;

	if (pthread_attr_init(&attr) ||
	    pthread_attr_setstacksize(&attr, (SC_PAGES + 320) * page_size))
		return sc_fail(sj, "pthread_attr");
	errno = pthread_create(&t, &attr, sc_thread, sj);
	pthread_attr_destroy(&attr);
	if (errno)
		return sc_fail(sj, "pthread_create");
	if (pthread_join(t, &tret) || tret)
		return 1;
	return 0;
}

static int sc_heap(struct scope_job *sj)
{
	long len = SC_PAGES * page_size;
	char *cur = sbrk(0), *p;

	p = (char *)(((unsigned long)cur + page_size - 1) & ~(page_size - 1));
	if (cur == (void *)-1 || sbrk(p - cur + len) == (void *)-1)
		return sc_fail(sj, "sbrk");
	touch_region(p, SC_PAGES);
	return sc_count(sj, SR_HEAP, p, SC_PAGES);
}

/* read(2) file 0 with a small buffer, then map it to find its pages. */
static int sc_read_file(struct scope_job *sj, int r, long npages)
{
	long len = npages * page_size, done = 0;
	char *buf = map_region(16), *p;
	ssize_t n;
	int fd;

	fd = open(sj->file[0], O_RDONLY);
	if (fd < 0 || !buf)
		return sc_fail(sj, "open %s", sj->file[0]);
	touch_region(buf, 16);
	while (done < len) {
		n = read(fd, buf, 16 * page_size);
		if (n <= 0)
			return sc_fail(sj, "read %s", sj->file[0]);
		done += n;
	}
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return sc_fail(sj, "mmap %s", sj->file[0]);
	read_region(p, npages);
	return sc_count(sj, r, p, npages);
}

/*
 * Map file 1 MAP_PRIVATE, read every page (page cache), count; then
 * write every page (private copies) and count again.
 */
static int sc_private_file(struct scope_job *sj, int r_clean, int r_cow,
			   long npages)
{
	char *p;
	int fd;

	fd = open(sj->file[1], O_RDONLY);
	if (fd < 0)
		return sc_fail(sj, "open %s", sj->file[1]);
	p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return sc_fail(sj, "mmap %s", sj->file[1]);
	read_region(p, npages);
	if (sc_count(sj, r_clean, p, npages))
		return 1;
	if (r_cow < 0)
		return 0;
	touch_region(p, npages);
	return sc_count(sj, r_cow, p, npages);
}

static int sc_memfd(struct scope_job *sj, int r, long npages)
{
	char *p;
	int fd;

	fd = memfd_create("mpol_test_scope", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, npages * page_size))
		return sc_fail(sj, "memfd_create");
	p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return sc_fail(sj, "mmap of the memfd");
	touch_region(p, npages);
	return sc_count(sj, r, p, npages);
}

/* MAP_SHARED | MAP_ANONYMOUS, under an mbind() policy if @mode >= 0 */
static int sc_shared(struct scope_job *sj, int r, long npages, int mode)
{
	unsigned long mask[MASK_LONGS] = { 0 };
	char *p;
	int i;

	p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return sc_fail(sj, "mmap(MAP_SHARED | MAP_ANONYMOUS)");
	for (i = 0; i < sj->nr; i++)
		mask_set(mask, sj->nodes[i]);
	if (mode >= 0 && sys_mbind(p, npages * page_size, mode, mask,
				   MASK_MAXNODE, 0))
		return sc_fail(sj, "mbind(%d) of shared anonymous memory",
			       mode);
	touch_region(p, npages);
	return sc_count(sj, r, p, npages);
}

/* Private anonymous memory, under mbind(MPOL_BIND) if @bind */
static int sc_anon(struct scope_job *sj, int r, long npages, bool bind)
{
	unsigned long mask[MASK_LONGS] = { 0 };
	char *p = map_region(npages);

	if (!p)
		return sc_fail(sj, "mmap");
	mask_set(mask, sj->bind_node);
	if (bind && sys_mbind(p, npages * page_size, MPOL_BIND, mask,
			      MASK_MAXNODE, 0))
		return sc_fail(sj, "mbind(MPOL_BIND)");
	touch_region(p, npages);
	return sc_count(sj, r, p, npages);
}

/* Every region of sc_regions[], in a member of @cgroup. */
static int child_scope(const char *cgroup, void *arg)
{
	struct scope_job *sj = arg;

	(void)cgroup;
	if (sc_child_setup(sj) ||
	    sc_anon(sj, SR_ANON, SC_PAGES, false) || sc_heap(sj) ||
	    sc_thread_stack(sj) || sc_stack(sj, SR_STACK, SC_STACK_PAGES) ||
	    sc_read_file(sj, SR_READ, SC_PAGES) ||
	    sc_private_file(sj, SR_PRIVATE, SR_COW, SC_PAGES) ||
	    sc_memfd(sj, SR_MEMFD, SC_PAGES) ||
	    sc_shared(sj, SR_SHARED, SC_PAGES, -1))
		return 1;
	return 0;
}

/*
 * A directory on a block file system (the page cache regions need one
 * that reads from a device): "/" if it is one, else the current one.
 */
static const char *sc_file_dir(void)
{
	static const char * const dirs[] = { "/", "." };
	struct statfs sf;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (statfs(dirs[i], &sf) || sf.f_type == TMPFS_MAGIC ||
		    sf.f_type == RAMFS_MAGIC || access(dirs[i], W_OK))
			continue;
		if (sf.f_type != EXT4_SUPER_MAGIC)
			ksft_print_msg("files in %s: file system %#lx, not ext4\n",
				       dirs[i], (unsigned long)sf.f_type);
		return dirs[i];
	}
	return NULL;
}

/* Pages of @fd's first @npages that are in the page cache */
static long file_resident(int fd, long npages)
{
	unsigned char *vec = calloc(npages, 1);
	long i, n = -1;
	void *p;

	p = mmap(NULL, npages * page_size, PROT_READ, MAP_SHARED, fd, 0);
	if (vec && p != MAP_FAILED && !mincore(p, npages * page_size, vec))
		for (n = 0, i = 0; i < npages; i++)
			n += vec[i] & 1;
	if (p != MAP_FAILED)
		munmap(p, npages * page_size);
	free(vec);
	return n;
}

/*
 * Drop @path's pages from the page cache: fsync(), POSIX_FADV_DONTNEED
 * and, if mincore() still finds some, drop_caches.
 */
static int sc_drop_file(const char *path, long npages)
{
	long left;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		ksft_perror(path);
		return -1;
	}
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	left = file_resident(fd, npages);
	if (left) {
		sync();
		write_text("/proc/sys/vm/drop_caches", "1", 1);
		left = file_resident(fd, npages);
	}
	close(fd);
	if (!left)
		return 0;
	ksft_print_msg("%s: %ld of %ld pages still cached after DONTNEED and drop_caches\n",
		       path, left, npages);
	return -1;
}

/* A file of @npages pages of data (not holes), on disk */
static int sc_make_file(const char *path, long npages)
{
	char *buf = malloc(page_size);
	long i;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || !buf) {
		ksft_perror(path);
		free(buf);
		return -1;
	}
	for (i = 0; i < npages; i++) {
		memset(buf, 'a' + i % 26, page_size);
		if (write(fd, buf, page_size) != page_size) {
			ksft_perror(path);
			close(fd);
			free(buf);
			return -1;
		}
	}
	free(buf);
	if (fsync(fd)) {
		ksft_perror("fsync");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * The files of a scope child, out of the page cache; @dir on a block
 * file system, @tag makes the names.
 */
static int sc_files(struct scope_job *sj, const char *dir, const char *tag,
		    bool create)
{
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(sj->file[i], sizeof(sj->file[i]),
			 "%s/mpol_test_%s.%d", strcmp(dir, "/") ? dir : "",
			 tag, i);
		if (create && sc_make_file(sj->file[i], SC_PAGES))
			return -1;
		if (sc_drop_file(sj->file[i], SC_PAGES))
			return -1;
	}
	return 0;
}

static void sc_unlink(struct scope_job *sj)
{
	int i;

	for (i = 0; sj && i < 2; i++)
		if (sj->file[i][0])
			unlink(sj->file[i]);
}

static struct scope_job *sc_alloc(void)
{
	struct scope_job *sj;

	sj = mmap(NULL, sizeof(*sj), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sj == MAP_FAILED) {
		ksft_perror("mmap");
		return NULL;
	}
	memset(sj, 0, sizeof(*sj));
	return sj;
}

static void sc_free(struct scope_job *sj)
{
	if (sj)
		munmap(sj, sizeof(*sj));
}

/*
 * The local node: the first node with memory and CPUs.  @sj runs on
 * its CPUs; sets skip_reason if there is none.
 */
static int sc_local(struct scope_job *sj)
{
	int i;

	for (i = 0; i < nr_mem_nodes; i++)
		if (node_cpus(mem_nodes[i], &sj->cpus))
			return mem_nodes[i];
	snprintf(skip_reason, sizeof(skip_reason),
		 "needs a node with memory and CPUs");
	return -1;
}

/* Run @fn in @cg; print what failed. */
static int sc_run(const char *cg, int (*fn)(const char *, void *),
		  struct scope_job *sj)
{
	int ret;

	memset(sj->pl, 0, sizeof(sj->pl));
	sj->failed[0] = '\0';
	ret = cg_run(cg, fn, sj);
	if (!ret)
		return 0;
	ksft_print_msg("child in %s failed (%d): %s\n", cg, ret,
		       sj->failed[0] ? sj->failed : "cannot enter the cgroup?");
	return -1;
}

/*
 * Like check_placement(), with @slack pages more than a weight cycle
 * allowed per node; quiet: the caller prints every region.
 */
static bool placement_ok(const struct placement *pl, int nr,
			 const int *nodes, const int *weights, long slack)
{
	long total = 0, maxw = 0, sum = 0;
	int i;

	if (pl->pages <= 0 || pl->unknown)
		return false;
	for (i = 0; i < nr; i++) {
		total += weights[i];
		if (weights[i] > maxw)
			maxw = weights[i];
	}
	for (i = 0; i < nr; i++) {
		long diff = pl->nodes[nodes[i]] * total -
			    pl->pages * weights[i];

		if (labs(diff) > (maxw + slack) * total)
			return false;
		sum += pl->nodes[nodes[i]];
	}
	return sum == pl->pages;
}

/*
 * Check the regions @pl[0..@nr) named @names: region i must be placed by
 * @weights over @nodes if @by_weights[i] (with SC_CURSOR_SLACK if
 * @cursor[i]), else be on node @on[i].  Every region is printed, its
 * counts and what was expected; on a failure the free memory too.
 */
static int sc_check(const char *what, const struct placement *pl, int nr,
		    const char * const *names, const bool *by_weights,
		    const bool *cursor, const int *on, const int *nodes,
		    const int *weights)
{
	char got[1024], want[256];
	int i, j, off, total = 0, fails = 0;
	int one = 1;

	for (j = 0; j < 4; j++)
		total += weights[j];
	for (i = 0; i < nr; i++) {
		long slack = cursor[i] ? SC_CURSOR_SLACK : 0;
		bool ok;

		if (by_weights[i]) {
			ok = placement_ok(&pl[i], 4, nodes, weights, slack);
			off = 0;
			for (j = 0; j < 4; j++)
				off += snprintf(want + off, sizeof(want) - off,
						" node%d:%ld", nodes[j],
						pl[i].pages * weights[j] /
						total);
			snprintf(want + off, sizeof(want) - off, " (+-%ld)",
				 3 + slack);
		} else {
			ok = placement_ok(&pl[i], 1, &on[i], &one, 0);
			snprintf(want, sizeof(want), " node%d:%ld", on[i],
				 pl[i].pages);
		}
		fails += !ok;
		ksft_print_msg("%s: %s%s:%s, expected%s\n", what,
			       ok ? "" : "WRONG: ", names[i],
			       fmt_placement(got, sizeof(got), &pl[i]), want);
	}
	if (!fails)
		return 0;
	print_free(4, nodes);
	return -1;
}

/* The weights of the scope tests: 3:1:1:1 unless that is the global one */
static void sc_weights(const int *nodes, int *w)
{
	int i, g[4];

	for (i = 0; i < 4; i++) {
		g[i] = global_weight(nodes[i]);
		w[i] = i ? 1 : 3;
	}
	if (g[0] == 3 * g[1] && g[1] == g[2] && g[2] == g[3]) {
		w[0] = 1;
		w[1] = 3;
	}
}

/*
 * One member without a policy of its own, on the CPUs of the local node,
 * in a cgroup with weighted interleave over 4 nodes (3:1:1:1): with scope
 * "anon" its heap, anonymous mmap, pthread stack and written MAP_PRIVATE
 * file pages follow the weights, each exact within a weight cycle; its
 * main stack, page cache (read(2), read faults of a MAP_PRIVATE
 * mapping), memfd and MAP_SHARED anonymous pages are all on the local
 * node.  With scope "all" every region follows the weights.
 */
static int test_mpol_scope_anon(const char *root)
{
	const char *names[NR_SR], *dir;
	bool by_w[NR_SR], cursor[NR_SR];
	int on[NR_SR];
	struct scope_job *sj = NULL;
	const int *nodes = mem_nodes;
	int ret = KSFT_FAIL, local, i, w[4], fails = 0;
	char *cg = NULL;

	if (need_nodes(4) || need_scope(root) || need_global_weights() ||
	    need_free(4, nodes, 64 * 1024))
		return KSFT_SKIP;
	dir = sc_file_dir();
	if (!dir) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "neither / nor . is a writable block file system");
		return KSFT_SKIP;
	}
	sj = sc_alloc();
	if (!sj)
		return KSFT_FAIL;
	local = sc_local(sj);
	/* the local regions: 52 MiB, and half of the weighted ones */
	if (local < 0 || need_free(1, &local, 128 * 1024)) {
		sc_free(sj);
		return KSFT_SKIP;
	}

	nb_off();
	sc_weights(nodes, w);
	cg = cg_name(root, "mpol_test_scope_anon");
	if (!cg || cg_create(cg))
		goto cleanup;
	if (set_weights(cg, 4, nodes, w) ||
	    set_policy(cg, "weighted-interleave", 4, nodes) ||
	    set_scope(cg, "anon", "anon\n", "anon\n"))
		goto cleanup;
	ksft_print_msg("weights %d:%d:%d:%d on nodes %d-%d, local node %d, files in %s\n",
		       w[0], w[1], w[2], w[3], nodes[0], nodes[3], local, dir);
	for (i = 0; i < NR_SR; i++) {
		names[i] = sc_regions[i].name;
		on[i] = local;
	}

	if (sc_files(sj, dir, "scope_anon", true) || sc_run(cg, child_scope, sj))
		goto cleanup;
	for (i = 0; i < NR_SR; i++) {
		by_w[i] = sc_regions[i].anon;
		cursor[i] = false;	/* the cursor regions go local */
	}
	fails += !!sc_check("scope anon", sj->pl, NR_SR, names, by_w, cursor,
			    on, nodes, w);

	if (set_scope(cg, "all", "all\n", "all\n") ||
	    sc_files(sj, dir, "scope_anon", false) ||
	    sc_run(cg, child_scope, sj))
		goto cleanup;
	for (i = 0; i < NR_SR; i++) {
		by_w[i] = true;
		cursor[i] = sc_regions[i].cursor;
	}
	fails += !!sc_check("scope all", sj->pl, NR_SR, names, by_w, cursor,
			    on, nodes, w);

	/* inherit: the root's "all" */
	if (set_scope(cg, "inherit", "inherit\n", "all\n"))
		goto cleanup;
	if (!fails)
		ret = KSFT_PASS;
cleanup:
	sc_unlink(sj);
	sc_free(sj);
	cg_destroy(cg);
	free(cg);
	nb_restore();
	return ret;
}

/* The regions of child_scope_prec() */
enum {
	SP_CG_ANON,			/* no own policy: the cgroup's bind */
	SP_MBIND,			/* anonymous under mbind(MPOL_BIND) */
	SP_SHARED_WI,			/* MAP_SHARED anonymous, mbind(WI) */
	SP_SHARED,			/* MAP_SHARED anonymous: local */
	SP_OWN_MEMFD,			/* own WI policy from here on */
	SP_OWN_READ,
	SP_OWN_ANON,
	SP_OWN_MBIND,
	NR_SP
};

static const char * const sp_names[NR_SP] = {
	[SP_CG_ANON] = "no own policy: anonymous (cgroup bind)",
	[SP_MBIND] = "no own policy: anonymous, mbind(MPOL_BIND)",
	[SP_SHARED_WI] = "no own policy: MAP_SHARED anonymous, mbind(WI)",
	[SP_SHARED] = "no own policy: MAP_SHARED anonymous",
	[SP_OWN_MEMFD] = "own WI policy: memfd (tmpfs)",
	[SP_OWN_READ] = "own WI policy: page cache, read(2)",
	[SP_OWN_ANON] = "own WI policy: anonymous",
	[SP_OWN_MBIND] = "own WI policy: anonymous, mbind(MPOL_BIND)",
};

static int child_scope_prec(const char *cgroup, void *arg)
{
	unsigned long mask[MASK_LONGS] = { 0 };
	struct scope_job *sj = arg;
	int i;

	(void)cgroup;
	if (sc_child_setup(sj) ||
	    sc_anon(sj, SP_CG_ANON, SC_SMALL, false) ||
	    sc_anon(sj, SP_MBIND, SC_SMALL, true) ||
	    sc_shared(sj, SP_SHARED_WI, SC_PAGES, MPOL_WEIGHTED_INTERLEAVE) ||
	    sc_shared(sj, SP_SHARED, SC_SMALL, -1))
		return 1;
	for (i = 0; i < sj->nr; i++)
		mask_set(mask, sj->nodes[i]);
	if (sys_set_mempolicy(MPOL_WEIGHTED_INTERLEAVE, mask, MASK_MAXNODE))
		return sc_fail(sj, "set_mempolicy(MPOL_WEIGHTED_INTERLEAVE)");
	if (sc_memfd(sj, SP_OWN_MEMFD, SC_PAGES) ||
	    sc_read_file(sj, SP_OWN_READ, SC_PAGES) ||
	    sc_anon(sj, SP_OWN_ANON, SC_PAGES, false) ||
	    sc_anon(sj, SP_OWN_MBIND, SC_SMALL, true))
		return 1;
	return 0;
}

/*
 * Precedence under scope "anon" (cgroup policy bind to node B, weights
 * 3:1:1:1): a VMA policy governs its range, bind or weighted interleave,
 * shared anonymous memory included, and weighted interleave takes the
 * cgroup's weights; a task's own weighted-interleave policy places
 * everything it allocates, tmpfs and page cache too, by the cgroup's
 * weights.
 */
static int test_mpol_scope_precedence(const char *root)
{
	bool by_w[NR_SP] = { false }, cursor[NR_SP] = { false };
	int on[NR_SP] = { 0 };
	struct placement *pl = NULL;
	struct scope_job *sj = NULL;
	const int *nodes = mem_nodes;
	int ret = KSFT_FAIL, local, w[4], b, x;
	const char *dir;
	char *cg = NULL;

	if (need_nodes(4) || need_scope(root) || need_global_weights() ||
	    need_free(4, nodes, 64 * 1024))
		return KSFT_SKIP;
	dir = sc_file_dir();
	if (!dir) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "neither / nor . is a writable block file system");
		return KSFT_SKIP;
	}
	sj = sc_alloc();
	if (!sj)
		return KSFT_FAIL;
	local = sc_local(sj);
	/* the local regions: 52 MiB, and half of the weighted ones */
	if (local < 0 || need_free(1, &local, 128 * 1024)) {
		sc_free(sj);
		return KSFT_SKIP;
	}
	/* the cgroup binds to B, mbind() to X: neither is the local node */
	b = local == nodes[3] ? nodes[2] : nodes[3];
	x = local == nodes[2] || b == nodes[2] ? nodes[1] : nodes[2];
	if (x == local)
		x = nodes[0];

	nb_off();
	sc_weights(nodes, w);
	cg = cg_name(root, "mpol_test_scope_precedence");
	if (!cg || cg_create(cg))
		goto cleanup;
	if (set_weights(cg, 4, nodes, w) || set_policy(cg, "bind", 1, &b) ||
	    set_scope(cg, "anon", "anon\n", "anon\n"))
		goto cleanup;
	ksft_print_msg("weights %d:%d:%d:%d, cgroup bind:%d, mbind bind:%d, local node %d\n",
		       w[0], w[1], w[2], w[3], b, x, local);
	sj->nr = 4;
	memcpy(sj->nodes, nodes, sizeof(sj->nodes));
	sj->bind_node = x;
	if (sc_files(sj, dir, "scope_prec", true) ||
	    sc_run(cg, child_scope_prec, sj))
		goto cleanup;
	pl = sj->pl;

	by_w[SP_SHARED_WI] = true;
	by_w[SP_OWN_MEMFD] = true;
	by_w[SP_OWN_READ] = true;
	by_w[SP_OWN_ANON] = true;
	cursor[SP_OWN_READ] = true;
	on[SP_CG_ANON] = b;
	on[SP_MBIND] = x;
	on[SP_SHARED] = local;
	on[SP_OWN_MBIND] = x;
	if (!sc_check("precedence", pl, NR_SP, sp_names, by_w, cursor, on,
		      nodes, w))
		ret = KSFT_PASS;
cleanup:
	sc_unlink(sj);
	sc_free(sj);
	cg_destroy(cg);
	free(cg);
	nb_restore();
	return ret;
}

/* A member for test_mpol_scope_migrate(), in memory shared with it */
struct sc_mig {
	cpu_set_t cpus;
	char *anon;			/* SC_PAGES, private anonymous */
	char *stack;			/* SC_STACK_PAGES of its main stack */
	int ready;			/* 1: faulted, -1: failed */
	char failed[256];
};

/* Fault the stack region, report it, and sleep in this frame. */
static void sc_mig_stack(struct sc_mig *m)
{
	char *p = sc_alloca_pages(SC_STACK_PAGES);

	touch_region(p, SC_STACK_PAGES);
	m->stack = p;
	fb_set(&m->ready, 1);
	for (;;)
		pause();
}

static void sc_mig_child(const char *cg, struct sc_mig *m)
{
	const char *what = NULL;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* on the local node from the start: its stack too */
	what = sc_setup(&m->cpus);
	if (!what && cg_enter_current(cg))
		what = "entering the cgroup";
	if (!what) {
		m->anon = map_region(SC_PAGES);
		if (!m->anon)
			what = "mmap";
	}
	if (what) {
		snprintf(m->failed, sizeof(m->failed), "%s: %s", what,
			 strerror(errno));
		fb_set(&m->ready, -1);
		_exit(1);
	}
	touch_region(m->anon, SC_PAGES);
	sc_mig_stack(m);
}

static pid_t sc_mig_start(const char *cg, struct sc_mig *m)
{
	long start = now_ms();
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		ksft_perror("fork");
		return -1;
	}
	if (!pid)
		sc_mig_child(cg, m);
	while (fb_get(&m->ready) == 0) {
		if (waitpid(pid, NULL, WNOHANG) == pid ||
		    now_ms() - start > MIG_WAIT_MS) {
			ksft_print_msg("the member did not fault its regions: %s\n",
				       m->failed[0] ? m->failed : "?");
			kill_child(pid);
			return -1;
		}
		usleep(1000);
	}
	if (fb_get(&m->ready) > 0)
		return pid;
	ksft_print_msg("member: %s\n", m->failed);
	kill_child(pid);
	return -1;
}

/* Anonymous kB of @pid's VMAs: [stack] in @stack, all others in @other */
static int sc_anon_kb(pid_t pid, long *stack, long *other)
{
	unsigned long start, end;
	char path[64], line[512];
	bool in_stack = false;
	FILE *f;

	*stack = 0;
	*other = 0;
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f) {
		ksft_perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in_stack = strstr(line, "[stack]");
		else if (!strncmp(line, "Anonymous:", 10))
			*(in_stack ? stack : other) +=
				strtol(line + 10, NULL, 10);
	}
	fclose(f);
	return 0;
}

/*
 * mpol.migrate with scope "anon": a member faults private anonymous
 * memory and 4 MiB of its main stack on the local node (no policy).
 * Weighted interleave 3:1:1:1 over 4 nodes and scope "anon", then
 * migration on: the pass places the anonymous region exactly by the
 * weights, leaves the stack where it is and does not scan it
 * (migrate_scanned stays below the anonymous pages outside the stack).
 * Then scope "all": a change of the effective state, so a pass starts,
 * and the stack pages follow the weights too.
 */
static int test_mpol_scope_migrate(const char *root)
{
	long stack_kb, other_kb, scanned, moved;
	int *st_a = NULL, *st_s = NULL, *now = NULL;
	struct sc_mig *m = MAP_FAILED;
	const int *nodes = mem_nodes;
	int ret = KSFT_FAIL, local = -1, w[4], i;
	struct placement pl, ps;
	struct pass_wait pw;
	char *cg = NULL, buf[1024];
	pid_t pid = -1;

	if (need_nodes(4) || need_scope(root) || need_migrate(root) ||
	    need_global_weights() || need_free(4, nodes, 64 * 1024))
		return KSFT_SKIP;

	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return KSFT_FAIL;
	memset(m, 0, sizeof(*m));
	for (i = 0; i < nr_mem_nodes && local < 0; i++)
		if (node_cpus(mem_nodes[i], &m->cpus))
			local = mem_nodes[i];
	if (local < 0) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "needs a node with memory and CPUs");
		munmap(m, sizeof(*m));
		return KSFT_SKIP;
	}

	nb_off();
	pw.fd = -1;
	sc_weights(nodes, w);
	cg = cg_name(root, "mpol_test_scope_migrate");
	st_a = calloc(SC_PAGES, sizeof(int));
	st_s = calloc(SC_STACK_PAGES, sizeof(int));
	now = calloc(SC_PAGES, sizeof(int));
	if (!cg || !st_a || !st_s || !now || cg_create(cg))
		goto cleanup;
	pid = sc_mig_start(cg, m);
	if (pid < 0)
		goto cleanup;
	if (count_region_of(pid, m->anon, SC_PAGES, &pl, st_a) ||
	    count_region_of(pid, m->stack, SC_STACK_PAGES, &ps, st_s)) {
		ksft_perror("move_pages");
		goto cleanup;
	}
	if (check_on_node("anonymous, no policy", &pl, local) ||
	    check_on_node("main stack, no policy", &ps, local))
		goto cleanup;

	/* the policy and the scope while migration is off: no pass */
	if (set_weights(cg, 4, nodes, w) ||
	    set_scope(cg, "anon", "anon\n", "anon\n") ||
	    set_policy(cg, "weighted-interleave", 4, nodes) ||
	    cg_expect(cg, "mpol.migrate.effective", "off\n"))
		goto cleanup;
	if (pass_prepare(&pw, cg) ||
	    set_migrate(cg, MIG_FAST, MIG_FAST "\n", MIG_FAST "\n") ||
	    pass_wait(&pw))
		goto cleanup;
	if (count_region_of(pid, m->anon, SC_PAGES, &pl, now) ||
	    count_region_of(pid, m->stack, SC_STACK_PAGES, &ps, NULL) ||
	    sc_anon_kb(pid, &stack_kb, &other_kb))
		goto cleanup;
	moved = nr_changed(st_a, now, SC_PAGES);
	scanned = mig_delta(&pw, MSTAT_SCANNED);
	ksft_print_msg("scope anon: %ld pages moved; scanned %ld moved %ld\n",
		       moved, scanned, mig_delta(&pw, MSTAT_MOVED));
	ksft_print_msg("scope anon: Anonymous kB: stack %ld, other VMAs %ld\n",
		       stack_kb, other_kb);
	ksft_print_msg("scope anon: anonymous region on%s\n",
		       fmt_placement(buf, sizeof(buf), &pl));
	ksft_print_msg("scope anon: main stack on%s\n",
		       fmt_placement(buf, sizeof(buf), &ps));
	if (check_placement("scope anon, anonymous region", &pl, 4, nodes,
			    w) ||
	    check_on_node("scope anon, main stack", &ps, local)) {
		print_free(4, nodes);
		print_mig_stat(cg, "after", &pw.now);
		goto cleanup;
	}
	memcpy(now, st_s, SC_STACK_PAGES * sizeof(int));
	if (count_region_of(pid, m->stack, SC_STACK_PAGES, &ps, now) ||
	    nr_changed(st_s, now, SC_STACK_PAGES)) {
		ksft_print_msg("scope anon: stack pages changed node\n");
		goto cleanup;
	}
	if (scanned < SC_PAGES || scanned * (page_size / 1024) > other_kb ||
	    mig_delta(&pw, MSTAT_MOVED) < moved) {
		ksft_print_msg("scope anon: want %d <= scanned <= %ld (no stack page)\n",
			       SC_PAGES, other_kb / (page_size / 1024));
		ksft_print_msg("scope anon: and moved >= %ld\n", moved);
		print_mig_stat(cg, "before", &pw.before);
		print_mig_stat(cg, "after", &pw.now);
		goto cleanup;
	}

	/* scope "all": a pass, which moves the stack too */
	if (pass_prepare(&pw, cg) || set_scope(cg, "all", "all\n", "all\n") ||
	    pass_wait(&pw))
		goto cleanup;
	if (count_region_of(pid, m->anon, SC_PAGES, &pl, NULL) ||
	    count_region_of(pid, m->stack, SC_STACK_PAGES, &ps, now))
		goto cleanup;
	ksft_print_msg("scope all: %ld passes, %ld stack pages moved; scanned %ld moved %ld\n",
		       mig_delta(&pw, MSTAT_STARTED),
		       nr_changed(st_s, now, SC_STACK_PAGES),
		       mig_delta(&pw, MSTAT_SCANNED),
		       mig_delta(&pw, MSTAT_MOVED));
	ksft_print_msg("scope all: anonymous region on%s\n",
		       fmt_placement(buf, sizeof(buf), &pl));
	ksft_print_msg("scope all: main stack on%s\n",
		       fmt_placement(buf, sizeof(buf), &ps));
	if (mig_delta(&pw, MSTAT_STARTED) < 1 ||
	    check_placement("scope all, main stack", &ps, 4, nodes, w) ||
	    check_placement("scope all, anonymous region", &pl, 4, nodes, w)) {
		print_free(4, nodes);
		print_mig_stat(cg, "before", &pw.before);
		print_mig_stat(cg, "after", &pw.now);
		goto cleanup;
	}
	if (mig_delta(&pw, MSTAT_SCANNED) < SC_PAGES + SC_STACK_PAGES) {
		ksft_print_msg("scope all: scanned %ld, want >= %d\n",
			       mig_delta(&pw, MSTAT_SCANNED),
			       SC_PAGES + SC_STACK_PAGES);
		goto cleanup;
	}

	ret = KSFT_PASS;
cleanup:
	pass_release(&pw);
	kill_child(pid);
	cg_destroy(cg);
	free(cg);
	free(now);
	free(st_s);
	free(st_a);
	munmap(m, sizeof(*m));
	nb_restore();
	return ret;
}

#define T(x) { x, #x }
struct mpol_test {
	int (*fn)(const char *root);
	const char *name;
} tests[] = {
	T(test_mpol_defaults),
	T(test_mpol_policy_parse),
	T(test_mpol_weights_parse),
	T(test_mpol_malformed),
	T(test_mpol_wi_exact),
	T(test_mpol_inherit_deep),
	T(test_mpol_sysfs_weights),
	T(test_mpol_precedence),
	T(test_mpol_task_wi_weights),
	T(test_mpol_move),
	T(test_mpol_threads),
	T(test_mpol_fork),
	T(test_mpol_clone_into_cgroup),
	T(test_mpol_cpuset_narrow),
	T(test_mpol_fallback),
	T(test_mpol_fallback_count),
	T(test_mpol_mbind_default_move),
	T(test_mpol_live_change),
	T(test_mpol_local),
	T(test_mpol_threaded_cgroups),
	T(test_mpol_migrate_parse),
	T(test_mpol_migrate_wi_4k),
	T(test_mpol_migrate_wi_thp),
	T(test_mpol_migrate_bind),
	T(test_mpol_migrate_local_default),
	T(test_mpol_migrate_precedence),
	T(test_mpol_migrate_pinned),
	T(test_mpol_migrate_retarget),
	T(test_mpol_migrate_explicit),
	T(test_mpol_scope_parse),
	T(test_mpol_scope_anon),
	T(test_mpol_scope_precedence),
	T(test_mpol_scope_migrate),
};

#undef T

int main(void)
{
	char root[PATH_MAX];
	size_t i;

	ksft_print_header();

	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_skip("cgroup v2 isn't mounted\n");
	if (!cg_has_word(root, "cgroup.controllers", "mpol"))
		ksft_exit_skip("controller `mpol` is not available under %s\n",
			       root);
	if (!cg_has_word(root, "cgroup.subtree_control", "mpol") &&
	    cg_write(root, "cgroup.subtree_control", "+mpol"))
		ksft_exit_skip("cannot enable controller `mpol` under %s\n",
			       root);

	page_size = sysconf(_SC_PAGESIZE);
	nr_possible_nodes = read_node_list("/sys/devices/system/node/possible",
					   possible_nodes, MAX_NODES);
	if (nr_possible_nodes < 1)
		ksft_exit_skip("no NUMA nodes in /sys/devices/system/node\n");
	nr_mem_nodes = read_node_list("/sys/devices/system/node/has_memory",
				      mem_nodes, MAX_NODES);
	if (nr_mem_nodes < 1)
		ksft_exit_skip("no NUMA node with memory\n");
	/* the children must start without a policy of their own */
	if (sys_set_mempolicy(MPOL_DEFAULT, NULL, 0))
		ksft_exit_fail_msg("set_mempolicy(MPOL_DEFAULT): %s\n",
				   strerror(errno));

	ksft_set_plan(ARRAY_SIZE(tests));
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		skip_reason[0] = '\0';
		switch (tests[i].fn(root)) {
		case KSFT_PASS:
			ksft_test_result_pass("%s\n", tests[i].name);
			break;
		case KSFT_SKIP:
			ksft_test_result_skip("%s: %s\n", tests[i].name,
					      skip_reason);
			break;
		default:
			ksft_test_result_fail("%s\n", tests[i].name);
			break;
		}
	}

	ksft_finished();
}
