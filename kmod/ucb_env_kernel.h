/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dispatch core's environment inside the kernel (see ucb_env.h).
 */
#ifndef _UCB_ENV_KERNEL_H
#define _UCB_ENV_KERNEL_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/uaccess.h>

static inline void *ucb_env_alloc(size_t size)
{
	return kvmalloc(size, GFP_KERNEL_ACCOUNT);
}

static inline void *ucb_env_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL_ACCOUNT);
}

static inline void ucb_env_free(void *p)
{
	kvfree(p);
}

/* The kernel asks the calling task, so a connection carries nothing. */
struct ucb_env_client {
};

static inline bool ucb_env_client_is_admin(const struct ucb_env_client *env)
{
	return capable(CAP_SYS_ADMIN);
}

typedef unsigned long ucb_flag_t;
#define ucb_flag_trylock(f)	(!test_and_set_bit_lock(0, (f)))
#define ucb_flag_unlock(f)	clear_bit_unlock(0, (f))

typedef atomic_long_t ucb_counter_t;
#define ucb_counter_inc(c)	atomic_long_inc(c)
#define ucb_counter_dec(c)	atomic_long_dec(c)
#define ucb_counter_read(c)	atomic_long_read(c)

struct ucb_stats;
struct ucb_stats *ucb_env_stats_alloc(u32 count);
void ucb_env_stats_free(struct ucb_stats *stats);
void ucb_env_stats_count(struct ucb_stats *stats, u32 index, bool error);
void ucb_env_stats_read(struct ucb_stats *stats, u32 index,
			u64 *calls, u64 *errors);
void ucb_env_stats_reset(struct ucb_stats *stats);

u32 ucb_env_crc32c(u32 crc, const void *data, size_t len);
int ucb_env_path_stat(const char *path, u64 *ino, u32 *mode, u64 *size);
void ucb_env_delay_us(unsigned int us);
void ucb_env_cond_resched(void);

#endif /* _UCB_ENV_KERNEL_H */
