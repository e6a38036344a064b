/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Racing writers for the copy-once tests: a thread that rewrites part of a
 * call as fast as it can while the test makes the call over and over.
 */
#ifndef _UCBT_RACE_H
#define _UCBT_RACE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

struct racer {
	pthread_t thread;
	atomic_bool stop;
	/* Called with 0, 1, 2, ... until racer_stop(). */
	void (*flip)(struct racer *r, unsigned long n);
	void *target;
	size_t size;
};

bool racer_start(struct racer *r);
void racer_stop(struct racer *r);

/* Rewrites all of target: all zeros, all ones. */
void flip_all_bytes(struct racer *r, unsigned long n);

/*
 * copy-once for the struct input: it flips between all zeros and all ones
 * while consistency reads it twice, 0 to 20 us apart; one TAP check.
 */
void race_struct_input(int h, __u32 size, unsigned long calls);
/* The same with the calls in batches of four; one TAP check. */
void race_struct_input_batched(int h, __u32 size, unsigned long batches);

#endif /* _UCBT_RACE_H */
