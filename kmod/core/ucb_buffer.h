/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kernel buffer holding one call's struct input or output.
 */
#ifndef _UCB_BUFFER_H
#define _UCB_BUFFER_H

#include "ucb_env.h"

enum ucb_buffer_kind {
	UCB_BUFFER_NONE,	/* nothing to release */
	UCB_BUFFER_STACK,	/* small: the caller's stack array */
	UCB_BUFFER_HEAP,	/* large: ucb_env_alloc() */
	UCB_BUFFER_LIVE_USER,	/* test-only broken variant, never shipped */
};

struct ucb_buffer {
	void *data;
	size_t size;
	enum ucb_buffer_kind kind;
};

#endif /* _UCB_BUFFER_H */
