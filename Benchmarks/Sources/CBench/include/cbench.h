/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C side of the ucbridge benchmarks: timing loops for what a C program
 * does by hand (a bare ioctl, a hand-written UCB_IOC_CALL, memcpy, the
 * kernel's crc32c through AF_ALG), a direct caller of the dispatch core, a
 * two-thread harness and a malloc counter.
 *
 * Every loop returns the nanoseconds its @n iterations took, or a negative
 * errno when an iteration failed (-EBADMSG: the call was dispatched but its
 * result was not kIOReturnSuccess).
 */
#ifndef CBENCH_H
#define CBENCH_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t ucbb_now_ns(void);

/*
 * Counting allocations.  Every malloc(), calloc(), realloc(),
 * posix_memalign(), aligned_alloc() and memalign() of the process, from any
 * library, goes through this program's definitions (they interpose on
 * glibc's), which count while counting is on and hand the request to glibc.
 */
void ucbb_alloc_count_start(void);
/* Stops counting; returns the allocations made since the start. */
uint64_t ucbb_alloc_count_stop(void);

/*
 * An ioctl number of ucbridge's magic that no ucbridge driver handles:
 * ucb_ioctl() answers ENOTTY from its switch.
 */
extern const unsigned long ucbb_ioc_unknown;

/*
 * From now on, UCB_IOC_CALL on any descriptor succeeds in user space as a
 * noop, without a system call: for counting the instructions of the
 * callers of a device with callgrind on a machine without one.
 */
void ucbb_fake_device_calls(void);

/* An ioctl nobody handles: each must fail with ENOTTY. */
int64_t ucbb_bare_ioctl(int fd, unsigned long cmd, uint64_t n);

/* noop as a C programmer writes it: a struct ucb_call and one ioctl. */
int64_t ucbb_call_noop(int fd, uint64_t n);

/* UCB_IOC_CALL_BATCH, for Swift (which cannot expand _IO()). */
extern const unsigned long ucbb_ioc_call_batch;

/*
 * 0 when the module implements UCB_IOC_CALL_BATCH (a batch of one noop
 * succeeds), else a negative errno (-ENOTTY: a module from before it).
 */
int ucbb_batch_supported(int fd);

/*
 * @n noop calls as batches of @count entries (UCB_IOC_CALL_BATCH), using
 * @room (room for @count struct ucb_call); @n must be a multiple of @count.  Every
 * entry is built afresh before each ioctl and its result checked after.
 */
int64_t ucbb_call_noop_batch(int fd, void *room, uint32_t count, uint64_t n);

/*
 * 0 when the module implements UCB_IOC_CALL_ASYNC (a delayed call with no
 * delay completes and is read back), else a negative errno.
 */
int ucbb_async_supported(int fd);

/*
 * @n async round trips, each a UCB_IOC_CALL_ASYNC of @selector and a
 * read(2) of its completion: UCB_SEL_DELAYED with no delay, which
 * completes before the submission returns (the core's own cost), or
 * UCB_SEL_ASYNC_CHECKSUM of nothing, which completes from a worker.
 */
int64_t ucbb_async_round_trip(int fd, uint32_t selector, uint64_t n);

/* UCB_IOC_CALL with a selector no method has: header in, result out. */
int64_t ucbb_call_unknown_selector(int fd, uint64_t n);

/* Any method taking a struct and giving back scalars (sink, checksum). */
/*
 * consistency of a struct input with no delay, n times: the same work as
 * sharedChecksum (one copy, two CRC passes), the bytes passed in the call.
 */
int64_t ucbb_consistency(int fd, const void *in, uint32_t size, uint64_t n,
			 uint64_t *scalar_out);
/* The client's shared buffer (memory type 0) mapped read-write, or NULL. */
void *ucbb_map_buffer(int fd, size_t size);
/*
 * sharedChecksum of the first @length bytes of the client's mapped buffer
 * (memory type 0), n times; scalar_out gets its three outputs.
 */
int64_t ucbb_shared_checksum(int fd, uint64_t length, uint64_t n,
			     uint64_t *scalar_out);
int64_t ucbb_call_struct(int fd, uint32_t selector, const void *in,
			 uint32_t size, uint32_t scalar_out_count, uint64_t n,
			 uint64_t *scalar_out);

/* The dispatch core of the mock, called directly: ucb_ioctl() in C. */
struct ucbb_core;
struct ucbb_core *ucbb_core_open(uint32_t max_struct_size);
int64_t ucbb_core_noop(struct ucbb_core *core, uint64_t n);
/* @n noops as batches of @count, as ucbb_call_noop_batch() on the core. */
int64_t ucbb_core_noop_batch(struct ucbb_core *core, uint32_t count, uint64_t n);

/* Copies: glibc's memcpy and the kernel's own instruction, rep movsb. */
int64_t ucbb_memcpy(void *dst, const void *src, size_t size, uint64_t n);
int64_t ucbb_rep_movsb(void *dst, const void *src, size_t size, uint64_t n);

/*
 * A memfd of @size bytes, every page already allocated: pwrite() into it
 * is one copy_from_user() into existing page-cache pages.
 */
int ucbb_memfd(size_t size);
int64_t ucbb_pwrite(int fd, const void *src, size_t size, uint64_t n);

/* The kernel's "crc32c" hash through AF_ALG: an operation descriptor. */
int ucbb_afalg_crc32c(void);
/* CRC-32C of @size bytes, @n times; the last value in *crc. */
int64_t ucbb_afalg_hash(int opfd, const void *buf, size_t size, uint64_t n,
			uint32_t *crc);

/* Work for ucbb_parallel(): @n iterations with @ctx. */
typedef void ucbb_work_fn(void *ctx, uint64_t n);

/*
 * Runs @fn(@ctx[i], @n) on @threads threads at once, thread i pinned to
 * CPU i, all released together.  Returns the wall time from the first
 * start to the last finish, or a negative errno.
 */
int64_t ucbb_parallel(ucbb_work_fn *fn, void *const *ctx, int threads,
		      uint64_t n);

/* Context of the C workloads below. */
struct ucbb_work {
	int fd;
	uint32_t selector;
	const void *in;
	uint32_t size;
	uint32_t scalar_out_count;
	int error;		/* out: the first failure, a negative errno */
};

void ucbb_work_bare_ioctl(void *ctx, uint64_t n);
void ucbb_work_call(void *ctx, uint64_t n);
/* Arithmetic in registers only: how far the CPUs themselves scale. */
void ucbb_work_cpu(void *ctx, uint64_t n);

#endif /* CBENCH_H */
