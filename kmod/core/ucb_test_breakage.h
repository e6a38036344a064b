/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deliberately broken variants of the dispatch core, built only as positive
 * controls for the safety tests: each test must fail against its variant,
 * which proves the test can see the bug it is there to catch.  A shipped
 * build defines none of these, and every hook below is then a constant the
 * compiler folds away.
 *
 * UCB_TEST_BREAK_COPY_ONCE: a struct input above UCB_TEST_LIVE_CROSSOVER
 *	bytes is not copied; the method reads the caller's live pages, like an
 *	IOKit method reading a mapping of structureInputDescriptor.
 * UCB_TEST_BREAK_ZEROING: output buffers are not zeroed and the whole
 *	output room is copied back, whatever the method wrote.
 * UCB_TEST_BREAK_FREE: a heap struct input is not freed when its method
 *	fails.
 */
#ifndef _UCB_TEST_BREAKAGE_H
#define _UCB_TEST_BREAKAGE_H

#include <uapi/linux/ucbridge.h>

#include "ucb_buffer.h"

#define UCB_TEST_LIVE_CROSSOVER	8192

#ifdef UCB_TEST_BREAK_COPY_ONCE
static inline bool ucb_test_break_copy_once(u32 size)
{
	return size > UCB_TEST_LIVE_CROSSOVER;
}

/* Point @buf at the live user memory; provided by each environment. */
int ucb_env_map_user_live(struct ucb_buffer *buf, const void __user *src,
			  size_t size);
void ucb_env_unmap_user_live(struct ucb_buffer *buf);
#else
static inline bool ucb_test_break_copy_once(u32 size)
{
	return false;
}

static inline int ucb_env_map_user_live(struct ucb_buffer *buf,
					const void __user *src, size_t size)
{
	return -EINVAL;
}

static inline void ucb_env_unmap_user_live(struct ucb_buffer *buf)
{
}
#endif

static inline bool ucb_test_break_zeroing(void)
{
#ifdef UCB_TEST_BREAK_ZEROING
	return true;
#else
	return false;
#endif
}

static inline bool ucb_test_break_free(u32 result)
{
#ifdef UCB_TEST_BREAK_FREE
	return result != UCB_IORETURN_SUCCESS;
#else
	return false;
#endif
}

#endif /* _UCB_TEST_BREAKAGE_H */
