/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpolt.h - small helpers shared by the guest test programs of the mpol
 * harness (harness/guest/src/mpol_*.c): TAP output, whole-file reads and
 * single writes that report -errno, and node sets as 64-bit masks.
 *
 * Header-only (build.sh compiles each .c on its own).  Node sets are
 * uint64_t: the test VM has 5 possible nodes and CONFIG_NODES_SHIFT=6.
 */
#ifndef MPOLT_H
#define MPOLT_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MPOLT_CGROOT	"/sys/fs/cgroup"
#define MPOLT_WI_SYSFS	"/sys/kernel/mm/mempolicy/weighted_interleave"
#define MPOLT_NODE_DIR	"/sys/devices/system/node"
#define MPOLT_MAXNODE	64

static int mpolt_tap_n;
static int mpolt_tap_failed;

/* One TAP result line; returns @ok so callers can chain. */
static inline bool __attribute__((format(printf, 2, 3)))
tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++mpolt_tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		mpolt_tap_failed++;
	return ok;
}

/* A TAP diagnostic line ("# ..."). */
static inline void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Fatal setup error: report it as a failed test so the run fails loudly. */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
bail(const char *fmt, ...)
{
	va_list ap;

	printf("not ok %d setup: ", ++mpolt_tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n1..%d\n", mpolt_tap_n);
	fflush(stdout);
	exit(1);
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
 */
static inline ssize_t write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, buf, len);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
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

/* A node list file of sysfs (possible, has_memory, ...) as a mask. */
static inline uint64_t sysfs_nodes(const char *name)
{
	char path[128], buf[256];
	uint64_t mask;

	snprintf(path, sizeof(path), MPOLT_NODE_DIR "/%s", name);
	if (read_file(path, buf, sizeof(buf)) < 0 || parse_nodes(buf, &mask))
		bail("cannot read %s", path);
	return mask;
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

#endif /* MPOLT_H */
