// SPDX-License-Identifier: GPL-2.0
/*
 * Racing writers for the copy-once tests (see ucbt_race.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ucbt_lib.h"
#include "ucbt_race.h"

static void *race(void *arg)
{
	struct racer *r = arg;
	unsigned long n = 0;

	while (!atomic_load_explicit(&r->stop, memory_order_relaxed))
		r->flip(r, n++);
	return NULL;
}

bool racer_start(struct racer *r)
{
	atomic_store(&r->stop, false);
	return pthread_create(&r->thread, NULL, race, r) == 0;
}

void racer_stop(struct racer *r)
{
	atomic_store(&r->stop, true);
	pthread_join(r->thread, NULL);
}

/* Every byte of the buffer at once: all zeros, all ones. */
void flip_all_bytes(struct racer *r, unsigned long n)
{
	memset(r->target, n & 1 ? 0xff : 0x00, r->size);
}

void race_struct_input(int h, __u32 size, unsigned long calls)
{
	struct racer r = { .flip = flip_all_bytes, .size = size };
	unsigned long n, torn = 0, failed = 0;
	__u64 delay, out[1];

	r.target = xmalloc(size);
	memset(r.target, 0, size);
	if (!racer_start(&r)) {
		check(false, "copy-once: struct input: writer thread");
		free(r.target);
		return;
	}
	/* A race caught once is caught: the rest would only cost time. */
	for (n = 0; n < calls && !torn && !failed; n++) {
		struct call c = { .selector = UCB_SEL_CONSISTENCY,
				  .scalar_in = &delay, .scalar_in_count = 1,
				  .struct_in = r.target, .struct_in_size = size,
				  .scalar_out = out, .scalar_out_count = 1 };

		delay = n % 8 ? 0 : 20;
		if (call_result(h, &c) != UCB_IORETURN_SUCCESS)
			failed++;
		else if (out[0] != 1)
			torn++;
	}
	racer_stop(&r);
	free(r.target);
	check(!torn && !failed,
	      "copy-once: struct input of %u bytes rewritten during %lu consistency calls: %lu saw two versions, %lu failed",
	      size, n, torn, failed);
}

/*
 * The same through batches of consistency calls that all read the one
 * rewritten buffer: each entry is copied once, like a single call.
 */
void race_struct_input_batched(int h, __u32 size, unsigned long batches)
{
	struct racer r = { .flip = flip_all_bytes, .size = size };
	unsigned long n, torn = 0, failed = 0;
	struct call calls[4];
	__u64 delay, out[4];
	__u32 completed, i;

	r.target = xmalloc(size);
	memset(r.target, 0, size);
	if (!racer_start(&r)) {
		check(false, "copy-once: batched struct input: writer thread");
		free(r.target);
		return;
	}
	for (n = 0; n < batches && !torn && !failed; n++) {
		delay = n % 8 ? 0 : 20;
		for (i = 0; i < 4; i++)
			calls[i] = (struct call){
				.selector = UCB_SEL_CONSISTENCY,
				.scalar_in = &delay, .scalar_in_count = 1,
				.struct_in = r.target, .struct_in_size = size,
				.scalar_out = &out[i], .scalar_out_count = 1 };
		if (do_batch(h, calls, 4, 0, &completed) || completed != 4) {
			failed++;
			continue;
		}
		for (i = 0; i < 4; i++) {
			if (calls[i].result != UCB_IORETURN_SUCCESS)
				failed++;
			else if (out[i] != 1)
				torn++;
		}
	}
	racer_stop(&r);
	free(r.target);
	check(!torn && !failed,
	      "copy-once: batched struct input of %u bytes rewritten during %lu batches of 4 consistency calls: %lu saw two versions, %lu failed",
	      size, n, torn, failed);
}
