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
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
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
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
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

/* Count the pages of @p per node; the nodes go to @status if given. */
static int count_region(char *p, long npages, struct placement *pl,
			int *status)
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
	if (sys_move_pages(0, npages, pages, NULL, st, 0))
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
#define FB_DEBUG_SLACK	2
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
