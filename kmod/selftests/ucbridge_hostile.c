// SPDX-License-Identifier: GPL-2.0
/*
 * ucbridge hostile tests: callers that race the driver.  Run on two CPUs
 * against the real /dev/ucbridge (or the in-process core).
 *
 * Copy-once, three ways: one thread rewrites part of a call as fast as it
 * can while another makes the call over and over, and the driver must never
 * act on two versions of it:
 *   - the struct input, at sizes either side of IOKit's 8 KiB crossover
 *     (consistency reads it twice, a delay apart);
 *   - the header's struct_in_size (checksum's length and CRC must describe
 *     the same bytes);
 *   - the scalar array (consistency reads the scalars twice too).
 * Against the UCB_TEST_BREAK_COPY_ONCE core every one of them must fail.
 *
 * Load: two threads on one connection and on two; every call right, and the
 * method counters add up exactly.
 *
 * Completions racing close: two threads open a connection, start async
 * calls about to complete (delayed, asyncChecksum) and close it at once,
 * round after round; nothing may be left behind.
 *
 * Usage: ucbridge_hostile [CALLS [races]]
 *   CALLS   calls per race, at most: a race ends at the first call that saw
 *           two versions (default 100000)
 *   races   the races only, no load: for the broken variants, which are
 *           given many calls so that a busy host cannot hide a race
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucbt_lib.h"
#include "ucbt_load.h"
#include "ucbt_race.h"

/* One aligned 32-bit field between two values. */
struct u32_flip {
	volatile __u32 *field;
	__u32 values[2];
};

static void flip_field(struct racer *r, unsigned long n)
{
	struct u32_flip *f = r->target;

	*f->field = f->values[n & 1];
}

static void flip_scalar(struct racer *r, unsigned long n)
{
	volatile __u64 *scalar = r->target;

	*scalar = n & 1;
}

/*
 * The header's struct_in_size flips between 100 and 200 while checksum
 * runs: its length and CRC must always describe the same prefix.
 */
static void race_header(int h, unsigned long calls)
{
	static uint8_t data[200];
	struct ucb_call uc = {
		.size = sizeof(uc), .selector = UCB_SEL_CHECKSUM,
		.struct_in = (uintptr_t)data, .struct_in_size = 100,
	};
	struct u32_flip f = { .field = &uc.struct_in_size,
			      .values = { 100, 200 } };
	struct racer r = { .flip = flip_field, .target = &f };
	unsigned long n, torn = 0, failed = 0;
	__u32 crc100, crc200;
	__u64 out[2];

	fill_pattern(data, sizeof(data), 42);
	crc100 = reference_crc32c(data, 100);
	crc200 = reference_crc32c(data, 200);
	uc.scalar_out = (uintptr_t)out;
	if (!racer_start(&r)) {
		check(false, "copy-once: header: writer thread");
		return;
	}
	/* A race caught once is caught: the rest would only cost time. */
	for (n = 0; n < calls && !torn && !failed; n++) {
		uc.scalar_out_count = 2;
		if (ucbt_ioctl(h, UCB_IOC_CALL, &uc) ||
		    uc.result != UCB_IORETURN_SUCCESS)
			failed++;
		else if (!(out[1] == 100 && out[0] == crc100) &&
			 !(out[1] == 200 && out[0] == crc200))
			torn++;
	}
	racer_stop(&r);
	check(!torn && !failed,
	      "copy-once: header struct_in_size rewritten during %lu checksum calls: %lu mixed two versions, %lu failed",
	      n, torn, failed);
}

/*
 * The scalar array (consistency's delay) flips between 0 and 1 while
 * consistency reads struct and scalars twice.
 */
static void race_scalars(int h, unsigned long calls)
{
	static uint8_t data[64];
	volatile __u64 delay = 0;
	struct racer r = { .flip = flip_scalar, .target = (void *)&delay };
	unsigned long n, torn = 0, failed = 0;
	__u64 out[1];

	fill_pattern(data, sizeof(data), 7);
	if (!racer_start(&r)) {
		check(false, "copy-once: scalars: writer thread");
		return;
	}
	/* A race caught once is caught: the rest would only cost time. */
	for (n = 0; n < calls && !torn && !failed; n++) {
		struct call c = { .selector = UCB_SEL_CONSISTENCY,
				  .scalar_in = (const __u64 *)&delay,
				  .scalar_in_count = 1,
				  .struct_in = data, .struct_in_size = 64,
				  .scalar_out = out, .scalar_out_count = 1 };

		if (call_result(h, &c) != UCB_IORETURN_SUCCESS)
			failed++;
		else if (out[0] != 1)
			torn++;
	}
	racer_stop(&r);
	check(!torn && !failed,
	      "copy-once: scalar array rewritten during %lu consistency calls: %lu saw two versions, %lu failed",
	      n, torn, failed);
}

struct closer {
	pthread_t thread;
	unsigned long rounds, refused;
};

static void *submit_and_close(void *arg)
{
	static const uint8_t data[256];
	struct closer *cl = arg;
	unsigned long round;
	int i;

	for (round = 0; round < cl->rounds; round++) {
		int h = ucbt_open();

		if (h < 0) {
			cl->refused++;
			continue;
		}
		for (i = 0; i < 16; i++) {
			struct call c = { .selector = UCB_SEL_ASYNC_CHECKSUM,
					  .struct_in = data,
					  .struct_in_size = sizeof(data) };
			__u64 id;

			if (submit_delayed(h, (__u64)(i % 4) * 100, (__u64)i,
					   NULL, &id) != UCB_IORETURN_SUCCESS ||
			    do_async(h, &c, NULL, &id) ||
			    c.result != UCB_IORETURN_SUCCESS)
				cl->refused++;
		}
		ucbt_close(h);
	}
	return NULL;
}

static void race_completions_with_close(int h, unsigned long rounds)
{
	struct closer cl[2] = { { .rounds = rounds }, { .rounds = rounds } };
	int t;

	for (t = 0; t < 2; t++)
		pthread_create(&cl[t].thread, NULL, submit_and_close, &cl[t]);
	for (t = 0; t < 2; t++)
		pthread_join(cl[t].thread, NULL);
	check(!cl[0].refused && !cl[1].refused && live_buffers(h) == 0,
	      "close racing completions: 2 threads x %lu rounds of 32 async calls: %lu refused, %llu live buffers",
	      rounds, cl[0].refused + cl[1].refused,
	      (unsigned long long)live_buffers(h));
}

int main(int argc, char **argv)
{
	unsigned long calls = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
	static const __u32 sizes[] = { 4096, 8193, 16384, 65536, MIB };
	unsigned long share[] = { 30, 30, 30, 9, 1 };	/* percent */
	size_t i;
	int h;

	tap_init("ucbridge hostile tests");
	h = ucbt_open();
	if (h < 0) {
		printf("Bail out! cannot open: %s\n", strerror(-h));
		return 1;
	}

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		race_struct_input(h, sizes[i], calls * share[i] / 100 ?: 1);
	race_struct_input_batched(h, 16384, calls / 40 ?: 1);
	race_header(h, calls);
	race_scalars(h, calls);
	if (argc < 3 || strcmp(argv[2], "races")) {
		load_two_threads(h, calls / 2, true);
		load_two_threads(h, calls / 2, false);
		race_completions_with_close(h, calls / 500 ?: 1);
	}
	check(live_buffers(h) == 0, "no live buffers after the races: %llu",
	      (unsigned long long)live_buffers(h));
	ucbt_close(h);
	return tap_finish();
}
