/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpolt.h - helpers shared by the guest test programs of the mpol harness
 * (harness/guest/src/): one TAP layer, whole-file reads and single
 * writes that report -errno, flat-keyed files, node sets as 64-bit
 * masks with the one parser of the kernel's node lists, and mpol.stat's
 * migration counters with their invariants.
 *
 * The TAP state lives in a shared mapping once tap_init() ran, so that a
 * forked child (e.g. one that dropped its privileges) numbers its results
 * in the same sequence.  The parent waits for each child, so there is no
 * concurrent update.  In quiet mode (long runs) passes are only counted
 * and diagnostics are dropped.
 *
 * Header-only (build.sh compiles each .c on its own); all functions are
 * static inline so that a program which does not use one does not warn.
 * Node sets are uint64_t: the test VM has 5 possible nodes and
 * CONFIG_NODES_SHIFT=6.
 */
#ifndef MPOLT_H
#define MPOLT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MPOLT_CGROOT	"/sys/fs/cgroup"
#define MPOLT_WI_SYSFS	"/sys/kernel/mm/mempolicy/weighted_interleave"
#define MPOLT_NODE_DIR	"/sys/devices/system/node"
#define MPOLT_MAXNODE	64
#define MPOLT_BUF	16384	/* a whole /proc/vmstat or cgroup file */

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif

/* --- TAP ---------------------------------------------------------------- */

struct mpolt_tap {
	int n;
	int failed;
	int skipped;
	bool quiet;		/* passes are only counted (long runs) */
	long quiet_passed;
};

/* Process-private until tap_init() moves it to a shared mapping */
static struct mpolt_tap mpolt_tap_private;
static struct mpolt_tap *mpolt_tap = &mpolt_tap_private;

/* Start the TAP stream: shared counter, line-buffered stdout, header. */
static inline void tap_init(void)
{
	struct mpolt_tap *t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (t == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	*t = *mpolt_tap;
	mpolt_tap = t;
	/* children print too: line buffering keeps the lines in order */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
}

static inline void tap_quiet(bool quiet)
{
	mpolt_tap->quiet = quiet;
}

/* The passes that quiet mode counted without printing them */
static inline long tap_quiet_passed(void)
{
	return mpolt_tap->quiet_passed;
}

/* One TAP result line; returns @ok so callers can chain or stop. */
static inline __printf(2, 3)
bool tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok && mpolt_tap->quiet) {
		mpolt_tap->quiet_passed++;
		return ok;
	}
	if (!ok)
		mpolt_tap->failed++;
	printf("%sok %d ", ok ? "" : "not ", ++mpolt_tap->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

/* A skipped test: "ok N desc # SKIP why". */
static inline __printf(2, 3)
void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	mpolt_tap->skipped++;
	printf("ok %d ", ++mpolt_tap->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

/* A TAP diagnostic line ("# ..."); dropped in quiet mode. */
static inline __printf(1, 2)
void diag(const char *fmt, ...)
{
	va_list ap;

	if (mpolt_tap->quiet)
		return;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Fatal setup error: report it as a failed test so the run fails loudly. */
static inline void __attribute__((noreturn)) __printf(1, 2)
bail(const char *fmt, ...)
{
	va_list ap;

	mpolt_tap->failed++;
	printf("not ok %d setup: ", ++mpolt_tap->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n1..%d\n", mpolt_tap->n);
	fflush(stdout);
	exit(1);
}

/* Print the plan (at the end: the number of results depends on the run). */
static inline int tap_plan(void)
{
	printf("1..%d\n", mpolt_tap->n);
	fflush(stdout);
	return mpolt_tap->failed ? 1 : 0;
}

/* The plan and a summary line; the exit status of the program. */
static inline int tap_done(void)
{
	int ret = tap_plan();

	printf("# %d failed, %d skipped of %d\n", mpolt_tap->failed,
	       mpolt_tap->skipped, mpolt_tap->n);
	fflush(stdout);
	return ret;
}

/* --- files -------------------------------------------------------------- */

/* The base page size, asked once. */
static inline long pagesize(void)
{
	static long size;

	if (!size)
		size = sysconf(_SC_PAGESIZE);
	return size;
}

/* Read up to @size - 1 bytes of @path, NUL-terminated; length or -errno. */
static inline ssize_t read_file(const char *path, char *buf, size_t size)
{
	ssize_t ret, off = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)off < size - 1) {
		ret = read(fd, buf + off, size - 1 - off);
		if (ret < 0) {
			ret = -errno;
			close(fd);
			return ret;
		}
		if (!ret)
			break;
		off += ret;
	}
	buf[off] = '\0';
	close(fd);
	return off;
}

/*
 * One write(2) of exactly @len bytes to a freshly opened @path, as a shell
 * redirection does; returns what write returned or -errno (also of open).
 * *@stage tells whether open(2) or write(2) refused it: permission checks
 * happen at open, the cgroup core's and the controller's own checks at
 * write.
 */
static inline ssize_t write_file_stage(const char *path, const void *buf,
				       size_t len, const char **stage)
{
	ssize_t ret;
	int fd;

	*stage = "open";
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*stage = "write";
	ret = write(fd, buf, len);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static inline ssize_t write_file(const char *path, const void *buf, size_t len)
{
	const char *stage;

	return write_file_stage(path, buf, len, &stage);
}

static inline ssize_t write_str(const char *path, const char *s)
{
	return write_file(path, s, strlen(s));
}

/*
 * Parse a node list as the kernel prints it ("0-2,4", possibly empty,
 * trailing newline allowed) into a mask; -1 if malformed or >= 64.
 */
static inline int parse_nodes(const char *s, uint64_t *mask)
{
	*mask = 0;
	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b;

		if (end == s || a < 0 || a >= MPOLT_MAXNODE)
			return -1;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b >= MPOLT_MAXNODE)
				return -1;
		}
		for (; a <= b; a++)
			*mask |= 1ULL << a;
		s = end;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -1;
	}
	return 0;
}

/* The nodes of @mask in ascending order into @nodes; returns their number. */
static inline int nodes_to_array(uint64_t mask, int *nodes)
{
	int i, n = 0;

	for (i = 0; i < MPOLT_MAXNODE; i++)
		if (mask & (1ULL << i))
			nodes[n++] = i;
	return n;
}

/* Format @mask the way the kernel's %*pbl does ("0-2,4"); "" if empty. */
static inline char *fmt_nodes(uint64_t mask, char *buf, size_t size)
{
	size_t off = 0;
	int i, j;

	buf[0] = '\0';
	for (i = 0; i < MPOLT_MAXNODE; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		for (j = i; j + 1 < MPOLT_MAXNODE && (mask & (1ULL << (j + 1)));)
			j++;
		if (j > i)
			off += snprintf(buf + off, size - off, "%s%d-%d",
					off ? "," : "", i, j);
		else
			off += snprintf(buf + off, size - off, "%s%d",
					off ? "," : "", i);
		i = j;
	}
	return buf;
}

/* The node list file @path as a mask; 0 or -1 if unreadable or malformed. */
static inline int read_nodes(const char *path, uint64_t *mask)
{
	char buf[MPOLT_BUF];

	if (read_file(path, buf, sizeof(buf)) < 0 || parse_nodes(buf, mask))
		return -1;
	return 0;
}

/* A node list file of sysfs (possible, has_memory, ...) as a mask. */
static inline uint64_t sysfs_nodes(const char *name)
{
	char path[128];
	uint64_t mask;

	snprintf(path, sizeof(path), MPOLT_NODE_DIR "/%s", name);
	if (read_nodes(path, &mask))
		bail("cannot read %s", path);
	return mask;
}

/* The number after "@key " in a flat-keyed file, or -1. */
static inline long read_keyed(const char *path, const char *key)
{
	char buf[MPOLT_BUF], *line, *save;
	size_t klen = strlen(key);

	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			return strtol(line + klen + 1, NULL, 10);
	return -1;
}

/* The same for @cg/@file, e.g. cg_keyed(cg, "mpol.events", "fallback"). */
static inline long cg_keyed(const char *cg, const char *file, const char *key)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return read_keyed(path, key);
}

/* A number from /proc/vmstat, or -1. */
static inline long vmstat(const char *key)
{
	return read_keyed("/proc/vmstat", key);
}

/* Print @len bytes of @buf as a hex dump diagnostic, 32 bytes a line. */
static inline void diag_hex(const char *what, const void *buf, size_t len,
			    size_t max)
{
	const unsigned char *p = buf;
	char line[3 * 32 + 1];
	size_t i, o;

	diag("%s: %zu bytes%s", what, len, len > max ? " (head)" : "");
	if (len > max)
		len = max;
	for (i = 0; i < len; i += 32) {
		for (o = 0; o < 32 && i + o < len; o++)
			snprintf(line + 3 * o, 4, "%02x ", p[i + o]);
		diag("  %04zx: %s", i, line);
	}
}

static inline bool cg_has_word(const char *path, const char *word)
{
	char buf[1024], *tok, *save;

	if (read_file(path, buf, sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

/* --- mpol.migrate and mpol.stat ------------------------------------------ */

#define MIGRATE_RATE_DEFAULT	(32ULL << 20)	/* "on": 32 MiB/s */
#define MIGRATE_RATE_MIN	(4ULL << 10)	/* one page a second */
#define MIGRATE_RATE_MAX	(64ULL << 30)

/*
 * A rate as mpol.migrate shows it: with the largest suffix of K, M, G
 * (powers of 1024) that divides it exactly, else in bytes ("64M", "5000").
 */
static inline char *fmt_rate(uint64_t rate, char *buf, size_t size)
{
	static const char suffix[] = "KMG";
	int i;

	for (i = 0; i < 3 && rate && !(rate & 1023); i++)
		rate >>= 10;
	if (i)
		snprintf(buf, size, "%llu%c", (unsigned long long)rate,
			 suffix[i - 1]);
	else
		snprintf(buf, size, "%llu", (unsigned long long)rate);
	return buf;
}

/* The keys of mpol.stat, in the order the file lists them */
enum { MGS_STARTED, MGS_COMPLETED, MGS_ABORTED, MGS_ACTIVE, MGS_SCANNED,
	MGS_PLACED, MGS_MOVED, MGS_SKIPPED, MGS_SKIPPED_POLICY, MGS_SKIPPED_SHARED,
	MGS_SKIPPED_PINNED, MGS_FAILED, NR_MIGSTAT };

static const char * const migstat_keys[NR_MIGSTAT] = {
	"migrate_passes_started", "migrate_passes_completed",
	"migrate_passes_aborted", "migrate_active", "migrate_scanned",
	"migrate_placed", "migrate_moved", "migrate_skipped",
	"migrate_skipped_policy", "migrate_skipped_shared",
	"migrate_skipped_pinned", "migrate_failed",
};

/* One read of mpol.stat */
struct migstat {
	long long v[NR_MIGSTAT];
};

/*
 * Read @cg/mpol.stat into @st.  The migrate_* lines must be exactly the
 * keys of migstat_keys, in that order, each once, with a decimal value;
 * lines of other keys (later additions to the file) are passed over.
 * Returns 0, -errno if unreadable, or -EPROTO if malformed (*@why says
 * how).
 */
static inline int migstat_read(const char *cg, struct migstat *st,
			       char *why, size_t len)
{
	char path[512], buf[MPOLT_BUF], *line, *save, *end;
	ssize_t ret;
	int k = 0;

	snprintf(path, sizeof(path), "%s/mpol.stat", cg);
	ret = read_file(path, buf, sizeof(buf));
	if (ret < 0) {
		snprintf(why, len, "reading %s/mpol.stat: %s", cg,
			 strerror(-ret));
		return ret;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t klen;

		if (strncmp(line, "migrate_", 8))
			continue;
		if (k == NR_MIGSTAT) {
			snprintf(why, len, "%s/mpol.stat: extra line \"%s\"",
				 cg, line);
			return -EPROTO;
		}
		klen = strlen(migstat_keys[k]);
		if (strncmp(line, migstat_keys[k], klen) ||
		    line[klen] != ' ' || line[klen + 1] < '0' ||
		    line[klen + 1] > '9') {
			snprintf(why, len, "%s/mpol.stat: line \"%s\" where %s N was expected",
				 cg, line, migstat_keys[k]);
			return -EPROTO;
		}
		st->v[k] = strtoll(line + klen + 1, &end, 10);
		if (*end) {
			snprintf(why, len, "%s/mpol.stat: line \"%s\"", cg,
				 line);
			return -EPROTO;
		}
		k++;
	}
	if (k < NR_MIGSTAT) {
		snprintf(why, len, "%s/mpol.stat: no %s line", cg,
			 migstat_keys[k]);
		return -EPROTO;
	}
	return 0;
}

/*
 * The invariants of one snapshot: every page examined has one outcome,
 * the skipped pages are the sum of their reasons, every pass started has
 * completed, was aborted or is active (0 to 2: one running and one queued
 * behind it; a pass counts as started once queued).  False (and *@why) if
 * one does not hold.
 */
static inline bool migstat_ok(const struct migstat *st, char *why,
			      size_t len)
{
	const long long *v = st->v;

	if (v[MGS_SCANNED] != v[MGS_PLACED] + v[MGS_MOVED] + v[MGS_SKIPPED] +
			     v[MGS_FAILED]) {
		snprintf(why, len, "scanned %lld != placed %lld + moved %lld + skipped %lld + failed %lld",
			 v[MGS_SCANNED], v[MGS_PLACED], v[MGS_MOVED],
			 v[MGS_SKIPPED], v[MGS_FAILED]);
		return false;
	}
	if (v[MGS_SKIPPED] != v[MGS_SKIPPED_POLICY] + v[MGS_SKIPPED_SHARED] +
			     v[MGS_SKIPPED_PINNED]) {
		snprintf(why, len, "skipped %lld != policy %lld + shared %lld + pinned %lld",
			 v[MGS_SKIPPED], v[MGS_SKIPPED_POLICY],
			 v[MGS_SKIPPED_SHARED], v[MGS_SKIPPED_PINNED]);
		return false;
	}
	if (v[MGS_ACTIVE] < 0 || v[MGS_ACTIVE] > 2 ||
	    v[MGS_STARTED] != v[MGS_COMPLETED] + v[MGS_ABORTED] + v[MGS_ACTIVE]) {
		snprintf(why, len, "started %lld != completed %lld + aborted %lld + active %lld (0 to 2)",
			 v[MGS_STARTED], v[MGS_COMPLETED], v[MGS_ABORTED],
			 v[MGS_ACTIVE]);
		return false;
	}
	return true;
}

/* No counter (migrate_active aside) is lower in @st than in @old. */
static inline bool migstat_monotonic(const struct migstat *old,
				     const struct migstat *st, char *why,
				     size_t len)
{
	int k;

	for (k = 0; k < NR_MIGSTAT; k++) {
		if (k == MGS_ACTIVE || st->v[k] >= old->v[k])
			continue;
		snprintf(why, len, "%s went back from %lld to %lld",
			 migstat_keys[k], old->v[k], st->v[k]);
		return false;
	}
	return true;
}

/* "passes 3/2/1/0 scanned 9 placed 1 moved 8 skipped 0/0/0 failed 0" */
static inline char *migstat_fmt(const struct migstat *st, char *buf,
				size_t len)
{
	const long long *v = st->v;

	snprintf(buf, len, "passes started/completed/aborted/active %lld/%lld/%lld/%lld, scanned %lld placed %lld moved %lld skipped %lld (policy %lld shared %lld pinned %lld) failed %lld",
		 v[MGS_STARTED], v[MGS_COMPLETED], v[MGS_ABORTED], v[MGS_ACTIVE],
		 v[MGS_SCANNED], v[MGS_PLACED], v[MGS_MOVED], v[MGS_SKIPPED],
		 v[MGS_SKIPPED_POLICY], v[MGS_SKIPPED_SHARED],
		 v[MGS_SKIPPED_PINNED], v[MGS_FAILED]);
	return buf;
}

#endif /* MPOLT_H */
