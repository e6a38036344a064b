// SPDX-License-Identifier: GPL-2.0
/*
 * What the ucbridge selftests share (see ucbt_lib.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ucbt_lib.h"

/* TAP counters live in shared memory so a forked child can add to them. */
struct tap_counts {
	atomic_int tests;
	atomic_int failures;
};

static struct tap_counts *tap;

bool check(bool ok, const char *fmt, ...)
{
	va_list ap;
	int n = atomic_fetch_add(&tap->tests, 1) + 1;

	if (!ok)
		atomic_fetch_add(&tap->failures, 1);
	printf("%sok %d - ", ok ? "" : "not ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return ok;
}

void skip(const char *why, const char *fmt, ...)
{
	va_list ap;
	int n = atomic_fetch_add(&tap->tests, 1) + 1;

	printf("ok %d - ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p) {
		printf("Bail out! out of memory for %zu bytes\n", size);
		exit(1);
	}
	return p;
}

/* An independent bitwise CRC-32C to check the driver's against. */
uint32_t reference_crc32c(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = ~0u;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & -(crc & 1));
	}
	return ~crc;
}

void fill_pattern(void *buf, size_t size, uint32_t seed)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < size; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

bool all_bytes(const void *buf, size_t size, uint8_t value)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i] != value)
			return false;
	return true;
}

/* A buffer pointer as the call carries it (see KERNEL_ADDRESS). */
static __u64 call_pointer(const void *p)
{
	return p == KERNEL_ADDRESS ? KERNEL_ADDRESS_64 : (uintptr_t)p;
}

struct ucb_call ucb_call_of(const struct call *c)
{
	struct ucb_call uc = {
		.size = sizeof(uc),
		.selector = c->selector,
		.scalar_in_count = c->scalar_in_count,
		.struct_in_size = c->struct_in_size,
		.scalar_out_count = c->scalar_out_count,
		.struct_out_size = c->struct_out_size,
		.scalar_in = call_pointer(c->scalar_in),
		.struct_in = call_pointer(c->struct_in),
		.scalar_out = call_pointer(c->scalar_out),
		.struct_out = call_pointer(c->struct_out),
		.result = 0xdeadbeef,
	};

	return uc;
}

void call_outcome(struct call *c, const struct ucb_call *uc)
{
	c->result = uc->result;
	c->scalar_out_count = uc->scalar_out_count;
	c->struct_out_size = uc->struct_out_size;
}

int do_call(int h, struct call *c)
{
	struct ucb_call uc = ucb_call_of(c);
	int err = ucbt_ioctl(h, UCB_IOC_CALL, &uc);

	if (!err)
		call_outcome(c, &uc);
	return err;
}

int do_batch(int h, struct call *calls, __u32 count, __u32 flags,
	     __u32 *completed)
{
	struct ucb_call *ucs = xmalloc(count * sizeof(*ucs) + 1);
	struct ucb_batch batch = {
		.size = sizeof(batch),
		.flags = flags,
		.count = count,
		.call_size = sizeof(*ucs),
		.calls = (uintptr_t)ucs,
		.completed = 0xdeadbeef,
	};
	__u32 i;
	int err;

	for (i = 0; i < count; i++)
		ucs[i] = ucb_call_of(&calls[i]);
	err = ucbt_ioctl(h, UCB_IOC_CALL_BATCH, &batch);
	*completed = batch.completed;
	for (i = 0; i < count && i < batch.completed; i++)
		call_outcome(&calls[i], &ucs[i]);
	free(ucs);
	return err;
}

__u32 call_result(int h, struct call *c)
{
	int err = do_call(h, c);

	return err ? (__u32)err : c->result;
}

int do_async(int h, struct call *c, const __u64 *reference, __u64 *id)
{
	struct ucb_call uc = ucb_call_of(c);
	struct ucb_async_call ac = { .size = sizeof(ac),
				     .call = (uintptr_t)&uc, .id = *id };
	int err;

	if (reference)
		memcpy(ac.reference, reference, sizeof(ac.reference));
	err = ucbt_ioctl(h, UCB_IOC_CALL_ASYNC, &ac);
	if (!err)
		call_outcome(c, &uc);
	*id = ac.id;
	return err;
}

__u32 submit_delayed(int h, __u64 delay_us, __u64 value,
		     const __u64 *reference, __u64 *id)
{
	__u64 in[2] = { delay_us, value };
	struct call c = { .selector = UCB_SEL_DELAYED, .scalar_in = in,
			  .scalar_in_count = 2 };
	int err = do_async(h, &c, reference, id);

	return err ? (__u32)err : c.result;
}

int cancel_call(int h, __u64 id)
{
	struct ucb_cancel cancel = { .size = sizeof(cancel), .id = id };

	return ucbt_ioctl(h, UCB_IOC_CANCEL, &cancel);
}

int get_driver_info(int h, struct ucb_driver_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ucbt_ioctl(h, UCB_IOC_DRIVER_INFO, info);
}

int get_method_info(int h, __u32 selector, struct ucb_method_info *mi)
{
	memset(mi, 0, sizeof(*mi));
	mi->size = sizeof(*mi);
	mi->selector = selector;
	return ucbt_ioctl(h, UCB_IOC_METHOD_INFO, mi);
}

__u64 live_buffers(int h)
{
	struct ucb_driver_info info;

	return get_driver_info(h, &info) ? ~0ull : info.live_buffers;
}

__u32 max_struct_size(int h)
{
	struct ucb_driver_info info;

	return get_driver_info(h, &info) ? 0 : info.max_struct_size;
}

uint8_t *guarded_pages(void)
{
	uint8_t *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + 2 * PAGE, PAGE, PROT_NONE)) {
		printf("Bail out! mmap failed\n");
		exit(1);
	}
	return p;
}

void method_counters(int h, __u32 sel, __u64 *calls, __u64 *errors)
{
	struct ucb_method_info mi;

	if (get_method_info(h, sel, &mi)) {
		*calls = *errors = ~0ull;
		return;
	}
	*calls = mi.calls;
	*errors = mi.errors;
}

void tap_init(const char *what)
{
	tap = mmap(NULL, sizeof(*tap), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tap == MAP_FAILED) {
		printf("Bail out! mmap failed\n");
		exit(1);
	}
	printf("TAP version 13\n# %s against %s\n", what, ucbt_transport_name);
	fflush(stdout);
}

int tap_finish(void)
{
	int tests = atomic_load(&tap->tests);
	int failures = atomic_load(&tap->failures);

	printf("1..%d\n# %d passed, %d failed\n", tests, tests - failures,
	       failures);
	return failures ? 1 : 0;
}
