// SPDX-License-Identifier: GPL-2.0
/*
 * migbench: the mpol.migrate figures of `make bench` (8a-8d, and the
 * figure 5 row with migration on).  Static, raw syscalls, no libnuma.
 * Driven by bench/guest/bench.sh (part "mig", and part "update" for the
 * figure 5 row); bench/report.py parses its stdout.  Besides the line types
 * of mpolbench.c (S, I, E) it prints
 *
 *   R FIG VARIANT REP KEY=VALUE...   one repetition's record
 *
 * Times are guest CLOCK_MONOTONIC ns (under -icount shift=0 the number of
 * instructions both vCPUs executed).  Every process is pinned to CPU 0; the
 * kernel's own migration work runs where the kernel puts it.
 *
 * Subcommands:
 *
 *   pass FIG REPS MIB WEIGHTS VARIANT...
 *	Moves of MIB of fresh 4 KiB anonymous pages, faulted on node 0, one
 *	variant after the other (A B C A B C ...) after one untimed warm-up
 *	run each.  WEIGHTS = NODE=W,... (e.g. 0=3,1=1,2=1,3=1): the weighted
 *	interleave the pass (and the userspace agent) place by.  One worker
 *	process per cgroup (variants with the same cg= share it) maps the
 *	memory at the same address in every worker and run (so every variant
 *	moves the same interleave indices); per run it unmaps the previous
 *	memory and faults it afresh.  VARIANT is a comma list: name=LABEL,
 *	kind=kernel|user|cpuset, cg=DIR (required), and
 *	  kernel  the worker faults under a task policy MPOL_BIND node 0 and
 *	          drops it (MPOL_DEFAULT); timed: from the write of `pass` to
 *	          DIR/mpol.migrate until DIR/mpol.stat (poll POLLPRI, 10 ms
 *	          fallback) shows migrate_active 0 and migrate_passes_completed
 *	          past its value before the write.  DIR must have a weighted-
 *	          interleave policy with WEIGHTS and mpol.migrate on.  set=P
 *	          (pages/s of the rate, for the report only).
 *	  user    the worker faults as for kernel (its cgroup: same policy,
 *	          migration off); timed, in this (separate) process: read
 *	          /proc/PID/maps, compute the target node of every page of every
 *	          private anonymous VMA by the weighted interleave of its index
 *	          (vm_pgoff + offset, vm_pgoff = start >> 12 for anonymous
 *	          memory), move_pages(pid, ...) in batches of batch=N pages (0 =
 *	          all in one call); sort=1 orders each batch by target node.
 *	  cpuset  DIR has cpuset.mems from=M (written, untimed, before the
 *	          worker faults); timed: the write of to=M to DIR/cpuset.mems
 *	          (cgroup v2 migrates the pages and write() returns when done).
 *	Every run: pgmigrate_success (/proc/vmstat) before and after, the
 *	mpol.stat counters (kernel), and the node of every page of the memory
 *	(move_pages query, untimed) against the expected node: n0..n4 (pages
 *	per node), e0..e4 (expected), mismatch (pages not on their node).
 *
 *   churn FIG REPS RMIB CHUNKS VARIANT...
 *	Fault throughput of a workload while a pass moves its memory.  One
 *	worker per variant (name=LABEL,cg=DIR[,trigger=1]); per run it faults
 *	RMIB on node 0 (task policy bind:0, dropped), then, with trigger=1,
 *	the parent writes `pass` to DIR/mpol.migrate, and the worker runs
 *	CHUNKS x (mmap 4 MiB, touch every 4 KiB page, munmap): one S sample =
 *	ns per faulted page over the whole loop.  With trigger=1 the pass
 *	must still be running when the loop ends (else E), and the run waits
 *	(untimed) for the pass to complete before the next.
 *
 *   upd FIG REPS SPEC...
 *	As `mpolbench upd` (SPEC = LABEL@FILE@V1@V2, sample = mean of the
 *	write() of V1 and of V2, two warm-up reps), for files whose cgroups
 *	have mpol.migrate on: the writer runs SCHED_FIFO, so that the passes
 *	its writes start (queued work; bench.sh keeps unbound workqueues on
 *	CPU 0 for this) run only when it sleeps and what is timed is the
 *	writer's own path.  First waits until no pass runs in those cgroups;
 *	prints the mpol.stat pass counts the writes caused (I lines).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MPOL_DEFAULT 0
#define MPOL_BIND 2
#define MPOL_MF_MOVE (1 << 1)
#define MAX_NODES 64
#define NREP_NODES 5		/* n0..n4 in the records (node 4: hotplug) */
#define MAX_VARIANTS 8
#define BUF_ADDR 0x500000000000UL	/* the memory of every pass worker */
#define CHUNK (4UL << 20)
#define POLL_MS 10
#define WAIT_NS (300LL * 1000000000LL)

static long page_size;

static void die(const char *fmt, ...)
{
	va_list ap;

	printf("E ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

static void err_line(const char *fmt, ...)
{
	va_list ap;

	printf("E ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity: %s", strerror(errno));
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static int open_in(const char *dir, const char *file, int flags)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, flags);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	return fd;
}

static void join_cgroup(const char *dir)
{
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	ret = write_file(path, "0");
	if (ret)
		die("join %s: %s", dir, strerror(-ret));
}

static void set_bind(int node)
{
	unsigned long mask[MAX_NODES / (8 * sizeof(long)) + 1] = { 0 };

	if (node < 0) {
		if (syscall(__NR_set_mempolicy, MPOL_DEFAULT, NULL, 0UL))
			die("set_mempolicy(MPOL_DEFAULT): %s", strerror(errno));
		return;
	}
	mask[node / (8 * sizeof(long))] = 1UL << (node % (8 * sizeof(long)));
	if (syscall(__NR_set_mempolicy, MPOL_BIND, mask, (unsigned long)MAX_NODES + 1))
		die("set_mempolicy(MPOL_BIND, %d): %s", node, strerror(errno));
}

/* a /proc/vmstat counter */
static long vmstat_get(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		die("/proc/vmstat: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ' ') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	if (v < 0)
		die("/proc/vmstat has no %s", key);
	return v;
}

/* ---- weighted interleave, as weighted_interleave_nid() ---- */

static int wi_nodes[MAX_NODES], wi_w[MAX_NODES], wi_n;
static long wi_total;

static void parse_weights(const char *s)
{
	char *dup = strdup(s), *tok, *save;

	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int node, w;

		if (sscanf(tok, "%d=%d", &node, &w) != 2 || node < 0 ||
		    node >= MAX_NODES || w < 1 || wi_n >= MAX_NODES ||
		    (wi_n && node <= wi_nodes[wi_n - 1]))
			die("bad weights '%s' (NODE=W,... nodes ascending)", s);
		wi_nodes[wi_n] = node;
		wi_w[wi_n++] = w;
		wi_total += w;
	}
	free(dup);
	if (!wi_n)
		die("no weights in '%s'", s);
}

/* the node of interleave index ilx: ilx % total, walked over the weights */
static int wi_node(unsigned long ilx)
{
	long target = ilx % wi_total;
	int i = 0;

	while (target >= wi_w[i]) {
		target -= wi_w[i];
		i++;
	}
	return wi_nodes[i];
}

/* ---- workers ---- */

struct wcmd {
	char op;		/* f: fault, u: unmap, c: churn, q: quit */
	long arg;
};

struct wres {
	unsigned long addr, len;
	double v;
	long long ns;
};

struct worker {
	const char *cg;
	int tnode;		/* bind to this node while faulting, -1: no task policy */
	pid_t pid;
	int cmd_fd, res_fd;
};

static char *wbuf;
static size_t wlen;

static void w_unmap(void)
{
	if (wbuf)
		munmap(wbuf, wlen);
	wbuf = NULL;
	wlen = 0;
}

static void w_fault(long mib, int tnode)
{
	size_t off;

	w_unmap();
	wlen = (size_t)mib << 20;
	if (tnode >= 0)
		set_bind(tnode);
	wbuf = mmap((void *)BUF_ADDR, wlen, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (wbuf == MAP_FAILED)
		die("mmap %ld MiB at %#lx: %s", mib, BUF_ADDR, strerror(errno));
	if (wbuf != (char *)BUF_ADDR)
		die("mmap: got %p, not %#lx", (void *)wbuf, BUF_ADDR);
	if (madvise(wbuf, wlen, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE): %s", strerror(errno));
	for (off = 0; off < wlen; off += page_size)
		wbuf[off] = 1;
	if (tnode >= 0)
		set_bind(-1);
}

/* CHUNKS x (mmap 4 MiB, touch each page, munmap): ns per page */
static double w_churn(long chunks, long long *ns)
{
	long long t0, t1;
	long c;

	t0 = now_ns();
	for (c = 0; c < chunks; c++) {
		char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		size_t off;

		if (p == MAP_FAILED)
			die("mmap: %s", strerror(errno));
		madvise(p, CHUNK, MADV_NOHUGEPAGE);
		for (off = 0; off < CHUNK; off += page_size)
			p[off] = 1;
		munmap(p, CHUNK);
	}
	t1 = now_ns();
	*ns = t1 - t0;
	return (double)(t1 - t0) / (chunks * (CHUNK / page_size));
}

static void worker_main(struct worker *w, int cfd, int rfd)
{
	struct wcmd c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	join_cgroup(w->cg);
	while (read(cfd, &c, sizeof(c)) == sizeof(c) && c.op != 'q') {
		struct wres r = { 0 };

		switch (c.op) {
		case 'f':
			w_fault(c.arg, w->tnode);
			break;
		case 'u':
			w_unmap();
			break;
		case 'c':
			r.v = w_churn(c.arg, &r.ns);
			break;
		default:
			die("worker: bad command %c", c.op);
		}
		r.addr = (unsigned long)wbuf;
		r.len = wlen;
		if (write(rfd, &r, sizeof(r)) != sizeof(r))
			exit(1);
	}
	exit(0);
}

static void worker_start(struct worker *w)
{
	int cmd[2], res[2];

	if (pipe(cmd) || pipe(res))
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	w->pid = fork();
	if (w->pid < 0)
		die("fork: %s", strerror(errno));
	if (!w->pid) {
		close(cmd[1]);
		close(res[0]);
		worker_main(w, cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	w->cmd_fd = cmd[1];
	w->res_fd = res[0];
}

static struct wres worker_ask(struct worker *w, char op, long arg)
{
	struct wcmd c = { .op = op, .arg = arg };
	struct wres r;

	if (write(w->cmd_fd, &c, sizeof(c)) != sizeof(c))
		die("worker in %s: %s", w->cg, strerror(errno));
	if (read(w->res_fd, &r, sizeof(r)) != sizeof(r))
		die("worker in %s died", w->cg);
	return r;
}

static void worker_stop(struct worker *w)
{
	struct wcmd c = { .op = 'q' };

	if (write(w->cmd_fd, &c, sizeof(c)) != sizeof(c))
		kill(w->pid, SIGKILL);
	close(w->cmd_fd);
	close(w->res_fd);
	waitpid(w->pid, NULL, 0);
}

/* ---- mpol.stat ---- */

enum {
	M_STARTED, M_COMPLETED, M_ABORTED, M_ACTIVE, M_SCANNED, M_PLACED,
	M_MOVED, M_SKIPPED, M_SK_POLICY, M_SK_SHARED, M_SK_PINNED, M_FAILED,
	M_N
};

static const char *const mkeys[M_N] = {
	"migrate_passes_started", "migrate_passes_completed",
	"migrate_passes_aborted", "migrate_active", "migrate_scanned",
	"migrate_placed", "migrate_moved", "migrate_skipped",
	"migrate_skipped_policy", "migrate_skipped_shared",
	"migrate_skipped_pinned", "migrate_failed",
};

static void read_mstat(int fd, long *v)
{
	char buf[2048], *line, *save;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	int seen = 0, i;

	if (n < 0)
		die("read mpol.stat: %s", strerror(errno));
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		for (i = 0; i < M_N; i++)
			if (!strcmp(line, mkeys[i])) {
				v[i] = strtol(sp + 1, NULL, 10);
				seen |= 1 << i;
			}
	}
	if (seen != (1 << M_N) - 1)
		for (i = 0; i < M_N; i++)
			if (!(seen & (1 << i)))
				die("mpol.stat has no %s", mkeys[i]);
}

/*
 * Wait until no pass runs and, if c0 >= 0, migrate_passes_completed has
 * grown past c0 (a pass aborted by a retarget is followed by the new one).
 * Returns 1 if the last wake-up was a POLLPRI notification, 0 if it was the
 * fallback timeout (or no wait was needed), -1 on a timeout of WAIT_NS.
 */
static int wait_pass(int fd, long c0, long *v)
{
	long long deadline = now_ns() + WAIT_NS;
	int notified = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLPRI };
		int r;

		read_mstat(fd, v);	/* also re-arms the notification */
		if (!v[M_ACTIVE] && (c0 < 0 || v[M_COMPLETED] > c0))
			return notified;
		if (now_ns() > deadline)
			return -1;
		r = poll(&p, 1, POLL_MS);
		if (r < 0 && errno != EINTR)
			die("poll mpol.stat: %s", strerror(errno));
		notified = r > 0 && (p.revents & POLLPRI);
	}
}

/* ---- placement ---- */

static void **q_pages;
static int *q_status;
static long q_max;

static void q_alloc(long npages)
{
	q_max = npages;
	q_pages = calloc(npages, sizeof(*q_pages));
	q_status = calloc(npages, sizeof(*q_status));
	if (!q_pages || !q_status)
		die("calloc");
}

/*
 * The node of every page of [addr, addr+len) of pid; counts per node and
 * expected per node (expect >= 0: all on that node, else the interleave),
 * pages not on their expected node.  Printed as n0.. e0.. mismatch= nx=.
 */
static void check_placement(pid_t pid, unsigned long addr, unsigned long len,
		      int expect, char *out, size_t outlen)
{
	long n = len / page_size, i, cnt[NREP_NODES] = { 0 },
	     exp[NREP_NODES] = { 0 }, mism = 0, other = 0;
	size_t o = 0;

	if (n > q_max)
		die("placement: %ld pages > %ld", n, q_max);
	for (i = 0; i < n; i++)
		q_pages[i] = (void *)(addr + i * page_size);
	if (syscall(__NR_move_pages, pid, (unsigned long)n, q_pages, NULL,
		    q_status, 0) < 0)
		die("move_pages(query): %s", strerror(errno));
	for (i = 0; i < n; i++) {
		int want = expect >= 0 ? expect : wi_node((addr >> 12) + i);
		int st = q_status[i];

		if (want < NREP_NODES)
			exp[want]++;
		if (st >= 0 && st < NREP_NODES)
			cnt[st]++;
		else
			other++;
		if (st != want)
			mism++;
	}
	for (i = 0; i < NREP_NODES; i++)
		o += snprintf(out + o, outlen - o, " n%ld=%ld", i, cnt[i]);
	for (i = 0; i < NREP_NODES; i++)
		o += snprintf(out + o, outlen - o, " e%ld=%ld", i, exp[i]);
	snprintf(out + o, outlen - o, " nx=%ld mismatch=%ld pages=%ld addr=%#lx",
		 other, mism, n, addr);
}

/* ---- the userspace agent ---- */

struct agent {
	int batch, sort;
	void **pages, **spages;
	int *nodes, *snodes, *status;
	long cap;
	/* results */
	long npages, calls, ok, wrong, enoent, eacces, ebusy, efault, other, unmoved, vmas;
};

static void agent_alloc(struct agent *a, long cap)
{
	a->cap = cap;
	a->pages = calloc(cap, sizeof(void *));
	a->spages = calloc(cap, sizeof(void *));
	a->nodes = calloc(cap, sizeof(int));
	a->snodes = calloc(cap, sizeof(int));
	a->status = calloc(cap, sizeof(int));
	if (!a->pages || !a->spages || !a->nodes || !a->snodes || !a->status)
		die("calloc");
}

static void agent_flush(struct agent *a, pid_t pid, long n)
{
	void **pages = a->pages;
	int *nodes = a->nodes;
	long i, r;

	if (!n)
		return;
	if (a->sort) {
		/* counting sort by node, stable: one run per target node */
		long pos[MAX_NODES + 1] = { 0 };

		for (i = 0; i < n; i++)
			pos[a->nodes[i] + 1]++;
		for (i = 1; i <= MAX_NODES; i++)
			pos[i] += pos[i - 1];
		for (i = 0; i < n; i++) {
			long k = pos[a->nodes[i]]++;

			a->spages[k] = a->pages[i];
			a->snodes[k] = a->nodes[i];
		}
		pages = a->spages;
		nodes = a->snodes;
	}
	r = syscall(__NR_move_pages, pid, (unsigned long)n, pages, nodes,
		    a->status, MPOL_MF_MOVE);
	a->calls++;
	if (r < 0)
		die("move_pages(pid %d, %ld pages): %s", pid, n, strerror(errno));
	a->unmoved += r;
	for (i = 0; i < n; i++) {
		int st = a->status[i];

		if (st >= 0 && st == nodes[i])
			a->ok++;
		else if (st >= 0)
			a->wrong++;
		else if (st == -ENOENT)
			a->enoent++;
		else if (st == -EACCES)
			a->eacces++;
		else if (st == -EBUSY)
			a->ebusy++;
		else if (st == -EFAULT)
			a->efault++;
		else
			a->other++;
	}
}

/*
 * What an agent outside the process can do today: every private anonymous
 * VMA of /proc/PID/maps, the target of each page by the weighted interleave
 * of its index (maps shows offset 0 for anonymous VMAs; their vm_pgoff is
 * start >> 12 unless mremap() moved them), move_pages() in batches.
 */
static void agent_run(struct agent *a, pid_t pid)
{
	char path[64], line[4096];
	long n = 0, cap = a->batch > 0 ? a->batch : a->cap;
	FILE *f;

	a->npages = a->calls = a->ok = a->wrong = a->enoent = a->eacces = 0;
	a->ebusy = a->efault = a->other = a->unmoved = a->vmas = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, off, ino, addr;
		unsigned int maj, min;
		char perms[8], *name = "";
		int pos = 0;

		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %n", &start, &end,
			   perms, &off, &maj, &min, &ino, &pos) < 7)
			continue;
		if (pos)
			name = line + pos;
		name[strcspn(name, "\n")] = '\0';
		if (ino || perms[3] != 'p' || (perms[0] != 'r' && perms[1] != 'w'))
			continue;
		if (*name && strcmp(name, "[heap]") && strcmp(name, "[stack]") &&
		    strncmp(name, "[anon:", 6))
			continue;	/* files, [vdso], [vvar], [vsyscall] */
		a->vmas++;
		for (addr = start; addr < end; addr += page_size) {
			a->pages[n] = (void *)addr;
			a->nodes[n] = wi_node(addr >> 12);
			a->npages++;
			if (++n == cap) {
				agent_flush(a, pid, n);
				n = 0;
			}
		}
	}
	fclose(f);
	agent_flush(a, pid, n);
}

/* ---- pass ---- */

struct pvar {
	const char *name, *kind, *cg;
	int batch, sort, from, to;
	long set;
	struct worker *w;
	int stat_fd, mig_fd, mems_fd;
};

static void parse_pvar(struct pvar *v, char *spec)
{
	char *tok, *save;

	memset(v, 0, sizeof(*v));
	v->batch = 512;
	v->from = v->to = -1;
	v->stat_fd = v->mig_fd = v->mems_fd = -1;
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "name=", 5))
			v->name = tok + 5;
		else if (!strncmp(tok, "kind=", 5))
			v->kind = tok + 5;
		else if (!strncmp(tok, "cg=", 3))
			v->cg = tok + 3;
		else if (!strncmp(tok, "batch=", 6))
			v->batch = atoi(tok + 6);
		else if (!strncmp(tok, "sort=", 5))
			v->sort = atoi(tok + 5);
		else if (!strncmp(tok, "from=", 5))
			v->from = atoi(tok + 5);
		else if (!strncmp(tok, "to=", 3))
			v->to = atoi(tok + 3);
		else if (!strncmp(tok, "set=", 4))
			v->set = atol(tok + 4);
		else
			die("bad variant token '%s'", tok);
	}
	if (!v->name || !v->kind || !v->cg)
		die("variant needs name=, kind= and cg=");
	if (strcmp(v->kind, "kernel") && strcmp(v->kind, "user") &&
	    strcmp(v->kind, "cpuset"))
		die("variant %s: kind must be kernel, user or cpuset", v->name);
	if (!strcmp(v->kind, "cpuset") && (v->from < 0 || v->to < 0))
		die("variant %s: cpuset needs from= and to=", v->name);
	if (v->batch < 0)
		die("variant %s: bad batch", v->name);
}

static void write_fd(int fd, const char *val, const char *what)
{
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		die("write '%s' to %s: %s", val, what, strerror(errno));
}

static void run_pvar(struct pvar *v, struct agent *ag, const char *fig,
		     long mib, int rep)
{
	char place[512], mems[16];
	long long t0, t1;
	long m0[M_N], m1[M_N], vm0, vm1;
	struct wres r;

	if (!strcmp(v->kind, "kernel")) {
		int notified;

		r = worker_ask(v->w, 'f', mib);
		/* e.g. the attach of the worker: nothing may run before */
		if (wait_pass(v->stat_fd, -1, m0) < 0)
			die("%s: a pass in %s does not end", v->name, v->cg);
		vm0 = vmstat_get("pgmigrate_success");
		t0 = now_ns();
		write_fd(v->mig_fd, "pass", "mpol.migrate");
		notified = wait_pass(v->stat_fd, m0[M_COMPLETED], m1);
		t1 = now_ns();
		if (notified < 0)
			die("%s: the pass did not end within %lld s", v->name,
			    WAIT_NS / 1000000000LL);
		vm1 = vmstat_get("pgmigrate_success");
		if (rep > 0 && m1[M_ABORTED] != m0[M_ABORTED])
			err_line("%s %s rep %d: a pass was aborted", fig, v->name, rep);
		check_placement(v->w->pid, r.addr, r.len, -1, place, sizeof(place));
		if (rep > 0)
			printf("R %s %s %d kind=kernel ns=%lld moved=%ld migrated=%ld scanned=%ld placed=%ld skipped=%ld failed=%ld passes=%ld aborted=%ld notified=%d set=%ld%s\n",
			       fig, v->name, rep, t1 - t0, m1[M_MOVED] - m0[M_MOVED],
			       vm1 - vm0, m1[M_SCANNED] - m0[M_SCANNED],
			       m1[M_PLACED] - m0[M_PLACED], m1[M_SKIPPED] - m0[M_SKIPPED],
			       m1[M_FAILED] - m0[M_FAILED],
			       m1[M_COMPLETED] - m0[M_COMPLETED],
			       m1[M_ABORTED] - m0[M_ABORTED], notified, v->set, place);
	} else if (!strcmp(v->kind, "user")) {
		r = worker_ask(v->w, 'f', mib);
		ag->batch = v->batch;
		ag->sort = v->sort;
		vm0 = vmstat_get("pgmigrate_success");
		t0 = now_ns();
		agent_run(ag, v->w->pid);
		t1 = now_ns();
		vm1 = vmstat_get("pgmigrate_success");
		check_placement(v->w->pid, r.addr, r.len, -1, place, sizeof(place));
		if (rep > 0)
			printf("R %s %s %d kind=user ns=%lld migrated=%ld batch=%d sort=%d vmas=%ld pages_passed=%ld calls=%ld ok=%ld wrong=%ld enoent=%ld eacces=%ld ebusy=%ld efault=%ld other=%ld unmoved=%ld%s\n",
			       fig, v->name, rep, t1 - t0, vm1 - vm0, v->batch, v->sort,
			       ag->vmas, ag->npages, ag->calls, ag->ok, ag->wrong,
			       ag->enoent, ag->eacces, ag->ebusy, ag->efault, ag->other,
			       ag->unmoved, place);
	} else {
		worker_ask(v->w, 'u', 0);
		snprintf(mems, sizeof(mems), "%d", v->from);
		write_fd(v->mems_fd, mems, "cpuset.mems");
		r = worker_ask(v->w, 'f', mib);
		snprintf(mems, sizeof(mems), "%d", v->to);
		vm0 = vmstat_get("pgmigrate_success");
		t0 = now_ns();
		write_fd(v->mems_fd, mems, "cpuset.mems");
		t1 = now_ns();
		vm1 = vmstat_get("pgmigrate_success");
		check_placement(v->w->pid, r.addr, r.len, v->to, place, sizeof(place));
		if (rep > 0)
			printf("R %s %s %d kind=cpuset ns=%lld migrated=%ld from=%d to=%d%s\n",
			       fig, v->name, rep, t1 - t0, vm1 - vm0, v->from, v->to,
			       place);
	}
	fflush(stdout);
}

static int cmd_pass(int argc, char **argv)
{
	struct worker ws[MAX_VARIANTS];
	struct pvar vs[MAX_VARIANTS];
	struct agent ag = { 0 };
	const char *fig;
	int reps, nv, nw = 0, i, r;
	long mib, npages;

	if (argc < 6)
		die("usage: pass FIG REPS MIB WEIGHTS VARIANT...");
	fig = argv[1];
	reps = atoi(argv[2]);
	mib = atol(argv[3]);
	parse_weights(argv[4]);
	nv = argc - 5;
	if (nv > MAX_VARIANTS || reps < 1 || mib < 1)
		die("pass: bad arguments");
	npages = (mib << 20) / page_size;
	pin_cpu0();
	for (i = 0; i < nv; i++) {
		struct pvar *v = &vs[i];
		int tnode, j;

		parse_pvar(v, argv[5 + i]);
		tnode = !strcmp(v->kind, "cpuset") ? -1 : 0;
		for (j = 0; j < nw; j++)
			if (!strcmp(ws[j].cg, v->cg))
				break;
		if (j == nw) {
			ws[nw].cg = v->cg;
			ws[nw].tnode = tnode;
			worker_start(&ws[nw++]);
		} else if (ws[j].tnode != tnode) {
			die("variants in %s need different workers", v->cg);
		}
		v->w = &ws[j];
		if (!strcmp(v->kind, "kernel")) {
			v->stat_fd = open_in(v->cg, "mpol.stat", O_RDONLY);
			v->mig_fd = open_in(v->cg, "mpol.migrate", O_WRONLY);
		} else if (!strcmp(v->kind, "cpuset")) {
			v->mems_fd = open_in(v->cg, "cpuset.mems", O_WRONLY);
		}
	}
	/*
	 * After the fork of the workers, so that they do not inherit these
	 * arrays: the whole memory in one call for batch=0, plus the other VMAs.
	 */
	q_alloc(npages);
	agent_alloc(&ag, npages + 65536);
	/* rep 0: the untimed warm-up */
	for (r = 0; r <= reps; r++)
		for (i = 0; i < nv; i++)
			run_pvar(&vs[i], &ag, fig, mib, r);
	for (i = 0; i < nw; i++)
		worker_stop(&ws[i]);
	return 0;
}

/* ---- churn ---- */

static int cmd_churn(int argc, char **argv)
{
	struct {
		const char *name, *cg;
		int trigger, stat_fd, mig_fd;
		struct worker w;
	} vs[MAX_VARIANTS];
	const char *fig;
	int reps, nv, i, r;
	long rmib, chunks;

	if (argc < 6)
		die("usage: churn FIG REPS RMIB CHUNKS VARIANT...");
	fig = argv[1];
	reps = atoi(argv[2]);
	rmib = atol(argv[3]);
	chunks = atol(argv[4]);
	nv = argc - 5;
	if (nv > MAX_VARIANTS || reps < 1 || rmib < 1 || chunks < 1)
		die("churn: bad arguments");
	pin_cpu0();
	for (i = 0; i < nv; i++) {
		char *tok, *save;

		memset(&vs[i], 0, sizeof(vs[i]));
		for (tok = strtok_r(argv[5 + i], ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (!strncmp(tok, "name=", 5))
				vs[i].name = tok + 5;
			else if (!strncmp(tok, "cg=", 3))
				vs[i].cg = tok + 3;
			else if (!strncmp(tok, "trigger=", 8))
				vs[i].trigger = atoi(tok + 8);
			else
				die("bad variant token '%s'", tok);
		}
		if (!vs[i].name || !vs[i].cg)
			die("variant needs name= and cg=");
		vs[i].stat_fd = vs[i].mig_fd = -1;
		if (vs[i].trigger) {
			vs[i].stat_fd = open_in(vs[i].cg, "mpol.stat", O_RDONLY);
			vs[i].mig_fd = open_in(vs[i].cg, "mpol.migrate", O_WRONLY);
		}
		vs[i].w.cg = vs[i].cg;
		vs[i].w.tnode = 0;
		worker_start(&vs[i].w);
	}
	for (r = 0; r <= reps; r++)
		for (i = 0; i < nv; i++) {
			long m0[M_N] = { 0 }, m1[M_N] = { 0 }, m2[M_N] = { 0 };
			struct wres res;
			int inpass = 1;

			worker_ask(&vs[i].w, 'f', rmib);
			if (vs[i].trigger) {
				if (wait_pass(vs[i].stat_fd, -1, m0) < 0)
					die("%s: a pass in %s does not end", vs[i].name, vs[i].cg);
				write_fd(vs[i].mig_fd, "pass", "mpol.migrate");
			}
			res = worker_ask(&vs[i].w, 'c', chunks);
			if (vs[i].trigger) {
				read_mstat(vs[i].stat_fd, m1);
				inpass = m1[M_ACTIVE] && m1[M_COMPLETED] == m0[M_COMPLETED] &&
					 m1[M_ABORTED] == m0[M_ABORTED];
				if (wait_pass(vs[i].stat_fd, m0[M_COMPLETED], m2) < 0)
					die("%s: the pass did not end", vs[i].name);
				if (r > 0 && !inpass)
					err_line("%s %s rep %d: the pass was not running for the whole run (grow RMIB)",
						 fig, vs[i].name, r);
			}
			if (r == 0)
				continue;
			printf("S %s %s %d %.1f\n", fig, vs[i].name, r, res.v);
			if (vs[i].trigger)
				printf("R %s %s %d run_ns=%lld chunks=%ld rmib=%ld inpass=%d moved_in_run=%ld failed_in_run=%ld pass_moved=%ld pass_failed=%ld\n",
				       fig, vs[i].name, r, res.ns, chunks, rmib, inpass,
				       m1[M_MOVED] - m0[M_MOVED], m1[M_FAILED] - m0[M_FAILED],
				       m2[M_MOVED] - m0[M_MOVED], m2[M_FAILED] - m0[M_FAILED]);
			else
				printf("R %s %s %d run_ns=%lld chunks=%ld rmib=%ld\n", fig,
				       vs[i].name, r, res.ns, chunks, rmib);
			fflush(stdout);
		}
	for (i = 0; i < nv; i++)
		worker_stop(&vs[i].w);
	return 0;
}

/* ---- upd, migration on ---- */

static int cmd_upd(int argc, char **argv)
{
	struct {
		char *label, *file, *v[2];
		int fd, stat_fd;
		long m0[M_N];
	} s[MAX_VARIANTS];
	struct sched_param sp = { .sched_priority = 50 };
	int reps, ns, i, r;

	if (argc < 4)
		die("usage: upd FIG REPS LABEL@FILE@V1@V2...");
	reps = atoi(argv[2]);
	ns = argc - 3;
	if (ns > MAX_VARIANTS)
		die("too many specs");
	pin_cpu0();
	for (i = 0; i < ns; i++) {
		char *save, dir[PATH_MAX], *slash;

		s[i].label = strtok_r(argv[3 + i], "@", &save);
		s[i].file = strtok_r(NULL, "@", &save);
		s[i].v[0] = strtok_r(NULL, "@", &save);
		s[i].v[1] = strtok_r(NULL, "@", &save);
		if (!s[i].v[1])
			die("bad spec");
		s[i].fd = open(s[i].file, O_WRONLY);
		if (s[i].fd < 0)
			die("open %s: %s", s[i].file, strerror(errno));
		snprintf(dir, sizeof(dir), "%s", s[i].file);
		slash = strrchr(dir, '/');
		if (!slash)
			die("spec file %s: no directory", s[i].file);
		*slash = '\0';
		s[i].stat_fd = open_in(dir, "mpol.stat", O_RDONLY);
	}
	/* the passes of turning migration on (or of an earlier write) first */
	for (i = 0; i < ns; i++)
		if (wait_pass(s[i].stat_fd, -1, s[i].m0) < 0)
			die("%s: a pass does not end", s[i].label);
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		die("sched_setscheduler(SCHED_FIFO): %s", strerror(errno));
	for (r = -1; r <= reps; r++)
		for (i = 0; i < ns; i++) {
			long long t = 0;
			int k;

			for (k = 0; k < 2; k++) {
				size_t len = strlen(s[i].v[k]);
				long long t0, t1;
				ssize_t n;

				t0 = now_ns();
				n = write(s[i].fd, s[i].v[k], len);
				t1 = now_ns();
				if (n != (ssize_t)len)
					die("write '%s' to %s: %s", s[i].v[k],
					    s[i].file, n < 0 ? strerror(errno) : "short");
				t += t1 - t0;
			}
			if (r >= 1) {
				printf("S %s %s %d %.1f\n", argv[1], s[i].label,
				       r, t / 2.0);
				fflush(stdout);
			}
		}
	sp.sched_priority = 0;
	sched_setscheduler(0, SCHED_OTHER, &sp);
	for (i = 0; i < ns; i++) {
		long m1[M_N];

		read_mstat(s[i].stat_fd, m1);
		printf("I %s_passes:%s writes=%d started=%ld completed=%ld aborted=%ld active=%ld moved=%ld failed=%ld\n",
		       argv[1], s[i].label, 2 * (reps + 2),
		       m1[M_STARTED] - s[i].m0[M_STARTED],
		       m1[M_COMPLETED] - s[i].m0[M_COMPLETED],
		       m1[M_ABORTED] - s[i].m0[M_ABORTED], m1[M_ACTIVE],
		       m1[M_MOVED] - s[i].m0[M_MOVED], m1[M_FAILED] - s[i].m0[M_FAILED]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	page_size = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		die("usage: migbench pass|churn|upd ...");
	if (!strcmp(argv[1], "pass"))
		return cmd_pass(argc - 1, argv + 1);
	if (!strcmp(argv[1], "churn"))
		return cmd_churn(argc - 1, argv + 1);
	if (!strcmp(argv[1], "upd"))
		return cmd_upd(argc - 1, argv + 1);
	die("unknown subcommand %s", argv[1]);
	return 1;
}
