/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference driver: the methods every ucbridge test and example uses,
 * portable C built into ucbridge_reference.ko and into the mock.  It uses
 * only the driver API and, for its methods, the helpers below.
 */
#ifndef _UCB_REFERENCE_H
#define _UCB_REFERENCE_H

#include "ucb_env.h"
#include <linux/ucbridge_driver.h>
#include <uapi/linux/ucbridge_reference.h>

/* 0.1.0, as (major << 16 | minor << 8 | patch). */
#define UCB_REFERENCE_VERSION		0x000100
#define UCB_REFERENCE_VERSION_STRING	"0.1.0"

/* Driver-wide bound on variable struct sizes unless configured: 1 MiB. */
#define UCB_REFERENCE_DEFAULT_MAX_STRUCT_SIZE	(1U << 20)

/* Size of each client's UCB_REFERENCE_MEMORY_BUFFER unless configured. */
#define UCB_REFERENCE_DEFAULT_BUFFER_SIZE	(1U << 20)

void ucb_reference_driver_fill(struct ucb_driver *driver, u32 max_struct_size);

/*
 * What the methods need from their environment: ucbridge_reference.c in the
 * kernel, kmod/user/ucb_env_user.c in the mock.
 *
 * ucb_env_crc32c(): raw CRC32C (Castagnoli) update, no pre- or
 *	post-inversion.
 * ucb_env_path_stat(): look up @path as the caller, as stat(2) does:
 *	0 or -errno.
 * ucb_env_delay_us(): sleep for about @us microseconds.
 * ucb_env_count(): add one to a counter other threads may be bumping.
 * ucb_env_work_init(), ucb_env_work_schedule(), ucb_env_work_cancel():
 *	deferred work, as the kernel's delayed_work on the system workqueue:
 *	@fn runs in process context at least @delay_us later, once however
 *	often it is scheduled meanwhile; it may schedule itself again and
 *	may free its work item.  Cancelling waits for a run in progress and
 *	returns whether the work was pending, and so will not run.
 * ucb_env_cond_resched(), declared in ucb_env.h for the core too: the
 *	reference module has its own, since ucbridge.ko does not export it.
 */
u32 ucb_env_crc32c(u32 crc, const void *data, size_t len);
int ucb_env_path_stat(const char *path, u64 *ino, u32 *mode, u64 *size);
void ucb_env_delay_us(unsigned int us);
#ifdef __KERNEL__
/*
 * Inline, as every reference method counts its call with it.  The status
 * page is a plain __u64 array in the uapi header; each counter is
 * naturally aligned, so it can be bumped as an atomic64_t.
 */
static inline void ucb_env_count(u64 *counter)
{
	atomic64_inc((atomic64_t *)counter);
}
#else
void ucb_env_count(u64 *counter);
#endif
void ucb_env_work_init(struct ucb_env_work *work,
		       void (*fn)(struct ucb_env_work *work));
void ucb_env_work_schedule(struct ucb_env_work *work, u64 delay_us);
bool ucb_env_work_cancel(struct ucb_env_work *work);

#endif /* _UCB_REFERENCE_H */
