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
 * With "auto on" in mpol.weights, the weights come from the hardware:
 * the bandwidth from the allocating CPU's node to each memory node (ACPI
 * HMAT), one table per initiator node, shared by all such cgroups.
 * With mpol.scope "anon", the policy governs only the members' anonymous
 * private memory (heap, anonymous mmap, private copies of file pages);
 * their stacks, page cache, shmem and kernel allocations use the system
 * default.
 *
 * The effective values are computed when a file is written, by a pre-order
 * walk of the descendants, and published under RCU.  The allocator looks
 * them up through the task's css, so a write changes every member at once
 * without visiting the tasks, and the lookup does not depend on depth.
 */

#include <linux/cgroup.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mempolicy.h>
#include <linux/mmdebug.h>
#include <linux/mpol_cgroup.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

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

/* mpol.migrate: own setting; the rate of "on" is in mig_own_rate */
enum mpolcg_mig_mode {
	MPOLCG_MIG_INHERIT,
	MPOLCG_MIG_OFF,
	MPOLCG_MIG_ON,
};

/* Rates of migration, in bytes per second */
#define MPOLCG_MIG_RATE_DEFAULT	(32ULL << 20)
#define MPOLCG_MIG_RATE_MIN	(4ULL << 10)
#define MPOLCG_MIG_RATE_MAX	(64ULL << 30)
/* A pass idle for longer than this does not save up rate for a burst. */
#define MPOLCG_MIG_CREDIT_NS	(100 * NSEC_PER_MSEC)

/**
 * struct mpolcg_mig_totals - The migration counts of a cgroup (mpol.stat).
 * @started: passes started: queued by a change or a request
 * @completed: passes that walked every member to the end, toward a
 *	target that was still current
 * @aborted: passes ended early (retargeted, turned off, cgroup removed)
 * @active: passes started and not ended: one running, one queued behind it
 * @pages: pages, by outcome, of every pass
 *
 * A pass counts as started when the change that starts it is made, so a
 * writer that sees @active drop to zero knows that its change has been
 * carried out.
 */
struct mpolcg_mig_totals {
	u64 started;
	u64 completed;
	u64 aborted;
	unsigned int active;
	struct mpol_migrate_stat pages;
};

/**
 * struct mpolcg_eff - The effective state of a cgroup, read under RCU.
 * @rcu: frees the object one grace period after it was replaced
 * @pol: effective policy (one reference), %NULL for the system default
 * @has_weights: some entry of @weights is set
 * @anon_only: effective mpol.scope is "anon": @pol governs only anonymous
 *	private user memory
 * @auto_w: the weights under @weights are the ones from the hardware for
 *	the allocating CPU's node (mpol_auto_il_weights()), not the global ones
 * @weights: effective weight per node, 0 where the global weight applies
 *
 * Published objects are never changed: a change publishes a new one.
 */
struct mpolcg_eff {
	struct rcu_head rcu;
	struct mempolicy *pol;
	bool has_weights;
	bool anon_only;
	bool auto_w;
	u8 weights[];
};

/* The "auto" key of mpol.weights: own setting */
enum mpolcg_auto {
	MPOLCG_AUTO_DEFAULT,
	MPOLCG_AUTO_ON,
	MPOLCG_AUTO_OFF,
};

/* mpol.scope: own setting */
enum mpolcg_scope {
	MPOLCG_SCOPE_INHERIT,
	MPOLCG_SCOPE_ALL,
	MPOLCG_SCOPE_ANON,
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
 * @mig_mode: own mpol.migrate setting
 * @mig_own_rate: own rate of "on" in bytes per second, 0 for the default
 * @mig_rate: effective rate, 0 for off; written under mpolcg_mutex, read
 *	locklessly by the migration work and attach
 * @mig_seq: bumped by every change that retargets or stops a pass
 * @mig_explicit: a "pass" request is outstanding (runs even when off)
 * @mig_stop: offline: no pass starts or continues
 * @mig_work: runs the passes, one at a time
 * @mig_wait: where a throttled pass sleeps, woken by @mig_seq changes
 * @mig_lock: protects @mig
 * @mig: migration counts
 * @stat_file: handle for mpol.stat, notified when a pass ends
 * @scope: own mpol.scope setting, protected by mpolcg_mutex
 * @auto_w: own "auto" setting of mpol.weights, protected by mpolcg_mutex
 *
 * @pol to @dead, @mig_mode and @mig_own_rate are protected by
 * mpolcg_mutex; @eff and @mig_rate are written under it too.  The
 * allocation path only bumps the per-cpu @events and reads @next_notify,
 * writing it once per notification, so that a misconfigured cgroup does
 * not turn each allocation into a shared write.
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
	enum mpolcg_mig_mode mig_mode;
	u64 mig_own_rate;
	u64 mig_rate;
	atomic_t mig_seq;
	int mig_explicit;
	bool mig_stop;
	struct work_struct mig_work;
	wait_queue_head_t mig_wait;
	spinlock_t mig_lock;	/* protects @mig */
	struct mpolcg_mig_totals mig;
	struct cgroup_file stat_file;
	enum mpolcg_scope scope;
	enum mpolcg_auto auto_w;
};

/*
 * Serializes writers: protects the own settings of every cgroup and the
 * publication of their effective state.  Taken in css_online/css_offline
 * under cgroup_mutex, never the other way round.
 */
static DEFINE_MUTEX(mpolcg_mutex);

/* Enabled while some cgroup has a policy or a weight override. */
DEFINE_STATIC_KEY_FALSE(mpolcg_in_use);

/* The root cgroup's state, set once at boot */
static struct mpol_cgroup *mpolcg_root;

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
 * @anon: the allocation is of anonymous private user memory
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
 * A policy of scope "anon" is not used for other memory: such an
 * allocation, at the top level or nested in an anonymous one (page tables,
 * slab, reclaim), gets the system default and holds nothing.  The scope is
 * taken together with the policy, so a nested allocation sees the scope of
 * the policy its outer frame holds.
 *
 * Context: Task context (not interrupt), any locks.  Every call that
 * returns a policy must be paired with mpolcg_policy_release(), which
 * mpol_cond_put() does for cgroup policies.
 * Return: the policy, valid until the matching release, or %NULL for the
 * system default (nothing to release).
 */
struct mempolicy *__mpolcg_policy_hold(bool anon)
{
	struct mempolicy *pol, *old = NULL;
	struct mpolcg_eff *eff;

	VM_WARN_ON_ONCE(!in_task());
	if (!current->mpolcg_depth) {
		rcu_read_lock();
		eff = rcu_dereference(task_mpolcg(current)->eff);
		pol = eff ? eff->pol : NULL;
		current->mpolcg_anon = eff && eff->anon_only;
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
	if (!pol || (current->mpolcg_anon && !anon))
		return NULL;
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
 * @anon: the node choice is for anonymous private user memory
 *
 * Use mpolcg_task_policy_peek(), which skips this while no cgroup is
 * configured.  For node choices that allocate nothing while they use the
 * policy (slab node, hugetlb node masks, OOM domain, numa_maps).
 *
 * Context: rcu_read_lock() or task_lock(@p) held: a replaced policy is
 * put a grace period after it was unpublished.
 * Return: the effective policy of @p's cgroup, %NULL for the system
 * default (or a policy of scope "anon" when !@anon).
 */
struct mempolicy *__mpolcg_task_policy_peek(struct task_struct *p, bool anon)
{
	struct mpolcg_eff *eff;
	struct mempolicy *pol;

	rcu_read_lock();
	eff = rcu_dereference(task_mpolcg(p)->eff);
	pol = eff && (anon || !eff->anon_only) ? eff->pol : NULL;
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
 * @autow: set to whether the cgroup's weights are "auto"
 *
 * Use mpolcg_il_weights(), which skips this while no cgroup is configured.
 *
 * Context: rcu_read_lock() held; the table is valid until it is dropped.
 * Return: nr_node_ids weights, 0 where the global weight applies, or %NULL
 * if current's cgroup has no effective override.
 */
const u8 *__mpolcg_il_weights(bool *autow)
{
	struct mpolcg_eff *eff = rcu_dereference(task_mpolcg(current)->eff);

	*autow = eff && eff->auto_w;
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
	if (cg->scope == MPOLCG_SCOPE_INHERIT)
		eff->anon_only = peff && peff->anon_only;
	else
		eff->anon_only = cg->scope == MPOLCG_SCOPE_ANON;
	if (cg->auto_w == MPOLCG_AUTO_DEFAULT)
		eff->auto_w = peff && peff->auto_w;
	else
		eff->auto_w = cg->auto_w == MPOLCG_AUTO_ON;
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
	return a->pol == b->pol && a->anon_only == b->anon_only &&
	       a->auto_w == b->auto_w &&
	       !memcmp(a->weights, b->weights, nr_node_ids);
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
 * Resident memory follows the policy (mpol.migrate).
 *
 * With migration on, a change of a cgroup's effective policy or weights,
 * migration turning on, a task attaching or a "pass" request starts a pass
 * over the cgroup's member processes: mpol_migrate_mm() moves their
 * private pages, batch by batch, to where a fault would put them now.
 * The writer only queues the cgroup's work item: it never waits and never
 * visits the tasks.  The pass runs on the unbound workqueue, one per
 * cgroup at a time (a work item is not reentrant), and spreads the pages
 * it moves over time at the cgroup's rate.  A retargeting change bumps
 * @mig_seq: the running pass sees it at its next batch and ends, and the
 * work item, queued again by the change, starts a new pass toward the new
 * target.  The work holds a css reference while it is queued or runs; it
 * takes neither cgroup_mutex nor mpolcg_mutex, so css_offline() only has
 * to tell it to stop.
 */

/* State of one pass, private to the work function. */
struct mpolcg_pass {
	int seq;
	bool explicit;
	unsigned int flags;
	struct mempolicy *pol;
	u8 *weights;
	u64 next_ns;
};

/*
 * Start a pass of @cg's members.  @retarget: a running pass must not
 * finish toward its target, end it first.
 *
 * Context: @cg is online or being removed (its css is referenced); any
 * context but NMI.
 */
static void mpolcg_migrate_kick(struct mpol_cgroup *cg, bool retarget)
{
	if (READ_ONCE(cg->mig_stop))
		return;
	if (retarget) {
		atomic_inc(&cg->mig_seq);
		wake_up(&cg->mig_wait);
	}
	/*
	 * Each queueing of the work item is a started pass, counted before
	 * the write returns; a kick while it is queued joins that pass.
	 * Under mig_lock, so that the work function, which ends a pass
	 * under it, cannot end this one before it is counted.  The work's
	 * css reference is dropped when the work function ends.
	 */
	css_get(&cg->css);
	spin_lock(&cg->mig_lock);
	if (queue_work(system_unbound_wq, &cg->mig_work)) {
		cg->mig.started++;
		cg->mig.active++;
	} else {
		css_put(&cg->css);
	}
	spin_unlock(&cg->mig_lock);
}

static bool mpolcg_pass_ends(struct mpol_cgroup *cg,
			     const struct mpolcg_pass *ps)
{
	return READ_ONCE(cg->mig_stop) ||
	       atomic_read(&cg->mig_seq) != ps->seq ||
	       (!READ_ONCE(cg->mig_rate) && !ps->explicit);
}

/*
 * Sleep until the pages moved so far in this pass fit the rate.  The
 * deadline is absolute, so sleeps rounded up to jiffies do not add up.
 */
static void mpolcg_pass_throttle(struct mpol_cgroup *cg,
				 struct mpolcg_pass *ps, unsigned long pages)
{
	u64 rate = READ_ONCE(cg->mig_rate) ?: MPOLCG_MIG_RATE_DEFAULT;
	u64 now = ktime_get_ns();

	if (ps->next_ns + MPOLCG_MIG_CREDIT_NS < now)
		ps->next_ns = now - MPOLCG_MIG_CREDIT_NS;
	ps->next_ns += div64_u64((u64)pages * PAGE_SIZE * NSEC_PER_SEC, rate);
	while ((now = ktime_get_ns()) < ps->next_ns) {
		unsigned long timeout = nsecs_to_jiffies(ps->next_ns - now);

		/* TASK_IDLE: a throttled pass is not load */
		wait_event_idle_timeout(cg->mig_wait, mpolcg_pass_ends(cg, ps),
					max(timeout, 1UL));
		if (mpolcg_pass_ends(cg, ps))
			break;
	}
}

static void mpolcg_mig_account(struct mpol_cgroup *cg,
			       const struct mpol_migrate_stat *st)
{
	struct mpol_migrate_stat *t = &cg->mig.pages;

	/* each page of a batch has exactly one outcome */
	VM_WARN_ON_ONCE(st->scanned != st->placed + st->moved +
			st->skipped_policy + st->skipped_shared +
			st->skipped_pinned + st->failed);
	spin_lock(&cg->mig_lock);
	t->scanned += st->scanned;
	t->placed += st->placed;
	t->moved += st->moved;
	t->skipped_policy += st->skipped_policy;
	t->skipped_shared += st->skipped_shared;
	t->skipped_pinned += st->skipped_pinned;
	t->failed += st->failed;
	spin_unlock(&cg->mig_lock);
}

/* @p is still a member: a task moved out leaves the pass. */
static bool mpolcg_task_member(struct mpol_cgroup *cg, struct task_struct *p)
{
	bool member;

	rcu_read_lock();
	member = task_mpolcg(p) == cg;
	rcu_read_unlock();
	return member;
}

/*
 * Move the memory of member process @p, batch by batch.  Returns false if
 * the pass must end.
 */
static bool mpolcg_migrate_process(struct mpol_cgroup *cg,
				   struct task_struct *p,
				   struct mpolcg_pass *ps)
{
	struct mm_struct *mm = get_task_mm(p);
	unsigned long addr = 0;
	bool go_on = true;
	int ret;

	/* kernel threads and exited processes have no memory to move */
	if (!mm)
		return true;
	do {
		struct mpol_migrate_stat st = {};

		if (mpolcg_pass_ends(cg, ps)) {
			go_on = false;
			break;
		}
		if ((p->flags & PF_EXITING) || !mpolcg_task_member(cg, p))
			break;
		ret = mpol_migrate_mm(p, mm, ps->pol, ps->weights, ps->flags,
				      &addr, &st);
		mpolcg_mig_account(cg, &st);
		mpolcg_pass_throttle(cg, ps, st.moved + st.failed);
		cond_resched();
	} while (!ret);
	mmput(mm);
	return go_on;
}

static void mpolcg_migrate_workfn(struct work_struct *work)
{
	struct mpol_cgroup *cg = container_of(work, struct mpol_cgroup,
					      mig_work);
	struct mpolcg_pass ps = {};
	struct css_task_iter it;
	struct task_struct *p;
	struct mpolcg_eff *eff;
	bool done;

	ps.seq = atomic_read(&cg->mig_seq);
	ps.explicit = xchg(&cg->mig_explicit, 0);
	/* turned off or removed since it was queued: it ends at once */
	done = !mpolcg_pass_ends(cg, &ps);
	if (!done)
		goto end;
	ps.weights = kmalloc(nr_node_ids, GFP_KERNEL);

	/* the target of this pass; a change of it ends the pass */
	rcu_read_lock();
	eff = rcu_dereference(cg->eff);
	ps.pol = eff ? eff->pol : NULL;
	if (eff && eff->anon_only)
		ps.flags |= MPOL_MIGRATE_ANON_ONLY;
	if (eff && eff->auto_w)
		ps.flags |= MPOL_MIGRATE_AUTO;
	if (ps.pol)
		mpol_get(ps.pol);
	if (ps.weights && eff && eff->has_weights) {
		memcpy(ps.weights, eff->weights, nr_node_ids);
	} else if (eff && eff->has_weights) {
		/* no memory for the weights: the pass ends, unfinished */
		done = false;
	} else {
		kfree(ps.weights);
		ps.weights = NULL;
	}
	rcu_read_unlock();

	ps.next_ns = ktime_get_ns();
	/* "local" and the system default move nothing */
	if (ps.pol && done) {
		/* one task per process: its leader, as cgroup.procs lists */
		css_task_iter_start(&cg->css, CSS_TASK_ITER_PROCS, &it);
		while (done && (p = css_task_iter_next(&it)))
			done = mpolcg_migrate_process(cg, p, &ps);
		css_task_iter_end(&it);
	}

	mpol_put(ps.pol);
	kfree(ps.weights);
end:
	spin_lock(&cg->mig_lock);
	/* a change after the last batch: the target this pass had is stale */
	if (done && atomic_read(&cg->mig_seq) == ps.seq)
		cg->mig.completed++;
	else
		cg->mig.aborted++;
	if (!WARN_ON_ONCE(!cg->mig.active))
		cg->mig.active--;
	spin_unlock(&cg->mig_lock);
	cgroup_file_notify(&cg->stat_file);
	css_put(&cg->css);
}

/**
 * mpolcg_global_weight_changed() - A sysfs weighted-interleave weight
 * changed.
 * @nid: the node whose global weight changed
 *
 * Starts a pass in every cgroup that migrates, has a weighted-interleave
 * policy over @nid, and uses the global weight of @nid (no override in it
 * or an ancestor).
 *
 * Context: Process context, may sleep.
 */
void mpolcg_global_weight_changed(int nid)
{
	struct cgroup_subsys_state *pos;

	/* no cgroup has a policy: no pass can have a target */
	if (!static_branch_unlikely(&mpolcg_in_use) || !mpolcg_root)
		return;
	mutex_lock(&mpolcg_mutex);
	rcu_read_lock();
	css_for_each_descendant_pre(pos, &mpolcg_root->css) {
		struct mpol_cgroup *c = css_mpolcg(pos);
		struct mpolcg_eff *eff = mpolcg_eff_locked(c);

		if (c->mig_rate && eff && eff->pol && !eff->auto_w &&
		    eff->pol->mode == MPOL_WEIGHTED_INTERLEAVE &&
		    node_isset(nid, eff->pol->nodes) && !eff->weights[nid])
			mpolcg_migrate_kick(c, true);
	}
	rcu_read_unlock();
	mutex_unlock(&mpolcg_mutex);
}

/**
 * mpolcg_auto_weights_changed() - The weights from the hardware changed.
 *
 * A memory node came or went, and the tables of mpol_auto_il_weights()
 * were recomputed.  Starts a pass in every cgroup that migrates and has a
 * weighted-interleave policy and "auto" weights.
 *
 * Context: Process context, may sleep.
 */
void mpolcg_auto_weights_changed(void)
{
	struct cgroup_subsys_state *pos;

	if (!static_branch_unlikely(&mpolcg_in_use) || !mpolcg_root)
		return;
	mutex_lock(&mpolcg_mutex);
	rcu_read_lock();
	css_for_each_descendant_pre(pos, &mpolcg_root->css) {
		struct mpol_cgroup *c = css_mpolcg(pos);
		struct mpolcg_eff *eff = mpolcg_eff_locked(c);

		if (c->mig_rate && eff && eff->pol && eff->auto_w &&
		    eff->pol->mode == MPOL_WEIGHTED_INTERLEAVE)
			mpolcg_migrate_kick(c, true);
	}
	rcu_read_unlock();
	mutex_unlock(&mpolcg_mutex);
}

/*
 * Recompute the effective migration rate of @cg's subtree after @cg's own
 * setting changed, starting a pass where it turned on and ending the
 * running pass where it turned off.
 */
static void mpolcg_migrate_propagate(struct mpol_cgroup *cg)
{
	struct cgroup_subsys_state *pos;

	lockdep_assert_held(&mpolcg_mutex);

	rcu_read_lock();
	css_for_each_descendant_pre(pos, &cg->css) {
		struct mpol_cgroup *c = css_mpolcg(pos);
		struct mpol_cgroup *parent = parent_mpolcg(c);
		u64 rate, old = c->mig_rate;

		switch (c->mig_mode) {
		case MPOLCG_MIG_OFF:
			rate = 0;
			break;
		case MPOLCG_MIG_ON:
			rate = c->mig_own_rate ?: MPOLCG_MIG_RATE_DEFAULT;
			break;
		default:
			rate = parent ? parent->mig_rate : 0;
		}
		if (rate == old) {
			pos = css_rightmost_descendant(pos);
			continue;
		}
		WRITE_ONCE(c->mig_rate, rate);
		if (!old) {
			/* bring the memory in line with the policy */
			mpolcg_migrate_kick(c, true);
		} else if (!rate) {
			atomic_inc(&c->mig_seq);
			wake_up(&c->mig_wait);
		}
	}
	rcu_read_unlock();
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
		/* resident memory follows a new policy or new weights */
		if (c->mig_rate)
			mpolcg_migrate_kick(c, true);
	}
	rcu_read_unlock();
}

/* Take or drop @cg's reference on mpolcg_in_use to match its settings. */
static void mpolcg_update_in_use(struct mpol_cgroup *cg)
{
	bool configured = cg->pol || cg->nr_weights ||
			  cg->auto_w != MPOLCG_AUTO_DEFAULT;

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
	if (cg->auto_w != MPOLCG_AUTO_DEFAULT)
		seq_printf(sf, "auto %s\n",
			   cg->auto_w == MPOLCG_AUTO_ON ? "on" : "off");
	mutex_unlock(&mpolcg_mutex);
	return 0;
}

/*
 * "auto" weights: one nested keyed line per initiator, a node with CPUs,
 * "initiatorI N=W ... fallback=0|1", the auto table of I under the
 * overrides.
 */
static void mpolcg_auto_weights_show(struct seq_file *sf,
				     const struct mpolcg_eff *eff, u8 *row)
{
	int i, nid;

	for_each_node_state(i, N_CPU) {
		bool fallback = mpol_auto_il_weights(i, row);

		seq_printf(sf, "initiator%d", i);
		for_each_node(nid)
			seq_printf(sf, " %d=%u", nid,
				   eff->weights[nid] ?: row[nid]);
		seq_printf(sf, " fallback=%d\n", fallback);
	}
}

static int mpolcg_weights_effective_show(struct seq_file *sf, void *v)
{
	struct mpol_cgroup *cg = css_mpolcg(seq_css(sf));
	struct mpolcg_eff *eff;
	u8 *row;
	int nid;

	/* a copy of one auto table at a time */
	row = kmalloc(nr_node_ids, GFP_KERNEL);
	if (!row)
		return -ENOMEM;
	rcu_read_lock();
	eff = rcu_dereference(cg->eff);
	if (eff && eff->auto_w) {
		mpolcg_auto_weights_show(sf, eff, row);
	} else {
		for_each_node(nid) {
			u8 weight = eff ? eff->weights[nid] : 0;

			if (!weight)
				weight = mpol_global_il_weight(nid);
			seq_printf(sf, "%d %u\n", nid, weight);
		}
	}
	rcu_read_unlock();
	kfree(row);
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

/* "auto on", "auto off" or "auto default" (@buf stripped, "auto" first) */
static int mpolcg_parse_auto(char *buf, s16 *upd)
{
	char *val = buf + strlen("auto");

	if (!*val || !strchr(" \t", *val))
		return -EINVAL;
	val += strspn(val, " \t");
	if (upd[nr_node_ids] >= 0)
		return -EINVAL;
	if (!strcmp(val, "on"))
		upd[nr_node_ids] = MPOLCG_AUTO_ON;
	else if (!strcmp(val, "off"))
		upd[nr_node_ids] = MPOLCG_AUTO_OFF;
	else if (!strcmp(val, "default"))
		upd[nr_node_ids] = MPOLCG_AUTO_DEFAULT;
	else
		return -EINVAL;
	return 0;
}

/*
 * Parse every line of @buf into @upd (indexed by node, -1 = not named;
 * the auto setting in @upd[nr_node_ids]).
 * Runtimes write a multi-line value (OCI linux.resources.unified) either
 * in one write(), as crun 1.8 does, or line by line.  Both must give the
 * same result, so a write may carry several lines; a node named twice is
 * ambiguous and refused, and so is "auto" named twice.  Returns the number
 * of lines that name a node or "auto".
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
		if (!strncmp(line, "auto", strlen("auto"))) {
			ret = mpolcg_parse_auto(line, upd);
			if (ret)
				return ret;
			n++;
			continue;
		}
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
	if (upd[nr_node_ids] >= 0)
		cg->auto_w = upd[nr_node_ids];
}

static ssize_t mpolcg_weights_write(struct kernfs_open_file *of, char *buf,
				    size_t nbytes, loff_t off)
{
	struct mpol_cgroup *cg = css_mpolcg(of_css(of));
	s16 *upd;
	int nid, ret;

	if (memchr(buf, '\0', nbytes))
		return -EINVAL;
	upd = kmalloc_array(nr_node_ids + 1, sizeof(*upd), GFP_KERNEL);
	if (!upd)
		return -ENOMEM;
	for (nid = 0; nid <= nr_node_ids; nid++)
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

/* "on RATE", the rate with the largest suffix that divides it exactly */
static void mpolcg_print_rate(struct seq_file *sf, u64 rate)
{
	static const char suffixes[] = "KMG";
	int i;

	for (i = 0; i < 3 && !(rate & 1023); i++)
		rate >>= 10;
	if (i)
		seq_printf(sf, "on %llu%c\n", rate, suffixes[i - 1]);
	else
		seq_printf(sf, "on %llu\n", rate);
}

static int mpolcg_migrate_show(struct seq_file *sf, void *v)
{
	struct mpol_cgroup *cg = css_mpolcg(seq_css(sf));

	mutex_lock(&mpolcg_mutex);
	switch (cg->mig_mode) {
	case MPOLCG_MIG_OFF:
		seq_puts(sf, "off\n");
		break;
	case MPOLCG_MIG_ON:
		if (cg->mig_own_rate)
			mpolcg_print_rate(sf, cg->mig_own_rate);
		else
			seq_puts(sf, "on\n");
		break;
	default:
		seq_puts(sf, "inherit\n");
	}
	mutex_unlock(&mpolcg_mutex);
	return 0;
}

static int mpolcg_migrate_effective_show(struct seq_file *sf, void *v)
{
	u64 rate = READ_ONCE(css_mpolcg(seq_css(sf))->mig_rate);

	if (rate)
		mpolcg_print_rate(sf, rate);
	else
		seq_puts(sf, "off\n");
	return 0;
}

/* A rate in bytes per second: digits, then K, M or G for powers of 1024. */
static int mpolcg_parse_rate(char *s, u64 *rate)
{
	size_t len = strlen(s);
	unsigned int shift = 0;
	u64 val;
	int ret;

	if (len > 1) {
		switch (s[len - 1]) {
		case 'G':
			shift += 10;
			fallthrough;
		case 'M':
			shift += 10;
			fallthrough;
		case 'K':
			shift += 10;
			s[len - 1] = '\0';
		}
	}
	/* digits only, checked before their value: no sign, no base prefix */
	if (!*s || s[strspn(s, "0123456789")] || (s[0] == '0' && s[1]))
		return -EINVAL;
	ret = kstrtoull(s, 10, &val);
	if (ret)
		return ret == -ERANGE ? -ERANGE : -EINVAL;
	if (val > (MPOLCG_MIG_RATE_MAX >> shift))
		return -ERANGE;
	val <<= shift;
	if (val < MPOLCG_MIG_RATE_MIN)
		return -ERANGE;
	*rate = val;
	return 0;
}

/* "pass": a pass of @cg, and of each descendant that migrates, now */
static void mpolcg_migrate_request(struct mpol_cgroup *cg)
{
	struct cgroup_subsys_state *pos;

	mutex_lock(&mpolcg_mutex);
	WRITE_ONCE(cg->mig_explicit, 1);
	rcu_read_lock();
	css_for_each_descendant_pre(pos, &cg->css) {
		struct mpol_cgroup *c = css_mpolcg(pos);

		if (c == cg || c->mig_rate)
			mpolcg_migrate_kick(c, true);
	}
	rcu_read_unlock();
	mutex_unlock(&mpolcg_mutex);
}

static ssize_t mpolcg_migrate_write(struct kernfs_open_file *of, char *buf,
				    size_t nbytes, loff_t off)
{
	struct mpol_cgroup *cg = css_mpolcg(of_css(of));
	enum mpolcg_mig_mode mode;
	char *word, *arg;
	u64 rate = 0;
	int ret;

	if (memchr(buf, '\0', nbytes))
		return -EINVAL;
	arg = strstrip(buf);
	/* crun writes every unified value, possibly empty */
	if (!*arg)
		return nbytes;
	word = strsep(&arg, " \t");
	if (arg) {
		/* only blanks separate the two words, as in mpol.weights */
		arg += strspn(arg, " \t");
		if (!*arg || mpolcg_has_space(arg))
			return -EINVAL;
	}

	if (!strcmp(word, "on")) {
		mode = MPOLCG_MIG_ON;
		if (arg) {
			ret = mpolcg_parse_rate(arg, &rate);
			if (ret)
				return ret;
		}
	} else if (arg) {
		return -EINVAL;
	} else if (!strcmp(word, "off")) {
		mode = MPOLCG_MIG_OFF;
	} else if (!strcmp(word, "inherit")) {
		mode = MPOLCG_MIG_INHERIT;
	} else if (!strcmp(word, "pass")) {
		mpolcg_migrate_request(cg);
		return nbytes;
	} else {
		return -EINVAL;
	}

	mutex_lock(&mpolcg_mutex);
	cg->mig_mode = mode;
	cg->mig_own_rate = rate;
	mpolcg_migrate_propagate(cg);
	mutex_unlock(&mpolcg_mutex);
	return nbytes;
}

static int mpolcg_stat_show(struct seq_file *sf, void *v)
{
	struct mpol_cgroup *cg = css_mpolcg(seq_css(sf));
	struct mpolcg_mig_totals t;
	unsigned long skipped;

	/* one snapshot: its counts add up */
	spin_lock(&cg->mig_lock);
	t = cg->mig;
	spin_unlock(&cg->mig_lock);
	skipped = t.pages.skipped_policy + t.pages.skipped_shared +
		  t.pages.skipped_pinned;

	seq_printf(sf, "migrate_passes_started %llu\n", t.started);
	seq_printf(sf, "migrate_passes_completed %llu\n", t.completed);
	seq_printf(sf, "migrate_passes_aborted %llu\n", t.aborted);
	seq_printf(sf, "migrate_active %u\n", t.active);
	seq_printf(sf, "migrate_scanned %lu\n", t.pages.scanned);
	seq_printf(sf, "migrate_placed %lu\n", t.pages.placed);
	seq_printf(sf, "migrate_moved %lu\n", t.pages.moved);
	seq_printf(sf, "migrate_skipped %lu\n", skipped);
	seq_printf(sf, "migrate_skipped_policy %lu\n", t.pages.skipped_policy);
	seq_printf(sf, "migrate_skipped_shared %lu\n", t.pages.skipped_shared);
	seq_printf(sf, "migrate_skipped_pinned %lu\n", t.pages.skipped_pinned);
	seq_printf(sf, "migrate_failed %lu\n", t.pages.failed);
	return 0;
}

/* mpol.scope: which memory of the members the policy governs */
static const char * const mpolcg_scope_names[] = {
	[MPOLCG_SCOPE_INHERIT] = "inherit",
	[MPOLCG_SCOPE_ALL] = "all",
	[MPOLCG_SCOPE_ANON] = "anon",
};

static int mpolcg_scope_show(struct seq_file *sf, void *v)
{
	struct mpol_cgroup *cg = css_mpolcg(seq_css(sf));

	mutex_lock(&mpolcg_mutex);
	seq_printf(sf, "%s\n", mpolcg_scope_names[cg->scope]);
	mutex_unlock(&mpolcg_mutex);
	return 0;
}

static int mpolcg_scope_effective_show(struct seq_file *sf, void *v)
{
	struct mpolcg_eff *eff;
	bool anon;

	rcu_read_lock();
	eff = rcu_dereference(css_mpolcg(seq_css(sf))->eff);
	anon = eff && eff->anon_only;
	rcu_read_unlock();
	seq_printf(sf, "%s\n", mpolcg_scope_names[anon ? MPOLCG_SCOPE_ANON :
							  MPOLCG_SCOPE_ALL]);
	return 0;
}

static void mpolcg_apply_scope(struct mpol_cgroup *cg, void *arg)
{
	cg->scope = (uintptr_t)arg;
}

static ssize_t mpolcg_scope_write(struct kernfs_open_file *of, char *buf,
				  size_t nbytes, loff_t off)
{
	struct mpol_cgroup *cg = css_mpolcg(of_css(of));
	int scope, ret;

	if (memchr(buf, '\0', nbytes))
		return -EINVAL;
	scope = match_string(mpolcg_scope_names,
			     ARRAY_SIZE(mpolcg_scope_names), strstrip(buf));
	if (scope < 0)
		return -EINVAL;
	/* a scope change is a change of effective state, as a policy's */
	ret = mpolcg_update(cg, mpolcg_apply_scope, (void *)(uintptr_t)scope);
	return ret ?: nbytes;
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
	{
		.name = "migrate",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = mpolcg_migrate_show,
		.write = mpolcg_migrate_write,
	},
	{
		.name = "migrate.effective",
		.seq_show = mpolcg_migrate_effective_show,
	},
	{
		.name = "stat",
		.flags = CFTYPE_NOT_ON_ROOT,
		.file_offset = offsetof(struct mpol_cgroup, stat_file),
		.seq_show = mpolcg_stat_show,
	},
	{
		.name = "scope",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = mpolcg_scope_show,
		.write = mpolcg_scope_write,
	},
	{
		.name = "scope.effective",
		.seq_show = mpolcg_scope_effective_show,
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
	if (!parent_css)
		mpolcg_root = cg;
	atomic_set(&cg->mig_seq, 0);
	INIT_WORK(&cg->mig_work, mpolcg_migrate_workfn);
	init_waitqueue_head(&cg->mig_wait);
	spin_lock_init(&cg->mig_lock);
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
	cg->mig_rate = parent ? parent->mig_rate : 0;
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
	/* a running pass ends at its next batch; none starts */
	WRITE_ONCE(cg->mig_stop, true);
	atomic_inc(&cg->mig_seq);
	wake_up(&cg->mig_wait);
	cg->mig_mode = MPOLCG_MIG_INHERIT;
	mpol_put(cg->pol);
	cg->pol = NULL;
	memset(cg->weights, 0, nr_node_ids);
	cg->nr_weights = 0;
	cg->scope = MPOLCG_SCOPE_INHERIT;
	cg->auto_w = MPOLCG_AUTO_DEFAULT;
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
	cgroup_taskset_for_each(task, css, tset) {
		mpolcg_reset_il(task);
		/*
		 * The memory of a process follows its leader into a cgroup
		 * that migrates; the pass visits every member, this one too.
		 */
		if (thread_group_leader(task) &&
		    READ_ONCE(css_mpolcg(css)->mig_rate))
			mpolcg_migrate_kick(css_mpolcg(css), false);
	}
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
