/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel memory one call holds: its copied inputs and its output room.
 */
#ifndef _UCB_BUFFER_H
#define _UCB_BUFFER_H

#include "ucb_env.h"
#include "ucb_core.h"

/* A small buffer is in the call's struct ucb_call_area, and is not one. */
enum ucb_buffer_kind {
	UCB_BUFFER_NONE,	/* nothing to release */
	UCB_BUFFER_HEAP,	/* large: ucb_env_alloc(), freed after the call */
	UCB_BUFFER_CACHED,	/* large: its connection's input cache */
};

struct ucb_buffer {
	void *data;
	size_t size;
	enum ucb_buffer_kind kind;
};

/**
 * struct ucb_call_buffers - what one call holds, kept small for the stack
 * @area: The connection's call area, or one allocated for this call.
 * @area_owned: @area was allocated for this call, because another call on
 *	the connection holds the connection's own (and its input cache).
 * @struct_in: The copied struct input.
 * @struct_out: The output struct room.
 */
struct ucb_call_buffers {
	struct ucb_call_area *area;
	bool area_owned;
	struct ucb_buffer struct_in;
	struct ucb_buffer struct_out;
#ifdef UCB_TEST_BREAK_COPY_ONCE
	/* Test-only broken variant: see ucb_test_breakage.h. */
	struct ucb_buffer live_scalar_in;
	struct ucb_buffer live_struct_in;
#endif
};

#endif /* _UCB_BUFFER_H */
