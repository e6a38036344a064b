// SPDX-License-Identifier: GPL-2.0
/*
 * ucbridge_unplug_test.ko: a test-only ucbridge driver that can remove
 * itself while its clients are open, for the hot-unplug test
 * (kmod/selftests/ucbridge_unplug.c, run by scripts/guest/unplug.sh).
 *
 * It publishes /dev/ucbridge/unplug-test through the driver API of
 * <linux/ucbridge_driver.h> alone.  Writing 0 to its "present" parameter
 * calls ucb_unregister_driver() right in the write, as a driver's removal
 * path does, whatever clients are open and calls are in flight; writing 1
 * registers it again.  Unloading the module unregisters it too.
 *
 * Its methods take a while and use per-client state that the open callback
 * allocates and the close callback frees (see ucb_unplug_test.h).  Every
 * callback checks that its driver is registered and its client's state
 * alive, and counts in "late" what is not: a callback the framework runs
 * after ucb_unregister_driver() returned, or a state used after its close.
 * Under slub_debug the freed state is poisoned as well, so a write to it
 * shows on the console.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ucbridge_driver.h>

#include "ucb_unplug_test.h"

#define UNPLUG_VERSION		0x000100	/* 0.1.0 */
#define UNPLUG_CLIENT_ALIVE	0x75636c69U
#define UNPLUG_CLIENT_DEAD	0xdeadc1e7U

/**
 * struct unplug_client - what the driver keeps per client
 * @magic: %UNPLUG_CLIENT_ALIVE from open to close.
 * @type: The user-client type the client opened with.
 * @lock: Protects the rest; calls on one client may run concurrently.
 * @calls: Calls of the client's methods.
 * @bytes: Bytes echoed.
 * @buf: What the last echo went through.
 */
struct unplug_client {
	u32 magic;
	u32 type;
	struct mutex lock;
	u64 calls;
	u64 bytes;
	u8 buf[UNPLUG_ECHO_MAX];
};

/* Where the module is in its life; changes under unplug_lock. */
enum unplug_phase {
	UNPLUG_LOADING,		/* parameters parsed, init not run */
	UNPLUG_LIVE,		/* "present" registers and unregisters */
	UNPLUG_EXITING,		/* module exit: no more registering */
};

/* Serializes registration against "present" writes and module exit. */
static DEFINE_MUTEX(unplug_lock);
static enum unplug_phase unplug_phase = UNPLUG_LOADING;
static bool unplug_want = true;	/* "present" given at load time */
/* Set before registering, cleared once unregistering has returned. */
static bool unplug_registered;
/* Set while ucb_unregister_driver() runs. */
static bool unplug_unregistering;

static atomic_t unplug_opens = ATOMIC_INIT(0);
static atomic_t unplug_closes = ATOMIC_INIT(0);
static atomic_t unplug_running = ATOMIC_INIT(0);
static atomic_t unplug_calls = ATOMIC_INIT(0);
static atomic_t unplug_late = ATOMIC_INIT(0);
static atomic_t unplug_unplugs = ATOMIC_INIT(0);
static atomic_t unplug_running_at_unplug = ATOMIC_INIT(0);
static atomic_t unplug_waited = ATOMIC_INIT(0);
static atomic_t unplug_drained = ATOMIC_INIT(0);

/* Count, and report (rate-limited), a callback that runs where it must not. */
static void unplug_check(bool ok, const char *what)
{
	if (ok)
		return;
	atomic_inc(&unplug_late);
	pr_err_ratelimited("%s after unregister or close\n", what);
}

static bool unplug_is_registered(void)
{
	return READ_ONCE(unplug_registered);
}

/* The client's state, checked alive; NULL (counted) if it is not. */
static struct unplug_client *unplug_state(struct ucb_client *client,
					  const char *what)
{
	struct unplug_client *state = ucb_client_private(client);

	unplug_check(unplug_is_registered(), what);
	if (!state || READ_ONCE(state->magic) != UNPLUG_CLIENT_ALIVE) {
		unplug_check(false, what);
		return NULL;
	}
	return state;
}

static void unplug_call_begin(void)
{
	atomic_inc(&unplug_running);
}

/*
 * A method still running once unregister returned is as late as a new one.
 * Those that end while unregister runs show that calls overlapped it.
 */
static void unplug_call_end(const char *what)
{
	unplug_check(unplug_is_registered(), what);
	if (READ_ONCE(unplug_unregistering))
		atomic_inc(&unplug_drained);
	atomic_inc(&unplug_calls);
	atomic_dec(&unplug_running);
}

static u32 unplug_sleep(struct ucb_args *args)
{
	struct unplug_client *state;
	u64 us = args->scalar_in[0];
	u32 result = UCB_IORETURN_SUCCESS;

	unplug_call_begin();
	if (us > UNPLUG_SLEEP_MAX_US) {
		result = UCB_IORETURN_BAD_ARGUMENT;
		goto out;
	}
	fsleep((unsigned long)us);
	state = unplug_state(args->client, "sleep");
	if (!state) {
		result = UCB_IORETURN_INTERNAL_ERROR;
		goto out;
	}
	mutex_lock(&state->lock);
	args->scalar_out[0] = ++state->calls;
	mutex_unlock(&state->lock);
	args->scalar_out_count = 1;
out:
	unplug_call_end("sleep");
	return result;
}

static u32 unplug_echo(struct ucb_args *args)
{
	struct unplug_client *state;
	u32 size = min(args->struct_in_size, args->struct_out_size);

	unplug_call_begin();
	state = unplug_state(args->client, "echo");
	if (!state) {
		unplug_call_end("echo");
		return UCB_IORETURN_INTERNAL_ERROR;
	}
	mutex_lock(&state->lock);
	memcpy(state->buf, args->struct_in, size);
	state->calls++;
	state->bytes += size;
	memcpy(args->struct_out, state->buf, size);
	mutex_unlock(&state->lock);
	args->struct_out_size = size;
	unplug_call_end("echo");
	return UCB_IORETURN_SUCCESS;
}

static const struct ucb_method unplug_methods[UNPLUG_SEL_COUNT] = {
	[UNPLUG_SEL_SLEEP] = {
		.handler = unplug_sleep,
		.name = "sleep",
		.scalar_in_count = 1,
		.scalar_out_count = 1,
	},
	[UNPLUG_SEL_ECHO] = {
		.handler = unplug_echo,
		.name = "echo",
		.struct_in_size = UCB_VARIABLE_SIZE,
		.struct_in_max = UNPLUG_ECHO_MAX,
		.struct_out_size = UCB_VARIABLE_SIZE,
		.struct_out_max = UNPLUG_ECHO_MAX,
	},
};

/**
 * unplug_open() - accept a client, with state of its own
 * @client: The client.
 * @type: Its user-client type; above %UNPLUG_TYPE_MAX it is refused.
 *
 * Return: an IOReturn.
 */
static u32 unplug_open(struct ucb_client *client, u32 type)
{
	struct unplug_client *state;

	unplug_check(unplug_is_registered(), "open");
	if (type > UNPLUG_TYPE_MAX)
		return UCB_IORETURN_UNSUPPORTED;
	state = kzalloc(sizeof(*state), GFP_KERNEL);
	if (!state)
		return UCB_IORETURN_NO_MEMORY;
	state->magic = UNPLUG_CLIENT_ALIVE;
	state->type = type;
	mutex_init(&state->lock);
	ucb_client_set_private(client, state);
	atomic_inc(&unplug_opens);
	return UCB_IORETURN_SUCCESS;
}

/**
 * unplug_close() - free a client's state
 * @client: A client unplug_open() accepted, closing or cut off by
 *	unregister.
 */
static void unplug_close(struct ucb_client *client)
{
	struct unplug_client *state = unplug_state(client, "close");

	if (state) {
		WRITE_ONCE(state->magic, UNPLUG_CLIENT_DEAD);
		mutex_destroy(&state->lock);
		kfree(state);
	}
	ucb_client_set_private(client, NULL);
	atomic_inc(&unplug_closes);
}

static struct ucb_driver unplug_driver = {
	.name = UNPLUG_NAME,
	.version = UNPLUG_VERSION,
	.methods = unplug_methods,
	.method_count = ARRAY_SIZE(unplug_methods),
	.max_struct_size = UCB_STRUCT_SIZE_FLOOR,
	.mode = 0600,
	.open = unplug_open,
	.close = unplug_close,
};

/*
 * Register or unregister, as @want says; nothing if it is so already.
 * Under unplug_lock.
 */
static int unplug_set_present(bool want)
{
	int err;

	lockdep_assert_held(&unplug_lock);
	if (want == unplug_registered)
		return 0;
	if (want) {
		/* Opens may reach unplug_open() before registering returns. */
		WRITE_ONCE(unplug_registered, true);
		err = ucb_register_driver(&unplug_driver);
		if (err)
			WRITE_ONCE(unplug_registered, false);
		return err;
	}
	/* The removal path: clients open, calls in flight or not. */
	atomic_set(&unplug_running_at_unplug, atomic_read(&unplug_running));
	WRITE_ONCE(unplug_unregistering, true);
	ucb_unregister_driver(&unplug_driver);
	WRITE_ONCE(unplug_unregistering, false);
	WRITE_ONCE(unplug_registered, false);
	atomic_add(atomic_read(&unplug_running_at_unplug), &unplug_waited);
	atomic_inc(&unplug_unplugs);
	return 0;
}

static int unplug_present_set(const char *val, const struct kernel_param *kp)
{
	bool want;
	int err;

	err = kstrtobool(val, &want);
	if (err)
		return err;
	mutex_lock(&unplug_lock);
	switch (unplug_phase) {
	case UNPLUG_LOADING:
		unplug_want = want;
		err = 0;
		break;
	case UNPLUG_LIVE:
		err = unplug_set_present(want);
		break;
	case UNPLUG_EXITING:
		err = -ENODEV;
		break;
	}
	mutex_unlock(&unplug_lock);
	return err;
}

static int unplug_present_get(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%d\n",
			 unplug_is_registered() ? 1 : 0);
}

static const struct kernel_param_ops unplug_present_ops = {
	.set = unplug_present_set,
	.get = unplug_present_get,
};
module_param_cb(present, &unplug_present_ops, NULL, 0644);
MODULE_PARM_DESC(present,
		 "1: /dev/ucbridge/" UNPLUG_NAME " is registered; writing 0 unregisters it there and then (default 1)");

static int unplug_counter_get(char *buffer, const struct kernel_param *kp)
{
	const atomic_t *counter = kp->arg;

	return scnprintf(buffer, PAGE_SIZE, "%d\n", atomic_read(counter));
}

static const struct kernel_param_ops unplug_counter_ops = {
	.get = unplug_counter_get,
};

#define UNPLUG_COUNTER(name, counter, desc)				\
	module_param_cb(name, &unplug_counter_ops, &(counter), 0444);	\
	MODULE_PARM_DESC(name, desc)

UNPLUG_COUNTER(opens, unplug_opens, "Clients the open callback accepted");
UNPLUG_COUNTER(closes, unplug_closes, "Close callbacks run");
UNPLUG_COUNTER(running, unplug_running, "Method calls running now");
UNPLUG_COUNTER(calls, unplug_calls, "Method calls that returned");
UNPLUG_COUNTER(late, unplug_late,
	       "Callbacks run after unregister returned or on a closed client's state: must stay 0");
UNPLUG_COUNTER(unplugs, unplug_unplugs, "Times the driver was unregistered");
UNPLUG_COUNTER(running_at_unplug, unplug_running_at_unplug,
	       "Method calls running when the last unregister began");
UNPLUG_COUNTER(waited, unplug_waited,
	       "Sum of running_at_unplug over every unregister");
UNPLUG_COUNTER(drained, unplug_drained,
	       "Method calls that ended while an unregister was running");

static int __init unplug_init(void)
{
	int err;

	mutex_lock(&unplug_lock);
	unplug_phase = UNPLUG_LIVE;
	err = unplug_set_present(unplug_want);
	if (err)
		unplug_phase = UNPLUG_EXITING;
	mutex_unlock(&unplug_lock);
	return err;
}

static void __exit unplug_exit(void)
{
	mutex_lock(&unplug_lock);
	unplug_phase = UNPLUG_EXITING;
	unplug_set_present(false);
	mutex_unlock(&unplug_lock);
}

module_init(unplug_init);
module_exit(unplug_exit);

MODULE_DESCRIPTION("ucbridge hot-unplug test driver: unregisters on request");
MODULE_AUTHOR("The ucbridge authors");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
