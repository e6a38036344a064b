/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment the dispatch core runs in: the kernel, or userspace for
 * the in-process mock.  Each side provides exactly this, and the core uses
 * nothing else:
 *
 * Types and helpers in kernel spelling: u8, u32, u64, bool, size_t, __user,
 * __percpu, min(), min_t(), READ_ONCE(), WRITE_ONCE(), WARN_ON_ONCE(),
 * BUILD_BUG_ON(), offsetof(), container_of(), likely(), unlikely(),
 * noinline, __always_inline, u64_to_user_ptr(), array_index_nospec(),
 * memcpy(), memcmp(), memset(), memchr(), strcmp(), strnlen(), errno values.
 *
 * unsigned long copy_from_user(void *to, const void __user *from,
 *				unsigned long n);
 * unsigned long copy_to_user(void __user *to, const void *from,
 *			      unsigned long n);
 *	Return the number of bytes NOT copied; a fault never crashes.
 * unsigned long ucb_copy_small_from_user(void *to,
 *			const void __user *from, unsigned long n);
 * unsigned long ucb_copy_small_to_user(void __user *to, const void *from,
 *			unsigned long n);
 *	The same for a struct whose size is a compile-time constant multiple
 *	of 4 at 4-byte aligned addresses; 0, or n when anything faulted.
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
 * void ucb_env_cond_resched(void);	let other tasks run, between the
 *					calls of a batch
 *
 * struct ucb_env_memory;		what the environment keeps of a
 *					&struct ucb_memory
 * int ucb_env_memory_alloc(struct ucb_memory *memory, u32 size);
 *					zeroed memory a client can map, at
 *					memory->kaddr; 0 or -ENOMEM
 * void ucb_env_memory_free(struct ucb_memory *memory);	kaddr NULL: nothing
 *
 * ucb_spinlock_t;			the event queue's lock, taken from any
 *					context (timers and interrupts too)
 * ucb_spin_init(l), ucb_spin_lock(l, flags), ucb_spin_unlock(l, flags)
 * void *ucb_env_alloc_nowait(size_t size);	from any context; NULL when
 *					none at once; ucb_env_free() frees it
 *
 * struct ucb_env_events;		who waits for a client's events
 * int ucb_env_events_init(e), void ucb_env_events_destroy(e)
 * ucb_env_events_signal(e, readable);	under the queue's lock: whether an
 *					event (or the end) is there to read
 * ucb_env_events_wake(e);		after a change, from any context
 * ucb_env_events_wait(e, cond);	sleep until cond holds
 *
 * struct ucb_env_gate;			what every ioctl passes, to be shut
 * int ucb_env_gate_init(g), void ucb_env_gate_destroy(g)
 * int ucb_env_gate_enter(g);		a token for ucb_env_gate_exit()
 * void ucb_env_gate_exit(g, token);
 * bool ucb_env_gate_closed(g);		inside: whether it was closed
 * void ucb_env_gate_close(g);		close, and wait for all inside
 *
 * struct ucb_env_mutex;		a sleeping lock
 * ucb_env_mutex_init(m), _destroy(m), _lock(m), _unlock(m)
 *
 * ucb_ref_t;				a reference count
 * ucb_ref_init(r) (to 1), ucb_ref_get(r), bool ucb_ref_put(r) (last?)
 *
 * ucb_load_acquire(p), ucb_store_release(p, v)
 *
 * struct ucb_env_device;		per-device environment state
 * EXPORT_SYMBOL_GPL(sym);		the driver API, for other modules
 *
 * The reference driver's methods need a few more helpers, which its
 * header, reference/ucb_reference.h, lists.
 */
#ifndef _UCB_ENV_H
#define _UCB_ENV_H

#ifdef __KERNEL__
#include "ucb_env_kernel.h"
#else
#include "ucb_env_user.h"
#endif

/*
 * Both environments implement these alike; see the list above.  Each
 * declares ucb_env_stats_count() itself: the kernel's is inline, as every
 * call runs it.
 */
struct ucb_stats;
struct ucb_stats *ucb_env_stats_alloc(u32 count);
void ucb_env_stats_free(struct ucb_stats *stats);
void ucb_env_stats_read(struct ucb_stats *stats, u32 index,
			u64 *calls, u64 *errors);
void ucb_env_stats_reset(struct ucb_stats *stats);
void ucb_env_cond_resched(void);
struct ucb_memory;
int ucb_env_memory_alloc(struct ucb_memory *memory, u32 size);
void ucb_env_memory_free(struct ucb_memory *memory);

#endif /* _UCB_ENV_H */
