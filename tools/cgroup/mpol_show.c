// SPDX-License-Identifier: GPL-2.0
/*
 * mpol_show: what the mpol cgroup controller does, per cgroup, at a glance.
 *
 *   mpol_show [-a] [-k] [-m auto|memcg|numa_maps] [-w SECS [-c COUNT]] [CGROUP...]
 *
 * One row per cgroup: the effective policy (mpol.policy.effective; a '^'
 * after it: inherited, the cgroup's own mpol.policy is "inherit"), the
 * weights in force (mpol.weights.effective, node by node, "6:3:1:1" for
 * nodes 0, 1, 2, 3), the resident pages per node, the fallback count
 * (mpol.events, hierarchical), the migration setting in force
 * (mpol.migrate.effective) and the migration counters of mpol.stat
 * (pages moved, pages that failed to move, passes completed/started).
 *
 * Resident pages come from memory.numa_stat (anon + file, hierarchical)
 * where the memory controller is enabled for the cgroup, else from the
 * /proc/PID/numa_maps of the member processes of the cgroup and its
 * descendants, summed as numastat -p does (a page mapped by two members
 * counts twice there; in a threaded cgroup, the process of each of its
 * threads counts once, with all its memory). -m chooses the source; the
 * PAGES column says which one a row used.
 *
 * CGROUP is a path below the cgroup2 mount ("/mpol-demo/web") or a full
 * path (/sys/fs/cgroup/mpol-demo/web). Without CGROUP: every cgroup that
 * sets a policy or weights of its own (mpol.policy not "inherit" or
 * mpol.weights not empty); -a: every cgroup that has the mpol files.
 * -w SECS refreshes the table every SECS seconds (-c COUNT times, default
 * until interrupted). -k prints key=value lines instead of the table, for
 * scripts ("N0=600 N1=300 ..." as the harness' pagecount prints them).
 *
 * Static, no library beyond libc, so it runs in a busybox initramfs as
 * well as on a distribution. Build: make -C tools/cgroup (LDFLAGS=-static
 * for a static binary), or gcc -O2 -Wall -static -o mpol_show mpol_show.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAXNODE 64
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CGROOT_DEFAULT "/sys/fs/cgroup"

enum source { SRC_AUTO, SRC_MEMCG, SRC_MAPS };

struct row {
	char path[PATH_MAX];		/* relative to the mount, "/" for the root */
	char policy[256];
	bool inherited;
	int weight[MAXNODE];		/* 0: not listed */
	long pages[MAXNODE];
	bool pages_ok;
	const char *src;
	long long fallback;		/* -1: no mpol.events */
	char migrate[64];
	long long moved, failed, started, completed;	/* -1: no mpol.stat */
};

static const char *cgroot = CGROOT_DEFAULT;
static int online[MAXNODE], nr_online;
static long pagesz;

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: mpol_show [-a] [-k] [-m auto|memcg|numa_maps] [-w SECS [-c COUNT]] [CGROUP...]\n"
		"  CGROUP      path below %s (or a full path); default: every cgroup\n"
		"              that sets mpol.policy or mpol.weights itself\n"
		"  -a          every cgroup with mpol files (the root included)\n"
		"  -k          key=value lines instead of the table\n"
		"  -m SOURCE   resident pages from memory.numa_stat (memcg), from the\n"
		"              members' /proc/PID/numa_maps (numa_maps), or auto (memcg\n"
		"              where the cgroup has memory.numa_stat; default)\n"
		"  -w SECS     refresh every SECS seconds; -c COUNT: COUNT times\n"
		"columns: POLICY = mpol.policy.effective ('^': inherited), WEIGHTS =\n"
		"mpol.weights.effective node by node (0:1:2:...), N<n> = resident pages\n"
		"on node n, FALLBACK = mpol.events fallback, MIGRATE = mpol.migrate.effective,\n"
		"MOVED/FAILED/PASSES = mpol.stat migrate_moved, migrate_failed,\n"
		"migrate_passes_completed/started\n", CGROOT_DEFAULT);
}

/* Read a whole (small) file; NULL if it cannot be read. */
static char *slurp(const char *path)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[len] = 0;
	return buf;
}

static char *cgfile(const char *cg, const char *name)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s%s/%s", cgroot, strcmp(cg, "/") ? cg : "", name);
	return slurp(p);
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = 0;
}

/* "0-3,5" -> online[] */
static void parse_nodelist(const char *s, int *out, int *nr)
{
	*nr = 0;
	while (s && *s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (; a <= b && *nr < MAXNODE; a++)
			if (a >= 0 && a < MAXNODE)
				out[(*nr)++] = (int)a;
		s = *end == ',' ? end + 1 : end;
	}
}

static void read_online(void)
{
	char *s = slurp("/sys/devices/system/node/online");

	parse_nodelist(s ? s : "0", online, &nr_online);
	free(s);
}

/* "key value" lines: the value of KEY, or -1 */
static long long keyed(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoll(p + kl + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* memory.numa_stat: "anon N0=bytes N1=bytes ..." and "file ..." */
static bool pages_memcg(const char *cg, long *pages)
{
	char *s = cgfile(cg, "memory.numa_stat"), *line, *save = NULL;

	if (!s)
		return false;
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tok, *save2 = NULL;

		tok = strtok_r(line, " ", &save2);
		if (!tok || (strcmp(tok, "anon") && strcmp(tok, "file")))
			continue;
		while ((tok = strtok_r(NULL, " ", &save2))) {
			int nid;
			long long bytes;

			if (sscanf(tok, "N%d=%lld", &nid, &bytes) == 2 &&
			    nid >= 0 && nid < MAXNODE)
				pages[nid] += bytes / pagesz;
		}
	}
	free(s);
	return true;
}

/* the members' numa_maps, "N<n>=pages" of every mapping */
static void maps_of_pid(long pid, long *pages)
{
	char p[64], *s, *line, *save = NULL;

	snprintf(p, sizeof(p), "/proc/%ld/numa_maps", pid);
	s = slurp(p);
	if (!s)
		return;		/* exited meanwhile, or a kernel thread */
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tok, *save2 = NULL;

		for (tok = strtok_r(line, " ", &save2); tok; tok = strtok_r(NULL, " ", &save2)) {
			int nid;
			long n;

			if (tok[0] == 'N' && sscanf(tok, "N%d=%ld", &nid, &n) == 2 &&
			    nid >= 0 && nid < MAXNODE)
				pages[nid] += n;
		}
	}
	free(s);
}

/* the process of thread @tid, from /proc/TID/status */
static long tgid_of(long tid)
{
	char p[64], *s, *t;
	long tgid = -1;

	snprintf(p, sizeof(p), "/proc/%ld/status", tid);
	s = slurp(p);
	if (!s)
		return -1;
	t = strstr(s, "\nTgid:");
	if (t)
		tgid = strtol(t + 6, NULL, 10);
	free(s);
	return tgid;
}

static void pages_maps(const char *cg, long *pages)
{
	char p[PATH_MAX * 2];
	char *s = cgfile(cg, "cgroup.procs"), *line, *save = NULL;
	bool procs = s;
	DIR *d;
	struct dirent *de;

	if (procs) {
		for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			maps_of_pid(atol(line), pages);
		free(s);
	} else {
		s = cgfile(cg, "cgroup.threads");
	}
	if (!procs && s) {
		/*
		 * A threaded cgroup (mpol is a threaded controller) has no
		 * cgroup.procs to read: count the process of each thread in
		 * it once (its whole memory: numa_maps is per process).
		 */
		long seen[256];
		int nseen = 0, i;

		for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			long tgid = tgid_of(atol(line));

			if (tgid < 0)
				continue;
			for (i = 0; i < nseen && seen[i] != tgid; i++)
				;
			if (i < nseen)
				continue;
			if (nseen < (int)ARRAY_SIZE(seen))
				seen[nseen++] = tgid;
			maps_of_pid(tgid, pages);
		}
		free(s);
	}
	/* descendants, as memory.numa_stat is hierarchical */
	snprintf(p, sizeof(p), "%s%s", cgroot, strcmp(cg, "/") ? cg : "");
	d = opendir(p);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char sub[PATH_MAX * 2 + 256];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", p, de->d_name);
		if (stat(sub, &st) || !S_ISDIR(st.st_mode))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", strcmp(cg, "/") ? cg : "", de->d_name);
		pages_maps(sub, pages);
	}
	closedir(d);
}

static void fill(struct row *r, const char *cg, enum source src)
{
	char *s;

	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "%s", cg);
	s = cgfile(cg, "mpol.policy.effective");
	snprintf(r->policy, sizeof(r->policy), "%s", s ? s : "?");
	chomp(r->policy);
	free(s);
	s = cgfile(cg, "mpol.policy");
	r->inherited = s && !strncmp(s, "inherit", 7);
	free(s);
	s = cgfile(cg, "mpol.weights.effective");
	if (s) {
		char *p = s;
		int nid, w;

		while (sscanf(p, "%d %d", &nid, &w) == 2) {
			if (nid >= 0 && nid < MAXNODE)
				r->weight[nid] = w;
			p = strchr(p, '\n');
			if (!p)
				break;
			p++;
		}
		free(s);
	}
	r->src = "-";
	if (src != SRC_MAPS && pages_memcg(cg, r->pages)) {
		r->src = "memcg";
		r->pages_ok = true;
	} else if (src != SRC_MEMCG) {
		pages_maps(cg, r->pages);
		r->src = "maps";
		r->pages_ok = true;
	}
	s = cgfile(cg, "mpol.events");
	r->fallback = s ? keyed(s, "fallback") : -1;
	free(s);
	s = cgfile(cg, "mpol.migrate.effective");
	snprintf(r->migrate, sizeof(r->migrate), "%s", s ? s : "-");
	chomp(r->migrate);
	free(s);
	s = cgfile(cg, "mpol.stat");
	r->moved = s ? keyed(s, "migrate_moved") : -1;
	r->failed = s ? keyed(s, "migrate_failed") : -1;
	r->started = s ? keyed(s, "migrate_passes_started") : -1;
	r->completed = s ? keyed(s, "migrate_passes_completed") : -1;
	free(s);
}

static void weights_str(const struct row *r, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < nr_online && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%d", i ? ":" : "",
				r->weight[online[i]]);
}

static void num(char *buf, size_t len, long long v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld", v);
}

static void print_rows(struct row *rows, int nr, bool kv)
{
	int wpath = 6, wpol = 6, wwt = 7, i, j;
	char w[256], a[32], b[32];

	for (i = 0; i < nr; i++) {
		int l = (int)strlen(rows[i].path);

		if (l > wpath)
			wpath = l;
		l = (int)strlen(rows[i].policy) + rows[i].inherited;
		if (l > wpol)
			wpol = l;
		weights_str(&rows[i], w, sizeof(w));
		if ((int)strlen(w) > wwt)
			wwt = (int)strlen(w);
	}
	if (kv) {
		for (i = 0; i < nr; i++) {
			struct row *r = &rows[i];

			weights_str(r, w, sizeof(w));
			printf("%s policy=%s inherited=%d weights=%s source=%s",
			       r->path, r->policy, r->inherited, w, r->src);
			for (j = 0; j < nr_online; j++)
				printf(" N%d=%ld", online[j], r->pages[online[j]]);
			num(a, sizeof(a), r->fallback);
			/* one word per value: "on 32M" -> "on,32M" */
			snprintf(w, sizeof(w), "%s", r->migrate);
			for (j = 0; w[j]; j++)
				if (w[j] == ' ')
					w[j] = ',';
			printf(" fallback=%s migrate=%s", a, w);
			num(a, sizeof(a), r->moved);
			num(b, sizeof(b), r->failed);
			printf(" moved=%s failed=%s", a, b);
			num(a, sizeof(a), r->completed);
			num(b, sizeof(b), r->started);
			printf(" passes=%s/%s\n", a, b);
		}
		return;
	}
	printf("%-*s  %-*s  %-*s  %-5s", wpath, "CGROUP", wpol, "POLICY", wwt, "WEIGHTS", "PAGES");
	for (j = 0; j < nr_online; j++) {
		char h[16];

		snprintf(h, sizeof(h), "N%d", online[j]);
		printf(" %8s", h);
	}
	printf(" %8s  %-8s %8s %8s %9s\n", "FALLBACK", "MIGRATE", "MOVED", "FAILED", "PASSES");
	for (i = 0; i < nr; i++) {
		struct row *r = &rows[i];
		char pol[300];

		snprintf(pol, sizeof(pol), "%s%s", r->policy, r->inherited ? "^" : "");
		weights_str(r, w, sizeof(w));
		printf("%-*s  %-*s  %-*s  %-5s", wpath, r->path, wpol, pol, wwt, w, r->src);
		for (j = 0; j < nr_online; j++)
			printf(" %8ld", r->pages[online[j]]);
		num(a, sizeof(a), r->fallback);
		printf(" %8s  %-8s", a, r->migrate);
		num(a, sizeof(a), r->moved);
		num(b, sizeof(b), r->failed);
		printf(" %8s %8s", a, b);
		num(a, sizeof(a), r->completed);
		num(b, sizeof(b), r->started);
		snprintf(w, sizeof(w), "%s/%s", a, b);
		printf(" %9s\n", w);
	}
}

/* the cgroups to show when none is named */
static int collect(const char *cg, bool all, char ***list, int *nr, int *cap)
{
	char p[PATH_MAX * 2], *pol, *wt;
	bool show;
	DIR *d;
	struct dirent *de;

	pol = cgfile(cg, "mpol.policy");
	wt = cgfile(cg, "mpol.weights");
	if (all)
		show = pol || !strcmp(cg, "/");
	else
		show = (pol && strncmp(pol, "inherit", 7)) || (wt && wt[0]);
	free(pol);
	free(wt);
	if (show) {
		if (*nr == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*list = realloc(*list, *cap * sizeof(**list));
			if (!*list)
				return -1;
		}
		(*list)[(*nr)++] = strdup(cg);
	}
	snprintf(p, sizeof(p), "%s%s", cgroot, strcmp(cg, "/") ? cg : "");
	d = opendir(p);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char sub[PATH_MAX * 2 + 256];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", p, de->d_name);
		if (stat(sub, &st) || !S_ISDIR(st.st_mode))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", strcmp(cg, "/") ? cg : "", de->d_name);
		collect(sub, all, list, nr, cap);
	}
	closedir(d);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	enum source src = SRC_AUTO;
	bool all = false, kv = false;
	double interval = 0;
	long count = -1;
	int opt, round;

	pagesz = sysconf(_SC_PAGESIZE);
	if (getenv("MPOL_SHOW_CGROOT"))
		cgroot = getenv("MPOL_SHOW_CGROOT");
	while ((opt = getopt(argc, argv, "akm:w:c:h")) != -1) {
		switch (opt) {
		case 'a':
			all = true;
			break;
		case 'k':
			kv = true;
			break;
		case 'm':
			if (!strcmp(optarg, "auto")) {
				src = SRC_AUTO;
			} else if (!strcmp(optarg, "memcg")) {
				src = SRC_MEMCG;
			} else if (!strcmp(optarg, "numa_maps") ||
				   !strcmp(optarg, "maps")) {
				src = SRC_MAPS;
			} else {
				print_help(stderr);
				return 2;
			}
			break;
		case 'w':
			interval = atof(optarg);
			if (interval <= 0) {
				print_help(stderr);
				return 2;
			}
			break;
		case 'c':
			count = atol(optarg);
			break;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			print_help(stderr);
			return 2;
		}
	}
	{
		char p[PATH_MAX];
		struct stat st;

		snprintf(p, sizeof(p), "%s/cgroup.controllers", cgroot);
		if (stat(p, &st)) {
			fprintf(stderr, "mpol_show: %s is not a cgroup2 mount\n", cgroot);
			return 1;
		}
		snprintf(p, sizeof(p), "%s/mpol.policy.effective", cgroot);
		if (stat(p, &st)) {
			fprintf(stderr,
				"mpol_show: %s has no mpol files: %s\n", cgroot,
				"kernel without the mpol controller?");
			return 1;
		}
	}
	for (round = 0; count < 0 || round < count || (!interval && !round); round++) {
		char **list = NULL;
		int nr = 0, cap = 0, i, k = 0, bad = 0;
		struct row *rows;

		read_online();
		if (optind < argc) {
			nr = argc - optind;
			list = calloc(nr, sizeof(*list));
			for (i = 0; i < nr; i++) {
				const char *a = argv[optind + i];
				size_t rl = strlen(cgroot);
				char *c;

				if (!strncmp(a, cgroot, rl) && (a[rl] == '/' || !a[rl]))
					a += rl;
				if (asprintf(&c, "%s%s", a[0] == '/' ? "" : "/", a) < 0)
					return 1;
				while (strlen(c) > 1 && c[strlen(c) - 1] == '/')
					c[strlen(c) - 1] = 0;
				list[i] = c;
			}
		} else {
			collect("/", all, &list, &nr, &cap);
			qsort(list, nr, sizeof(*list), cmp);
		}
		rows = calloc(nr ? nr : 1, sizeof(*rows));
		if (!rows)
			return 1;
		for (i = 0; i < nr; i++) {
			char p[PATH_MAX * 2];
			struct stat st;

			snprintf(p, sizeof(p), "%s%s/mpol.policy.effective", cgroot,
				 strcmp(list[i], "/") ? list[i] : "");
			if (stat(p, &st)) {
				fprintf(stderr,
					"mpol_show: %s: no such cgroup with mpol files (%s)\n",
					list[i], strerror(errno));
				bad = 1;
				continue;
			}
			fill(&rows[k++], list[i], src);
		}
		if (interval && !kv) {
			time_t t = time(NULL);
			char ts[64];

			strftime(ts, sizeof(ts), "%F %T", localtime(&t));
			const char *term = getenv("TERM");
			/* clear a terminal, not a log or a serial console */
			bool clear = isatty(1) && term && *term && strcmp(term, "dumb") &&
				     strcmp(term, "linux");

			printf("%s%s  (every %gs)\n", clear ? "\033[H\033[2J" : "\n", ts, interval);
		}
		if (!nr)
			printf("no cgroup sets mpol.policy or mpol.weights (-a: all cgroups)\n");
		else
			print_rows(rows, k, kv);
		fflush(stdout);
		for (i = 0; i < nr; i++)
			free(list[i]);
		free(list);
		free(rows);
		if (bad && !interval)
			return 1;
		if (!interval)
			break;
		if (count < 0 || round + 1 < count)
			usleep((useconds_t)(interval * 1e6));
	}
	return 0;
}
