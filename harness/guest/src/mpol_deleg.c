// SPDX-License-Identifier: GPL-2.0
/*
 * mpol and cgroup v2 delegation (Documentation/admin-guide/cgroup-v2.rst,
 * "Delegation"), with and without the nsdelegate mount option.
 *
 * mpol files carry no CFTYPE_NS_DELEGATABLE flag and the default mode
 * 0644, so the cgroup core's rules apply to them unchanged:
 *
 * - A user given a subtree (the directory and its cgroup.procs,
 *   cgroup.threads and cgroup.subtree_control chowned to it) creates
 *   children, whose files it owns, enables mpol for them and sets their
 *   policies and weights, which take effect for its tasks.
 * - The mpol files of the delegated cgroup itself, of its parent and of
 *   siblings stay root's: opening them for writing fails with EACCES.
 * - Moving a task needs write access to cgroup.procs of the common
 *   ancestor of source and destination, so the user cannot move its task
 *   out of the subtree, even into another subtree delegated to it.
 * - With nsdelegate, a cgroup namespace is a delegation boundary: a write
 *   to a non-delegatable file of the namespace's root cgroup fails with
 *   EPERM even for root, and moving a task to a cgroup outside the
 *   namespace fails with ENOENT.  Without nsdelegate both succeed.
 *
 * Every refused write is checked for its exact errno and for leaving the
 * file as it was.  The users are uids 1000 and 1001 (no passwd entries
 * needed).  The cgroup2 mount is remounted with and without nsdelegate
 * and restored to its options at the start.
 */
#define _GNU_SOURCE

#include <grp.h>
#include <sched.h>
#include <sys/mount.h>

#include "mpolt_node.h"

#define UID		1000
#define UID_OTHER	1001
#define NPAGES		512

static char self_cg[256];
static char mnt_opts[512];	/* the options of the mount at the start */

/* The cgroups of one round */
static char top[256], deleg[300], sib[300], deleg2[300], c1[320], c2[320];
static bool nsdelegate;

/* The options of the cgroup2 mount on MPOLT_CGROOT in /proc/mounts. */
static int mount_opts(char *out, size_t len)
{
	char buf[MPOLT_BUF], *line, *save;

	if (read_file("/proc/mounts", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char dev[64], dir[256], type[64], opts[512];

		if (sscanf(line, "%63s %255s %63s %511s", dev, dir, type,
			   opts) != 4)
			continue;
		if (!strcmp(dir, MPOLT_CGROOT) && !strcmp(type, "cgroup2")) {
			snprintf(out, len, "%s", opts);
			return 0;
		}
	}
	return -1;
}

static bool has_opt(const char *opts, const char *opt)
{
	char buf[512], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", opts);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, opt))
			return true;
	return false;
}

/*
 * Remount with the options of @opts, nsdelegate added or removed.  A
 * legacy remount resets the mount flags and cgroup2 resets every root
 * flag not given, so all of them are passed again.
 */
static int remount(const char *opts, bool ns)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} flags[] = {
		{ "ro", MS_RDONLY }, { "nosuid", MS_NOSUID }, { "nodev", MS_NODEV },
		{ "noexec", MS_NOEXEC }, { "relatime", MS_RELATIME },
		{ "noatime", MS_NOATIME }, { "nodiratime", MS_NODIRATIME },
		{ "strictatime", MS_STRICTATIME }, { "sync", MS_SYNCHRONOUS },
		{ "rw", 0 }, { "seclabel", 0 },
	};
	char buf[512], data[512] = "", *tok, *save;
	unsigned long mflags = MS_REMOUNT;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", opts);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(flags); i++)
			if (!strcmp(tok, flags[i].name))
				break;
		if (i < ARRAY_SIZE(flags)) {
			mflags |= flags[i].flag;
			continue;
		}
		if (!strcmp(tok, "nsdelegate"))
			continue;
		snprintf(data + strlen(data), sizeof(data) - strlen(data), "%s%s",
			 data[0] ? "," : "", tok);
	}
	if (ns)
		snprintf(data + strlen(data), sizeof(data) - strlen(data), "%s%s",
			 data[0] ? "," : "", "nsdelegate");
	if (mount("cgroup2", MPOLT_CGROOT, "cgroup2", mflags, data)) {
		diag("remount %s with \"%s\": %s", MPOLT_CGROOT, data, strerror(errno));
		return -1;
	}
	return 0;
}

static int chown_path(const char *dir, const char *file, uid_t uid)
{
	char path[512];

	nt_path(path, sizeof(path), "%s%s%s", dir, file ? "/" : "", file ? file : "");
	if (!chown(path, uid, uid))
		return 0;
	diag("chown %s: %s", path, strerror(errno));
	return -1;
}

/* Delegate @cg to @uid: the directory and the three delegatable files. */
static int delegate(const char *cg, uid_t uid)
{
	return chown_path(cg, NULL, uid) || chown_path(cg, "cgroup.procs", uid) ||
	       chown_path(cg, "cgroup.threads", uid) ||
	       chown_path(cg, "cgroup.subtree_control", uid);
}

static int drop_to(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -1;
	return 0;
}

/*
 * Try to write @val to @cg/@file; it must fail with @err at @stage and
 * leave the file as it was.
 */
static bool refused(const char *who, const char *cg, const char *file,
		    const char *val, int err, const char *stage)
{
	char path[512], before[MPOLT_BUF], after[MPOLT_BUF];
	const char *got_stage;
	ssize_t lb, la;
	int ret;

	nt_path(path, sizeof(path), "%s/%s", cg, file);
	lb = read_file(path, before, sizeof(before));
	ret = nt_write_stage(path, val, &got_stage);
	la = read_file(path, after, sizeof(after));
	return tap(ret == -err && !strcmp(got_stage, stage) && lb >= 0 &&
		   la == lb && !strcmp(before, after),
		   "%s: writing \"%s\" to %s/%s: %s at %s (want %s at %s), %s",
		   who, val, cg + strlen(MPOLT_CGROOT), file,
		   ret ? strerror(-ret) : "success", got_stage, strerror(err),
		   stage, lb >= 0 && la == lb && !strcmp(before, after) ?
		   "unchanged" : "CHANGED");
}

/* Write @val to @cg/@file, which must succeed and read back as @back. */
static bool allowed(const char *who, const char *cg, const char *file,
		    const char *val, const char *back)
{
	char path[512];
	int ret;

	nt_path(path, sizeof(path), "%s/%s", cg, file);
	ret = nt_write(path, val);
	if (!ret && back && !nt_file_is(path, back))
		ret = -EIO;
	return tap(!ret, "%s: writing \"%s\" to %s/%s: %s", who, val,
		   cg + strlen(MPOLT_CGROOT), file, ret ? strerror(-ret) : "ok");
}

/* Is the calling process in @cg (a path under MPOLT_CGROOT)? */
static bool in_cgroup(const char *cg)
{
	char cur[256];

	nt_cg_self(cur, sizeof(cur));
	return !strcmp(cur, cg);
}

/*
 * Is @pid in @cg's cgroup.procs?  Works inside a cgroup namespace, where
 * /proc/self/cgroup is relative to the namespace root.
 */
static bool has_pid(const char *cg, pid_t pid)
{
	char path[512], buf[MPOLT_BUF], *tok, *save;

	if (read_file(nt_path(path, sizeof(path), "%s/cgroup.procs", cg), buf,
		      sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
		if (atoi(tok) == pid)
			return true;
	return false;
}

/* Fault pages and check each is where weighted interleave/bind puts it. */
static bool placed(const char *what, int nr, const int *nodes, const int *weights)
{
	char *p = nt_map(NPAGES);
	long bad;

	if (!p)
		return tap(false, "%s: mmap", what);
	nt_touch(p, NPAGES);
	bad = nt_check_wi(what, p, NPAGES, nr, nodes, weights);
	munmap(p, NPAGES * pagesize());
	return tap(!bad, "%s: %d pages placed by the policy the delegatee wrote (%ld misplaced)",
		   what, NPAGES, bad);
}

static bool owned_by(const char *cg, const char *file, uid_t uid)
{
	char path[512];
	struct stat st;

	nt_path(path, sizeof(path), "%s/%s", cg, file);
	return !stat(path, &st) && st.st_uid == uid;
}

/* The delegatee: uid UID, starting in the delegated cgroup. */
static int delegatee(void *arg)
{
	const char *who = "delegatee";
	int one = 1, n0[2] = { 0, 1 }, w0[2] = { 3, 0 }, n2 = 2, n3 = 3;
	char buf[64];

	(void)arg;
	if (nt_cg_enter(deleg) || drop_to(UID))
		return tap(false, "%s: enter %s and become uid %d", who, deleg, UID) ? 0 : 1;
	tap(geteuid() == UID && nt_status_field("/proc/self/status", "CapEff", buf,
						sizeof(buf)) && !strtoull(buf, NULL, 16),
	    "%s: uid %d, no capabilities (CapEff %s)", who, geteuid(), buf);

	/* what the delegation allows */
	tap(!mkdir(c1, 0755) && !mkdir(c2, 0755), "%s: mkdir %s, %s", who,
	    c1 + strlen(MPOLT_CGROOT), c2 + strlen(MPOLT_CGROOT));
	allowed(who, c1, "cgroup.procs", "0", NULL);
	tap(in_cgroup(c1), "%s: moved itself into its child c1", who);
	allowed(who, deleg, "cgroup.subtree_control", "+mpol", NULL);
	tap(owned_by(c1, "mpol.policy", UID) && owned_by(c2, "mpol.weights", UID),
	    "%s: the mpol files of its children are its own", who);
	allowed(who, c1, "mpol.policy", "bind:2", "bind:2\n");
	tap(nt_cg_is(c1, "mpol.policy.effective", "bind:2\n"), "%s: c1 effective bind:2",
	    who);
	placed("delegatee in c1 bind:2", 1, &n2, &one);
	allowed(who, c2, "mpol.policy", "weighted-interleave:0-1",
		"weighted-interleave:0-1\n");
	allowed(who, c2, "mpol.weights", "0 3", "0 3\n");
	allowed(who, c2, "cgroup.procs", "0", NULL);
	tap(in_cgroup(c2), "%s: moved itself from c1 to c2", who);
	w0[1] = nt_global_weight(1);
	placed("delegatee in c2 weighted-interleave:0-1, 0 3", 2, n0, w0);
	allowed(who, c1, "mpol.policy", "preferred:3", "preferred:3\n");
	allowed(who, c1, "cgroup.procs", "0", NULL);
	placed("delegatee in c1 preferred:3", 1, &n3, &one);

	/* what it does not */
	refused(who, deleg, "mpol.policy", "bind:0", EACCES, "open");
	refused(who, deleg, "mpol.weights", "0 7", EACCES, "open");
	refused(who, top, "mpol.policy", "bind:0", EACCES, "open");
	refused(who, top, "mpol.weights", "0 7", EACCES, "open");
	refused(who, top, "cgroup.subtree_control", "-mpol", EACCES, "open");
	refused(who, sib, "mpol.policy", "bind:0", EACCES, "open");
	refused(who, sib, "mpol.weights", "0 7", EACCES, "open");
	refused(who, deleg2, "mpol.policy", "bind:0", EACCES, "open");
	/* its task stays inside: the common ancestor's cgroup.procs is root's */
	refused(who, top, "cgroup.procs", "0", EACCES, "open");
	refused(who, sib, "cgroup.procs", "0", EACCES, "open");
	refused(who, deleg2, "cgroup.procs", "0", EACCES, "write");
	tap(in_cgroup(c1), "%s: still in c1 after the refused moves", who);
	return 0;
}

/* Another unprivileged user: nothing of the delegation is its. */
static int stranger(void *arg)
{
	const char *who = "uid 1001";

	(void)arg;
	if (drop_to(UID_OTHER))
		return tap(false, "%s: setresuid", who) ? 0 : 1;
	refused(who, c1, "mpol.policy", "bind:0", EACCES, "open");
	refused(who, c1, "mpol.weights", "0 7", EACCES, "open");
	refused(who, deleg, "mpol.policy", "bind:0", EACCES, "open");
	refused(who, c1, "cgroup.procs", "0", EACCES, "open");
	return 0;
}

/*
 * Root in a cgroup namespace rooted at the delegated cgroup: nsdelegate
 * makes the namespace root's own files off limits (EPERM, at write: the
 * file permissions allow root), but not its descendants' files.
 */
static int ns_root(void *arg)
{
	const char *who = nsdelegate ? "root in cgroupns, nsdelegate" :
				       "root in cgroupns, no nsdelegate";
	char pol[MPOLT_BUF], wts[MPOLT_BUF];

	(void)arg;
	if (nt_cg_enter(deleg) || unshare(CLONE_NEWCGROUP))
		return tap(false, "%s: enter %s, unshare(CLONE_NEWCGROUP): %s", who,
			   deleg, strerror(errno)) ? 0 : 1;
	tap(nt_file_is("/proc/self/cgroup", "0::/\n"),
	    "%s: the delegated cgroup is the namespace root", who);
	if (nsdelegate) {
		refused(who, deleg, "mpol.policy", "bind:0", EPERM, "write");
		refused(who, deleg, "mpol.weights", "0 7", EPERM, "write");
	} else {
		read_file(nt_path(pol, sizeof(pol), "%s/mpol.policy", deleg), pol,
			  sizeof(pol));
		read_file(nt_path(wts, sizeof(wts), "%s/mpol.weights", deleg), wts,
			  sizeof(wts));
		allowed(who, deleg, "mpol.policy", "bind:0", "bind:0\n");
		allowed(who, deleg, "mpol.weights", "0 7", "0 7\n");
		/* as the parent set it: the next round starts alike */
		pol[strcspn(pol, "\n")] = '\0';
		allowed(who, deleg, "mpol.policy", pol, NULL);
		allowed(who, deleg, "mpol.weights", "0 default", wts);
	}
	allowed(who, c2, "mpol.policy", "bind:3", "bind:3\n");
	allowed(who, c2, "mpol.weights", "1 5", "0 3\n1 5\n");
	/* the namespace root's delegatable files stay writable */
	allowed(who, deleg, "cgroup.subtree_control", "+mpol", "mpol\n");
	/*
	 * (No move inside the namespace: with a task and a threaded
	 * controller the delegated cgroup is a thread root, so its domain
	 * children refuse tasks with EOPNOTSUPP, with or without mpol.)
	 */
	if (nsdelegate) {
		refused(who, sib, "cgroup.procs", "0", ENOENT, "write");
		tap(has_pid(deleg, getpid()),
		    "%s: still in the namespace root after the refused move", who);
	} else {
		allowed(who, sib, "cgroup.procs", "0", NULL);
		tap(has_pid(sib, getpid()), "%s: moved out of the namespace into %s",
		    who, sib + strlen(MPOLT_CGROOT));
	}
	return 0;
}

static int round_setup(int round)
{
	snprintf(top, sizeof(top), MPOLT_CGROOT "/mpol_deleg.%d.%d", getpid(), round);
	snprintf(deleg, sizeof(deleg), "%s/deleg", top);
	snprintf(sib, sizeof(sib), "%s/sibling", top);
	snprintf(deleg2, sizeof(deleg2), "%s/deleg2", top);
	snprintf(c1, sizeof(c1), "%s/c1", deleg);
	snprintf(c2, sizeof(c2), "%s/c2", deleg);
	if (nt_cg_mkdir(top) || nt_cg_set(top, "cgroup.subtree_control", "+mpol") ||
	    nt_cg_set(top, "mpol.policy", "preferred:0") ||
	    nt_cg_mkdir(deleg) || nt_cg_mkdir(sib) || nt_cg_mkdir(deleg2))
		return -1;
	/* the delegated cgroup's own policy is its parent's decision */
	if (nt_cg_set(deleg, "mpol.policy", "interleave:0-1") ||
	    nt_cg_set(sib, "mpol.policy", "bind:1") ||
	    nt_cg_set(sib, "mpol.weights", "1 4"))
		return -1;
	return delegate(deleg, UID) || delegate(deleg2, UID) ? -1 : 0;
}

static void round_run(int round, bool ns)
{
	char opts[512];
	double start = nt_now();
	int ret;

	nsdelegate = ns;
	if (!tap(!remount(mnt_opts, ns) && !mount_opts(opts, sizeof(opts)) &&
		   has_opt(opts, "nsdelegate") == ns,
		   "round %d: cgroup2 mounted %s nsdelegate (%s)", round,
		   ns ? "with" : "without", opts))
		return;
	if (!tap(!round_setup(round), "round %d: %s delegated to uid %d", round,
		   deleg + strlen(MPOLT_CGROOT), UID))
		goto out;
	ret = nt_run_child(delegatee, NULL);
	tap(!ret, "round %d: delegatee exited normally (%d)", round, ret);
	ret = nt_run_child(stranger, NULL);
	tap(!ret, "round %d: uid %d exited normally (%d)", round, UID_OTHER, ret);
	ret = nt_run_child(ns_root, NULL);
	tap(!ret, "round %d: namespace child exited normally (%d)", round, ret);
	diag("round %d: %.1f s", round, nt_now() - start);
out:
	nt_cg_rmtree(top);
}

int main(void)
{
	char opts[512];
	bool booted;
	int i;

	tap_init();
	nt_cg_self(self_cg, sizeof(self_cg));
	if (geteuid() || mount_opts(mnt_opts, sizeof(mnt_opts))) {
		diag("needs root and cgroup2 on %s", MPOLT_CGROOT);
		return 4;
	}
	/* the policies the delegatee writes name nodes 0 to 3 */
	for (i = 0; i < 4; i++) {
		if (nt_list_has(MPOLT_NODE_DIR "/has_memory", i) != 1) {
			diag("needs memory nodes 0-3");
			return 4;
		}
	}
	diag("cgroup2 mount options at start: %s", mnt_opts);
	booted = has_opt(mnt_opts, "nsdelegate");
	/* the mount as it is first, then the other way */
	round_run(1, booted);
	round_run(2, !booted);
	tap(!remount(mnt_opts, booted) && !mount_opts(opts, sizeof(opts)) &&
	    !strcmp(opts, mnt_opts), "cgroup2 mount options restored: %s", opts);
	return tap_done();
}
