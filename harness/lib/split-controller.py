# split-controller.py FINAL OUTDIR: derive the five intermediate versions
# of kernel/cgroup/mpol.c that patches 0002 (policy files: step1.c), 0003
# (+ weights: step2.c), 0004 (+ events: step3.c), 0006 (+ migration:
# step4.c) and 0007 (+ mpol.scope: step5.c) add, from the final file (the
# auto patch brings the "auto" weights).
# Every replacement must match exactly once, so an edit of the final file
# that the split does not know fails here instead of producing a broken
# step.  Used by harness/split-controller.sh.
import sys
final = open(sys.argv[1]).read()
out = sys.argv[2]
s = final
def rep(old, new=''):
    global s
    n = s.count(old)
    if n != 1:
        sys.exit("count %d for:\n%s" % (n, old))
    s = s.replace(old, new)
def cut(start, end, new=''):
    global s
    a = s.index(start); b = s.index(end, a)
    s = s[:a] + new + s[b:]

# ---- step 5: no auto weights.  harness/lib/split-auto.diff is the diff
# from step 5 to the final file (diff -U3); each of its hunks, with its
# context, must match the final file exactly once and is replaced by its
# old side.  Regenerate it with diff -U3 step5.c mpol.c if a hunk no
# longer matches.
import os
def hunks(path):
    cur = None
    for line in open(path).read().split('\n')[2:]:
        if line.startswith('@@'):
            if cur is not None:
                yield ''.join(cur[0]), ''.join(cur[1])
            cur = ([], [])
        elif cur is not None and line:
            tag, text = line[0], line[1:] + '\n'
            if tag in ' -':
                cur[0].append(text)
            if tag in ' +':
                cur[1].append(text)
    if cur is not None:
        yield ''.join(cur[0]), ''.join(cur[1])
for old_side, new_side in hunks(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'split-auto.diff')):
    rep(new_side, old_side)
open(out + '/step5.c', 'w').write(s)

# ---- step 4: no scope (mpol.scope)
rep(''' * With mpol.scope "anon", the policy governs only the members' anonymous
 * private memory (heap, anonymous mmap, private copies of file pages);
 * their stacks, page cache, shmem and kernel allocations use the system
 * default.
''')
rep(''' * @anon_only: effective mpol.scope is "anon": @pol governs only anonymous
 *	private user memory
''')
rep('''	bool has_weights;
	bool anon_only;
	u8 weights[];
};

/* mpol.scope: own setting */
enum mpolcg_scope {
	MPOLCG_SCOPE_INHERIT,
	MPOLCG_SCOPE_ALL,
	MPOLCG_SCOPE_ANON,
};
''', '''	bool has_weights;
	u8 weights[];
};
''')
rep(''' * @scope: own mpol.scope setting, protected by mpolcg_mutex
''')
rep('''	struct cgroup_file stat_file;
	enum mpolcg_scope scope;
};''', '''	struct cgroup_file stat_file;
};''')
rep(''' * __mpolcg_policy_hold() - Start using current's cgroup policy.
 * @anon: the allocation is of anonymous private user memory
''', ''' * __mpolcg_policy_hold() - Start using current's cgroup policy.
''')
rep(''' * A policy of scope "anon" is not used for other memory: such an
 * allocation, at the top level or nested in an anonymous one (page tables,
 * slab, reclaim), gets the system default and holds nothing.  The scope is
 * taken together with the policy, so a nested allocation sees the scope of
 * the policy its outer frame holds.
 *
''')
rep('''struct mempolicy *__mpolcg_policy_hold(bool anon)''',
    '''struct mempolicy *__mpolcg_policy_hold(void)''')
rep('''		current->mpolcg_anon = eff && eff->anon_only;
''')
rep('''	if (!pol || (current->mpolcg_anon && !anon))
		return NULL;
	current->mpolcg_depth++;
	return pol;''', '''	if (pol)
		current->mpolcg_depth++;
	return pol;''')
rep(''' * @anon: the node choice is for anonymous private user memory
''')
rep(''' * default (or a policy of scope "anon" when !@anon).
 */
struct mempolicy *__mpolcg_task_policy_peek(struct task_struct *p, bool anon)''',
    ''' * default.
 */
struct mempolicy *__mpolcg_task_policy_peek(struct task_struct *p)''')
rep('''	pol = eff && (anon || !eff->anon_only) ? eff->pol : NULL;''',
    '''	pol = eff ? eff->pol : NULL;''')
rep('''	if (cg->scope == MPOLCG_SCOPE_INHERIT)
		eff->anon_only = peff && peff->anon_only;
	else
		eff->anon_only = cg->scope == MPOLCG_SCOPE_ANON;
''')
rep('''	return a->pol == b->pol && a->anon_only == b->anon_only &&
	       !memcmp(a->weights, b->weights, nr_node_ids);''',
    '''	return a->pol == b->pol && !memcmp(a->weights, b->weights, nr_node_ids);''')
rep('''	bool explicit;
	unsigned int flags;
''', '''	bool explicit;
''')
rep('''		ret = mpol_migrate_mm(p, mm, ps->pol, ps->weights, ps->flags,
				      &addr, &st);''',
    '''		ret = mpol_migrate_mm(p, mm, ps->pol, ps->weights, &addr, &st);''')
rep('''	if (eff && eff->anon_only)
		ps.flags |= MPOL_MIGRATE_ANON_ONLY;
''')
cut('''/* mpol.scope: which memory of the members the policy governs */''',
    '''static struct cftype mpolcg_files[] = {''')
cut('''	{
		.name = "scope",''', '''	{ }	/* terminate */''')
rep('''	cg->scope = MPOLCG_SCOPE_INHERIT;
''')
open(out + '/step4.c', 'w').write(s)

# ---- step 3: no migration
for inc in ('ktime', 'sched/mm', 'spinlock', 'wait', 'workqueue'):
    rep('#include <linux/%s.h>\n' % inc)
cut('''/* mpol.migrate: own setting; the rate of "on" is in mig_own_rate */''',
    '''/**
 * struct mpolcg_eff - The effective state''')
cut(''' * @mig_mode: own mpol.migrate setting''', ''' *
 * @pol to @dead, @mig_mode''')
rep(''' *
 * @pol to @dead, @mig_mode and @mig_own_rate are protected by
 * mpolcg_mutex; @eff and @mig_rate are written under it too.  The
 * allocation path only bumps the per-cpu @events and reads @next_notify,
 * writing it once per notification, so that a misconfigured cgroup does
 * not turn each allocation into a shared write.
 */''', ''' *
 * @pol to @dead are protected by mpolcg_mutex; @eff is written under it
 * too.  The allocation path only bumps the per-cpu @events and reads
 * @next_notify, writing it once per notification, so that a misconfigured
 * cgroup does not turn each allocation into a shared write.
 */''')
cut('''	enum mpolcg_mig_mode mig_mode;''', '''};''')
rep('''
/* The root cgroup's state, set once at boot */
static struct mpol_cgroup *mpolcg_root;
''')
cut('''/*
 * Resident memory follows the policy (mpol.migrate).''', '''/*
 * Recompute the effective state of @cg and its descendants''')
rep('''		/* resident memory follows a new policy or new weights */
		if (c->mig_rate)
			mpolcg_migrate_kick(c, true);
''')
cut('''/* "on RATE", the rate with the largest suffix that divides it exactly */''',
    '''static struct cftype mpolcg_files[] = {''')
cut('''	{
		.name = "migrate",''', '''	{ }	/* terminate */''')
rep('''	if (!parent_css)
		mpolcg_root = cg;
	atomic_set(&cg->mig_seq, 0);
	INIT_WORK(&cg->mig_work, mpolcg_migrate_workfn);
	init_waitqueue_head(&cg->mig_wait);
	spin_lock_init(&cg->mig_lock);
''')
rep('''	cg->mig_rate = parent ? parent->mig_rate : 0;
''')
rep('''	/* a running pass ends at its next batch; none starts */
	WRITE_ONCE(cg->mig_stop, true);
	atomic_inc(&cg->mig_seq);
	wake_up(&cg->mig_wait);
	cg->mig_mode = MPOLCG_MIG_INHERIT;
''')
rep('''	cgroup_taskset_for_each(task, css, tset) {
		mpolcg_reset_il(task);
		/*
		 * The memory of a process follows its leader into a cgroup
		 * that migrates; the pass visits every member, this one too.
		 */
		if (thread_group_leader(task) &&
		    READ_ONCE(css_mpolcg(css)->mig_rate))
			mpolcg_migrate_kick(css_mpolcg(css), false);
	}
}''', '''	cgroup_taskset_for_each(task, css, tset)
		mpolcg_reset_il(task);
}''')
open(out + '/step3.c', 'w').write(s)

# ---- step 2: no events
rep('''/* Fallbacks notify mpol.events at most this often. */
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

''')
rep(''' * @counted: this cgroup holds a reference on mpolcg_in_use
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
 */''', ''' * @counted: this cgroup holds a reference on mpolcg_in_use
 * @eff: the effective state, published under RCU
 *
 * @pol to @counted are protected by mpolcg_mutex; @eff is written under
 * it too.
 */''')
rep('''	bool counted;
	bool dead;
	struct mpolcg_eff __rcu *eff;
	struct mpolcg_events __percpu *events;
	atomic64_t events_dead[NR_MPOLCG_EVENTS];
	unsigned long next_notify;
	struct cgroup_file events_file;
	struct cgroup_file events_local_file;
};''', '''	bool counted;
	struct mpolcg_eff __rcu *eff;
};''')
cut('''/**
 * mpolcg_count_fallback()''', 'static struct mpolcg_eff *mpolcg_eff_alloc(void)', '''/**
 * mpolcg_count_fallback() - Count an allocation whose policy nodes were
 * all outside the task's allowed nodes.
 *
 * Nothing counts them yet: mpol.events comes with a later patch.
 *
 * Context: Process context, any locks.
 */
void mpolcg_count_fallback(void)
{
}

''')
cut('static u64 mpolcg_events_read(struct mpol_cgroup *cg, int ev)', 'static struct cftype mpolcg_files[] = {')
rep('''	{
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
''')
rep('''	cg->weights = kzalloc(nr_node_ids, GFP_KERNEL);
	cg->events = alloc_percpu(struct mpolcg_events);
	if (!cg->weights || !cg->events) {
		free_percpu(cg->events);
		kfree(cg->weights);
		kfree(cg);
		return ERR_PTR(-ENOMEM);
	}
	cg->next_notify = jiffies;
	return &cg->css;''', '''	cg->weights = kzalloc(nr_node_ids, GFP_KERNEL);
	if (!cg->weights) {
		kfree(cg);
		return ERR_PTR(-ENOMEM);
	}
	return &cg->css;''')
rep('''/*
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
	mpol_put(cg->pol);''', '''/* Reset the settings of a cgroup going offline. */
static void mpolcg_apply_offline(struct mpol_cgroup *cg, void *arg)
{
	mpol_put(cg->pol);''')
rep(''' * Tasks that still linger in it (exiting ones) use the parent's policy and
 * weights from their next allocation, and its event counts move to the
 * parent.  It has no online children left.''', ''' * Tasks that still linger in it (exiting ones) use the parent's policy and
 * weights from their next allocation.  It has no online children left.''')
rep('''	 * effective state, but the settings, counts and key still go.''',
    '''	 * effective state, but the settings and key still go.''')
rep('''	mpol_put(cg->pol);
	free_percpu(cg->events);
	kfree(cg->weights);''', '''	mpol_put(cg->pol);
	kfree(cg->weights);''')
open(out + '/step2.c', 'w').write(s)

# ---- step 1: no weights either
rep('''#define MPOLCG_WEIGHT_MAX	255

''')
rep(''' * @pol: effective policy (one reference), %NULL for the system default
 * @has_weights: some entry of @weights is set
 * @weights: effective weight per node, 0 where the global weight applies
''', ''' * @pol: effective policy (one reference), %NULL for the system default
''')
rep('''	struct mempolicy *pol;
	bool has_weights;
	u8 weights[];
};''', '''	struct mempolicy *pol;
};''')
rep(''' * @weights: own weight overrides, nr_node_ids entries, 0 for none
 * @nr_weights: number of nonzero entries in @weights
''')
rep('''	struct mempolicy *pol;
	u8 *weights;
	unsigned int nr_weights;
	bool counted;''', '''	struct mempolicy *pol;
	bool counted;''')
rep('''/* Enabled while some cgroup has a policy or a weight override. */''',
    '''/* Enabled while some cgroup has a policy. */''')
cut('''/**
 * __mpolcg_il_weights()''', '/**\n * mpolcg_count_fallback()', '''/**
 * __mpolcg_il_weights() - The interleave weights of current's cgroup.
 *
 * Use mpolcg_il_weights(), which skips this while no cgroup is configured.
 * No cgroup overrides a weight yet: mpol.weights comes with the next patch.
 *
 * Context: rcu_read_lock() held.
 * Return: %NULL: the global weights apply.
 */
const u8 *__mpolcg_il_weights(void)
{
	return NULL;
}

''')
rep('''	return kzalloc(struct_size(eff, weights, nr_node_ids), GFP_KERNEL);''',
    '''	return kzalloc(sizeof(*eff), GFP_KERNEL);''')
rep('''static void mpolcg_eff_fill(struct mpolcg_eff *eff, struct mpol_cgroup *cg,
			    const struct mpolcg_eff *peff)
{
	int nid;

	if''', '''static void mpolcg_eff_fill(struct mpolcg_eff *eff, struct mpol_cgroup *cg,
			    const struct mpolcg_eff *peff)
{
	if''')
rep('''		eff->pol = peff ? peff->pol : NULL;
	eff->has_weights = false;
	for (nid = 0; nid < nr_node_ids; nid++) {
		eff->weights[nid] = cg->weights[nid];
		if (!eff->weights[nid] && peff)
			eff->weights[nid] = peff->weights[nid];
		if (eff->weights[nid])
			eff->has_weights = true;
	}
}''', '''		eff->pol = peff ? peff->pol : NULL;
}''')
rep('''	return a->pol == b->pol && !memcmp(a->weights, b->weights, nr_node_ids);''',
    '''	return a->pol == b->pol;''')
rep('''	bool configured = cg->pol || cg->nr_weights;''', '''	bool configured = cg->pol;''')
cut('static int mpolcg_weights_show(struct seq_file *sf, void *v)', 'static struct cftype mpolcg_files[] = {')
rep('''	{
		.name = "weights",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = mpolcg_weights_show,
		.write = mpolcg_weights_write,
	},
	{
		.name = "weights.effective",
		.seq_show = mpolcg_weights_effective_show,
	},
''')
rep('''	cg->weights = kzalloc(nr_node_ids, GFP_KERNEL);
	if (!cg->weights) {
		kfree(cg);
		return ERR_PTR(-ENOMEM);
	}
	return &cg->css;''', '''	return &cg->css;''')
rep('''	cg->pol = NULL;
	memset(cg->weights, 0, nr_node_ids);
	cg->nr_weights = 0;
}''', '''	cg->pol = NULL;
}''')
rep(''' * Tasks that still linger in it (exiting ones) use the parent's policy and
 * weights from their next allocation.''', ''' * Tasks that still linger in it (exiting ones) use the parent's policy
 * from their next allocation.''')
rep('''	mpol_put(cg->pol);
	kfree(cg->weights);
	kfree(cg);''', '''	mpol_put(cg->pol);
	kfree(cg);''')
rep(''' * Gives every cgroup a NUMA memory policy (a mode and a node set) and its
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
''', ''' * Gives every cgroup a NUMA memory policy (a mode and a node set).  A task
 * without a policy of its own (set_mempolicy(2)) allocates by its cgroup's
 * effective policy.  VMA policies (mbind(2)) still come first.
 *
 * The effective values follow the hierarchy the way a task policy follows
 * fork: a cgroup whose mpol.policy is "inherit" uses its parent's effective
 * policy; at the root, the policy is the system default ("local").
''')
open(out + '/step1.c', 'w').write(s)
