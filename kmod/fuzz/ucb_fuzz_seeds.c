// SPDX-License-Identifier: GPL-2.0
/*
 * Write the seed corpus of ucb_fuzz_core: one file per structured seed, in
 * the input format of ucb_fuzz_input.h.  Usage: ucb_fuzz_seeds DIR
 *
 * The seeds give the fuzzer a head start on what random bytes rarely hit:
 * a valid call of every reference method, the struct sizes where the core
 * changes behaviour, every malformed-header case and every kind of pointer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/linux/ucbridge.h>
#include <uapi/linux/ucbridge_reference.h>

#include "ucb_fuzz_input.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIB		(1U << 20)

/* A struct size of max_struct_size + @d, for -2 <= d <= 2. */
#define AT_MAX(d)	((1ULL << 32) + 2 + (d))

/* Header sizes other than exact: struct hsize initializers. */
#define SHORT(n)	{ .kind = FZ_HSIZE_SHORT, .size = (n) }
#define LONG(n, off, b)	{ .kind = FZ_HSIZE_LONG, .size = (n), \
			  .tail_off = (off), .tail_byte = (b) }
#define HUGE(n)		{ .kind = FZ_HSIZE_HUGE, .size = (n) }

enum { B_HEADER, B_SCALAR_IN, B_STRUCT_IN, B_SCALAR_OUT, B_STRUCT_OUT };

struct ptr {
	uint8_t kind;		/* enum fz_ptr; 0: FZ_PTR_START */
	uint8_t param;
};

struct hsize {
	uint8_t kind;		/* enum fz_hsize; 0: exact */
	uint32_t size;		/* SHORT, LONG, HUGE: the size field */
	uint32_t tail_off;	/* LONG: offset of tail_byte */
	uint8_t tail_byte;	/* LONG: 0 for an all-zero tail */
};

struct call {
	struct hsize h;
	uint32_t selector;
	uint32_t flags;
	uint32_t scalar_in_count;
	uint64_t struct_in_size;	/* or AT_MAX() */
	uint32_t scalar_out_count;
	uint64_t struct_out_size;	/* or AT_MAX() */
	struct ptr ptr[5];
	uint64_t scalars[UCB_MAX_SCALARS];
	const char *in;			/* first struct input bytes */
	uint8_t in_len;
};

static uint8_t seed[2048];
static size_t seed_len;

static void put(uint64_t v, int bytes)
{
	int i;

	if (seed_len + bytes > sizeof(seed))
		abort();
	for (i = 0; i < bytes; i++)
		seed[seed_len++] = (uint8_t)(v >> (8 * i));
}

/* Start an input: privilege and driver max_struct_size in bytes. */
static void begin(bool admin, uint32_t max)
{
	seed_len = 0;
	put(admin, 1);
	put((max - FZ_MAX_STRUCT_MIN) / FZ_MAX_STRUCT_STEP, 2);
}

static void finish(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(seed, 1, seed_len, f) != seed_len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void put_hsize(const struct hsize *h, uint32_t ksize)
{
	put(h->kind, 1);
	switch (h->kind) {
	case FZ_HSIZE_SHORT:
		put(h->size, 1);
		break;
	case FZ_HSIZE_LONG:
		put(h->size - ksize - 1, 2);
		put(h->tail_off - ksize, 2);
		put(h->tail_byte, 1);
		break;
	case FZ_HSIZE_HUGE:
		put(h->size - 4097, 4);
		break;
	}
}

static void put_selector(uint32_t sel)
{
	if (sel < FZ_SELECTOR_RAW) {
		put(sel, 1);
	} else {
		put(FZ_SELECTOR_RAW, 1);
		put(sel, 4);
	}
}

static void put_count(uint32_t c)
{
	if (c < FZ_COUNT_VARIABLE) {
		put(c, 1);
	} else if (c == UCB_VARIABLE_SIZE) {
		put(FZ_COUNT_VARIABLE, 1);
	} else {
		put(0xff, 1);
		put(c, 4);
	}
}

static void put_ssize(uint64_t v)
{
	if (v >= AT_MAX(-2)) {
		put(FZ_SSIZE_MAX, 1);
		put(v - AT_MAX(-2), 1);
	} else if (v < 256) {
		put(FZ_SSIZE_SMALL, 1);
		put(v, 1);
	} else if (v < 65536) {
		put(FZ_SSIZE_U16, 1);
		put(v, 2);
	} else {
		put(FZ_SSIZE_RAW, 1);
		put(v, 4);
	}
}

static void put_scalar(uint64_t v)
{
	if (v < 256) {
		put(FZ_SCALAR_U8, 1);
		put(v, 1);
	} else if (v < 65536) {
		put(FZ_SCALAR_U16, 1);
		put(v, 2);
	} else {
		put(FZ_SCALAR_U64, 1);
		put(v, 8);
	}
}

/* A call's fields, after its op byte or an async call's own fields. */
static void put_call_fields(const struct call *c)
{
	uint32_t i;

	put_hsize(&c->h, sizeof(struct ucb_call));
	put_selector(c->selector);
	put(c->flags, 4);
	put_count(c->scalar_in_count);
	put_ssize(c->struct_in_size);
	put_count(c->scalar_out_count);
	put_ssize(c->struct_out_size);
	for (i = 0; i < ARRAY_SIZE(c->ptr); i++) {
		put(c->ptr[i].kind, 1);
		put(c->ptr[i].param, 1);
	}
	for (i = 0; i < c->scalar_in_count && i < UCB_MAX_SCALARS; i++)
		put_scalar(c->scalars[i]);
	put(c->in_len, 1);
	for (i = 0; i < c->in_len; i++)
		put((uint8_t)c->in[i], 1);
}

static void put_call(const struct call *c)
{
	put(FZ_OP_CALL, 1);
	put_call_fields(c);
}

/* An async call op: its own hsize, flags and place, then the call. */
static void put_async_call(const struct hsize *h, uint32_t flags,
			   struct ptr p, const struct call *c)
{
	put(FZ_OP_CALL_ASYNC, 1);
	put_hsize(h, sizeof(struct ucb_async_call));
	put(flags, 4);
	put(p.kind, 1);
	put(p.param, 1);
	put_call_fields(c);
}

/* A cancel op: the id of op @op's async call, or @id when @op < 0. */
static void put_cancel(const struct hsize *h, uint32_t flags, int op,
		       uint64_t id, struct ptr p)
{
	put(FZ_OP_CANCEL, 1);
	put_hsize(h, sizeof(struct ucb_cancel));
	put(flags, 4);
	if (op >= 0) {
		put((uint64_t)op * 2, 1);
	} else {
		put(1, 1);
		put(id, 8);
	}
	put(p.kind, 1);
	put(p.param, 1);
}

/* A read(2) op of @count bytes. */
static void put_read(uint16_t count, struct ptr p)
{
	put(FZ_OP_READ, 1);
	put(count, 2);
	put(p.kind, 1);
	put(p.param, 1);
}

static void put_info(unsigned int cmd, const struct hsize *h, uint32_t flags,
		     uint32_t sel, struct ptr p)
{
	bool method = cmd == UCB_IOC_METHOD_INFO;

	put(method ? FZ_OP_METHOD_INFO : FZ_OP_DRIVER_INFO, 1);
	put_hsize(h, method ? sizeof(struct ucb_method_info) :
			      sizeof(struct ucb_driver_info));
	put(flags, 4);
	if (method)
		put_selector(sel);
	put(p.kind, 1);
	put(p.param, 1);
}

static void put_unknown(uint32_t mask, struct ptr p)
{
	put(FZ_OP_UNKNOWN, 1);
	put(mask, 4);
	put(p.kind, 1);
	put(p.param, 1);
}

static void put_set_max(uint32_t max)
{
	put(FZ_OP_SET_MAX, 1);
	put((max - FZ_MAX_STRUCT_MIN) / FZ_MAX_STRUCT_STEP, 2);
}

static const struct hsize exact;

/* One valid call of each reference method. */
static const struct {
	const char *name;
	struct call call;
} method_seeds[] = {
	{ "method-noop", { .selector = UCB_SEL_NOOP } },
	{ "method-add", {
		.selector = UCB_SEL_ADD,
		.scalar_in_count = 2, .scalar_out_count = 1,
		.scalars = { UINT64_MAX, 2 },
	} },
	{ "method-echo", {
		.selector = UCB_SEL_ECHO,
		.struct_in_size = 16, .struct_out_size = 300,
		.in = "hello, ucbridge!", .in_len = 16,
	} },
	{ "method-checksum", {
		.selector = UCB_SEL_CHECKSUM,
		.struct_in_size = 9, .scalar_out_count = 2,
		.in = "123456789", .in_len = 9,
	} },
	{ "method-path-info-found", {
		.selector = UCB_SEL_PATH_INFO,
		.struct_in_size = 2, .scalar_out_count = 4,
		.in = "/", .in_len = 2,
	} },
	{ "method-path-info-missing", {
		.selector = UCB_SEL_PATH_INFO,
		.struct_in_size = 21, .scalar_out_count = 4,
		.in = "/nonexistent/ucbfuzz", .in_len = 21,
	} },
	{ "method-fixed-transform", {
		.selector = UCB_SEL_FIXED_TRANSFORM,
		.struct_in_size = sizeof(struct ucb_transform),
		.struct_out_size = sizeof(struct ucb_transform),
		.in = "abcdefghijklmnopqrstuvwx", .in_len = 24,
	} },
	{ "method-consistency", {
		.selector = UCB_SEL_CONSISTENCY,
		.scalar_in_count = 1, .struct_in_size = 1000,
		.scalar_out_count = 1,
	} },
	{ "method-reset-stats", { .selector = UCB_SEL_RESET_STATS } },
	{ "method-generate", {
		.selector = UCB_SEL_GENERATE,
		.scalar_in_count = 1, .struct_out_size = 1000,
		.scalars = { 600 },
	} },
	{ "method-sink", {
		.selector = UCB_SEL_SINK, .struct_in_size = 300 << 10,
	} },
	{ "method-shared-checksum", {
		.selector = UCB_SEL_SHARED_CHECKSUM,
		.scalar_in_count = 3, .scalar_out_count = 3,
		.scalars = { 4096, 100000, 0 },
	} },
};

/* Echo and generate at the sizes where the core changes behaviour. */
static const uint64_t boundary_sizes[] = {
	0, 1, 256, 257, 4096, 8192, 8193, 65536, AT_MAX(0), AT_MAX(1),
};

/* Calls that must fail: each header or count the core rejects. */
static const struct {
	const char *name;
	struct call call;
} malformed_seeds[] = {
	{ "call-size-short", { .h = SHORT(63) } },
	{ "call-size-long-zero-tail", { .h = LONG(4096, 100, 0) } },
	{ "call-size-long-nonzero-tail", { .h = LONG(200, 199, 1) } },
	{ "call-size-huge", { .h = HUGE(4097) } },
	{ "call-flags", { .flags = 1 } },
	{ "call-scalar-in-17", { .selector = UCB_SEL_CONSISTENCY,
				 .scalar_in_count = 17 } },
	{ "call-scalar-out-max", { .scalar_out_count = UCB_VARIABLE_SIZE } },
	{ "call-selector-count", { .selector = UCB_REFERENCE_METHOD_COUNT } },
	{ "call-selector-max", { .selector = UINT32_MAX } },
	{ "call-add-wrong-count", { .selector = UCB_SEL_ADD,
				    .scalar_in_count = 1,
				    .scalar_out_count = 1 } },
	{ "call-transform-wrong-size", {
		.selector = UCB_SEL_FIXED_TRANSFORM,
		.struct_in_size = 23, .struct_out_size = 24,
	} },
	{ "call-echo-overrun", { .selector = UCB_SEL_ECHO,
				 .struct_in_size = 300,
				 .struct_out_size = 299 } },
	{ "call-path-info-nul", {
		.selector = UCB_SEL_PATH_INFO,
		.struct_in_size = 3, .scalar_out_count = 4,
		.in = "/\0/", .in_len = 3,
	} },
	{ "call-consistency-delay-max", {
		.selector = UCB_SEL_CONSISTENCY,
		.scalar_in_count = 1, .scalar_out_count = 1,
		.scalars = { UCB_CONSISTENCY_MAX_DELAY_US + 1 },
	} },
};

/* Echo with each kind of pointer in each place. */
static const struct {
	const char *name;
	int buf;
	struct ptr ptr;
} pointer_seeds[] = {
	{ "ptr-header-null", B_HEADER, { FZ_PTR_LOW, 0 } },
	{ "ptr-header-straddle", B_HEADER, { FZ_PTR_STRADDLE, 30 } },
	{ "ptr-header-readonly", B_HEADER, { FZ_PTR_READONLY, 0 } },
	{ "ptr-struct-in-guard", B_STRUCT_IN, { FZ_PTR_GUARD, 0 } },
	{ "ptr-struct-in-kernel", B_STRUCT_IN, { FZ_PTR_KERNEL, 0 } },
	{ "ptr-struct-in-straddle", B_STRUCT_IN, { FZ_PTR_STRADDLE, 99 } },
	{ "ptr-struct-in-end", B_STRUCT_IN, { FZ_PTR_END, 0 } },
	{ "ptr-struct-in-misaligned", B_STRUCT_IN, { FZ_PTR_MISALIGNED, 2 } },
	{ "ptr-struct-out-readonly", B_STRUCT_OUT, { FZ_PTR_READONLY, 1 } },
	{ "ptr-struct-out-end", B_STRUCT_OUT, { FZ_PTR_END, 0 } },
	{ "ptr-struct-out-straddle", B_STRUCT_OUT, { FZ_PTR_STRADDLE, 9 } },
};

static const struct call *method_call(uint32_t sel)
{
	size_t i;

	for (i = 0; method_seeds[i].call.selector != sel; i++)
		;
	return &method_seeds[i].call;
}

static void write_method_seeds(const char *dir)
{
	char name_max[255];
	struct call long_name = {
		.selector = UCB_SEL_PATH_INFO,
		.struct_in_size = 300, .scalar_out_count = 4,
		.in = name_max, .in_len = sizeof(name_max),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(method_seeds); i++) {
		begin(true, MIB);
		put_call(&method_seeds[i].call);
		finish(dir, method_seeds[i].name);
	}
	/* resetStats needs privilege: a plain client is refused. */
	begin(false, MIB);
	put_call(method_call(UCB_SEL_RESET_STATS));
	finish(dir, "method-reset-stats-unprivileged");
	/*
	 * A path component over NAME_MAX: 255 bytes from the seed, then the
	 * harness's fill pattern, which has no '/' for the next 42 bytes.
	 */
	memset(name_max, 'a', sizeof(name_max));
	begin(true, MIB);
	put_call(&long_name);
	finish(dir, "method-path-info-name-too-long");
}

static void write_boundary_seeds(const char *dir)
{
	struct call echo = { .selector = UCB_SEL_ECHO };
	struct call generate = {
		.selector = UCB_SEL_GENERATE, .scalar_in_count = 1,
	};
	char name[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(boundary_sizes); i++) {
		echo.struct_in_size = boundary_sizes[i];
		echo.struct_out_size = AT_MAX(0);
		generate.struct_out_size = boundary_sizes[i];
		generate.scalars[0] = boundary_sizes[i] < AT_MAX(-2) ?
				      boundary_sizes[i] : MIB;
		begin(true, MIB);
		put_call(&echo);
		put_call(&generate);
		if (boundary_sizes[i] >= AT_MAX(-2))
			snprintf(name, sizeof(name), "size-max%+d",
				 (int)(boundary_sizes[i] - AT_MAX(0)));
		else
			snprintf(name, sizeof(name), "size-%llu",
				 (unsigned long long)boundary_sizes[i]);
		finish(dir, name);
	}
	/* 4097 bytes: too many for the smallest max_struct_size only. */
	begin(true, FZ_MAX_STRUCT_MIN);
	echo.struct_in_size = 4097;
	echo.struct_out_size = UINT32_MAX;
	put_call(&echo);
	put_set_max(MIB);
	put_call(&echo);
	finish(dir, "size-max-changes");
}

static void write_malformed_seeds(const char *dir)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(malformed_seeds); i++) {
		begin(true, MIB);
		put_call(&malformed_seeds[i].call);
		finish(dir, malformed_seeds[i].name);
	}
}

static void write_pointer_seeds(const char *dir)
{
	struct call echo = {
		.selector = UCB_SEL_ECHO,
		.struct_in_size = 300, .struct_out_size = 300,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pointer_seeds); i++) {
		echo.ptr[pointer_seeds[i].buf] = pointer_seeds[i].ptr;
		begin(true, MIB);
		put_call(&echo);
		finish(dir, pointer_seeds[i].name);
		echo.ptr[pointer_seeds[i].buf] = (struct ptr){ 0 };
	}
}

static void write_info_seeds(const char *dir)
{
	static const struct hsize sizes[] = {
		{ 0 },
		SHORT(8),
		LONG(4096, 200, 0),
		LONG(120, 100, 0x80),
		HUGE(UINT32_MAX),
	};
	static const struct call add_bad_count = {
		.selector = UCB_SEL_ADD, .scalar_out_count = 1,
	};
	struct ptr start = { 0 };
	size_t i;
	uint32_t sel;

	begin(true, MIB);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		put_info(UCB_IOC_DRIVER_INFO, &sizes[i], 0, 0, start);
		put_info(UCB_IOC_METHOD_INFO, &sizes[i], 0, 1, start);
	}
	put_info(UCB_IOC_DRIVER_INFO, &exact, 1, 0, start);
	put_info(UCB_IOC_METHOD_INFO, &exact, 1, 0, start);
	put_info(UCB_IOC_DRIVER_INFO, &exact, 0, 0,
		 (struct ptr){ FZ_PTR_READONLY, 0 });
	finish(dir, "info-sizes");

	/* Counters across calls, a reset and a refused reset. */
	begin(false, MIB);
	put_call(method_call(UCB_SEL_ADD));
	put_call(&add_bad_count);
	put_info(UCB_IOC_METHOD_INFO, &exact, 0, UCB_SEL_ADD, start);
	put_call(method_call(UCB_SEL_RESET_STATS));
	for (sel = 0; sel <= UCB_REFERENCE_METHOD_COUNT; sel++)
		put_info(UCB_IOC_METHOD_INFO, &exact, 0, sel, start);
	finish(dir, "info-methods");

	begin(true, MIB);
	put_call(method_call(UCB_SEL_ADD));
	put_call(method_call(UCB_SEL_RESET_STATS));
	put_info(UCB_IOC_METHOD_INFO, &exact, 0, UCB_SEL_ADD, start);
	put_info(UCB_IOC_METHOD_INFO, &exact, 0, UCB_SEL_RESET_STATS, start);
	finish(dir, "info-after-reset");
}

static void write_unknown_seeds(const char *dir)
{
	begin(true, MIB);
	struct ptr start = { 0 }, null = { FZ_PTR_LOW, 0 };

	/* The command is UCB_IOC_CALL ^ mask. */
	put_unknown(0, start);	/* UCB_IOC_CALL: bit 31 gets flipped */
	put_unknown(UCB_IOC_CALL ^ _IO(UCB_IOC_MAGIC, 3), start);
	put_unknown(UCB_IOC_CALL ^ _IOWR(UCB_IOC_MAGIC, 0, struct ucb_call),
		    start);
	put_unknown(UCB_IOC_CALL ^ _IO(0x55, 0), start);
	put_unknown(UCB_IOC_CALL ^ _IO(UCB_IOC_MAGIC, 0xff), null);
	finish(dir, "unknown-commands");
}

/* A batch op: hsize flags count stride reserved mismatch ptr kinds. */
static void put_batch(const struct hsize *h, uint8_t flags, uint8_t count,
		      uint8_t stride, uint8_t reserved, uint8_t mismatch,
		      struct ptr p, const uint8_t *kinds)
{
	uint8_t i;

	put(FZ_OP_BATCH, 1);
	put_hsize(h, sizeof(struct ucb_batch));
	put(flags, 1);
	put(count, 1);
	put(stride, 1);
	put(reserved, 1);
	put(mismatch, 1);
	put(p.kind, 1);
	put(p.param, 1);
	for (i = 0; i < count && i < FZ_BATCH_MAX; i++)
		put(kinds[i], 1);
}

/* A memory info op: hsize flags type ptr. */
static void put_memory_info(const struct hsize *h, uint32_t flags,
			    uint8_t type, struct ptr p)
{
	put(FZ_OP_MEMORY_INFO, 1);
	put_hsize(h, sizeof(struct ucb_memory_info));
	put(flags, 4);
	put(type, 1);
	put(p.kind, 1);
	put(p.param, 1);
}

static void write_memory_seeds(const char *dir)
{
	static const struct hsize short_size = SHORT(40);
	struct ptr start = { 0 };
	uint8_t type;

	begin(false, MIB);
	for (type = 0; type <= UCB_REFERENCE_MEMORY_TYPE_COUNT; type++)
		put_memory_info(&exact, 0, type, start);
	put_memory_info(&exact, 1, 0, start);
	put_memory_info(&short_size, 0, 0, start);
	finish(dir, "memory-info");
}

static void write_batch_seeds(const char *dir)
{
	static const uint8_t kinds[FZ_BATCH_MAX] = { 0, 1, 2, 0 };
	static const struct hsize long_tail = LONG(48, 40, 1);
	struct ptr start = { 0 }, ro = { FZ_PTR_READONLY, 0 };

	begin(false, MIB);
	put_batch(&exact, 0, 4, 0, 0, 7, start, kinds);	/* all run */
	put_batch(&exact, 1, 4, 1, 0, 7, start, kinds);	/* stop at 2 */
	put_batch(&exact, 0, 3, 0, 0, 1, start, kinds);	/* size mismatch */
	put_batch(&exact, 0, 0, 0, 0, 7, start, kinds);	/* empty */
	finish(dir, "batch-runs");

	begin(false, MIB);
	put_batch(&exact, 2, 2, 0, 0, 7, start, kinds);
	put_batch(&exact, 0, 5, 0, 0, 7, start, kinds);
	put_batch(&exact, 0, 2, 2, 0, 7, start, kinds);
	put_batch(&exact, 0, 2, 3, 1, 7, start, kinds);
	put_batch(&long_tail, 0, 2, 0, 0, 7, start, kinds);
	put_batch(&exact, 0, 2, 0, 0, 7, ro, kinds);
	finish(dir, "batch-refusals");
}

/* Async calls, their cancels, events read every way, notifications. */
static void write_async_seeds(const char *dir)
{
	static const struct call delayed = {
		.selector = UCB_SEL_DELAYED, .scalar_in_count = 2,
		.scalars = { 1000, 42 },
	};
	static const struct call checksum = {
		.selector = UCB_SEL_ASYNC_CHECKSUM, .struct_in_size = 9,
		.in = "123456789", .in_len = 9,
	};
	static const struct call too_long = {
		.selector = UCB_SEL_DELAYED, .scalar_in_count = 2,
		.scalars = { UCB_DELAYED_MAX_DELAY_US + 1, 1 },
	};
	static const struct call notify = {
		.selector = UCB_SEL_NOTIFY, .scalar_in_count = 3,
		.scalars = { 3, 0, UCB_EVENT_CAN_DROP },
	};
	static const struct hsize short_size = SHORT(87);
	static const struct hsize long_tail = LONG(100, 96, 1);
	const uint16_t record = sizeof(struct ucb_event);
	struct ptr start = { 0 }, ro = { FZ_PTR_READONLY, 0 };
	struct ptr guard = { FZ_PTR_GUARD, 0 }, null = { FZ_PTR_LOW, 0 };
	struct ptr straddle = { FZ_PTR_STRADDLE, 100 };

	begin(false, MIB);
	put_async_call(&exact, 0, start, &delayed);
	put_async_call(&exact, 0, start, &checksum);
	put_read(record, start);
	put_read(2 * record + record / 2, start);
	put_read(record, start);
	finish(dir, "async-complete");

	begin(false, MIB);
	put_async_call(&exact, 0, start, &delayed);
	put_cancel(&exact, 0, 0, 0, start);
	put_cancel(&exact, 0, -1, 12345, start);
	put_cancel(&short_size, 0, 0, 0, start);
	put_cancel(&exact, 1, 0, 0, start);
	put_cancel(&exact, 0, 0, 0, null);
	put_read(record, start);
	put_cancel(&exact, 0, 0, 0, start);
	finish(dir, "async-cancel");

	begin(false, MIB);
	put_async_call(&short_size, 0, start, &delayed);
	put_async_call(&long_tail, 0, start, &delayed);
	put_async_call(&exact, 1, start, &delayed);
	put_async_call(&exact, 0, null, &delayed);
	put_async_call(&exact, 0, ro, &delayed);
	put_async_call(&exact, 0, start, &too_long);
	put_async_call(&exact, 0, start, method_call(UCB_SEL_ADD));
	put_call(&delayed);
	put_read(record, start);
	finish(dir, "async-refusals");

	begin(false, MIB);
	put_call(&notify);
	put_async_call(&exact, 0, start, &delayed);
	put_read(record - 1, start);
	put_read(0, start);
	put_read(record, guard);
	put_read(record, null);
	put_read(2 * record, straddle);
	put_read(record, ro);
	put_read(4 * record, start);
	finish(dir, "events-read");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	write_method_seeds(argv[1]);
	write_boundary_seeds(argv[1]);
	write_malformed_seeds(argv[1]);
	write_pointer_seeds(argv[1]);
	write_info_seeds(argv[1]);
	write_unknown_seeds(argv[1]);
	write_batch_seeds(argv[1]);
	write_memory_seeds(argv[1]);
	write_async_seeds(argv[1]);
	return 0;
}
