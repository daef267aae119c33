/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the guest tests mpol_hotplug, mpol_fullnode and mpol_deleg on
 * top of mpolt.h (TAP, files, node lists): cgroup access, waiting, and the
 * node of every page of a mapping (move_pages(2)).
 *
 * Where a page lands is checked page by page, not only counted: a fault in
 * an anonymous mapping under (weighted) interleave is placed by its
 * interleave index, which is the page's virtual page number (the VMA's
 * vm_pgoff is its start >> PAGE_SHIFT), so the node of every page follows
 * from the nodes and weights alone.
 *
 * All functions are static inline so that a test which does not use one
 * does not warn about it.
 */
#ifndef MPOLT_NODE_H
#define MPOLT_NODE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpolt.h"

/* A line in the kernel log, to find a test's phase in the console log. */
static inline __printf(1, 2)
void nt_kmsg(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open("/dev/kmsg", O_WRONLY);
	if (fd < 0)
		return;
	/* only a debugging aid: a failed write does not matter */
	if (write(fd, buf, len) < 0)
		len = 0;
	close(fd);
}

static inline double nt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void nt_msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Write @s in one write(2); returns 0 or -errno (-EIO for a short write).
 * *@stage tells whether open(2) or write(2) refused it.
 */
static inline int nt_write_stage(const char *path, const char *s,
				 const char **stage)
{
	size_t len = strlen(s);
	ssize_t ret = write_file_stage(path, s, len, stage);

	if (ret < 0)
		return ret;
	return (size_t)ret == len ? 0 : -EIO;
}

static inline int nt_write(const char *path, const char *s)
{
	const char *stage;

	return nt_write_stage(path, s, &stage);
}

/* Write and complain on failure; returns 0 or -errno. */
static inline int nt_write_must(const char *path, const char *s)
{
	int ret = nt_write(path, s);

	if (ret)
		diag("writing \"%s\" to %s: %s", s, path, strerror(-ret));
	return ret;
}

static inline __printf(3, 4)
const char *nt_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return buf;
}

/* @in on one line: a line break shows as "\n". */
static inline const char *nt_esc(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 3 < len; in++) {
		if (*in == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
	return out;
}

/* Does @path hold exactly @expected? Complains if not. */
static inline bool nt_file_is(const char *path, const char *expected)
{
	char buf[MPOLT_BUF], e1[MPOLT_BUF], e2[MPOLT_BUF];
	ssize_t len = read_file(path, buf, sizeof(buf));

	if (len < 0) {
		diag("reading %s: %s", path, strerror(-len));
		return false;
	}
	if (!strcmp(buf, expected))
		return true;
	diag("%s is \"%s\", expected \"%s\"", path,
	     nt_esc(buf, e1, sizeof(e1)), nt_esc(expected, e2, sizeof(e2)));
	return false;
}

/* The value of "@key:" in /proc/self/status style files, as a string. */
static inline bool nt_status_field(const char *path, const char *key,
				   char *out, size_t len)
{
	char buf[MPOLT_BUF], *line, *save;
	size_t klen = strlen(key);

	if (read_file(path, buf, sizeof(buf)) < 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		line += klen + 1;
		while (*line == ' ' || *line == '\t')
			line++;
		snprintf(out, len, "%s", line);
		return true;
	}
	return false;
}

/* Is @node in the node list in file @path? -1 if unreadable. */
static inline int nt_list_has(const char *path, int node)
{
	uint64_t mask;

	if (read_nodes(path, &mask))
		return -1;
	return node >= 0 && node < MPOLT_MAXNODE && (mask & (1ULL << node));
}

/* Nodes of a list file in ascending order; returns their number or -1. */
static inline int nt_list_nodes(const char *path, int *nodes)
{
	uint64_t mask;

	if (read_nodes(path, &mask))
		return -1;
	return nodes_to_array(mask, nodes);
}

/* The global weighted-interleave weight of @node, or -1. */
static inline int nt_global_weight(int node)
{
	char path[256], buf[32];

	nt_path(path, sizeof(path), MPOLT_WI_SYSFS "/node%d", node);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return atoi(buf);
}

/* "MemFree" of a node in kB, or -1. */
static inline long nt_node_free_kb(int node)
{
	char path[256], buf[MPOLT_BUF], *p;

	nt_path(path, sizeof(path), MPOLT_NODE_DIR "/node%d/meminfo", node);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "MemFree:");
	return p ? strtol(p + strlen("MemFree:"), NULL, 10) : -1;
}

/* Cgroups */

static inline int nt_cg_mkdir(const char *cg)
{
	if (!mkdir(cg, 0755))
		return 0;
	diag("mkdir %s: %s", cg, strerror(errno));
	return -errno;
}

/*
 * Remove @cg and everything below it, children first.  Tasks must have
 * left; a failure is reported but not fatal, so the next run starts
 * with a fresh name anyway (see callers).
 */
static inline void nt_cg_rmtree(const char *cg)
{
	char cmd[512];

	/* depth-first: rmdir of a cgroup with children fails */
	snprintf(cmd, sizeof(cmd),
		 "find '%s' -depth -type d -exec rmdir {} + 2>/dev/null", cg);
	if (access(cg, F_OK))
		return;
	if (system(cmd) && !access(cg, F_OK))
		diag("could not remove %s", cg);
}

/* Move the calling process to @cg; returns 0 or -errno. */
static inline int nt_cg_enter(const char *cg)
{
	char path[512];

	return nt_write(nt_path(path, sizeof(path), "%s/cgroup.procs", cg),
			"0");
}

/* Write @val to @cg/@file, complaining on failure. */
static inline int nt_cg_set(const char *cg, const char *file,
			    const char *val)
{
	char path[512];

	return nt_write_must(nt_path(path, sizeof(path), "%s/%s", cg, file),
			     val);
}

static inline bool nt_cg_is(const char *cg, const char *file,
			    const char *expected)
{
	char path[512];

	return nt_file_is(nt_path(path, sizeof(path), "%s/%s", cg, file),
			  expected);
}

/* The cgroup of the calling process, as a path under MPOLT_CGROOT. */
static inline void nt_cg_self(char *out, size_t len)
{
	char buf[MPOLT_BUF], *p;

	snprintf(out, len, MPOLT_CGROOT);
	if (read_file("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return;
	p = strstr(buf, "0::");
	if (!p)
		return;
	p += 3;
	p[strcspn(p, "\n")] = '\0';
	if (strcmp(p, "/"))
		snprintf(out, len, MPOLT_CGROOT "%s", p);
}

/* Pages */

static inline long nt_move_pages(int pid, unsigned long count, void **pages,
				 const int *nodes, int *status, int flags)
{
	return syscall(__NR_move_pages, pid, count, pages, nodes, status,
		       flags);
}

/* Map @npages of anonymous memory without THP, so each page is placed alone. */
static inline char *nt_map(long npages)
{
	char *p = mmap(NULL, npages * pagesize(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		diag("mmap %ld pages: %s", npages, strerror(errno));
		return NULL;
	}
	/* EINVAL without CONFIG_TRANSPARENT_HUGEPAGE: fine */
	madvise(p, npages * pagesize(), MADV_NOHUGEPAGE);
	return p;
}

/* Fault the pages in ascending order; each page holds its index. */
static inline void nt_touch(char *p, long npages)
{
	long i;

	for (i = 0; i < npages; i++)
		*(long *)(p + i * pagesize()) = i;
}

/* Does every page still hold its index (after a migration)? */
static inline long nt_bad_content(const char *p, long npages)
{
	long i, bad = 0;

	for (i = 0; i < npages; i++)
		bad += *(const long *)(p + i * pagesize()) != i;
	return bad;
}

/*
 * The node of every page of @p in @status (negative errno for a page that
 * is not present); returns 0 or -errno.
 */
static inline int nt_page_nodes(char *p, long npages, int *status)
{
	void **pages = calloc(npages, sizeof(*pages));
	long i;
	int ret = 0;

	if (!pages)
		return -ENOMEM;
	for (i = 0; i < npages; i++) {
		pages[i] = p + i * pagesize();
		status[i] = -1;
	}
	if (nt_move_pages(0, npages, pages, NULL, status, 0))
		ret = -errno;
	free(pages);
	return ret;
}

/* Pages per node of @status into @count[MPOLT_MAXNODE]; returns the rest. */
static inline long nt_count(const int *status, long npages, long *count)
{
	long i, other = 0;

	memset(count, 0, MPOLT_MAXNODE * sizeof(*count));
	for (i = 0; i < npages; i++) {
		if (status[i] >= 0 && status[i] < MPOLT_MAXNODE)
			count[status[i]]++;
		else
			other++;
	}
	return other;
}

/* "node0:12 node2:40" */
static inline const char *nt_fmt_count(char *buf, size_t len,
				       const long *count, long other)
{
	int node, off = 0;

	buf[0] = '\0';
	for (node = 0; node < MPOLT_MAXNODE; node++)
		if (count[node])
			off += snprintf(buf + off, len - off, "%snode%d:%ld",
					off ? " " : "", node, count[node]);
	if (other)
		snprintf(buf + off, len - off, "%snot-present:%ld",
			 off ? " " : "", other);
	return buf;
}

/*
 * The node weighted interleave picks for interleave index @ilx over
 * @nodes (ascending) with @weights, as weighted_interleave_nid() does.
 */
static inline int nt_wi_node(unsigned long ilx, int nr, const int *nodes,
			     const int *weights)
{
	unsigned long total = 0, target;
	int i;

	for (i = 0; i < nr; i++)
		total += weights[i];
	target = ilx % total;
	for (i = 0; i < nr; i++) {
		if (target < (unsigned long)weights[i])
			return nodes[i];
		target -= weights[i];
	}
	return -1;
}

/* The interleave index of page @i of an anonymous mapping at @p. */
static inline unsigned long nt_ilx(const char *p, long i)
{
	return (unsigned long)p / pagesize() + i;
}

/*
 * Check that every page of @p is on the node weighted interleave over
 * @nodes/@weights gives it; returns the number of misplaced pages and
 * prints the counts.
 */
static inline long nt_check_wi(const char *what, char *p, long npages,
			       int nr, const int *nodes, const int *weights)
{
	long count[MPOLT_MAXNODE], want[MPOLT_MAXNODE], other, i, bad = 0;
	char got[512], exp[512];
	int *status = calloc(npages, sizeof(*status));
	int ret;

	if (!status)
		return npages;
	ret = nt_page_nodes(p, npages, status);
	if (ret) {
		diag("%s: move_pages: %s", what, strerror(-ret));
		free(status);
		return npages;
	}
	memset(want, 0, sizeof(want));
	for (i = 0; i < npages; i++) {
		int node = nt_wi_node(nt_ilx(p, i), nr, nodes, weights);

		want[node]++;
		if (status[i] != node) {
			if (bad < 3)
				diag("%s: page %ld (ilx %lu) on %d, expected node %d",
				     what, i, nt_ilx(p, i), status[i], node);
			bad++;
		}
	}
	other = nt_count(status, npages, count);
	diag("%s: %s (expected %s)", what,
	     nt_fmt_count(got, sizeof(got), count, other),
	     nt_fmt_count(exp, sizeof(exp), want, 0));
	free(status);
	return bad;
}

/* Fork a child running @fn(@arg); returns its exit status or -1. */
static inline int nt_run_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int ret = fn(arg);

		fflush(stdout);
		_exit(ret);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status)) {
		diag("child killed by signal %d", WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

/* The kernel log */

/*
 * What the harness counts as a kernel bug report in the console log
 * (harness/lib/bad-kernel-log.ere), as plain substrings.
 */
static const char * const nt_klog_bad[] = {
	"WARNING:", "BUG:", "BUG kmalloc", "Oops", "general protection fault",
	"kernel BUG at", "possible circular locking",
	"possible recursive locking", "inconsistent lock state",
	"suspicious RCU usage", "KASAN", "UBSAN", "Kernel panic",
	"self-detected stall", "rcu: INFO", "blocked for more than",
	"soft lockup", "hard LOCKUP", " new suspected memory leak",
	"list_add corruption", "list_del corruption",
};

/*
 * Put a unique marker line into the kernel log (/dev/kmsg) and return it
 * in @mark, so that nt_klog_bad_since() looks only at what came after.
 */
static inline const char *nt_klog_mark(char *mark, size_t len,
				       const char *what)
{
	static int seq;

	snprintf(mark, len, "mpolt[%d] mark %d: %s", getpid(), ++seq, what);
	nt_kmsg("%s\n", mark);
	return mark;
}

/*
 * The kernel log lines after the last occurrence of @mark (all of the
 * log if it is gone, e.g. overwritten) that report a kernel bug; the
 * first @print of them are printed.  Returns their number, or -1 if the
 * log cannot be read (klogctl).
 */
static inline int nt_klog_bad_since(const char *mark, int print)
{
	char *log, *start, *p, *l, *save;
	int n, bad = 0;
	size_t i;

	n = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (n <= 0)
		n = 1 << 20;
	log = malloc(n + 1);
	if (!log)
		return -1;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, n);
	if (n < 0) {
		diag("klogctl: %s", strerror(errno));
		free(log);
		return -1;
	}
	log[n] = '\0';
	start = log;
	for (p = strstr(log, mark); p; p = strstr(p + 1, mark))
		start = p;
	if (start == log && strncmp(log, mark, strlen(mark)))
		diag("kernel log: marker \"%s\" not found, checking all of it",
		     mark);
	for (l = strtok_r(start, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < ARRAY_SIZE(nt_klog_bad); i++)
			if (strstr(l, nt_klog_bad[i]))
				break;
		if (i == ARRAY_SIZE(nt_klog_bad))
			continue;
		if (++bad <= print)
			diag("kernel log: %s", l);
	}
	free(log);
	return bad;
}

/*
 * Memory blocks of a hot-pluggable node (mpol_hotplug, mpol_migrace,
 * mpol_auto): find them, read and set their state through sysfs.
 */
#define NT_MAX_BLOCKS	64
#define NT_MEM_SYS	"/sys/devices/system/memory"

struct nt_blocks {
	int nr;
	int id[NT_MAX_BLOCKS];
};

static inline void nt_on_alarm(int sig)
{
	(void)sig;	/* only interrupts a memory block write that hangs */
}

/* The memory blocks of @node: its memoryN links in sysfs. */
static inline int nt_blocks_find(struct nt_blocks *b, int node)
{
	char path[256];
	struct dirent *de;
	DIR *d;

	nt_path(path, sizeof(path), MPOLT_NODE_DIR "/node%d", node);
	d = opendir(path);
	if (!d)
		return -1;
	b->nr = 0;
	while ((de = readdir(d)) && b->nr < NT_MAX_BLOCKS) {
		char *end;
		long n;

		if (strncmp(de->d_name, "memory", 6))
			continue;
		n = strtol(de->d_name + 6, &end, 10);
		if (end == de->d_name + 6 || *end)
			continue;
		b->id[b->nr++] = n;
	}
	closedir(d);
	return b->nr;
}

static inline bool nt_block_state_is(int block, const char *state)
{
	char path[256], buf[64];

	nt_path(path, sizeof(path), NT_MEM_SYS "/memory%d/state", block);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return !strcmp(buf, state);
}

/*
 * Set every block of @b to @state ("online_movable" or "offline") until it
 * reads @want.  Movable, so that the pages on it can be migrated away
 * again.  Offlining can fail for a moment (EBUSY, EAGAIN) while a page is
 * in flight, so a failed write is retried; an alarm interrupts a write
 * that never returns (offline_pages() gives up with EINTR on a signal).
 * *@tries (may be NULL) counts the writes.
 */
static inline int nt_blocks_set(const struct nt_blocks *b, const char *state,
				const char *want, int *tries)
{
	struct sigaction sa = { .sa_handler = nt_on_alarm };
	char path[256];
	int i, try, n = 0, ret = 0;

	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	for (i = 0; i < b->nr; i++) {
		if (nt_block_state_is(b->id[i], want))
			continue;
		nt_path(path, sizeof(path), NT_MEM_SYS "/memory%d/state",
			b->id[i]);
		for (try = 0; try < 20; try++) {
			n++;
			alarm(60);
			ret = nt_write(path, state);
			alarm(0);
			if (ret != -EBUSY && ret != -EAGAIN)
				break;
			nt_msleep(200);
		}
		if (tries)
			*tries = n;
		if (ret) {
			diag("writing %s to %s: %s (%d tries)", state, path,
			     strerror(-ret), try + 1);
			return ret;
		}
		if (!nt_block_state_is(b->id[i], want)) {
			diag("%s: not %s after the write", path, want);
			return -EIO;
		}
	}
	if (tries)
		*tries = n;
	return 0;
}

#endif /* MPOLT_NODE_H */
