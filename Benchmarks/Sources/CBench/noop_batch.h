/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The noop batch the C benchmarks send, to the device and to the mock's
 * core alike.  Inline, so that neither timed loop pays a call for it.
 */
#ifndef UCBB_NOOP_BATCH_H
#define UCBB_NOOP_BATCH_H

#include <errno.h>
#include <stdint.h>
#include <linux/ucbridge.h>
#include <linux/ucbridge_reference.h>

/*
 * The batch header for @count noops at @calls, each entry built afresh,
 * as the single-call loop builds its one.
 */
static inline struct ucb_batch ucbb_noop_batch(struct ucb_call *calls,
					       uint32_t count)
{
	uint32_t j;

	for (j = 0; j < count; j++)
		calls[j] = (struct ucb_call){
			.size = sizeof(*calls),
			.selector = UCB_SEL_NOOP,
		};
	return (struct ucb_batch){
		.size = sizeof(struct ucb_batch),
		.count = count,
		.call_size = sizeof(*calls),
		.calls = (uintptr_t)calls,
	};
}

/* 0 when every call of the batch ran and succeeded, else -EBADMSG. */
static inline int ucbb_noop_batch_check(const struct ucb_batch *batch,
					const struct ucb_call *calls)
{
	uint32_t j;

	if (batch->completed != batch->count)
		return -EBADMSG;
	for (j = 0; j < batch->count; j++)
		if (calls[j].result != UCB_IORETURN_SUCCESS)
			return -EBADMSG;
	return 0;
}

#endif /* UCBB_NOOP_BATCH_H */
