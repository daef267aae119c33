// SPDX-License-Identifier: GPL-2.0
/*
 * mpol_auto - the `auto` key of mpol.weights (SPEC.md section 9,
 * /work/notes/auto-spec.md): weighted-interleave weights from the ACPI
 * HMAT bandwidth, one table per initiator (CPU) node.
 *
 * The expected tables are computed here from the bandwidth the harness
 * gave QEMU (/harness/topology.env: TOPO_HMAT_BW and TOPO_HOTPLUG_HMAT,
 * "I:T:MBPS", exported by tests.d/auto.sh), by the formula of the spec:
 * for initiator I and the nodes N with memory at that moment (has_memory)
 *
 *	bw[N] = bandwidth I -> N (MB/s), 0 if unknown
 *	w[N]  = bw[N] ? max(1, 32 * bw[N] / sum(bw)) : 1
 *	w[N] /= gcd(w of the memory nodes);  nodes without memory: 1
 *	fallback = 1 if some memory node had no bandwidth
 *	then the cgroup's effective NODE WEIGHT overrides replace w[N]
 *
 * Booted with numa=nohmat (or no access0 data in sysfs) the kernel has no
 * bandwidth: every weight is 1 and every line says fallback=1.
 *
 *   parse      auto on|off|default accepted (blanks, a trailing newline,
 *              in a write of several lines); the bad forms of the spec
 *              and more are EINVAL and leave every mpol file of the
 *              cgroups byte for byte as it was; mpol.weights shows
 *              "auto on"/"auto off" as its last line; .effective is
 *              nested ("initiatorI N=W ... fallback=F", one line per node
 *              with CPUs) while auto is in effect, flat otherwise;
 *              inheritance through "default"; "auto off" below an auto
 *              parent is flat; the root is never auto
 *   tables     .effective is the computed tables, and an override ("2 9")
 *              replaces node 2's weight in every line
 *   placement  weighted-interleave over the memory nodes with auto on: a
 *              process pinned to a CPU of each initiator node faults a
 *              multiple of its table's total (>= MIN_PAGES) and its pages
 *              per node are its own node's table times the cycles, within
 *              one weight cycle; also with the override
 *   hotplug    (a hot-pluggable node, TOPO_HOTPLUG_NODES) onlined: the
 *              tables follow (the node gets its weight, the others change
 *              with the new sum), placement over all memory nodes
 *              follows; members of a cgroup with mpol.migrate on: the
 *              recomputed tables start a pass (where they changed), and
 *              once cpuset lets them use the node, "pass" places their
 *              pages by the new tables; offlined: the tables are back.
 *              Skipped without such a node (TOPO=16)
 *   migrate    mpol.migrate "on 1G": "auto on" starts a pass that moves
 *              each member's existing pages to its own initiator's table;
 *              the pass ends (migrate_active 0, migrate_passes_completed
 *              grows), the contents are intact
 *
 * Per-node counts, the expected tables and free memory per node are
 * printed on failure.  Cgroups: /sys/fs/cgroup/mpol_auto.PID.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <sched.h>
#include <signal.h>

#include "mpolt_node.h"

#define WEIGHTINESS	32
#define MIN_PAGES	3000L		/* pages a member faults, at least */
#define MAX_PAGES	8192L
#define WAIT_MS		10000
#define PASS_TIMEOUT	120.0		/* s, a pass at "on 1G" */
#define MAX_FILES	24		/* mpol.* files of a cgroup */
#define OVR_NODE	2		/* the override of the spec: "2 9" */
#define OVR_WEIGHT	9

static long bw[MPOLT_MAXNODE][MPOLT_MAXNODE];	/* MB/s, topology.env */
static bool hmat;			/* the kernel has the bandwidth */
static uint64_t possible, cpu_nodes;
static int cpu_of[MPOLT_MAXNODE];	/* a CPU of each initiator node */
static int hp_node = -1;
static char top[128], self_cg[256];

/* --- the tables --------------------------------------------------------- */

struct table {
	int w[MPOLT_MAXNODE];
	bool fallback;
};

static int gcd(int a, int b)
{
	while (b) {
		int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * The table of one initiator from its bandwidth row @row over the memory
 * nodes @mem, the nodes of @all (possible) without memory at 1, then the
 * overrides @ovr (0: none).
 */
static void table_from(const long *row, uint64_t mem, uint64_t all,
		       const int *ovr, struct table *t)
{
	unsigned long long sum = 0;
	int n, g = 0;

	memset(t, 0, sizeof(*t));
	for (n = 0; n < MPOLT_MAXNODE; n++)
		if (mem & (1ULL << n))
			sum += row[n];
	for (n = 0; n < MPOLT_MAXNODE; n++) {
		unsigned long long w;

		if (!((mem | all) & (1ULL << n)))
			continue;
		if (!(mem & (1ULL << n))) {
			t->w[n] = 1;
			continue;
		}
		if (!row[n]) {
			t->w[n] = 1;
			t->fallback = true;
		} else {
			w = WEIGHTINESS * (unsigned long long)row[n] / sum;
			t->w[n] = w ? w : 1;
		}
		g = gcd(t->w[n], g);
	}
	for (n = 0; g > 1 && n < MPOLT_MAXNODE; n++)
		if (mem & (1ULL << n))
			t->w[n] /= g;
	for (n = 0; ovr && n < MPOLT_MAXNODE; n++)
		if (ovr[n] && ((mem | all) & (1ULL << n)))
			t->w[n] = ovr[n];
}

/* The expected table of initiator @init now (hmat or not) */
static void table_of(int init, uint64_t mem, const int *ovr, struct table *t)
{
	static const long none[MPOLT_MAXNODE];

	table_from(hmat ? bw[init] : none, mem, possible, ovr, t);
}

/* "initiatorI 0=15 1=7 ... fallback=0\n" for every initiator */
static char *fmt_auto(char *buf, size_t len, uint64_t mem, const int *ovr)
{
	size_t off = 0;
	int i, n;

	buf[0] = '\0';
	for (i = 0; i < MPOLT_MAXNODE; i++) {
		struct table t;

		if (!(cpu_nodes & (1ULL << i)))
			continue;
		table_of(i, mem, ovr, &t);
		off += snprintf(buf + off, len - off, "initiator%d", i);
		for (n = 0; n < MPOLT_MAXNODE; n++)
			if (possible & (1ULL << n))
				off += snprintf(buf + off, len - off, " %d=%d",
						n, t.w[n]);
		off += snprintf(buf + off, len - off, " fallback=%d\n",
				t.fallback);
	}
	return buf;
}

/* The flat lines: the global weights under the overrides @ovr */
static char *fmt_flat(char *buf, size_t len, const int *ovr)
{
	size_t off = 0;
	int n;

	buf[0] = '\0';
	for (n = 0; n < MPOLT_MAXNODE; n++)
		if (possible & (1ULL << n))
			off += snprintf(buf + off, len - off, "%d %d\n", n,
					ovr && ovr[n] ? ovr[n] :
					nt_global_weight(n));
	return buf;
}

/* The weights of table @t over the nodes of @mask: "0:15 1:7 ..." */
static char *fmt_weights(char *buf, size_t len, const struct table *t,
			 uint64_t mask)
{
	size_t off = 0;
	int n;

	buf[0] = '\0';
	for (n = 0; n < MPOLT_MAXNODE; n++)
		if (mask & (1ULL << n))
			off += snprintf(buf + off, len - off, "%s%d:%d",
					off ? " " : "", n, t->w[n]);
	return buf;
}

static void diag_tables(const char *what, uint64_t mem, const int *ovr)
{
	char buf[MPOLT_BUF], *line, *save;

	fmt_auto(buf, sizeof(buf), mem, ovr);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		diag("%s: %s", what, line);
}

static void diag_free(const char *when)
{
	char buf[1024];
	size_t off = 0;
	int n;

	for (n = 0; n < MPOLT_MAXNODE; n++)
		if (possible & (1ULL << n))
			off += snprintf(buf + off, sizeof(buf) - off,
					" node%d:%ld", n, nt_node_free_kb(n));
	diag("%s: MemFree kB%s", when, buf);
}

static uint64_t mem_nodes(void)
{
	return sysfs_nodes("has_memory");
}

/* The spec's examples: the formula as written here gives its tables. */
static void self_check(void)
{
	long r0[MPOLT_MAXNODE] = { 20480, 10240, 8192, 4096, 2048 };
	long r1[MPOLT_MAXNODE] = { 10240, 20480, 4096, 8192, 2048 };
	static const int want[4][5] = {
		{ 15, 7, 6, 3, 1 }, { 7, 15, 3, 6, 1 },
		{ 14, 7, 5, 2, 1 }, { 7, 14, 2, 5, 1 },
	};
	struct table t[4];
	bool ok = true;
	int i, n;

	table_from(r0, 0xf, 0x1f, NULL, &t[0]);
	table_from(r1, 0xf, 0x1f, NULL, &t[1]);
	table_from(r0, 0x1f, 0x1f, NULL, &t[2]);
	table_from(r1, 0x1f, 0x1f, NULL, &t[3]);
	for (i = 0; i < 4; i++) {
		for (n = 0; n < 5; n++)
			ok &= t[i].w[n] == want[i][n];
		ok &= !t[i].fallback;
	}
	/* a missing pair is 1 (so the GCD is 1) and a fallback; 8:8:16
	 * reduces to 1:1:2 */
	{
		long r[MPOLT_MAXNODE] = { 1000, 1000, 0 };

		table_from(r, 0x7, 0x7, NULL, &t[0]);
		ok &= t[0].w[0] == 16 && t[0].w[1] == 16 && t[0].w[2] == 1 &&
		      t[0].fallback;
		r[2] = 2000;
		table_from(r, 0x7, 0x7, NULL, &t[0]);
		ok &= t[0].w[0] == 1 && t[0].w[1] == 1 && t[0].w[2] == 2 &&
		      !t[0].fallback;
	}
	tap(ok, "the test's formula gives the spec's example tables (15:7:6:3, 7:15:3:6; with node 4 14:7:5:2:1, 7:14:2:5:1), a GCD and a missing pair");
}

/* --- setup: topology.env, the kernel's view ----------------------------- */

static int parse_bw(const char *var)
{
	const char *s = getenv(var);
	int count = 0;

	while (s && *s) {
		int i, t, len = 0;
		long v;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		if (sscanf(s, "%d:%d:%ld%n", &i, &t, &v, &len) != 3 || i < 0 ||
		    t < 0 || i >= MPOLT_MAXNODE || t >= MPOLT_MAXNODE || v < 0)
			bail("%s: bad entry at \"%s\"", var, s);
		bw[i][t] = v;
		count++;
		s += len;
	}
	return count;
}

static bool cmdline_has(const char *word)
{
	char buf[4096], *tok, *save;

	if (read_file("/proc/cmdline", buf, sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

static void setup_topology(void)
{
	int n, pairs;
	char path[256], buf[256], mbuf[256];

	possible = sysfs_nodes("possible");
	cpu_nodes = sysfs_nodes("has_cpu");
	for (n = 0; n < MPOLT_MAXNODE; n++) {
		uint64_t cpus;
		int c;

		cpu_of[n] = -1;
		if (!(cpu_nodes & (1ULL << n)))
			continue;
		nt_path(path, sizeof(path), MPOLT_NODE_DIR "/node%d/cpulist", n);
		if (read_nodes(path, &cpus) || !cpus)
			bail("no CPU list for node %d", n);
		for (c = 0; !(cpus & (1ULL << c)); c++)
			;
		cpu_of[n] = c;
	}
	pairs = parse_bw("TOPO_HMAT_BW") + parse_bw("TOPO_HOTPLUG_HMAT");
	if (cmdline_has("numa=nohmat")) {
		hmat = false;
		diag("booted with numa=nohmat: no bandwidth, every weight 1, fallback=1");
	} else if (access(MPOLT_NODE_DIR "/node0/access0/initiators/read_bandwidth",
			  R_OK)) {
		hmat = false;
		diag("no node0/access0/initiators/read_bandwidth: the kernel has no HMAT data; every weight 1, fallback=1");
	} else {
		hmat = true;
		if (!pairs)
			bail("HMAT present but no TOPO_HMAT_BW in /harness/topology.env");
	}
	n = getenv("TOPO_HOTPLUG_NODES") ? atoi(getenv("TOPO_HOTPLUG_NODES")) : -1;
	if (getenv("TOPO_HOTPLUG_NODES") && *getenv("TOPO_HOTPLUG_NODES") &&
	    n >= 0 && n < MPOLT_MAXNODE && (possible & (1ULL << n)))
		hp_node = n;
	diag("topology %s: possible %s, initiators %s, memory %s, %d bandwidth pairs, hotplug node %d",
	     getenv("TOPO_NAME") ? getenv("TOPO_NAME") : "?",
	     fmt_nodes(possible, path, sizeof(path)),
	     fmt_nodes(cpu_nodes, buf, sizeof(buf)),
	     fmt_nodes(mem_nodes(), mbuf, sizeof(mbuf)), pairs, hp_node);
}

/* --- cgroup files ------------------------------------------------------- */

static const char *cgf(char *buf, size_t len, const char *cg, const char *f)
{
	return nt_path(buf, len, "%s/%s", cg, f);
}

/* Write @s to @cg/mpol.weights; 0 or -errno */
static int weights_write(const char *cg, const char *s)
{
	char path[400];
	ssize_t ret = write_file(cgf(path, sizeof(path), cg, "mpol.weights"),
				 s, strlen(s));

	if (ret == (ssize_t)strlen(s))
		return 0;
	return ret < 0 ? ret : -EIO;
}

static bool set_weights(const char *cg, const char *s)
{
	char path[400], e[256];
	ssize_t ret = write_file(cgf(path, sizeof(path), cg, "mpol.weights"),
				 s, strlen(s));

	if (ret == (ssize_t)strlen(s))
		return true;
	diag("writing \"%s\" to %s: %s", nt_esc(s, e, sizeof(e)), path,
	     ret < 0 ? strerror(-ret) : "short write");
	return false;
}

static bool eff_is(const char *cg, const char *expected)
{
	return nt_cg_is(cg, "mpol.weights.effective", expected);
}

/* .effective of @cg is auto over @mem with @ovr */
static bool eff_auto(const char *cg, uint64_t mem, const int *ovr)
{
	char exp[MPOLT_BUF];

	return eff_is(cg, fmt_auto(exp, sizeof(exp), mem, ovr));
}

static bool eff_flat(const char *cg, const int *ovr)
{
	char exp[MPOLT_BUF];

	return eff_is(cg, fmt_flat(exp, sizeof(exp), ovr));
}

/* --- snapshots of every mpol file --------------------------------------- */

struct cgsnap {
	int nr;
	char name[MAX_FILES][256];
	char *text[MAX_FILES];
};

static void snap_take(const char *cg, struct cgsnap *s)
{
	struct dirent *de;
	DIR *d = opendir(cg);

	s->nr = 0;
	if (!d)
		return;
	while ((de = readdir(d)) && s->nr < MAX_FILES) {
		char path[512];

		if (strncmp(de->d_name, "mpol.", 5))
			continue;
		snprintf(s->name[s->nr], sizeof(s->name[0]), "%s", de->d_name);
		s->text[s->nr] = calloc(1, MPOLT_BUF);
		if (!s->text[s->nr])
			bail("out of memory");
		if (read_file(cgf(path, sizeof(path), cg, de->d_name),
			      s->text[s->nr], MPOLT_BUF) < 0)
			snprintf(s->text[s->nr], MPOLT_BUF, "<unreadable>");
		s->nr++;
	}
	closedir(d);
}

static void snap_free(struct cgsnap *s)
{
	int i;

	for (i = 0; i < s->nr; i++)
		free(s->text[i]);
	s->nr = 0;
}

/* Are the files the same in @b as in @a? Prints the first differences. */
static bool snap_same(const char *cg, const struct cgsnap *a,
		      const struct cgsnap *b)
{
	char e1[MPOLT_BUF], e2[MPOLT_BUF];
	bool same = a->nr == b->nr;
	int i;

	for (i = 0; same && i < a->nr; i++) {
		if (!strcmp(a->name[i], b->name[i]) &&
		    !strcmp(a->text[i], b->text[i]))
			continue;
		diag("%s/%s was \"%s\", now \"%s\"", cg, a->name[i],
		     nt_esc(a->text[i], e1, sizeof(e1)),
		     nt_esc(b->text[i], e2, sizeof(e2)));
		same = false;
	}
	if (a->nr != b->nr)
		diag("%s: %d mpol files before, %d after", cg, a->nr, b->nr);
	return same;
}

/* --- (a), (b): parse and tables ----------------------------------------- */

static char cg_t[160], cg_a[200], cg_c[240];

/* @in on one line, C escapes for \n, \t, \v */
static const char *esc(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 3 < len; in++) {
		const char *e = *in == '\n' ? "\\n" : *in == '\t' ? "\\t" :
				*in == '\v' ? "\\v" : NULL;

		if (e) {
			out[o++] = e[0];
			out[o++] = e[1];
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
	return out;
}

/* A refused write to @cg/mpol.weights: EINVAL, T, A and C unchanged */
static void refused(const char *cg, const char *in)
{
	struct cgsnap before[3], after[3];
	const char *cgs[3] = { cg_t, cg_a, cg_c };
	char path[400], e[256];
	ssize_t ret;
	bool same = true;
	int i;

	for (i = 0; i < 3; i++)
		snap_take(cgs[i], &before[i]);
	ret = write_file(cgf(path, sizeof(path), cg, "mpol.weights"), in,
			 strlen(in));
	for (i = 0; i < 3; i++) {
		snap_take(cgs[i], &after[i]);
		same &= snap_same(cgs[i], &before[i], &after[i]);
		snap_free(&before[i]);
		snap_free(&after[i]);
	}
	tap(ret == -EINVAL && same,
	    "parse: \"%s\" refused with EINVAL (%s), every mpol file of T, A, C unchanged",
	    esc(in, e, sizeof(e)),
	    ret < 0 ? strerror(-ret) : "accepted");
}

/* @cg/mpol.weights is exactly @want */
static bool weights_are(const char *cg, const char *want)
{
	return nt_cg_is(cg, "mpol.weights", want);
}

/*
 * Parse, inheritance and the tables on T (top), A = T/a, C = T/a/c.
 * Returns false if the kernel does not take "auto on" at all.
 */
static bool test_parse(void)
{
	static const char * const bad[] = {
		"auto", "auto\n", "auto 1", "auto yes", "auto on x", "AUTO on",
		"Auto on", "auto On", "auto ON", "auto onn", "auto of",
		"auto defaults", "auto default x", "auto on off", "auto =on",
		"auto=on", "autoon", "auto\von", "auto\non", "auto 0",
		"auto -1", "auto on\nauto maybe", "0 5\nauto yes",
		"auto off\n3 x", "auto yes\n0 5",
	};
	int ovr[MPOLT_MAXNODE] = { 0 }, ovr0[MPOLT_MAXNODE] = { 0 };
	uint64_t mem = mem_nodes();
	char path[400];
	bool ok;
	size_t i;
	int ret;

	ovr[OVR_NODE] = OVR_WEIGHT;
	snprintf(cg_a, sizeof(cg_a), "%s/a", cg_t);
	snprintf(cg_c, sizeof(cg_c), "%s/c", cg_a);
	if (nt_cg_mkdir(cg_a) || nt_cg_mkdir(cg_c) ||
	    nt_cg_set(cg_a, "cgroup.subtree_control", "+mpol"))
		bail("cgroups %s, %s", cg_a, cg_c);

	ok = weights_are(cg_a, "") && eff_flat(cg_a, NULL) &&
	     eff_flat(cg_c, NULL);
	tap(ok, "parse: a new cgroup has no overrides and flat .effective (the global weights)");

	/* auto on */
	ret = weights_write(cg_a, "auto on\n");
	if (ret) {
		tap(false, "parse: \"auto on\" accepted by A/mpol.weights (%s): no auto in this kernel?",
		    strerror(-ret));
		return false;
	}
	diag_tables("expected", mem, NULL);
	ok = weights_are(cg_a, "auto on\n");
	tap(ok, "parse: \"auto on\": A/mpol.weights is \"auto on\"");
	tap(eff_auto(cg_a, mem, NULL),
	    "tables: A/mpol.weights.effective is nested, one line per initiator (%s), the computed tables",
	    fmt_nodes(cpu_nodes, path, sizeof(path)));
	tap(eff_auto(cg_c, mem, NULL),
	    "parse: C (default) inherits auto: the same tables");
	tap(eff_flat(cg_t, NULL) && eff_flat(MPOLT_CGROOT, NULL),
	    "parse: T (the parent, default) and the root stay flat");

	/* the override */
	ok = set_weights(cg_a, "2 9") && weights_are(cg_a, "2 9\nauto on\n");
	tap(ok, "parse: \"2 9\" with auto on: A/mpol.weights is \"2 9\\nauto on\" (auto last)");
	diag_tables("expected with 2 9", mem, ovr);
	tap(eff_auto(cg_a, mem, ovr) && eff_auto(cg_c, mem, ovr),
	    "tables: the override \"2 9\" replaces node 2's weight in every line of A and of C (inherited)");

	/* refused writes, with A in a non-trivial state */
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		refused(cg_a, bad[i]);
	refused(cg_c, "auto maybe");
	tap(access(MPOLT_CGROOT "/mpol.weights", F_OK) && errno == ENOENT,
	    "parse: the root has no mpol.weights (never auto)");

	/* auto off below an auto parent */
	ok = set_weights(cg_c, "auto off") && weights_are(cg_c, "auto off\n") &&
	     eff_flat(cg_c, ovr);
	tap(ok, "parse: \"auto off\" in C below auto A: C/mpol.weights \"auto off\", .effective flat with the inherited override");
	ok = set_weights(cg_c, "auto default") && weights_are(cg_c, "") &&
	     eff_auto(cg_c, mem, ovr);
	tap(ok, "parse: \"auto default\" in C: inherits A's auto again");

	/* A off: C follows */
	ok = set_weights(cg_a, "auto off") &&
	     weights_are(cg_a, "2 9\nauto off\n") && eff_flat(cg_a, ovr) &&
	     eff_flat(cg_c, ovr);
	tap(ok, "parse: \"auto off\" in A: \"2 9\\nauto off\", A and C flat with 2=9");

	/* one write of several lines: all applied */
	ok = set_weights(cg_a, "auto default\n2 default\n") &&
	     weights_are(cg_a, "") && eff_flat(cg_a, NULL) &&
	     eff_flat(cg_c, NULL);
	tap(ok, "parse: \"auto default\\n2 default\" in one write: A has nothing of its own, A and C flat");

	/* the parent on, with a tab and a newline; children inherit */
	ok = set_weights(cg_t, "auto\ton\n") && weights_are(cg_t, "auto on\n") &&
	     eff_auto(cg_t, mem, NULL) && eff_auto(cg_a, mem, NULL) &&
	     eff_auto(cg_c, mem, NULL) && eff_flat(MPOLT_CGROOT, NULL);
	tap(ok, "parse: \"auto\\ton\" in T: T, A and C (default) auto, the root flat");
	ok = set_weights(cg_a, "auto off") && weights_are(cg_a, "auto off\n") &&
	     eff_flat(cg_a, NULL) && eff_flat(cg_c, NULL) &&
	     eff_auto(cg_t, mem, NULL);
	tap(ok, "parse: \"auto off\" in A below auto T: A and C flat, T auto");
	ok = set_weights(cg_a, "auto default") && eff_auto(cg_a, mem, NULL);
	tap(ok, "parse: \"auto default\" in A: inherits T's auto");

	/* overrides in T and auto in one write, read back in order */
	ok = set_weights(cg_t, "2 9\n0 3\nauto on") &&
	     weights_are(cg_t, "0 3\n2 9\nauto on\n");
	ovr0[0] = 3;
	ovr0[OVR_NODE] = OVR_WEIGHT;
	ok &= eff_auto(cg_t, mem, ovr0) && eff_auto(cg_c, mem, ovr0);
	tap(ok, "parse: \"2 9\\n0 3\\nauto on\" in T: \"0 3\\n2 9\\nauto on\", the overrides in every line of T and C");
	ok = set_weights(cg_t, "0 default\n2 default\nauto default") &&
	     weights_are(cg_t, "") && eff_flat(cg_t, NULL) &&
	     eff_flat(cg_a, NULL) && eff_flat(cg_c, NULL);
	tap(ok, "parse: back to nothing in T: T, A and C flat");

	/* and "auto off" from default: mpol.weights shows it */
	ok = set_weights(cg_a, "auto off") && weights_are(cg_a, "auto off\n") &&
	     eff_flat(cg_a, NULL) && set_weights(cg_a, "auto default") &&
	     weights_are(cg_a, "");
	tap(ok, "parse: \"auto off\" without auto above: shown as \"auto off\", flat; \"auto default\" clears it");
	return true;
}

/* --- members: a process pinned to one CPU in a cgroup -------------------- */

struct member_sh {
	char *addr;
	long npages;
	int cpu;		/* sched_getcpu() after faulting */
	int ret;
	long bad;
	int status[MAX_PAGES];
};

struct member {
	pid_t pid;
	int cmd, ack;
	int cpu;
	struct member_sh *sh;
};

/*
 * The member: pinned to @cpu, enters @cg, waits until its Mems_allowed
 * are @mems (cpuset follows hotplug asynchronously), maps @npages without
 * THP, faults them in order (each page holds its index), then answers
 * 'n' (node of every page), 'v' (contents), 'q'.
 */
static void member_main(struct member *m, const char *cg, uint64_t mems,
			long npages, int cmd, int ack)
{
	struct member_sh *sh = m->sh;
	cpu_set_t set;
	char c = 'r', *p, buf[256];
	double start = nt_now();
	uint64_t allowed = 0;

	if (nt_cg_enter(cg))
		_exit(11);
	/* after the move: attaching to a cpuset may reset the affinity */
	CPU_ZERO(&set);
	CPU_SET(m->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		_exit(10);
	while (!nt_status_field("/proc/self/status", "Mems_allowed_list", buf,
				sizeof(buf)) || parse_nodes(buf, &allowed) ||
	       (allowed & mems) != mems) {
		if (nt_now() - start > WAIT_MS / 1000.0)
			_exit(12);
		nt_msleep(20);
	}
	p = nt_map(npages);
	if (!p)
		_exit(13);
	nt_touch(p, npages);
	sh->addr = p;
	sh->npages = npages;
	sh->cpu = sched_getcpu();
	if (write(ack, &c, 1) != 1)
		_exit(14);
	while (read(cmd, &c, 1) == 1) {
		switch (c) {
		case 'n':
			sh->ret = nt_page_nodes(p, npages, sh->status);
			break;
		case 'v':
			sh->bad = nt_bad_content(p, npages);
			break;
		case 'q':
			_exit(0);
		}
		if (write(ack, &c, 1) != 1)
			_exit(15);
	}
	_exit(0);
}

static void member_stop(struct member *m)
{
	int status;
	char c = 'q';

	if (m->pid > 0) {
		if (write(m->cmd, &c, 1) != 1)
			kill(m->pid, SIGKILL);
		waitpid(m->pid, &status, 0);
		close(m->cmd);
		close(m->ack);
	}
	m->pid = -1;
	if (m->sh)
		munmap(m->sh, sizeof(*m->sh));
	m->sh = NULL;
}

static bool member_start(struct member *m, int cpu, const char *cg,
			 uint64_t mems, long npages)
{
	int cmd[2], ack[2], status;
	char c;

	memset(m, 0, sizeof(*m));
	m->pid = -1;
	m->cpu = cpu;
	m->sh = mmap(NULL, sizeof(*m->sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m->sh == MAP_FAILED) {
		m->sh = NULL;
		return false;
	}
	if (pipe(cmd) || pipe(ack))
		return false;
	fflush(stdout);
	m->pid = fork();
	if (!m->pid) {
		close(cmd[1]);
		close(ack[0]);
		member_main(m, cg, mems, npages, cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	m->cmd = cmd[1];
	m->ack = ack[0];
	if (m->pid > 0 && read(m->ack, &c, 1) == 1)
		return true;
	if (m->pid > 0 && waitpid(m->pid, &status, 0) == m->pid &&
	    WIFEXITED(status))
		diag("member on CPU %d in %s exited with %d before it was ready",
		     cpu, cg, WEXITSTATUS(status));
	close(m->cmd);
	close(m->ack);
	m->pid = -1;
	return false;
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

/*
 * Are @m's pages per node its initiator's table @t over @nodes times the
 * cycles, within one weight cycle, and none elsewhere? Prints the counts,
 * the expectation and (diagnostic) the pages not on the node of their
 * interleave index.
 */
static bool member_placed(struct member *m, const char *what,
			  const struct table *t, uint64_t nodes)
{
	long count[MPOLT_MAXNODE], want[MPOLT_MAXNODE], other, i, exact = 0;
	long total = 0, cycles;
	int nl[MPOLT_MAXNODE], wl[MPOLT_MAXNODE], nr = 0, n;
	char got[1024], exp[1024];
	bool ok = true;

	if (!member_cmd(m, 'n') || m->sh->ret) {
		diag("%s: move_pages: %s", what, strerror(-m->sh->ret));
		return false;
	}
	for (n = 0; n < MPOLT_MAXNODE; n++) {
		if (!(nodes & (1ULL << n)))
			continue;
		nl[nr] = n;
		wl[nr++] = t->w[n];
		total += t->w[n];
	}
	cycles = m->sh->npages / total;
	memset(want, 0, sizeof(want));
	for (i = 0; i < nr; i++)
		want[nl[i]] = cycles * wl[i];
	other = nt_count(m->sh->status, m->sh->npages, count);
	for (n = 0; n < MPOLT_MAXNODE; n++) {
		long d = count[n] - want[n];

		if (d < 0)
			d = -d;
		if ((nodes & (1ULL << n)) ? d > t->w[n] : count[n] != 0)
			ok = false;
	}
	ok &= !other;
	if (m->sh->cpu != m->cpu) {
		diag("%s: the process pinned to CPU %d faulted on CPU %d", what,
		     m->cpu, m->sh->cpu);
		ok = false;
	}
	for (i = 0; i < m->sh->npages; i++)
		exact += m->sh->status[i] !=
			 nt_wi_node(nt_ilx(m->sh->addr, i), nr, nl, wl);
	if (!ok || exact)
		diag("%s: CPU %d (ran on %d): %s; expected %s (%ld cycles of %ld); %ld pages not on their interleave index's node",
		     what, m->cpu, m->sh->cpu,
		     nt_fmt_count(got, sizeof(got), count, other),
		     nt_fmt_count(exp, sizeof(exp), want, 0), cycles, total,
		     exact);
	else
		diag("%s: CPU %d: %s (exact)", what, m->cpu,
		     nt_fmt_count(got, sizeof(got), count, other));
	return ok;
}

/* The total of table @t over @nodes */
static long table_total(const struct table *t, uint64_t nodes)
{
	long total = 0;
	int n;

	for (n = 0; n < MPOLT_MAXNODE; n++)
		if (nodes & (1ULL << n))
			total += t->w[n];
	return total;
}

/* The pages a member of initiator @t faults: whole cycles, >= MIN_PAGES */
static long pages_for(const struct table *t, uint64_t nodes)
{
	long total = table_total(t, nodes);

	return (MIN_PAGES + total - 1) / total * total;
}

/* Enough free memory on @nodes for @pages each, with room to spare */
static bool room_for(uint64_t nodes, long pages, const char *what)
{
	int n;

	for (n = 0; n < MPOLT_MAXNODE; n++)
		if ((nodes & (1ULL << n)) &&
		    nt_node_free_kb(n) < pages * (pagesize() >> 10) + (24L << 10)) {
			diag("%s: node %d has %ld kB free", what, n,
			     nt_node_free_kb(n));
			diag_free(what);
			return false;
		}
	return true;
}

/*
 * One member per initiator node, pinned to a CPU of it, in @cg with
 * weighted-interleave over @nodes: each one's pages follow its own table
 * (the tables over @mem, overrides @ovr).
 */
static void placement(const char *what, const char *cg, uint64_t mem,
		      uint64_t nodes, const int *ovr)
{
	struct member m[MPOLT_MAXNODE];
	struct table t[MPOLT_MAXNODE];
	char w[1024], list[256];
	bool ok = true, up = true;
	int i;

	memset(m, 0, sizeof(m));
	for (i = 0; i < MPOLT_MAXNODE; i++)
		m[i].pid = -1;
	for (i = 0; i < MPOLT_MAXNODE; i++) {
		if (!(cpu_nodes & (1ULL << i)))
			continue;
		table_of(i, mem, ovr, &t[i]);
		if (!room_for(nodes, pages_for(&t[i], nodes), what))
			ok = false;
	}
	for (i = 0; ok && i < MPOLT_MAXNODE; i++) {
		if (!(cpu_nodes & (1ULL << i)))
			continue;
		if (!member_start(&m[i], cpu_of[i], cg, nodes,
				  pages_for(&t[i], nodes))) {
			up = false;
			break;
		}
	}
	if (!ok || !up) {
		tap(false, "%s: members on a CPU of every initiator node faulted their pages", what);
		goto out;
	}
	for (i = 0; i < MPOLT_MAXNODE; i++) {
		bool placed;

		if (!(cpu_nodes & (1ULL << i)))
			continue;
		placed = member_placed(&m[i], what, &t[i], nodes);
		tap(placed, "%s: %ld pages of a process on CPU %d by initiator%d's table %s (within one cycle)",
		    what, m[i].sh->npages, cpu_of[i], i,
		    fmt_weights(w, sizeof(w), &t[i], nodes));
		if (!placed) {
			diag_tables(what, mem, ovr);
			diag_free(what);
			diag("%s: policy weighted-interleave:%s", what,
			     fmt_nodes(nodes, list, sizeof(list)));
		}
	}
out:
	for (i = 0; i < MPOLT_MAXNODE; i++)
		if (m[i].pid > 0 || m[i].sh)
			member_stop(&m[i]);
}

static bool mkcg_policy(char *cg, size_t len, const char *name, uint64_t nodes)
{
	char pol[300], list[256];

	snprintf(cg, len, "%s/%s", cg_t, name);
	snprintf(pol, sizeof(pol), "weighted-interleave:%s",
		 fmt_nodes(nodes, list, sizeof(list)));
	return !nt_cg_mkdir(cg) && !nt_cg_set(cg, "mpol.policy", pol);
}

static void test_placement(void)
{
	int ovr[MPOLT_MAXNODE] = { 0 };
	uint64_t mem = mem_nodes();
	char cg[300];

	ovr[OVR_NODE] = OVR_WEIGHT;
	if (!mkcg_policy(cg, sizeof(cg), "place", mem) ||
	    !set_weights(cg, "auto on")) {
		tap(false, "placement: setup of %s", cg);
		return;
	}
	placement("placement", cg, mem, mem, NULL);
	if (!set_weights(cg, "2 9")) {
		tap(false, "placement: \"2 9\" in %s", cg);
		return;
	}
	placement("placement with 2 9", cg, mem, mem, ovr);
	rmdir(cg);
}

/* --- (d) hotplug -------------------------------------------------------- */

static struct nt_blocks blk;

/* Until has_memory is @want; false after WAIT_MS */
static bool wait_mem(uint64_t want)
{
	double start = nt_now();
	char a[256], b[256];
	uint64_t now = 0;

	while ((nt_now() - start) * 1000 < WAIT_MS) {
		if (!read_nodes(MPOLT_NODE_DIR "/has_memory", &now) &&
		    now == want)
			return true;
		nt_msleep(20);
	}
	diag("has_memory is %s, expected %s", fmt_nodes(now, a, sizeof(a)),
	     fmt_nodes(want, b, sizeof(b)));
	return false;
}

/* Until @cg's .effective is auto over @mem (recomputed on hotplug) */
static bool wait_eff_auto(const char *cg, uint64_t mem)
{
	char exp[MPOLT_BUF], buf[MPOLT_BUF], path[400];
	double start = nt_now();

	fmt_auto(exp, sizeof(exp), mem, NULL);
	cgf(path, sizeof(path), cg, "mpol.weights.effective");
	while ((nt_now() - start) * 1000 < 5000) {
		if (read_file(path, buf, sizeof(buf)) >= 0 && !strcmp(buf, exp))
			return true;
		nt_msleep(20);
	}
	return eff_auto(cg, mem, NULL);	/* prints the difference */
}

static bool stat_read(const char *cg, struct migstat *st);
static bool settle(const char *cg, struct migstat *st);
static bool wait_pass(const char *cg, const struct migstat *before,
		      struct migstat *st);

/* Until process @pid may use the nodes @mems (cpuset follows hotplug) */
static bool wait_task_mems(pid_t pid, uint64_t mems)
{
	char path[64], buf[256] = "", want[128];
	double start = nt_now();
	uint64_t allowed;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	while ((nt_now() - start) * 1000 < WAIT_MS) {
		if (nt_status_field(path, "Mems_allowed_list", buf, sizeof(buf)) &&
		    !parse_nodes(buf, &allowed) && (allowed & mems) == mems)
			return true;
		nt_msleep(20);
	}
	diag("%s: Mems_allowed_list \"%s\", expected %s", path, buf,
	     fmt_nodes(mems, want, sizeof(want)));
	return false;
}

/*
 * The hotplug case with mpol.migrate on: members of a cgroup with auto on
 * and "on 1G" hold pages while the node comes online; the recomputed
 * tables start a pass (with HMAT, where they change); once cpuset lets the
 * members use the node, "pass" places their pages by the new tables.
 */
struct hpmig {
	char cg[300];
	struct member m[MPOLT_MAXNODE];
	struct table t[MPOLT_MAXNODE];
	struct migstat before;
	bool ok;
};

static void hpmig_start(struct hpmig *h, uint64_t base, uint64_t with)
{
	char pol[300], list[128];
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < MPOLT_MAXNODE; i++)
		h->m[i].pid = -1;
	snprintf(h->cg, sizeof(h->cg), "%s/hpmig", cg_t);
	snprintf(pol, sizeof(pol), "weighted-interleave:%s",
		 fmt_nodes(with, list, sizeof(list)));
	h->ok = !nt_cg_mkdir(h->cg) && !nt_cg_set(h->cg, "mpol.policy", pol) &&
		!nt_cg_set(h->cg, "mpol.migrate", "on 1G") &&
		set_weights(h->cg, "auto on");
	for (i = 0; h->ok && i < MPOLT_MAXNODE; i++) {
		if (!(cpu_nodes & (1ULL << i)))
			continue;
		table_of(i, with, NULL, &h->t[i]);
		h->ok = room_for(base, pages_for(&h->t[i], with), "hotplug migrate") &&
			member_start(&h->m[i], cpu_of[i], h->cg, base,
				     pages_for(&h->t[i], with));
	}
	h->ok = h->ok && settle(h->cg, &h->before);
	tap(h->ok, "hotplug migrate: members on every initiator's CPU in a cgroup with auto on, mpol.migrate on 1G and %s, before node %d comes online",
	    pol, hp_node);
}

/* After the node came online */
static void hpmig_check(struct hpmig *h, uint64_t base, uint64_t with)
{
	struct migstat st, before;
	char w[1024];
	double start = nt_now();
	bool ok = true, started = false;
	int i;

	if (!h->ok)
		return;
	st = before = h->before;
	for (i = 0; i < MPOLT_MAXNODE; i++)
		if (h->m[i].pid > 0)
			ok &= wait_task_mems(h->m[i].pid, with);
	/* without HMAT the tables over both node sets are all 1: no change */
	for (i = 0; i < MPOLT_MAXNODE; i++) {
		struct table old;

		if (!(cpu_nodes & (1ULL << i)))
			continue;
		table_of(i, base, NULL, &old);
		if (memcmp(old.w, h->t[i].w, sizeof(old.w)))
			break;
	}
	/* the pass is queued by the hotplug event: a short wait at most */
	while (nt_now() - start < (i < MPOLT_MAXNODE ? 5 : 0.5) &&
	       stat_read(h->cg, &st)) {
		if (st.v[MGS_STARTED] > h->before.v[MGS_STARTED]) {
			started = true;
			break;
		}
		nt_msleep(20);
	}
	if (i < MPOLT_MAXNODE)
		tap(started, "hotplug migrate: the recomputed tables started a pass (migrate_passes_started %lld -> %lld)",
		    h->before.v[MGS_STARTED], st.v[MGS_STARTED]);
	else
		diag("hotplug migrate: the tables did not change (all 1); a pass %s",
		     started ? "started" : "did not start");
	ok = ok && settle(h->cg, &before) &&
	     !nt_cg_set(h->cg, "mpol.migrate", "pass") &&
	     wait_pass(h->cg, &before, &st);
	tap(ok, "hotplug migrate: once the members may use node %d, \"pass\" runs and ends (completed %lld -> %lld)",
	    hp_node, before.v[MGS_COMPLETED], st.v[MGS_COMPLETED]);
	for (i = 0; ok && i < MPOLT_MAXNODE; i++) {
		bool placed;

		if (!(cpu_nodes & (1ULL << i)))
			continue;
		placed = member_placed(&h->m[i], "hotplug migrate", &h->t[i], with);
		tap(placed, "hotplug migrate: the %ld pages of the process on CPU %d are by initiator%d's table over the nodes with node %d %s",
		    h->m[i].sh->npages, cpu_of[i], i, hp_node,
		    fmt_weights(w, sizeof(w), &h->t[i], with));
		if (!placed) {
			diag_tables("hotplug migrate", with, NULL);
			diag_free("hotplug migrate");
		}
		tap(member_cmd(&h->m[i], 'v') && !h->m[i].sh->bad,
		    "hotplug migrate: the contents of the process on CPU %d are intact (%ld pages changed)",
		    cpu_of[i], h->m[i].sh->bad);
	}
}

static void hpmig_stop(struct hpmig *h)
{
	int i;

	for (i = 0; i < MPOLT_MAXNODE; i++)
		if (h->m[i].pid > 0 || h->m[i].sh)
			member_stop(&h->m[i]);
	rmdir(h->cg);
}

static void test_hotplug(void)
{
	uint64_t base = mem_nodes(), with;
	char cg[300], list[128];
	static struct hpmig h;
	bool ok;

	if (hp_node < 0) {
		tap_skip("no hot-pluggable node in this topology (TOPO_HOTPLUG_NODES empty)",
			 "hotplug: tables follow a node coming online and going");
		return;
	}
	if (base & (1ULL << hp_node) || nt_blocks_find(&blk, hp_node) <= 0) {
		tap_skip("the node has memory already or no memory blocks",
			 "hotplug: node %d", hp_node);
		return;
	}
	with = base | (1ULL << hp_node);
	snprintf(cg, sizeof(cg), "%s/hp", cg_t);
	if (nt_cg_mkdir(cg) || !set_weights(cg, "auto on")) {
		tap(false, "hotplug: setup of %s", cg);
		return;
	}
	hpmig_start(&h, base, with);
	nt_kmsg("mpol_auto: online node %d\n", hp_node);
	ok = !nt_blocks_set(&blk, "online_movable", "online", NULL) && wait_mem(with);
	tap(ok, "hotplug: node %d's %d memory blocks online, has_memory %s", hp_node,
	    blk.nr, fmt_nodes(with, list, sizeof(list)));
	if (!ok)
		goto out;
	diag_tables("expected with the node online", with, NULL);
	tap(wait_eff_auto(cg, with),
	    "hotplug: .effective is the tables over %s (node %d in the sums)",
	    list, hp_node);
	hpmig_check(&h, base, with);
	hpmig_stop(&h);
	{
		char pcg[300], pol[300];

		snprintf(pcg, sizeof(pcg), "%s/hpplace", cg_t);
		snprintf(pol, sizeof(pol), "weighted-interleave:%s", list);
		if (nt_cg_mkdir(pcg) || nt_cg_set(pcg, "mpol.policy", pol) ||
		    !set_weights(pcg, "auto on"))
			tap(false, "hotplug: setup of %s", pcg);
		else
			placement("hotplug placement", pcg, with, with, NULL);
		rmdir(pcg);
	}
	nt_kmsg("mpol_auto: offline node %d\n", hp_node);
	ok = !nt_blocks_set(&blk, "offline", "offline", NULL) && wait_mem(base);
	tap(ok, "hotplug: node %d offline again, has_memory %s", hp_node,
	    fmt_nodes(base, list, sizeof(list)));
	if (ok)
		tap(wait_eff_auto(cg, base),
		    "hotplug: .effective is back to the tables over %s", list);
out:
	hpmig_stop(&h);
	nt_blocks_set(&blk, "offline", "offline", NULL);
	rmdir(cg);
}

/* --- (e) migration ------------------------------------------------------ */

static bool stat_read(const char *cg, struct migstat *st)
{
	char why[256];

	if (migstat_read(cg, st, why, sizeof(why))) {
		diag("%s", why);
		return false;
	}
	if (!migstat_ok(st, why, sizeof(why))) {
		diag("%s/mpol.stat: %s", cg, why);
		return false;
	}
	return true;
}

/* Until no pass runs and the counters stay for 300 ms */
static bool settle(const char *cg, struct migstat *st)
{
	double start = nt_now(), since = start;
	struct migstat last;

	if (!stat_read(cg, &last))
		return false;
	while (nt_now() - start < PASS_TIMEOUT) {
		nt_msleep(20);
		if (!stat_read(cg, st))
			return false;
		if (st->v[MGS_ACTIVE] || memcmp(&last, st, sizeof(last))) {
			last = *st;
			since = nt_now();
		} else if (nt_now() - since >= 0.3) {
			return true;
		}
	}
	diag("%s: passes did not settle in %.0f s", cg, PASS_TIMEOUT);
	return false;
}

/* Until a pass has completed since @before and none runs */
static bool wait_pass(const char *cg, const struct migstat *before,
		      struct migstat *st)
{
	double start = nt_now();

	*st = *before;
	while (nt_now() - start < PASS_TIMEOUT) {
		if (!stat_read(cg, st))
			return false;
		if (st->v[MGS_COMPLETED] > before->v[MGS_COMPLETED] &&
		    !st->v[MGS_ACTIVE])
			return true;
		nt_msleep(20);
	}
	diag("%s: no pass completed in %.0f s", cg, PASS_TIMEOUT);
	return false;
}

static void test_migrate(void)
{
	struct member m[MPOLT_MAXNODE];
	struct table t[MPOLT_MAXNODE];
	struct migstat before, st;
	uint64_t mem = mem_nodes();
	char cg[300], s[512], w[1024];
	double t0;
	bool ok = true, done = false;
	int i;

	memset(m, 0, sizeof(m));
	for (i = 0; i < MPOLT_MAXNODE; i++)
		m[i].pid = -1;
	if (!mkcg_policy(cg, sizeof(cg), "mig", mem) ||
	    nt_cg_set(cg, "mpol.migrate", "on 1G")) {
		tap(false, "migrate: setup of %s", cg);
		return;
	}
	for (i = 0; i < MPOLT_MAXNODE; i++) {
		if (!(cpu_nodes & (1ULL << i)))
			continue;
		table_of(i, mem, NULL, &t[i]);
		ok &= room_for(mem, pages_for(&t[i], mem), "migrate");
		if (ok && !member_start(&m[i], cpu_of[i], cg, mem,
					pages_for(&t[i], mem)))
			ok = false;
	}
	if (!tap(ok, "migrate: members on a CPU of every initiator node faulted by the global weights (auto not in effect)"))
		goto out;
	if (!settle(cg, &before)) {
		tap(false, "migrate: no pass running before \"auto on\"");
		goto out;
	}
	t0 = nt_now();
	if (!set_weights(cg, "auto on")) {
		tap(false, "migrate: \"auto on\"");
		goto out;
	}
	done = wait_pass(cg, &before, &st);
	tap(done, "migrate: \"auto on\" started a pass that ended (completed %lld -> %lld, active %lld) in %.1f s",
	    before.v[MGS_COMPLETED], st.v[MGS_COMPLETED], st.v[MGS_ACTIVE],
	    nt_now() - t0);
	diag("migrate: %s", migstat_fmt(&st, s, sizeof(s)));
	if (!done)
		goto out;
	/* with HMAT the tables differ from the global weights: pages moved */
	if (hmat)
		tap(st.v[MGS_MOVED] > before.v[MGS_MOVED],
		    "migrate: pages moved (+%lld)",
		    st.v[MGS_MOVED] - before.v[MGS_MOVED]);
	for (i = 0; i < MPOLT_MAXNODE; i++) {
		bool placed;

		if (!(cpu_nodes & (1ULL << i)))
			continue;
		placed = member_placed(&m[i], "migrate", &t[i], mem);
		tap(placed, "migrate: the %ld pages of the process on CPU %d are by initiator%d's table %s",
		    m[i].sh->npages, cpu_of[i], i,
		    fmt_weights(w, sizeof(w), &t[i], mem));
		if (!placed) {
			diag_tables("migrate", mem, NULL);
			diag_free("migrate");
		}
		tap(member_cmd(&m[i], 'v') && !m[i].sh->bad,
		    "migrate: the contents of the process on CPU %d are intact (%ld pages changed)",
		    cpu_of[i], m[i].sh->bad);
	}
out:
	for (i = 0; i < MPOLT_MAXNODE; i++)
		if (m[i].pid > 0 || m[i].sh)
			member_stop(&m[i]);
	rmdir(cg);
}

/* ------------------------------------------------------------------------ */

int main(void)
{
	char mark[128];
	long oom;
	int bad;

	if (!cg_has_word(MPOLT_CGROOT "/cgroup.controllers", "mpol")) {
		printf("no mpol controller in this kernel\n");
		return 4;
	}
	tap_init();
	setup_topology();
	self_check();
	write_str("/proc/sys/vm/drop_caches", "3");
	diag_free("start");
	oom = vmstat("oom_kill");
	nt_klog_mark(mark, sizeof(mark), "mpol_auto");

	nt_cg_self(self_cg, sizeof(self_cg));
	snprintf(top, sizeof(top), MPOLT_CGROOT "/mpol_auto.%d", getpid());
	snprintf(cg_t, sizeof(cg_t), "%s/t", top);
	if (nt_cg_mkdir(top) ||
	    nt_cg_set(top, "cgroup.subtree_control", "+cpuset +mpol") ||
	    nt_cg_mkdir(cg_t) ||
	    nt_cg_set(cg_t, "cgroup.subtree_control", "+cpuset +mpol"))
		bail("cgroups %s", cg_t);

	if (test_parse()) {
		test_placement();
		test_hotplug();
		test_migrate();
	}

	bad = nt_klog_bad_since(mark, 10);
	tap(!bad && vmstat("oom_kill") == oom,
	    "kernel log clean during the test, no OOM kill (%d bad lines, oom_kill +%ld)",
	    bad, vmstat("oom_kill") - oom);
	nt_cg_enter(self_cg);
	nt_cg_rmtree(top);
	return tap_done();
}
