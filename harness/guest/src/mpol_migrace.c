// SPDX-License-Identifier: GPL-2.0
/*
 * mpol_migrace - mpol.migrate passes and what may happen during them.
 *
 * Each case starts a long pass: a member process holds 64 MiB of 4 KiB
 * pages, every word of every page stamped (a function of page and word),
 * all on one node ("bind:SRC"); its cgroup migrates at "on 8M" (2048
 * pages a second), so that moving most of them to "weighted-interleave"
 * takes seconds.  Once the pass has moved MID_PASS pages, one of these
 * happens:
 *
 *   retarget  a second change (the weights): the running pass ends
 *             (aborted >= 1), the new one completes and every page is on
 *             the node weighted interleave over the new weights gives it
 *             (its interleave index, as for a fresh fault); the pages
 *             moved and failed over both passes stay within the rate
 *   exit      the member exits: the pass completes (not aborted: that is
 *             for a retarget, migration turned off or a removed cgroup)
 *             and migrate_active is back to 0 within END_TIMEOUT
 *   move      the member is moved to a cgroup without migration: the
 *             pass of the old cgroup completes within END_TIMEOUT, then
 *             the member's pages do not move for a second, and the new
 *             cgroup starts no pass
 *   rmdir     the member is moved out and the cgroup removed at once:
 *             rmdir succeeds, the pages do not move afterwards, a new
 *             cgroup of the same name starts from zero counts
 *   hotplug   node HP (the pc-dimm, as mpol_hotplug onlines it) comes
 *             online before the pass, under "weighted-interleave" without
 *             a node list (every allowed node: HP too while online), and
 *             goes offline while the pass moves pages to it: offlining
 *             succeeds, no page is on HP afterwards, none is lost;
 *             "pass" then places every page exactly over the other nodes,
 *             and after onlining HP again, "pass" places them exactly over
 *             all of them; HP goes offline again at the end
 *   fullnode  node FULL is filled as mpol_fullnode does (a hog in its own
 *             cgroup, bind:FULL, mlocked, up to MARGIN_KB above the high
 *             watermark; free memory per node printed before and after)
 *             and the policy turns to "weighted-interleave" over all
 *             nodes with FULL weighted 6: the pass completes,
 *             migrate_failed grows, pages meant for other nodes are on
 *             them and those meant for FULL are on FULL or still on SRC,
 *             no OOM kill (/proc/vmstat oom_kill, memory.events); with
 *             FULL freed, "pass" places every page exactly.  The member's
 *             cgroup has memory.swap.max 0: with FULL at its watermark,
 *             kswapd would otherwise swap out the member's pages there
 *
 * The pass a change starts is counted (migrate_passes_started, and
 * migrate_active 1 or 2) before the write that makes the change returns.
 * In every case the pages' contents are checked after the race, every
 * read of mpol.stat is checked (invariants, no counter going back), and
 * the case ends with the kernel log since its start free of bug reports
 * (the patterns of harness/lib/bad-kernel-log.ere) and no OOM kill.
 *
 * Usage: mpol_migrace [HP [FULL]]: HP the hot-pluggable node (-1: none,
 * the hotplug case is skipped), FULL the node to fill (default: the first
 * memory node without CPUs).  Cgroups: /sys/fs/cgroup/mpol_migrace.PID.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <signal.h>

#include "mpolt_node.h"

#define PAGE		4096L
#define NPAGES		((64L << 20) / PAGE)
#define SLOW_RATE	"on 8M"
#define SLOW_PAGES	2048L		/* pages a second at SLOW_RATE */
#define FAST_RATE	"on 1G"		/* for the passes after a race */
#define MID_PASS	1024L		/* pages moved before the race */
#define RATE_SLACK	2048L		/* a batch per pass, 100 ms credit, a few more */
#define PASS_TIMEOUT	180.0		/* s, a whole pass at SLOW_RATE */
#define END_TIMEOUT	15.0		/* s, a pass after its member left */
#define HP_WEIGHT	2
#define FULL_WEIGHT	6	/* 2/3 of the member for FULL: more than its room */
/* free memory the hog leaves on FULL above its high watermark */
#define MARGIN_KB	(8L << 10)

static int base[MPOLT_MAXNODE], nr_base;	/* memory nodes but HP */
static int src;					/* where members fault */
static int hp = -1, full = -1;
static char base_list[128];			/* "0-3" */
static char top[256], self_cg[256];
static long stat_reads, stat_bad;

/* --- members ------------------------------------------------------------ */

/* Shared with a member (MAP_SHARED: shmem, which no pass scans) */
struct member_sh {
	char *addr;		/* the member's mapping */
	long bad;		/* pages whose contents changed */
	int ret;		/* of the last command */
	int status[NPAGES];	/* node of each page */
};

struct member {
	pid_t pid;
	int cmd, ack;		/* pipe ends: commands, replies */
	uint64_t key;
	struct member_sh *sh;
};

static uint64_t stamp_word(uint64_t key, long page, long word)
{
	return (key ^ ((uint64_t)page << 20) ^ word) * 0x9e3779b97f4a7c15ULL;
}

static void stamp_pages(char *p, uint64_t key)
{
	long i, j;

	for (i = 0; i < NPAGES; i++) {
		uint64_t *w = (uint64_t *)(p + i * PAGE);

		for (j = 0; j < PAGE / 8; j++)
			w[j] = stamp_word(key, i, j);
	}
}

/* Pages with at least one word that is not what was stamped */
static long bad_pages(const char *p, uint64_t key)
{
	long i, j, bad = 0;

	for (i = 0; i < NPAGES; i++) {
		const uint64_t *w = (const uint64_t *)(p + i * PAGE);

		for (j = 0; j < PAGE / 8; j++)
			if (w[j] != stamp_word(key, i, j))
				break;
		bad += j < PAGE / 8;
	}
	return bad;
}

/*
 * The member: enters @cg, maps, faults and stamps NPAGES (no THP, so that
 * every page is placed alone), then answers commands: 'n' the node of
 * every page, 'v' verify the stamps, 'q' exit.
 */
static void member_main(const char *cg, int cmd, int ack, uint64_t key,
			struct member_sh *sh)
{
	char c = 'r', *p;

	if (nt_cg_enter(cg))
		_exit(10);
	p = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(11);
	madvise(p, NPAGES * PAGE, MADV_NOHUGEPAGE);
	stamp_pages(p, key);
	sh->addr = p;
	if (write(ack, &c, 1) != 1)
		_exit(12);
	while (read(cmd, &c, 1) == 1) {
		switch (c) {
		case 'n':
			sh->ret = nt_page_nodes(p, NPAGES, sh->status);
			break;
		case 'v':
			sh->bad = bad_pages(p, key);
			break;
		case 'q':
			_exit(0);
		}
		if (write(ack, &c, 1) != 1)
			_exit(13);
	}
	_exit(0);
}

/* Fork a member into @cg and wait until its pages are in; false on error */
static bool member_start(struct member *m, const char *cg)
{
	static uint64_t keys = 0x6d6967726163650ULL;
	int cmd[2], ack[2];
	char c;

	memset(m, 0, sizeof(*m));
	m->pid = -1;
	m->key = ++keys;
	m->sh = mmap(NULL, sizeof(*m->sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m->sh == MAP_FAILED || pipe(cmd) || pipe(ack)) {
		diag("member: %s", strerror(errno));
		return false;
	}
	fflush(stdout);
	m->pid = fork();
	if (!m->pid) {
		close(cmd[1]);
		close(ack[0]);
		member_main(cg, cmd[0], ack[1], m->key, m->sh);
	}
	close(cmd[0]);
	close(ack[1]);
	m->cmd = cmd[1];
	m->ack = ack[0];
	if (m->pid < 0 || read(m->ack, &c, 1) != 1) {
		diag("member in %s did not start", cg);
		return false;
	}
	return true;
}

static bool member_cmd(struct member *m, char c)
{
	if (m->pid <= 0 || write(m->cmd, &c, 1) != 1 ||
	    read(m->ack, &c, 1) != 1) {
		diag("member %d does not answer", m->pid);
		return false;
	}
	return true;
}

/* The node of each page into m->sh->status; false on error */
static bool member_nodes(struct member *m)
{
	if (!member_cmd(m, 'n'))
		return false;
	if (m->sh->ret)
		diag("member: move_pages: %s", strerror(-m->sh->ret));
	return !m->sh->ret;
}

/* Pages whose contents changed, or NPAGES on error */
static long member_verify(struct member *m)
{
	return member_cmd(m, 'v') ? m->sh->bad : NPAGES;
}

/* End the member ('q') and reap it; its exit status or -1 */
static int member_stop(struct member *m)
{
	int status = -1;
	char c = 'q';

	if (m->pid > 0) {
		if (write(m->cmd, &c, 1) != 1)
			kill(m->pid, SIGKILL);
		if (waitpid(m->pid, &status, 0) != m->pid)
			status = -1;
		close(m->cmd);
		close(m->ack);
	}
	m->pid = -1;
	if (m->sh && m->sh != MAP_FAILED)
		munmap(m->sh, sizeof(*m->sh));
	m->sh = NULL;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Pages per node now: "node0:12 node2:40" into @buf; the rest returned */
static long member_count(struct member *m, long *count, char *buf,
			 size_t len)
{
	long other;

	if (!member_nodes(m)) {
		memset(count, 0, MPOLT_MAXNODE * sizeof(*count));
		snprintf(buf, len, "?");
		return NPAGES;
	}
	other = nt_count(m->sh->status, NPAGES, count);
	nt_fmt_count(buf, len, count, other);
	return other;
}

/*
 * The pages of @m not on the node weighted interleave over @nodes (@nr,
 * ascending) with @weights gives their interleave index; the counts are
 * printed.  NPAGES on error.
 */
static long wi_misplaced(struct member *m, const char *what, int nr,
			 const int *nodes, const int *weights)
{
	long count[MPOLT_MAXNODE], want[MPOLT_MAXNODE], other, i, bad = 0;
	char got[512], exp[512];

	if (!member_nodes(m))
		return NPAGES;
	memset(want, 0, sizeof(want));
	for (i = 0; i < NPAGES; i++) {
		int node = nt_wi_node(nt_ilx(m->sh->addr, i), nr, nodes,
				      weights);

		want[node]++;
		if (m->sh->status[i] == node)
			continue;
		if (bad++ < 3)
			diag("%s: page %ld (ilx %lu) on %d, expected node %d",
			     what, i, nt_ilx(m->sh->addr, i),
			     m->sh->status[i], node);
	}
	other = nt_count(m->sh->status, NPAGES, count);
	diag("%s: %s (expected %s)", what,
	     nt_fmt_count(got, sizeof(got), count, other),
	     nt_fmt_count(exp, sizeof(exp), want, 0));
	return bad;
}

/* Pages whose node differs between @a and @b */
static long changed_pages(const int *a, const int *b)
{
	long i, n = 0;

	for (i = 0; i < NPAGES; i++)
		n += a[i] != b[i];
	return n;
}

/*
 * Pages of @m that move within @secs: two snapshots of their nodes.
 * NPAGES on error.
 */
static long moving_pages(struct member *m, double secs)
{
	static int before[NPAGES];

	if (!member_nodes(m))
		return NPAGES;
	memcpy(before, m->sh->status, sizeof(before));
	nt_msleep(secs * 1000);
	if (!member_nodes(m))
		return NPAGES;
	return changed_pages(before, m->sh->status);
}

/* --- cgroups and their mpol.stat ---------------------------------------- */

struct mcg {
	char path[320];
	struct migstat st;	/* the last read */
};

/*
 * Read @c's mpol.stat into c->st.  Every read is checked: a broken
 * invariant or a counter going back counts in stat_bad.
 */
static bool mstat(struct mcg *c)
{
	struct migstat st;
	char why[256];

	stat_reads++;
	if (migstat_read(c->path, &st, why, sizeof(why))) {
		if (stat_bad++ < 10)
			diag("%s", why);
		return false;
	}
	if ((!migstat_ok(&st, why, sizeof(why)) ||
	     !migstat_monotonic(&c->st, &st, why, sizeof(why))) &&
	    stat_bad++ < 10)
		diag("%s/mpol.stat: %s", c->path, why);
	c->st = st;
	return true;
}

static long long delta(const struct mcg *c, const struct migstat *before,
		       int k)
{
	return c->st.v[k] - before->v[k];
}

static const char *fmt_stat(struct mcg *c, char *buf, size_t len)
{
	return migstat_fmt(&c->st, buf, len);
}

/* Until no pass runs in @c and its counts stay the same for 300 ms */
static bool settle(struct mcg *c)
{
	double start = nt_now(), since = start;
	struct migstat last;

	if (!mstat(c))
		return false;
	last = c->st;
	while (nt_now() - start < PASS_TIMEOUT) {
		nt_msleep(20);
		if (!mstat(c))
			return false;
		if (c->st.v[MGS_ACTIVE] || memcmp(&last, &c->st, sizeof(last))) {
			last = c->st;
			since = nt_now();
		} else if (nt_now() - since >= 0.3) {
			return true;
		}
	}
	diag("%s: passes did not settle in %.0f s", c->path, PASS_TIMEOUT);
	return false;
}

/* Until a pass of @c has moved @pages since @before (mid-pass) */
static bool wait_moving(struct mcg *c, const struct migstat *before,
			long pages)
{
	double start = nt_now();

	while (nt_now() - start < PASS_TIMEOUT) {
		if (!mstat(c))
			return false;
		if (delta(c, before, MGS_MOVED) >= pages)
			return true;
		nt_msleep(20);
	}
	diag("%s: not %ld pages moved in %.0f s", c->path, pages,
	     PASS_TIMEOUT);
	return false;
}

/* Until a pass of @c has completed since @before and none runs */
static bool wait_completed(struct mcg *c, const struct migstat *before,
			   double timeout)
{
	double start = nt_now();

	while (nt_now() - start < timeout) {
		if (!mstat(c))
			return false;
		if (delta(c, before, MGS_COMPLETED) > 0 &&
		    !c->st.v[MGS_ACTIVE])
			return true;
		nt_msleep(20);
	}
	diag("%s: no pass completed in %.0f s", c->path, timeout);
	return false;
}

/* Until no pass runs in @c */
static bool wait_idle(struct mcg *c, double timeout)
{
	double start = nt_now();

	while (nt_now() - start < timeout) {
		if (!mstat(c))
			return false;
		if (!c->st.v[MGS_ACTIVE])
			return true;
		nt_msleep(20);
	}
	diag("%s: a pass still runs after %.0f s", c->path, timeout);
	return false;
}

/* "N W" lines for @nr nodes */
static const char *weights_text(char *buf, size_t len, int nr,
				const int *nodes, const int *weights)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < nr; i++)
		off += snprintf(buf + off, len - off, "%d %d\n", nodes[i],
				weights[i]);
	return buf;
}

/*
 * Make @top/@name; then, each unless NULL, its mpol.migrate, mpol.weights
 * and mpol.policy.  False (and a diagnostic) on error.
 */
static bool mkcg(struct mcg *c, const char *name, const char *mig,
		 const char *weights, const char *policy)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s/%s", top, name);
	return !nt_cg_mkdir(c->path) &&
	       (!mig || !nt_cg_set(c->path, "mpol.migrate", mig)) &&
	       (!weights || !nt_cg_set(c->path, "mpol.weights", weights)) &&
	       (!policy || !nt_cg_set(c->path, "mpol.policy", policy));
}

/* Move process @pid to @c; 0 or -errno */
static int move_to(const struct mcg *c, pid_t pid)
{
	char path[400], buf[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", c->path);
	snprintf(buf, sizeof(buf), "%d", pid);
	return nt_write_must(path, buf);
}

/* rmdir, retrying EBUSY for up to 2 s; 0 or -errno, *@tries */
static int rmdir_retry(const char *path, int *tries)
{
	for (*tries = 1;; ++*tries) {
		if (!rmdir(path))
			return 0;
		if (errno != EBUSY || *tries >= 100)
			return -errno;
		nt_msleep(20);
	}
}

/* --- one case ----------------------------------------------------------- */

struct ctx {
	const char *name;
	char mark[128];
	long stat_bad, stat_reads, oom;
	double t0;
};

static void case_begin(struct ctx *x, const char *name)
{
	x->name = name;
	x->stat_bad = stat_bad;
	x->stat_reads = stat_reads;
	x->oom = vmstat("oom_kill");
	x->t0 = nt_now();
	nt_klog_mark(x->mark, sizeof(x->mark), name);
	diag("--- %s", name);
}

static void case_end(struct ctx *x)
{
	long oom = vmstat("oom_kill");
	int bad = nt_klog_bad_since(x->mark, 10);

	tap(stat_bad == x->stat_bad,
	    "%s: mpol.stat invariants held on every read (%ld reads, %ld bad)",
	    x->name, stat_reads - x->stat_reads, stat_bad - x->stat_bad);
	tap(!bad && oom == x->oom,
	    "%s: kernel log clean since the case began, no OOM kill (%d bad lines, oom_kill +%ld)",
	    x->name, bad, oom - x->oom);
	diag("%s: %.1f s", x->name, nt_now() - x->t0);
}

/*
 * A member in @c, faulted on SRC, then @policy set with migration on:
 * returns when the pass has moved MID_PASS pages and still runs, with
 * c->st before the change in *@before and the time of the change in
 * *@t0.  False (a failed TAP line) on error.
 */
static bool start_pass(struct ctx *x, struct mcg *c, struct member *m,
		       const char *policy, struct migstat *before, double *t0)
{
	long count[MPOLT_MAXNODE], other;
	char got[256];

	if (!member_start(m, c->path))
		return tap(false, "%s: member started", x->name);
	other = member_count(m, count, got, sizeof(got));
	if (!settle(c) || other || count[src] != NPAGES)
		return tap(false, "%s: member's %ld pages on node %d, no pass running (%s)",
			   x->name, NPAGES, src, got);
	*before = c->st;
	*t0 = nt_now();
	if (nt_cg_set(c->path, "mpol.policy", policy))
		return tap(false, "%s: %s", x->name, policy);
	/* counted (queued) before the write returns */
	if (!mstat(c) || delta(c, before, MGS_STARTED) != 1 ||
	    !c->st.v[MGS_ACTIVE])
		return tap(false, "%s: the pass is counted when the write returns (started +%lld, active %lld)",
			   x->name, delta(c, before, MGS_STARTED),
			   c->st.v[MGS_ACTIVE]);
	if (!wait_moving(c, before, MID_PASS) || !c->st.v[MGS_ACTIVE])
		return tap(false, "%s: the pass to %s moves %ld pages and still runs (moved +%lld, active %lld)",
			   x->name, policy, MID_PASS,
			   delta(c, before, MGS_MOVED), c->st.v[MGS_ACTIVE]);
	return true;
}

static void wi_policy(char *buf, size_t len)
{
	snprintf(buf, len, "weighted-interleave:%s", base_list);
}

/* (a) A second change during the pass */
static void case_retarget(void)
{
	int w1[MPOLT_MAXNODE], w2[MPOLT_MAXNODE], i;
	long long moved, failed;
	char pol[160], wt[256], buf[512];
	struct migstat before;
	struct member m = { .pid = -1 };
	struct ctx x;
	struct mcg c = { .path = "" };
	double t0, secs;
	long bad;
	bool ok;

	case_begin(&x, "retarget");
	for (i = 0; i < nr_base; i++) {
		w1[i] = 1;
		w2[i] = i == 0 ? 4 : i == 1 ? 2 : 1;
	}
	wi_policy(pol, sizeof(pol));
	snprintf(buf, sizeof(buf), "bind:%d", src);
	weights_text(wt, sizeof(wt), nr_base, base, w1);
	if (!mkcg(&c, "retarget", SLOW_RATE, wt, buf)) {
		tap(false, "retarget: setup");
		goto out;
	}
	if (!start_pass(&x, &c, &m, pol, &before, &t0))
		goto out;
	weights_text(wt, sizeof(wt), nr_base, base, w2);
	nt_cg_set(c.path, "mpol.weights", wt);
	ok = wait_completed(&c, &before, PASS_TIMEOUT);
	secs = nt_now() - t0;
	diag("retarget: %s", fmt_stat(&c, buf, sizeof(buf)));
	tap(ok && delta(&c, &before, MGS_ABORTED) >= 1,
	    "retarget: a weights change during the pass ends it (aborted +%lld) and the new pass completes (completed +%lld)",
	    delta(&c, &before, MGS_ABORTED),
	    delta(&c, &before, MGS_COMPLETED));
	moved = delta(&c, &before, MGS_MOVED);
	failed = delta(&c, &before, MGS_FAILED);
	tap(ok && moved + failed <= SLOW_PAGES * secs + RATE_SLACK,
	    "retarget: %lld pages moved and %lld failed in %.1f s: within %s (%ld pages/s, %ld pages slack)",
	    moved, failed, secs, SLOW_RATE, SLOW_PAGES, RATE_SLACK);
	bad = wi_misplaced(&m, "retarget", nr_base, base, w2);
	tap(!bad, "retarget: every page where the new weights put it (%ld misplaced)",
	    bad);
	bad = member_verify(&m);
	tap(!bad, "retarget: contents intact (%ld pages changed)", bad);
out:
	member_stop(&m);
	rmdir(c.path);
	case_end(&x);
}

/* (b) The member exits during the pass */
static void case_exit(void)
{
	char pol[160], buf[512];
	struct member m = { .pid = -1 };
	struct migstat before;
	struct ctx x;
	struct mcg c = { .path = "" };
	bool ok, running;
	double t0;
	long bad;
	int ret;

	case_begin(&x, "exit");
	wi_policy(pol, sizeof(pol));
	snprintf(buf, sizeof(buf), "bind:%d", src);
	if (!mkcg(&c, "exit", SLOW_RATE, NULL, buf)) {
		tap(false, "exit: setup");
		goto out;
	}
	if (!start_pass(&x, &c, &m, pol, &before, &t0))
		goto out;
	bad = member_verify(&m);
	tap(!bad, "exit: contents intact in the middle of the pass (%ld pages changed)",
	    bad);
	running = mstat(&c) && c.st.v[MGS_ACTIVE];
	t0 = nt_now();
	ret = member_stop(&m);
	ok = wait_idle(&c, END_TIMEOUT);
	diag("exit: %s", fmt_stat(&c, buf, sizeof(buf)));
	tap(running && ret == 0 && ok &&
	    delta(&c, &before, MGS_STARTED) == 1 &&
	    delta(&c, &before, MGS_COMPLETED) == 1 &&
	    !delta(&c, &before, MGS_ABORTED),
	    "exit: the member exited during the pass (%s, status %d), the pass completed %.1f s later (started +%lld, completed +%lld, aborted +%lld)",
	    running ? "running" : "NOT running", ret, nt_now() - t0,
	    delta(&c, &before, MGS_STARTED),
	    delta(&c, &before, MGS_COMPLETED),
	    delta(&c, &before, MGS_ABORTED));
	ret = rmdir(c.path) ? -errno : 0;
	tap(!ret, "exit: the cgroup is removed after it (%s)", strerror(-ret));
out:
	member_stop(&m);
	rmdir(c.path);
	case_end(&x);
}

/* (c) The member moves to a cgroup without migration during the pass */
static void case_move(void)
{
	char pol[160], buf[512], to[64];
	struct member m = { .pid = -1 };
	struct migstat before, before2, idle;
	struct mcg c = { .path = "" }, c2 = { .path = "" };
	struct ctx x;
	long n, bad;
	double t0;
	bool ok;

	case_begin(&x, "move");
	wi_policy(pol, sizeof(pol));
	snprintf(buf, sizeof(buf), "bind:%d", src);
	/* where the member goes: were it to migrate, its pages would move */
	snprintf(to, sizeof(to), "bind:%d", base[1]);
	if (!mkcg(&c, "move-from", SLOW_RATE, NULL, buf) ||
	    !mkcg(&c2, "move-to", "off", NULL, to)) {
		tap(false, "move: setup");
		goto out;
	}
	if (!mstat(&c2))
		goto out;
	before2 = c2.st;
	if (!start_pass(&x, &c, &m, pol, &before, &t0))
		goto out;
	t0 = nt_now();
	if (move_to(&c2, m.pid)) {
		tap(false, "move: the member moves to %s", c2.path);
		goto out;
	}
	ok = wait_idle(&c, END_TIMEOUT);
	diag("move: old cgroup %s", fmt_stat(&c, buf, sizeof(buf)));
	tap(ok && delta(&c, &before, MGS_STARTED) == 1 &&
	    delta(&c, &before, MGS_COMPLETED) == 1 &&
	    !delta(&c, &before, MGS_ABORTED),
	    "move: the old cgroup's pass completed %.1f s after its member left (completed +%lld, aborted +%lld)",
	    nt_now() - t0, delta(&c, &before, MGS_COMPLETED),
	    delta(&c, &before, MGS_ABORTED));
	idle = c.st;
	n = moving_pages(&m, 1.0);
	mstat(&c);
	tap(!n && !delta(&c, &idle, MGS_SCANNED),
	    "move: then the member's pages stay where they are for 1 s (%ld moved; old cgroup scanned +%lld)",
	    n, delta(&c, &idle, MGS_SCANNED));
	mstat(&c2);
	tap(!delta(&c2, &before2, MGS_STARTED) &&
	    !delta(&c2, &before2, MGS_SCANNED),
	    "move: the new cgroup (migration off) starts no pass (started +%lld, scanned +%lld)",
	    delta(&c2, &before2, MGS_STARTED),
	    delta(&c2, &before2, MGS_SCANNED));
	bad = member_verify(&m);
	tap(!bad, "move: contents intact (%ld pages changed)", bad);
out:
	member_stop(&m);
	rmdir(c.path);
	rmdir(c2.path);
	case_end(&x);
}

/* (d) The cgroup is removed right after its member moved out, mid-pass */
static void case_rmdir(void)
{
	char pol[160], buf[512];
	struct member m = { .pid = -1 };
	struct migstat before, zero = { 0 };
	struct mcg c = { .path = "" }, park = { .path = "" };
	struct ctx x;
	int ret, tries;
	long n, bad;
	double t0;
	bool ok;

	case_begin(&x, "rmdir");
	wi_policy(pol, sizeof(pol));
	snprintf(buf, sizeof(buf), "bind:%d", src);
	if (!mkcg(&c, "rmdir", SLOW_RATE, NULL, buf) ||
	    !mkcg(&park, "park", "off", NULL, NULL)) {
		tap(false, "rmdir: setup");
		goto out;
	}
	if (!start_pass(&x, &c, &m, pol, &before, &t0))
		goto out;
	if (move_to(&park, m.pid)) {
		tap(false, "rmdir: the member moves to %s", park.path);
		goto out;
	}
	ret = rmdir_retry(c.path, &tries);
	tap(!ret, "rmdir: the cgroup is removed right after its member left, during its pass (%s, %d attempts)",
	    strerror(-ret), tries);
	n = moving_pages(&m, 1.0);
	tap(!n, "rmdir: the member's pages stay where they are for 1 s after (%ld moved)",
	    n);
	if (!ret) {
		struct mcg again = { 0 };

		snprintf(again.path, sizeof(again.path), "%s", c.path);
		ok = !nt_cg_mkdir(again.path) && mstat(&again) &&
		     !memcmp(&again.st, &zero, sizeof(zero));
		tap(ok, "rmdir: a new cgroup of the same name starts from zero counts (%s)",
		    fmt_stat(&again, buf, sizeof(buf)));
	}
	bad = member_verify(&m);
	tap(!bad, "rmdir: contents intact (%ld pages changed)", bad);
out:
	member_stop(&m);
	rmdir(c.path);
	rmdir(park.path);
	case_end(&x);
}

/* --- (e) node hotplug ------------------------------------------------------ */

static struct nt_blocks blk;

/* Until Mems_allowed_list of @pid has HP (@online) or not; false after 10 s */
static bool wait_mems(pid_t pid, bool online)
{
	char path[64], buf[256] = "";
	double start = nt_now();
	uint64_t mask;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	do {
		if (nt_status_field(path, "Mems_allowed_list", buf,
				    sizeof(buf)) && !parse_nodes(buf, &mask) &&
		    !(mask & (1ULL << hp)) == !online)
			return true;
		nt_msleep(20);
	} while (nt_now() - start < 10);
	diag("%s: Mems_allowed_list %s", path, buf);
	return false;
}

/*
 * Until 256 of @m's pages are on HP, or the pass of @c started after
 * @before has ended; the pages on HP.
 */
static long wait_on_hp(struct mcg *c, struct member *m,
		       const struct migstat *before)
{
	long count[MPOLT_MAXNODE];
	double start = nt_now();
	char got[256];

	while (nt_now() - start < PASS_TIMEOUT) {
		member_count(m, count, got, sizeof(got));
		if (count[hp] >= 256 || !mstat(c) ||
		    (delta(c, before, MGS_STARTED) && !c->st.v[MGS_ACTIVE]))
			break;
		nt_msleep(100);
	}
	diag("hotplug: %s", got);
	return count[hp];
}

/* The nodes and weights with HP, which is above the base nodes or not */
static int nodes_with_hp(int *nodes, int *weights)
{
	int i, n = 0;

	for (i = 0; i < nr_base; i++) {
		if (hp < base[i] && (!n || nodes[n - 1] != hp)) {
			nodes[n] = hp;
			weights[n++] = HP_WEIGHT;
		}
		nodes[n] = base[i];
		weights[n++] = 1;
	}
	if (nodes[n - 1] < hp) {
		nodes[n] = hp;
		weights[n++] = HP_WEIGHT;
	}
	return n;
}

/*
 * After offlining HP: no page on it, none missing, contents intact.
 */
static void check_off_hp(const char *when, struct member *m)
{
	long count[MPOLT_MAXNODE], other, bad;
	char got[256];
	int i;

	/*
	 * A page that something else migrates right now (cpuset's hotplug
	 * work, memory offline retrying) is not present to move_pages for a
	 * moment: count again until none is in flight, 30 s at most (5 s
	 * was too short once on the debug kernel with four VMs on the host:
	 * 50 pages in flight after it, every page intact).
	 */
	for (i = 0; i < 300; i++) {
		other = member_count(m, count, got, sizeof(got));
		if (!other && !count[hp])
			break;
		usleep(100 * 1000);
	}
	if (i)
		diag("hotplug: %s: counted %d times (pages in flight)", when,
		     i + 1);
	bad = member_verify(m);
	tap(!count[hp] && !other && !bad,
	    "hotplug: %s: no page on node %d, none missing, contents intact (%s; %ld changed)",
	    when, hp, got, bad);
}

/* A "pass" in @c and exact placement after it over @nr nodes */
static void pass_exact(const char *when, struct mcg *c, struct member *m,
		       int nr, const int *nodes, const int *weights)
{
	struct migstat before;
	char what[128], list[64];
	uint64_t mask = 0;
	long bad = NPAGES;
	int i;

	for (i = 0; i < nr; i++)
		mask |= 1ULL << nodes[i];
	snprintf(what, sizeof(what), "%s: \"pass\"", when);
	if (settle(c)) {
		before = c->st;
		if (!nt_cg_set(c->path, "mpol.migrate", "pass") &&
		    wait_completed(c, &before, PASS_TIMEOUT))
			bad = wi_misplaced(m, what, nr, nodes, weights);
	}
	tap(!bad, "%s, placement exact over nodes %s (%ld misplaced)", what,
	    fmt_nodes(mask, list, sizeof(list)), bad);
}

/* (e) HP goes offline while the pass moves pages to it */
static void case_hotplug(void)
{
	int nodes[MPOLT_MAXNODE], weights[MPOLT_MAXNODE], w1[MPOLT_MAXNODE];
	int nr, i, tries, ret;
	char wt[256], buf[512];
	struct member m = { .pid = -1 };
	struct migstat before;
	struct ctx x;
	struct mcg c = { .path = "" };
	long on_hp;
	double t0;

	case_begin(&x, "hotplug");
	nr = nodes_with_hp(nodes, weights);
	for (i = 0; i < nr_base; i++)
		w1[i] = 1;
	snprintf(buf, sizeof(buf), "bind:%d", src);
	weights_text(wt, sizeof(wt), nr, nodes, weights);
	if (!mkcg(&c, "hotplug", SLOW_RATE, wt, buf) ||
	    !member_start(&m, c.path)) {
		tap(false, "hotplug: setup");
		goto out;
	}
	t0 = nt_now();
	ret = nt_blocks_set(&blk, "online_movable", "online", &tries);
	if (!tap(!ret && wait_mems(m.pid, true),
		 "hotplug: %d memory blocks of node %d onlined (movable, %.1f s), in the member's mems_allowed",
		 blk.nr, hp, nt_now() - t0))
		goto out;
	diag("hotplug: node %d MemFree %ld kB", hp, nt_node_free_kb(hp));
	/* no node list: every allowed node, HP while it is online */
	if (!settle(&c))
		goto out;
	before = c.st;
	if (nt_cg_set(c.path, "mpol.policy", "weighted-interleave"))
		goto out;
	on_hp = wait_on_hp(&c, &m, &before);
	tap(on_hp > 0 && c.st.v[MGS_ACTIVE],
	    "hotplug: the pass moves pages to node %d (%ld there, moved +%lld) and still runs",
	    hp, on_hp, delta(&c, &before, MGS_MOVED));
	t0 = nt_now();
	ret = nt_blocks_set(&blk, "offline", "offline", &tries);
	tap(!ret, "hotplug: node %d offlined during the pass (%.1f s, %d writes)",
	    hp, nt_now() - t0, tries);
	if (ret)
		goto out;
	/* finish the pass quickly: a rate change applies at the next batch */
	nt_cg_set(c.path, "mpol.migrate", FAST_RATE);
	tap(wait_idle(&c, PASS_TIMEOUT),
	    "hotplug: the pass ends after the offline (%s)",
	    fmt_stat(&c, buf, sizeof(buf)));
	check_off_hp("after the offline", &m);
	if (!wait_mems(m.pid, false))
		goto out;
	pass_exact("hotplug: node offline", &c, &m, nr_base, base, w1);

	ret = nt_blocks_set(&blk, "online_movable", "online", &tries);
	if (!tap(!ret && wait_mems(m.pid, true),
		 "hotplug: node %d online again, in the member's mems_allowed",
		 hp))
		goto out;
	pass_exact("hotplug: node online", &c, &m, nr, nodes, weights);
	t0 = nt_now();
	ret = nt_blocks_set(&blk, "offline", "offline", &tries);
	tap(!ret, "hotplug: node %d offlined with pages of the member on it (%.1f s, %d writes)",
	    hp, nt_now() - t0, tries);
	if (!ret)
		check_off_hp("after the second offline", &m);
out:
	member_stop(&m);
	/* leave the node as the VM booted it, whatever failed */
	if (nt_blocks_set(&blk, "offline", "offline", &tries))
		tap(false, "hotplug: node %d offline at the end", hp);
	rmdir(c.path);
	case_end(&x);
}

/* --- (f) a full target node ------------------------------------------------ */

struct zinfo {
	long free, low, high;	/* pages, over the node's zones */
};

/* The value after @key in @s (up to @end), or 0. */
static long zkey(const char *s, const char *end, const char *key)
{
	const char *k = strstr(s, key);

	return k && k < end ? strtol(k + strlen(key), NULL, 10) : 0;
}

/* Free pages and watermarks of @node from /proc/zoneinfo; 0 or -1 */
static int node_zinfo(int node, struct zinfo *z)
{
	static char buf[1 << 18];
	char key[64], *p, *end;

	memset(z, 0, sizeof(*z));
	if (read_file("/proc/zoneinfo", buf, sizeof(buf)) < 0)
		return -1;
	snprintf(key, sizeof(key), "Node %d, zone", node);
	for (p = strstr(buf, key); p; p = strstr(end, key)) {
		end = strstr(p + 1, "\nNode ");
		if (!end)
			end = p + strlen(p);
		z->free += zkey(p, end, "\n  pages free ");
		z->low += zkey(p, end, "\n        low ");
		z->high += zkey(p, end, "\n        high ");
	}
	return 0;
}

static long pages_kb(long pages)
{
	return pages * (PAGE >> 10);
}

/* "node0 700 MiB, node1 ..." of every memory node */
static void diag_free(const char *when)
{
	char buf[512];
	size_t off = 0;
	int i;

	for (i = 0; i < nr_base; i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%snode%d %ld MiB",
				i ? ", " : "", base[i],
				nt_node_free_kb(base[i]) >> 10);
	diag("fullnode: free memory %s: %s", when, buf);
}

/*
 * The hog (as mpol_fullnode's): bind:FULL through its cgroup, mlocks
 * @kb, reports on @ready and holds it until @hold reaches end of file.
 */
static int hog(const char *cg, long kb, int ready, int hold)
{
	size_t len = kb << 10;
	char *p, c = 1;

	if (nt_cg_enter(cg))
		return 10;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 11;
	/* huge pages fault much faster under TCG */
	madvise(p, len, MADV_HUGEPAGE);
	if (mlock(p, len))
		return 12;
	if (write(ready, &c, 1) != 1)
		return 13;
	while (read(hold, &c, 1) == 1)
		;
	return 0;
}

/* Fill FULL up to MARGIN_KB above its high watermark: the hog's pid */
static pid_t fill_full(const char *cg, int *hold_fd)
{
	int ready[2], hold[2];
	struct zinfo z;
	long kb;
	pid_t pid;
	char c;

	long prev = -1, i;

	/*
	 * Room that appears on FULL after the fill would let the pass put
	 * every page there: drop the page cache kswapd could reclaim, and
	 * wait for frees still in flight (an mm a pass held when its
	 * owner exited is freed when the worker lets it go) to settle.
	 */
	sync();
	write_str("/proc/sys/vm/drop_caches", "3");
	for (i = 0; i < 50; i++) {
		if (node_zinfo(full, &z))
			return -1;
		if (prev >= 0 && labs(z.free - prev) < 256)
			break;
		prev = z.free;
		usleep(200 * 1000);
	}
	kb = pages_kb(z.free - z.high) - MARGIN_KB;
	diag("fullnode: node %d: free %ld kB, low %ld kB, high %ld kB: hog of %ld kB",
	     full, pages_kb(z.free), pages_kb(z.low), pages_kb(z.high), kb);
	if (kb <= 0 || pipe(ready) || pipe(hold))
		return -1;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		close(hold[1]);
		close(ready[0]);
		_exit(hog(cg, kb, ready[1], hold[0]));
	}
	close(hold[0]);
	close(ready[1]);
	if (pid < 0 || read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		close(hold[1]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return -1;
	}
	close(ready[0]);
	*hold_fd = hold[1];
	node_zinfo(full, &z);
	diag("fullnode: node %d now: free %ld kB, low %ld kB, high %ld kB",
	     full, pages_kb(z.free), pages_kb(z.low), pages_kb(z.high));
	return pid;
}

/* (f) The pass meets a full target node */
static void case_fullnode(void)
{
	int weights[MPOLT_MAXNODE], i, hold = -1, status = -1;
	long meant_full = 0, on_full = 0, stayed = 0, wrong = 0, bad, oom0;
	char pol[160], wt[256], buf[512], hpol[64];
	struct member m = { .pid = -1 };
	struct migstat before;
	struct mcg c = { .path = "" }, h = { .path = "" };
	struct ctx x;
	pid_t hog_pid = -1;
	double t0;
	bool ok;

	case_begin(&x, "fullnode");
	for (i = 0; i < nr_base; i++)
		weights[i] = base[i] == full ? FULL_WEIGHT : 1;
	wi_policy(pol, sizeof(pol));
	snprintf(buf, sizeof(buf), "bind:%d", src);
	snprintf(hpol, sizeof(hpol), "bind:%d", full);
	weights_text(wt, sizeof(wt), nr_base, base, weights);
	if (!mkcg(&c, "fullnode", SLOW_RATE, wt, buf) ||
	    !mkcg(&h, "hog", NULL, NULL, hpol)) {
		tap(false, "fullnode: setup");
		goto out;
	}
	/* the member's pages on FULL must not go to swap */
	if (nt_cg_set(c.path, "memory.swap.max", "0"))
		diag("fullnode: without memory.swap.max its pages may be swapped out");
	diag_free("before");
	if (!member_start(&m, c.path) || !settle(&c)) {
		tap(false, "fullnode: member started in %s", c.path);
		goto out;
	}
	t0 = nt_now();
	hog_pid = fill_full(h.path, &hold);
	if (!tap(hog_pid > 0, "fullnode: node %d filled by the hog in %.1f s (MemFree %ld kB)",
		 full, nt_now() - t0, nt_node_free_kb(full)))
		goto out;
	diag_free("with the hog");

	oom0 = vmstat("oom_kill");
	before = c.st;
	t0 = nt_now();
	ok = !nt_cg_set(c.path, "mpol.policy", pol) &&
	     wait_completed(&c, &before, PASS_TIMEOUT);
	diag("fullnode: %s", fmt_stat(&c, buf, sizeof(buf)));
	tap(ok, "fullnode: the pass to %s completes with node %d full (%.1f s)",
	    pol, full, nt_now() - t0);
	tap(delta(&c, &before, MGS_FAILED) > 0,
	    "fullnode: migrate_failed +%lld (pages for node %d that found no room), moved +%lld",
	    delta(&c, &before, MGS_FAILED), full,
	    delta(&c, &before, MGS_MOVED));
	if (member_nodes(&m)) {
		for (i = 0; i < NPAGES; i++) {
			int want = nt_wi_node(nt_ilx(m.sh->addr, i), nr_base,
					      base, weights);
			int node = m.sh->status[i];

			if (want == full) {
				meant_full++;
				on_full += node == full;
				stayed += node == src;
				wrong += node != full && node != src;
			} else {
				wrong += node != want;
			}
		}
	} else {
		wrong = NPAGES;
	}
	tap(!wrong, "fullnode: pages for the other nodes are on them; of %ld for node %d, %ld are on it and %ld stayed on node %d (%ld misplaced)",
	    meant_full, full, on_full, stayed, src, wrong);
	bad = member_verify(&m);
	tap(!bad, "fullnode: contents intact (%ld pages changed)", bad);
	tap(vmstat("oom_kill") == oom0 &&
	    !cg_keyed(c.path, "memory.events", "oom_kill") &&
	    !cg_keyed(h.path, "memory.events", "oom_kill"),
	    "fullnode: no OOM kill (vmstat oom_kill +%ld; memory.events oom_kill %ld, hog's %ld)",
	    vmstat("oom_kill") - oom0,
	    cg_keyed(c.path, "memory.events", "oom_kill"),
	    cg_keyed(h.path, "memory.events", "oom_kill"));
	diag_free("after the pass");

	/* node FULL freed: "pass" brings the rest in line */
	close(hold);
	hold = -1;
	if (waitpid(hog_pid, &status, 0) != hog_pid)
		status = -1;
	hog_pid = -1;
	tap(WIFEXITED(status) && !WEXITSTATUS(status),
	    "fullnode: the hog exited normally (status 0x%x), node %d freed (MemFree %ld kB)",
	    status, full, nt_node_free_kb(full));
	diag_free("without the hog");
	pass_exact("fullnode: node free again", &c, &m, nr_base, base,
		   weights);
	bad = member_verify(&m);
	tap(!bad, "fullnode: contents intact after it (%ld pages changed)",
	    bad);
out:
	member_stop(&m);
	if (hold >= 0)
		close(hold);
	if (hog_pid > 0)
		waitpid(hog_pid, &status, 0);
	rmdir(c.path);
	rmdir(h.path);
	case_end(&x);
}

/* --- main: setup, cases ---------------------------------------------------- */

/* The memory nodes but HP, SRC (a CPU node) and FULL; false if too few */
static bool pick_nodes(int argc, char **argv)
{
	int mem[MPOLT_MAXNODE], nr, i;
	uint64_t cpus = sysfs_nodes("has_cpu"), mask = 0;

	hp = argc > 1 ? atoi(argv[1]) : -1;
	full = argc > 2 ? atoi(argv[2]) : -1;
	nr = nt_list_nodes(MPOLT_NODE_DIR "/has_memory", mem);
	src = -1;
	nr_base = 0;
	for (i = 0; i < nr; i++) {
		if (mem[i] == hp)
			continue;
		base[nr_base++] = mem[i];
		mask |= 1ULL << mem[i];
		if (src < 0 && (cpus & (1ULL << mem[i])))
			src = mem[i];
		if (full < 0 && !(cpus & (1ULL << mem[i])))
			full = mem[i];
	}
	fmt_nodes(mask, base_list, sizeof(base_list));
	return nr_base >= 2 && src >= 0;
}

int main(int argc, char **argv)
{
	int tries;

	tap_init();
	/* a member that died must not take the test with it */
	signal(SIGPIPE, SIG_IGN);
	if (!cg_has_word(MPOLT_CGROOT "/cgroup.controllers", "mpol")) {
		printf("1..0 # SKIP no mpol controller\n");
		return 0;
	}
	if (access(MPOLT_CGROOT "/mpol.migrate.effective", F_OK)) {
		printf("1..0 # SKIP kernel without mpol.migrate\n");
		return 0;
	}
	if (sysconf(_SC_PAGESIZE) != PAGE)
		bail("page size is not %ld", PAGE);
	if (!pick_nodes(argc, argv))
		bail("needs two memory nodes, one with a CPU");
	diag("nodes %s, members fault on node %d, full node %d, hotplug node %d; %ld pages a member, %s",
	     base_list, src, full, hp, NPAGES, SLOW_RATE);
	nt_cg_self(self_cg, sizeof(self_cg));
	snprintf(top, sizeof(top), MPOLT_CGROOT "/mpol_migrace.%d", getpid());
	if (!tap(!nt_cg_mkdir(top) &&
		 !nt_cg_set(top, "cgroup.subtree_control", "+cpuset +memory +mpol"),
		 "setup: %s", top))
		return tap_done();

	case_retarget();
	case_exit();
	case_move();
	case_rmdir();
	if (hp >= 0 && nt_blocks_find(&blk, hp) > 0) {
		if (nt_blocks_set(&blk, "offline", "offline", &tries))
			tap(false, "hotplug: node %d offline at the start", hp);
		else
			case_hotplug();
	} else {
		tap_skip("no hot-pluggable node with memory blocks",
			 "hotplug: node %d offlined during a pass", hp);
	}
	if (full >= 0 && full != src)
		case_fullnode();
	else
		tap_skip("no memory node without CPUs", "fullnode");

	nt_cg_enter(self_cg);
	nt_cg_rmtree(top);
	tap(access(top, F_OK), "%s removed", top);
	diag("stat reads %ld, bad %ld", stat_reads, stat_bad);
	return tap_done();
}
