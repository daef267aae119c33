// SPDX-License-Identifier: GPL-2.0
/*
 * mpolbench: guest-side benchmark programs of `make bench` (static, raw
 * syscalls, no libnuma).  Driven by bench/guest/bench.sh; every result is
 * one line on stdout that bench/report.py parses:
 *
 *   S FIG VARIANT REP VALUE       one sample (ns per operation)
 *   P FIG VARIANT NODE PAGES      pages on NODE (placement)
 *   I KEY VALUE...                information
 *   E message                     an error (the figure is reported as failed)
 *
 * Subcommands:
 *
 *   ab FIG REPS WORKLOAD ARG VARIANT...
 *	One worker process per VARIANT, each pinned to CPU 0, in its own
 *	cgroup, with its own task policy; the workers run the WORKLOAD in
 *	turn, A B C A B C ..., after one untimed warm-up run each, and the
 *	parent prints each run's time per operation.  VARIANT is a comma
 *	list: name=LABEL (required), cg=CGROUPDIR, pol=MODE:NODES (task
 *	policy: wi, il, bind, pref, or "none"), pre=PATH@VALUE (the parent
 *	writes VALUE to PATH before every run of this variant; repeatable).
 *	WORKLOAD ARG:
 *	  fault4k MIB  touch MIB of fresh anonymous memory (MADV_NOHUGEPAGE),
 *	               ns per 4 KiB fault; munmap after each run (untimed)
 *	  faultthp MIB the same with MADV_HUGEPAGE, 2 MiB aligned: ns per
 *	               2 MiB fault; checks that THPs were really used
 *	  ptmx N       N x open("/dev/ptmx") + close(): each open vzalloc()s
 *	               two n_tty_data (3 pages each), which vmalloc allocates
 *	               with alloc_pages_bulk_array_mempolicy(); ns per pair
 *	  readfile N   read(2) an N-page file (64 KiB per call) that is not
 *	               in the page cache: the page cache allocation path
 *	               (readahead, no VMA); ns per 4 KiB page.  The parent
 *	               makes the file first, one hole ($MPOLBENCH_FILE, default
 *	               /mpolbench-read.dat: the ext4 root of the bench VM)
 *	               and removes it at the end; before every run the
 *	               worker drops it from the page cache (fsync,
 *	               POSIX_FADV_DONTNEED, drop_caches if mincore() still
 *	               finds a page; untimed) and fails if a page stays
 *
 *   place FIG LABEL NPAGES [cg=DIR] [pol=MODE:NODES] [cpu=N]
 *	Fault NPAGES 4 KiB pages, print the node of each (move_pages).
 *	Pinned to CPU 0, or to CPU N with cpu=N (auto weights: the table
 *	of the node of the CPU that faults).
 *
 *   placebulk FIG LABEL NFDS [cg=DIR] [pol=MODE:NODES] [cpu=N]
 *	Open NFDS ptmx and count the pages of the new n_tty_open vmalloc
 *	areas per node (/proc/vmallocinfo, before/after).
 *
 *   spawn N READYFILE
 *	Become N sleeping tasks: fork N-1 children; every task (the caller
 *	too) touches 64 KiB, then READYFILE is created and all pause().
 *
 *   upd FIG REPS SPEC...
 *	SPEC = LABEL@FILE@V1@V2.  Per rep, for each SPEC in turn, time one
 *	write() of V1, then one of V2, to FILE (opened once); the sample is
 *	their mean, ns per write.  Two untimed warm-up reps.
 *
 *   attach FIG REPS SPEC...
 *	SPEC = LABEL@CG1@CG2.  A sleeping victim task per SPEC (it touched
 *	64 KiB) starts in CG1; per rep, for each SPEC in turn, time the
 *	write() of its pid to the other cgroup's cgroup.procs.  ns per move.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MAX_NODES 64
#define MAX_VARIANTS 8
#define MAX_PRE 4

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

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		die("bad CPU %d", cpu);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(CPU %d): %s", cpu, strerror(errno));
	/* run there before the caller goes on */
	sched_yield();
	if (sched_getcpu() != cpu)
		die("pinned to CPU %d, running on %d", cpu, sched_getcpu());
}

static void pin_cpu0(void)
{
	pin_cpu(0);
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

static void join_cgroup(const char *dir)
{
	char path[512];
	int ret;

	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	ret = write_file(path, "0");
	if (ret)
		die("join %s: %s", dir, strerror(-ret));
}

static unsigned long parse_nodes(const char *s)
{
	unsigned long mask = 0;
	char *end;

	while (*s) {
		long a = strtol(s, &end, 10), b = a;

		if (end == s)
			die("bad nodelist '%s'", s);
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (; a <= b; a++)
			mask |= 1UL << a;
		if (*end == ',')
			end++;
		s = end;
	}
	return mask;
}

/* "wi:0-3", "il:0-1", "bind:0", "pref:1" or "none" */
static void set_task_policy(const char *spec)
{
	const char *colon;
	unsigned long mask;
	int mode;

	if (!spec || !*spec || !strcmp(spec, "none"))
		return;
	colon = strchr(spec, ':');
	if (!colon)
		die("bad policy '%s'", spec);
	if (!strncmp(spec, "wi:", 3))
		mode = MPOL_WEIGHTED_INTERLEAVE;
	else if (!strncmp(spec, "il:", 3))
		mode = MPOL_INTERLEAVE;
	else if (!strncmp(spec, "bind:", 5))
		mode = MPOL_BIND;
	else if (!strncmp(spec, "pref:", 5))
		mode = MPOL_PREFERRED;
	else
		die("bad policy mode '%s'", spec);
	mask = parse_nodes(colon + 1);
	if (syscall(__NR_set_mempolicy, mode, &mask, (unsigned long)MAX_NODES + 1))
		die("set_mempolicy(%s): %s", spec, strerror(errno));
}

/* a /proc/meminfo value (kB); /proc/vmstat has no THP events in tinyconfig */
static unsigned long meminfo(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	unsigned long v = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			v = strtoul(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* ---- workloads: return ns per operation ---- */

static double run_fault(long mib, int thp)
{
	size_t len = (size_t)mib << 20, step = thp ? 2UL << 20 : (size_t)page_size;
	size_t maplen = thp ? len + (2UL << 20) : len;
	unsigned long thp0 = 0;
	long long t0, t1;
	char *map, *buf;
	size_t off;

	map = mmap(NULL, maplen, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	buf = map;
	if (thp) {
		buf = (char *)(((unsigned long)map + (2UL << 20) - 1) & ~((2UL << 20) - 1));
		if (madvise(buf, len, MADV_HUGEPAGE))
			die("madvise(MADV_HUGEPAGE): %s", strerror(errno));
		thp0 = meminfo("AnonHugePages");
	} else if (madvise(buf, len, MADV_NOHUGEPAGE)) {
		die("madvise(MADV_NOHUGEPAGE): %s", strerror(errno));
	}
	t0 = now_ns();
	for (off = 0; off < len; off += step)
		buf[off] = 1;
	t1 = now_ns();
	if (thp && meminfo("AnonHugePages") - thp0 != len >> 10)
		die("faultthp: %lu of %zu faults got a THP",
		    (meminfo("AnonHugePages") - thp0) >> 11, len / step);
	munmap(map, maplen);
	return (double)(t1 - t0) / (len / step);
}

static double run_ptmx(long n)
{
	long long t0, t1;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		int fd = open("/dev/ptmx", O_RDWR | O_NOCTTY);

		if (fd < 0)
			die("open /dev/ptmx: %s", strerror(errno));
		close(fd);
	}
	t1 = now_ns();
	return (double)(t1 - t0) / n;
}

/* ---- readfile: page cache allocations without a VMA ---- */

#define READ_CHUNK	(64 << 10)

static const char *readfile_path(void)
{
	const char *p = getenv("MPOLBENCH_FILE");

	return p && *p ? p : "/mpolbench-read.dat";
}

/*
 * The file of @npages pages: one hole on ext4, so that a read allocates and
 * zero-fills its page cache without block I/O, whose completion time under
 * -icount is host time, not guest instructions (with data on disk, the
 * figure swung from 9 us to 3 ms per page between repetitions).
 */
static void readfile_create(long npages)
{
	const char *path = readfile_path();
	struct statfs sf;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("readfile: create %s: %s", path, strerror(errno));
	if (ftruncate(fd, (off_t)npages * page_size) || fsync(fd) ||
	    fstatfs(fd, &sf))
		die("readfile: truncate %s: %s", path, strerror(errno));
	close(fd);
	/* 0xef53 ext4; tmpfs would measure shmem, not the page cache */
	printf("I readfile_fs %s 0x%lx %ld pages\n", path,
	       (unsigned long)sf.f_type, npages);
	if (sf.f_type == 0x01021994 || sf.f_type == 0x858458f6)
		die("readfile: %s is on tmpfs/ramfs: no page cache reads to measure",
		    path);
}

/* Pages of the first @npages of @fd in the page cache */
static long readfile_resident(int fd, long npages)
{
	unsigned char *vec = malloc(npages);
	long i, n = 0;
	void *p;

	p = mmap(NULL, (size_t)npages * page_size, PROT_READ, MAP_SHARED, fd, 0);
	if (!vec || p == MAP_FAILED ||
	    mincore(p, (size_t)npages * page_size, vec))
		die("readfile: mincore: %s", strerror(errno));
	for (i = 0; i < npages; i++)
		n += vec[i] & 1;
	munmap(p, (size_t)npages * page_size);
	free(vec);
	return n;
}

static double run_readfile(long npages)
{
	static char *buf;
	size_t len = (size_t)npages * page_size, done = 0;
	long long t0, t1;
	ssize_t n;
	int fd;

	if (!buf) {
		buf = malloc(READ_CHUNK);
		if (!buf)
			die("malloc");
		memset(buf, 1, READ_CHUNK);	/* no fault in the timed loop */
	}
	fd = open(readfile_path(), O_RDONLY);
	if (fd < 0)
		die("readfile: open %s: %s", readfile_path(), strerror(errno));
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (readfile_resident(fd, npages)) {
		write_file("/proc/sys/vm/drop_caches", "1");
		n = readfile_resident(fd, npages);
		if (n)
			die("readfile: %zd pages of %s stay in the page cache",
			    n, readfile_path());
	}
	t0 = now_ns();
	while (done < len) {
		n = read(fd, buf, READ_CHUNK);
		if (n <= 0)
			die("readfile: read: %s", n ? strerror(errno) : "EOF");
		done += n;
	}
	t1 = now_ns();
	close(fd);
	return (double)(t1 - t0) / npages;
}

static double run_workload(const char *w, long arg)
{
	if (!strcmp(w, "fault4k"))
		return run_fault(arg, 0);
	if (!strcmp(w, "faultthp"))
		return run_fault(arg, 1);
	if (!strcmp(w, "ptmx"))
		return run_ptmx(arg);
	if (!strcmp(w, "readfile"))
		return run_readfile(arg);
	die("unknown workload %s", w);
	return 0;
}

/* ---- ab: interleaved variants ---- */

struct variant {
	const char *name, *cg, *pol;
	const char *pre_path[MAX_PRE], *pre_val[MAX_PRE];
	int npre;
	pid_t pid;
	int cmd_fd, res_fd;
};

static void parse_variant(struct variant *v, char *spec)
{
	char *tok, *save;

	memset(v, 0, sizeof(*v));
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "name=", 5)) {
			v->name = tok + 5;
		} else if (!strncmp(tok, "cg=", 3)) {
			v->cg = tok + 3;
		} else if (!strncmp(tok, "pol=", 4)) {
			v->pol = tok + 4;
		} else if (!strncmp(tok, "pre=", 4) && v->npre < MAX_PRE) {
			char *at = strchr(tok + 4, '@');

			if (!at)
				die("bad pre= '%s'", tok);
			*at = '\0';
			v->pre_path[v->npre] = tok + 4;
			v->pre_val[v->npre++] = at + 1;
		} else {
			die("bad variant token '%s'", tok);
		}
	}
	if (!v->name)
		die("variant without name=");
}

static void worker(struct variant *v, const char *w, long arg, int cmd_fd,
		   int res_fd)
{
	char c;

	join_cgroup(v->cg);
	set_task_policy(v->pol);
	while (read(cmd_fd, &c, 1) == 1 && c == 'r') {
		double r = run_workload(w, arg);

		if (write(res_fd, &r, sizeof(r)) != sizeof(r))
			exit(1);
	}
	exit(0);
}

static double ask(struct variant *v)
{
	double r;
	int i, ret;

	for (i = 0; i < v->npre; i++) {
		ret = write_file(v->pre_path[i], v->pre_val[i]);
		if (ret)
			die("pre %s <- %s: %s", v->pre_path[i], v->pre_val[i],
			    strerror(-ret));
	}
	if (write(v->cmd_fd, "r", 1) != 1)
		die("worker %s: %s", v->name, strerror(errno));
	if (read(v->res_fd, &r, sizeof(r)) != sizeof(r))
		die("worker %s died", v->name);
	return r;
}

static int cmd_ab(int argc, char **argv)
{
	struct variant vs[MAX_VARIANTS];
	const char *fig, *w;
	int reps, nv, i, r;
	long arg;

	if (argc < 6)
		die("usage: ab FIG REPS WORKLOAD ARG VARIANT...");
	fig = argv[1];
	reps = atoi(argv[2]);
	w = argv[3];
	arg = atol(argv[4]);
	nv = argc - 5;
	if (nv > MAX_VARIANTS)
		die("too many variants");
	pin_cpu0();
	if (!strcmp(w, "readfile"))
		readfile_create(arg);
	for (i = 0; i < nv; i++) {
		int cmd[2], res[2];

		parse_variant(&vs[i], argv[5 + i]);
		if (pipe(cmd) || pipe(res))
			die("pipe: %s", strerror(errno));
		vs[i].pid = fork();
		if (vs[i].pid < 0)
			die("fork: %s", strerror(errno));
		if (!vs[i].pid) {
			int j;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (j = 0; j < i; j++) {
				close(vs[j].cmd_fd);
				close(vs[j].res_fd);
			}
			close(cmd[1]);
			close(res[0]);
			worker(&vs[i], w, arg, cmd[0], res[1]);
		}
		close(cmd[0]);
		close(res[1]);
		vs[i].cmd_fd = cmd[1];
		vs[i].res_fd = res[0];
	}
	/* warm-up */
	for (i = 0; i < nv; i++)
		ask(&vs[i]);
	for (r = 1; r <= reps; r++)
		for (i = 0; i < nv; i++) {
			double ns = ask(&vs[i]);

			printf("S %s %s %d %.1f\n", fig, vs[i].name, r, ns);
			fflush(stdout);
		}
	for (i = 0; i < nv; i++) {
		if (write(vs[i].cmd_fd, "q", 1) != 1)
			kill(vs[i].pid, SIGKILL);
		close(vs[i].cmd_fd);
		waitpid(vs[i].pid, NULL, 0);
	}
	if (!strcmp(w, "readfile"))
		unlink(readfile_path());
	return 0;
}

/* ---- placement ---- */

static void place_opts(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "cg=", 3))
			join_cgroup(argv[i] + 3);
		else if (!strncmp(argv[i], "pol=", 4))
			set_task_policy(argv[i] + 4);
		else if (!strncmp(argv[i], "cpu=", 4))
			pin_cpu(atoi(argv[i] + 4));
		else
			die("bad option '%s'", argv[i]);
	}
}

static int cmd_place(int argc, char **argv)
{
	long counts[MAX_NODES] = { 0 }, other = 0;
	int npages, i, *status;
	void **pages;
	size_t len;
	char *buf;

	if (argc < 4)
		die("usage: place FIG LABEL NPAGES [cg=DIR] [pol=P] [cpu=N]");
	npages = atoi(argv[3]);
	pin_cpu0();
	place_opts(argc - 4, argv + 4);
	len = (size_t)npages * page_size;
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	madvise(buf, len, MADV_NOHUGEPAGE);
	for (i = 0; i < npages; i++)
		buf[(size_t)i * page_size] = 1;
	pages = calloc(npages, sizeof(*pages));
	status = calloc(npages, sizeof(*status));
	if (!pages || !status)
		die("calloc");
	for (i = 0; i < npages; i++)
		pages[i] = buf + (size_t)i * page_size;
	if (syscall(__NR_move_pages, 0, (unsigned long)npages, pages, NULL,
		    status, 0) < 0)
		die("move_pages: %s", strerror(errno));
	for (i = 0; i < npages; i++) {
		if (status[i] >= 0 && status[i] < MAX_NODES)
			counts[status[i]]++;
		else
			other++;
	}
	for (i = 0; i < MAX_NODES; i++)
		if (counts[i])
			printf("P %s %s %d %ld\n", argv[1], argv[2], i, counts[i]);
	if (other)
		printf("E %s %s: %ld pages without a node\n", argv[1], argv[2], other);
	return 0;
}

/* Sum the per-node page counts of the n_tty_open vmalloc areas. */
static void vmalloc_ntty(long counts[MAX_NODES])
{
	char line[1024];
	FILE *f = fopen("/proc/vmallocinfo", "r");

	memset(counts, 0, sizeof(long) * MAX_NODES);
	if (!f)
		die("/proc/vmallocinfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (!strstr(line, "n_tty_open"))
			continue;
		for (p = strstr(line, " N"); p; p = strstr(p + 1, " N")) {
			int node;
			long n;

			if (sscanf(p, " N%d=%ld", &node, &n) == 2 &&
			    node >= 0 && node < MAX_NODES)
				counts[node] += n;
		}
	}
	fclose(f);
}

static int cmd_placebulk(int argc, char **argv)
{
	long before[MAX_NODES], after[MAX_NODES];
	int nfds, i;

	if (argc < 4)
		die("usage: placebulk FIG LABEL NFDS [cg=DIR] [pol=P] [cpu=N]");
	nfds = atoi(argv[3]);
	pin_cpu0();
	place_opts(argc - 4, argv + 4);
	/*
	 * Warm the slab caches and vmalloc page tables an open uses, so that
	 * fewer other allocations share the interleave cursor below.
	 */
	if (getenv("PLACEBULK_WARM")) {
		int fds[4096], k, nw = atoi(getenv("PLACEBULK_WARM"));

		for (k = 0; k < nw && k < 4096; k++)
			fds[k] = open("/dev/ptmx", O_RDWR | O_NOCTTY);
		for (k = 0; k < nw && k < 4096; k++)
			close(fds[k]);
	}
	vmalloc_ntty(before);
	for (i = 0; i < nfds; i++)
		if (open("/dev/ptmx", O_RDWR | O_NOCTTY) < 0)
			die("open /dev/ptmx #%d: %s", i, strerror(errno));
	vmalloc_ntty(after);
	for (i = 0; i < MAX_NODES; i++)
		if (after[i] - before[i])
			printf("P %s %s %d %ld\n", argv[1], argv[2], i,
			       after[i] - before[i]);
	return 0;
}

/* ---- update cost ---- */

static char touch_buf[64 << 10];

static void touch64k(void)
{
	size_t i;

	for (i = 0; i < sizeof(touch_buf); i += 4096)
		touch_buf[i] = 1;
}

static int cmd_spawn(int argc, char **argv)
{
	int n, i, p[2];
	char c;

	if (argc < 3)
		die("usage: spawn N READYFILE");
	n = atoi(argv[1]);
	if (pipe(p))
		die("pipe: %s", strerror(errno));
	for (i = 1; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork #%d: %s", i, strerror(errno));
		if (!pid) {
			close(p[0]);
			touch64k();
			if (write(p[1], "x", 1) != 1)
				_exit(1);
			close(p[1]);
			for (;;)
				pause();
		}
	}
	close(p[1]);
	touch64k();
	for (i = 1; i < n; i++)
		if (read(p[0], &c, 1) != 1)
			die("spawn: child died");
	close(p[0]);
	close(open(argv[2], O_WRONLY | O_CREAT, 0644));
	for (;;)
		pause();
	return 0;
}

static int cmd_upd(int argc, char **argv)
{
	struct {
		char *label, *file, *v[2];
		int fd;
	} s[MAX_VARIANTS];
	int reps, ns, i, r;

	if (argc < 4)
		die("usage: upd FIG REPS LABEL@FILE@V1@V2...");
	reps = atoi(argv[2]);
	ns = argc - 3;
	if (ns > MAX_VARIANTS)
		die("too many specs");
	pin_cpu0();
	for (i = 0; i < ns; i++) {
		char *save;

		s[i].label = strtok_r(argv[3 + i], "@", &save);
		s[i].file = strtok_r(NULL, "@", &save);
		s[i].v[0] = strtok_r(NULL, "@", &save);
		s[i].v[1] = strtok_r(NULL, "@", &save);
		if (!s[i].v[1])
			die("bad spec");
		s[i].fd = open(s[i].file, O_WRONLY);
		if (s[i].fd < 0)
			die("open %s: %s", s[i].file, strerror(errno));
	}
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
	return 0;
}

static int cmd_attach(int argc, char **argv)
{
	struct {
		char *label, *procs[2];
		pid_t pid;
		char pidstr[16];
	} s[MAX_VARIANTS];
	int reps, ns, i, r, ret;

	if (argc < 4)
		die("usage: attach FIG REPS LABEL@CG1@CG2...");
	reps = atoi(argv[2]);
	ns = argc - 3;
	if (ns > MAX_VARIANTS)
		die("too many specs");
	pin_cpu0();
	for (i = 0; i < ns; i++) {
		char *save, *cg[2];
		int p[2], k;
		char c;

		s[i].label = strtok_r(argv[3 + i], "@", &save);
		cg[0] = strtok_r(NULL, "@", &save);
		cg[1] = strtok_r(NULL, "@", &save);
		if (!cg[1])
			die("bad spec");
		for (k = 0; k < 2; k++)
			if (asprintf(&s[i].procs[k], "%s/cgroup.procs", cg[k]) < 0)
				die("asprintf");
		if (pipe(p))
			die("pipe");
		s[i].pid = fork();
		if (!s[i].pid) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			touch64k();
			if (write(p[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		if (read(p[0], &c, 1) != 1)
			die("victim died");
		close(p[0]);
		close(p[1]);
		snprintf(s[i].pidstr, sizeof(s[i].pidstr), "%d", s[i].pid);
		ret = write_file(s[i].procs[0], s[i].pidstr);
		if (ret)
			die("move to %s: %s", s[i].procs[0], strerror(-ret));
	}
	/* r = -1, 0: warm-up round trip */
	for (r = -1; r <= reps; r++)
		for (i = 0; i < ns; i++) {
			const char *dst = s[i].procs[(r + 2) % 2 == 0];
			size_t len = strlen(s[i].pidstr);
			long long t0, t1;
			ssize_t n;
			int fd = open(dst, O_WRONLY);

			if (fd < 0)
				die("open %s: %s", dst, strerror(errno));
			t0 = now_ns();
			n = write(fd, s[i].pidstr, len);
			t1 = now_ns();
			close(fd);
			if (n != (ssize_t)len)
				die("move to %s: %s", dst, n < 0 ? strerror(errno) : "short");
			if (r >= 1) {
				printf("S %s %s %d %lld\n", argv[1], s[i].label,
				       r, t1 - t0);
				fflush(stdout);
			}
		}
	for (i = 0; i < ns; i++) {
		kill(s[i].pid, SIGKILL);
		waitpid(s[i].pid, NULL, 0);
	}
	return 0;
}

int main(int argc, char **argv)
{
	page_size = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		die("usage: mpolbench ab|place|placebulk|spawn|upd|attach ...");
	if (!strcmp(argv[1], "ab"))
		return cmd_ab(argc - 1, argv + 1);
	if (!strcmp(argv[1], "place"))
		return cmd_place(argc - 1, argv + 1);
	if (!strcmp(argv[1], "placebulk"))
		return cmd_placebulk(argc - 1, argv + 1);
	if (!strcmp(argv[1], "spawn"))
		return cmd_spawn(argc - 1, argv + 1);
	if (!strcmp(argv[1], "upd"))
		return cmd_upd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "attach"))
		return cmd_attach(argc - 1, argv + 1);
	die("unknown subcommand %s", argv[1]);
	return 1;
}
