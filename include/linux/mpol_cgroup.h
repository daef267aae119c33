/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory policy cgroup controller: the hooks the allocator calls.
 *
 * A task without a policy of its own allocates by the effective policy of
 * its mpol cgroup (only its anonymous private memory, if the cgroup's
 * mpol.scope is "anon"), and every weighted-interleave allocation of a
 * member task uses the cgroup's effective interleave weights.  While no cgroup has
 * a policy or a weight override, each hook costs one static branch.
 */
#ifndef _LINUX_MPOL_CGROUP_H
#define _LINUX_MPOL_CGROUP_H

#include <linux/jump_label.h>
#include <linux/types.h>

struct mempolicy;
struct task_struct;

#ifdef CONFIG_CGROUP_MPOL

DECLARE_STATIC_KEY_FALSE(mpolcg_in_use);

struct mempolicy *__mpolcg_policy_hold(bool anon);
void mpolcg_policy_release(void);
struct mempolicy *__mpolcg_task_policy_peek(struct task_struct *p, bool anon);
const u8 *__mpolcg_il_weights(bool *autow);
void mpolcg_count_fallback(void);
void mpolcg_task_free(struct task_struct *p);

/**
 * mpolcg_policy_hold() - The cgroup policy current allocates by, held.
 * @anon: the allocation is of anonymous private user memory, which a
 *	cgroup policy governs whatever its scope
 *
 * For get_task_policy(), at the start of an allocation: the policy stays
 * valid, however long the caller sleeps and however allocations nest,
 * until the caller ends the hold with mpolcg_policy_release() (through
 * mpol_cond_put()).
 *
 * Context: Task context, any locks.
 * Return: the cgroup's effective policy, or %NULL for the system default
 * (then there is nothing to release).
 */
static inline struct mempolicy *mpolcg_policy_hold(bool anon)
{
	if (static_branch_unlikely(&mpolcg_in_use))
		return __mpolcg_policy_hold(anon);
	return NULL;
}

/**
 * mpolcg_task_policy_peek() - Look at the cgroup policy of a task, for a
 * node choice that allocates nothing meanwhile (slab, hugetlb, OOM).
 * @p: the task
 * @anon: the choice is for anonymous private user memory
 *
 * Context: rcu_read_lock() or task_lock(@p) held; the result is valid
 * until it is dropped.
 * Return: the cgroup's effective policy, or %NULL for the system default.
 */
static inline struct mempolicy *mpolcg_task_policy_peek(struct task_struct *p,
							bool anon)
{
	if (static_branch_unlikely(&mpolcg_in_use))
		return __mpolcg_task_policy_peek(p, anon);
	return NULL;
}

/**
 * mpolcg_il_weights() - The interleave weights of current's cgroup.
 * @autow: set to whether the weights under the overrides are the ones
 *	from the hardware for the allocating CPU ("auto") instead of the
 *	global ones
 *
 * Context: rcu_read_lock() held; the table is valid until it is dropped.
 * Return: a table of nr_node_ids weights (0: no override, use the weight
 * underneath), or %NULL if current's cgroup overrides no weight.
 */
static inline const u8 *mpolcg_il_weights(bool *autow)
{
	if (static_branch_unlikely(&mpolcg_in_use))
		return __mpolcg_il_weights(autow);
	*autow = false;
	return NULL;
}

#else /* CONFIG_CGROUP_MPOL */

static inline struct mempolicy *mpolcg_policy_hold(bool anon)
{
	return NULL;
}

static inline void mpolcg_policy_release(void)
{
}

static inline struct mempolicy *mpolcg_task_policy_peek(struct task_struct *p,
							bool anon)
{
	return NULL;
}

static inline const u8 *mpolcg_il_weights(bool *autow)
{
	*autow = false;
	return NULL;
}

static inline void mpolcg_count_fallback(void)
{
}

static inline void mpolcg_task_free(struct task_struct *p)
{
}

#endif /* CONFIG_CGROUP_MPOL */

#endif /* _LINUX_MPOL_CGROUP_H */
