// SPDX-License-Identifier: GPL-2.0
/*
 * mpol_swapin - swap-in under cgroup policy rewrites (the lifetime test).
 *
 * A caller may hold its cgroup policy across allocations that sleep and
 * nest: swapin_readahead() charges memcg (reclaim; RCU grace periods pass)
 * and allocates bios and swap-cache nodes, whose slab refills, kmemleak
 * objects and page_owner stack-depot pools allocate pages again, without
 * PF_MEMALLOC.  If such a nested allocation replaced the policy the outer
 * frame uses, the outer frame would read freed memory (KASAN:
 * slab-use-after-free in policy_nodemask; shared/repro/swapin-uaf).
 *
 * NCG cgroups swapinN with memory.max = LIMIT_MB hold one single-threaded
 * worker each (the only holder of its cgroup's policy), which sweeps a
 * private region twice the limit: plain stores, and syscalls that fault
 * the page in from inside the kernel (read of /dev/zero, getrandom, pread,
 * a pipe write).  A flipper rewrites every swapinN/mpol.policy (and
 * mpol.weights) as fast as it can.  Each page carries a stamp (its index
 * and how often it was swept), checked on every sweep: nothing may be lost
 * or corrupted.  Swap-in and policy writes are counted, so that a run
 * without pressure fails instead of passing vacuously.  A KASAN, BUG or
 * WARNING report in the kernel log during the run fails it (the harness'
 * kernel-log check fails the whole run as well).
 *
 * Usage: mpol_swapin [SECONDS]   (default 90; MPOL_SWAPIN_NODES: nodes)
 */
#include <signal.h>
#include <sys/klog.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include "mpolt.h"

#define NCG		3
#define LIMIT_MB	24
#define REGION_MB	48
#define PG		4096UL
#define MIN_SWAPIN	20000	/* pages swapped in over the run, at least */
#define MIN_WRITES	1000	/* mpol.policy writes over the run, at least */

struct stamp {
	uint64_t index;
	uint64_t sweeps;
};

struct counts {
	unsigned long writes, write_errs;
	unsigned long touches[NCG][5];
	unsigned long sweeps[NCG];
	unsigned long bad_stamps[NCG];
	uint64_t first_bad[NCG][3];	/* index, expected, found */
};

static struct counts *C;
static char policies[3][64];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void cg_path(char *p, size_t n, int id, const char *file)
{
	snprintf(p, n, MPOLT_CGROOT "/swapin%d%s%s", id, *file ? "/" : "",
		 file);
}

static void flipper(double end)
{
	static const char * const weights[] = { "0 3\n1 1\n", "0 default\n1 default\n" };
	int pfd[NCG], wfd[NCG], i;
	unsigned long k = 0;
	char p[128];

	for (i = 0; i < NCG; i++) {
		cg_path(p, sizeof(p), i, "mpol.policy");
		pfd[i] = open(p, O_WRONLY);
		cg_path(p, sizeof(p), i, "mpol.weights");
		wfd[i] = open(p, O_WRONLY);
		if (pfd[i] < 0 || wfd[i] < 0)
			_exit(2);
	}
	while (now() < end) {
		for (i = 0; i < NCG; i++) {
			const char *s = policies[(k + i) % 3];
			const char *w = weights[(k + i) & 1];

			if (pwrite(pfd[i], s, strlen(s), 0) != (ssize_t)strlen(s))
				__atomic_add_fetch(&C->write_errs, 1, __ATOMIC_RELAXED);
			else
				__atomic_add_fetch(&C->writes, 1, __ATOMIC_RELAXED);
			if (!(k & 7) && pwrite(wfd[i], w, strlen(w), 0) < 0)
				__atomic_add_fetch(&C->write_errs, 1, __ATOMIC_RELAXED);
		}
		k++;
	}
	_exit(0);
}

/* Touch page @j of @r through one of five paths into the kernel. */
static void touch(int id, char *page, size_t j, int zfd, int ffd, int *pfd)
{
	char *a = page + sizeof(struct stamp) + (j % 16) * 64;
	char tmp[128];
	int t = j % 8 < 4 ? 0 : j % 8 - 3;

	switch (t) {
	case 1:
		if (read(zfd, a, 64) != 64)
			_exit(6);
		break;
	case 2:
		if (getrandom(a, 32, 0) != 32)
			_exit(7);
		break;
	case 3:
		if (pread(ffd, a, 64, 0) != 64)
			_exit(8);
		break;
	case 4:
		if (write(pfd[1], a, 64) != 64 || read(pfd[0], tmp, 64) != 64)
			_exit(9);
		break;
	default:
		a[0]++;
	}
	C->touches[id][t]++;
}

static void worker(int id, double end)
{
	size_t len = (size_t)REGION_MB << 20, np = len / PG, j;
	char p[128], pid[32], tmp[256] = { 0 };
	int zfd, ffd, pfd[2];
	uint64_t sweep;
	char *r;

	cg_path(p, sizeof(p), id, "cgroup.procs");
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (write_str(p, pid) < 0)
		_exit(3);
	r = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		_exit(4);
	madvise(r, len, MADV_NOHUGEPAGE);
	zfd = open("/dev/zero", O_RDONLY);
	snprintf(p, sizeof(p), "swapin_file%d", id);
	ffd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (zfd < 0 || ffd < 0 || pipe(pfd) ||
	    write(ffd, tmp, sizeof(tmp)) != sizeof(tmp))
		_exit(5);
	for (j = 0; j < np; j++) {
		struct stamp *s = (struct stamp *)(r + j * PG);

		s->index = j;
		s->sweeps = 0;
	}
	for (sweep = 0; now() < end; sweep++) {
		for (j = 0; j < np; j++) {
			struct stamp *s = (struct stamp *)(r + j * PG);

			touch(id, r + j * PG, j, zfd, ffd, pfd);
			if (s->index != j || s->sweeps != sweep) {
				if (!C->bad_stamps[id]++) {
					C->first_bad[id][0] = j;
					C->first_bad[id][1] = sweep;
					C->first_bad[id][2] = s->sweeps;
				}
			}
			s->sweeps = sweep + 1;
		}
		C->sweeps[id]++;
	}
	_exit(0);
}

static void show(const char *path, const char *keys)
{
	char buf[MPOLT_BUF], spaced[256], *l, *save;

	snprintf(spaced, sizeof(spaced), " %s ", keys);
	if (read_file(path, buf, sizeof(buf)) < 0) {
		diag("%s: unreadable", path);
		return;
	}
	for (l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char k[66];

		/* whole words of @keys only: "anon" is not "..._anon" */
		if (sscanf(l, "%63s", k + 1) != 1)
			continue;
		k[0] = ' ';
		strcat(k, " ");
		if (strstr(spaced, k))
			diag("%s: %s", path, l);
	}
}

/* Kernel log lines that report a bug; prints the first few after @skip. */
static int bad_log_lines(int skip)
{
	static char log[1 << 20];
	int n, bad = 0;
	char *l, *save;

	n = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (n <= 0 || n > (int)sizeof(log) - 1)
		n = sizeof(log) - 1;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, n);
	if (n < 0)
		bail("klogctl: %s", strerror(errno));
	log[n] = '\0';
	for (l = strtok_r(log, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strstr(l, "KASAN") && !strstr(l, "BUG:") &&
		    !strstr(l, "WARNING:"))
			continue;
		if (++bad > skip && bad <= skip + 5)
			diag("kernel log: %s", l);
	}
	return bad;
}

static void setup(const char *nodes)
{
	char p[128], buf[64];
	int i;

	snprintf(policies[0], sizeof(policies[0]), "interleave:%s", nodes);
	snprintf(policies[1], sizeof(policies[1]), "weighted-interleave:%s",
		 nodes);
	snprintf(policies[2], sizeof(policies[2]), "bind:%s", nodes);
	for (i = 0; i < NCG; i++) {
		cg_path(p, sizeof(p), i, "");
		rmdir(p);
		if (mkdir(p, 0755))
			bail("mkdir %s: %s", p, strerror(errno));
		cg_path(p, sizeof(p), i, "memory.max");
		snprintf(buf, sizeof(buf), "%dM", LIMIT_MB);
		if (write_str(p, buf) < 0)
			bail("%s: %s", p, strerror(errno));
		cg_path(p, sizeof(p), i, "mpol.policy");
		if (write_str(p, policies[0]) < 0)
			bail("%s: %s", p, strerror(errno));
	}
}

static int run(double secs, pid_t *kids)
{
	double t0 = now(), end = t0 + secs;
	int i, st, bad = 0;

	kids[NCG] = fork();
	if (!kids[NCG])
		flipper(end);
	for (i = 0; i < NCG; i++) {
		kids[i] = fork();
		if (!kids[i])
			worker(i, end);
	}
	while (now() < end + 1) {
		unsigned long t = 0;
		int k;

		sleep(10);
		for (i = 0; i < NCG; i++)
			for (k = 0; k < 5; k++)
				t += C->touches[i][k];
		diag("%.0f s: policy writes %lu, page touches %lu",
		     now() - t0, C->writes, t);
	}
	for (i = 0; i <= NCG; i++) {
		if (waitpid(kids[i], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st)) {
			diag("child %d (%s): status 0x%x", i,
			     i == NCG ? "flipper" : "worker", st);
			bad++;
		}
	}
	diag("ran %.0f s", now() - t0);
	return bad;
}

static void report_results(int bad, long swapin, int log_bad)
{
	unsigned long lost = 0;
	char p[128];
	int i;

	tap(!bad, "workers and flipper ran to the end");
	for (i = 0; i < NCG; i++) {
		diag("worker %d: sweeps %lu; touches: store %lu read %lu",
		     i, C->sweeps[i], C->touches[i][0], C->touches[i][1]);
		diag("worker %d: touches: getrandom %lu pread %lu pipe %lu", i,
		     C->touches[i][2], C->touches[i][3], C->touches[i][4]);
		if (C->bad_stamps[i])
			diag("worker %d: %lu bad stamps, first: page %llu sweep %llu found %llu",
			     i, C->bad_stamps[i],
			     (unsigned long long)C->first_bad[i][0],
			     (unsigned long long)C->first_bad[i][1],
			     (unsigned long long)C->first_bad[i][2]);
		lost += C->bad_stamps[i];
		cg_path(p, sizeof(p), i, "memory.events");
		show(p, "oom oom_kill max");
		cg_path(p, sizeof(p), i, "memory.stat");
		show(p, "pswpin pswpout workingset_refault_anon");
	}
	tap(!lost, "every page kept its contents across swap-out and swap-in (%lu bad)",
	    lost);
	tap(swapin >= MIN_SWAPIN, "swap-in ran throughout: %ld pages swapped in (at least %d)",
	    swapin, MIN_SWAPIN);
	tap(C->writes >= MIN_WRITES && !C->write_errs,
	    "policies were rewritten meanwhile: %lu writes (at least %d), %lu errors",
	    C->writes, MIN_WRITES, C->write_errs);
	tap(!log_bad, "no KASAN/BUG/WARNING report in the kernel log (%d new)",
	    log_bad);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 90;
	const char *nodes = getenv("MPOL_SWAPIN_NODES");
	pid_t kids[NCG + 1];
	long swapin;
	char p[128];
	int i, bad, log0;

	tap_init();
	C = mmap(NULL, sizeof(*C), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (C == MAP_FAILED)
		bail("mmap: %s", strerror(errno));
	memset(C, 0, sizeof(*C));
	setup(nodes && *nodes ? nodes : "0-3");
	tap(true, "setup: %d cgroups, memory.max %d MiB, %d MiB per worker",
	    NCG, LIMIT_MB, REGION_MB);
	show("/proc/vmstat", "pswpin pswpout");
	log0 = bad_log_lines(INT32_MAX);
	swapin = vmstat("pswpin");
	bad = run(secs, kids);
	swapin = vmstat("pswpin") - swapin;
	show("/proc/vmstat", "pswpin pswpout");
	report_results(bad, swapin, bad_log_lines(log0) - log0);
	for (i = 0; i < NCG; i++) {
		cg_path(p, sizeof(p), i, "");
		rmdir(p);
	}
	return tap_done();
}
