// SPDX-License-Identifier: GPL-2.0
/*
 * mpol_stress - concurrency stress for the mpol controller.
 *
 *   mpol_stress [-t SECONDS] [-s SEED] [-p USEC] [-B]
 *
 * -p makes the mpol.policy/mpol.weights writers pause USEC between writes
 * (default 0: as fast as they can), to compare the other operations'
 * latencies with and without that load.
 * -B breaks the placement check on purpose (the highest node of each
 * cgroup's allowed set is left out of it): the run must then fail, which
 * shows that the check can.
 *
 * Runs for SECONDS (default: $STRESS_SECONDS, else 120).  The nodes used
 * are $MPOL_STRESS_NODES (default: every node with memory), of which the
 * first four are taken; hot-pluggable nodes must be left out by the caller.
 *
 * Under S = /sys/fs/cgroup/mpol_stress (cpuset.mems = the four nodes
 * A B C D) three worker cgroups w0..w2 hold worker processes, two threads
 * each, that map, fault (4 KiB pages, and THP through MADV_HUGEPAGE),
 * tag, query (move_pages(2) without target nodes), verify and unmap
 * memory in a loop.  Meanwhile, as fast as they can:
 *  - one thread per cgroup (S, w0, w1, w2) rewrites mpol.policy, another
 *    one its mpol.weights (one or two lines a write);
 *  - a thread flips the cpuset.mems of w0..w2 between two nested sets;
 *  - a thread writes the global weights in sysfs;
 *  - a thread moves worker processes between w0..w2;
 *  - a process creates S/cK and S/cK/d with random policies, weights and
 *    mems, runs a short-lived task in d that checks its own pages, and
 *    removes both again.
 *
 * What "allowed" means.  cpuset.mems is a hard limit; the controller only
 * picks nodes inside it, and falls back to all of it when a NODELIST has
 * no node in common with it.  So each cgroup's writers pick policies from
 * a fixed menu, and cpuset.mems alternates between two nested sets (big
 * and small); the nodes a page may be on are then the union over the
 * menu and both sets of nodes(policy, mems):
 *	explicit NODELIST:   NODELIST & mems, or mems if that is empty
 *	MODE without list:   mems
 *	local:               the CPU nodes if all of them are in mems (the
 *	                     task runs on any CPU), else mems
 *	inherit:             the same over the parent's menu
 * plus the small set, where a shrinking cpuset.mems migrates pages of
 * the removed node (nested sets: pages on kept nodes are not moved).
 * The menus are chosen so that this union is smaller than cpuset.mems:
 *	w0: mems {A,B,C} / {A,B}, policies within {A,B}:  allowed {A,B}
 *	w1: mems {B,C,D} / {C,D}, policies within {C,D}
 *	    (and one that names A, outside mems):          allowed {C,D}
 *	w2: mems {C,D} / {D}, mostly policies outside mems
 *	    (fallbacks), "local", MODE without list:       allowed {C,D}
 * so a page on a node the policy excludes, and not only one outside
 * cpuset.mems, is caught.  A worker that is moved during a sample window
 * may have its pages migrated by cpuset from the old cgroup's mems to the
 * new one's (node remapping, regardless of policy), so for such a window
 * the allowed set is the union of allowed set and mems of every cgroup it
 * was in; the mover and the workers track that in shared memory.  Memory
 * stays small (~75 MiB of 2.5 GiB), so no node fills up and "fallback
 * because the node is full" does not happen.
 *
 * Memory pressure.  A fourth cgroup w3 (a sibling of S, so that S's
 * subtree gets no memory controller of its own) has memory.max W3_MAX, half
 * of what its two sweeper processes touch (W3_TOUCH each: 4 KiB pages and
 * two huge pages), so reclaim, swap-out and swap-in run in it throughout,
 * while its policy, weights and cpuset.mems are rewritten like the others':
 *	w3: mems {A,C,D} / {C,D}, policies within {C,D}
 *	    (and one that names B, outside mems):          allowed {C,D}
 * A page that came back from swap is placed by the policy of the task that
 * faulted at that time; swap-in readahead reads whole clusters of the swap
 * device (rotational: no per-VMA readahead), i.e. pages of other tasks
 * too, placed by the faulting task's policy.  So only tasks that never
 * leave w3 may have pages in swap: the sweepers (not moved), with nothing
 * else under pressure (w0..w2 and the churn cgroups have no limit, the
 * shared memory is faulted by the main process before the fork).  Then
 * every page of a sweeper, whenever it was allocated, must be on w3's
 * allowed set; a page on A (inside the big cpuset.mems) is where the
 * default local policy of CPU 0 would put it.  The sweepers go over their
 * memory in order (verify the stamp of each page, re-stamp it in two
 * passes of three, query the nodes of each step); the huge pages are made
 * anew every SWEEP_THP_EVERY passes and counted when they come back split
 * (the workers' THP counts are not affected: w0..w2 have no pressure).
 * The run fails if w3 did not reclaim (memory.events max), swap out and
 * swap in (workingset_refault_anon, /proc/vmstat pswpout/pswpin, pages
 * the sweepers found swapped out and read back intact) at least
 * SWAPIN_PER_S pages per second of the run, or had an OOM kill.
 *
 * After each window without a move, a worker also checks that its own
 * mems_allowed lies within its cgroup's cpuset.mems: a page outside
 * cpuset.mems with stale mems_allowed is cpuset's problem, not mpol's.
 *
 * Migration (mpol.migrate; left out on a kernel without it).  S runs
 * with "on 32M", w0 inherits it, w1 has "on" (32M), w3 "on 16M", w2
 * "off", the churn cgroups cK and cK/d random settings; one more
 * writer per cgroup (S, w0..w3) flips mpol.migrate through a menu that
 * keeps that character (on with other rates, "pass", now and then "off";
 * w2 only "off" and "pass", so its effective value stays "off"), with a
 * pause of MIG_PAUSE_US.  Every policy, weight, sysfs weight write and
 * move then also starts, retargets or ends passes that move resident
 * pages.  How the node checks stay exact with pages moving: a pass moves
 * a page to where a fault of the task would put it at that moment (the
 * node of nodes(policy, mems) for the policy and mems_allowed the pass
 * read), which is a node of the same union over the menu and both mems
 * sets; a pass of a cgroup a worker just joined moves its pages to that
 * cgroup's nodes, within what a window overlapping the move allows; and
 * a pass never touches a worker once it left (it checks membership at
 * each batch, and a batch holds mmap_lock, which the worker's next mmap
 * waits for).  So every sampled page, the sweepers' long-lived pages (w3
 * migrates: reclaim, swap and migration on the same pages) included, is
 * still checked against the allowed set of the moment.  What is not
 * node-checked: each worker thread also keeps a long-lived region
 * (RES_SMALL of 4 KiB pages and a huge page) whose stamps it verifies
 * every round: its pages were faulted in whichever cgroup the worker was
 * in then, and a move into a cgroup without migration leaves them there,
 * so any node of any cgroup's allowed set would do (the check would say
 * nothing).  Its contents are checked, and it is the memory the passes
 * of w0 and w1 have to move.  A thread reads the mpol.stat of S, w0..w3
 * throughout and checks every read (invariants, no counter going back);
 * the churner checks the mpol.stat of its cgroups before removing them.
 * At the end the writers stop (the workers and sweepers go on), w0, w1,
 * w3 get one more policy and a "pass" each, which must complete; then
 * the workers stop, every pass must end within END_WAIT_S, mpol.migrate
 * and .effective must match the last writes, S (no member processes)
 * must have scanned nothing, and w0, w1 and w3 must have moved pages.
 *
 * At the end: every worker, sweeper and short-lived task exited 0, no
 * OOM kill, every control write succeeded, and each cgroup's mpol.policy,
 * mpol.weights, their .effective files and cpuset.mems are what the last
 * writes imply (the writers record their last successful write; one
 * writer per file).  Operation counts are printed as "# ops: ...".
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "mpolt.h"

#define fallthrough __attribute__((__fallthrough__))

#define NR_WGROUPS	3		/* w0..w2: the workers' groups */
#define NR_GROUPS	4		/* and w3: the sweepers' */
#define W3		3
#define W3_PATH		MPOLT_CGROOT "/mpol_stress_w3"
#define W3_MAX		"12M"		/* memory.max of w3 */
#define NR_SWEEPERS	2		/* processes in w3 */
#define SWEEP_SMALL	(8UL << 20)	/* 4 KiB pages of a sweeper */
#define SWEEP_THP	(4UL << 20)	/* and its two huge pages */
#define W3_TOUCH	((SWEEP_SMALL + SWEEP_THP) >> 20)	/* MiB */
#define SWEEP_STEP	64		/* pages per step of a sweep */
#define SWEEP_THP_EVERY	4		/* passes per new huge pages */
#define SWAPIN_PER_S	8		/* pages from swap a second, at least */
#define SWAPIN_MAX	4096		/* (a soak needs no more) */
#define HPAGE		(2UL << 20)
#define NR_WORKERS	6		/* processes */
#define NR_THREADS	2		/* per worker */
#define SMALL_PAGES	64		/* 4 KiB pages per small sample */
#define THP_SIZE	(4UL << 20)	/* two huge pages per THP sample */
#define PAGE		4096UL
#define MAX_VIOL	16
#define MAX_ERRS	16
#define S_PATH		MPOLT_CGROOT "/mpol_stress"
#define RES_SMALL	256		/* 4 KiB pages of a resident region */
#define RES_RESTAMP	8		/* rounds per new stamps */
#define MIG_PAUSE_US	2000		/* between mpol.migrate writes */
#define CALM_WAIT_S	120		/* the last passes, at most */
#define END_WAIT_S	15		/* passes end after the workers did */

/* Policies of a menu */
enum { P_INH, P_LOCAL, P_EVERY, P_NODES };

/* mpol.migrate values of a menu */
enum { MG_INH, MG_OFF, MG_ON, MG_PASS };

struct mig {
	int kind;
	const char *write;	/* what is written */
	const char *show;	/* what mpol.migrate shows after it */
	uint64_t rate;		/* of MG_ON, 0 for the default */
};

struct pol {
	int kind;
	const char *mode;	/* NULL for inherit and local */
	uint64_t nodes;		/* P_NODES: the NODELIST */
	bool scramble;		/* write the list in a non-canonical form */
};

#define MENU_MAX	8

struct group {
	const char *name;
	char path[128];
	const struct group *parent;	/* NULL: the root's child */
	uint64_t big, small;	/* cpuset.mems alternatives (w0..w2) */
	struct pol menu[MENU_MAX];
	int nr_menu;
	uint64_t allowed;	/* computed: see the top comment */
	uint64_t mems_union;
	/* the last successful writes (one writer per file) */
	int last_pol;		/* index into menu, -1: none yet (inherit) */
	unsigned int w[MPOLT_MAXNODE];
	uint64_t last_mems;
	/* mpol.migrate: its menu (the first entry is set at setup) */
	const struct mig *mig;
	int nr_mig, last_mig;
	int calm_pol;		/* the policy of the end, -1: none */
	struct migstat stat;	/* the stat reader's last read */
};

/* One worker process, shared with the mover */
struct wproc {
	pthread_mutex_t lock;
	int cur;			/* the group it is in */
	int pending;			/* moves in flight */
	unsigned int mask[NR_THREADS];	/* groups seen in the window */
	bool moved[NR_THREADS];		/* a move overlapped the window */
	pid_t pid;
	/* the last moves, for the report of a misplaced page */
	struct { int from, to; long t0, t1; } log[8];
	unsigned int nlog;
};

struct viol {
	int who;		/* worker*NR_THREADS+thread; -1: churn task; */
				/* -2 - N: sweeper N */
	int node;
	uint64_t allowed;
	unsigned int groups;
	bool moved, thp;
	long w0, w1;		/* the sample window, us */
	char mems[32];		/* the task's Mems_allowed_list, right after */
	char cgroup[64];	/* and its cgroup */
};

/* Line @key of /proc/thread-self/status, or "?" */
static void task_info(char *mems, size_t msize, char *cg, size_t csize)
{
	char buf[4096], *p, *e;

	snprintf(mems, msize, "?");
	snprintf(cg, csize, "?");
	p = NULL;
	if (read_file("/proc/thread-self/status", buf, sizeof(buf)) > 0)
		p = strstr(buf, "Mems_allowed_list:");
	if (p) {
		p += strlen("Mems_allowed_list:");
		p += strspn(p, " \t");
		e = strchr(p, '\n');
		snprintf(mems, msize, "%.*s", e ? (int)(e - p) : 8, p);
	}
	if (read_file("/proc/self/cgroup", buf, sizeof(buf)) > 0) {
		e = strchr(buf, '\n');
		if (e)
			*e = '\0';
		snprintf(cg, csize, "%.60s", buf);
	}
}

/* Shared by every process of the test (MAP_SHARED) */
struct shared {
	volatile int stop;
	volatile int go;
	long faults, checked, unknown, thp_samples, small_samples;
	long unknown_by[4];	/* ENOENT, EBUSY, EFAULT, other */
	long corrupt;
	long policy_writes, weight_writes, moves, mkdirs, rmdirs;
	long sysfs_writes, cpuset_writes, churn_tasks, rmdir_busy;
	long errors;		/* control writes that failed */
	long thp_backed;	/* THP samples that got a huge page */
	long stale_mems;	/* samples whose task had mems outside cpuset's */
	char stale_msg[160];
	long lat_sum[3], lat_max[3];	/* us: move, cpuset.mems, mkdir+rmdir */
	long nviol;
	/* the sweepers in w3 */
	long sweep_passes, sweep_verified;
	long sweep_swapped;	/* verified pages that were swapped out */
	long sweep_checked, sweep_unknown, sweep_viol, sweep_bad;
	long sweep_thp, sweep_thp_huge, sweep_thp_split;
	char sweep_msg[192];	/* the first bad stamp */
	/* migration */
	long mig_writes, pass_writes;
	long stat_reads, stat_bad;	/* mpol.stat reads, broken ones */
	char stat_msg[256];
	long res_verified, res_bad;	/* workers' resident pages */
	char res_msg[160];
	int calm;		/* the writers stop, the workers go on */
	long nrec;		/* entries of viol[] used (of both kinds) */
	struct viol viol[MAX_VIOL];
	char errmsg[MAX_ERRS][160];
	struct wproc w[NR_WORKERS];
};

static struct shared *sh;
static __thread long window_t0;	/* start of a worker's sample window */
static struct group S, G[NR_GROUPS];
static uint64_t node[4];		/* A B C D as masks */
static uint64_t all4, cpu_nodes, possible;
static unsigned int global_w[MPOLT_MAXNODE], global_orig[MPOLT_MAXNODE];
static uint64_t seed = 0x5354524553ULL;
static bool sabotage;
static long pause_us;
static bool has_migrate;	/* the kernel has mpol.migrate */

#define inc(field)	__atomic_add_fetch(&sh->field, 1, __ATOMIC_RELAXED)
#define add(field, n)	__atomic_add_fetch(&sh->field, (n), __ATOMIC_RELAXED)

/* Per-thread PRNG (xorshift64*) */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static unsigned int rn(uint64_t *s, unsigned int n)
{
	return rnd(s) % n;
}

static void __attribute__((format(printf, 1, 2))) error(const char *fmt, ...)
{
	long n = inc(errors) - 1;
	va_list ap;

	if (n >= MAX_ERRS)
		return;
	va_start(ap, fmt);
	vsnprintf(sh->errmsg[n], sizeof(sh->errmsg[n]), fmt, ap);
	va_end(ap);
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* Account the latency of one operation of kind @k that started at @t0 */
static void lat(int k, long t0)
{
	long d = now_us() - t0, max = sh->lat_max[k];

	add(lat_sum[k], d);
	while (d > max && !__atomic_compare_exchange_n(&sh->lat_max[k], &max,
							d, false,
							__ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
		;
}

/*
 * Is the page at @addr part of a transparent huge page?  pagemap gives
 * the PFN (root only), kpageflags its flags (KPF_THP is bit 22).
 */
static bool is_thp(void *addr)
{
	static __thread int pm = -1, kf = -1;
	uint64_t ent, flags;

	if (pm < 0)
		pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (kf < 0)
		kf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (pread(pm, &ent, 8, (uintptr_t)addr / PAGE * 8) != 8 ||
	    !(ent >> 63) || !(ent & ((1ULL << 55) - 1)))
		return false;
	if (pread(kf, &flags, 8, (ent & ((1ULL << 55) - 1)) * 8) != 8)
		return false;
	return flags & (1ULL << 22);
}

static bool stopped(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED);
}

/* The writers, the mover and the churner stop here; workers go on */
static bool calmed(void)
{
	return stopped() || __atomic_load_n(&sh->calm, __ATOMIC_RELAXED);
}

/*
 * Read the mpol.stat of @path into @st and check it against the
 * invariants and, if @last, against the previous read; a bad one counts
 * in stat_bad (the first is kept).  False if unreadable.
 */
static bool stat_check(const char *path, struct migstat *st,
		       const struct migstat *last)
{
	bool readable, ok;
	char why[160];

	inc(stat_reads);
	readable = !migstat_read(path, st, why, sizeof(why));
	ok = readable && migstat_ok(st, why, sizeof(why)) &&
	     (!last || migstat_monotonic(last, st, why, sizeof(why)));
	if (!ok && inc(stat_bad) == 1)
		snprintf(sh->stat_msg, sizeof(sh->stat_msg), "%.60s: %s",
			 path + strlen(MPOLT_CGROOT), why);
	return readable;
}

/* --- allowed nodes ------------------------------------------------------ */

static uint64_t pol_nodes(const struct pol *p, const struct group *parent,
			  uint64_t mems);

static uint64_t menu_nodes(const struct group *g, uint64_t mems)
{
	uint64_t u = 0;
	int i;

	for (i = 0; i < g->nr_menu; i++)
		u |= pol_nodes(&g->menu[i], g->parent, mems);
	return u;
}

/* Where an allocation under @p may land while cpuset.mems is @mems */
static uint64_t pol_nodes(const struct pol *p, const struct group *parent,
			  uint64_t mems)
{
	switch (p->kind) {
	case P_INH:
		if (parent)
			return menu_nodes(parent, mems);
		/* the root's policy is local */
		fallthrough;
	case P_LOCAL:
		return (cpu_nodes & mems) == cpu_nodes ? cpu_nodes : mems;
	case P_EVERY:
		return mems;
	default:
		return p->nodes & mems ? p->nodes & mems : mems;
	}
}

/* --- policy text --------------------------------------------------------- */

/* What is written; a NODELIST sometimes in reverse and with a range */
static void pol_write_text(const struct pol *p, char *buf, size_t size)
{
	char list[128];
	size_t off = 0;
	int n;

	if (p->kind == P_INH || p->kind == P_LOCAL) {
		snprintf(buf, size, "%s", p->kind == P_LOCAL ? "local" :
			 "inherit");
		return;
	}
	if (p->kind == P_EVERY) {
		snprintf(buf, size, "%s", p->mode);
		return;
	}
	if (!p->scramble) {
		snprintf(buf, size, "%s:%s", p->mode,
			 fmt_nodes(p->nodes, list, sizeof(list)));
		return;
	}
	list[0] = '\0';
	for (n = MPOLT_MAXNODE - 1; n >= 0; n--)
		if (p->nodes & (1ULL << n))
			off += snprintf(list + off, sizeof(list) - off, "%s%d",
					off ? "," : "", n);
	snprintf(buf, size, "%s:%s\n", p->mode, list);
}

/* What mpol.policy shows for it */
static void pol_show_text(const struct pol *p, char *buf, size_t size)
{
	char list[128];

	if (p->kind == P_INH || p->kind == P_LOCAL)
		snprintf(buf, size, "%s\n", p->kind == P_LOCAL ? "local" :
			 "inherit");
	else if (p->kind == P_EVERY)
		snprintf(buf, size, "%s\n", p->mode);
	else
		snprintf(buf, size, "%s:%s\n", p->mode,
			 fmt_nodes(p->nodes, list, sizeof(list)));
}

static void menu_add(struct group *g, int kind, const char *mode,
		     uint64_t nodes, bool scramble)
{
	struct pol *p = &g->menu[g->nr_menu++];

	p->kind = kind;
	p->mode = mode;
	p->nodes = nodes;
	p->scramble = scramble;
}

static void group_path(struct group *g, const char *name)
{
	g->name = name;
	g->parent = *name ? &S : NULL;
	snprintf(g->path, sizeof(g->path), "%s%s%s", S_PATH, *name ? "/" : "",
		 name);
}

/* --- control files ------------------------------------------------------ */

static bool ctl_write(const char *dir, const char *file, const char *val)
{
	char path[256];
	ssize_t ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ret = write_str(path, val);
	if (ret == (ssize_t)strlen(val))
		return true;
	error("writing \"%s\" to %s: %s", val, path,
	      ret < 0 ? strerror(-ret) : "short write");
	return false;
}

static void ctl_write_must(const char *dir, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (write_str(path, val) < 0)
		bail("writing \"%s\" to %s: %s", val, path, strerror(errno));
}

/* A control file of one number, or -1 */
static long cg_num(const char *dir, const char *file)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return read_file(path, buf, sizeof(buf)) > 0 ? atol(buf) : -1;
}

static bool mkdir_cg(const char *path)
{
	if (!mkdir(path, 0755))
		return true;
	error("mkdir %s: %s", path, strerror(errno));
	return false;
}

/* rmdir, retrying while the last task's exit is still being released */
static bool rmdir_cg(const char *path)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (!rmdir(path))
			return true;
		if (errno != EBUSY)
			break;
		inc(rmdir_busy);
		usleep(1000);
	}
	error("rmdir %s: %s", path, strerror(errno));
	return false;
}

/* --- the sampling in workers and churn tasks -------------------------- */

/* Count a page on a forbidden node in *@count; keep the first ones */
static void viol_add(long *count, struct viol v)
{
	long k;

	__atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
	k = inc(nrec) - 1;
	if (k >= MAX_VIOL)
		return;
	v.w0 = window_t0;
	v.w1 = now_us();
	task_info(v.mems, sizeof(v.mems), v.cgroup, sizeof(v.cgroup));
	sh->viol[k] = v;
}

/*
 * Map, fault and tag @len bytes (THP or 4 KiB pages), query the node of
 * every 4 KiB page, then verify the tags.  Each node is checked against
 * the mask that *allowed() returns after the query, so the window covers
 * the faults and the query.  Returns false on an internal error.
 */
static bool sample(bool thp, int who, uint64_t (*allowed)(void *, bool *,
							   unsigned int *),
		   void *arg, uint64_t tag)
{
	size_t len = thp ? THP_SIZE : SMALL_PAGES * PAGE;
	size_t n = len / PAGE, i;
	static __thread void **pages;
	static __thread int *status;
	unsigned int groups = 0;
	bool moved = false;
	uint64_t ok_nodes;
	char *raw, *buf;
	long ret;

	if (!pages) {
		pages = malloc(sizeof(*pages) * (THP_SIZE / PAGE));
		status = malloc(sizeof(*status) * (THP_SIZE / PAGE));
		if (!pages || !status)
			return false;
	}
	/* 2 MiB alignment, so that THP can be used */
	raw = mmap(NULL, len + (2UL << 20), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return false;
	buf = (char *)(((uintptr_t)raw + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	madvise(buf, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++) {
		uint64_t *p = (uint64_t *)(buf + i * PAGE);

		p[0] = tag ^ i;
		p[1] = ~(tag ^ i);
		pages[i] = p;
	}
	ret = syscall(__NR_move_pages, 0, n, pages, NULL, status, 0);
	ok_nodes = allowed(arg, &moved, &groups);
	if (ret < 0) {
		munmap(raw, len + (2UL << 20));
		return false;
	}
	add(faults, thp ? 2 : n);
	add(checked, n);
	if (thp) {
		inc(thp_samples);
		if (is_thp(buf) && is_thp(buf + (2UL << 20)))
			inc(thp_backed);
	} else {
		inc(small_samples);
	}
	for (i = 0; i < n; i++) {
		uint64_t *p = (uint64_t *)pages[i];
		long k;

		if (p[0] != (tag ^ i) || p[1] != ~(tag ^ i))
			inc(corrupt);
		if (status[i] < 0) {
			/* not mapped right now: under migration */
			inc(unknown);
			k = status[i] == -ENOENT ? 0 : status[i] == -EBUSY ?
			    1 : status[i] == -EFAULT ? 2 : 3;
			add(unknown_by[k], 1);
			continue;
		}
		if (status[i] < MPOLT_MAXNODE &&
		    (ok_nodes & (1ULL << status[i])))
			continue;
		viol_add(&sh->nviol, (struct viol){ .who = who,
			 .node = status[i], .allowed = ok_nodes,
			 .groups = groups, .moved = moved, .thp = thp });
	}
	munmap(raw, len + (2UL << 20));
	return true;
}

struct wthread {
	int w, t;
	uint64_t rng;
};

/*
 * A worker thread's long-lived memory, which the passes have to move:
 * RES_SMALL 4 KiB pages and one huge page (2 MiB aligned, MADV_HUGEPAGE),
 * each 4 KiB page stamped with its key and generation at both ends.
 */
struct resident {
	char *raw, *huge, *small;
	uint64_t key;
	long gen;
};

#define RES_PAGES	(RES_SMALL + HPAGE / PAGE)

static uint64_t *res_page(struct resident *r, long i)
{
	return (uint64_t *)(i < (long)(HPAGE / PAGE) ? r->huge + i * PAGE :
			    r->small + (i - HPAGE / PAGE) * PAGE);
}

static void res_stamp(struct resident *r)
{
	long i;

	for (i = 0; i < (long)RES_PAGES; i++) {
		uint64_t *p = res_page(r, i), key = r->key ^ i;

		p[0] = key;
		p[1] = r->gen;
		p[PAGE / 8 - 1] = ~(key ^ r->gen);
	}
}

static bool res_setup(struct resident *r, uint64_t key)
{
	size_t len = 2 * HPAGE + RES_SMALL * PAGE;

	r->raw = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->raw == MAP_FAILED)
		return false;
	r->huge = (char *)(((uintptr_t)r->raw + HPAGE - 1) & ~(HPAGE - 1));
	r->small = r->huge + HPAGE;
	madvise(r->huge, HPAGE, MADV_HUGEPAGE);
	madvise(r->small, RES_SMALL * PAGE, MADV_NOHUGEPAGE);
	r->key = key;
	r->gen = 0;
	res_stamp(r);
	return true;
}

/* Verify every stamp; every RES_RESTAMP rounds stamp a new generation */
static void res_round(struct resident *r, int who, uint64_t round)
{
	long i, bad = 0;

	for (i = 0; i < (long)RES_PAGES; i++) {
		uint64_t *p = res_page(r, i), key = r->key ^ i;

		if (p[0] == key && p[1] == (uint64_t)r->gen &&
		    p[PAGE / 8 - 1] == ~(key ^ r->gen))
			continue;
		if (!bad++ && inc(res_bad) == 1)
			snprintf(sh->res_msg, sizeof(sh->res_msg),
				 "worker thread %d page %ld: %016llx %llu %016llx, expected %016llx %ld",
				 who, i, (unsigned long long)p[0],
				 (unsigned long long)p[1],
				 (unsigned long long)p[PAGE / 8 - 1],
				 (unsigned long long)key, r->gen);
	}
	if (bad > 1)
		add(res_bad, bad - 1);
	add(res_verified, RES_PAGES - bad);
	if (!(round % RES_RESTAMP)) {
		r->gen++;
		res_stamp(r);
	}
}

static int wt_who(const struct wthread *wt)
{
	return wt->w * NR_THREADS + wt->t;
}

/* Start of a sample window of worker thread @wt */
static void window_start(struct wthread *wt)
{
	struct wproc *wp = &sh->w[wt->w];

	window_t0 = now_us();
	pthread_mutex_lock(&wp->lock);
	/* with a move in flight, the mask already holds both cgroups */
	if (!wp->pending) {
		wp->mask[wt->t] = 1U << wp->cur;
		wp->moved[wt->t] = false;
	}
	pthread_mutex_unlock(&wp->lock);
}

static uint64_t worker_allowed(void *arg, bool *moved, unsigned int *groups)
{
	struct wthread *wt = arg;
	struct wproc *wp = &sh->w[wt->w];
	uint64_t ok = 0;
	int g;

	pthread_mutex_lock(&wp->lock);
	*groups = wp->mask[wt->t];
	*moved = wp->moved[wt->t];
	pthread_mutex_unlock(&wp->lock);
	for (g = 0; g < NR_GROUPS; g++)
		if (*groups & (1U << g))
			ok |= G[g].allowed | (*moved ? G[g].mems_union : 0);
	return ok;
}

/*
 * After a window without a move: the task's mems_allowed must lie within
 * its cgroup's cpuset.mems (either of the two sets).  Tells a page placed
 * through stale mems_allowed (cpuset) apart from a policy problem.
 */
static void check_mems(struct wthread *wt)
{
	struct wproc *wp = &sh->w[wt->w];
	char mems[32], cg[64];
	uint64_t m;
	bool mv;
	int cur;

	task_info(mems, sizeof(mems), cg, sizeof(cg));
	if (parse_nodes(mems, &m))
		return;
	pthread_mutex_lock(&wp->lock);
	mv = wp->moved[wt->t];
	cur = wp->cur;
	pthread_mutex_unlock(&wp->lock);
	if (mv || !(m & ~G[cur].mems_union))
		return;
	if (inc(stale_mems) == 1)
		snprintf(sh->stale_msg, sizeof(sh->stale_msg),
			 "worker %d in w%d (%s), cpuset.mems within %llx: Mems_allowed_list %s",
			 wt->w, cur, cg, (unsigned long long)G[cur].mems_union,
			 mems);
}

static void *worker_thread(void *arg)
{
	struct wthread *wt = arg;
	int who = wt_who(wt);
	struct resident res;
	uint64_t iter = 0;

	setpriority(PRIO_PROCESS, gettid(), 5);
	if (!res_setup(&res, 0x5245534944000000ULL ^ ((uint64_t)who << 32))) {
		error("worker %d thread %d: mmap: %s", wt->w, wt->t,
		      strerror(errno));
		return (void *)1;
	}
	while (!stopped()) {
		bool thp = rn(&wt->rng, 3) == 0;

		res_round(&res, who, iter);
		window_start(wt);
		if (!sample(thp, who, worker_allowed, wt,
			    ((uint64_t)wt->w << 48) ^ (iter++ << 8) ^ wt->t)) {
			error("worker %d thread %d: mmap/move_pages: %s",
			      wt->w, wt->t, strerror(errno));
			return (void *)1;
		}
		check_mems(wt);
	}
	res_round(&res, who, 1);
	munmap(res.raw, 2 * HPAGE + RES_SMALL * PAGE);
	return NULL;
}

static int worker_main(int w)
{
	struct wthread wt[NR_THREADS];
	pthread_t tid[NR_THREADS];
	int t, fail = 0;
	void *ret;

	/* run in the cgroup the parent put us in before faulting anything */
	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		usleep(1000);
	for (t = 0; t < NR_THREADS; t++) {
		wt[t] = (struct wthread){ .w = w, .t = t,
			.rng = seed ^ (w * 131 + t + 1) * 0x9e3779b97f4a7c15ULL };
		if (pthread_create(&tid[t], NULL, worker_thread, &wt[t]))
			return 2;
	}
	for (t = 0; t < NR_THREADS; t++) {
		pthread_join(tid[t], &ret);
		fail |= ret != NULL;
	}
	return fail ? 2 : 0;
}

/* --- sweepers: memory pressure in w3 ------------------------------------ */

struct sweeper {
	int id;
	int pm;			/* /proc/self/pagemap */
	char *small;		/* SWEEP_SMALL of 4 KiB pages */
	char *thp_raw, *thp;	/* SWEEP_THP, 2 MiB aligned */
	bool huge[SWEEP_THP / HPAGE];	/* got a huge page when made */
};

static uint64_t sweep_key(int id, uint64_t idx)
{
	return 0x5357454550000000ULL ^ ((uint64_t)id << 40) ^ idx;
}

/* A page's stamp: its key and the pass that wrote it, at both ends */
static void stamp(uint64_t *p, uint64_t key, long pass)
{
	p[0] = key;
	p[1] = pass;
	p[PAGE / 8 - 1] = ~(key ^ pass);
}

/*
 * One step of a sweep over @n (<= SWEEP_STEP) pages at @base, region index
 * @idx: note which ones are swapped out (pagemap), verify the stamps of
 * pass @was (none if < 0: new memory), stamp them with pass @now (none if
 * < 0, except a bad one), then check the node of each page.  A sweeper
 * stays in w3, so every page, whenever it came in, must be on w3's
 * allowed set.
 */
static void sweep_step(struct sweeper *sw, char *base, size_t n, uint64_t idx,
		       long was, long now, bool thp)
{
	uint64_t ent[SWEEP_STEP], ok_nodes = G[W3].allowed;
	long verified = 0, swapped = 0, unknown = 0;
	ssize_t size = n * sizeof(ent[0]);
	void *pages[SWEEP_STEP];
	int status[SWEEP_STEP];
	size_t i;

	window_t0 = now_us();
	if (pread(sw->pm, ent, size, (uintptr_t)base / PAGE * 8) != size)
		memset(ent, 0, sizeof(ent));
	for (i = 0; i < n; i++) {
		uint64_t *p = (uint64_t *)(base + i * PAGE);
		uint64_t key = sweep_key(sw->id, idx + i);
		bool bad = false;

		pages[i] = p;
		if (was >= 0) {
			bad = p[0] != key || p[1] != (uint64_t)was ||
			      p[PAGE / 8 - 1] != ~(key ^ was);
			/* bit 62: swapped (a swap entry in the PTE) */
			swapped += !bad && (ent[i] >> 62 & 1);
			verified += !bad;
		}
		if (bad && inc(sweep_bad) == 1)
			snprintf(sh->sweep_msg, sizeof(sh->sweep_msg),
				 "sweeper %d page %llu (%s): %016llx %llu %016llx, expected %016llx %ld",
				 sw->id, (unsigned long long)(idx + i),
				 ent[i] >> 62 & 1 ? "was swapped out" :
				 "was resident", (unsigned long long)p[0],
				 (unsigned long long)p[1],
				 (unsigned long long)p[PAGE / 8 - 1],
				 (unsigned long long)key, was);
		if (now >= 0 || bad)
			stamp(p, key, now >= 0 ? now : was);
	}
	add(sweep_verified, verified);
	add(sweep_swapped, swapped);
	if (syscall(__NR_move_pages, 0, n, pages, NULL, status, 0) < 0) {
		error("sweeper %d: move_pages: %s", sw->id, strerror(errno));
		return;
	}
	add(sweep_checked, n);
	for (i = 0; i < n; i++) {
		if (status[i] < 0) {
			/* reclaimed (or migrating) again meanwhile */
			unknown++;
			continue;
		}
		if (status[i] >= MPOLT_MAXNODE ||
		    !(ok_nodes & (1ULL << status[i])))
			viol_add(&sh->sweep_viol, (struct viol){
				 .who = -2 - sw->id, .node = status[i],
				 .allowed = ok_nodes, .thp = thp });
	}
	add(sweep_unknown, unknown);
}

/* Sweep @len bytes at @base (index @idx); false once the run stops */
static bool sweep(struct sweeper *sw, char *base, size_t len, uint64_t idx,
		  long was, long now, bool thp)
{
	size_t n = len / PAGE, i;

	for (i = 0; i < n; i += SWEEP_STEP) {
		if (stopped())
			return false;
		sweep_step(sw, base + i * PAGE, n - i < SWEEP_STEP ? n - i :
			   SWEEP_STEP, idx + i, was, now, thp);
	}
	return true;
}

/*
 * New huge pages: fault each with one store, count the huge ones, and
 * take MADV_HUGEPAGE back at once: khugepaged must not collapse the range
 * later, as it would swap pages of it in under its own policy.
 */
static bool sweep_new_thp(struct sweeper *sw)
{
	size_t h;

	if (sw->thp_raw)
		munmap(sw->thp_raw, SWEEP_THP + HPAGE);
	sw->thp_raw = mmap(NULL, SWEEP_THP + HPAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sw->thp_raw == MAP_FAILED) {
		sw->thp_raw = NULL;
		return false;
	}
	sw->thp = (char *)(((uintptr_t)sw->thp_raw + HPAGE - 1) & ~(HPAGE - 1));
	madvise(sw->thp, SWEEP_THP, MADV_HUGEPAGE);
	for (h = 0; h < SWEEP_THP / HPAGE; h++) {
		sw->thp[h * HPAGE] = 1;
		sw->huge[h] = is_thp(sw->thp + h * HPAGE);
		inc(sweep_thp);
		if (sw->huge[h])
			inc(sweep_thp_huge);
	}
	madvise(sw->thp, SWEEP_THP, MADV_NOHUGEPAGE);
	return true;
}

/* Huge pages that are no longer huge when first read again */
static void sweep_count_split(struct sweeper *sw)
{
	size_t h;

	for (h = 0; h < SWEEP_THP / HPAGE; h++)
		if (sw->huge[h] && !is_thp(sw->thp + h * HPAGE))
			inc(sweep_thp_split);
}

/*
 * In pass k the 4 KiB pages are verified (k > 0) and re-stamped unless
 * k % 3 == 2 (read-only passes: clean swap-cache pages are reclaimed
 * without a write), the huge pages likewise since they were made.
 */
static int sweeper_main(int id)
{
	struct sweeper sw = { .id = id };
	long pass, small_w = -1, thp_w = -1;

	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		usleep(1000);
	sw.pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	sw.small = mmap(NULL, SWEEP_SMALL, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sw.pm < 0 || sw.small == MAP_FAILED) {
		error("sweeper %d: %s", id, strerror(errno));
		return 2;
	}
	madvise(sw.small, SWEEP_SMALL, MADV_NOHUGEPAGE);
	for (pass = 0; !stopped(); pass++) {
		long now = pass % 3 == 2 ? -1 : pass;

		if (!sweep(&sw, sw.small, SWEEP_SMALL, 0, small_w, now, false))
			break;
		if (now >= 0)
			small_w = now;
		if (!(pass % SWEEP_THP_EVERY)) {
			if (!sweep_new_thp(&sw)) {
				error("sweeper %d: mmap: %s", id,
				      strerror(errno));
				return 2;
			}
			thp_w = -1;
			now = pass;
		} else if (pass % SWEEP_THP_EVERY == 1) {
			sweep_count_split(&sw);
		}
		if (!sweep(&sw, sw.thp, SWEEP_THP, SWEEP_SMALL / PAGE, thp_w,
			   now, true))
			break;
		if (now >= 0)
			thp_w = now;
		inc(sweep_passes);
	}
	return 0;
}

/* --- writers (threads of the main process) ---------------------------- */

static void *policy_writer(void *arg)
{
	struct group *g = arg;
	uint64_t rng = seed ^ (uintptr_t)g;
	char buf[128];

	setpriority(PRIO_PROCESS, gettid(), 5);
	while (!calmed()) {
		int i = rn(&rng, g->nr_menu);

		pol_write_text(&g->menu[i], buf, sizeof(buf));
		if (ctl_write(g->path, "mpol.policy", buf))
			g->last_pol = i;
		inc(policy_writes);
		if (pause_us)
			usleep(pause_us);
	}
	return NULL;
}

/* One or, now and then, two lines ("NODE WEIGHT" or "NODE default") */
static void *weights_writer(void *arg)
{
	struct group *g = arg;
	uint64_t rng = seed ^ ((uintptr_t)g << 1);
	int range = 64 - __builtin_clzll(possible);
	char buf[64];

	setpriority(PRIO_PROCESS, gettid(), 5);
	while (!calmed()) {
		int nid[2], k, lines = rn(&rng, 4) ? 1 : 2;
		unsigned int w[2];
		size_t off = 0;

		for (k = 0; k < lines; k++) {
			do {
				nid[k] = rn(&rng, range);
			} while (!(possible & (1ULL << nid[k])) ||
				 (k && nid[k] == nid[0]));
			w[k] = rn(&rng, 4) ? 1 + rn(&rng, 255) : 0;
			if (w[k])
				off += snprintf(buf + off, sizeof(buf) - off,
						"%d %u\n", nid[k], w[k]);
			else
				off += snprintf(buf + off, sizeof(buf) - off,
						"%d default\n", nid[k]);
		}
		if (ctl_write(g->path, "mpol.weights", buf))
			for (k = 0; k < lines; k++)
				g->w[nid[k]] = w[k];
		inc(weight_writes);
		if (pause_us)
			usleep(pause_us);
	}
	return NULL;
}

/* mpol.migrate from the cgroup's menu, MIG_PAUSE_US apart */
static void *migrate_writer(void *arg)
{
	struct group *g = arg;
	uint64_t rng = seed ^ ((uintptr_t)g << 2);

	setpriority(PRIO_PROCESS, gettid(), 5);
	while (!calmed()) {
		int i = rn(&rng, g->nr_mig);

		if (ctl_write(g->path, "mpol.migrate", g->mig[i].write) &&
		    g->mig[i].kind != MG_PASS)
			g->last_mig = i;
		inc(mig_writes);
		if (g->mig[i].kind == MG_PASS)
			inc(pass_writes);
		usleep(MIG_PAUSE_US);
	}
	return NULL;
}

static void *cpuset_writer(void *arg)
{
	char list[128];
	int i = 0;

	(void)arg;
	while (!calmed()) {
		struct group *g = &G[i++ % NR_GROUPS];
		uint64_t m = g->last_mems == g->big ? g->small : g->big;
		long t0 = now_us();

		if (ctl_write(g->path, "cpuset.mems",
			      fmt_nodes(m, list, sizeof(list))))
			g->last_mems = m;
		lat(1, t0);
		inc(cpuset_writes);
	}
	return NULL;
}

static void *sysfs_writer(void *arg)
{
	uint64_t rng = seed ^ 0x5f5f;
	char path[128], buf[16];

	(void)arg;
	while (!calmed()) {
		int k = rn(&rng, 4), nid = __builtin_ctzll(node[k]);
		unsigned int w = 1 + rn(&rng, 255);
		ssize_t ret;

		snprintf(path, sizeof(path), MPOLT_WI_SYSFS "/node%d", nid);
		snprintf(buf, sizeof(buf), "%u", w);
		ret = write_str(path, buf);
		if (ret == (ssize_t)strlen(buf))
			global_w[nid] = w;
		else
			error("writing %s to %s: %s", buf, path,
			      ret < 0 ? strerror(-ret) : "short");
		inc(sysfs_writes);
	}
	return NULL;
}

static void *mover(void *arg)
{
	uint64_t rng = seed ^ 0x6d6f7665;
	char buf[32], path[256];
	long t0;
	int t;

	(void)arg;
	while (!calmed()) {
		struct wproc *wp = &sh->w[rn(&rng, NR_WORKERS)];
		int to = (wp->cur + 1 + rn(&rng, NR_WGROUPS - 1)) % NR_WGROUPS;
		ssize_t ret;

		/* every window that overlaps the move sees both cgroups */
		pthread_mutex_lock(&wp->lock);
		for (t = 0; t < NR_THREADS; t++) {
			wp->mask[t] |= 1U << to;
			wp->moved[t] = true;
		}
		wp->pending++;
		pthread_mutex_unlock(&wp->lock);

		snprintf(path, sizeof(path), "%s/cgroup.procs", G[to].path);
		snprintf(buf, sizeof(buf), "%d", wp->pid);
		t0 = now_us();
		ret = write_str(path, buf);
		lat(0, t0);

		pthread_mutex_lock(&wp->lock);
		wp->log[wp->nlog % 8].from = wp->cur;
		wp->log[wp->nlog % 8].to = ret > 0 ? to : -1;
		wp->log[wp->nlog % 8].t0 = t0;
		wp->log[wp->nlog % 8].t1 = now_us();
		wp->nlog++;
		if (ret > 0)
			wp->cur = to;
		else
			error("moving %d to %s: %s", wp->pid, G[to].name,
			      strerror(-ret));
		wp->pending--;
		pthread_mutex_unlock(&wp->lock);
		inc(moves);
		usleep(2000);
	}
	return NULL;
}

/* --- churn: child cgroups that come and go ----------------------------- */

struct churn_cfg {
	struct pol pc, pd;	/* policies of cK and cK/d */
	uint64_t mems;		/* cpuset.mems of cK */
};

static uint64_t churn_allowed(void *arg, bool *moved, unsigned int *groups)
{
	struct churn_cfg *cfg = arg;
	const struct pol *p = cfg->pd.kind == P_INH ? &cfg->pc : &cfg->pd;

	*moved = false;
	*groups = 0;
	return pol_nodes(p, &S, cfg->mems);
}

static void random_pol(uint64_t *rng, struct pol *p)
{
	static const char * const modes[] = { "bind", "interleave",
		"weighted-interleave", "preferred-many", "preferred" };
	int m = rn(rng, 5);

	p->kind = rn(rng, 8);
	p->kind = p->kind < 2 ? P_INH : p->kind < 3 ? P_LOCAL :
		  p->kind < 4 ? P_EVERY : P_NODES;
	p->mode = modes[m];
	p->scramble = rn(rng, 2);
	do {
		p->nodes = all4 & rnd(rng);
	} while (!p->nodes);
	if (m == 4) {
		/* preferred: exactly one node, and needs a list */
		p->kind = P_NODES;
		p->nodes = node[rn(rng, 4)];
	}
}

/* A short-lived task in a fresh cgroup: checks its own pages */
static int churn_task(struct churn_cfg *cfg, int rfd)
{
	char c;
	int i;

	if (read(rfd, &c, 1) != 1)
		return 2;
	for (i = 0; i < 4; i++)
		if (!sample(i == 3, -1, churn_allowed, cfg, 0xc0ffee00 + i))
			return 2;
	return 0;
}

/* Migration in cK and cK/d: inherited (from S), off or on */
static void churn_migrate(uint64_t *rng, const char *cpath, const char *dpath)
{
	static const char * const cmig[] = { NULL, "off", "on", "on 4M" };
	static const char * const dmig[] = { NULL, NULL, "on 8M", "off" };
	const char *c = cmig[rn(rng, 4)], *d = dmig[rn(rng, 4)];

	if (c && ctl_write(cpath, "mpol.migrate", c))
		inc(mig_writes);
	if (d && ctl_write(dpath, "mpol.migrate", d))
		inc(mig_writes);
}

static int churn_main(void)
{
	uint64_t rng = seed ^ 0x636875726e;
	char cpath[160], dpath[192], buf[256];
	long k = 0;

	while (!calmed()) {
		struct churn_cfg cfg;
		char show[128], eff[128];
		int pfd[2], status;
		long t0 = now_us();
		pid_t pid;

		random_pol(&rng, &cfg.pc);
		random_pol(&rng, &cfg.pd);
		do {
			cfg.mems = all4 & rnd(&rng);
		} while (!cfg.mems);
		snprintf(cpath, sizeof(cpath), "%s/c%ld", S.path, k++);
		snprintf(dpath, sizeof(dpath), "%s/d", cpath);
		if (!mkdir_cg(cpath))
			break;
		inc(mkdirs);
		ctl_write(cpath, "cgroup.subtree_control", "+cpuset +mpol");
		ctl_write(cpath, "cpuset.mems", fmt_nodes(cfg.mems, buf,
							  sizeof(buf)));
		pol_write_text(&cfg.pc, buf, sizeof(buf));
		ctl_write(cpath, "mpol.policy", buf);
		inc(policy_writes);
		if (!mkdir_cg(dpath))
			break;
		inc(mkdirs);
		pol_write_text(&cfg.pd, buf, sizeof(buf));
		ctl_write(dpath, "mpol.policy", buf);
		inc(policy_writes);
		snprintf(buf, sizeof(buf), "%d %u", __builtin_ctzll(
			 node[rn(&rng, 4)]), 1 + rn(&rng, 255));
		ctl_write(dpath, "mpol.weights", buf);
		inc(weight_writes);
		if (has_migrate)
			churn_migrate(&rng, cpath, dpath);

		/* d's effective policy, unless it comes from S (changing) */
		if (cfg.pd.kind != P_INH || cfg.pc.kind != P_INH) {
			pol_show_text(cfg.pd.kind != P_INH ? &cfg.pd :
				      &cfg.pc, show, sizeof(show));
			snprintf(buf, sizeof(buf), "%s/mpol.policy.effective",
				 dpath);
			if (read_file(buf, eff, sizeof(eff)) < 0 ||
			    strcmp(eff, show))
				error("%s is \"%.40s\", expected \"%.40s\"",
				      buf, eff, show);
		}

		if (k % 2 && !pipe(pfd)) {
			pid = fork();
			if (!pid) {
				close(pfd[1]);
				_exit(churn_task(&cfg, pfd[0]));
			}
			close(pfd[0]);
			if (pid > 0) {
				snprintf(buf, sizeof(buf), "%d", pid);
				ctl_write(dpath, "cgroup.procs", buf);
				if (write(pfd[1], "g", 1) != 1)
					error("churn: pipe write");
				if (waitpid(pid, &status, 0) != pid ||
				    !WIFEXITED(status) || WEXITSTATUS(status))
					error("churn task %d: status 0x%x", pid,
					      status);
				inc(churn_tasks);
			} else {
				error("fork: %s", strerror(errno));
			}
			close(pfd[1]);
		}
		if (has_migrate) {
			struct migstat st;

			stat_check(dpath, &st, NULL);
			stat_check(cpath, &st, NULL);
		}
		if (rmdir_cg(dpath))
			inc(rmdirs);
		if (rmdir_cg(cpath))
			inc(rmdirs);
		lat(2, t0);
	}
	return 0;
}

/* --- setup and final checks ------------------------------------------- */

static void read_global(unsigned int *w)
{
	char path[128], buf[32];
	int nid;

	for (nid = 0; nid < MPOLT_MAXNODE; nid++) {
		if (!(possible & (1ULL << nid)))
			continue;
		snprintf(path, sizeof(path), MPOLT_WI_SYSFS "/node%d", nid);
		if (read_file(path, buf, sizeof(buf)) < 0)
			bail("cannot read %s", path);
		w[nid] = atoi(buf);
	}
}

/*
 * The mpol.migrate menus: the first entry is set at setup and again at
 * the end; some values are written in another form than they show in.
 */
static const struct mig mig_s[] = {
	{ MG_ON, "on 32M", "on 32M", 32 << 20 },
	{ MG_ON, "on 32M", "on 32M", 32 << 20 },
	{ MG_ON, "on 16384K", "on 16M", 16 << 20 },
	{ MG_ON, "on", "on", 0 },
	{ MG_PASS, "pass", NULL, 0 },
	{ MG_OFF, "off", "off", 0 },
};

static const struct mig mig_w0[] = {
	{ MG_INH, "inherit", "inherit", 0 },
	{ MG_INH, "inherit", "inherit", 0 },
	{ MG_INH, "inherit", "inherit", 0 },
	{ MG_PASS, "pass", NULL, 0 },
	{ MG_ON, "on 49152K", "on 48M", 48 << 20 },
};

static const struct mig mig_w1[] = {
	{ MG_ON, "on", "on", 0 },
	{ MG_ON, "on", "on", 0 },
	{ MG_ON, "on 64M", "on 64M", 64 << 20 },
	{ MG_ON, "on 1073741824", "on 1G", 1 << 30 },
	{ MG_PASS, "pass", NULL, 0 },
	{ MG_OFF, "off", "off", 0 },
};

/* w2 never migrates but for explicit passes */
static const struct mig mig_w2[] = {
	{ MG_OFF, "off", "off", 0 },
	{ MG_PASS, "pass", NULL, 0 },
};

static const struct mig mig_w3[] = {
	{ MG_ON, "on 16M", "on 16M", 16 << 20 },
	{ MG_ON, "on 16M", "on 16M", 16 << 20 },
	{ MG_ON, "on 8192K", "on 8M", 8 << 20 },
	{ MG_ON, "on", "on", 0 },
	{ MG_PASS, "pass", NULL, 0 },
	{ MG_OFF, "off", "off", 0 },
};

static void mig_menu(struct group *g, const struct mig *m, int nr,
		     int calm_pol)
{
	g->mig = m;
	g->nr_mig = nr;
	g->calm_pol = calm_pol;
}

static void setup_groups(void)
{
	uint64_t A = node[0], B = node[1], C = node[2], D = node[3];
	char l1[64], l2[64], l3[64];
	int g;

	group_path(&S, "");
	/* S: within {A,B}; "inherit" is the root's "local" */
	menu_add(&S, P_NODES, "bind", A | B, true);
	menu_add(&S, P_NODES, "interleave", A | B, false);
	menu_add(&S, P_NODES, "weighted-interleave", A | B, false);
	menu_add(&S, P_NODES, "preferred-many", A | B, true);
	menu_add(&S, P_INH, NULL, 0, false);

	group_path(&G[0], "w0");
	G[0].big = A | B | C;
	G[0].small = A | B;
	menu_add(&G[0], P_NODES, "bind", A | B, true);
	menu_add(&G[0], P_NODES, "bind", A, false);
	menu_add(&G[0], P_NODES, "interleave", A | B, false);
	menu_add(&G[0], P_NODES, "weighted-interleave", A | B, true);
	menu_add(&G[0], P_NODES, "preferred", B, false);
	menu_add(&G[0], P_NODES, "preferred-many", A | B, false);
	menu_add(&G[0], P_INH, NULL, 0, false);

	group_path(&G[1], "w1");
	G[1].big = B | C | D;
	G[1].small = C | D;
	menu_add(&G[1], P_NODES, "bind", D, false);
	menu_add(&G[1], P_NODES, "interleave", C | D, true);
	menu_add(&G[1], P_NODES, "weighted-interleave", C | D, false);
	menu_add(&G[1], P_NODES, "weighted-interleave", A | C | D, true);
	menu_add(&G[1], P_NODES, "preferred", C, false);
	menu_add(&G[1], P_NODES, "preferred-many", C | D, false);

	group_path(&G[2], "w2");
	G[2].big = C | D;
	G[2].small = D;
	menu_add(&G[2], P_NODES, "bind", A | B, true);
	menu_add(&G[2], P_NODES, "preferred", A, false);
	menu_add(&G[2], P_NODES, "interleave", B | C, false);
	menu_add(&G[2], P_EVERY, "weighted-interleave", 0, false);
	menu_add(&G[2], P_LOCAL, NULL, 0, false);
	menu_add(&G[2], P_INH, NULL, 0, false);

	/* a child of the root: no "inherit" (the root's "local") */
	G[W3].name = "w3";
	snprintf(G[W3].path, sizeof(G[W3].path), "%s", W3_PATH);
	G[W3].big = A | C | D;
	G[W3].small = C | D;
	menu_add(&G[W3], P_NODES, "weighted-interleave", C | D, true);
	menu_add(&G[W3], P_NODES, "interleave", C | D, false);
	menu_add(&G[W3], P_NODES, "bind", D, false);
	menu_add(&G[W3], P_NODES, "bind", C | D, true);
	menu_add(&G[W3], P_NODES, "preferred", C, false);
	menu_add(&G[W3], P_NODES, "preferred-many", C | D, false);
	menu_add(&G[W3], P_NODES, "weighted-interleave", B | C | D, false);

	/* and the policies of the end: menu entries that move pages */
	mig_menu(&S, mig_s, ARRAY_SIZE(mig_s), -1);
	mig_menu(&G[0], mig_w0, ARRAY_SIZE(mig_w0), 1);	/* bind:A */
	mig_menu(&G[1], mig_w1, ARRAY_SIZE(mig_w1), 0);	/* bind:D */
	mig_menu(&G[2], mig_w2, ARRAY_SIZE(mig_w2), -1);
	mig_menu(&G[W3], mig_w3, ARRAY_SIZE(mig_w3), 2);	/* bind:D */

	S.last_pol = -1;
	S.last_mems = all4;
	for (g = 0; g < NR_GROUPS; g++) {
		struct group *gr = &G[g];

		/* the migration target of a shrinking cpuset.mems */
		gr->allowed = menu_nodes(gr, gr->big) |
			      menu_nodes(gr, gr->small) | gr->small;
		gr->mems_union = gr->big | gr->small;
		if (sabotage)
			gr->allowed &= ~(1ULL << (63 - __builtin_clzll(
						    gr->allowed)));
		gr->last_pol = -1;
		gr->last_mems = gr->big;
		diag("%s: cpuset.mems %s / %s, policies allow %s",
		     gr->name, fmt_nodes(gr->big, l1, sizeof(l1)),
		     fmt_nodes(gr->small, l2, sizeof(l2)),
		     fmt_nodes(gr->allowed, l3, sizeof(l3)));
	}
}

static void cleanup(void)
{
	char path[192];
	int g, i;

	for (i = 0; i < 1000; i++) {
		snprintf(path, sizeof(path), "%s/c%d/d", S_PATH, i);
		rmdir(path);
		snprintf(path, sizeof(path), "%s/c%d", S_PATH, i);
		rmdir(path);
	}
	for (g = 0; g < NR_WGROUPS; g++) {
		snprintf(path, sizeof(path), "%s/w%d", S_PATH, g);
		rmdir(path);
	}
	rmdir(S_PATH);
	rmdir(W3_PATH);
}

static void restore_global(void)
{
	char path[128], buf[16];
	int nid;

	for (nid = 0; nid < MPOLT_MAXNODE; nid++) {
		if (!(possible & (1ULL << nid)) || !global_orig[nid])
			continue;
		snprintf(path, sizeof(path), MPOLT_WI_SYSFS "/node%d", nid);
		snprintf(buf, sizeof(buf), "%u", global_orig[nid]);
		write_str(path, buf);
	}
}

static bool expect_file(const char *dir, const char *file, const char *want)
{
	char path[256], buf[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_file(path, buf, sizeof(buf)) >= 0 && !strcmp(buf, want))
		return true;
	diag("%s is \"%s\"", path, buf);
	diag("  expected \"%s\"", want);
	return false;
}

static const struct pol *last_pol(const struct group *g)
{
	static const struct pol inherit = { .kind = P_INH };

	return g->last_pol < 0 ? &inherit : &g->menu[g->last_pol];
}

static struct group *every_group[] = { &S, &G[0], &G[1], &G[2], &G[W3] };

static bool final_policies(void)
{
	static const struct pol local = { .kind = P_LOCAL };
	char want[128];
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(every_group); i++) {
		const struct group *g = every_group[i];
		const struct pol *p = last_pol(g);

		pol_show_text(p, want, sizeof(want));
		ok &= expect_file(g->path, "mpol.policy", want);
		if (p->kind == P_INH)
			p = g->parent ? last_pol(g->parent) : &local;
		if (p->kind == P_INH)
			p = &local;
		pol_show_text(p, want, sizeof(want));
		ok &= expect_file(g->path, "mpol.policy.effective", want);
	}
	return ok;
}

static bool final_weights(void)
{
	char want[1024], eff[1024], path[128], buf[32];
	size_t o1, o2, i;
	bool ok = true;
	int nid;

	/* the root shows the global weights, which are what was written */
	o2 = 0;
	for (nid = 0; nid < MPOLT_MAXNODE; nid++) {
		if (!(possible & (1ULL << nid)))
			continue;
		snprintf(path, sizeof(path), MPOLT_WI_SYSFS "/node%d", nid);
		if (read_file(path, buf, sizeof(buf)) < 0 ||
		    (unsigned int)atoi(buf) != global_w[nid]) {
			diag("%s is %s, last written %u", path, buf,
			     global_w[nid]);
			ok = false;
		}
		o2 += snprintf(eff + o2, sizeof(eff) - o2, "%d %u\n", nid,
			       global_w[nid]);
	}
	ok &= expect_file(MPOLT_CGROOT, "mpol.weights.effective", eff);

	for (i = 0; i < ARRAY_SIZE(every_group); i++) {
		const struct group *g = every_group[i];

		o1 = o2 = 0;
		want[0] = eff[0] = '\0';
		for (nid = 0; nid < MPOLT_MAXNODE; nid++) {
			unsigned int w = g->w[nid];

			if (!(possible & (1ULL << nid)))
				continue;
			if (w)
				o1 += snprintf(want + o1, sizeof(want) - o1,
					       "%d %u\n", nid, w);
			if (!w && g->parent)
				w = g->parent->w[nid];
			if (!w)
				w = global_w[nid];
			o2 += snprintf(eff + o2, sizeof(eff) - o2, "%d %u\n",
				       nid, w);
		}
		ok &= expect_file(g->path, "mpol.weights", want);
		ok &= expect_file(g->path, "mpol.weights.effective", eff);
	}
	return ok;
}

static bool final_mems(void)
{
	char want[64];
	bool ok = true;
	int g;

	for (g = 0; g < NR_GROUPS; g++) {
		fmt_nodes(G[g].last_mems, want, sizeof(want));
		strcat(want, "\n");
		ok &= expect_file(G[g].path, "cpuset.mems", want);
		ok &= expect_file(G[g].path, "cpuset.mems.effective", want);
	}
	return ok;
}

/* The migration rate in force in @g, 0 for off */
static uint64_t mig_rate(const struct group *g)
{
	const struct mig *m = &g->mig[g->last_mig];

	if (m->kind == MG_OFF)
		return 0;
	if (m->kind == MG_ON)
		return m->rate ?: MIGRATE_RATE_DEFAULT;
	return g->parent ? mig_rate(g->parent) : 0;	/* the root's: off */
}

static bool final_migrate(void)
{
	bool ok = expect_file(MPOLT_CGROOT, "mpol.migrate.effective", "off\n");
	char want[64], rate[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(every_group); i++) {
		const struct group *g = every_group[i];

		snprintf(want, sizeof(want), "%s\n", g->mig[g->last_mig].show);
		ok &= expect_file(g->path, "mpol.migrate", want);
		if (mig_rate(g))
			snprintf(want, sizeof(want), "on %s\n",
				 fmt_rate(mig_rate(g), rate, sizeof(rate)));
		else
			snprintf(want, sizeof(want), "off\n");
		ok &= expect_file(g->path, "mpol.migrate.effective", want);
	}
	return ok;
}

/* The mpol.stat of S, w0..w3, every 20 ms: every read is checked */
static void *stat_reader(void *arg)
{
	struct migstat st;
	size_t i;

	(void)arg;
	while (!calmed()) {
		for (i = 0; i < ARRAY_SIZE(every_group); i++) {
			struct group *g = every_group[i];

			if (stat_check(g->path, &st, &g->stat))
				g->stat = st;
		}
		usleep(20000);
	}
	return NULL;
}

/* --- main: setup, run, report ------------------------------------------ */

/* What main() starts and the report needs */
/* The pressure in w3: memory.events, memory.stat and /proc/vmstat */
struct pressure {
	long max, oom, oom_kill;
	long refault, majfault, steal;
	long pswpin, pswpout;
};

struct run {
	long secs;
	long oom0;			/* vmstat oom_kill before the run */
	pid_t workers[NR_WORKERS], sweepers[NR_SWEEPERS], churner;
	pthread_t tid[3 * (NR_GROUPS + 1) + 4];
	int nt;
	int bad_exit;			/* processes that did not exit 0 */
	struct pressure p0, p1;		/* before and after the run */
	struct timespec t0, t1;
	/* migration: the end of the run */
	bool calm_done;			/* w0, w1, w3 completed a pass */
	double calm_secs;
	bool ended;			/* no pass left after the workers */
	double end_secs;
};

/* The options; false for a bad one. */
static bool parse_args(int argc, char **argv, struct run *r)
{
	const char *env = getenv("STRESS_SECONDS");
	int opt;

	r->secs = 120;
	if (env && *env)
		r->secs = atol(env);
	while ((opt = getopt(argc, argv, "t:s:p:B")) != -1) {
		if (opt == 't')
			r->secs = atol(optarg);
		else if (opt == 's')
			seed = strtoull(optarg, NULL, 0);
		else if (opt == 'B')
			sabotage = true;
		else if (opt == 'p')
			pause_us = atol(optarg);
		else
			return false;
	}
	return true;
}

/*
 * Nodes A B C D: the first four of $MPOL_STRESS_NODES (default: every
 * node with memory); false (and the TAP skip line) without four.
 */
static bool setup_nodes(const struct run *r)
{
	const char *env = getenv("MPOL_STRESS_NODES");
	char buf[256], list[64];
	uint64_t mem;
	int i;

	possible = sysfs_nodes("possible");
	cpu_nodes = sysfs_nodes("has_cpu");
	mem = sysfs_nodes("has_memory");
	if (env && *env) {
		uint64_t want = 0;
		char *e;

		for (const char *s = env; *s; s = e) {
			long n = strtol(s, &e, 10);

			if (e == s)
				bail("MPOL_STRESS_NODES=\"%s\"", env);
			want |= 1ULL << n;
			while (*e == ' ' || *e == ',')
				e++;
		}
		mem &= want;
	}
	for (i = 0; i < 4; i++) {
		if (!mem) {
			printf("1..0 # SKIP needs 4 memory nodes\n");
			return false;
		}
		node[i] = mem & -mem;
		mem &= mem - 1;
		all4 |= node[i];
	}
	diag("seed 0x%llx, %ld seconds, nodes %s (cpu nodes %s), %d workers x %d threads",
	     (unsigned long long)seed, r->secs, fmt_nodes(all4, buf, sizeof(buf)),
	     fmt_nodes(cpu_nodes, list, sizeof(list)), NR_WORKERS,
	     NR_THREADS);
	return true;
}

/* The shared memory, S and w0..w2 with their first policies. */
static void setup_cgroups(void)
{
	pthread_mutexattr_t ma;
	char buf[256];
	long swap_kb;
	int i, g;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		bail("mmap: %s", strerror(errno));
	/*
	 * Fault it in here: a page of it that a sweeper faulted first would be
	 * charged to w3 and could be swapped out, and read back by another
	 * task, with the swap readahead of w3's pages around it.
	 */
	memset(sh, 0, sizeof(*sh));
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	for (i = 0; i < NR_WORKERS; i++)
		pthread_mutex_init(&sh->w[i].lock, &ma);

	read_global(global_orig);
	memcpy(global_w, global_orig, sizeof(global_w));
	setup_groups();
	cleanup();
	if (mkdir(S_PATH, 0755))
		bail("mkdir %s: %s", S_PATH, strerror(errno));
	atexit(cleanup);
	ctl_write_must(S_PATH, "cpuset.mems", fmt_nodes(all4, buf,
							 sizeof(buf)));
	ctl_write_must(S_PATH, "cgroup.subtree_control", "+cpuset +mpol");
	for (g = 0; g < NR_GROUPS; g++) {
		if (mkdir(G[g].path, 0755))
			bail("mkdir %s: %s", G[g].path, strerror(errno));
		ctl_write_must(G[g].path, "cpuset.mems",
			       fmt_nodes(G[g].big, buf, sizeof(buf)));
	}
	/* w3's sweepers touch twice its memory.max: room for all of it */
	swap_kb = read_keyed("/proc/meminfo", "SwapFree:");
	if (swap_kb < (long)(2 * NR_SWEEPERS * W3_TOUCH) << 10)
		bail("w3 needs swap: SwapFree %ld kB", swap_kb);
	ctl_write_must(W3_PATH, "memory.max", W3_MAX);
	/* migration: S "on 32M", w0 inherits it, w1 "on", w2 off, w3 16M */
	for (g = -1; has_migrate && g < NR_GROUPS; g++) {
		struct group *gr = g < 0 ? &S : &G[g];

		ctl_write_must(gr->path, "mpol.migrate", gr->mig[0].write);
		gr->last_mig = 0;
	}
	/*
	 * Start from a policy of each menu: the default "inherit" of a new
	 * cgroup (S: the root's "local") is not in w0's and w1's menus.
	 */
	for (g = -1; g < NR_GROUPS; g++) {
		struct group *gr = g < 0 ? &S : &G[g];

		pol_write_text(&gr->menu[0], buf, sizeof(buf));
		ctl_write_must(gr->path, "mpol.policy", buf);
		gr->last_pol = 0;
	}
	tap(true, "setup: %s with w0..w2; %s with memory.max %s, %d sweepers of %lu MiB",
	    S_PATH, W3_PATH, W3_MAX, NR_SWEEPERS, W3_TOUCH);
}

/* The pressure figures of w3 now */
static void pressure_read(struct pressure *p)
{
	const char *ev = "memory.events", *st = "memory.stat";

	p->max = cg_keyed(W3_PATH, ev, "max");
	p->oom = cg_keyed(W3_PATH, ev, "oom");
	p->oom_kill = cg_keyed(W3_PATH, ev, "oom_kill");
	p->refault = cg_keyed(W3_PATH, st, "workingset_refault_anon");
	p->majfault = cg_keyed(W3_PATH, st, "pgmajfault");
	p->steal = cg_keyed(W3_PATH, st, "pgsteal");
	p->pswpin = vmstat("pswpin");
	p->pswpout = vmstat("pswpout");
}

/* A process that runs @fn(@arg) in @g once the run starts */
static pid_t fork_into(const struct group *g, int (*fn)(int), int arg)
{
	pid_t pid = fork();
	char buf[32];

	if (pid < 0)
		bail("fork: %s", strerror(errno));
	if (!pid)
		_exit(fn(arg));
	snprintf(buf, sizeof(buf), "%d", pid);
	ctl_write_must(g->path, "cgroup.procs", buf);
	return pid;
}

/* Fork the workers, sweepers and the churner, start the writer threads. */
static void start(struct run *r)
{
	int i, g, t;

	r->oom0 = vmstat("oom_kill");
	for (i = 0; i < NR_WORKERS; i++) {
		r->workers[i] = fork_into(&G[i % NR_WGROUPS], worker_main, i);
		sh->w[i].pid = r->workers[i];
		sh->w[i].cur = i % NR_WGROUPS;
		/* a move may come before a thread's first window starts */
		for (t = 0; t < NR_THREADS; t++)
			sh->w[i].mask[t] = 1U << sh->w[i].cur;
	}
	for (i = 0; i < NR_SWEEPERS; i++)
		r->sweepers[i] = fork_into(&G[W3], sweeper_main, i);
	pressure_read(&r->p0);
	r->churner = fork();
	if (!r->churner)
		_exit(churn_main());
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	__atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);

	pthread_create(&r->tid[r->nt++], NULL, policy_writer, &S);
	pthread_create(&r->tid[r->nt++], NULL, weights_writer, &S);
	for (g = 0; g < NR_GROUPS; g++) {
		pthread_create(&r->tid[r->nt++], NULL, policy_writer, &G[g]);
		pthread_create(&r->tid[r->nt++], NULL, weights_writer, &G[g]);
	}
	pthread_create(&r->tid[r->nt++], NULL, cpuset_writer, NULL);
	pthread_create(&r->tid[r->nt++], NULL, sysfs_writer, NULL);
	pthread_create(&r->tid[r->nt++], NULL, mover, NULL);
	if (!has_migrate)
		return;
	pthread_create(&r->tid[r->nt++], NULL, migrate_writer, &S);
	for (g = 0; g < NR_GROUPS; g++)
		pthread_create(&r->tid[r->nt++], NULL, migrate_writer, &G[g]);
	pthread_create(&r->tid[r->nt++], NULL, stat_reader, NULL);
}

/* The threads started so far end (they watch calmed() or stopped()) */
static void join_threads(struct run *r)
{
	int i;

	for (i = 0; i < r->nt; i++)
		pthread_join(r->tid[i], NULL);
	r->nt = 0;
}

/* The cgroups whose members migrate: w0 (S's "on 32M"), w1, w3 */
static struct group *mig_groups[] = { &G[0], &G[1], &G[W3] };

/* Read @g's mpol.stat into g->stat, checked; false if unreadable */
static bool group_stat(struct group *g)
{
	struct migstat st;

	if (!stat_check(g->path, &st, &g->stat))
		return false;
	g->stat = st;
	return true;
}

/*
 * The end of a run with migration: the writers stop, the workers and
 * sweepers go on.  Every cgroup gets the first entry of its mpol.migrate
 * menu again, w0, w1 and w3 a policy that moves pages (calm_pol) and a
 * "pass"; each of them must then complete a pass within CALM_WAIT_S.
 */
static void calm_down(struct run *r)
{
	struct migstat before[ARRAY_SIZE(mig_groups)];
	long t0 = now_us();
	char buf[128];
	size_t i;
	bool all;

	__atomic_store_n(&sh->calm, 1, __ATOMIC_RELAXED);
	join_threads(r);
	for (i = 0; i < ARRAY_SIZE(every_group); i++) {
		struct group *g = every_group[i];

		if (ctl_write(g->path, "mpol.migrate", g->mig[0].write))
			g->last_mig = 0;
		inc(mig_writes);
		if (g->calm_pol < 0)
			continue;
		pol_write_text(&g->menu[g->calm_pol], buf, sizeof(buf));
		if (ctl_write(g->path, "mpol.policy", buf))
			g->last_pol = g->calm_pol;
		inc(policy_writes);
	}
	for (i = 0; i < ARRAY_SIZE(mig_groups); i++) {
		group_stat(mig_groups[i]);
		before[i] = mig_groups[i]->stat;
		ctl_write(mig_groups[i]->path, "mpol.migrate", "pass");
		inc(mig_writes);
		inc(pass_writes);
	}
	do {
		usleep(20000);
		all = true;
		for (i = 0; i < ARRAY_SIZE(mig_groups); i++) {
			struct group *g = mig_groups[i];

			all &= group_stat(g) && !g->stat.v[MGS_ACTIVE] &&
			       g->stat.v[MGS_COMPLETED] >
			       before[i].v[MGS_COMPLETED];
		}
	} while (!all && now_us() - t0 < CALM_WAIT_S * 1000000L);
	r->calm_done = all;
	r->calm_secs = (now_us() - t0) / 1e6;
}

/* With the workers and sweepers gone, every pass must end (END_WAIT_S). */
static void passes_end(struct run *r)
{
	long t0 = now_us();
	size_t i;
	bool all;

	do {
		all = true;
		for (i = 0; i < ARRAY_SIZE(every_group); i++)
			all &= group_stat(every_group[i]) &&
			       !every_group[i]->stat.v[MGS_ACTIVE];
		if (!all)
			usleep(20000);
	} while (!all && now_us() - t0 < END_WAIT_S * 1000000L);
	r->ended = all;
	r->end_secs = (now_us() - t0) / 1e6;
}

/* Let it run for r->secs, then stop and reap everything. */
static void run_and_stop(struct run *r)
{
	int i, status;

	for (i = 0; i < r->secs; i++) {
		sleep(1);
		if (i && !(i % 600))
			diag("%d s: %ld pages checked, %ld policy writes", i,
			     sh->checked, sh->policy_writes);
	}
	if (has_migrate)
		calm_down(r);
	sh->stop = 1;
	join_threads(r);
	for (i = 0; i < NR_WORKERS + NR_SWEEPERS + 1; i++) {
		bool sweeper = i >= NR_WORKERS && i < NR_WORKERS + NR_SWEEPERS;
		pid_t pid = i < NR_WORKERS ? r->workers[i] : sweeper ?
			    r->sweepers[i - NR_WORKERS] : r->churner;

		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			diag("%s %d: %s %d", i < NR_WORKERS ? "worker" :
			     sweeper ? "sweeper" : "churner", pid,
			     WIFSIGNALED(status) ? "killed by signal" :
			     "exit status", WIFSIGNALED(status) ?
			     WTERMSIG(status) : WEXITSTATUS(status));
			r->bad_exit++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &r->t1);
	pressure_read(&r->p1);
	if (has_migrate)
		passes_end(r);
}

/* The misplaced pages, and the moves of the first one's worker. */
static void report_violations(void)
{
	char buf[256];
	int i;

	for (i = 0; i < sh->nrec && i < MAX_VIOL; i++) {
		struct viol *v = &sh->viol[i];

		diag("page on node %d, allowed %s (%s, %s %d, cgroups mask 0x%x%s); then: Mems_allowed_list %s, %s",
		     v->node, fmt_nodes(v->allowed, buf, sizeof(buf)),
		     v->thp ? "THP" : "4K", v->who >= 0 ? "worker" :
		     v->who == -1 ? "churn task" : "sweeper",
		     v->who >= 0 ? v->who / NR_THREADS : v->who == -1 ? 0 :
		     -2 - v->who, v->groups, v->moved ? ", moved" : "",
		     v->mems, v->cgroup);
		if (i == 0 && v->who >= 0) {
			struct wproc *wp = &sh->w[v->who / NR_THREADS];
			unsigned int j;

			diag("  window %ld..%ld us", v->w0, v->w1);
			for (j = wp->nlog > 8 ? wp->nlog - 8 : 0; j < wp->nlog; j++)
				diag("  move w%d -> w%d, %ld..%ld us",
				     wp->log[j % 8].from, wp->log[j % 8].to,
				     wp->log[j % 8].t0, wp->log[j % 8].t1);
		}
	}
}

/*
 * The results of w3: placement, stamps, and that the pressure was there:
 * reclaim, swap-out and swap-in, and pages the sweepers read back from
 * swap, at least SWAPIN_PER_S a second (up to SWAPIN_MAX), no OOM kill.
 */
static void report_pressure(const struct run *r)
{
	const struct pressure *a = &r->p0, *b = &r->p1;
	long min = r->secs * SWAPIN_PER_S;

	if (sh->sweep_bad)
		diag("%s", sh->sweep_msg);
	tap(!sh->sweep_viol && sh->sweep_checked > 0,
	    "w3 under memory pressure: every page of the sweepers is on an allowed node (%ld pages checked, %ld on a forbidden node)",
	    sh->sweep_checked, sh->sweep_viol);
	tap(!sh->sweep_bad && sh->sweep_verified > 0,
	    "w3: sweepers' pages intact across swap-out and swap-in (%ld verified, %ld of them read back from swap, %ld bad)",
	    sh->sweep_verified, sh->sweep_swapped, sh->sweep_bad);
	if (min > SWAPIN_MAX)
		min = SWAPIN_MAX;
	tap(b->max > a->max && b->refault - a->refault >= min &&
	    b->pswpout - a->pswpout >= min && b->pswpin - a->pswpin >= min &&
	    sh->sweep_swapped >= min && b->oom_kill == a->oom_kill,
	    "w3 memory pressure: memory.events max +%ld, workingset_refault_anon +%ld, pswpout +%ld, pswpin +%ld, pages read back from swap %ld (at least %ld each); oom_kill +%ld",
	    b->max - a->max, b->refault - a->refault, b->pswpout - a->pswpout,
	    b->pswpin - a->pswpin, sh->sweep_swapped, min,
	    b->oom_kill - a->oom_kill);
}

/*
 * The results of migration: every mpol.stat read consistent, the
 * workers' long-lived pages intact, the passes of the end completed and
 * every pass ended after the workers, the final counts, mpol.migrate.
 */
static void report_migration(const struct run *r)
{
	long long moved[ARRAY_SIZE(mig_groups)];
	char buf[320], why[160];
	bool ok = true, all_moved = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(every_group); i++) {
		struct group *g = every_group[i];

		ok &= group_stat(g);
		if (!migstat_ok(&g->stat, why, sizeof(why))) {
			diag("%s: %s", *g->name ? g->name : "S", why);
			ok = false;
		}
		diag("%s: %s", *g->name ? g->name : "S",
		     migstat_fmt(&g->stat, buf, sizeof(buf)));
	}
	if (sh->stat_bad)
		diag("%s", sh->stat_msg);
	tap(!sh->stat_bad && sh->stat_reads > 0,
	    "mpol.stat of S, w0..w3 (throughout) and of the churn cgroups (before rmdir): every read consistent, no counter going back (%ld reads, %ld bad)",
	    sh->stat_reads, sh->stat_bad);
	if (sh->res_bad)
		diag("%s", sh->res_msg);
	tap(!sh->res_bad && sh->res_verified > 0,
	    "workers' long-lived pages intact while passes, moves and cpuset.mems move them (%ld verified, %ld bad)",
	    sh->res_verified, sh->res_bad);
	tap(r->calm_done,
	    "writers stopped: w0, w1 and w3 each complete a pass after a last policy and \"pass\" (%.1f s)",
	    r->calm_secs);
	tap(r->ended,
	    "workers stopped: no pass runs in S, w0..w3 within %d s (%.1f s)",
	    END_WAIT_S, r->end_secs);
	tap(ok, "final mpol.stat of S, w0..w3: scanned = placed + moved + skipped + failed, skipped = policy + shared + pinned, started = completed + aborted + active");
	for (i = 0; i < ARRAY_SIZE(mig_groups); i++) {
		moved[i] = mig_groups[i]->stat.v[MGS_MOVED];
		all_moved &= moved[i] > 0;
	}
	tap(all_moved && !S.stat.v[MGS_SCANNED],
	    "migrate_moved w0 %lld, w1 %lld, w3 %lld (> 0); S, without member processes, scanned %lld (0)",
	    moved[0], moved[1], moved[2], S.stat.v[MGS_SCANNED]);
	tap(final_migrate(),
	    "final mpol.migrate and mpol.migrate.effective match the last writes");
}

/* The TAP results of the run. */
static void report_results(const struct run *r)
{
	long ev_s, ev_sum, ev_w2;
	int i, g;

	tap(!sh->nviol && sh->checked > 0,
	    "every sampled page is on an allowed node (%ld pages checked, %ld on a forbidden node)",
	    sh->checked, sh->nviol);
	if (sh->stale_mems)
		diag("%s", sh->stale_msg);
	tap(!sh->stale_mems,
	    "workers' mems_allowed within their cgroup's cpuset.mems after each window without a move (%ld outside)",
	    sh->stale_mems);
	tap(!sh->corrupt, "page contents intact (%ld bad)", sh->corrupt);
	tap(!r->bad_exit && vmstat("oom_kill") == r->oom0,
	    "every worker, sweeper, churn task and the churner exited 0; no OOM kill");
	for (i = 0; i < sh->errors && i < MAX_ERRS; i++)
		diag("%s", sh->errmsg[i]);
	tap(!sh->errors, "every control write, move, mkdir and rmdir succeeded (%ld failed)",
	    sh->errors);
	tap(final_policies(), "final mpol.policy and mpol.policy.effective match the last writes");
	tap(final_weights(),
	    "final mpol.weights, mpol.weights.effective and global weights match the last writes");
	tap(final_mems(), "final cpuset.mems of w0..w3 match the last writes");

	/* hierarchical events: S counts at least what its children count */
	ev_s = cg_keyed(S.path, "mpol.events", "fallback");
	ev_sum = cg_keyed(S.path, "mpol.events.local", "fallback");
	for (g = 0; g < NR_WGROUPS; g++)
		ev_sum += cg_keyed(G[g].path, "mpol.events", "fallback");
	ev_w2 = cg_keyed(G[2].path, "mpol.events.local", "fallback");
	tap(ev_s >= ev_sum && ev_w2 > 0,
	    "mpol.events: S fallback %ld >= S local + children %ld; w2 fallback %ld > 0",
	    ev_s, ev_sum, ev_w2);
	report_pressure(r);
	if (has_migrate)
		report_migration(r);
	else
		tap_skip("kernel without mpol.migrate", "migration during the run");
}

/* The operation counts and latencies ("# ops: ..."). */
static void report_ops(const struct run *r)
{
	diag("ops: faults=%ld pages_checked=%ld samples_4k=%ld samples_thp=%ld (with huge pages: %ld)",
	     sh->faults, sh->checked, sh->small_samples, sh->thp_samples,
	     sh->thp_backed);
	diag("pages not mapped when queried (migrating): ENOENT %ld, EBUSY %ld, EFAULT %ld, other %ld",
	     sh->unknown_by[0], sh->unknown_by[1], sh->unknown_by[2],
	     sh->unknown_by[3]);
	diag("ops: policy_writes=%ld weight_writes=%ld moves=%ld mkdir=%ld rmdir=%ld (EBUSY retries %ld) sysfs_writes=%ld cpuset_writes=%ld churn_tasks=%ld",
	     sh->policy_writes, sh->weight_writes, sh->moves, sh->mkdirs,
	     sh->rmdirs, sh->rmdir_busy, sh->sysfs_writes, sh->cpuset_writes,
	     sh->churn_tasks);
	diag("ops: w3 sweeps: passes=%ld pages_verified=%ld back_from_swap=%ld pages_checked=%ld not_mapped=%ld thp=%ld (huge %ld, no longer huge when read again %ld)",
	     sh->sweep_passes, sh->sweep_verified, sh->sweep_swapped,
	     sh->sweep_checked, sh->sweep_unknown, sh->sweep_thp,
	     sh->sweep_thp_huge, sh->sweep_thp_split);
	if (has_migrate)
		diag("ops: mpol.migrate writes=%ld (pass %ld), mpol.stat reads=%ld, resident pages verified=%ld",
		     sh->mig_writes, sh->pass_writes, sh->stat_reads,
		     sh->res_verified);
	diag("ops: w3 pressure: memory.events max=%ld oom=%ld oom_kill=%ld; memory.stat pgsteal=%ld pgmajfault=%ld workingset_refault_anon=%ld; vmstat pswpout=%ld pswpin=%ld; memory.peak %ld KiB, memory.swap.peak %ld KiB",
	     r->p1.max - r->p0.max, r->p1.oom - r->p0.oom,
	     r->p1.oom_kill - r->p0.oom_kill, r->p1.steal - r->p0.steal,
	     r->p1.majfault - r->p0.majfault,
	     r->p1.refault - r->p0.refault, r->p1.pswpout - r->p0.pswpout,
	     r->p1.pswpin - r->p0.pswpin, cg_num(W3_PATH, "memory.peak") / 1024,
	     cg_num(W3_PATH, "memory.swap.peak") / 1024);
	diag("latency ms avg/max: move %.1f/%.1f, cpuset.mems write %.1f/%.1f, churn cycle %.1f/%.1f",
	     sh->lat_sum[0] / 1e3 / (sh->moves ?: 1), sh->lat_max[0] / 1e3,
	     sh->lat_sum[1] / 1e3 / (sh->cpuset_writes ?: 1),
	     sh->lat_max[1] / 1e3,
	     sh->lat_sum[2] / 1e3 / (sh->mkdirs / 2 ?: 1),
	     sh->lat_max[2] / 1e3);
	diag("stressed %.1f s", r->t1.tv_sec - r->t0.tv_sec +
	     (r->t1.tv_nsec - r->t0.tv_nsec) / 1e9);
}

int main(int argc, char **argv)
{
	struct run r = { 0 };

	if (!parse_args(argc, argv, &r))
		return 2;
	tap_init();
	if (!cg_has_word(MPOLT_CGROOT "/cgroup.controllers", "mpol")) {
		printf("1..0 # SKIP no mpol controller\n");
		return 0;
	}
	if (!setup_nodes(&r))
		return 0;
	has_migrate = !access(MPOLT_CGROOT "/mpol.migrate.effective", F_OK);
	if (!has_migrate)
		diag("kernel without mpol.migrate: no migration");
	setup_cgroups();
	start(&r);
	run_and_stop(&r);
	report_violations();
	report_results(&r);
	restore_global();
	report_ops(&r);
	return tap_plan();
}
