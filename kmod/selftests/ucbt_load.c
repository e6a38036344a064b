// SPDX-License-Identifier: GPL-2.0
/*
 * Load from two threads at once (see ucbt_load.h).
 */
#include <pthread.h>

#include "ucbt_lib.h"
#include "ucbt_load.h"

struct load {
	pthread_t thread;
	int handle;		/* < 0: open a connection of its own */
	unsigned long calls;
	unsigned long wrong;
};

static void *add_in_loop(void *arg)
{
	struct load *l = arg;
	int h = l->handle >= 0 ? l->handle : ucbt_open();
	unsigned long i;

	for (i = 0; i < l->calls; i++) {
		__u64 in[2] = { i, i << 1 }, out[1] = { 0 };
		struct call c = { .selector = UCB_SEL_ADD, .scalar_in = in,
				  .scalar_in_count = 2, .scalar_out = out,
				  .scalar_out_count = 1 };

		if (call_result(h, &c) != UCB_IORETURN_SUCCESS ||
		    out[0] != 3 * (__u64)i)
			l->wrong++;
		c = (struct call){ .selector = UCB_SEL_NOOP };
		if (call_result(h, &c) != UCB_IORETURN_SUCCESS)
			l->wrong++;
	}
	if (l->handle < 0)
		ucbt_close(h);
	return NULL;
}

void load_two_threads(int h, unsigned long calls, bool shared)
{
	struct load loads[2] = {
		{ .handle = shared ? h : -1, .calls = calls },
		{ .handle = shared ? h : -1, .calls = calls },
	};
	__u64 add0, add1, noop0, noop1, errors;
	int t;

	method_counters(h, UCB_SEL_ADD, &add0, &errors);
	method_counters(h, UCB_SEL_NOOP, &noop0, &errors);
	for (t = 0; t < 2; t++)
		pthread_create(&loads[t].thread, NULL, add_in_loop, &loads[t]);
	for (t = 0; t < 2; t++)
		pthread_join(loads[t].thread, NULL);
	method_counters(h, UCB_SEL_ADD, &add1, &errors);
	method_counters(h, UCB_SEL_NOOP, &noop1, &errors);
	check(!loads[0].wrong && !loads[1].wrong &&
	      add1 - add0 == 2 * calls && noop1 - noop0 == 2 * calls,
	      "load: 2 threads x %lu add+noop on %s: %lu wrong, counters +%llu/+%llu",
	      calls, shared ? "one connection" : "two connections",
	      loads[0].wrong + loads[1].wrong,
	      (unsigned long long)(add1 - add0),
	      (unsigned long long)(noop1 - noop0));
}
