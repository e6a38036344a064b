// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the ucbridge dispatch core, run in-process through
 * the userspace environment shim against a reference driver instance.
 *
 * Each input (format: ucb_fuzz_input.h) is a short sequence of ioctls with
 * arbitrary headers, counts, sizes and pointers.  "User memory" is a set of
 * regions, one per buffer of a call, each followed by a PROT_NONE guard
 * page, so the shim's copies fault exactly where a kernel's would.  After
 * every ioctl the harness checks what the ABI promises and aborts on the
 * first broken promise; ASan and UBSan watch the core's own memory.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "ucb_core.h"
#include "ucb_reference.h"
#include "ucb_fuzz_input.h"

#define FZ_PAGE		4096U
/* Longest header the core reads: "Above 4096: E2BIG". */
#define FZ_HEADER_MAX	4096U
/* Bytes around each buffer that must keep their contents. */
#define FZ_SLACK	64U
/* Struct buffers up to this size live on the core's stack (README). */
#define FZ_STACK_STRUCT	256U
#define FZ_CANARY	0xa5
#define FZ_KERNEL_ADDR	0xffff888000000000ULL
#define FZ_STRUCT_MAX	(1U << 20)
#define FZ_NO_METHOD	UINT32_MAX
/* For fz_check_stats(): an ioctl counted as a call, an error or not. */
#define FZ_ERRNO_EITHER	1
/* Reference words of the async call of op @op: each word says whose. */
#define FZ_REFERENCE(op, word)	(0x5eed000000000000ULL | (u64)(op) << 8 | (word))
/* How long the end of an input waits for a completion: a hang, not a speed. */
#define FZ_EVENT_WAIT_MS	10000

#define FZ_CHECK(cond)							\
	do {								\
		if (!(cond))						\
			fz_fail(#cond, __LINE__);			\
	} while (0)

/*
 * A region per buffer of an ioctl, in the order of struct ucb_call, then
 * the struct ucb_async_call around a call and read(2)'s buffer.
 */
enum fz_region_id {
	FZ_R_HEADER,
	FZ_R_SCALAR_IN,
	FZ_R_STRUCT_IN,
	FZ_R_SCALAR_OUT,
	FZ_R_STRUCT_OUT,
	FZ_R_CALL_COUNT,
	FZ_R_ASYNC = FZ_R_CALL_COUNT,
	FZ_R_EVENTS,
	FZ_R_COUNT
};

/* Room for the largest buffer plus misalignment or slack. */
static const size_t fz_region_size[FZ_R_COUNT] = {
	[FZ_R_HEADER]		= 2 * FZ_PAGE,
	[FZ_R_SCALAR_IN]	= FZ_PAGE,
	[FZ_R_STRUCT_IN]	= FZ_STRUCT_MAX + FZ_PAGE,
	[FZ_R_SCALAR_OUT]	= FZ_PAGE,
	[FZ_R_STRUCT_OUT]	= FZ_STRUCT_MAX + FZ_PAGE,
	[FZ_R_ASYNC]		= 2 * FZ_PAGE,
	[FZ_R_EVENTS]		= 17 * FZ_PAGE,	/* a u16 count and slack */
};

struct fz_region {
	u8 *base;
	size_t size;	/* the guard page follows */
};

/* Where one pointer of an ioctl points. */
struct fz_buf {
	const struct fz_region *region;
	u8 *p;		/* in the region, or NULL when outside */
	u64 uptr;	/* the pointer the ioctl carries */
	size_t avail;	/* bytes from p to the guard page */
	bool ro;	/* region read-only during the ioctl */
};

/* An argument header as laid out in memory. */
struct fz_header {
	u32 size;	/* its size field */
	u32 len;	/* bytes the core reads; all laid out */
	u32 tail_pos;	/* where tail_byte goes in a long header */
	u8 tail_byte;	/* 0: the tail is all zero */
	bool tail_set;	/* a nonzero tail byte made it into memory */
	size_t snap_len;
	struct fz_buf buf;
	u8 snap[2 * FZ_PAGE];	/* its region as laid out before the ioctl */
};

struct fz_input {
	const u8 *data;
	size_t left;
};

struct fz_stat {
	u64 calls;
	u64 errors;
};

/* An async call of this input, as the model knows it, by op. */
struct fz_async {
	enum {
		FZ_ASYNC_NONE,
		FZ_ASYNC_ACCEPTED,	/* its completion must come */
		FZ_ASYNC_MAYBE,		/* EFAULT: it may have been accepted */
		FZ_ASYNC_READ,		/* its completion was read */
	} state;
	u64 id;
	u32 selector;
	bool cancelled;		/* UCB_IOC_CANCEL of its id returned 0 */
	u32 arg_count;		/* of a successful completion */
	u64 args[2];
};

static struct fz_region fz_regions[FZ_R_COUNT];
static struct ucb_driver fz_driver;
static struct ucb_device *fz_device;
static struct ucb_client fz_client;

/*
 * Whether the client is open: a first call opens it with type 0, and after
 * a call that failed part-way the model cannot tell.
 */
static enum { FZ_NEW, FZ_OPEN, FZ_MAYBE_OPEN } fz_open_state;
static struct fz_stat fz_stats[UCB_REFERENCE_METHOD_COUNT];
static struct fz_async fz_asyncs[FZ_MAX_OPS];
/* A notify call succeeded: notifications may come, and their last id. */
static bool fz_notified;
static u64 fz_notification_id;

/* Async calls or notifications may hold events or room for them. */
static bool fz_events_expected(void)
{
	int op;

	for (op = 0; op < FZ_MAX_OPS; op++)
		if (fz_asyncs[op].state == FZ_ASYNC_ACCEPTED ||
		    fz_asyncs[op].state == FZ_ASYNC_MAYBE)
			return true;
	return fz_notified;
}
/* The reference driver's buffer as made: all zero. */
static const u8 fz_zeros[UCB_REFERENCE_DEFAULT_BUFFER_SIZE];
/* What the generate method must produce. */
static u8 fz_generated[FZ_STRUCT_MAX];

/* What is being done, for the report of a failed check. */
static struct {
	int op;
	unsigned int cmd;
	u32 selector;
	long ret;
} fz_ctx;

static void __attribute__((noreturn)) fz_fail(const char *cond, int line)
{
	fprintf(stderr,
		"ucb_fuzz: invariant violated: %s (line %d; op %d, cmd %#x, selector %u, ret %ld)\n",
		cond, line, fz_ctx.op, fz_ctx.cmd, fz_ctx.selector,
		fz_ctx.ret);
	abort();
}

static u8 fz_u8(struct fz_input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->data++;
}

static u64 fz_le(struct fz_input *in, int bytes)
{
	u64 v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v |= (u64)fz_u8(in) << (8 * i);
	return v;
}

static u32 fz_u16(struct fz_input *in)
{
	return (u32)fz_le(in, 2);
}

static u32 fz_u32(struct fz_input *in)
{
	return (u32)fz_le(in, 4);
}

static u32 fz_selector(struct fz_input *in)
{
	u8 b = fz_u8(in);

	return b == FZ_SELECTOR_RAW ? fz_u32(in) : b;
}

static u32 fz_count(struct fz_input *in)
{
	u8 c = fz_u8(in);

	if (c < FZ_COUNT_VARIABLE)
		return c;
	if (c == FZ_COUNT_VARIABLE)
		return UCB_VARIABLE_SIZE;
	return fz_u32(in);
}

static u32 fz_ssize(struct fz_input *in)
{
	u8 b;

	switch (fz_u8(in) % FZ_SSIZE_COUNT) {
	case FZ_SSIZE_SMALL:
		return fz_u8(in);
	case FZ_SSIZE_U16:
		return fz_u16(in);
	case FZ_SSIZE_PAGE:
		b = fz_u8(in);
		return FZ_PAGE * (1 + (b & 1)) + (b >> 1) % 9 - 4;
	case FZ_SSIZE_MAX:
		return ucb_device_max_struct_size(fz_device) + fz_u8(in) % 5 - 2;
	case FZ_SSIZE_LARGE:
		return fz_u16(in) * 16;
	default:
		return fz_u32(in);
	}
}

static u64 fz_scalar(struct fz_input *in)
{
	switch (fz_u8(in) % FZ_SCALAR_COUNT) {
	case FZ_SCALAR_U8:
		return fz_u8(in);
	case FZ_SCALAR_U16:
		return fz_u16(in);
	default:
		return fz_le(in, 8);
	}
}

static void fz_set_max(struct fz_input *in)
{
	u32 size = FZ_MAX_STRUCT_MIN +
		   fz_u16(in) % FZ_MAX_STRUCT_STEPS * FZ_MAX_STRUCT_STEP;

	FZ_CHECK(!ucb_device_set_max_struct_size(fz_device, size));
}

/* Pick where a buffer of @len bytes for region @id lives. */
static void fz_place(struct fz_input *in, enum fz_region_id id, u64 len,
		     struct fz_buf *b)
{
	const struct fz_region *r = &fz_regions[id];
	u8 kind = fz_u8(in) % FZ_PTR_COUNT;
	u8 param = fz_u8(in);
	size_t off = 0;

	memset(b, 0, sizeof(*b));
	b->region = r;
	switch (kind) {
	case FZ_PTR_START:
		break;
	case FZ_PTR_MISALIGNED:
		off = 1 + param % 7;
		break;
	case FZ_PTR_END:
		off = r->size - min_t(u64, len, r->size);
		break;
	case FZ_PTR_STRADDLE:
		off = r->size - 1 - param;
		break;
	case FZ_PTR_GUARD:
		b->uptr = (uintptr_t)(r->base + r->size) + param;
		return;
	case FZ_PTR_LOW:
		b->uptr = param;
		return;
	case FZ_PTR_KERNEL:
		b->uptr = FZ_KERNEL_ADDR + param;
		return;
	case FZ_PTR_READONLY:
		off = param % 8;
		b->ro = true;
		break;
	}
	b->p = r->base + off;
	b->uptr = (uintptr_t)b->p;
	b->avail = r->size - off;
}

/* A pointer with length 0 is never dereferenced, so it is always fine. */
static bool fz_readable(const struct fz_buf *b, u64 len)
{
	return !len || (b->p && len <= b->avail);
}

static bool fz_writable(const struct fz_buf *b, u64 len)
{
	return fz_readable(b, len) && (!len || !b->ro);
}

static bool fz_filled(const u8 *p, size_t n, u8 c)
{
	return !n || (p[0] == c && !memcmp(p, p + 1, n - 1));
}

/* Offset @off of the struct input region, unless the fuzzer wrote there. */
static u8 fz_pattern(size_t off)
{
	return off % 251 + 1;
}

static void fz_protect(struct fz_buf *bufs, int n, int prot)
{
	int i;

	for (i = 0; i < n; i++)
		if (bufs[i].ro &&
		    mprotect(bufs[i].region->base, bufs[i].region->size, prot))
			abort();
}

/* Run one ioctl whose argument is bufs[0]. */
static long fz_ioctl(unsigned int cmd, struct fz_buf *bufs, int n)
{
	long ret;

	fz_ctx.cmd = cmd;
	fz_protect(bufs, n, PROT_READ);
	ret = ucb_ioctl(&fz_client, cmd, (void *)(uintptr_t)bufs[0].uptr);
	fz_protect(bufs, n, PROT_READ | PROT_WRITE);
	fz_ctx.ret = ret;
	return ret;
}

/*
 * Decode a header size for a struct of @ksize bytes, at least @min_size,
 * and where the header lives.
 */
static void fz_header_decode(struct fz_input *in, u32 ksize, u32 min_size,
			     struct fz_header *h)
{
	u32 n, pos;

	memset(h, 0, sizeof(*h));
	switch (fz_u8(in) % FZ_HSIZE_COUNT) {
	case FZ_HSIZE_EXACT:
		h->size = ksize;
		break;
	case FZ_HSIZE_SHORT:
		h->size = fz_u8(in) % ksize;
		break;
	case FZ_HSIZE_LONG:
		n = fz_u16(in);
		pos = fz_u16(in);
		h->tail_byte = fz_u8(in);
		h->size = ksize + 1 + n % (FZ_HEADER_MAX - ksize);
		h->tail_pos = ksize + pos % (h->size - ksize);
		break;
	default:
		h->size = FZ_HEADER_MAX + 1 +
			  fz_u32(in) % (UINT32_MAX - FZ_HEADER_MAX);
		break;
	}
	/* The core reads the size word, and the rest only if that is sane. */
	h->len = h->size >= min_size && h->size <= FZ_HEADER_MAX ?
		 h->size : sizeof(u32);
}

/* Lay out @k (@ksize bytes) and the tail, and remember what was there. */
static void fz_header_put(struct fz_header *h, const void *k, u32 ksize)
{
	struct fz_buf *b = &h->buf;
	size_t n;

	if (!b->p)
		return;
	n = min_t(size_t, h->len, b->avail);
	memcpy(b->p, k, min_t(size_t, n, ksize));
	if (h->tail_byte && h->tail_pos < n) {
		b->p[h->tail_pos] = h->tail_byte;
		h->tail_set = true;
	}
	h->snap_len = min_t(size_t, (size_t)h->len + FZ_SLACK, b->avail);
	memcpy(h->snap, b->p, h->snap_len);
}

/* The header changed at most in [from, to), and only if @may_write. */
static void fz_header_check(const struct fz_header *h, bool may_write,
			    size_t from, size_t to)
{
	const u8 *p = h->buf.p;
	size_t n = h->snap_len;

	if (!p)
		return;
	if (!may_write)
		from = to = 0;
	from = min(from, n);
	to = min(to, n);
	FZ_CHECK(!memcmp(p, h->snap, from));
	FZ_CHECK(!memcmp(p + to, h->snap + to, n - to));
	/* The header region is all zero between ioctls. */
	memset(h->buf.p, 0, n);
}

/* Errors the header alone explains, common to all three ioctls. */
static void fz_header_errno(const struct fz_header *h, u32 min_size,
			    bool bad_field, long ret)
{
	bool einval = h->size < min_size || bad_field;
	bool e2big = h->size > FZ_HEADER_MAX || h->tail_set;

	if (ret == -EINVAL)
		FZ_CHECK(einval);
	if (ret == -E2BIG)
		FZ_CHECK(e2big);
	if (ret == 0)
		FZ_CHECK(!einval && !e2big);
}

static void fz_read_stats(struct fz_stat *s)
{
	u32 i;

	for (i = 0; i < UCB_REFERENCE_METHOD_COUNT; i++)
		ucb_env_stats_read(fz_device->stats, i, &s[i].calls,
				   &s[i].errors);
}

/*
 * What the counters look like right after resetStats ran: its own call
 * counted, as an error if the header write-back then faulted.
 */
static bool fz_stats_just_reset(const struct fz_stat *s, bool error)
{
	u32 i;

	for (i = 0; i < UCB_REFERENCE_METHOD_COUNT; i++) {
		bool reset = i == UCB_SEL_RESET_STATS;

		if (s[i].calls != reset || s[i].errors != (reset && error))
			return false;
	}
	return true;
}

/*
 * After an ioctl on method @sel (FZ_NO_METHOD for any other): only @sel's
 * counters moved, by at most one call, and by exactly one for a call that
 * was dispatched, counted as an error iff its result is not success.  A
 * call that failed with EFAULT after dispatch counts as an error.  They go
 * down only through resetStats.
 */
static void fz_check_stats(u32 sel, long ret, u32 result)
{
	struct fz_stat now[UCB_REFERENCE_METHOD_COUNT];
	u64 calls, errors;
	u32 i;

	fz_read_stats(now);
	if (sel == UCB_SEL_RESET_STATS &&
	    ((ret == 0 && result == UCB_IORETURN_SUCCESS) ||
	     (ret == -EFAULT && fz_stats_just_reset(now, true)))) {
		FZ_CHECK(fz_stats_just_reset(now, ret != 0));
		memcpy(fz_stats, now, sizeof(now));
		return;
	}
	for (i = 0; i < UCB_REFERENCE_METHOD_COUNT; i++) {
		FZ_CHECK(now[i].calls >= fz_stats[i].calls &&
			 now[i].errors >= fz_stats[i].errors);
		calls = now[i].calls - fz_stats[i].calls;
		errors = now[i].errors - fz_stats[i].errors;
		if (i != sel) {
			FZ_CHECK(!calls && !errors);
			continue;
		}
		FZ_CHECK(calls <= 1 && errors <= calls);
		if (ret == 0)
			FZ_CHECK(calls == 1 &&
				 errors == (result != UCB_IORETURN_SUCCESS));
		if (ret == -EINVAL || ret == -E2BIG)
			FZ_CHECK(!calls);
		if (ret == -EFAULT)
			FZ_CHECK(errors == calls);
	}
	memcpy(fz_stats, now, sizeof(now));
}

/* Everything about one UCB_IOC_CALL. */
struct fz_call {
	struct ucb_call call;		/* as laid out */
	struct fz_header hdr;
	u64 scalars[UCB_MAX_SCALARS];
	size_t prefix;		/* struct input bytes from the fuzzer */
	struct fz_buf bufs[FZ_R_CALL_COUNT];	/* [FZ_R_HEADER] is hdr.buf */
};

static void fz_call_decode(struct fz_input *in, struct fz_call *c)
{
	struct ucb_call *call = &c->call;
	u32 i, n;

	memset(c, 0, sizeof(*c));
	fz_header_decode(in, sizeof(*call), UCB_CALL_SIZE_VER0, &c->hdr);
	call->size = c->hdr.size;
	call->selector = fz_selector(in);
	call->flags = fz_u32(in);
	call->scalar_in_count = fz_count(in);
	call->struct_in_size = fz_ssize(in);
	call->scalar_out_count = fz_count(in);
	call->struct_out_size = fz_ssize(in);
	fz_ctx.selector = call->selector;

	fz_place(in, FZ_R_HEADER, c->hdr.len, &c->hdr.buf);
	fz_place(in, FZ_R_SCALAR_IN, call->scalar_in_count * 8ULL,
		 &c->bufs[FZ_R_SCALAR_IN]);
	fz_place(in, FZ_R_STRUCT_IN, call->struct_in_size,
		 &c->bufs[FZ_R_STRUCT_IN]);
	fz_place(in, FZ_R_SCALAR_OUT, call->scalar_out_count * 8ULL,
		 &c->bufs[FZ_R_SCALAR_OUT]);
	fz_place(in, FZ_R_STRUCT_OUT, call->struct_out_size,
		 &c->bufs[FZ_R_STRUCT_OUT]);
	c->bufs[FZ_R_HEADER] = c->hdr.buf;
	call->scalar_in = c->bufs[FZ_R_SCALAR_IN].uptr;
	call->struct_in = c->bufs[FZ_R_STRUCT_IN].uptr;
	call->scalar_out = c->bufs[FZ_R_SCALAR_OUT].uptr;
	call->struct_out = c->bufs[FZ_R_STRUCT_OUT].uptr;

	n = min(call->scalar_in_count, UCB_MAX_SCALARS);
	for (i = 0; i < n; i++)
		c->scalars[i] = fz_scalar(in);
	/* A delay the method accepts becomes 0: fuzzing must not sleep. */
	if (call->selector == UCB_SEL_CONSISTENCY && n &&
	    c->scalars[0] <= UCB_CONSISTENCY_MAX_DELAY_US)
		c->scalars[0] = 0;
	if (call->selector == UCB_SEL_DELAYED && n &&
	    c->scalars[0] <= UCB_DELAYED_MAX_DELAY_US)
		c->scalars[0] = 0;
	/* Nor flood: a few notifications at once. */
	if (call->selector == UCB_SEL_NOTIFY && n >= 2 &&
	    c->scalars[0] <= UCB_NOTIFY_MAX_COUNT &&
	    c->scalars[1] <= UCB_DELAYED_MAX_DELAY_US) {
		c->scalars[0] %= 8;
		c->scalars[1] = 0;
	}
	c->prefix = fz_u8(in);
}

/* Put the inputs and the header where they point. */
static void fz_call_put(struct fz_input *in, struct fz_call *c)
{
	struct fz_buf *sin = &c->bufs[FZ_R_SCALAR_IN];
	struct fz_buf *stin = &c->bufs[FZ_R_STRUCT_IN];
	size_t i;
	u8 b;

	if (sin->p)
		memcpy(sin->p, c->scalars,
		       min(sizeof(c->scalars), sin->avail));
	for (i = 0; i < c->prefix; i++) {
		b = fz_u8(in);
		if (i < stin->avail)
			stin->p[i] = b;
	}
	c->prefix = min(c->prefix, stin->avail);
	fz_header_put(&c->hdr, &c->call, sizeof(c->call));
}

/* Return the input regions to their between-ioctl contents. */
static void fz_call_restore_inputs(struct fz_call *c)
{
	struct fz_buf *sin = &c->bufs[FZ_R_SCALAR_IN];
	struct fz_buf *stin = &c->bufs[FZ_R_STRUCT_IN];
	size_t i;

	if (sin->p)
		memset(sin->p, 0, min(sizeof(c->scalars), sin->avail));
	for (i = 0; i < c->prefix; i++)
		stin->p[i] = fz_pattern(stin->p - stin->region->base + i);
}

/*
 * An output buffer changed at most in its first @window bytes: the canary
 * around it, up to FZ_SLACK bytes past its @room, is intact.  Restore it.
 */
static void fz_check_output(const struct fz_buf *b, u64 room, u64 window)
{
	size_t before, end;

	if (!b->p)
		return;
	before = min_t(size_t, b->p - b->region->base, FZ_SLACK);
	window = min_t(u64, window, b->avail);
	end = min_t(u64, room + FZ_SLACK, b->avail);
	FZ_CHECK(fz_filled(b->p - before, before, FZ_CANARY));
	FZ_CHECK(fz_filled(b->p + window, end - window, FZ_CANARY));
	memset(b->p, FZ_CANARY, window);
}

/*
 * Allowed IOReturns of a dispatched call, by UCB_IOC_CALL_ASYNC when
 * @async, and when each may occur.
 */
static bool fz_result_plausible(const struct ucb_call *call, bool async,
				u32 result)
{
	u32 sel = call->selector;
	bool known = sel < UCB_REFERENCE_METHOD_COUNT;
	bool admin_only = known &&
		(fz_driver.methods[sel].flags & UCB_METHOD_FLAG_ADMIN);
	bool async_method = known &&
		(fz_driver.methods[sel].flags & UCB_METHOD_FLAG_ASYNC);

	switch (result) {
	case UCB_IORETURN_SUCCESS:
		return known && async == async_method &&
		       (!admin_only || fz_client.env.admin);
	case UCB_IORETURN_UNSUPPORTED:
		return !known;
	case UCB_IORETURN_NOT_PRIVILEGED:
		return admin_only && !fz_client.env.admin;
	case UCB_IORETURN_BAD_ARGUMENT:
		return known;
	case UCB_IORETURN_OVERRUN:
		return sel == UCB_SEL_ECHO || sel == UCB_SEL_GENERATE;
	case UCB_IORETURN_NO_MEMORY:
		return sel == UCB_SEL_PATH_INFO ||
		       sel == UCB_SEL_SHARED_CHECKSUM ||
		       (async && async_method);
	case UCB_IORETURN_NO_RESOURCES:
		/* The queue is full: 16 ops and a few notifications never. */
		return false;
	case UCB_IORETURN_NOT_PERMITTED:
	case UCB_IORETURN_ERROR:
		return sel == UCB_SEL_PATH_INFO;
	default:
		return false;
	}
}

static u32 fz_crc32c(const u8 *p, size_t n)
{
	return ~ucb_env_crc32c(~0U, p, n);
}

/*
 * A successful call delivered what its method computes from the inputs,
 * @nscalars scalars and @nbytes struct bytes.
 */
static void fz_check_success(const struct fz_call *c, u32 nscalars,
			     u32 nbytes)
{
	const struct ucb_call *call = &c->call;
	const struct ucb_method *m = &fz_driver.methods[call->selector];
	const u8 *in = c->bufs[FZ_R_STRUCT_IN].p;
	const u8 *out = c->bufs[FZ_R_STRUCT_OUT].p;
	const u64 *s = c->scalars;
	struct ucb_transform t, want;
	u64 so[UCB_MAX_SCALARS] = {};

	/* The method read what it was given: the inputs were readable. */
	FZ_CHECK(fz_readable(&c->bufs[FZ_R_SCALAR_IN],
			     call->scalar_in_count * 8ULL) &&
		 fz_readable(&c->bufs[FZ_R_STRUCT_IN], call->struct_in_size));
	if (m->scalar_out_count != UCB_VARIABLE_SIZE)
		FZ_CHECK(nscalars == m->scalar_out_count);
	if (m->struct_out_size != UCB_VARIABLE_SIZE)
		FZ_CHECK(nbytes == m->struct_out_size);
	if (nscalars)
		memcpy(so, c->bufs[FZ_R_SCALAR_OUT].p, nscalars * 8);

	switch (call->selector) {
	case UCB_SEL_ADD:
		FZ_CHECK(so[0] == s[0] + s[1]);
		break;
	case UCB_SEL_ECHO:
		FZ_CHECK(nbytes == call->struct_in_size &&
			 (!nbytes || !memcmp(out, in, nbytes)));
		break;
	case UCB_SEL_CHECKSUM:
		FZ_CHECK(so[0] == fz_crc32c(in, call->struct_in_size) &&
			 so[1] == call->struct_in_size);
		break;
	case UCB_SEL_PATH_INFO:
		FZ_CHECK(so[0] == 1 || (!so[0] && !so[1] && !so[2] && !so[3]));
		break;
	case UCB_SEL_FIXED_TRANSFORM:
		memcpy(&t, in, sizeof(t));
		want.a = t.b;
		want.b = t.a;
		want.c = t.c + t.d;
		want.d = t.c ^ t.d;
		FZ_CHECK(!memcmp(out, &want, sizeof(want)));
		break;
	case UCB_SEL_CONSISTENCY:
		FZ_CHECK(so[0] == 1);
		break;
	case UCB_SEL_GENERATE:
		FZ_CHECK(nbytes == s[0] &&
			 (!nbytes || !memcmp(out, fz_generated, nbytes)));
		break;
	case UCB_SEL_SHARED_CHECKSUM:
		/* Nothing maps the buffer here: it stays as made, zeroed. */
		FZ_CHECK(s[0] <= sizeof(fz_zeros) &&
			 s[1] <= sizeof(fz_zeros) - s[0] &&
			 so[0] == fz_crc32c(fz_zeros, s[1]) && so[1] == s[1] &&
			 so[2] == 1);
		break;
	}
}

/* Every pointer of the call is good for all the bytes it claims. */
static bool fz_call_pointers_good(const struct fz_call *c)
{
	const struct ucb_call *call = &c->call;

	return fz_writable(&c->hdr.buf, c->hdr.len) &&
	       fz_readable(&c->bufs[FZ_R_SCALAR_IN],
			   call->scalar_in_count * 8ULL) &&
	       fz_readable(&c->bufs[FZ_R_STRUCT_IN], call->struct_in_size) &&
	       fz_writable(&c->bufs[FZ_R_SCALAR_OUT],
			   call->scalar_out_count * 8ULL) &&
	       fz_writable(&c->bufs[FZ_R_STRUCT_OUT], call->struct_out_size);
}

/*
 * The ioctl returned 0: check the result and output counts it wrote back.
 * Returns the result and how many output bytes may have changed.
 */
static u32 fz_call_check_dispatched(const struct fz_call *c, bool async,
				    u64 *scalar_window, u64 *struct_window)
{
	const struct ucb_call *call = &c->call;
	const u8 *back = c->hdr.buf.p + offsetof(struct ucb_call, result);
	u32 result, nscalars, nbytes;

	memcpy(&result, back, sizeof(u32));
	memcpy(&nscalars, back + sizeof(u32), sizeof(u32));
	memcpy(&nbytes, back + 2 * sizeof(u32), sizeof(u32));
	FZ_CHECK(fz_result_plausible(call, async, result));
	FZ_CHECK(nscalars <= call->scalar_out_count &&
		 nbytes <= call->struct_out_size);
	if (result != UCB_IORETURN_SUCCESS) {
		FZ_CHECK(!nscalars && !nbytes);
		return result;
	}
	FZ_CHECK(fz_writable(&c->bufs[FZ_R_SCALAR_OUT], nscalars * 8ULL) &&
		 fz_writable(&c->bufs[FZ_R_STRUCT_OUT], nbytes));
	fz_check_success(c, nscalars, nbytes);
	*scalar_window = nscalars * 8ULL;
	*struct_window = nbytes;
	return result;
}

/* Whether a header's size or fields alone make the ioctl fail. */
static void fz_header_faults(const struct fz_header *h, u32 min_size,
			     bool bad_field, bool *einval, bool *e2big)
{
	*einval = h->size < min_size || bad_field;
	*e2big = h->size > FZ_HEADER_MAX || h->tail_set;
}

/* What an accepted async call must complete with, and that it was. */
static void fz_async_accepted(int op, const struct fz_call *c,
			      const struct fz_header *ah)
{
	struct fz_async *a = &fz_asyncs[op];
	const struct ucb_call *call = &c->call;
	int i;

	memset(a, 0, sizeof(*a));
	memcpy(&a->id, ah->buf.p + offsetof(struct ucb_async_call, id),
	       sizeof(a->id));
	for (i = 0; i < FZ_MAX_OPS; i++)
		FZ_CHECK(fz_asyncs[i].state != FZ_ASYNC_ACCEPTED ||
			 fz_asyncs[i].id != a->id);
	a->state = FZ_ASYNC_ACCEPTED;
	a->selector = call->selector;
	if (call->selector == UCB_SEL_DELAYED) {
		a->arg_count = 1;
		a->args[0] = c->scalars[1];
	} else {
		a->arg_count = 2;
		a->args[0] = fz_crc32c(c->bufs[FZ_R_STRUCT_IN].p,
				       call->struct_in_size);
		a->args[1] = call->struct_in_size;
	}
}

/*
 * UCB_IOC_CALL, or with @async UCB_IOC_CALL_ASYNC: a struct ucb_async_call
 * (its own header size, flags and place) carrying the call, with the op's
 * reference words.
 */
static void fz_op_call(struct fz_input *in, bool async)
{
	struct fz_call c;
	const struct ucb_call *call = &c.call;
	struct fz_buf bufs[FZ_R_CALL_COUNT + 1];
	struct ucb_async_call req = {};
	struct fz_header ah = {};
	u64 scalar_room, struct_room;
	u64 scalar_window = 0, struct_window = 0;
	bool einval, e2big, a_einval = false, a_e2big = false, good;
	u32 result = 0, w;
	long ret;

	if (async) {
		fz_header_decode(in, sizeof(req), UCB_ASYNC_CALL_SIZE_VER0,
				 &ah);
		req.size = ah.size;
		req.flags = fz_u32(in);
		for (w = 0; w < UCB_ASYNC_REFERENCE_WORDS; w++)
			req.reference[w] = FZ_REFERENCE(fz_ctx.op, w);
		req.id = 0;
		fz_place(in, FZ_R_ASYNC, ah.len, &ah.buf);
	}
	fz_call_decode(in, &c);
	fz_call_put(in, &c);
	memcpy(bufs + async, c.bufs, sizeof(c.bufs));
	if (async) {
		req.call = c.hdr.buf.uptr;
		fz_header_put(&ah, &req, sizeof(req));
		bufs[0] = ah.buf;
		fz_header_faults(&ah, UCB_ASYNC_CALL_SIZE_VER0, req.flags,
				 &a_einval, &a_e2big);
	}
	ret = fz_ioctl(async ? UCB_IOC_CALL_ASYNC : UCB_IOC_CALL, bufs,
		       FZ_R_CALL_COUNT + async);

	scalar_room = call->scalar_out_count * 8ULL;
	struct_room = call->struct_out_size;
	FZ_CHECK(ret == 0 || ret == -EINVAL || ret == -E2BIG ||
		 ret == -EFAULT || ret == -ENOMEM);
	fz_header_faults(&c.hdr, UCB_CALL_SIZE_VER0,
			 call->flags ||
			 call->scalar_in_count > UCB_MAX_SCALARS ||
			 call->scalar_out_count > UCB_MAX_SCALARS,
			 &einval, &e2big);
	if (ret == -EINVAL)
		FZ_CHECK(einval || a_einval);
	if (ret == -E2BIG)
		FZ_CHECK(e2big || a_e2big);
	if (ret == 0)
		FZ_CHECK(!einval && !e2big && !a_einval && !a_e2big);
	good = fz_call_pointers_good(&c) &&
	       (!async || fz_writable(&ah.buf, ah.len));
	if (good)
		FZ_CHECK(ret != -EFAULT);
	if (ret == -ENOMEM)
		FZ_CHECK(call->struct_in_size > FZ_STACK_STRUCT ||
			 call->struct_out_size > FZ_STACK_STRUCT);

	if (ret == 0)
		fz_open_state = FZ_OPEN;
	else if (ret == -EFAULT || ret == -ENOMEM)
		fz_open_state = fz_open_state == FZ_NEW ? FZ_MAYBE_OPEN :
							  fz_open_state;
	if (ret == 0) {
		result = fz_call_check_dispatched(&c, async, &scalar_window,
						  &struct_window);
	} else if (ret == -EFAULT) {
		/* A fault while copying out may leave any output partial. */
		scalar_window = scalar_room;
		struct_window = struct_room;
	}
	if (async && ret == 0 && result == UCB_IORETURN_SUCCESS)
		fz_async_accepted(fz_ctx.op, &c, &ah);
	else if (async && ret == -EFAULT)
		fz_asyncs[fz_ctx.op] = (struct fz_async){
			.state = FZ_ASYNC_MAYBE, .selector = call->selector };
	/* A notify call that faulted writing back may have run. */
	if (call->selector == UCB_SEL_NOTIFY &&
	    ((ret == 0 && result == UCB_IORETURN_SUCCESS) || ret == -EFAULT))
		fz_notified = true;
	/* The id is written back only for an accepted call. */
	if (async)
		fz_header_check(&ah, (ret == 0 &&
				      result == UCB_IORETURN_SUCCESS) ||
				     ret == -EFAULT,
				offsetof(struct ucb_async_call, id),
				offsetof(struct ucb_async_call, id) +
				sizeof(u64));
	fz_header_check(&c.hdr, ret == 0 || ret == -EFAULT,
			offsetof(struct ucb_call, result),
			offsetof(struct ucb_call, scalar_in));
	fz_check_output(&c.bufs[FZ_R_SCALAR_OUT], scalar_room, scalar_window);
	fz_check_output(&c.bufs[FZ_R_STRUCT_OUT], struct_room, struct_window);
	fz_call_restore_inputs(&c);
	/*
	 * An accepted async call whose id could not be written back is
	 * counted as a success, one whose call header could not as an error.
	 */
	fz_check_stats(call->selector,
		       async && ret == -EFAULT ? FZ_ERRNO_EITHER : ret, result);
}

union fz_info {
	struct ucb_driver_info d;
	struct ucb_method_info m;
	struct ucb_memory_info mem;
};

static void fz_want_driver_info(struct ucb_driver_info *w, u32 size)
{
	w->size = size;
	w->abi_version = UCB_ABI_VERSION;
	w->driver_version = UCB_REFERENCE_VERSION;
	w->method_count = UCB_REFERENCE_METHOD_COUNT;
	w->max_scalars = UCB_MAX_SCALARS;
	w->max_struct_size = ucb_device_max_struct_size(fz_device);
	w->struct_size_limit = UCB_STRUCT_SIZE_LIMIT;
	w->live_buffers = 0;	/* no call in flight, no event queued */
	memcpy(w->name, UCB_REFERENCE_NAME, sizeof(UCB_REFERENCE_NAME));
}

static u32 fz_effective_max(u32 size, u32 method_max)
{
	return size == UCB_VARIABLE_SIZE ?
	       min(method_max, ucb_device_max_struct_size(fz_device)) : size;
}

static void fz_want_method_info(struct ucb_method_info *w, u32 size,
				u32 sel)
{
	const struct ucb_method *m = &fz_driver.methods[sel];

	w->size = size;
	w->selector = sel;
	w->method_flags = m->flags;
	w->scalar_in_count = m->scalar_in_count;
	w->struct_in_size = m->struct_in_size;
	w->scalar_out_count = m->scalar_out_count;
	w->struct_out_size = m->struct_out_size;
	w->struct_in_max = fz_effective_max(m->struct_in_size,
					    m->struct_in_max);
	w->struct_out_max = fz_effective_max(m->struct_out_size,
					     m->struct_out_max);
	w->calls = fz_stats[sel].calls;
	w->errors = fz_stats[sel].errors;
	memcpy(w->name, m->name, strlen(m->name));
}

static void fz_want_memory_info(struct ucb_memory_info *w, u32 size,
				u32 type)
{
	const struct ucb_memory_type *t = &fz_driver.memory_types[type];
	u32 page = UCB_PAGE_SIZE;

	w->size = size;
	w->type = type;
	w->memory_flags = t->flags;
	w->length = (t->size + page - 1) / page * page;
	w->offset = UCB_MEMORY_OFFSET(type);
	memcpy(w->name, t->name, strlen(t->name));
}

/* UCB_IOC_MEMORY_INFO: the memory type's description, or ENOENT. */
static void fz_op_memory_info(struct fz_input *in)
{
	u32 ksize = sizeof(struct ucb_memory_info);
	union fz_info req = {}, want = {};
	struct fz_header h;
	u32 out_len;
	long ret;

	fz_header_decode(in, ksize, UCB_MEMORY_INFO_SIZE_VER0, &h);
	req.mem.size = h.size;
	req.mem.flags = fz_u32(in);
	req.mem.type = fz_u8(in) % (UCB_REFERENCE_MEMORY_TYPE_COUNT + 2);
	fz_place(in, FZ_R_HEADER, h.len, &h.buf);
	fz_header_put(&h, &req, ksize);
	ret = fz_ioctl(UCB_IOC_MEMORY_INFO, &h.buf, 1);

	out_len = min(h.size, ksize);
	FZ_CHECK(ret == 0 || ret == -EINVAL || ret == -E2BIG ||
		 ret == -EFAULT || ret == -ENOENT);
	fz_header_errno(&h, UCB_MEMORY_INFO_SIZE_VER0, req.mem.flags, ret);
	if (fz_writable(&h.buf, h.len))
		FZ_CHECK(ret != -EFAULT);
	if (ret == -ENOENT)
		FZ_CHECK(req.mem.type >= UCB_REFERENCE_MEMORY_TYPE_COUNT);
	if (ret == 0) {
		FZ_CHECK(req.mem.type < UCB_REFERENCE_MEMORY_TYPE_COUNT);
		fz_want_memory_info(&want.mem, h.size, req.mem.type);
		FZ_CHECK(!memcmp(h.buf.p, &want, out_len));
	}
	fz_header_check(&h, ret == 0 || ret == -EFAULT, 0, out_len);
	fz_check_stats(FZ_NO_METHOD, ret, 0);
}

static void fz_op_info(struct fz_input *in, unsigned int cmd)
{
	bool method = cmd == UCB_IOC_METHOD_INFO;
	u32 ksize = method ? sizeof(struct ucb_method_info) :
			     sizeof(struct ucb_driver_info);
	u32 min_size = method ? UCB_METHOD_INFO_SIZE_VER0 :
				UCB_DRIVER_INFO_SIZE_VER0;
	union fz_info req = {}, want = {};
	struct fz_header h;
	u32 out_len;
	long ret;

	fz_header_decode(in, ksize, min_size, &h);
	req.d.size = h.size;
	req.d.flags = fz_u32(in);
	if (method) {
		req.m.selector = fz_selector(in);
		fz_ctx.selector = req.m.selector;
	}
	fz_place(in, FZ_R_HEADER, h.len, &h.buf);
	fz_header_put(&h, &req, ksize);
	ret = fz_ioctl(cmd, &h.buf, 1);

	out_len = min(h.size, ksize);
	FZ_CHECK(ret == 0 || ret == -EINVAL || ret == -E2BIG ||
		 ret == -EFAULT || (method && ret == -ENOENT));
	fz_header_errno(&h, min_size, req.d.flags, ret);
	/* A header fully writable never faults. */
	if (fz_writable(&h.buf, h.len))
		FZ_CHECK(ret != -EFAULT);
	if (method && ret == -ENOENT)
		FZ_CHECK(req.m.selector >= UCB_REFERENCE_METHOD_COUNT);
	if (ret == 0) {
		if (method) {
			FZ_CHECK(req.m.selector < UCB_REFERENCE_METHOD_COUNT);
			fz_want_method_info(&want.m, h.size, req.m.selector);
		} else {
			fz_want_driver_info(&want.d, h.size);
			/* Events come and go on their own. */
			if (fz_events_expected() &&
			    out_len >= offsetof(struct ucb_driver_info, name))
				memcpy(&want.d.live_buffers,
				       h.buf.p + offsetof(struct ucb_driver_info,
							  live_buffers),
				       sizeof(u64));
		}
		FZ_CHECK(!memcmp(h.buf.p, &want, out_len));
	}
	fz_header_check(&h, ret == 0 || ret == -EFAULT, 0, out_len);
	fz_check_stats(FZ_NO_METHOD, ret, 0);
}

/*
 * UCB_IOC_OPEN: the reference driver accepts every type, once and before
 * the first call; then EBUSY.  Only the result field is written.
 */
static void fz_op_open(struct fz_input *in)
{
	struct ucb_open req = {};
	struct fz_header h;
	long ret;

	fz_header_decode(in, sizeof(req), UCB_OPEN_SIZE_VER0, &h);
	req.size = h.size;
	req.flags = fz_u32(in);
	req.type = fz_u32(in);
	req.result = fz_u32(in);
	fz_place(in, FZ_R_HEADER, h.len, &h.buf);
	fz_header_put(&h, &req, sizeof(req));
	ret = fz_ioctl(UCB_IOC_OPEN, &h.buf, 1);

	FZ_CHECK(ret == 0 || ret == -EINVAL || ret == -E2BIG ||
		 ret == -EFAULT || ret == -EBUSY);
	fz_header_errno(&h, UCB_OPEN_SIZE_VER0, req.flags, ret);
	if (ret == -EBUSY)
		FZ_CHECK(fz_open_state != FZ_NEW);
	if (ret == 0 || (ret == -EFAULT && !req.flags &&
			 fz_open_state == FZ_NEW)) {
		FZ_CHECK(fz_open_state != FZ_OPEN);
		fz_open_state = ret == 0 ? FZ_OPEN : FZ_MAYBE_OPEN;
	}
	if (ret == 0) {
		u32 result;

		memcpy(&result, h.buf.p + offsetof(struct ucb_open, result),
		       sizeof(result));
		FZ_CHECK(result == UCB_IORETURN_SUCCESS);
	}
	fz_header_check(&h, ret == 0 || ret == -EFAULT,
			offsetof(struct ucb_open, result),
			offsetof(struct ucb_open, result) + sizeof(u32));
	fz_check_stats(FZ_NO_METHOD, ret, 0);
}

/* A batch's entries, with room for the longest call_size tried. */
static u64 fz_batch_mem[FZ_BATCH_MAX * 128 / sizeof(u64)];

/*
 * UCB_IOC_CALL_BATCH: the batch header is fuzzed like any header, its
 * entries are well-formed calls whose outcome the model knows, so every
 * entry's result, completed and the counters can be checked exactly.
 */
static void fz_op_batch(struct fz_input *in)
{
	static const u32 flag_set[] = { 0, UCB_BATCH_STOP_ON_ERROR, 2,
					1U << 31 };
	static const u32 stride_set[] = { 64, 128, 63, 4097 };
	struct fz_stat now[UCB_REFERENCE_METHOD_COUNT];
	u32 want_completed = 0, runs[UCB_REFERENCE_METHOD_COUNT] = { 0 };
	u32 kinds[FZ_BATCH_MAX] = { 0 }, mismatch, i, n, stride;
	u64 add_in[2] = { 40, 2 }, add_out[FZ_BATCH_MAX];
	struct ucb_batch req = {};
	struct fz_header h;
	long want_ret = 0, ret;
	bool bad_field, header_good, ran;
	u8 *entries = (u8 *)fz_batch_mem;

	fz_header_decode(in, sizeof(req), UCB_BATCH_SIZE_VER0, &h);
	req.size = h.size;
	req.flags = flag_set[fz_u8(in) % 4];
	n = fz_u8(in) % 6;
	req.count = n == 5 ? UCB_BATCH_MAX_CALLS + 1 : n;
	stride = stride_set[fz_u8(in) % 4];
	req.call_size = stride;
	req.reserved = fz_u8(in) & 1;
	mismatch = fz_u8(in) % 8;
	req.calls = (uintptr_t)entries;
	req.completed = 0xdeadbeef;
	fz_place(in, FZ_R_HEADER, h.len, &h.buf);
	n = min_t(u32, n, FZ_BATCH_MAX);

	memset(fz_batch_mem, 0, sizeof(fz_batch_mem));
	for (i = 0; i < n; i++) {
		struct ucb_call *e = (struct ucb_call *)(entries + i * 128);

		kinds[i] = fz_u8(in) % 3;
		e->size = i == mismatch ? stride + 8 : stride;
		e->result = 0x5a5a5a5a;
		e->selector = kinds[i] == 0 ? UCB_SEL_NOOP :
			      kinds[i] == 1 ? UCB_SEL_ADD : 999;
		if (kinds[i] == 1) {
			e->scalar_in_count = 2;
			e->scalar_in = (uintptr_t)add_in;
			e->scalar_out_count = 1;
			e->scalar_out = (uintptr_t)&add_out[i];
		}
	}
	/* Entries sit 128 bytes apart; call_size 64 reads them packed. */
	if (stride == 64)
		for (i = 1; i < n; i++)
			memmove(entries + i * 64, entries + i * 128, 64);
	fz_header_put(&h, &req, sizeof(req));
	ret = fz_ioctl(UCB_IOC_CALL_BATCH, &h.buf, 1);

	FZ_CHECK(ret == 0 || ret == -EINVAL || ret == -E2BIG ||
		 ret == -EFAULT);
	bad_field = req.flags & ~UCB_BATCH_STOP_ON_ERROR || req.reserved ||
		    req.count > UCB_BATCH_MAX_CALLS || stride < 64 ||
		    stride > 4096;
	header_good = !bad_field && h.size >= UCB_BATCH_SIZE_VER0 &&
		      h.size <= FZ_HEADER_MAX && !h.tail_set;
	ran = header_good && fz_readable(&h.buf, h.len);
	/* What the model expects once the header itself is good. */
	for (i = 0; ran && i < req.count; i++) {
		if (i == mismatch) {
			want_ret = -EINVAL;
			break;
		}
		want_completed++;
		if (kinds[i] < 2)
			runs[kinds[i] == 0 ? UCB_SEL_NOOP : UCB_SEL_ADD]++;
		if (kinds[i] == 2 && req.flags & UCB_BATCH_STOP_ON_ERROR)
			break;
	}
	fz_header_errno(&h, UCB_BATCH_SIZE_VER0,
			bad_field || want_ret == -EINVAL, ret);
	if (ran && fz_writable(&h.buf, h.len)) {
		u32 completed;

		memcpy(&completed, h.buf.p + offsetof(struct ucb_batch,
						      completed),
		       sizeof(completed));
		FZ_CHECK(ret == want_ret && completed == want_completed);
	}

	/* The entries that ran have their results, the others none. */
	for (i = 0; i < n; i++) {
		const struct ucb_call *e = (const struct ucb_call *)
			(entries + i * (stride == 64 ? 64 : 128));

		if (i >= want_completed) {
			FZ_CHECK(e->result == 0x5a5a5a5a);
			continue;
		}
		FZ_CHECK(e->result == (kinds[i] == 2 ?
				       UCB_IORETURN_UNSUPPORTED :
				       UCB_IORETURN_SUCCESS));
		if (kinds[i] == 1)
			FZ_CHECK(add_out[i] == 42 && e->scalar_out_count == 1);
	}
	fz_read_stats(now);
	for (i = 0; i < UCB_REFERENCE_METHOD_COUNT; i++)
		FZ_CHECK(now[i].calls - fz_stats[i].calls == runs[i] &&
			 now[i].errors == fz_stats[i].errors);
	memcpy(fz_stats, now, sizeof(now));
	if (want_completed)
		fz_open_state = FZ_OPEN;
	fz_header_check(&h, ret == 0 || ret == -EFAULT ||
			    (header_good && ret == -EINVAL),
			offsetof(struct ucb_batch, completed),
			offsetof(struct ucb_batch, completed) + sizeof(u32));
}

static bool fz_known_cmd(unsigned int cmd)
{
	return cmd == UCB_IOC_CALL || cmd == UCB_IOC_DRIVER_INFO ||
	       cmd == UCB_IOC_METHOD_INFO || cmd == UCB_IOC_OPEN ||
	       cmd == UCB_IOC_CALL_BATCH || cmd == UCB_IOC_MEMORY_INFO ||
	       cmd == UCB_IOC_CALL_ASYNC || cmd == UCB_IOC_CANCEL;
}

/*
 * Any other command fails with ENOTTY and touches nothing, not even a
 * valid call its argument points to.
 */
static void fz_op_unknown(struct fz_input *in)
{
	unsigned int cmd = UCB_IOC_CALL ^ fz_u32(in);
	struct ucb_call noop = {
		.size = sizeof(noop),
		.selector = UCB_SEL_NOOP,
	};
	struct fz_header h = {
		.size = sizeof(noop),
		.len = sizeof(noop),
	};

	if (fz_known_cmd(cmd))
		cmd ^= 1U << 31;
	fz_place(in, FZ_R_HEADER, h.len, &h.buf);
	fz_header_put(&h, &noop, sizeof(noop));
	FZ_CHECK(fz_ioctl(cmd, &h.buf, 1) == -ENOTTY);
	fz_header_check(&h, false, 0, 0);
	fz_check_stats(FZ_NO_METHOD, -ENOTTY, 0);
}

/*
 * One event read: a notification after a successful notify call, or the
 * completion of an async call of this input, once, with its reference
 * words, id, selector and what its method computes (or kIOReturnAborted
 * after a cancel, or for a call of unknown fate).
 */
static void fz_event_check(const struct ucb_event *ev)
{
	static const u64 zeros[UCB_MAX_SCALARS];
	struct fz_async *a;
	u64 op;
	u32 w;

	FZ_CHECK(ev->arg_count <= UCB_MAX_SCALARS &&
		 !memcmp(ev->args + ev->arg_count, zeros,
			 (UCB_MAX_SCALARS - ev->arg_count) * sizeof(u64)));
	if (ev->type == UCB_EVENT_NOTIFICATION) {
		FZ_CHECK(fz_notified && ev->result == UCB_NOTIFY_MESSAGE &&
			 !(ev->flags & ~UCB_EVENT_CAN_DROP) &&
			 ev->selector == 0 && ev->arg_count == 2 &&
			 ev->args[0] < ev->args[1] &&
			 ev->id > fz_notification_id &&
			 !memcmp(ev->reference, zeros, sizeof(ev->reference)));
		fz_notification_id = ev->id;
		return;
	}
	FZ_CHECK(ev->type == UCB_EVENT_COMPLETION && !ev->flags &&
		 !ev->dropped);
	op = (ev->reference[0] - FZ_REFERENCE(0, 0)) >> 8;
	FZ_CHECK(op < FZ_MAX_OPS);
	for (w = 0; w < UCB_ASYNC_REFERENCE_WORDS; w++)
		FZ_CHECK(ev->reference[w] == FZ_REFERENCE(op, w));
	a = &fz_asyncs[op];
	FZ_CHECK(a->state == FZ_ASYNC_ACCEPTED || a->state == FZ_ASYNC_MAYBE);
	FZ_CHECK(ev->selector == a->selector);
	if (a->state == FZ_ASYNC_ACCEPTED)
		FZ_CHECK(ev->id == a->id);
	if (ev->result == UCB_IORETURN_SUCCESS && a->state == FZ_ASYNC_ACCEPTED)
		FZ_CHECK(ev->arg_count == a->arg_count &&
			 !memcmp(ev->args, a->args,
				 a->arg_count * sizeof(u64)));
	else if (ev->result != UCB_IORETURN_SUCCESS)
		FZ_CHECK(ev->result == UCB_IORETURN_ABORTED &&
			 (a->cancelled || a->state == FZ_ASYNC_MAYBE));
	a->state = FZ_ASYNC_READ;
}

/*
 * UCB_IOC_CANCEL of the id of one of this input's async calls, or of an
 * arbitrary one: 0 only for a call accepted and not yet read back, whose
 * completion may then say kIOReturnAborted; the header is never written.
 */
static void fz_op_cancel(struct fz_input *in)
{
	struct ucb_cancel req = {};
	struct fz_header h;
	bool einval, e2big, known = false;
	u8 which;
	long ret;
	int op;

	fz_header_decode(in, sizeof(req), UCB_CANCEL_SIZE_VER0, &h);
	req.size = h.size;
	req.flags = fz_u32(in);
	which = fz_u8(in);
	req.id = which & 1 ? fz_le(in, 8) :
		 fz_asyncs[which / 2 % FZ_MAX_OPS].id;
	fz_place(in, FZ_R_HEADER, h.len, &h.buf);
	fz_header_put(&h, &req, sizeof(req));
	ret = fz_ioctl(UCB_IOC_CANCEL, &h.buf, 1);

	FZ_CHECK(ret == 0 || ret == -EINVAL || ret == -E2BIG ||
		 ret == -EFAULT || ret == -ENOENT);
	fz_header_faults(&h, UCB_CANCEL_SIZE_VER0, req.flags, &einval, &e2big);
	if (ret == -EINVAL)
		FZ_CHECK(einval);
	if (ret == -E2BIG)
		FZ_CHECK(e2big);
	if (ret == 0 || ret == -ENOENT)
		FZ_CHECK(!einval && !e2big);
	if (fz_readable(&h.buf, h.len))
		FZ_CHECK(ret != -EFAULT);
	for (op = 0; op < FZ_MAX_OPS; op++) {
		struct fz_async *a = &fz_asyncs[op];

		if (a->state != FZ_ASYNC_ACCEPTED || a->id != req.id)
			continue;
		known = true;
		if (ret == 0)
			a->cancelled = true;
	}
	/* A call of unknown fate may be the one cancelled. */
	if (ret == 0)
		FZ_CHECK(known || fz_events_expected());
	fz_header_check(&h, false, 0, 0);
	fz_check_stats(FZ_NO_METHOD, ret, 0);
}

/*
 * read(2) of @count bytes into a fuzzed place: whole records or EINVAL
 * under one, EAGAIN for none, EFAULT only for a buffer that faults, the
 * room past the records untouched; each record checked with the model.
 */
static void fz_op_read(struct fz_input *in)
{
	u32 count = fz_u16(in);
	struct ucb_event ev;
	struct fz_buf b;
	u64 window;
	long ret;
	long i;

	fz_place(in, FZ_R_EVENTS, count, &b);
	fz_protect(&b, 1, PROT_READ);
	ret = ucb_client_read_events(&fz_client, (void *)(uintptr_t)b.uptr,
				     count);
	fz_protect(&b, 1, PROT_READ | PROT_WRITE);
	fz_ctx.ret = ret;

	FZ_CHECK(ret >= 0 || ret == -EINVAL || ret == -EAGAIN ||
		 ret == -EFAULT);
	FZ_CHECK((ret == -EINVAL) == (count < sizeof(ev)));
	if (ret == -EFAULT || ret > 0)
		FZ_CHECK(!fz_writable(&b, sizeof(ev)) == (ret == -EFAULT) &&
			 fz_events_expected());
	if (ret >= 0) {
		FZ_CHECK(ret % sizeof(ev) == 0 && (u64)ret <= count);
		for (i = 0; i < ret; i += sizeof(ev)) {
			memcpy(&ev, b.p + i, sizeof(ev));
			fz_event_check(&ev);
		}
	}
	if (ret == -EINVAL || ret == -EAGAIN)
		window = 0;
	else if (fz_writable(&b, count))
		window = (u64)ret;
	else	/* a record that faulted part-way may be partly written */
		window = count;
	fz_check_output(&b, count, window);
	fz_check_stats(FZ_NO_METHOD, 0, 0);
}

/*
 * The end of an input: every call accepted completes, and is read.
 * Notifications still on their way are the close's to discard.
 */
static void fz_drain_events(void)
{
	struct pollfd p = { .fd = ucb_mock_events_fd(&fz_client),
			    .events = POLLIN };
	struct ucb_event ev;
	long ret;
	int op;

	for (op = 0; op < FZ_MAX_OPS; op++) {
		while (fz_asyncs[op].state == FZ_ASYNC_ACCEPTED) {
			ret = ucb_client_read_events(&fz_client, &ev,
						     sizeof(ev));
			if (ret == -EAGAIN) {
				FZ_CHECK(poll(&p, 1, FZ_EVENT_WAIT_MS) == 1);
				continue;
			}
			FZ_CHECK(ret == sizeof(ev));
			fz_event_check(&ev);
		}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t total = 0, i;
	u8 *p;
	int id;

	for (id = 0; id < FZ_R_COUNT; id++)
		total += fz_region_size[id] + FZ_PAGE;
	p = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		abort();
	for (id = 0; id < FZ_R_COUNT; id++) {
		fz_regions[id].base = p;
		fz_regions[id].size = fz_region_size[id];
		if (mprotect(p, fz_region_size[id], PROT_READ | PROT_WRITE))
			abort();
		p += fz_region_size[id] + FZ_PAGE;
	}
	for (i = 0; i < fz_regions[FZ_R_STRUCT_IN].size; i++)
		fz_regions[FZ_R_STRUCT_IN].base[i] = fz_pattern(i);
	memset(fz_regions[FZ_R_SCALAR_OUT].base, FZ_CANARY,
	       fz_regions[FZ_R_SCALAR_OUT].size);
	memset(fz_regions[FZ_R_STRUCT_OUT].base, FZ_CANARY,
	       fz_regions[FZ_R_STRUCT_OUT].size);
	memset(fz_regions[FZ_R_EVENTS].base, FZ_CANARY,
	       fz_regions[FZ_R_EVENTS].size);
	for (i = 0; i < sizeof(fz_generated); i++)
		fz_generated[i] = UCB_GENERATE_BYTE(i);

	ucb_reference_driver_fill(&fz_driver,
				  UCB_REFERENCE_DEFAULT_MAX_STRUCT_SIZE);
	if (ucb_device_create(&fz_driver, &fz_device))
		abort();
	fz_driver.device = fz_device;
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fz_input in = { .data = data, .left = size };

	/* Each input starts from the same state, so a crash reproduces. */
	if (ucb_client_init(&fz_client, fz_device))
		abort();
	fz_open_state = FZ_NEW;
	fz_client.env.admin = fz_u8(&in) & 1;
	fz_set_max(&in);
	ucb_device_reset_stats(fz_device);
	memset(fz_stats, 0, sizeof(fz_stats));
	memset(fz_asyncs, 0, sizeof(fz_asyncs));
	fz_notified = false;
	fz_notification_id = 0;

	for (fz_ctx.op = 0; fz_ctx.op < FZ_MAX_OPS && in.left; fz_ctx.op++) {
		fz_ctx.selector = FZ_NO_METHOD;
		switch (fz_u8(&in) % FZ_OP_COUNT) {
		case FZ_OP_CALL:
			fz_op_call(&in, false);
			break;
		case FZ_OP_CALL_ASYNC:
			fz_op_call(&in, true);
			break;
		case FZ_OP_CANCEL:
			fz_op_cancel(&in);
			break;
		case FZ_OP_READ:
			fz_op_read(&in);
			break;
		case FZ_OP_DRIVER_INFO:
			fz_op_info(&in, UCB_IOC_DRIVER_INFO);
			break;
		case FZ_OP_METHOD_INFO:
			fz_op_info(&in, UCB_IOC_METHOD_INFO);
			break;
		case FZ_OP_UNKNOWN:
			fz_op_unknown(&in);
			break;
		case FZ_OP_SET_MAX:
			fz_set_max(&in);
			break;
		case FZ_OP_OPEN:
			fz_op_open(&in);
			break;
		case FZ_OP_BATCH:
			fz_op_batch(&in);
			break;
		case FZ_OP_MEMORY_INFO:
			fz_op_memory_info(&in);
			break;
		}
		/* Events and async calls are the only buffers between ioctls. */
		if (!fz_events_expected())
			FZ_CHECK(ucb_counter_read(&fz_device->live_buffers) ==
				 0);
	}
	fz_drain_events();
	/* Not even the connection's input cache or counters carry over. */
	ucb_client_release(&fz_client);
	/* Nor its pending calls, events and notifications. */
	FZ_CHECK(ucb_counter_read(&fz_device->live_buffers) == 0);
	return 0;
}
