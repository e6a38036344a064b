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
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/* Mapped memory comes in pages. */
#define UCB_PAGE_SIZE		PAGE_SIZE

/* vmalloc memory: its address is all the core needs. */
struct ucb_env_memory {
};

/* vm_flags changes through helpers from 6.3 on. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define ucb_vm_flags_set(vma, flags)	vm_flags_set(vma, flags)
#define ucb_vm_flags_clear(vma, flags)	vm_flags_clear(vma, flags)
#else
#define ucb_vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#define ucb_vm_flags_clear(vma, flags)	((vma)->vm_flags &= ~(flags))
#endif

/* struct class's devnode() takes a const device from 6.2 on. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define UCB_DEVNODE_CONST	const
#else
#define UCB_DEVNODE_CONST
#endif

/*
 * A small struct of constant size, a multiple of 4 bytes at a 4-byte
 * aligned address, in one user access window: a load or store per word,
 * with neither a call into the copy routine nor its per-byte loop (a
 * rep movsb on CPUs with ERMS).  The whole struct counts as not copied on
 * a fault.
 */
#define UCB_COPY_SMALL_WORDS(to, from, n, word, access)			\
({									\
	unsigned long __i;						\
									\
	_Pragma("GCC unroll 16")					\
	for (__i = 0; __i < (n) / sizeof(word); __i++)			\
		access;							\
})

static __always_inline unsigned long
ucb_copy_small_from_user(void *to, const void __user *from, unsigned long n)
{
	BUILD_BUG_ON(!__builtin_constant_p(n) || n % sizeof(u32) ||
		     n > 16 * sizeof(u64));
	if (!user_read_access_begin(from, n))
		return n;
	if (n % sizeof(u64) == 0)
		UCB_COPY_SMALL_WORDS(to, from, n, u64,
			unsafe_get_user(((u64 *)to)[__i],
					&((const u64 __user *)from)[__i],
					fault));
	else
		UCB_COPY_SMALL_WORDS(to, from, n, u32,
			unsafe_get_user(((u32 *)to)[__i],
					&((const u32 __user *)from)[__i],
					fault));
	user_read_access_end();
	return 0;
fault:
	user_read_access_end();
	return n;
}

static __always_inline unsigned long
ucb_copy_small_to_user(void __user *to, const void *from, unsigned long n)
{
	BUILD_BUG_ON(!__builtin_constant_p(n) || n % sizeof(u32) ||
		     n > 16 * sizeof(u64));
	if (!user_write_access_begin(to, n))
		return n;
	if (n % sizeof(u64) == 0)
		UCB_COPY_SMALL_WORDS(to, from, n, u64,
			unsafe_put_user(((const u64 *)from)[__i],
					&((u64 __user *)to)[__i], fault));
	else
		UCB_COPY_SMALL_WORDS(to, from, n, u32,
			unsafe_put_user(((const u32 *)from)[__i],
					&((u32 __user *)to)[__i], fault));
	user_write_access_end();
	return 0;
fault:
	user_write_access_end();
	return n;
}

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

typedef refcount_t ucb_ref_t;
#define ucb_ref_init(r)		refcount_set((r), 1)
#define ucb_ref_get(r)		refcount_inc(r)
#define ucb_ref_put(r)		refcount_dec_and_test(r)

#define ucb_load_acquire(p)	smp_load_acquire(p)
#define ucb_store_release(p, v)	smp_store_release((p), (v))

struct ucb_env_mutex {
	struct mutex mutex;
};

#define ucb_env_mutex_init(m)		mutex_init(&(m)->mutex)
#define ucb_env_mutex_destroy(m)	mutex_destroy(&(m)->mutex)
#define ucb_env_mutex_lock(m)		mutex_lock(&(m)->mutex)
#define ucb_env_mutex_unlock(m)		mutex_unlock(&(m)->mutex)

/*
 * SRCU: a reader costs a per-CPU increment, and readers may sleep in a
 * method; closing waits for every reader that could have seen it open.
 */
struct ucb_env_gate {
	struct srcu_struct srcu;
	bool closed;
};

#define ucb_env_gate_init(g)	init_srcu_struct(&(g)->srcu)
#define ucb_env_gate_destroy(g)	cleanup_srcu_struct(&(g)->srcu)
#define ucb_env_gate_enter(g)	srcu_read_lock(&(g)->srcu)
#define ucb_env_gate_exit(g, i)	srcu_read_unlock(&(g)->srcu, (i))
#define ucb_env_gate_closed(g)	READ_ONCE((g)->closed)
void ucb_env_gate_close(struct ucb_env_gate *gate);

/* The node ucbridge.ko publishes for a device (see ucb_main.c). */
struct ucb_env_device {
	struct cdev *cdev;
	struct device *dev;
	int minor;
	struct list_head node;
};

/* A client's event queue is filled from any context, timers included. */
typedef spinlock_t ucb_spinlock_t;
#define ucb_spin_init(l)		spin_lock_init(l)
#define ucb_spin_lock(l, flags)		spin_lock_irqsave((l), (flags))
#define ucb_spin_unlock(l, flags)	spin_unlock_irqrestore((l), (flags))

/* Small records made from any context; ucb_env_free() frees them. */
static inline void *ucb_env_alloc_nowait(size_t size)
{
	return kmalloc(size, GFP_NOWAIT | __GFP_NOWARN);
}

/*
 * Who waits for a client's events: readers and pollers (ucb_main.c), and
 * close waiting for pending calls.  poll() asks the core directly, so
 * there is no readiness to keep.
 */
struct ucb_env_events {
	wait_queue_head_t wait;
};

#define ucb_env_events_init(e)	({ init_waitqueue_head(&(e)->wait); 0; })
#define ucb_env_events_destroy(e)	do { } while (0)
#define ucb_env_events_signal(e, readable)	do { } while (0)
#define ucb_env_events_wake(e)	wake_up_all(&(e)->wait)
#define ucb_env_events_wait(e, cond)	wait_event((e)->wait, cond)

/* Deferred work for the reference driver's async methods. */
struct ucb_env_work {
	struct delayed_work dwork;
	void (*fn)(struct ucb_env_work *work);
};

/*
 * One method's counters on one CPU.  Each call bumps exactly one of
 * @successes and @errors, so any read of the pair has errors <= calls.
 * A 64-bit CPU bumps its own with this_cpu_inc(), one instruction with no
 * preemption to disable, and any CPU reads it whole; a 32-bit kernel needs
 * u64_stats_sync for a whole read.
 */
struct ucb_stat {
#if BITS_PER_LONG == 64
	u64 successes;
	u64 errors;
#else
	u64_stats_t successes;
	u64_stats_t errors;
	struct u64_stats_sync syncp;
#endif
};

/*
 * Per-CPU so that concurrent callers never share a cache line on the call
 * path.  A CPU's counters are only ever written by that CPU: a reset
 * records a baseline instead of writing them, so it cannot lose a count
 * racing with it, nor be undone by one.
 */
struct ucb_stat_base;
struct ucb_stats {
	u32 count;
	struct ucb_stat __percpu *percpu;
	struct mutex base_lock;	/* protects @base */
	struct ucb_stat_base *base;
};

/* Inline: every call counts itself, once. */
static inline void ucb_env_stats_count(struct ucb_stats *stats, u32 index,
				       bool error)
{
#if BITS_PER_LONG == 64
	if (error)
		this_cpu_inc(stats->percpu[index].errors);
	else
		this_cpu_inc(stats->percpu[index].successes);
#else
	struct ucb_stat *stat = &get_cpu_ptr(stats->percpu)[index];

	u64_stats_update_begin(&stat->syncp);
	u64_stats_inc(error ? &stat->errors : &stat->successes);
	u64_stats_update_end(&stat->syncp);
	put_cpu_ptr(stats->percpu);
#endif
}

typedef atomic_long_t ucb_counter_t;
#define ucb_counter_inc(c)	atomic_long_inc(c)
#define ucb_counter_dec(c)	atomic_long_dec(c)
#define ucb_counter_read(c)	atomic_long_read(c)

#endif /* _UCB_ENV_KERNEL_H */
