// SPDX-License-Identifier: GPL-2.0
/*
 * Hot unplug: a driver unregistered while its clients are open and calls
 * are in flight (the contract in <linux/ucbridge_driver.h>).
 *
 * Each round registers the test driver ("present" = 1), opens descriptors
 * (several that caller threads use, one opened with a type and left idle,
 * one whose type the driver refused, one never used), starts caller threads
 * making sleep, echo and driver-info calls on them and an opener thread
 * that opens, calls and closes descriptors of its own, waits a little and
 * unregisters the driver ("present" = 0) while calls are in flight.  Then:
 *
 *   - unregistering returned, and no method runs any more;
 *   - every close callback the driver owed has run: opens == closes;
 *   - every call started after unregister returned failed with ENODEV,
 *     and nothing else: the threads keep calling for a while to see it;
 *   - every call before it succeeded with the right outputs, or failed
 *     with ENODEV (it came in after the gate closed);
 *   - every ioctl command on every descriptor fails with ENODEV;
 *   - every close() succeeds and runs no close callback again;
 *   - no callback ran late or on a closed client's state (the driver
 *     counts those);
 *   - the removed device holds no buffers (where that can be read).
 *
 * Against the kernel (this file alone, run in the VM by
 * scripts/guest/unplug.sh) the driver is ucbridge_unplug_test.ko, and once
 * at the end: rmmod of it succeeds with a descriptor open and calls in
 * flight (unregister in module exit), the descriptor then fails ENODEV and
 * closes, and ucbridge.ko refuses to unload while a driver module is loaded
 * or a descriptor is open.  Against the in-process core
 * (ucbridge_unplug_mock.c includes this file) the driver is a portable
 * copy of the test driver and "present" = 0 is ucb_device_shutdown().
 *
 * Usage: ucbridge_unplug [ROUNDS [THREADS]]   (default 50 rounds, 4 threads)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ucbt_lib.h"
#include "../test/ucb_unplug_test.h"

#ifndef UNPLUG_MOCK
/*
 * The transport: the real node and the test module's parameters.  The mock
 * defines the same functions before including this file.
 */
#define UT_DEVICE	"/dev/ucbridge/" UNPLUG_NAME
#define UT_PARAMS	"/sys/module/" UNPLUG_MODULE "/parameters/"

const char *const ucbt_transport_name = UT_DEVICE;

int ucbt_ioctl(int handle, unsigned long cmd, void *arg)
{
	return ioctl(handle, cmd, arg) ? -errno : 0;
}

/* A new descriptor: >= 0 or -errno. */
static int ut_open(void)
{
	int fd = open(UT_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* 0 or -errno. */
static int ut_close(int handle)
{
	return close(handle) ? -errno : 0;
}

/* Register (1) or unregister (0) the driver: 0 or -errno. */
static int ut_set_present(bool present)
{
	int fd, err = 0;

	fd = open(UT_PARAMS "present", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, present ? "1" : "0", 1) != 1)
		err = -errno;
	close(fd);
	return err;
}

/* One of the driver's counters, or -1. */
static long long ut_counter(const char *name)
{
	char path[128], text[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), UT_PARAMS "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	return strtoll(text, NULL, 10);
}

/*
 * The live buffers of the device that @handle's driver had, after it was
 * removed: -1, the ABI has no way to read them (UCB_IOC_DRIVER_INFO fails
 * with ENODEV then).  The mock reads them.
 */
static long long ut_removed_live_buffers(int handle)
{
	return -1;
}
#endif /* !UNPLUG_MOCK */

#define UT_ACTIVE	4	/* descriptors the caller threads use */
#define UT_TYPED	UT_ACTIVE	/* opened with type 1, then idle */
#define UT_REFUSED	(UT_ACTIVE + 1)	/* its type refused: never opened */
#define UT_IDLE		(UT_ACTIVE + 2)	/* never used at all */
#define UT_HANDLES	(UT_ACTIVE + 3)
#define UT_MAX_THREADS	16
#define UT_SLEEP_MAX_US	2000	/* a sleep call's longest */
#define UT_AFTER_CALLS	25	/* calls each thread makes after unregister */
#define UT_WAIT_SECONDS	60	/* for the threads to do so, at most */

struct round {
	int handles[UT_HANDLES];
	atomic_bool unplugged;	/* the unregister has returned */
	atomic_bool stop;
};

/* What one thread saw, over every round. */
struct tally {
	unsigned long before_ok;	/* right outputs */
	unsigned long before_enodev;	/* cut off by the unregister */
	unsigned long before_bad;
	unsigned long after_enodev;	/* started after unregister returned */
	unsigned long after_bad;
	unsigned long opens_refused;	/* opener: ENOENT, ENXIO, ENODEV */
	char first_bad[160];
};

struct worker {
	pthread_t thread;
	struct round *round;
	unsigned int seed;
	bool opener;
	atomic_ulong after_calls;	/* this round */
	struct tally tally;
};

static void bad(struct tally *t, unsigned long *count, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct tally *t, unsigned long *count, const char *fmt, ...)
{
	va_list ap;

	if (!t->first_bad[0]) {
		va_start(ap, fmt);
		vsnprintf(t->first_bad, sizeof(t->first_bad), fmt, ap);
		va_end(ap);
	}
	(*count)++;
}

static bool ut_sleep(int h, __u64 us, int *err)
{
	__u64 out[1] = { 0 };
	struct call c = { .selector = UNPLUG_SEL_SLEEP, .scalar_in = &us,
			  .scalar_in_count = 1, .scalar_out = out,
			  .scalar_out_count = 1 };

	*err = do_call(h, &c);
	return !*err && c.result == UCB_IORETURN_SUCCESS &&
	       c.scalar_out_count == 1 && out[0] >= 1;
}

static bool ut_echo(int h, __u32 size, unsigned int seed, int *err)
{
	static _Thread_local __u8 in[UNPLUG_ECHO_MAX], out[UNPLUG_ECHO_MAX];
	struct call c = { .selector = UNPLUG_SEL_ECHO, .struct_in = in,
			  .struct_in_size = size, .struct_out = out,
			  .struct_out_size = sizeof(out) };

	fill_pattern(in, size, seed);
	memset(out, 0, sizeof(out));
	*err = do_call(h, &c);
	return !*err && c.result == UCB_IORETURN_SUCCESS &&
	       c.struct_out_size == size && !memcmp(in, out, size);
}

static bool ut_info(int h, int *err)
{
	struct ucb_driver_info info;

	*err = get_driver_info(h, &info);
	return !*err && !strcmp(info.name, UNPLUG_NAME) &&
	       info.method_count == UNPLUG_SEL_COUNT;
}

/* One call of a random kind; true when it gave the right outputs. */
static bool ut_random_call(int h, unsigned int *seed, const char **what,
			   int *err)
{
	unsigned int r = (unsigned int)rand_r(seed);

	switch (r % 8) {
	case 0: case 1: case 2: case 3:
		*what = "sleep";
		return ut_sleep(h, (r >> 3) % (UT_SLEEP_MAX_US + 1), err);
	case 4: case 5: case 6:
		*what = "echo";
		return ut_echo(h, (r >> 3) % (UNPLUG_ECHO_MAX + 1), r, err);
	default:
		*what = "driver info";
		return ut_info(h, err);
	}
}

/* Judge one call: @after says whether it started after unregister returned. */
static void ut_judge(struct tally *t, bool after, const char *what, bool ok,
		     int err)
{
	if (after) {
		if (err == -ENODEV)
			t->after_enodev++;
		else
			bad(t, &t->after_bad,
			    "%s started after unregister returned: %s",
			    what, err ? strerror(-err) : "no error");
	} else if (err == -ENODEV) {
		t->before_enodev++;
	} else if (ok) {
		t->before_ok++;
	} else {
		bad(t, &t->before_bad, "%s before unregister: %s", what,
		    err ? strerror(-err) : "wrong outputs");
	}
}

static void *caller(void *arg)
{
	struct worker *w = arg;
	struct round *r = w->round;
	const char *what;
	bool after, ok;
	int h, err;

	while (!atomic_load(&r->stop)) {
		h = r->handles[(unsigned int)rand_r(&w->seed) % UT_ACTIVE];
		after = atomic_load(&r->unplugged);
		ok = ut_random_call(h, &w->seed, &what, &err);
		ut_judge(&w->tally, after, what, ok, err);
		if (after)
			atomic_fetch_add(&w->after_calls, 1);
	}
	return NULL;
}

/*
 * Descriptors of its own, racing the removal: an open may fail while the
 * node goes away, a call on one it got is judged like the others, and
 * close always works.
 */
static void *opener(void *arg)
{
	struct worker *w = arg;
	struct round *r = w->round;
	const char *what;
	bool after, ok;
	int h, err;

	while (!atomic_load(&r->stop)) {
		after = atomic_load(&r->unplugged);
		h = ut_open();
		if (h < 0) {
			if (h == -ENOENT || h == -ENXIO || h == -ENODEV)
				w->tally.opens_refused++;
			else
				bad(&w->tally, after ? &w->tally.after_bad :
						       &w->tally.before_bad,
				    "open: %s", strerror(-h));
		} else {
			ok = ut_random_call(h, &w->seed, &what, &err);
			ut_judge(&w->tally, after, what, ok, err);
			err = ut_close(h);
			if (err)
				bad(&w->tally, &w->tally.after_bad,
				    "close of the opener's descriptor: %s",
				    strerror(-err));
		}
		if (after)
			atomic_fetch_add(&w->after_calls, 1);
	}
	return NULL;
}

static void sleep_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000,
			       .tv_nsec = (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Every ioctl command, well formed, on @h: how many did not fail ENODEV. */
static int ut_sweep(int h, char *first, size_t first_size)
{
	__u64 us = 0, out[1];
	struct ucb_call call = { .size = sizeof(call),
				 .selector = UNPLUG_SEL_SLEEP,
				 .scalar_in_count = 1, .scalar_out_count = 1,
				 .scalar_in = (uintptr_t)&us,
				 .scalar_out = (uintptr_t)out };
	struct ucb_driver_info info = { .size = sizeof(info) };
	struct ucb_method_info mi = { .size = sizeof(mi) };
	struct ucb_open op = { .size = sizeof(op) };
	struct {
		const char *name;
		unsigned long cmd;
		void *arg;
	} cmds[] = {
		{ "UCB_IOC_CALL", UCB_IOC_CALL, &call },
		{ "UCB_IOC_DRIVER_INFO", UCB_IOC_DRIVER_INFO, &info },
		{ "UCB_IOC_METHOD_INFO", UCB_IOC_METHOD_INFO, &mi },
		{ "UCB_IOC_OPEN", UCB_IOC_OPEN, &op },
		{ "an unknown command", _IO(UCB_IOC_MAGIC, 0x7f), NULL },
	};
	size_t i;
	int err, wrong = 0;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		err = ucbt_ioctl(h, cmds[i].cmd, cmds[i].arg);
		if (err == -ENODEV)
			continue;
		if (!wrong++ && !first[0])
			snprintf(first, first_size, "%s: %s", cmds[i].name,
				 err ? strerror(-err) : "no error");
	}
	return wrong;
}

/* Totals over every round, for one TAP line per property. */
struct totals {
	int rounds;
	int register_failed;
	int unregister_failed;
	int running_after;	/* rounds with a method running afterwards */
	long long waited;	/* calls in a method when unregister began */
	int rounds_waited;	/* rounds where unregister waited for one */
	long long drained;	/* calls that ended while unregister ran */
	int rounds_drained;	/* rounds with such calls */
	int owed_closes;	/* rounds where opens != closes afterwards */
	long long opened;	/* clients the driver's open accepted */
	int open_setup_bad;	/* rounds where UCB_IOC_OPEN misbehaved */
	int stuck;		/* rounds whose threads did not finish */
	int sweep_bad;		/* commands that did not fail ENODEV */
	char sweep_first[96];
	int close_bad;
	int close_callbacks;	/* close callbacks run by close() after */
	int live_bad;
	int live_read;		/* rounds where the live buffers were read */
	struct tally calls;
};

static void add_tally(struct tally *sum, const struct tally *t)
{
	sum->before_ok += t->before_ok;
	sum->before_enodev += t->before_enodev;
	sum->before_bad += t->before_bad;
	sum->after_enodev += t->after_enodev;
	sum->after_bad += t->after_bad;
	sum->opens_refused += t->opens_refused;
	if (!sum->first_bad[0])
		memcpy(sum->first_bad, t->first_bad, sizeof(sum->first_bad));
}

/* Wait until every thread has made its calls after the unregister. */
static bool ut_wait_after(struct worker *workers, int n)
{
	time_t deadline = time(NULL) + UT_WAIT_SECONDS;
	int i;

	for (;;) {
		for (i = 0; i < n; i++)
			if (atomic_load(&workers[i].after_calls) <
			    UT_AFTER_CALLS)
				break;
		if (i == n)
			return true;
		if (time(NULL) > deadline)
			return false;
		sleep_us(1000);
	}
}

static void ut_round(int number, int threads, struct totals *tot)
{
	struct worker workers[UT_MAX_THREADS + 1];
	struct round r = { 0 };
	long long opens0, closes0, opens1, closes1, closes2, running, live;
	long long drained0, drained;
	struct ucb_open op;
	bool done;
	int i, err, n = threads + 1;

	tot->rounds++;
	err = ut_set_present(true);
	if (err) {
		tot->register_failed++;
		printf("# round %d: present=1: %s\n", number, strerror(-err));
		return;
	}
	opens0 = ut_counter("opens");
	closes0 = ut_counter("closes");
	drained0 = ut_counter("drained");
	for (i = 0; i < UT_HANDLES; i++) {
		r.handles[i] = ut_open();
		if (r.handles[i] < 0) {
			printf("Bail out! round %d: open: %s\n", number,
			       strerror(-r.handles[i]));
			exit(1);
		}
	}
	/* One opened with a type it then never uses, one refused. */
	op = (struct ucb_open){ .size = sizeof(op), .type = UNPLUG_TYPE_MAX };
	err = ucbt_ioctl(r.handles[UT_TYPED], UCB_IOC_OPEN, &op);
	if (err || op.result != UCB_IORETURN_SUCCESS)
		tot->open_setup_bad++;
	op = (struct ucb_open){ .size = sizeof(op),
				.type = UNPLUG_TYPE_MAX + 1 };
	err = ucbt_ioctl(r.handles[UT_REFUSED], UCB_IOC_OPEN, &op);
	if (err || op.result != UCB_IORETURN_UNSUPPORTED)
		tot->open_setup_bad++;

	memset(workers, 0, sizeof(workers));
	for (i = 0; i < n; i++) {
		workers[i].round = &r;
		workers[i].seed = (unsigned int)(number * 131 + i);
		workers[i].opener = i == threads;
		if (pthread_create(&workers[i].thread, NULL,
				   workers[i].opener ? opener : caller,
				   &workers[i])) {
			printf("Bail out! round %d: pthread_create\n", number);
			exit(1);
		}
	}

	/* Calls in flight, then the removal path. */
	sleep_us(5000 + (number * 7919) % 25000);
	err = ut_set_present(false);
	atomic_store(&r.unplugged, true);
	running = ut_counter("running");
	opens1 = ut_counter("opens");
	closes1 = ut_counter("closes");
	if (err) {
		tot->unregister_failed++;
		printf("# round %d: present=0: %s\n", number, strerror(-err));
	}
	if (running != 0)
		tot->running_after++;
	if (ut_counter("running_at_unplug") > 0)
		tot->rounds_waited++;
	tot->waited += ut_counter("running_at_unplug");
	drained = ut_counter("drained") - drained0;
	tot->drained += drained;
	if (drained > 0)
		tot->rounds_drained++;
	if (opens1 - opens0 != closes1 - closes0 || opens1 - opens0 < 1) {
		tot->owed_closes++;
		printf("# round %d: after unregister: %lld opens, %lld closes\n",
		       number, opens1 - opens0, closes1 - closes0);
	}
	tot->opened += opens1 - opens0;

	done = ut_wait_after(workers, n);
	atomic_store(&r.stop, true);
	if (!done) {
		tot->stuck++;
		printf("# round %d: threads made no calls for %d s after unregister\n",
		       number, UT_WAIT_SECONDS);
	}
	for (i = 0; i < n; i++) {
		pthread_join(workers[i].thread, NULL);
		add_tally(&tot->calls, &workers[i].tally);
	}

	live = ut_removed_live_buffers(r.handles[0]);
	if (live >= 0) {
		tot->live_read++;
		if (live)
			tot->live_bad++;
	}
	for (i = 0; i < UT_HANDLES; i++)
		tot->sweep_bad += ut_sweep(r.handles[i], tot->sweep_first,
					   sizeof(tot->sweep_first));
	for (i = 0; i < UT_HANDLES; i++)
		if (ut_close(r.handles[i]))
			tot->close_bad++;
	closes2 = ut_counter("closes");
	tot->close_callbacks += (int)(closes2 - closes1);
	printf("# round %d: %lld clients opened and closed, %lld calls in a method when unregister began, %lld ended while it ran, %lu calls so far ENODEV after it\n",
	       number, opens1 - opens0, ut_counter("running_at_unplug"),
	       drained, tot->calls.after_enodev);
	fflush(stdout);
}

static void ut_report(const struct totals *t, int threads)
{
	const struct tally *c = &t->calls;

	check(!t->register_failed,
	      "%d rounds: present=1 registered the driver every time (%d failed)",
	      t->rounds, t->register_failed);
	check(!t->unregister_failed && !t->running_after,
	      "present=0 with calls in flight returned every time, no method running after it (%d failed, %d with a method running)",
	      t->unregister_failed, t->running_after);
	check(t->rounds_waited > 0 && t->rounds_drained > 0,
	      "calls were inside a method when unregister began in %d of %d rounds (%lld calls), and ended while it ran in %d rounds (%lld calls)",
	      t->rounds_waited, t->rounds, t->waited, t->rounds_drained,
	      t->drained);
	check(!t->owed_closes && !t->open_setup_bad,
	      "close callback ran for every client opened, by the time unregister returned: %lld clients, %d rounds wrong, %d UCB_IOC_OPEN setups wrong",
	      t->opened, t->owed_closes, t->open_setup_bad);
	check(!c->after_bad && c->after_enodev >=
	      (unsigned long)t->rounds * (unsigned long)threads * UT_AFTER_CALLS,
	      "%lu calls started after unregister returned failed with ENODEV, %lu otherwise%s%s",
	      c->after_enodev, c->after_bad,
	      c->after_bad ? ": " : "", c->after_bad ? c->first_bad : "");
	check(!c->before_bad && c->before_ok > 0,
	      "calls before it: %lu right, %lu ENODEV (cut off mid-removal), %lu wrong%s%s",
	      c->before_ok, c->before_enodev, c->before_bad,
	      c->before_bad ? ": " : "", c->before_bad ? c->first_bad : "");
	printf("# the opener's opens refused while the node was going or gone: %lu\n",
	       c->opens_refused);
	check(!t->stuck, "every thread finished (%d rounds stuck)", t->stuck);
	check(!t->sweep_bad,
	      "every ioctl command on every descriptor failed with ENODEV afterwards (%d did not%s%s)",
	      t->sweep_bad, t->sweep_bad ? ", first: " : "", t->sweep_first);
	check(!t->close_bad && !t->close_callbacks,
	      "close() of every descriptor succeeded afterwards and ran no close callback (%d failed, %d callbacks)",
	      t->close_bad, t->close_callbacks);
	if (t->live_read)
		check(!t->live_bad,
		      "the removed device held no buffers after %d rounds (%d rounds held some)",
		      t->live_read, t->live_bad);
	else
		skip("UCB_IOC_DRIVER_INFO fails with ENODEV once removed; the mock checks it",
		     "the removed device's live buffers");
	check(ut_counter("late") == 0,
	      "no driver callback ran after unregister returned or on a closed client's state (late = %lld)",
	      ut_counter("late"));
}

/* The driver works again after all that, and a quiet client holds nothing. */
static void ut_after_rounds(void)
{
	int h, err = ut_set_present(true);
	bool ok = false;
	__u64 live = ~0ull;

	h = err ? err : ut_open();
	if (h >= 0) {
		ok = ut_sleep(h, 10, &err) && ut_echo(h, UNPLUG_ECHO_MAX, 7, &err);
		live = live_buffers(h);
		ut_close(h);
	}
	check(ok && live == 0,
	      "registered again, the driver works and a quiet device holds no buffers (live %llu)",
	      (unsigned long long)live);
}

struct sleeper {
	pthread_t thread;
	int handle;
	atomic_bool stop;
	unsigned long wrong;
};

/* Keep sleep calls in flight on one descriptor until stopped. */
static void *sleeper(void *arg)
{
	struct sleeper *s = arg;
	int err;

	while (!atomic_load(&s->stop))
		if (!ut_sleep(s->handle, 1000, &err) && err != -ENODEV)
			s->wrong++;
	return NULL;
}

#ifndef UNPLUG_MOCK
static int ut_delete_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static bool ut_module_loaded(const char *name)
{
	char path[96];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !stat(path, &st);
}

static bool ut_refused_busy(int err)
{
	return err == -EWOULDBLOCK || err == -EBUSY;
}

/* ucbridge.ko stays while a driver module needs it. */
static void ut_core_stays(void)
{
	int err = ut_delete_module("ucbridge");

	check(ut_refused_busy(err),
	      "delete_module(ucbridge) refused while " UNPLUG_MODULE " is loaded: %s",
	      err ? strerror(-err) : "it unloaded");
	if (ut_module_loaded("ucbridge_reference")) {
		err = ut_delete_module("ucbridge");
		check(ut_refused_busy(err),
		      "delete_module(ucbridge) refused while ucbridge_reference is loaded: %s",
		      err ? strerror(-err) : "it unloaded");
	} else {
		skip("ucbridge_reference is not loaded",
		     "delete_module(ucbridge) refused while ucbridge_reference is loaded");
	}
}

/* Unregister in module exit. */
static bool ut_remove_driver(const char **how, int *err)
{
	*how = "rmmod " UNPLUG_MODULE;
	*err = ut_delete_module(UNPLUG_MODULE);
	return !*err && !ut_module_loaded(UNPLUG_MODULE);
}

/* ... and ucbridge.ko stays while a descriptor needs it. */
static void ut_core_stays_open(void)
{
	int err = ut_delete_module("ucbridge");

	check(ut_refused_busy(err) && ut_module_loaded("ucbridge"),
	      "delete_module(ucbridge) refused while a descriptor is open: %s",
	      err ? strerror(-err) : "it unloaded");
}
#else
static void ut_core_stays(void)
{
}

/* No module in-process: the removal path alone. */
static bool ut_remove_driver(const char **how, int *err)
{
	*how = "ucb_device_shutdown()";
	*err = ut_set_present(false);
	return !*err;
}

static void ut_core_stays_open(void)
{
}
#endif

/*
 * The driver goes for good with a descriptor open and calls in flight on
 * it: removing it succeeds, what is left of the descriptor fails ENODEV
 * and closes.
 */
static void ut_final_removal(void)
{
	struct sleeper s = { 0 };
	char first[96] = "";
	const char *how;
	int err, wrong;
	bool ok;

	ut_core_stays();
	s.handle = ut_open();
	if (s.handle < 0) {
		check(false, "open before the final removal: %s",
		      strerror(-s.handle));
		return;
	}
	ok = ut_sleep(s.handle, 10, &err);
	check(ok && ut_counter("opens") - ut_counter("closes") == 1 &&
	      ut_counter("late") == 0,
	      "before the final removal one client is open (%lld opened, %lld closed), late = %lld",
	      ut_counter("opens"), ut_counter("closes"), ut_counter("late"));
	if (pthread_create(&s.thread, NULL, sleeper, &s)) {
		check(false, "final removal: pthread_create");
		ut_close(s.handle);
		return;
	}
	sleep_us(20000);
	ok = ut_remove_driver(&how, &err) && ok;
	atomic_store(&s.stop, true);
	pthread_join(s.thread, NULL);
	check(ok && !s.wrong,
	      "%s with a descriptor open and sleep calls in flight on it succeeded (%s), the calls right or ENODEV (%lu wrong)",
	      how, err ? strerror(-err) : "done", s.wrong);
	wrong = ut_sweep(s.handle, first, sizeof(first));
	check(!wrong,
	      "every ioctl command on that descriptor fails with ENODEV afterwards (%d did not%s%s)",
	      wrong, wrong ? ", first: " : "", first);
	ut_core_stays_open();
	err = ut_close(s.handle);
	check(!err, "close of that descriptor succeeds: %s",
	      err ? strerror(-err) : "closed");
	if (ut_counter("opens") < 0) {
		skip("its counters went with the module",
		     "the driver closed the last client at removal");
		return;
	}
	check(ut_counter("opens") == ut_counter("closes") &&
	      ut_counter("late") == 0,
	      "the driver closed the last client at removal: in all %lld clients opened, %lld closed, late = %lld",
	      ut_counter("opens"), ut_counter("closes"), ut_counter("late"));
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 50;
	int threads = argc > 2 ? atoi(argv[2]) : 4;
	struct totals tot;
	int i;

	if (rounds < 1 || threads < 1 || threads > UT_MAX_THREADS) {
		fprintf(stderr, "usage: %s [ROUNDS [THREADS (1-%d)]]\n",
			argv[0], UT_MAX_THREADS);
		return 2;
	}
	tap_init("hot unplug: unregister with clients open and calls in flight");
	printf("# %d rounds, %d caller threads and an opener\n", rounds,
	       threads);
	memset(&tot, 0, sizeof(tot));
	for (i = 1; i <= rounds; i++)
		ut_round(i, threads, &tot);
	ut_report(&tot, threads);
	ut_after_rounds();
	ut_final_removal();
	return tap_finish();
}
