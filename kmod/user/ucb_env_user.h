/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dispatch core's environment in userspace, for the in-process mock
 * (see kmod/core/ucb_env.h for the contract).
 *
 * "User" pointers are ordinary pointers of this process.  They are read and
 * written with process_vm_readv()/process_vm_writev() on ourselves, so a bad
 * pointer yields EFAULT exactly like the kernel's copy_from_user() instead
 * of crashing the process.
 */
#ifndef _UCB_ENV_USER_H
#define _UCB_ENV_USER_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/types.h>

typedef __u8 u8;
typedef __u32 u32;
typedef __u64 u64;

#define __user
#define __percpu

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define noinline		__attribute__((__noinline__))
#ifndef __always_inline		/* glibc's <sys/cdefs.h> has one */
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)
#define min(a, b)		((a) < (b) ? (a) : (b))
#define min_t(type, a, b)	min((type)(a), (type)(b))
#define u64_to_user_ptr(x)	((void __user *)(uintptr_t)(x))
#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

bool ucb_env_warn(const char *cond, const char *file, int line);

/* Reports once per call site, like the kernel's, and never aborts. */
#define WARN_ON_ONCE(cond) ({						\
	static atomic_bool __warned;					\
	bool __c = !!(cond);						\
	if (unlikely(__c) && !atomic_exchange(&__warned, true))		\
		ucb_env_warn(#cond, __FILE__, __LINE__);		\
	__c;								\
})

/* The kernel's generic array_index_mask_nospec(). */
static inline unsigned long ucb_index_mask_nospec(unsigned long index,
						  unsigned long size)
{
	return ~(long)(index | (size - 1UL - index)) >>
	       (sizeof(long) * 8 - 1);
}

#define array_index_nospec(index, size)					\
	((__typeof__(index))((index) &					\
			     ucb_index_mask_nospec((index), (size))))

unsigned long copy_from_user(void *to, const void __user *from,
			     unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from,
			   unsigned long n);

/* One copy either way: the kernel's word-by-word window has no mock cost. */
#define ucb_copy_small_from_user(to, from, n)	copy_from_user(to, from, n)
#define ucb_copy_small_to_user(to, from, n)	copy_to_user(to, from, n)

void *ucb_env_alloc(size_t size);
void *ucb_env_zalloc(size_t size);
void ucb_env_free(void *p);

struct ucb_stats;
void ucb_env_stats_count(struct ucb_stats *stats, u32 index, bool error);

/* A mock connection says for itself whether it is privileged. */
struct ucb_env_client {
	bool admin;
};

static inline bool ucb_env_client_is_admin(const struct ucb_env_client *env)
{
	return env->admin;
}

typedef atomic_bool ucb_flag_t;
#define ucb_flag_trylock(f)	\
	(!atomic_exchange_explicit((f), true, memory_order_acquire))
#define ucb_flag_unlock(f)	\
	atomic_store_explicit((f), false, memory_order_release)

#define EXPORT_SYMBOL_GPL(sym)	extern int ucb_exported_##sym

typedef atomic_long ucb_ref_t;
#define ucb_ref_init(r)		atomic_store((r), 1)
#define ucb_ref_get(r)		atomic_fetch_add((r), 1)
#define ucb_ref_put(r)		(atomic_fetch_sub((r), 1) == 1)

#define ucb_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define ucb_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

struct ucb_env_mutex {
	pthread_mutex_t mutex;
};

#define ucb_env_mutex_init(m)		pthread_mutex_init(&(m)->mutex, NULL)
#define ucb_env_mutex_destroy(m)	pthread_mutex_destroy(&(m)->mutex)
#define ucb_env_mutex_lock(m)		pthread_mutex_lock(&(m)->mutex)
#define ucb_env_mutex_unlock(m)		pthread_mutex_unlock(&(m)->mutex)

/*
 * A read-write lock: every ioctl holds it shared, closing takes it
 * exclusive, which waits for every call in.
 */
struct ucb_env_gate {
	pthread_rwlock_t lock;
	atomic_bool closed;
};

int ucb_env_gate_init(struct ucb_env_gate *gate);
void ucb_env_gate_destroy(struct ucb_env_gate *gate);
int ucb_env_gate_enter(struct ucb_env_gate *gate);
void ucb_env_gate_exit(struct ucb_env_gate *gate, int token);
#define ucb_env_gate_closed(g)	atomic_load(&(g)->closed)
void ucb_env_gate_close(struct ucb_env_gate *gate);

/* A mock device has no node. */
struct ucb_env_device {
};

/* Mapped memory comes in the host's pages. */
#define UCB_PAGE_SIZE		ucb_env_page_size()
u32 ucb_env_page_size(void);

/* Memory a client maps: a memfd, which the "kernel" side maps too. */
struct ucb_env_memory {
	int fd;
};

/*
 * mmap() of a client's memory for the mock's callers, with the kernel's
 * checks (ucb_client_map()) and the kernel's rules: a read-only type is
 * mapped through a read-only descriptor, so mprotect() cannot make it
 * writable, and no mapping is inherited across fork() (MADV_DONTFORK, as
 * VM_DONTCOPY).  Returns the mapping, or NULL and -errno in *err.
 */
struct ucb_client;
void *ucb_mock_mmap(struct ucb_client *client, size_t length, int prot,
		    int flags, u64 offset, int *err);

/* The event queue's lock: a mutex serves, there are no interrupts. */
typedef pthread_mutex_t ucb_spinlock_t;
#define ucb_spin_init(l)		pthread_mutex_init((l), NULL)
#define ucb_spin_lock(l, flags)		\
	do { (flags) = 0; pthread_mutex_lock(l); } while (0)
#define ucb_spin_unlock(l, flags)	\
	do { (void)(flags); pthread_mutex_unlock(l); } while (0)

#define ucb_env_alloc_nowait(size)	ucb_env_alloc(size)

/*
 * Who waits for a client's events.  @fd, an eventfd, is readable while
 * the queue is (ucb_env_events_signal() keeps it so, under the queue's
 * lock): what the mock's callers poll() instead of a device descriptor.
 * @lock and @cond: close waiting for pending calls.
 */
struct ucb_env_events {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fd;
	bool signaled;
};

int ucb_env_events_init(struct ucb_env_events *events);
void ucb_env_events_destroy(struct ucb_env_events *events);
void ucb_env_events_signal(struct ucb_env_events *events, bool readable);
void ucb_env_events_wake(struct ucb_env_events *events);
#define ucb_env_events_wait(e, condition)				\
	do {								\
		pthread_mutex_lock(&(e)->lock);				\
		while (!(condition))					\
			pthread_cond_wait(&(e)->cond, &(e)->lock);	\
		pthread_mutex_unlock(&(e)->lock);			\
	} while (0)

/* The client's pollable descriptor, for the mock's callers. */
int ucb_mock_events_fd(struct ucb_client *client);

/*
 * Deferred work for the reference driver's async methods: one worker
 * thread runs them in deadline order, as the kernel's system workqueue
 * would.  It never touches a work item after its function returned, so
 * the function may free it.
 */
struct ucb_env_work {
	void (*fn)(struct ucb_env_work *work);
	struct ucb_env_work *next;
	u64 deadline_ns;
	bool queued;
	bool cancelling;
};

typedef atomic_long ucb_counter_t;
#define ucb_counter_inc(c)	atomic_fetch_add((c), 1)
#define ucb_counter_dec(c)	atomic_fetch_sub((c), 1)
#define ucb_counter_read(c)	atomic_load(c)


#endif /* _UCB_ENV_USER_H */
