// SPDX-License-Identifier: GPL-2.0
/*
 * Memory policy controller
 *
 * Gives every cgroup a NUMA memory policy (a mode and a node set) and its
 * own weighted-interleave weights.  A task without a policy of its own
 * (set_mempolicy(2)) allocates by its cgroup's effective policy, and every
 * weighted-interleave allocation of a member task uses the cgroup's
 * effective weights, whether the policy came from the cgroup or from the
 * task.  VMA policies (mbind(2)) still come first.
 *
 * The effective values follow the hierarchy the way a task policy follows
 * fork: a cgroup whose mpol.policy is "inherit" uses its parent's effective
 * policy, and a node without an override in mpol.weights uses the parent's
 * effective weight; at the root, the policy is the system default ("local")
 * and the weights are those of /sys/kernel/mm/mempolicy/weighted_interleave.
 * This controller never restricts nodes: the nodes are intersected with the
 * task's cpuset mems_allowed at allocation time.
 *
 * The effective values are computed when a file is written, by a pre-order
 * walk of the descendants, and published under RCU.  The allocator looks
 * them up through the task's css, so a write changes every member at once
 * without visiting the tasks, and the lookup does not depend on depth.
 */

#include <linux/cgroup.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/mempolicy.h>
#include <linux/mmdebug.h>
#include <linux/mpol_cgroup.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#define MPOLCG_WEIGHT_MAX	255

/* Fallbacks notify mpol.events at most this often. */
#define MPOLCG_NOTIFY_INTERVAL	(HZ / 10)

enum mpolcg_event {
	MPOLCG_EVENT_FALLBACK,	/* no node of an explicit list was allowed */
	NR_MPOLCG_EVENTS,
};

static const char * const mpolcg_event_names[NR_MPOLCG_EVENTS] = {
	[MPOLCG_EVENT_FALLBACK] = "fallback",
};

/* Per-cpu event counts of one cgroup, bumped on the allocation path. */
struct mpolcg_events {
	u64 ev[NR_MPOLCG_EVENTS];
};

/**
 * struct mpolcg_eff - The effective state of a cgroup, read under RCU.
 * @rcu: frees the object one grace period after it was replaced
 * @pol: effective policy (one reference), %NULL for the system default
 * @has_weights: some entry of @weights is set
 * @weights: effective weight per node, 0 where the global weight applies
 *
 * Published objects are never changed: a change publishes a new one.
 */
struct mpolcg_eff {
	struct rcu_head rcu;
	struct mempolicy *pol;
	bool has_weights;
	u8 weights[];
};

/**
 * struct mpol_cgroup - The mpol state of a cgroup.
 * @css: the cgroup subsystem state
 * @pol: own policy as written (one reference): %NULL for "inherit", mode
 *	%MPOL_LOCAL for "local"; its w.user_nodemask holds the node list as
 *	written, empty for a mode without a list (mpol_cgroup_alloc())
 * @weights: own weight overrides, nr_node_ids entries, 0 for none
 * @nr_weights: number of nonzero entries in @weights
 * @counted: this cgroup holds a reference on mpolcg_in_use
 * @dead: offline; its counts moved to the parent's @events_dead
 * @eff: the effective state, published under RCU
 * @events: per-cpu event counts of this cgroup's tasks
 * @events_dead: event counts of removed descendants
 * @next_notify: jiffies before which events are not notified again
 * @events_file: handle for mpol.events
 * @events_local_file: handle for mpol.events.local
 *
 * @pol to @dead are protected by mpolcg_mutex; @eff is written under it
 * too.  The allocation path only bumps the per-cpu @events and reads
 * @next_notify, writing it once per notification, so that a misconfigured
 * cgroup does not turn each allocation into a shared write.
 */
struct mpol_cgroup {
	struct cgroup_subsys_state css;
	struct mempolicy *pol;
	u8 *weights;
	unsigned int nr_weights;
	bool counted;
	bool dead;
	struct mpolcg_eff __rcu *eff;
	struct mpolcg_events __percpu *events;
	atomic64_t events_dead[NR_MPOLCG_EVENTS];
	unsigned long next_notify;
	struct cgroup_file events_file;
	struct cgroup_file events_local_file;
};

/*
 * Serializes writers: protects the own settings of every cgroup and the
 * publication of their effective state.  Taken in css_online/css_offline
 * under cgroup_mutex, never the other way round.
 */
static DEFINE_MUTEX(mpolcg_mutex);

/* Enabled while some cgroup has a policy or a weight override. */
DEFINE_STATIC_KEY_FALSE(mpolcg_in_use);

static const struct {
	const char *name;
	unsigned short mode;
} mpolcg_modes[] = {
	{ "local",		 MPOL_LOCAL },
	{ "preferred",		 MPOL_PREFERRED },
	{ "preferred-many",	 MPOL_PREFERRED_MANY },
	{ "bind",		 MPOL_BIND },
	{ "interleave",		 MPOL_INTERLEAVE },
	{ "weighted-interleave", MPOL_WEIGHTED_INTERLEAVE },
};

static struct mpol_cgroup *css_mpolcg(struct cgroup_subsys_state *css)
{
	return css ? container_of(css, struct mpol_cgroup, css) : NULL;
}

static struct mpol_cgroup *parent_mpolcg(struct mpol_cgroup *cg)
{
	return css_mpolcg(cg->css.parent);
}

/* Context: rcu_read_lock() or task_lock(@p) held. */
static struct mpol_cgroup *task_mpolcg(struct task_struct *p)
{
	return css_mpolcg(task_css(p, mpol_cgrp_id));
}

static struct mpolcg_eff *mpolcg_eff_locked(struct mpol_cgroup *cg)
{
	return rcu_dereference_protected(cg->eff,
					 lockdep_is_held(&mpolcg_mutex));
}

static const char *mpolcg_mode_name(unsigned short mode)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(mpolcg_modes); i++)
		if (mpolcg_modes[i].mode == mode)
			return mpolcg_modes[i].name;
	WARN_ON_ONCE(1);
	return "unknown";
}

/**
 * __mpolcg_policy_hold() - Start using current's cgroup policy.
 *
 * Use mpolcg_policy_hold(), which skips this while no cgroup is
 * configured.
 *
 * A caller may sleep and allocate again while it uses the policy (swap-in
 * readahead charges memcg and allocates bios; slab refills, page_owner's
 * stack depot and kmemleak allocate from inside the allocator; direct
 * reclaim runs in it), while a write may replace the cgroup's policy at
 * any time.  So current holds a reference on the policy it allocates by,
 * counts the frames that use it in mpolcg_depth, and takes the cgroup's
 * current policy only when no frame uses the one it has (depth zero): a
 * nested allocation keeps the policy of the allocation it is part of, and
 * an outer frame never sees its policy freed, whatever flags the nested
 * allocation carries.  A policy change costs each member one reference
 * swap at its next top-level allocation; an allocation that finds nothing
 * changed costs the RCU lookup and two task-local counter updates.
 *
 * Context: Task context (not interrupt), any locks.  Every call that
 * returns a policy must be paired with mpolcg_policy_release(), which
 * mpol_cond_put() does for cgroup policies.
 * Return: the policy, valid until the matching release, or %NULL for the
 * system default (nothing to release).
 */
struct mempolicy *__mpolcg_policy_hold(void)
{
	struct mempolicy *pol, *old = NULL;
	struct mpolcg_eff *eff;

	VM_WARN_ON_ONCE(!in_task());
	if (!current->mpolcg_depth) {
		rcu_read_lock();
		eff = rcu_dereference(task_mpolcg(current)->eff);
		pol = eff ? eff->pol : NULL;
		if (unlikely(pol != current->mpolcg_policy)) {
			/* eff holds a reference until a grace period ends */
			if (pol)
				mpol_get(pol);
			old = current->mpolcg_policy;
			current->mpolcg_policy = pol;
		}
		rcu_read_unlock();
		/* no frame of current uses @old: the depth is zero */
		mpol_put(old);
	}
	pol = current->mpolcg_policy;
	if (pol)
		current->mpolcg_depth++;
	return pol;
}

/**
 * mpolcg_policy_release() - End a use of current's cgroup policy.
 *
 * Pairs with a mpolcg_policy_hold() that returned a policy.  Not behind
 * the static key: the key may have been turned off since the hold.
 *
 * Context: Task context, any locks.
 */
void mpolcg_policy_release(void)
{
	VM_WARN_ON_ONCE(!current->mpolcg_depth);
	if (likely(current->mpolcg_depth))
		current->mpolcg_depth--;
}

/**
 * __mpolcg_task_policy_peek() - Look at the cgroup policy of a task.
 * @p: the task
 *
 * Use mpolcg_task_policy_peek(), which skips this while no cgroup is
 * configured.  For node choices that allocate nothing while they use the
 * policy (slab node, hugetlb node masks, OOM domain, numa_maps).
 *
 * Context: rcu_read_lock() or task_lock(@p) held: a replaced policy is
 * put a grace period after it was unpublished.
 * Return: the effective policy of @p's cgroup, %NULL for the system
 * default.
 */
struct mempolicy *__mpolcg_task_policy_peek(struct task_struct *p)
{
	struct mpolcg_eff *eff;
	struct mempolicy *pol;

	rcu_read_lock();
	eff = rcu_dereference(task_mpolcg(p)->eff);
	pol = eff ? eff->pol : NULL;
	rcu_read_unlock();
	return pol;
}

/**
 * mpolcg_task_free() - Drop the policy reference of a dead task.
 * @p: the task, freed by __put_task_struct()
 *
 * Context: Any context but NMI.
 */
void mpolcg_task_free(struct task_struct *p)
{
	/* a hold that was never released: a caller without mpol_cond_put() */
	VM_WARN_ON_ONCE(p->mpolcg_depth);
	mpol_put(p->mpolcg_policy);
	p->mpolcg_policy = NULL;
}

/**
 * __mpolcg_il_weights() - The interleave weights of current's cgroup.
 *
 * Use mpolcg_il_weights(), which skips this while no cgroup is configured.
 *
 * Context: rcu_read_lock() held; the table is valid until it is dropped.
 * Return: nr_node_ids weights, 0 where the global weight applies, or %NULL
 * if current's cgroup has no effective override.
 */
const u8 *__mpolcg_il_weights(void)
{
	struct mpolcg_eff *eff = rcu_dereference(task_mpolcg(current)->eff);

	return eff && eff->has_weights ? eff->weights : NULL;
}

/**
 * mpolcg_count_fallback() - Count an allocation whose policy nodes were
 * all outside the task's allowed nodes.
 *
 * The allocation used the allowed nodes instead.  Counted in current's
 * cgroup: mpol.events.local shows its count, mpol.events of it and of each
 * ancestor below the root the sum over the subtree.
 *
 * Context: Process context, any locks.
 */
void mpolcg_count_fallback(void)
{
	struct mpol_cgroup *cg, *p;
	unsigned long now = jiffies;

	rcu_read_lock();
	cg = task_mpolcg(current);
	this_cpu_inc(cg->events->ev[MPOLCG_EVENT_FALLBACK]);
	if (time_after_eq(now, READ_ONCE(cg->next_notify))) {
		WRITE_ONCE(cg->next_notify, now + MPOLCG_NOTIFY_INTERVAL);
		cgroup_file_notify(&cg->events_local_file);
		for (p = cg; parent_mpolcg(p); p = parent_mpolcg(p))
			cgroup_file_notify(&p->events_file);
	}
	rcu_read_unlock();
}

static struct mpolcg_eff *mpolcg_eff_alloc(void)
{
	struct mpolcg_eff *eff;

	return kzalloc(struct_size(eff, weights, nr_node_ids), GFP_KERNEL);
}

static void mpolcg_eff_free_rcu(struct rcu_head *rcu)
{
	struct mpolcg_eff *eff = container_of(rcu, struct mpolcg_eff, rcu);

	mpol_put(eff->pol);
	kfree(eff);
}

/* Fill @eff for @cg from its own settings and its parent's @peff. */
static void mpolcg_eff_fill(struct mpolcg_eff *eff, struct mpol_cgroup *cg,
			    const struct mpolcg_eff *peff)
{
	int nid;

	if (cg->pol)
		/* "local" is the system default, not a policy object */
		eff->pol = cg->pol->mode == MPOL_LOCAL ? NULL : cg->pol;
	else
		eff->pol = peff ? peff->pol : NULL;
	eff->has_weights = false;
	for (nid = 0; nid < nr_node_ids; nid++) {
		eff->weights[nid] = cg->weights[nid];
		if (!eff->weights[nid] && peff)
			eff->weights[nid] = peff->weights[nid];
		if (eff->weights[nid])
			eff->has_weights = true;
	}
}

static bool mpolcg_eff_equal(const struct mpolcg_eff *a,
			     const struct mpolcg_eff *b)
{
	return a->pol == b->pol && !memcmp(a->weights, b->weights, nr_node_ids);
}

static void mpolcg_eff_publish(struct mpol_cgroup *cg, struct mpolcg_eff *eff)
{
	struct mpolcg_eff *old = mpolcg_eff_locked(cg);

	if (eff->pol)
		mpol_get(eff->pol);
	rcu_assign_pointer(cg->eff, eff);
	if (old)
		call_rcu(&old->rcu, mpolcg_eff_free_rcu);
}

/*
 * Effective objects for every cgroup an update may visit, allocated before
 * anything changes so that an update either fails whole or completes.
 */
struct mpolcg_spares {
	unsigned int nr;
	unsigned int used;
	struct mpolcg_eff **effs;
};

static void mpolcg_spares_free(struct mpolcg_spares *sp)
{
	unsigned int i;

	for (i = sp->used; i < sp->nr; i++)
		kfree(sp->effs[i]);
	kfree(sp->effs);
}

/*
 * Allocate one effective object per cgroup in @cg's subtree.  Holding
 * mpolcg_mutex keeps new cgroups from coming online meanwhile.
 */
static int mpolcg_spares_alloc(struct mpol_cgroup *cg,
			       struct mpolcg_spares *sp)
{
	struct cgroup_subsys_state *pos;
	unsigned int n = 0;

	lockdep_assert_held(&mpolcg_mutex);

	rcu_read_lock();
	css_for_each_descendant_pre(pos, &cg->css)
		n++;
	rcu_read_unlock();

	sp->used = 0;
	sp->nr = 0;
	sp->effs = kcalloc(n, sizeof(*sp->effs), GFP_KERNEL);
	if (!sp->effs)
		return -ENOMEM;
	for (sp->nr = 0; sp->nr < n; sp->nr++) {
		sp->effs[sp->nr] = mpolcg_eff_alloc();
		if (!sp->effs[sp->nr]) {
			mpolcg_spares_free(sp);
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * Recompute the effective state of @cg and its descendants after @cg's own
 * settings changed.  Like cpuset's update_nodemasks_hier(), the pre-order
 * walk visits each parent before its children and skips the subtrees whose
 * effective state did not change.  Nothing here sleeps.
 */
static void mpolcg_propagate(struct mpol_cgroup *cg, struct mpolcg_spares *sp)
{
	struct cgroup_subsys_state *pos;

	lockdep_assert_held(&mpolcg_mutex);

	rcu_read_lock();
	css_for_each_descendant_pre(pos, &cg->css) {
		struct mpol_cgroup *c = css_mpolcg(pos);
		struct mpol_cgroup *parent = parent_mpolcg(c);
		struct mpolcg_eff *old = mpolcg_eff_locked(c);
		struct mpolcg_eff *eff;

		/* not online yet: css_online() copies the parent's state */
		if (!old)
			continue;
		if (WARN_ON_ONCE(sp->used >= sp->nr))
			break;
		eff = sp->effs[sp->used];
		mpolcg_eff_fill(eff, c, parent ? mpolcg_eff_locked(parent) :
					      NULL);
		if (mpolcg_eff_equal(eff, old)) {
			pos = css_rightmost_descendant(pos);
			continue;
		}
		sp->used++;
		mpolcg_eff_publish(c, eff);
	}
	rcu_read_unlock();
}

/* Take or drop @cg's reference on mpolcg_in_use to match its settings. */
static void mpolcg_update_in_use(struct mpol_cgroup *cg)
{
	bool configured = cg->pol || cg->nr_weights;

	lockdep_assert_held(&mpolcg_mutex);

	if (configured == cg->counted)
		return;
	cg->counted = configured;
	if (configured)
		static_branch_inc(&mpolcg_in_use);
	else
		static_branch_dec(&mpolcg_in_use);
}

/* "inherit" for %NULL, else "MODE" or "MODE:NODELIST" as written */
static void mpolcg_print_policy(struct seq_file *sf,
				const struct mempolicy *pol)
{
	if (!pol)
		seq_puts(sf, "inherit\n");
	else if (nodes_empty(pol->w.user_nodemask))
		seq_printf(sf, "%s\n", mpolcg_mode_name(pol->mode));
	else
		seq_printf(sf, "%s:%*pbl\n", mpolcg_mode_name(pol->mode),
			   nodemask_pr_args(&pol->w.user_nodemask));
}

static int mpolcg_policy_show(struct seq_file *sf, void *v)
{
	struct mpol_cgroup *cg = css_mpolcg(seq_css(sf));

	mutex_lock(&mpolcg_mutex);
	mpolcg_print_policy(sf, cg->pol);
	mutex_unlock(&mpolcg_mutex);
	return 0;
}

static int mpolcg_policy_effective_show(struct seq_file *sf, void *v)
{
	struct mpol_cgroup *cg = css_mpolcg(seq_css(sf));
	struct mpolcg_eff *eff;

	rcu_read_lock();
	eff = rcu_dereference(cg->eff);
	if (eff && eff->pol)
		mpolcg_print_policy(sf, eff->pol);
	else
		seq_puts(sf, "local\n");
	rcu_read_unlock();
	return 0;
}

/* White space as strstrip() sees it, which includes 0xa0 */
static bool mpolcg_has_space(const char *s)
{
	for (; *s; s++)
		if (isspace(*s))
			return true;
	return false;
}

/*
 * Parse "inherit", "local", "MODE" or "MODE:NODELIST" from @buf, which the
 * caller stripped, into *@pol (%NULL for "inherit").  Nodes must be
 * possible nodes; "preferred" takes exactly one.
 */
static int mpolcg_parse_policy(char *buf, struct mempolicy **pol)
{
	char *list = strchr(buf, ':');
	unsigned short mode;
	nodemask_t nodes;
	int i, ret;

	*pol = NULL;
	if (list)
		*list++ = '\0';
	if (!strcmp(buf, "inherit"))
		return list ? -EINVAL : 0;

	for (i = 0; i < ARRAY_SIZE(mpolcg_modes); i++)
		if (!strcmp(buf, mpolcg_modes[i].name))
			break;
	if (i == ARRAY_SIZE(mpolcg_modes))
		return -EINVAL;
	mode = mpolcg_modes[i].mode;

	if (!list) {
		/* "preferred" names one node: there is no "every node" */
		if (mode == MPOL_PREFERRED)
			return -EINVAL;
	} else {
		if (mode == MPOL_LOCAL)
			return -EINVAL;
		ret = nodelist_parse(list, nodes);
		/* a number past MAX_NUMNODES, or past any integer */
		if (ret == -ERANGE || ret == -EOVERFLOW)
			return -ENODEV;
		if (ret)
			return ret;
		if (nodes_empty(nodes))
			return -EINVAL;
		if (!nodes_subset(nodes, node_possible_map))
			return -ENODEV;
		if (mode == MPOL_PREFERRED && nodes_weight(nodes) != 1)
			return -EINVAL;
	}

	*pol = mpol_cgroup_alloc(mode, list ? &nodes : NULL);
	return *pol ? 0 : -ENOMEM;
}

/*
 * Change @cg's own settings through @apply, which cannot fail, and publish
 * the new effective state of its subtree: lock, preallocate, apply,
 * propagate, update the static key, unlock.  Either everything changes or
 * nothing does.
 */
static int mpolcg_update(struct mpol_cgroup *cg,
			 void (*apply)(struct mpol_cgroup *cg, void *arg),
			 void *arg)
{
	struct mpolcg_spares sp;
	int ret;

	mutex_lock(&mpolcg_mutex);
	ret = mpolcg_spares_alloc(cg, &sp);
	if (ret)
		goto unlock;
	apply(cg, arg);
	mpolcg_propagate(cg, &sp);
	mpolcg_update_in_use(cg);
	mpolcg_spares_free(&sp);
unlock:
	mutex_unlock(&mpolcg_mutex);
	return ret;
}

/* Install the policy @arg (%NULL: inherit), putting the old one. */
static void mpolcg_apply_policy(struct mpol_cgroup *cg, void *arg)
{
	/* published effective states hold their own references */
	mpol_put(cg->pol);
	cg->pol = arg;
}

static ssize_t mpolcg_policy_write(struct kernfs_open_file *of, char *buf,
				   size_t nbytes, loff_t off)
{
	struct mpol_cgroup *cg = css_mpolcg(of_css(of));
	struct mempolicy *pol;
	int ret;

	if (memchr(buf, '\0', nbytes))
		return -EINVAL;
	buf = strstrip(buf);
	/* one value: no white space inside it, by strstrip()'s isspace() */
	if (mpolcg_has_space(buf))
		return -EINVAL;
	ret = mpolcg_parse_policy(buf, &pol);
	if (ret)
		return ret;
	ret = mpolcg_update(cg, mpolcg_apply_policy, pol);
	if (ret)
		mpol_put(pol);
	return ret ?: nbytes;
}

static int mpolcg_weights_show(struct seq_file *sf, void *v)
{
	struct mpol_cgroup *cg = css_mpolcg(seq_css(sf));
	int nid;

	mutex_lock(&mpolcg_mutex);
	for (nid = 0; nid < nr_node_ids; nid++)
		if (cg->weights[nid])
			seq_printf(sf, "%d %u\n", nid, cg->weights[nid]);
	mutex_unlock(&mpolcg_mutex);
	return 0;
}

static int mpolcg_weights_effective_show(struct seq_file *sf, void *v)
{
	struct mpol_cgroup *cg = css_mpolcg(seq_css(sf));
	struct mpolcg_eff *eff;
	int nid;

	rcu_read_lock();
	eff = rcu_dereference(cg->eff);
	for_each_node(nid) {
		u8 weight = eff ? eff->weights[nid] : 0;

		if (!weight)
			weight = mpol_global_il_weight(nid);
		seq_printf(sf, "%d %u\n", nid, weight);
	}
	rcu_read_unlock();
	return 0;
}

/*
 * Parse one line, "NODE WEIGHT" or "NODE default", which the caller
 * stripped and found nonempty.  A weight of 0 stands for "default".
 */
static int mpolcg_parse_weight(char *buf, int *nid, u8 *weight)
{
	char *node_str = strsep(&buf, " \t");
	unsigned int node;
	int ret, w;

	if (!buf)
		return -EINVAL;
	/* only blanks separate the two tokens of a line */
	buf += strspn(buf, " \t");
	if (!*buf || mpolcg_has_space(buf))
		return -EINVAL;

	ret = kstrtouint(node_str, 10, &node);
	/* a number past any integer is no possible node either */
	if (ret == -ERANGE)
		return -ENODEV;
	if (ret)
		return -EINVAL;
	if (node >= nr_node_ids || !node_possible(node))
		return -ENODEV;
	*nid = node;

	if (!strcmp(buf, "default")) {
		*weight = 0;
		return 0;
	}
	ret = kstrtoint(buf, 10, &w);
	if (ret)
		return ret == -ERANGE ? -ERANGE : -EINVAL;
	if (w < 1 || w > MPOLCG_WEIGHT_MAX)
		return -ERANGE;
	*weight = w;
	return 0;
}

/*
 * Parse every line of @buf into @upd (indexed by node, -1 = not named).
 * Runtimes write a multi-line value (OCI linux.resources.unified) either
 * in one write(), as crun 1.8 does, or line by line.  Both must give the
 * same result, so a write may carry several lines; a node named twice is
 * ambiguous and refused.  Returns the number of lines that name a node.
 */
static int mpolcg_parse_weights(char *buf, s16 *upd)
{
	char *line;
	int n = 0, nid, ret;
	u8 weight;

	while ((line = strsep(&buf, "\n"))) {
		line = strstrip(line);
		/* blank lines, as from a value ending in a newline */
		if (!*line)
			continue;
		ret = mpolcg_parse_weight(line, &nid, &weight);
		if (ret)
			return ret;
		if (upd[nid] >= 0)
			return -EINVAL;
		upd[nid] = weight;
		n++;
	}
	return n;
}

/* Apply the parsed lines @arg (s16 per node, -1: not named). */
static void mpolcg_apply_weights(struct mpol_cgroup *cg, void *arg)
{
	const s16 *upd = arg;
	int nid;

	for (nid = 0; nid < nr_node_ids; nid++) {
		if (upd[nid] < 0)
			continue;
		if (!cg->weights[nid] && upd[nid])
			cg->nr_weights++;
		else if (cg->weights[nid] && !upd[nid])
			cg->nr_weights--;
		cg->weights[nid] = upd[nid];
	}
}

static ssize_t mpolcg_weights_write(struct kernfs_open_file *of, char *buf,
				    size_t nbytes, loff_t off)
{
	struct mpol_cgroup *cg = css_mpolcg(of_css(of));
	s16 *upd;
	int nid, ret;

	if (memchr(buf, '\0', nbytes))
		return -EINVAL;
	upd = kmalloc_array(nr_node_ids, sizeof(*upd), GFP_KERNEL);
	if (!upd)
		return -ENOMEM;
	for (nid = 0; nid < nr_node_ids; nid++)
		upd[nid] = -1;
	/* every line is checked before any is applied: all or nothing */
	ret = mpolcg_parse_weights(buf, upd);
	if (ret <= 0)
		goto out;
	ret = mpolcg_update(cg, mpolcg_apply_weights, upd);
out:
	kfree(upd);
	return ret < 0 ? ret : nbytes;
}

static u64 mpolcg_events_read(struct mpol_cgroup *cg, int ev)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(cg->events, cpu)->ev[ev];
	return sum;
}

/* The counts of @cg's subtree, removed descendants included. */
static u64 mpolcg_events_read_hier(struct mpol_cgroup *cg, int ev)
{
	struct cgroup_subsys_state *pos;
	u64 sum = 0;

	lockdep_assert_held(&mpolcg_mutex);

	rcu_read_lock();
	css_for_each_descendant_pre(pos, &cg->css) {
		struct mpol_cgroup *c = css_mpolcg(pos);

		if (c->dead)
			continue;
		sum += mpolcg_events_read(c, ev) +
		       atomic64_read(&c->events_dead[ev]);
	}
	rcu_read_unlock();
	return sum;
}

static int mpolcg_events_show(struct seq_file *sf, void *v)
{
	struct mpol_cgroup *cg = css_mpolcg(seq_css(sf));
	int i;

	mutex_lock(&mpolcg_mutex);
	for (i = 0; i < NR_MPOLCG_EVENTS; i++)
		seq_printf(sf, "%s %llu\n", mpolcg_event_names[i],
			   mpolcg_events_read_hier(cg, i));
	mutex_unlock(&mpolcg_mutex);
	return 0;
}

static int mpolcg_events_local_show(struct seq_file *sf, void *v)
{
	struct mpol_cgroup *cg = css_mpolcg(seq_css(sf));
	int i;

	for (i = 0; i < NR_MPOLCG_EVENTS; i++)
		seq_printf(sf, "%s %llu\n", mpolcg_event_names[i],
			   mpolcg_events_read(cg, i));
	return 0;
}

static struct cftype mpolcg_files[] = {
	{
		.name = "policy",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = mpolcg_policy_show,
		.write = mpolcg_policy_write,
	},
	{
		.name = "policy.effective",
		.seq_show = mpolcg_policy_effective_show,
	},
	{
		.name = "weights",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = mpolcg_weights_show,
		.write = mpolcg_weights_write,
	},
	{
		.name = "weights.effective",
		.seq_show = mpolcg_weights_effective_show,
	},
	{
		.name = "events",
		.flags = CFTYPE_NOT_ON_ROOT,
		.file_offset = offsetof(struct mpol_cgroup, events_file),
		.seq_show = mpolcg_events_show,
	},
	{
		.name = "events.local",
		.flags = CFTYPE_NOT_ON_ROOT,
		.file_offset = offsetof(struct mpol_cgroup, events_local_file),
		.seq_show = mpolcg_events_local_show,
	},
	{ }	/* terminate */
};

static struct cgroup_subsys_state *
mpolcg_css_alloc(struct cgroup_subsys_state *parent_css)
{
	struct mpol_cgroup *cg;

	cg = kzalloc(sizeof(*cg), GFP_KERNEL);
	if (!cg)
		return ERR_PTR(-ENOMEM);
	cg->weights = kzalloc(nr_node_ids, GFP_KERNEL);
	cg->events = alloc_percpu(struct mpolcg_events);
	if (!cg->weights || !cg->events) {
		free_percpu(cg->events);
		kfree(cg->weights);
		kfree(cg);
		return ERR_PTR(-ENOMEM);
	}
	cg->next_notify = jiffies;
	return &cg->css;
}

static int mpolcg_css_online(struct cgroup_subsys_state *css)
{
	struct mpol_cgroup *cg = css_mpolcg(css);
	struct mpol_cgroup *parent = parent_mpolcg(cg);
	struct mpolcg_eff *eff;

	eff = mpolcg_eff_alloc();
	if (!eff)
		return -ENOMEM;

	/* inherit the parent's effective state */
	mutex_lock(&mpolcg_mutex);
	mpolcg_eff_fill(eff, cg, parent ? mpolcg_eff_locked(parent) : NULL);
	mpolcg_eff_publish(cg, eff);
	mutex_unlock(&mpolcg_mutex);
	return 0;
}

/*
 * Reset the settings of a cgroup going offline and move its event counts
 * to its parent.
 */
static void mpolcg_apply_offline(struct mpol_cgroup *cg, void *arg)
{
	struct mpol_cgroup *parent = parent_mpolcg(cg);
	int i;

	/* keep the counts in the parent's mpol.events */
	for (i = 0; i < NR_MPOLCG_EVENTS; i++)
		atomic64_add(mpolcg_events_read(cg, i) +
			     atomic64_read(&cg->events_dead[i]),
			     &parent->events_dead[i]);
	cg->dead = true;
	mpol_put(cg->pol);
	cg->pol = NULL;
	memset(cg->weights, 0, nr_node_ids);
	cg->nr_weights = 0;
}

/**
 * mpolcg_css_offline() - Reset the settings of a cgroup being removed.
 * @css: the css of the cgroup
 *
 * Tasks that still linger in it (exiting ones) use the parent's policy and
 * weights from their next allocation, and its event counts move to the
 * parent.  It has no online children left.
 */
static void mpolcg_css_offline(struct cgroup_subsys_state *css)
{
	struct mpol_cgroup *cg = css_mpolcg(css);

	if (!mpolcg_update(cg, mpolcg_apply_offline, NULL))
		return;
	/*
	 * No memory to republish: lingering (exiting) tasks keep the old
	 * effective state, but the settings, counts and key still go.
	 */
	mutex_lock(&mpolcg_mutex);
	mpolcg_apply_offline(cg, NULL);
	mpolcg_update_in_use(cg);
	mutex_unlock(&mpolcg_mutex);
}

static void mpolcg_css_free(struct cgroup_subsys_state *css)
{
	struct mpol_cgroup *cg = css_mpolcg(css);
	struct mpolcg_eff *eff = rcu_dereference_protected(cg->eff, true);

	/* freed a grace period after the last task left */
	if (eff) {
		mpol_put(eff->pol);
		kfree(eff);
	}
	mpol_put(cg->pol);
	free_percpu(cg->events);
	kfree(cg->weights);
	kfree(cg);
}

/* Restart the interleave cursor of @task. */
static void mpolcg_reset_il(struct task_struct *task)
{
	WRITE_ONCE(task->il_prev, MAX_NUMNODES - 1);
	WRITE_ONCE(task->il_weight, 0);
}

static void mpolcg_attach(struct cgroup_taskset *tset)
{
	struct cgroup_subsys_state *css;
	struct task_struct *task;

	/*
	 * Only the moved tasks are touched: the policy itself is looked up
	 * at their next allocation.
	 */
	cgroup_taskset_for_each(task, css, tset)
		mpolcg_reset_il(task);
}

static void mpolcg_fork(struct task_struct *task)
{
	/* the parent forks from a syscall, not from inside an allocation */
	VM_WARN_ON_ONCE(current->mpolcg_depth);
	mpolcg_reset_il(task);
}

struct cgroup_subsys mpol_cgrp_subsys = {
	.css_alloc	= mpolcg_css_alloc,
	.css_online	= mpolcg_css_online,
	.css_offline	= mpolcg_css_offline,
	.css_free	= mpolcg_css_free,
	.attach		= mpolcg_attach,
	.fork		= mpolcg_fork,
	.dfl_cftypes	= mpolcg_files,
	.threaded	= true,
};
