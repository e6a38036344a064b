/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the ucbridge selftests share: TAP output that forked children can
 * add to, an IOConnectCallMethod-shaped call, introspection shortcuts and
 * buffer helpers.
 */
#ifndef _UCBT_LIB_H
#define _UCBT_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uapi/linux/ucbridge.h>
#include <uapi/linux/ucbridge_reference.h>

#include "ucbt_transport.h"

#define KIB		1024u
#define MIB		(1024u * KIB)
#define PAGE		4096u
/*
 * A kernel address for a call's buffer pointers.  A 32-bit program cannot
 * hold it in a pointer, so do_call() puts the full 64-bit address in the
 * call for this one (truncated) pointer value.
 */
#define KERNEL_ADDRESS_64	0xffffffff81000000ull
#define KERNEL_ADDRESS		((void *)(uintptr_t)KERNEL_ADDRESS_64)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* TAP: one line per check; tap_finish() prints the plan and a summary. */
void tap_init(const char *what);
bool check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void skip(const char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tap_finish(void);

void *xmalloc(size_t size);
uint32_t reference_crc32c(const void *data, size_t len);
void fill_pattern(void *buf, size_t size, uint32_t seed);
bool all_bytes(const void *buf, size_t size, uint8_t value);
/*
 * Two pages followed by one no access can reach, for faults mid-buffer: a
 * PROT_NONE page rather than a hole, which a later mmap() (the mock's
 * shared memory) could fill.  munmap() all three.
 */
uint8_t *guarded_pages(void);

/* One call, IOConnectCallMethod-shaped. */
struct call {
	__u32 selector;
	const __u64 *scalar_in;
	__u32 scalar_in_count;
	const void *struct_in;
	__u32 struct_in_size;
	__u64 *scalar_out;
	__u32 scalar_out_count;		/* in: room, out: written */
	void *struct_out;
	__u32 struct_out_size;		/* in: room, out: written */
	__u32 result;
};

/* 0 or -errno. */
int do_call(int h, struct call *c);

/* The ABI's struct for a call, and its outcome back into the call. */
struct ucb_call ucb_call_of(const struct call *c);
void call_outcome(struct call *c, const struct ucb_call *uc);

/*
 * The calls as one UCB_IOC_CALL_BATCH: 0 or -errno, *completed as the
 * kernel wrote it; the calls that completed get their outcomes.
 */
int do_batch(int h, struct call *calls, __u32 count, __u32 flags,
	     __u32 *completed);
/* A call that must be dispatched: its IOReturn, or the -errno. */
__u32 call_result(int h, struct call *c);

/*
 * The call as one UCB_IOC_CALL_ASYNC carrying @reference (NULL: zeros):
 * 0 or -errno; the call gets its outcome and *id what the ioctl wrote
 * there (only when the call was accepted; else *id is left as it was).
 */
int do_async(int h, struct call *c, const __u64 *reference, __u64 *id);
/* The delayed method as an async call: its IOReturn, or the -errno. */
__u32 submit_delayed(int h, __u64 delay_us, __u64 value,
		     const __u64 *reference, __u64 *id);
/* UCB_IOC_CANCEL of @id: 0 or -errno. */
int cancel_call(int h, __u64 id);
int get_driver_info(int h, struct ucb_driver_info *info);
int get_method_info(int h, __u32 selector, struct ucb_method_info *mi);
__u64 live_buffers(int h);
__u32 max_struct_size(int h);
void method_counters(int h, __u32 sel, __u64 *calls, __u64 *errors);

#endif /* _UCBT_LIB_H */
