/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The byte format of a ucb_fuzz_core input, shared by the harness, which
 * decodes it, and ucb_fuzz_seeds, which writes the seed corpus in it.
 *
 * Every field is a small class byte, taken modulo the number of classes,
 * followed by that class's parameter bytes; numbers are little endian.  A
 * field read past the end of the input is 0, so any byte string decodes and
 * an input of zeros means "exact size, valid pointer, no flags".
 *
 * input   := admin:u8 max:u16 op*       (at most FZ_MAX_OPS ops)
 *   admin bit 0: the client has CAP_SYS_ADMIN.
 *   max: driver max_struct_size = FZ_MAX_STRUCT_MIN + (max % 65281) * 16,
 *	that is 4 KiB to 1 MiB.
 * op      := kind:u8 then by kind (enum fz_op):
 *   CALL         hsize selector:u8 flags:u32 count(scalar in)
 *                ssize(struct in) count(scalar out) ssize(struct out)
 *                ptr(header) ptr(scalar in) ptr(struct in) ptr(scalar out)
 *                ptr(struct out) scalar*min(scalar in count, 16)
 *                len:u8 byte*len (the first struct input bytes)
 *   DRIVER_INFO  hsize flags:u32 ptr(header)
 *   METHOD_INFO  hsize flags:u32 selector:u8 ptr(header)
 *   UNKNOWN      mask:u32 ptr(argument): the command is UCB_IOC_CALL ^
 *                mask, with bit 31 flipped if that is a ucbridge command;
 *                the argument is a valid noop call
 *   SET_MAX      max:u16 as above
 *   BATCH        hsize flags:u8 count:u8 stride:u8 reserved:u8
 *                mismatch:u8 ptr(header) kind:u8*min(count, 4): a
 *                UCB_IOC_CALL_BATCH of up to FZ_BATCH_MAX well-formed
 *                entries (noop, add or an unknown selector by kind % 3),
 *                flags from {0, STOP_ON_ERROR, 2, 1 << 31} (flags % 4),
 *                count % 6 with 5 meaning UCB_BATCH_MAX_CALLS + 1,
 *                call_size from {64, 128, 63, 4097} (stride % 4), and the
 *                entry at mismatch % 8 (if any) with a size other than
 *                call_size
 *   MEMORY_INFO  hsize flags:u32 type:u8 ptr(header): type % (the
 *                reference driver's memory type count + 2)
 *   CALL_ASYNC   hsize flags:u32 ptr(header) then a CALL's fields: a
 *                UCB_IOC_CALL_ASYNC (struct ucb_async_call at its own
 *                place) of that call, with reference words naming the op
 *   CANCEL       hsize flags:u32 which:u8 [u64 id] ptr(header): the id
 *                is the u64 when which is odd, else that of the async
 *                call of op which / 2 % FZ_MAX_OPS (0 if none)
 *   READ         count:u16 ptr(buffer): read(2) of the client's events
 * selector:u8 is the selector itself, except FZ_SELECTOR_RAW then u32.
 * hsize   := class:u8 (enum fz_hsize) then
 *   EXACT  nothing: the kernel's struct size
 *   SHORT  u8 n: n % ksize bytes
 *   LONG   u16 n, u16 pos, u8 b: ksize + 1 + n % (4096 - ksize) bytes,
 *          a zero tail except byte b at tail offset pos % tail length
 *   HUGE   u32 n: 4097 or more
 * count   := u8 c: c itself up to 17, FZ_COUNT_VARIABLE: 0xffffffff,
 *            above that u32
 * ssize   := class:u8 (enum fz_ssize) then its parameter
 * scalar  := class:u8 (enum fz_scalar) then its parameter
 * ptr     := kind:u8 (enum fz_ptr) param:u8
 */
#ifndef _UCB_FUZZ_INPUT_H
#define _UCB_FUZZ_INPUT_H

#define FZ_MAX_OPS		16
#define FZ_MAX_STRUCT_MIN	4096U	/* UCB_STRUCT_SIZE_FLOOR */
#define FZ_MAX_STRUCT_STEPS	65281U
#define FZ_MAX_STRUCT_STEP	16U

enum fz_op {
	FZ_OP_CALL,
	FZ_OP_DRIVER_INFO,
	FZ_OP_METHOD_INFO,
	FZ_OP_UNKNOWN,
	FZ_OP_SET_MAX,
	FZ_OP_OPEN,
	FZ_OP_BATCH,
	FZ_OP_MEMORY_INFO,
	FZ_OP_CALL_ASYNC,
	FZ_OP_CANCEL,
	FZ_OP_READ,
	FZ_OP_COUNT
};

#define FZ_SELECTOR_RAW		0xff

/* Most entries a fuzzed batch lays out. */
#define FZ_BATCH_MAX		4

enum fz_hsize {
	FZ_HSIZE_EXACT,
	FZ_HSIZE_SHORT,
	FZ_HSIZE_LONG,
	FZ_HSIZE_HUGE,
	FZ_HSIZE_COUNT
};

#define FZ_COUNT_VARIABLE	18

/* Struct sizes, chosen to hit the core's boundaries. */
enum fz_ssize {
	FZ_SSIZE_SMALL,		/* u8: 0 to 255, the stack buffer */
	FZ_SSIZE_U16,		/* u16: 0 to 64 KiB - 1, across 256/257 */
	FZ_SSIZE_PAGE,		/* u8 b: 4 KiB or 8 KiB (b & 1), off by
				 * b / 2 % 9 - 4: UCB_PATH_INFO_MAX, the
				 * copy-once crossover */
	FZ_SSIZE_MAX,		/* u8 b: max_struct_size + b % 5 - 2 */
	FZ_SSIZE_LARGE,		/* u16 n: 16 n, up to 1 MiB */
	FZ_SSIZE_RAW,		/* u32 */
	FZ_SSIZE_COUNT
};

enum fz_scalar {
	FZ_SCALAR_U8,
	FZ_SCALAR_U16,
	FZ_SCALAR_U64,
	FZ_SCALAR_COUNT
};

/* Where a pointer points; each buffer has its own region and guard page. */
enum fz_ptr {
	FZ_PTR_START,		/* region start: aligned, room to spare */
	FZ_PTR_MISALIGNED,	/* region start + 1 + param % 7 */
	FZ_PTR_END,		/* the buffer ends right at the guard page */
	FZ_PTR_STRADDLE,	/* 1 + param bytes before the guard page */
	FZ_PTR_GUARD,		/* the guard page: mapped PROT_NONE */
	FZ_PTR_LOW,		/* the address param: NULL or just above */
	FZ_PTR_KERNEL,		/* a kernel-half address */
	FZ_PTR_READONLY,	/* region start + param % 8, region read-only
				 * for the duration of the call */
	FZ_PTR_COUNT
};

#endif /* _UCB_FUZZ_INPUT_H */
