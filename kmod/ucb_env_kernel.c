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

/* What a reset subtracts: the sums over all CPUs when it ran. */
struct ucb_stat_base {
	u64 successes;
	u64 errors;
};

#if BITS_PER_LONG == 64
static void ucb_stats_init_sync(struct ucb_stats *stats)
{
}

static void ucb_stat_read(struct ucb_stat *stat, u64 *successes, u64 *errors)
{
	*successes = READ_ONCE(stat->successes);
	*errors = READ_ONCE(stat->errors);
}
#else
static void ucb_stats_init_sync(struct ucb_stats *stats)
{
	int cpu;
	u32 i;

	for_each_possible_cpu(cpu)
		for (i = 0; i < stats->count; i++)
			u64_stats_init(&per_cpu_ptr(stats->percpu,
						    cpu)[i].syncp);
}

static void ucb_stat_read(struct ucb_stat *stat, u64 *successes, u64 *errors)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&stat->syncp);
		*successes = u64_stats_read(&stat->successes);
		*errors = u64_stats_read(&stat->errors);
	} while (u64_stats_fetch_retry(&stat->syncp, start));
}
#endif

struct ucb_stats *ucb_env_stats_alloc(u32 count)
{
	struct ucb_stats *stats;

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
	ucb_stats_init_sync(stats);
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

/* The sums over all CPUs since load; each only grows. */
static void ucb_stats_sum(struct ucb_stats *stats, u32 index,
			  struct ucb_stat_base *sum)
{
	u64 successes, errors;
	int cpu;

	sum->successes = 0;
	sum->errors = 0;
	for_each_possible_cpu(cpu) {
		struct ucb_stat *stat = &per_cpu_ptr(stats->percpu, cpu)[index];

		ucb_stat_read(stat, &successes, &errors);
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

/*
 * Not vmalloc_user(): that memory cannot be charged to the opener's memory
 * cgroup, and every client may make some.  ucb_mmap() maps it page by
 * page, as remap_vmalloc_range() would.
 */
int ucb_env_memory_alloc(struct ucb_memory *memory, u32 size)
{
	memory->kaddr = __vmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!memory->kaddr)
		return -ENOMEM;
	memory->size = size;
	return 0;
}

void ucb_env_memory_free(struct ucb_memory *memory)
{
	vfree(memory->kaddr);
	memory->kaddr = NULL;
}
