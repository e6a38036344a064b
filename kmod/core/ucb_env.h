/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment the dispatch core runs in: the kernel, or userspace for
 * the in-process mock.  Each side provides exactly this, and the core uses
 * nothing else:
 *
 * Types and helpers in kernel spelling: u8, u32, u64, bool, size_t, __user,
 * __percpu, min(), min_t(), READ_ONCE(), WRITE_ONCE(), WARN_ON_ONCE(),
 * BUILD_BUG_ON(),
 * offsetof(), unlikely(), u64_to_user_ptr(), array_index_nospec(),
 * memcpy(), memset(), memchr(), strnlen(), errno values.
 *
 * unsigned long copy_from_user(void *to, const void __user *from,
 *				unsigned long n);
 * unsigned long copy_to_user(void __user *to, const void *from,
 *			      unsigned long n);
 *	Return the number of bytes NOT copied; a fault never crashes.
 *
 * void *ucb_env_alloc(size_t size);	kvmalloc(); NULL when out of memory
 * void *ucb_env_zalloc(size_t size);	kvzalloc()
 * void ucb_env_free(void *p);		kvfree()
 *
 * struct ucb_env_client;		per-connection environment state
 * bool ucb_env_client_is_admin(const struct ucb_env_client *env);
 *					CAP_SYS_ADMIN
 *
 * ucb_counter_t;			an atomic long
 * ucb_counter_inc(c), ucb_counter_dec(c), ucb_counter_read(c)
 *
 * ucb_flag_t;				a one-bit try-lock, zero-initialized
 * bool ucb_flag_trylock(ucb_flag_t *f);	true when taken (acquire)
 * void ucb_flag_unlock(ucb_flag_t *f);	(release)
 *
 * struct ucb_stats;			per-method call and error counters,
 *					cheap to bump from many CPUs at once;
 *					a read is consistent (errors <= calls)
 *					and a reset never loses a count made
 *					after it
 * struct ucb_stats *ucb_env_stats_alloc(u32 count);
 * void ucb_env_stats_free(struct ucb_stats *stats);	NULL: nothing
 * void ucb_env_stats_count(struct ucb_stats *stats, u32 index, bool error);
 * void ucb_env_stats_read(struct ucb_stats *stats, u32 index,
 *			   u64 *calls, u64 *errors);
 * void ucb_env_stats_reset(struct ucb_stats *stats);
 *
 * u32 ucb_env_crc32c(u32 crc, const void *data, size_t len);
 *	Raw CRC32C (Castagnoli) update: no pre- or post-inversion.
 * int ucb_env_path_stat(const char *path, u64 *ino, u32 *mode, u64 *size);
 *	Look up @path as the caller, following symlinks: 0 or -errno.
 * void ucb_env_delay_us(unsigned int us);
 *	Sleep for about @us microseconds.
 * void ucb_env_cond_resched(void);
 *	Let other tasks run, in a long loop of a method.
 */
#ifndef _UCB_ENV_H
#define _UCB_ENV_H

#ifdef __KERNEL__
#include "ucb_env_kernel.h"
#else
#include "ucb_env_user.h"
#endif

#endif /* _UCB_ENV_H */
