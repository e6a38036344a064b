// SPDX-License-Identifier: GPL-2.0
/*
 * Timing loops for what a C program does by hand, and the two-thread
 * harness.  Each loop is what a careful C client writes: nothing is hoisted
 * out of the loop that a real caller would redo per call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_alg.h>
#include <linux/ucbridge.h>
#include <linux/ucbridge_reference.h>

#include "cbench.h"
#include "noop_batch.h"

#ifndef AF_ALG
#define AF_ALG 38
#endif

const unsigned long ucbb_ioc_unknown = _IO(UCB_IOC_MAGIC, 0x7f);

uint64_t ucbb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Keeps the compiler from dropping or merging copies nobody reads. */
static inline void ucbb_clobber(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

int64_t ucbb_bare_ioctl(int fd, unsigned long cmd, uint64_t n)
{
	uint64_t start = ucbb_now_ns(), i;

	for (i = 0; i < n; i++)
		if (ioctl(fd, cmd, 0) != -1 || errno != ENOTTY)
			return -EPROTO;
	return (int64_t)(ucbb_now_ns() - start);
}

int64_t ucbb_call_noop(int fd, uint64_t n)
{
	uint64_t start = ucbb_now_ns(), i;

	for (i = 0; i < n; i++) {
		struct ucb_call call = {
			.size = sizeof(call),
			.selector = UCB_SEL_NOOP,
		};

		if (ioctl(fd, UCB_IOC_CALL, &call))
			return -errno;
		if (call.result != UCB_IORETURN_SUCCESS)
			return -EBADMSG;
	}
	return (int64_t)(ucbb_now_ns() - start);
}

const unsigned long ucbb_ioc_call_batch = UCB_IOC_CALL_BATCH;

int ucbb_batch_supported(int fd)
{
	struct ucb_call call = {
		.size = sizeof(call),
		.selector = UCB_SEL_NOOP,
	};
	struct ucb_batch batch = {
		.size = sizeof(batch),
		.count = 1,
		.call_size = sizeof(call),
		.calls = (uintptr_t)&call,
	};

	if (ioctl(fd, UCB_IOC_CALL_BATCH, &batch))
		return -errno;
	if (batch.completed != 1 || call.result != UCB_IORETURN_SUCCESS)
		return -EBADMSG;
	return 0;
}

int64_t ucbb_call_noop_batch(int fd, void *room, uint32_t count, uint64_t n)
{
	struct ucb_call *calls = room;
	uint64_t start = ucbb_now_ns(), i;
	int err;

	if (count == 0 || n % count)
		return -EINVAL;
	for (i = 0; i < n; i += count) {
		struct ucb_batch batch = ucbb_noop_batch(calls, count);

		if (ioctl(fd, UCB_IOC_CALL_BATCH, &batch))
			return -errno;
		err = ucbb_noop_batch_check(&batch, calls);
		if (err)
			return err;
	}
	return (int64_t)(ucbb_now_ns() - start);
}

/*
 * One async call of @selector with no struct and its completion read
 * back: the method answers with the scalar it was given second.
 */
static int ucbb_async_call(int fd, uint32_t selector, uint64_t value)
{
	uint64_t scalars[2] = { 0, value };
	struct ucb_call call = {
		.size = sizeof(call),
		.selector = selector,
		.scalar_in_count = selector == UCB_SEL_DELAYED ? 2 : 0,
		.scalar_in = (uintptr_t)scalars,
	};
	struct ucb_async_call async = {
		.size = sizeof(async),
		.call = (uintptr_t)&call,
		.reference = { value },
	};
	struct ucb_event event;

	if (ioctl(fd, UCB_IOC_CALL_ASYNC, &async))
		return -errno;
	if (call.result != UCB_IORETURN_SUCCESS)
		return -EBADMSG;
	if (read(fd, &event, sizeof(event)) != sizeof(event))
		return -errno;
	if (event.type != UCB_EVENT_COMPLETION || event.id != async.id ||
	    event.result != UCB_IORETURN_SUCCESS || event.reference[0] != value)
		return -EBADMSG;
	return 0;
}

int ucbb_async_supported(int fd)
{
	return ucbb_async_call(fd, UCB_SEL_DELAYED, 1);
}

int64_t ucbb_async_round_trip(int fd, uint32_t selector, uint64_t n)
{
	uint64_t start = ucbb_now_ns(), i;
	int err;

	for (i = 0; i < n; i++) {
		err = ucbb_async_call(fd, selector, i);
		if (err)
			return err;
	}
	return (int64_t)(ucbb_now_ns() - start);
}

int64_t ucbb_call_unknown_selector(int fd, uint64_t n)
{
	uint64_t start = ucbb_now_ns(), i;

	for (i = 0; i < n; i++) {
		struct ucb_call call = {
			.size = sizeof(call),
			.selector = 0xffff,
		};

		if (ioctl(fd, UCB_IOC_CALL, &call))
			return -errno;
		if (call.result != UCB_IORETURN_UNSUPPORTED)
			return -EBADMSG;
	}
	return (int64_t)(ucbb_now_ns() - start);
}

/*
 * @call, made anew for each of @n ioctls as a client would, which must all
 * succeed.
 */
static int64_t ucbb_repeat_call(int fd, const struct ucb_call *call,
				uint64_t n)
{
	uint64_t start = ucbb_now_ns(), i;

	for (i = 0; i < n; i++) {
		struct ucb_call each = *call;

		if (ioctl(fd, UCB_IOC_CALL, &each))
			return -errno;
		if (each.result != UCB_IORETURN_SUCCESS)
			return -EBADMSG;
	}
	return (int64_t)(ucbb_now_ns() - start);
}

int64_t ucbb_call_struct(int fd, uint32_t selector, const void *in,
			 uint32_t size, uint32_t scalar_out_count, uint64_t n,
			 uint64_t *scalar_out)
{
	struct ucb_call call = {
		.size = sizeof(call),
		.selector = selector,
		.struct_in_size = size,
		.struct_in = (uintptr_t)in,
		.scalar_out_count = scalar_out_count,
		.scalar_out = (uintptr_t)scalar_out,
	};

	return ucbb_repeat_call(fd, &call, n);
}

int64_t ucbb_consistency(int fd, const void *in, uint32_t size, uint64_t n,
			 uint64_t *scalar_out)
{
	uint64_t delay = 0;
	struct ucb_call call = {
		.size = sizeof(call),
		.selector = UCB_SEL_CONSISTENCY,
		.scalar_in_count = 1,
		.scalar_in = (uintptr_t)&delay,
		.struct_in_size = size,
		.struct_in = (uintptr_t)in,
		.scalar_out_count = 1,
		.scalar_out = (uintptr_t)scalar_out,
	};

	return ucbb_repeat_call(fd, &call, n);
}

void *ucbb_map_buffer(int fd, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)UCB_MEMORY_OFFSET(UCB_REFERENCE_MEMORY_BUFFER));

	return p == MAP_FAILED ? NULL : p;
}

int64_t ucbb_shared_checksum(int fd, uint64_t length, uint64_t n,
			     uint64_t *scalar_out)
{
	uint64_t in[3] = { 0, length, 0 };
	struct ucb_call call = {
		.size = sizeof(call),
		.selector = UCB_SEL_SHARED_CHECKSUM,
		.scalar_in_count = 3,
		.scalar_in = (uintptr_t)in,
		.scalar_out_count = 3,
		.scalar_out = (uintptr_t)scalar_out,
	};

	return ucbb_repeat_call(fd, &call, n);
}

/* Through a volatile pointer: the real glibc memcpy, never inlined. */
static void *(*volatile ucbb_memcpy_fn)(void *, const void *, size_t) = memcpy;

int64_t ucbb_memcpy(void *dst, const void *src, size_t size, uint64_t n)
{
	uint64_t start = ucbb_now_ns(), i;

	for (i = 0; i < n; i++) {
		ucbb_memcpy_fn(dst, src, size);
		ucbb_clobber(dst);
	}
	return (int64_t)(ucbb_now_ns() - start);
}

int64_t ucbb_rep_movsb(void *dst, const void *src, size_t size, uint64_t n)
{
	uint64_t start = ucbb_now_ns(), i;

	for (i = 0; i < n; i++) {
#if defined(__x86_64__)
		void *d = dst;
		const void *s = src;
		size_t c = size;

		__asm__ volatile("rep movsb"
				 : "+D"(d), "+S"(s), "+c"(c)
				 :
				 : "memory");
#else
		memcpy(dst, src, size);
#endif
		ucbb_clobber(dst);
	}
	return (int64_t)(ucbb_now_ns() - start);
}

int ucbb_memfd(size_t size)
{
	int fd = memfd_create("ucbridge-bench", MFD_CLOEXEC);
	char page[4096];
	size_t done;

	if (fd < 0)
		return -errno;
	memset(page, 0x5a, sizeof(page));
	for (done = 0; done < size; done += sizeof(page)) {
		size_t len = size - done < sizeof(page) ? size - done :
							  sizeof(page);

		if (pwrite(fd, page, len, (off_t)done) != (ssize_t)len) {
			close(fd);
			return -EIO;
		}
	}
	return fd;
}

int64_t ucbb_pwrite(int fd, const void *src, size_t size, uint64_t n)
{
	uint64_t start = ucbb_now_ns(), i;

	for (i = 0; i < n; i++)
		if (pwrite(fd, src, size, 0) != (ssize_t)size)
			return -EIO;
	return (int64_t)(ucbb_now_ns() - start);
}

int ucbb_afalg_crc32c(void)
{
	struct sockaddr_alg sa = {
		.salg_family = AF_ALG,
		.salg_type = "hash",
		.salg_name = "crc32c",
	};
	int tfm, op;

	tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (tfm < 0)
		return -errno;
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(tfm);
		return err;
	}
	op = accept4(tfm, NULL, NULL, SOCK_CLOEXEC);
	if (op < 0)
		op = -errno;
	close(tfm);
	return op;
}

int64_t ucbb_afalg_hash(int opfd, const void *buf, size_t size, uint64_t n,
			uint32_t *crc)
{
	uint64_t start = ucbb_now_ns(), i;
	uint8_t digest[4];

	for (i = 0; i < n; i++) {
		size_t done = 0;

		/* A send without MSG_MORE ends the message: one digest. */
		do {
			ssize_t sent = send(opfd, (const char *)buf + done,
					    size - done, 0);

			if (sent < 0)
				return -errno;
			done += (size_t)sent;
		} while (done < size);
		if (read(opfd, digest, sizeof(digest)) != sizeof(digest))
			return -EIO;
	}
	/* The digest is the CRC in little-endian byte order. */
	*crc = (uint32_t)digest[0] | (uint32_t)digest[1] << 8 |
	       (uint32_t)digest[2] << 16 | (uint32_t)digest[3] << 24;
	return (int64_t)(ucbb_now_ns() - start);
}

struct ucbb_thread {
	pthread_t thread;
	pthread_barrier_t *barrier;
	ucbb_work_fn *fn;
	void *ctx;
	uint64_t n;
	int cpu;
	uint64_t start, end;
};

static void *ucbb_thread_main(void *arg)
{
	struct ucbb_thread *t = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	/* Best effort: a failed pin shows up as poor scaling, not an error. */
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	pthread_barrier_wait(t->barrier);
	t->start = ucbb_now_ns();
	t->fn(t->ctx, t->n);
	t->end = ucbb_now_ns();
	return NULL;
}

int64_t ucbb_parallel(ucbb_work_fn *fn, void *const *ctx, int threads,
		      uint64_t n)
{
	struct ucbb_thread t[16];
	pthread_barrier_t barrier;
	uint64_t first = UINT64_MAX, last = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int i, started = 0, err = 0;

	if (threads < 1 || threads > 16 || cpus < 1)
		return -EINVAL;
	if (pthread_barrier_init(&barrier, NULL, (unsigned int)threads))
		return -ENOMEM;
	for (i = 0; i < threads; i++) {
		t[i] = (struct ucbb_thread){
			.barrier = &barrier, .fn = fn, .ctx = ctx[i], .n = n,
			.cpu = (int)(i % cpus),
		};
		err = pthread_create(&t[i].thread, NULL, ucbb_thread_main,
				     &t[i]);
		if (err)
			break;
		started++;
	}
	if (err) {
		/* Nobody passes the barrier short-handed: we must not hang. */
		abort();
	}
	for (i = 0; i < started; i++) {
		pthread_join(t[i].thread, NULL);
		if (t[i].start < first)
			first = t[i].start;
		if (t[i].end > last)
			last = t[i].end;
	}
	pthread_barrier_destroy(&barrier);
	return (int64_t)(last - first);
}

void ucbb_work_bare_ioctl(void *ctx, uint64_t n)
{
	struct ucbb_work *w = ctx;
	int64_t r = ucbb_bare_ioctl(w->fd, ucbb_ioc_unknown, n);

	if (r < 0 && !w->error)
		w->error = (int)r;
}

void ucbb_work_call(void *ctx, uint64_t n)
{
	struct ucbb_work *w = ctx;
	uint64_t out[UCB_MAX_SCALARS];
	int64_t r;

	if (w->selector == UCB_SEL_NOOP)
		r = ucbb_call_noop(w->fd, n);
	else
		r = ucbb_call_struct(w->fd, w->selector, w->in, w->size,
				     w->scalar_out_count, n, out);
	if (r < 0 && !w->error)
		w->error = (int)r;
}

void ucbb_work_cpu(void *ctx, uint64_t n)
{
	uint64_t x = 88172645463325252u, i;

	/* xorshift64: dependent arithmetic, no memory traffic. */
	for (i = 0; i < n * 64; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	ucbb_clobber(&x);
}
