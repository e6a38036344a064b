// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of the dispatch core's environment: per-CPU method
 * counters and the gate calls pass.
 */
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/mutex.h>
#include <linux/u64_stats_sync.h>
#include <linux/vmalloc.h>

#include "ucb_env.h"
#include "ucb_test_breakage.h"

/*
 * One method's counters on one CPU.  Each call bumps exactly one of
 * @successes and @errors, so any read of the pair has errors <= calls; the
 * u64_stats_sync makes that read whole on 32-bit kernels too.
 */
struct ucb_stat {
	u64_stats_t successes;
	u64_stats_t errors;
	struct u64_stats_sync syncp;
};

/* What a reset subtracts: the sums over all CPUs when it ran. */
struct ucb_stat_base {
	u64 successes;
	u64 errors;
};

/*
 * Per-CPU so that concurrent callers never share a cache line on the call
 * path.  A CPU's counters are only ever written by that CPU: a reset
 * records a baseline instead of writing them, so it cannot lose a count
 * racing with it, nor be undone by one.
 */
struct ucb_stats {
	u32 count;
	struct ucb_stat __percpu *percpu;
	struct mutex base_lock;	/* protects @base */
	struct ucb_stat_base *base;
};

struct ucb_stats *ucb_env_stats_alloc(u32 count)
{
	struct ucb_stats *stats;
	int cpu;
	u32 i;

	stats = kzalloc(sizeof(*stats), GFP_KERNEL);
	if (!stats)
		return NULL;
	stats->count = count;
	mutex_init(&stats->base_lock);
	stats->base = kcalloc(count, sizeof(*stats->base), GFP_KERNEL);
	if (!stats->base)
		goto free_stats;
	stats->percpu = __alloc_percpu(array_size(count,
						  sizeof(struct ucb_stat)),
				       __alignof__(struct ucb_stat));
	if (!stats->percpu)
		goto free_base;
	for_each_possible_cpu(cpu)
		for (i = 0; i < count; i++)
			u64_stats_init(&per_cpu_ptr(stats->percpu, cpu)[i].syncp);
	return stats;

free_base:
	kfree(stats->base);
free_stats:
	kfree(stats);
	return NULL;
}

void ucb_env_stats_free(struct ucb_stats *stats)
{
	if (!stats)
		return;
	mutex_destroy(&stats->base_lock);
	free_percpu(stats->percpu);
	kfree(stats->base);
	kfree(stats);
}

void ucb_env_stats_count(struct ucb_stats *stats, u32 index, bool error)
{
	struct ucb_stat *stat = &get_cpu_ptr(stats->percpu)[index];

	u64_stats_update_begin(&stat->syncp);
	u64_stats_inc(error ? &stat->errors : &stat->successes);
	u64_stats_update_end(&stat->syncp);
	put_cpu_ptr(stats->percpu);
}

/* The sums over all CPUs since load; each only grows. */
static void ucb_stats_sum(struct ucb_stats *stats, u32 index,
			  struct ucb_stat_base *sum)
{
	unsigned int start;
	u64 successes, errors;
	int cpu;

	sum->successes = 0;
	sum->errors = 0;
	for_each_possible_cpu(cpu) {
		struct ucb_stat *stat = &per_cpu_ptr(stats->percpu, cpu)[index];

		do {
			start = u64_stats_fetch_begin(&stat->syncp);
			successes = u64_stats_read(&stat->successes);
			errors = u64_stats_read(&stat->errors);
		} while (u64_stats_fetch_retry(&stat->syncp, start));
		sum->successes += successes;
		sum->errors += errors;
	}
}

void ucb_env_stats_read(struct ucb_stats *stats, u32 index,
			u64 *calls, u64 *errors)
{
	struct ucb_stat_base sum;

	/* Under the lock, so that a reset is wholly before or after. */
	mutex_lock(&stats->base_lock);
	ucb_stats_sum(stats, index, &sum);
	sum.successes -= stats->base[index].successes;
	sum.errors -= stats->base[index].errors;
	mutex_unlock(&stats->base_lock);
	*errors = sum.errors;
	*calls = sum.successes + sum.errors;
}

void ucb_env_stats_reset(struct ucb_stats *stats)
{
	u32 i;

	mutex_lock(&stats->base_lock);
	for (i = 0; i < stats->count; i++)
		ucb_stats_sum(stats, i, &stats->base[i]);
	mutex_unlock(&stats->base_lock);
}

void ucb_env_gate_close(struct ucb_env_gate *gate)
{
	WRITE_ONCE(gate->closed, true);
	synchronize_srcu(&gate->srcu);
}

#ifdef UCB_TEST_BREAK_COPY_ONCE
/*
 * Test-only broken variant (see ucb_test_breakage.h): map the caller's pages
 * into the kernel and let the method read them live, as an IOKit driver
 * mapping structureInputDescriptor does.
 */
int ucb_env_map_user_live(struct ucb_buffer *buf, const void __user *src,
			  size_t size)
{
	unsigned long start = untagged_addr((unsigned long)src);
	unsigned long offset = offset_in_page(start);
	int nr = DIV_ROUND_UP(offset + size, PAGE_SIZE);
	struct page **pages;
	void *vaddr;
	int pinned;

	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	pinned = pin_user_pages_fast(start & PAGE_MASK, nr, 0, pages);
	if (pinned != nr)
		goto unpin_pages;
	vaddr = vmap(pages, nr, VM_MAP, PAGE_KERNEL_RO);
	if (!vaddr)
		goto unpin_pages;
	kvfree(pages);
	buf->data = vaddr + offset;
	buf->size = size;
	return 0;

unpin_pages:
	if (pinned > 0)
		unpin_user_pages(pages, pinned);
	kvfree(pages);
	return -EFAULT;
}

void ucb_env_unmap_user_live(struct ucb_buffer *buf)
{
	unsigned long offset = offset_in_page(buf->data);
	void *base = buf->data - offset;
	int i, nr = DIV_ROUND_UP(offset + buf->size, PAGE_SIZE);

	for (i = 0; i < nr; i++)
		unpin_user_page(vmalloc_to_page(base + i * PAGE_SIZE));
	vunmap(base);
}
#endif

void ucb_env_cond_resched(void)
{
	cond_resched();
}
