// SPDX-License-Identifier: GPL-2.0
/*
 * mpol with a full node: a hog fills node FULL (bind:FULL through its own
 * cgroup) and then tasks whose cgroup policy includes FULL allocate more
 * than FULL has left.  By the mempolicy rules a full node is no reason to
 * fail or to kill: an allocation that prefers it (interleave picks it for
 * the page, preferred names it) goes to the next node of its zonelist
 * that the task's cpuset allows, and bind uses the other nodes of its
 * mask.  mpol.events "fallback" counts only allocations whose listed
 * nodes were all outside the task's cpuset (Documentation/admin-guide/
 * cgroup-v2.rst, MPOL): a full node is allowed, so it counts nothing.
 *
 * Both the hog and the tasks mlock their memory.  Swap is on in the VM:
 * without mlock, kswapd would reclaim node FULL (the hog's pages, or the
 * test's own pages there) into swap, so the node would not stay full and
 * pages of the test could be swapped out before their node is read.
 *
 * Cases (FULL and OTHER are the first two CPU-less nodes, e.g. 2 and 3):
 *   weighted-interleave:FULL,OTHER  weights 3:1, cpuset.mems FULL,OTHER:
 *     every page meant for OTHER is on OTHER, pages meant for FULL are on
 *     FULL until it is full and then on OTHER, the only other allowed node
 *   bind:FULL,OTHER (task on the CPU of FULL's initiator node, so FULL
 *     comes first in its zonelist): pages on FULL, then on OTHER only
 *   preferred:FULL: pages on FULL, then on other nodes
 *   bind:FULL,OTHER with cpuset.mems of a third node: no listed node is
 *     allowed, every page is on that node and counts a fallback; this
 *     shows that the counter the other cases expect to stay 0 works
 * Each case: the task exits normally, memory.events oom_kill stays 0, and
 * /proc/vmstat oom_kill does not grow over the whole test.
 *
 * Before every case that uses FULL the hog gives back memory until FULL
 * again has at least MARGIN_KB / 2 free above its high watermark.  A case that filled FULL frees
 * its pages at exit into the per-CPU page lists of the CPU it ran on
 * (up to "high" pages each, a large share of a CPU-less node's low
 * watermark), where they do not count as free for the watermark check of
 * the next allocation: without re-levelling, the next case could find
 * FULL below its low watermark and put nothing there.
 *
 * Usage: mpol_fullnode [FULL OTHER]
 */
#define _GNU_SOURCE

#include <sched.h>
#include <signal.h>
#include <sys/resource.h>

#include "mpolt_node.h"

/* 96 MiB: the share meant for FULL is about twice what FULL has left */
#define NPAGES		(96L << 20 >> 12)
#define NPAGES_SMALL	1024
/* free memory the hog leaves on FULL above its high watermark */
#define MARGIN_KB	(8L << 10)
/* the hog gives back memory in steps of this size */
#define RELEASE_KB	(2L << 10)
/* and at most this much before a case */
#define RELEASE_MAX_KB	(128L << 10)

static int full = -1, other = -1, third = -1;
static int cpu_near_full = -1;	/* a CPU whose zonelist has FULL before OTHER */
static char top[256], self_cg[256];

struct task {
	const char *name;
	char cg[320];
	char policy[64];
	char weights[64];	/* one override or "" */
	char mems[64];		/* cpuset.mems or "" */
	long npages;
	int cpu;		/* pin to this CPU, -1 for none */
	int *status;		/* shared: the node of every page */
	unsigned long *ilx0;	/* shared: interleave index of page 0 */
	long *bad;		/* shared: pages whose content changed */
};

/*
 * The hog: bind:FULL via its cgroup, mlocks @kb and reports on @ready.
 * Every byte read from @wait_fd asks it to unmap RELEASE_KB more from the
 * end of its memory (answered on @ready); end of file ends it.
 */
static int hog(const char *cg, long kb, int ready, int wait_fd)
{
	size_t len = kb << 10;
	char *p, c = 1;

	if (nt_cg_enter(cg))
		return 10;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 11;
	/* huge pages fault much faster under TCG; 4K pages fill the rest */
	madvise(p, len, MADV_HUGEPAGE);
	if (mlock(p, len))
		return 12;
	if (write(ready, &c, 1) != 1)
		return 13;
	/* hold the memory until the test is done */
	while (read(wait_fd, &c, 1) == 1) {
		size_t step = RELEASE_KB << 10;

		c = len >= step;
		if (c) {
			len -= step;
			if (munmap(p + len, step))
				return 14;
		}
		if (write(ready, &c, 1) != 1)
			return 15;
	}
	return 0;
}

static int task_fn(void *arg)
{
	struct task *t = arg;
	size_t len = t->npages * pagesize();
	cpu_set_t set;
	char *p;
	long i;

	if (t->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(t->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			return 20;
	}
	if (nt_cg_enter(t->cg))
		return 21;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 22;
	madvise(p, len, MADV_NOHUGEPAGE);
	/* mlock faults the pages in ascending order, like touching them */
	if (mlock(p, len))
		return 23;
	for (i = 0; i < t->npages; i++)
		*(long *)(p + i * pagesize()) = i;
	*t->bad = nt_bad_content(p, t->npages);
	*t->ilx0 = nt_ilx(p, 0);
	if (nt_page_nodes(p, t->npages, t->status))
		return 24;
	return 0;
}

/* The first CPU of @node, or -1. */
static int node_cpu(int node)
{
	char path[256], buf[256];

	nt_path(path, sizeof(path), MPOLT_NODE_DIR "/node%d/cpulist", node);
	if (read_file(path, buf, sizeof(buf)) <= 0 || buf[0] < '0' ||
	    buf[0] > '9')
		return -1;
	return atoi(buf);
}

struct zinfo {
	long free, boost, low, high, pcp;	/* pages, over the node's zones */
};

/* The value after @key in @s (up to @end), or 0. */
static long zkey(const char *s, const char *end, const char *key)
{
	const char *k = strstr(s, key);

	return k && k < end ? strtol(k + strlen(key), NULL, 10) : 0;
}

/*
 * Free pages, watermarks (boost included, as the allocator checks them)
 * and pages held in per-CPU lists of @node, summed over its zones, from
 * /proc/zoneinfo.  Returns 0 or -1.
 */
static int node_zinfo(int node, struct zinfo *z)
{
	static char buf[1 << 18];
	char key[64], *p, *end, *c;

	memset(z, 0, sizeof(*z));
	if (read_file("/proc/zoneinfo", buf, sizeof(buf)) < 0)
		return -1;
	snprintf(key, sizeof(key), "Node %d, zone", node);
	for (p = strstr(buf, key); p; p = strstr(end, key)) {
		end = strstr(p + 1, "\nNode ");
		if (!end)
			end = p + strlen(p);
		z->free += zkey(p, end, "\n  pages free ");
		z->boost += zkey(p, end, "\n        boost ");
		z->low += zkey(p, end, "\n        low ");
		z->high += zkey(p, end, "\n        high ");
		for (c = strstr(p, "count: "); c && c < end;
		     c = strstr(c + 1, "count: "))
			z->pcp += strtol(c + strlen("count: "), NULL, 10);
	}
	return 0;
}

static long pages_kb(long pages)
{
	return pages * (pagesize() >> 10);
}

/*
 * Have the hog give back memory until FULL has at least MARGIN_KB / 2
 * free above its high watermark again.  Returns false if it could not.
 */
static bool relevel(const char *name, int hold, int ready)
{
	long released = 0;
	struct zinfo z;
	char c = 0;

	for (;;) {
		if (node_zinfo(full, &z))
			return tap(false, "%s: read /proc/zoneinfo", name);
		if (pages_kb(z.free - z.high) >= MARGIN_KB / 2 ||
		    released >= RELEASE_MAX_KB)
			break;
		if (write(hold, &c, 1) != 1 || read(ready, &c, 1) != 1 || !c)
			break;
		released += RELEASE_KB;
		/* let the freed pages reach the buddy lists and the counters */
		nt_msleep(50);
	}
	diag("%s: node %d zones: free %ld kB, low %ld kB, high %ld kB (boost %ld kB), %s %ld kB",
	     name, full, pages_kb(z.free), pages_kb(z.low), pages_kb(z.high),
	     pages_kb(z.boost), "in per-CPU lists", pages_kb(z.pcp));
	return tap(pages_kb(z.free - z.high) >= MARGIN_KB / 2,
		   "%s: node %d has %ld kB free above its high watermark (hog gave back %ld kB)",
		   name, full, pages_kb(z.free - z.high), released);
}

/*
 * Run @t in a fresh cgroup and check the common part: it completed, its
 * pages are all present and intact, nothing was OOM-killed.  Returns the
 * fallback count of the run, or -1.
 */
static long run_task(struct task *t, long *count)
{
	long before_vm, oomk, fb, other_pages;
	char got[512];
	int ret;

	snprintf(t->cg, sizeof(t->cg), "%s/%s", top, t->name);
	if (nt_cg_mkdir(t->cg) ||
	    (t->mems[0] && nt_cg_set(t->cg, "cpuset.mems", t->mems)) ||
	    nt_cg_set(t->cg, "mpol.policy", t->policy) ||
	    (t->weights[0] && nt_cg_set(t->cg, "mpol.weights", t->weights)))
		return -1;
	before_vm = vmstat("oom_kill");
	ret = nt_run_child(task_fn, t);
	oomk = cg_keyed(t->cg, "memory.events", "oom_kill");
	fb = cg_keyed(t->cg, "mpol.events", "fallback");
	other_pages = nt_count(t->status, t->npages, count);
	tap(ret == 0 && !other_pages && !*t->bad,
	    "%s: %ld pages allocated, mlocked and intact (exit %d): %s", t->name,
	    t->npages, ret, nt_fmt_count(got, sizeof(got), count, other_pages));
	tap(oomk == 0 && vmstat("oom_kill") == before_vm,
	    "%s: no OOM kill (memory.events oom_kill %ld, vmstat oom_kill +%ld)",
	    t->name, oomk, vmstat("oom_kill") - before_vm);
	return fb;
}

static void case_weighted(struct task *t)
{
	int nodes[2] = { full, other }, weights[2] = { 3, 1 };
	long count[MPOLT_MAXNODE], i, meant_full = 0, moved = 0, wrong = 0;
	long free_pages = nt_node_free_kb(full) / (pagesize() >> 10);
	long fb;

	snprintf(t->policy, sizeof(t->policy), "weighted-interleave:%d,%d",
		 full, other);
	snprintf(t->weights, sizeof(t->weights), "%d 3", full);
	snprintf(t->mems, sizeof(t->mems), "%d,%d", full, other);
	fb = run_task(t, count);
	for (i = 0; i < t->npages; i++) {
		int want = nt_wi_node(*t->ilx0 + i, 2, nodes, weights);

		if (want == full) {
			meant_full++;
			if (t->status[i] == other)
				moved++;
			else if (t->status[i] != full)
				wrong++;
		} else if (t->status[i] != other) {
			wrong++;
		}
	}
	tap(meant_full > free_pages,
	    "weighted: %ld pages meant for node %d, more than its %ld free pages",
	    meant_full, full, free_pages);
	tap(!wrong && moved > 0 && count[full] > 0,
	    "weighted: pages for node %d on it until full, then %ld on node %d; all for %d on it (%ld misplaced)",
	    full, moved, other, other, wrong);
	tap(fb == 0, "weighted: mpol.events fallback %ld (0: node %d is allowed)",
	    fb, full);
}

static void case_bind(struct task *t)
{
	long count[MPOLT_MAXNODE], fb;

	snprintf(t->policy, sizeof(t->policy), "bind:%d,%d", full, other);
	/* FULL first in the zonelist of this CPU's node */
	t->cpu = cpu_near_full;
	fb = run_task(t, count);
	tap(count[full] + count[other] == t->npages && count[full] > 0 &&
	    count[other] > 0,
	    "bind: pages on node %d (%ld) and, once it was full, on node %d (%ld) only",
	    full, count[full], other, count[other]);
	tap(fb == 0, "bind: mpol.events fallback %ld (0)", fb);
}

static void case_preferred(struct task *t)
{
	long count[MPOLT_MAXNODE], fb;

	snprintf(t->policy, sizeof(t->policy), "preferred:%d", full);
	fb = run_task(t, count);
	tap(count[full] > 0 && count[full] < t->npages,
	    "preferred: %ld pages on node %d until full, %ld on other nodes",
	    count[full], full, t->npages - count[full]);
	tap(fb == 0, "preferred: mpol.events fallback %ld (0)", fb);
}

/* A listed node outside cpuset.mems is a fallback, unlike a full one. */
static void case_fallback(struct task *t)
{
	long count[MPOLT_MAXNODE], fb;

	t->npages = NPAGES_SMALL;
	snprintf(t->policy, sizeof(t->policy), "bind:%d,%d", full, other);
	snprintf(t->mems, sizeof(t->mems), "%d", third);
	fb = run_task(t, count);
	tap(count[third] == t->npages,
	    "cpuset-excluded: all %ld pages on node %d, the only allowed node",
	    t->npages, third);
	tap(fb >= t->npages,
	    "cpuset-excluded: mpol.events fallback %ld (>= %ld: no listed node allowed)",
	    fb, t->npages);
}

/* FULL, OTHER: the first two CPU-less memory nodes; THIRD: a CPU node. */
static int pick_nodes(int argc, char **argv)
{
	int mem[MPOLT_MAXNODE], nr, i;

	nr = nt_list_nodes(MPOLT_NODE_DIR "/has_memory", mem);
	if (argc > 2) {
		full = atoi(argv[1]);
		other = atoi(argv[2]);
	} else {
		for (i = 0; i < nr; i++) {
			if (node_cpu(mem[i]) >= 0)
				continue;
			if (full < 0)
				full = mem[i];
			else if (other < 0)
				other = mem[i];
		}
	}
	for (i = 0; i < nr; i++)
		if (mem[i] != full && mem[i] != other && third < 0)
			third = mem[i];
	return full >= 0 && other >= 0 && third >= 0 ? 0 : -1;
}

/*
 * A CPU on whose node's zonelist FULL comes before OTHER: the CPUs of the
 * node nearest to FULL (its access0 initiator, by SLIT distance).
 */
static int pick_cpu(void)
{
	char path[256], buf[256];
	int mem[MPOLT_MAXNODE], nr, i, best = -1, bestd = 1 << 30;

	nr = nt_list_nodes(MPOLT_NODE_DIR "/has_cpu", mem);
	for (i = 0; i < nr; i++) {
		int df = -1, dother = -1, j, d;
		char *s;

		nt_path(path, sizeof(path), MPOLT_NODE_DIR "/node%d/distance",
			mem[i]);
		if (read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		for (s = buf, j = 0;; j++) {
			char *end;

			d = strtol(s, &end, 10);
			if (end == s)
				break;
			s = end;
			if (j == full)
				df = d;
			if (j == other)
				dother = d;
		}
		if (df >= 0 && dother >= 0 && df < dother && df < bestd) {
			bestd = df;
			best = mem[i];
		}
	}
	return best < 0 ? -1 : node_cpu(best);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(struct task *t);
		bool uses_full;		/* relevel FULL before it */
	} cases[] = {
		{ "weighted", case_weighted, true },
		{ "bind", case_bind, true },
		{ "preferred", case_preferred, true },
		{ "cpuset-excluded", case_fallback, false },
	};
	long hog_kb, vm_start;
	int ready[2], hold[2], status, c;
	struct zinfo z;
	struct task *t;
	double start;
	char hog_cg[320], buf[64];
	pid_t pid;

	tap_init();
	if (pick_nodes(argc, argv)) {
		diag("needs two CPU-less memory nodes and a third one");
		return 4;
	}
	cpu_near_full = pick_cpu();
	diag("full node %d, other %d, third %d, bind runs on CPU %d", full, other,
	     third, cpu_near_full);
	vm_start = vmstat("oom_kill");
	nt_cg_self(self_cg, sizeof(self_cg));
	snprintf(top, sizeof(top), MPOLT_CGROOT "/mpol_fullnode.%d", getpid());
	snprintf(hog_cg, sizeof(hog_cg), "%s/hog", top);
	snprintf(buf, sizeof(buf), "bind:%d", full);
	if (!tap(!nt_cg_mkdir(top) &&
		   !nt_cg_set(top, "cgroup.subtree_control", "+cpuset +memory +mpol") &&
		   !nt_cg_mkdir(hog_cg) && !nt_cg_set(hog_cg, "mpol.policy", buf),
		   "setup: cgroups under %s, hog with %s", top, buf))
		goto out;

	/* fill FULL up to MARGIN_KB above its high watermark */
	if (node_zinfo(full, &z)) {
		tap(false, "read /proc/zoneinfo");
		goto out;
	}
	hog_kb = pages_kb(z.free - z.high) - MARGIN_KB;
	diag("node %d: free %ld kB, high watermarks %ld kB: hog of %ld kB", full,
	     pages_kb(z.free), pages_kb(z.high), hog_kb);
	if (pipe(ready) || pipe(hold) || hog_kb <= 0) {
		tap(false, "hog setup");
		goto out;
	}
	start = nt_now();
	fflush(stdout);
	pid = fork();
	if (!pid) {
		close(hold[1]);
		_exit(hog(hog_cg, hog_kb, ready[1], hold[0]));
	}
	close(hold[0]);
	close(ready[1]);
	c = pid > 0 && read(ready[0], buf, 1) == 1;
	if (!tap(c, "hog: %ld MB mlocked on node %d in %.1f s; node %d MemFree now %ld kB",
		   hog_kb >> 10, full, nt_now() - start, full, nt_node_free_kb(full)))
		goto reap;

	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	for (c = 0; c < (int)ARRAY_SIZE(cases) && t != MAP_FAILED; c++) {
		memset(t, 0, sizeof(*t));
		t->name = cases[c].name;
		t->npages = NPAGES;
		t->cpu = -1;
		t->status = mmap(NULL, NPAGES * sizeof(int), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		t->ilx0 = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		t->bad = (long *)(t->ilx0 + 1);
		if (t->status == MAP_FAILED || t->ilx0 == MAP_FAILED)
			break;
		if (cases[c].uses_full && !relevel(t->name, hold[1], ready[0])) {
			munmap(t->status, NPAGES * sizeof(int));
			munmap(t->ilx0, 4096);
			continue;
		}
		start = nt_now();
		cases[c].run(t);
		diag("%s: %.1f s", t->name, nt_now() - start);
		munmap(t->status, NPAGES * sizeof(int));
		munmap(t->ilx0, 4096);
	}
reap:
	close(hold[1]);
	status = -1;
	if (pid > 0)
		waitpid(pid, &status, 0);
	tap(WIFEXITED(status) && !WEXITSTATUS(status),
	    "hog exited normally (status 0x%x), memory.events oom_kill %ld", status,
	    cg_keyed(hog_cg, "memory.events", "oom_kill"));
	tap(vmstat("oom_kill") == vm_start, "/proc/vmstat oom_kill unchanged (+%ld)",
	    vmstat("oom_kill") - vm_start);
out:
	nt_cg_enter(self_cg);
	nt_cg_rmtree(top);
	return tap_done();
}
