// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of the dispatch core's environment: per-CPU method
 * counters, CRC32C, path lookup and sleeping.
 */
#include <linux/crc32c.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/percpu.h>
#include <linux/stat.h>
#include <linux/vmalloc.h>

#include "ucb_env.h"
#include "ucb_test_breakage.h"

struct ucb_stat {
	u64 calls;
	u64 errors;
};

/*
 * Per-CPU so that concurrent callers never share a cache line on the call
 * path; readers sum over CPUs.
 */
struct ucb_stats {
	u32 count;
	struct ucb_stat __percpu *percpu;
};

struct ucb_stats *ucb_env_stats_alloc(u32 count)
{
	struct ucb_stats *stats;

	stats = kzalloc(sizeof(*stats), GFP_KERNEL);
	if (!stats)
		return NULL;
	stats->count = count;
	stats->percpu = __alloc_percpu(array_size(count,
						  sizeof(struct ucb_stat)),
				       __alignof__(struct ucb_stat));
	if (!stats->percpu) {
		kfree(stats);
		return NULL;
	}
	return stats;
}

void ucb_env_stats_free(struct ucb_stats *stats)
{
	free_percpu(stats->percpu);
	kfree(stats);
}

void ucb_env_stats_count(struct ucb_stats *stats, u32 index, bool error)
{
	this_cpu_inc(stats->percpu[index].calls);
	if (error)
		this_cpu_inc(stats->percpu[index].errors);
}

void ucb_env_stats_read(struct ucb_stats *stats, u32 index,
			u64 *calls, u64 *errors)
{
	int cpu;

	*calls = 0;
	*errors = 0;
	for_each_possible_cpu(cpu) {
		struct ucb_stat *stat = per_cpu_ptr(&stats->percpu[index], cpu);

		*calls += READ_ONCE(stat->calls);
		*errors += READ_ONCE(stat->errors);
	}
}

void ucb_env_stats_reset(struct ucb_stats *stats)
{
	u32 i;
	int cpu;

	for_each_possible_cpu(cpu) {
		for (i = 0; i < stats->count; i++) {
			struct ucb_stat *stat;

			stat = per_cpu_ptr(&stats->percpu[i], cpu);
			WRITE_ONCE(stat->calls, 0);
			WRITE_ONCE(stat->errors, 0);
		}
	}
}

u32 ucb_env_crc32c(u32 crc, const void *data, size_t len)
{
	/* crc32c() takes an unsigned int length: feed it in pieces. */
	while (len) {
		unsigned int n = min_t(size_t, len, UINT_MAX);

		crc = crc32c(crc, data, n);
		data += n;
		len -= n;
	}
	return crc;
}

int ucb_env_path_stat(const char *name, u64 *ino, u32 *mode, u64 *size)
{
	struct path path;
	struct kstat stat;
	int err;

	err = kern_path(name, LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	err = vfs_getattr(&path, &stat, STATX_INO | STATX_MODE | STATX_SIZE,
			  AT_STATX_SYNC_AS_STAT);
	path_put(&path);
	if (err)
		return err;
	*ino = stat.ino;
	*mode = stat.mode;
	*size = stat.size;
	return 0;
}

void ucb_env_delay_us(unsigned int us)
{
	fsleep(us);
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
