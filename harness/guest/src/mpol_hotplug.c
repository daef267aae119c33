// SPDX-License-Identifier: GPL-2.0
/*
 * mpol and memory hotplug: a node that is possible from boot but has no
 * memory (the VM's node 4, a pc-dimm the kernel added offline) is onlined
 * and offlined through /sys/devices/system/memory, several times, while
 * cgroups allocate by
 *
 *   all:  "weighted-interleave"          (no node list: every allowed node)
 *   list: "weighted-interleave:<possible>" (explicit, the hotplug node too)
 *   only: "weighted-interleave:<hotplug node>"
 *
 * with a weight of 2 for the hotplug node.  A policy without node list is
 * kept as node_possible_map and intersected with the task's mems_allowed
 * at each allocation, and cpuset's mems follow N_MEMORY on hotplug, so:
 *
 * - while the node is online, "all" and "list" place every page on the
 *   node weighted interleave over all memory nodes gives it, the hotplug
 *   node included, and "only" places every page on the hotplug node;
 * - while it is offline, "all" and "list" interleave over the other nodes
 *   without counting a fallback (some listed node is allowed), and "only"
 *   has no allowed node left: it interleaves over the allowed nodes and
 *   counts a "fallback" in mpol.events for each allocation;
 * - the .effective files never change: they show the policy as written
 *   and the weight of every possible node, online or not;
 * - pages on the node when it goes offline are migrated off it intact.
 *
 * Usage: mpol_hotplug [NODE [CYCLES [SECONDS]]]; NODE defaults to the
 * first possible node without memory that has memory blocks, CYCLES to 3.
 * With SECONDS (a soak run), cycling goes on until SECONDS have passed;
 * the checks after the first CYCLES print only when they fail.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <signal.h>

#include "mpolt_node.h"

#define HP_WEIGHT	2
/* a multiple of the weight totals 6 (online) and 4 (offline) of the VM */
#define NPAGES		(12 * 128)
#define WAIT_MS		10000

static int hp_node;
static struct nt_blocks blk;
static int possible[MPOLT_MAXNODE], nr_possible;
static int base_mem[MPOLT_MAXNODE], nr_base_mem;	/* memory nodes but hp_node */
static int weight_of[MPOLT_MAXNODE];		/* expected effective weights */
static char possible_list[256];
static char top[256], self_cg[256];

enum { CG_ALL, CG_LIST, CG_ONLY, NR_CGS };

static const char * const cg_name[NR_CGS] = { "all", "list", "only" };
static char cg_path[NR_CGS][300];
static char cg_policy[NR_CGS][300];

/* The nodes a task may use now: the base nodes, and hp_node when online. */
static int mem_nodes(bool online, int *nodes)
{
	int i, n = 0;
	bool done = false;

	for (i = 0; i < nr_base_mem; i++) {
		if (online && !done && hp_node < base_mem[i]) {
			nodes[n++] = hp_node;
			done = true;
		}
		nodes[n++] = base_mem[i];
	}
	if (online && !done)
		nodes[n++] = hp_node;
	return n;
}

static bool set_equals(uint64_t set, const int *nodes, int nr)
{
	uint64_t want = 0;
	int i;

	for (i = 0; i < nr; i++)
		want |= 1ULL << nodes[i];
	return set == want;
}

/* Wait until the node list in @path is exactly @nodes; false on timeout. */
static bool wait_list(const char *path, const int *nodes, int nr,
		      const char *field)
{
	char buf[MPOLT_BUF];
	double start = nt_now();
	uint64_t set;

	for (;;) {
		bool ok;

		if (field)
			ok = nt_status_field(path, field, buf, sizeof(buf));
		else
			ok = read_file(path, buf, sizeof(buf)) >= 0;
		if (ok && !parse_nodes(buf, &set) &&
		    set_equals(set, nodes, nr))
			return true;
		if ((nt_now() - start) * 1000 > WAIT_MS) {
			diag("%s%s%s is \"%s\" after %d ms", path,
			     field ? " " : "", field ? field : "",
			     strtok(buf, "\n") ? buf : "", WAIT_MS);
			return false;
		}
		nt_msleep(20);
	}
}

static const char *fmt_node_list(char *buf, size_t len, const int *nodes, int nr)
{
	int i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < nr; i++)
		off += snprintf(buf + off, len - off, "%s%d", i ? "," : "",
				nodes[i]);
	return buf;
}

/* mpol.weights.effective: every possible node, whether it has memory. */
static void weights_text(char *buf, size_t len)
{
	int i, off = 0;

	for (i = 0; i < nr_possible; i++)
		off += snprintf(buf + off, len - off, "%d %d\n", possible[i],
				weight_of[possible[i]]);
}

static bool check_effective(const char *when)
{
	char exp[MPOLT_BUF];
	bool ok = true;
	int c;

	weights_text(exp, sizeof(exp));
	for (c = 0; c < NR_CGS; c++) {
		char pol[320];

		snprintf(pol, sizeof(pol), "%s\n", cg_policy[c]);
		ok &= nt_cg_is(cg_path[c], "mpol.policy.effective", pol);
		ok &= nt_cg_is(cg_path[c], "mpol.weights.effective", exp);
	}
	return tap(ok, "%s: mpol.policy.effective and mpol.weights.effective unchanged", when);
}

/*
 * The nodes and weights weighted interleave uses for cgroup @c: its
 * policy's nodes that are allowed, else (a fallback) the allowed nodes.
 */
static int wi_nodes(int c, bool online, int *nodes, int *weights,
		    bool *fallback)
{
	int allowed[MPOLT_MAXNODE], n = mem_nodes(online, allowed);
	int i, nr = 0;

	*fallback = false;
	for (i = 0; i < n; i++)
		if (c != CG_ONLY || allowed[i] == hp_node)
			nodes[nr++] = allowed[i];
	if (!nr) {
		*fallback = true;
		memcpy(nodes, allowed, n * sizeof(*nodes));
		nr = n;
	}
	for (i = 0; i < nr; i++)
		weights[i] = weight_of[nodes[i]];
	return nr;
}

/*
 * Fault NPAGES in cgroup @c and check where each page went and what
 * mpol.events.local counted.  Returns the mapping if @keep, else unmaps it.
 */
static char *fault_in(int c, bool online, const char *when, bool keep)
{
	int nodes[MPOLT_MAXNODE], weights[MPOLT_MAXNODE], allowed[MPOLT_MAXNODE];
	int nr, nr_allowed = mem_nodes(online, allowed);
	char what[128], list[256];
	long before, after, bad;
	bool fallback;
	char *p = NULL;

	snprintf(what, sizeof(what), "%s: %s", when, cg_name[c]);
	if (nt_cg_enter(cg_path[c])) {
		tap(false, "%s: enter %s", what, cg_path[c]);
		return NULL;
	}
	/* cpuset updates mems_allowed after the hotplug event: be sure */
	if (!wait_list("/proc/self/status", allowed, nr_allowed,
		       "Mems_allowed_list")) {
		tap(false, "%s: Mems_allowed_list is %s", what,
		    fmt_node_list(list, sizeof(list), allowed, nr_allowed));
		goto out;
	}
	nr = wi_nodes(c, online, nodes, weights, &fallback);
	before = cg_keyed(cg_path[c], "mpol.events.local", "fallback");
	p = nt_map(NPAGES);
	if (!p) {
		tap(false, "%s: mmap", what);
		goto out;
	}
	nt_touch(p, NPAGES);
	after = cg_keyed(cg_path[c], "mpol.events.local", "fallback");
	bad = nt_check_wi(what, p, NPAGES, nr, nodes, weights);
	tap(!bad, "%s: %d pages by weighted interleave over nodes %s%s", what,
	    NPAGES, fmt_node_list(list, sizeof(list), nodes, nr),
	    fallback ? " (fallback: no listed node allowed)" : "");
	/*
	 * Every fault of "only" with the node offline is a fallback; reading
	 * the file may allocate and count a few more.  Nothing else falls
	 * back.
	 */
	if (fallback)
		tap(before >= 0 && after - before >= NPAGES,
		    "%s: mpol.events.local fallback +%ld (>= %d)", what,
		    after - before, NPAGES);
	else
		tap(before >= 0 && after == before,
		    "%s: mpol.events.local fallback +%ld (0)", what,
		    after - before);
	if (!keep) {
		munmap(p, NPAGES * pagesize());
		p = NULL;
	}
out:
	if (nt_cg_enter(self_cg))
		diag("cannot return to %s", self_cg);
	return p;
}

/* has_memory, the root's and a cgroup's cpuset.mems.effective follow. */
static bool check_mems(bool online, const char *when)
{
	int nodes[MPOLT_MAXNODE], nr = mem_nodes(online, nodes);
	char path[400], list[256];
	bool ok;

	ok = wait_list(MPOLT_NODE_DIR "/has_memory", nodes, nr, NULL);
	ok &= wait_list(MPOLT_CGROOT "/cpuset.mems.effective", nodes, nr, NULL);
	nt_path(path, sizeof(path), "%s/cpuset.mems.effective",
		cg_path[CG_ALL]);
	ok &= wait_list(path, nodes, nr, NULL);
	return tap(ok, "%s: has_memory and cpuset.mems.effective are %s",
		   when, fmt_node_list(list, sizeof(list), nodes, nr));
}

/*
 * Phase with the node offline: nothing may land on it.  Only a node that
 * did not go away stops the cycles; other failures are counted and the
 * cycles go on, to show whether they repeat.
 */
static bool offline_phase(const char *when)
{
	char *p;
	int c;

	if (!check_mems(false, when))
		return false;
	check_effective(when);
	for (c = 0; c < NR_CGS; c++) {
		p = fault_in(c, false, when, false);
		if (p)
			munmap(p, NPAGES * pagesize());
	}
	return true;
}

static int cycle(int i)
{
	char when[64], *kept;
	long count[MPOLT_MAXNODE], other, bad;
	int *status, c;

	snprintf(when, sizeof(when), "cycle %d online", i);
	nt_kmsg("mpol_hotplug: cycle %d: online node %d\n", i, hp_node);
	if (!tap(!nt_blocks_set(&blk, "online_movable", "online", NULL),
		   "%s: %d memory blocks of node %d onlined (movable)", when,
		   blk.nr, hp_node))
		return -1;
	diag("%s: node %d MemFree %ld kB", when, hp_node,
	     nt_node_free_kb(hp_node));
	if (!check_mems(true, when))
		return -1;
	check_effective(when);
	/* "all" keeps its pages: offlining must migrate them */
	kept = fault_in(CG_ALL, true, when, true);
	for (c = CG_LIST; c < NR_CGS; c++) {
		char *p = fault_in(c, true, when, false);

		if (p)
			munmap(p, NPAGES * pagesize());
	}

	snprintf(when, sizeof(when), "cycle %d offline", i);
	nt_kmsg("mpol_hotplug: cycle %d: offline node %d\n", i, hp_node);
	if (!tap(!nt_blocks_set(&blk, "offline", "offline", NULL),
		   "%s: %d memory blocks of node %d offlined", when, blk.nr,
		   hp_node))
		return -1;
	if (kept) {
		char got[512];

		status = calloc(NPAGES, sizeof(*status));
		if (!status || nt_page_nodes(kept, NPAGES, status)) {
			tap(false, "%s: move_pages", when);
			return -1;
		}
		other = nt_count(status, NPAGES, count);
		bad = nt_bad_content(kept, NPAGES);
		tap(!count[hp_node] && !other && !bad,
		    "%s: the pages that were on node %d were migrated intact (%s, %ld changed)",
		    when, hp_node, nt_fmt_count(got, sizeof(got), count, other),
		    bad);
		free(status);
		munmap(kept, NPAGES * pagesize());
	}
	return offline_phase(when) ? 0 : -1;
}

/* Pick the hotplug node: possible, no memory, with memory blocks. */
static int pick_node(void)
{
	int i;

	for (i = 0; i < nr_possible; i++)
		if (nt_list_has(MPOLT_NODE_DIR "/has_memory", possible[i]) == 0 &&
		    nt_blocks_find(&blk, possible[i]) > 0)
			return possible[i];
	return -1;
}

static int setup(void)
{
	int mem[MPOLT_MAXNODE], nr_mem, i, c;
	char buf[64];

	nr_possible = nt_list_nodes(MPOLT_NODE_DIR "/possible", possible);
	nr_mem = nt_list_nodes(MPOLT_NODE_DIR "/has_memory", mem);
	if (nr_possible <= 0 || nr_mem <= 0)
		return -1;
	/* as the kernel prints it (%*pbl), e.g. "0-4" */
	if (read_file(MPOLT_NODE_DIR "/possible", possible_list,
		      sizeof(possible_list)) <= 0)
		return -1;
	possible_list[strcspn(possible_list, "\n")] = '\0';
	nr_base_mem = 0;
	for (i = 0; i < nr_mem; i++)
		if (mem[i] != hp_node)
			base_mem[nr_base_mem++] = mem[i];
	for (i = 0; i < nr_possible; i++) {
		weight_of[possible[i]] = nt_global_weight(possible[i]);
		if (weight_of[possible[i]] <= 0)
			return -1;
	}
	weight_of[hp_node] = HP_WEIGHT;

	nt_cg_self(self_cg, sizeof(self_cg));
	snprintf(top, sizeof(top), MPOLT_CGROOT "/mpol_hotplug.%d", getpid());
	if (nt_cg_mkdir(top) ||
	    nt_cg_set(top, "cgroup.subtree_control", "+cpuset +memory +mpol"))
		return -1;
	snprintf(cg_policy[CG_ALL], sizeof(cg_policy[0]), "weighted-interleave");
	snprintf(cg_policy[CG_LIST], sizeof(cg_policy[0]),
		 "weighted-interleave:%s", possible_list);
	snprintf(cg_policy[CG_ONLY], sizeof(cg_policy[0]),
		 "weighted-interleave:%d", hp_node);
	snprintf(buf, sizeof(buf), "%d %d", hp_node, HP_WEIGHT);
	for (c = 0; c < NR_CGS; c++) {
		snprintf(cg_path[c], sizeof(cg_path[c]), "%s/%s", top,
			 cg_name[c]);
		if (nt_cg_mkdir(cg_path[c]) ||
		    nt_cg_set(cg_path[c], "mpol.policy", cg_policy[c]) ||
		    nt_cg_set(cg_path[c], "mpol.weights", buf))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int cycles = argc > 2 ? atoi(argv[2]) : 3, done = 0, i, ret = 0;
	double start, secs = argc > 3 ? atof(argv[3]) : 0;

	tap_init();
	nr_possible = nt_list_nodes(MPOLT_NODE_DIR "/possible", possible);
	hp_node = argc > 1 ? atoi(argv[1]) : pick_node();
	if (hp_node < 0 || nt_blocks_find(&blk, hp_node) <= 0) {
		tap(false, "node %d is possible and has hot-added memory blocks (offline)",
		    hp_node);
		return tap_done();
	}
	diag("hotplug node %d: %d memory blocks, first memory%d", hp_node,
	     blk.nr, blk.id[0]);
	{
		bool all_offline = true;

		for (i = 0; i < blk.nr; i++)
			all_offline &= nt_block_state_is(blk.id[i], "offline");
		tap(all_offline, "the memory blocks of node %d start offline",
		    hp_node);
		/* go on from a known state anyway */
		if (!all_offline && nt_blocks_set(&blk, "offline", "offline", NULL))
			return tap_done();
	}
	if (!tap(!setup(), "setup: cgroups %s/{all,list,only}, weight %d for node %d",
		   top, HP_WEIGHT, hp_node))
		goto out;

	start = nt_now();
	if (offline_phase("before the first online")) {
		for (i = 1; i <= cycles || nt_now() - start < secs; i++) {
			tap_quiet(i > cycles);
			ret = cycle(i);
			if (ret)
				break;
			done++;
		}
	}
	tap_quiet(false);
	tap(done >= cycles && !ret, "%d hotplug cycles completed in %.1f s (%ld more checks passed quietly)",
	    done, nt_now() - start, tap_quiet_passed());
	diag("hotplug cycles: %d", done);
out:
	nt_cg_enter(self_cg);
	/* leave the node as the VM booted it, whatever failed */
	nt_blocks_set(&blk, "offline", "offline", NULL);
	nt_cg_rmtree(top);
	return tap_done();
}
