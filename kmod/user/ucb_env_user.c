// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace side of the dispatch core's environment (see ucb_env.h).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ucb_env.h"
#include "ucb_test_breakage.h"

bool ucb_env_warn(const char *cond, const char *file, int line)
{
	fprintf(stderr, "ucbridge mock: WARNING: %s at %s:%d\n",
		cond, file, line);
	return true;
}

/*
 * process_vm_readv() on our own pid copies between two ranges of this
 * process and reports a fault as EFAULT instead of raising SIGSEGV.  Like
 * the kernel, a short copy zero-fills the rest of a read destination.
 */
static unsigned long ucb_copy_self(void *to, const void *from,
				   unsigned long n, bool to_user)
{
	struct iovec local, remote;
	unsigned long done = 0;

	while (done < n) {
		ssize_t got;

		/*
		 * The user side may be any address, NULL included: offset it
		 * as an integer, since NULL + n is undefined in C.
		 */
		local.iov_base = to_user ? (void *)((const char *)from + done)
					 : (char *)to + done;
		remote.iov_base = (void *)((uintptr_t)(to_user ? to : from) +
					   done);
		local.iov_len = remote.iov_len = n - done;
		got = to_user ?
		      process_vm_writev(getpid(), &local, 1, &remote, 1, 0) :
		      process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		done += (unsigned long)got;
	}
	if (!to_user && done < n)
		memset((char *)to + done, 0, n - done);
	return n - done;
}

unsigned long copy_from_user(void *to, const void __user *from,
			     unsigned long n)
{
	return n ? ucb_copy_self(to, from, n, false) : 0;
}

unsigned long copy_to_user(void __user *to, const void *from,
			   unsigned long n)
{
	return n ? ucb_copy_self(to, from, n, true) : 0;
}

void *ucb_env_alloc(size_t size)
{
	return malloc(size ? size : 1);
}

void *ucb_env_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void ucb_env_free(void *p)
{
	free(p);
}

int ucb_env_gate_init(struct ucb_env_gate *gate)
{
	pthread_rwlockattr_t attr;
	int err;

	atomic_init(&gate->closed, false);
	/* Closing must not starve behind a stream of calls. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	err = pthread_rwlock_init(&gate->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	return -err;
}

void ucb_env_gate_destroy(struct ucb_env_gate *gate)
{
	pthread_rwlock_destroy(&gate->lock);
}

int ucb_env_gate_enter(struct ucb_env_gate *gate)
{
	pthread_rwlock_rdlock(&gate->lock);
	return 0;
}

void ucb_env_gate_exit(struct ucb_env_gate *gate, int token)
{
	pthread_rwlock_unlock(&gate->lock);
}

void ucb_env_gate_close(struct ucb_env_gate *gate)
{
	pthread_rwlock_wrlock(&gate->lock);
	atomic_store(&gate->closed, true);
	pthread_rwlock_unlock(&gate->lock);
}

/*
 * Each call bumps exactly one of @successes and @errors, so any read of the
 * pair has errors <= calls.  A reset records a baseline under @base_lock
 * instead of writing the counters, so it never loses a count racing it.
 */
struct ucb_stat {
	atomic_uint_least64_t successes;
	atomic_uint_least64_t errors;
	u64 base_successes;
	u64 base_errors;
};

struct ucb_stats {
	u32 count;
	pthread_mutex_t base_lock;
	struct ucb_stat stat[];
};

struct ucb_stats *ucb_env_stats_alloc(u32 count)
{
	struct ucb_stats *stats;

	stats = calloc(1, sizeof(*stats) + (size_t)count * sizeof(stats->stat[0]));
	if (!stats)
		return NULL;
	stats->count = count;
	pthread_mutex_init(&stats->base_lock, NULL);
	return stats;
}

void ucb_env_stats_free(struct ucb_stats *stats)
{
	if (!stats)
		return;
	pthread_mutex_destroy(&stats->base_lock);
	free(stats);
}

void ucb_env_stats_count(struct ucb_stats *stats, u32 index, bool error)
{
	struct ucb_stat *stat = &stats->stat[index];

	atomic_fetch_add_explicit(error ? &stat->errors : &stat->successes, 1,
				  memory_order_relaxed);
}

void ucb_env_stats_read(struct ucb_stats *stats, u32 index,
			u64 *calls, u64 *errors)
{
	struct ucb_stat *stat = &stats->stat[index];
	u64 successes;

	pthread_mutex_lock(&stats->base_lock);
	successes = atomic_load(&stat->successes) - stat->base_successes;
	*errors = atomic_load(&stat->errors) - stat->base_errors;
	pthread_mutex_unlock(&stats->base_lock);
	*calls = successes + *errors;
}

void ucb_env_stats_reset(struct ucb_stats *stats)
{
	u32 i;

	pthread_mutex_lock(&stats->base_lock);
	for (i = 0; i < stats->count; i++) {
		stats->stat[i].base_successes =
			atomic_load(&stats->stat[i].successes);
		stats->stat[i].base_errors =
			atomic_load(&stats->stat[i].errors);
	}
	pthread_mutex_unlock(&stats->base_lock);
}

#define CRC32C_POLY_REFLECTED	0x82f63b78U

static u32 crc32c_table[8][256];

static void crc32c_init_table(void)
{
	u32 i, j, crc;

	for (i = 0; i < 256; i++) {
		crc = i;
		for (j = 0; j < 8; j++)
			crc = (crc >> 1) ^ (CRC32C_POLY_REFLECTED & -(crc & 1));
		crc32c_table[0][i] = crc;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			crc32c_table[j][i] = (crc32c_table[j - 1][i] >> 8) ^
				crc32c_table[0][crc32c_table[j - 1][i] & 0xff];
}

/* Slicing-by-8: eight table lookups per 64-bit word. */
static u32 crc32c_sw(u32 crc, const u8 *p, size_t len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, crc32c_init_table);
	while (len >= 8) {
		u64 w;

		memcpy(&w, p, 8);
		w ^= crc;
		crc = crc32c_table[7][w & 0xff] ^
		      crc32c_table[6][(w >> 8) & 0xff] ^
		      crc32c_table[5][(w >> 16) & 0xff] ^
		      crc32c_table[4][(w >> 24) & 0xff] ^
		      crc32c_table[3][(w >> 32) & 0xff] ^
		      crc32c_table[2][(w >> 40) & 0xff] ^
		      crc32c_table[1][(w >> 48) & 0xff] ^
		      crc32c_table[0][w >> 56];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ crc32c_table[0][(crc ^ *p++) & 0xff];
	return crc;
}

#if defined(__x86_64__)
/* The SSE4.2 crc32 instruction computes exactly CRC32C. */
__attribute__((target("sse4.2")))
static u32 crc32c_sse42(u32 crc, const u8 *p, size_t len)
{
	u64 crc64 = crc;

	while (len >= 8) {
		u64 w;

		memcpy(&w, p, 8);
		crc64 = __builtin_ia32_crc32di(crc64, w);
		p += 8;
		len -= 8;
	}
	crc = (u32)crc64;
	while (len--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}

u32 ucb_env_crc32c(u32 crc, const void *data, size_t len)
{
	if (__builtin_cpu_supports("sse4.2"))
		return crc32c_sse42(crc, data, len);
	return crc32c_sw(crc, data, len);
}
#else
u32 ucb_env_crc32c(u32 crc, const void *data, size_t len)
{
	return crc32c_sw(crc, data, len);
}
#endif

int ucb_env_path_stat(const char *path, u64 *ino, u32 *mode, u64 *size)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	*ino = st.st_ino;
	*mode = st.st_mode;
	*size = (u64)st.st_size;
	return 0;
}

void ucb_env_delay_us(unsigned int us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (long)(us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void ucb_env_cond_resched(void)
{
}

void ucb_env_count(u64 *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

u32 ucb_env_page_size(void)
{
	return (u32)sysconf(_SC_PAGESIZE);
}

int ucb_env_memory_alloc(struct ucb_memory *memory, u32 size)
{
	int fd = memfd_create("ucbridge-memory", MFD_CLOEXEC);
	void *kaddr;

	if (fd < 0)
		return -ENOMEM;
	kaddr = ftruncate(fd, size) ? MAP_FAILED :
		mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (kaddr == MAP_FAILED) {
		close(fd);
		return -ENOMEM;
	}
	memory->kaddr = kaddr;
	memory->size = size;
	memory->env.fd = fd;
	return 0;
}

void ucb_env_memory_free(struct ucb_memory *memory)
{
	if (!memory->kaddr)
		return;
	munmap(memory->kaddr, memory->size);
	close(memory->env.fd);
	memory->kaddr = NULL;
}

void *ucb_mock_mmap(struct ucb_client *client, size_t length, int prot,
		    int flags, u64 offset, int *err)
{
	struct ucb_memory *memory;
	char path[64];
	bool read_only;
	void *p;
	int fd;

	*err = ucb_client_map(client, offset, length, flags & MAP_SHARED,
			      prot & PROT_WRITE, &memory, &read_only);
	if (*err)
		return NULL;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memory->env.fd);
	fd = read_only ? open(path, O_RDONLY | O_CLOEXEC) : memory->env.fd;
	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	p = mmap(NULL, length, prot, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		*err = -errno;
	else if (madvise(p, length, MADV_DONTFORK))
		*err = -errno;
	if (read_only)
		close(fd);
	if (*err && p != MAP_FAILED)
		munmap(p, length);
	return *err ? NULL : p;
}

int ucb_env_events_init(struct ucb_env_events *events)
{
	events->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (events->fd < 0)
		return -errno;
	events->signaled = false;
	pthread_mutex_init(&events->lock, NULL);
	pthread_cond_init(&events->cond, NULL);
	return 0;
}

void ucb_env_events_destroy(struct ucb_env_events *events)
{
	pthread_cond_destroy(&events->cond);
	pthread_mutex_destroy(&events->lock);
	close(events->fd);
}

/* Under the queue's lock, so the descriptor never says otherwise. */
void ucb_env_events_signal(struct ucb_env_events *events, bool readable)
{
	u64 value = 1;

	if (readable == events->signaled)
		return;
	/* An eventfd counter of 1 is readable; reading it makes it 0. */
	if (readable ? write(events->fd, &value, sizeof(value)) :
		       read(events->fd, &value, sizeof(value)))
		events->signaled = readable;
}

void ucb_env_events_wake(struct ucb_env_events *events)
{
	pthread_mutex_lock(&events->lock);
	pthread_cond_broadcast(&events->cond);
	pthread_mutex_unlock(&events->lock);
}

int ucb_mock_events_fd(struct ucb_client *client)
{
	return client->events_env.fd;
}

/*
 * The mock's workqueue: one thread runs due work in deadline order.  It
 * reads nothing of a work item once its function has started, so the
 * function may free it, as the kernel's workqueue allows.
 */
static struct {
	pthread_once_t once;
	pthread_mutex_t lock;
	pthread_cond_t queued;		/* the worker: new or earlier work */
	pthread_cond_t finished;	/* cancellers: @running changed */
	struct ucb_env_work *head;	/* by deadline */
	struct ucb_env_work *running;
} ucb_workq = {
	.once = PTHREAD_ONCE_INIT,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.finished = PTHREAD_COND_INITIALIZER,
};

static u64 ucb_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000 + (u64)ts.tv_nsec;
}

static void *ucb_workq_thread(void *unused)
{
	struct ucb_env_work *work;
	struct timespec until;

	pthread_mutex_lock(&ucb_workq.lock);
	for (;;) {
		work = ucb_workq.head;
		if (!work) {
			pthread_cond_wait(&ucb_workq.queued, &ucb_workq.lock);
			continue;
		}
		if (work->deadline_ns > ucb_monotonic_ns()) {
			until.tv_sec = work->deadline_ns / 1000000000;
			until.tv_nsec = work->deadline_ns % 1000000000;
			pthread_cond_timedwait(&ucb_workq.queued,
					       &ucb_workq.lock, &until);
			continue;
		}
		ucb_workq.head = work->next;
		work->queued = false;
		ucb_workq.running = work;
		pthread_mutex_unlock(&ucb_workq.lock);
		work->fn(work);
		pthread_mutex_lock(&ucb_workq.lock);
		ucb_workq.running = NULL;
		pthread_cond_broadcast(&ucb_workq.finished);
	}
	return NULL;
}

static void ucb_workq_start(void)
{
	pthread_condattr_t attr;
	pthread_t thread;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&ucb_workq.queued, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&thread, NULL, ucb_workq_thread, NULL))
		abort();
	pthread_detach(thread);
}

void ucb_env_work_init(struct ucb_env_work *work,
		       void (*fn)(struct ucb_env_work *work))
{
	memset(work, 0, sizeof(*work));
	work->fn = fn;
}

void ucb_env_work_schedule(struct ucb_env_work *work, u64 delay_us)
{
	struct ucb_env_work **pos;

	pthread_once(&ucb_workq.once, ucb_workq_start);
	pthread_mutex_lock(&ucb_workq.lock);
	/* As queue_delayed_work(): pending work stays as it is. */
	if (!work->queued && !work->cancelling) {
		work->deadline_ns = ucb_monotonic_ns() + delay_us * 1000;
		for (pos = &ucb_workq.head; *pos; pos = &(*pos)->next)
			if ((*pos)->deadline_ns > work->deadline_ns)
				break;
		work->next = *pos;
		*pos = work;
		work->queued = true;
		pthread_cond_signal(&ucb_workq.queued);
	}
	pthread_mutex_unlock(&ucb_workq.lock);
}

bool ucb_env_work_cancel(struct ucb_env_work *work)
{
	struct ucb_env_work **pos;
	bool pending;

	pthread_mutex_lock(&ucb_workq.lock);
	work->cancelling = true;
	pending = work->queued;
	if (pending) {
		for (pos = &ucb_workq.head; *pos != work; pos = &(*pos)->next)
			;
		*pos = work->next;
		work->queued = false;
	}
	/* As cancel_delayed_work_sync(): a running one is waited for. */
	while (ucb_workq.running == work)
		pthread_cond_wait(&ucb_workq.finished, &ucb_workq.lock);
	work->cancelling = false;
	pthread_mutex_unlock(&ucb_workq.lock);
	return pending;
}

#ifdef UCB_TEST_BREAK_COPY_ONCE
/*
 * Test-only broken variant (see ucb_test_breakage.h): hand the method the
 * caller's own memory instead of a copy.  Like pinning the pages in the
 * kernel, this fails with EFAULT where the range is not all mapped.
 */
int ucb_env_map_user_live(struct ucb_buffer *buf, const void __user *src,
			  size_t size)
{
	u8 probe[4096];
	size_t done, n;

	for (done = 0; done < size; done += n) {
		n = min(size - done, sizeof(probe));
		if (copy_from_user(probe, (const u8 *)src + done, n))
			return -EFAULT;
	}
	buf->data = (void *)src;
	buf->size = size;
	return 0;
}

void ucb_env_unmap_user_live(struct ucb_buffer *buf)
{
}
#endif
