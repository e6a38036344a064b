/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel memory one call holds: its copied inputs and its output room.
 */
#ifndef _UCB_BUFFER_H
#define _UCB_BUFFER_H

#include "ucb_env.h"
#include <uapi/linux/ucbridge.h>

/* Struct buffers up to this size live on the stack, larger on the heap. */
#define UCB_STACK_STRUCT_SIZE	256

enum ucb_buffer_kind {
	UCB_BUFFER_NONE,	/* nothing to release */
	UCB_BUFFER_STACK,	/* small: an array of struct ucb_call_buffers */
	UCB_BUFFER_HEAP,	/* large: ucb_env_alloc() */
	UCB_BUFFER_CACHED,	/* large: its connection's input cache */
};

struct ucb_buffer {
	void *data;
	size_t size;
	enum ucb_buffer_kind kind;
	ucb_flag_t *cache_busy;	/* UCB_BUFFER_CACHED: the cache's lock */
};

struct ucb_call_buffers {
	u64 scalar_in[UCB_MAX_SCALARS];
	u64 scalar_out[UCB_MAX_SCALARS];
	/* +1: struct_in is always NUL-terminated (see struct ucb_args). */
	u8 struct_in_stack[UCB_STACK_STRUCT_SIZE + 1];
	u8 struct_out_stack[UCB_STACK_STRUCT_SIZE];
	struct ucb_buffer struct_in;
	struct ucb_buffer struct_out;
#ifdef UCB_TEST_BREAK_COPY_ONCE
	/* Test-only broken variant: see ucb_test_breakage.h. */
	struct ucb_buffer live_scalar_in;
	struct ucb_buffer live_struct_in;
#endif
};

#endif /* _UCB_BUFFER_H */
