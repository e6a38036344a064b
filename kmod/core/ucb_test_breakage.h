/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deliberately broken variants of the dispatch core, built only as positive
 * controls for the safety tests: each test must fail against its variant,
 * which proves the test can see the bug it is there to catch.  A shipped
 * build defines none of these, and every hook below is then empty or a
 * constant the compiler folds away.
 *
 * UCB_TEST_BREAK_COPY_ONCE: the method reads its inputs where they lie, as
 *	IOKit methods reading a mapping of structureInputDescriptor do: the
 *	scalars and a struct input above UCB_TEST_LIVE_CROSSOVER bytes from
 *	the caller's live pages, and a smaller struct input's size fetched
 *	from the header a second time (bounded by the buffer the core holds,
 *	so that memory stays safe).
 * UCB_TEST_BREAK_ZEROING: output buffers are not zeroed and the whole
 *	output room is copied back, whatever the method wrote.
 * UCB_TEST_BREAK_FREE: a heap struct input is not freed when its method
 *	fails.
 * UCB_TEST_BREAK_CACHE: the connection's input cache keeps an input of any
 *	size until the connection closes, so idle connections pin memory
 *	without bound.
 * UCB_TEST_BREAK_SHARED_LIVE: a snapshot of shared memory is the live
 *	memory itself, which the client goes on writing: a method validating
 *	it reads it twice.
 * UCB_TEST_BREAK_ASYNC_BOUND: a client's event queue has no bound, so one
 *	client can make the kernel hold async calls and events without end.
 */
#ifndef _UCB_TEST_BREAKAGE_H
#define _UCB_TEST_BREAKAGE_H

#include "ucb_buffer.h"
#include "ucb_core.h"

#define UCB_TEST_LIVE_CROSSOVER	8192

#ifdef UCB_TEST_BREAK_COPY_ONCE
/* Point @buf at live user memory; provided by each environment. */
int ucb_env_map_user_live(struct ucb_buffer *buf, const void __user *src,
			  size_t size);
void ucb_env_unmap_user_live(struct ucb_buffer *buf);

static inline int ucb_test_map_live(struct ucb_device *device,
				    struct ucb_buffer *buf,
				    const void __user *src, size_t size)
{
	int err = ucb_env_map_user_live(buf, src, size);

	if (err)
		return err;
	buf->kind = UCB_BUFFER_HEAP;
	ucb_counter_inc(&device->live_buffers);
	return 0;
}

static inline int ucb_test_use_live_inputs(struct ucb_device *device,
					   const struct ucb_call __user *ucall,
					   const struct ucb_call *call,
					   struct ucb_call_buffers *bufs,
					   struct ucb_args *args)
{
	const u8 __user *usize = (const u8 __user *)ucall +
				 offsetof(struct ucb_call, struct_in_size);
	size_t held;
	u32 size;
	int err;

	if (call->scalar_in_count) {
		err = ucb_test_map_live(device, &bufs->live_scalar_in,
					u64_to_user_ptr(call->scalar_in),
					call->scalar_in_count * sizeof(u64));
		if (err)
			return err;
		args->scalar_in = bufs->live_scalar_in.data;
	}
	if (call->struct_in_size > UCB_TEST_LIVE_CROSSOVER) {
		err = ucb_test_map_live(device, &bufs->live_struct_in,
					u64_to_user_ptr(call->struct_in),
					call->struct_in_size);
		if (err)
			return err;
		args->struct_in = bufs->live_struct_in.data;
		return 0;
	}
	if (copy_from_user(&size, usize, sizeof(size)))
		return -EFAULT;
	held = bufs->struct_in.kind == UCB_BUFFER_NONE ?
	       UCB_SMALL_STRUCT_SIZE : bufs->struct_in.size - 1;
	args->struct_in_size = min_t(size_t, size, held);
	return 0;
}

static inline void ucb_test_release_live(struct ucb_device *device,
					 struct ucb_buffer *buf)
{
	if (buf->kind == UCB_BUFFER_NONE)
		return;
	ucb_env_unmap_user_live(buf);
	ucb_counter_dec(&device->live_buffers);
	buf->kind = UCB_BUFFER_NONE;
}

static inline void ucb_test_release_live_inputs(struct ucb_device *device,
						struct ucb_call_buffers *bufs)
{
	ucb_test_release_live(device, &bufs->live_scalar_in);
	ucb_test_release_live(device, &bufs->live_struct_in);
}

static inline void ucb_test_init_live_inputs(struct ucb_call_buffers *bufs)
{
	bufs->live_scalar_in.kind = UCB_BUFFER_NONE;
	bufs->live_struct_in.kind = UCB_BUFFER_NONE;
}
#else
static inline int ucb_test_use_live_inputs(struct ucb_device *device,
					   const struct ucb_call __user *ucall,
					   const struct ucb_call *call,
					   struct ucb_call_buffers *bufs,
					   struct ucb_args *args)
{
	return 0;
}

static inline void ucb_test_release_live_inputs(struct ucb_device *device,
						struct ucb_call_buffers *bufs)
{
}

static inline void ucb_test_init_live_inputs(struct ucb_call_buffers *bufs)
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

static inline size_t ucb_test_input_cache_max(void)
{
#ifdef UCB_TEST_BREAK_CACHE
	return (size_t)UCB_STRUCT_SIZE_LIMIT + 1;
#else
	return UCB_INPUT_CACHE_MAX;
#endif
}

static inline bool ucb_test_break_shared_live(void)
{
#ifdef UCB_TEST_BREAK_SHARED_LIVE
	return true;
#else
	return false;
#endif
}

static inline u32 ucb_test_event_queue_max(void)
{
#ifdef UCB_TEST_BREAK_ASYNC_BOUND
	return ~0U;
#else
	return UCB_EVENT_QUEUE_MAX;
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
