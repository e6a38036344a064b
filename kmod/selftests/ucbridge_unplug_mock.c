// SPDX-License-Identifier: GPL-2.0
/*
 * Hot unplug against the dispatch core in-process: the test of
 * ucbridge_unplug.c, run on a portable copy of ucbridge_unplug_test.ko's
 * driver (same methods, same counters) written with the ucb_env_* helpers.
 *
 * "present" = 1 is ucb_device_create(), "present" = 0 does what
 * ucb_unregister_driver() does around the core: the device leaves the
 * table open() looks in, then ucb_device_shutdown() and the registration's
 * ucb_device_put(), with calls in flight.  Clients are ucb_client_init()
 * and ucb_client_release(), and since the core's memory is this process's,
 * the removed device's live buffers can be read after all.
 *
 * Built with AddressSanitizer and UndefinedBehaviorSanitizer (see the
 * Makefile), so a client state or device used after it was freed, or one
 * never freed, fails the run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucb_core.h"
#include "ucb_reference.h"	/* ucb_env_delay_us() */
#include "../test/ucb_unplug_test.h"

#define M_CLIENT_ALIVE	0x75636c69U
#define M_CLIENT_DEAD	0xdeadc1e7U

/* The driver: as kmod/test/ucb_unplug_test.c, in the core's environment. */
struct m_client {
	u32 magic;
	u32 type;
	struct ucb_env_mutex lock;	/* protects the rest */
	u64 calls;
	u64 bytes;
	u8 buf[UNPLUG_ECHO_MAX];
};

static atomic_bool m_registered;
static atomic_bool m_unregistering;
static ucb_counter_t m_opens, m_closes, m_running, m_calls, m_late,
		     m_unplugs, m_running_at_unplug, m_waited, m_drained;

static void m_check(bool ok, const char *what)
{
	if (!ok && ucb_counter_read(&m_late) == 0)
		fprintf(stderr, "unplug mock: %s after unregister or close\n",
			what);
	if (!ok)
		ucb_counter_inc(&m_late);
}

static struct m_client *m_state(struct ucb_client *client, const char *what)
{
	struct m_client *state = ucb_client_private(client);

	m_check(atomic_load(&m_registered), what);
	if (!state || READ_ONCE(state->magic) != M_CLIENT_ALIVE) {
		m_check(false, what);
		return NULL;
	}
	return state;
}

static void m_call_end(const char *what)
{
	m_check(atomic_load(&m_registered), what);
	if (atomic_load(&m_unregistering))
		ucb_counter_inc(&m_drained);
	ucb_counter_inc(&m_calls);
	ucb_counter_dec(&m_running);
}

static u32 m_sleep(struct ucb_args *args)
{
	struct m_client *state;
	u64 us = args->scalar_in[0];
	u32 result = UCB_IORETURN_SUCCESS;

	ucb_counter_inc(&m_running);
	if (us > UNPLUG_SLEEP_MAX_US) {
		result = UCB_IORETURN_BAD_ARGUMENT;
		goto out;
	}
	ucb_env_delay_us((unsigned int)us);
	state = m_state(args->client, "sleep");
	if (!state) {
		result = UCB_IORETURN_INTERNAL_ERROR;
		goto out;
	}
	ucb_env_mutex_lock(&state->lock);
	args->scalar_out[0] = ++state->calls;
	ucb_env_mutex_unlock(&state->lock);
	args->scalar_out_count = 1;
out:
	m_call_end("sleep");
	return result;
}

static u32 m_echo(struct ucb_args *args)
{
	struct m_client *state;
	u32 size = min(args->struct_in_size, args->struct_out_size);

	ucb_counter_inc(&m_running);
	state = m_state(args->client, "echo");
	if (!state) {
		m_call_end("echo");
		return UCB_IORETURN_INTERNAL_ERROR;
	}
	ucb_env_mutex_lock(&state->lock);
	memcpy(state->buf, args->struct_in, size);
	state->calls++;
	state->bytes += size;
	memcpy(args->struct_out, state->buf, size);
	ucb_env_mutex_unlock(&state->lock);
	args->struct_out_size = size;
	m_call_end("echo");
	return UCB_IORETURN_SUCCESS;
}

static const struct ucb_method m_methods[UNPLUG_SEL_COUNT] = {
	[UNPLUG_SEL_SLEEP] = {
		.handler = m_sleep,
		.name = "sleep",
		.scalar_in_count = 1,
		.scalar_out_count = 1,
	},
	[UNPLUG_SEL_ECHO] = {
		.handler = m_echo,
		.name = "echo",
		.struct_in_size = UCB_VARIABLE_SIZE,
		.struct_in_max = UNPLUG_ECHO_MAX,
		.struct_out_size = UCB_VARIABLE_SIZE,
		.struct_out_max = UNPLUG_ECHO_MAX,
	},
};

static u32 m_open(struct ucb_client *client, u32 type)
{
	struct m_client *state;

	m_check(atomic_load(&m_registered), "open");
	if (type > UNPLUG_TYPE_MAX)
		return UCB_IORETURN_UNSUPPORTED;
	state = ucb_env_zalloc(sizeof(*state));
	if (!state)
		return UCB_IORETURN_NO_MEMORY;
	state->magic = M_CLIENT_ALIVE;
	state->type = type;
	ucb_env_mutex_init(&state->lock);
	ucb_client_set_private(client, state);
	ucb_counter_inc(&m_opens);
	return UCB_IORETURN_SUCCESS;
}

static void m_close(struct ucb_client *client)
{
	struct m_client *state = m_state(client, "close");

	if (state) {
		WRITE_ONCE(state->magic, M_CLIENT_DEAD);
		ucb_env_mutex_destroy(&state->lock);
		ucb_env_free(state);
	}
	ucb_client_set_private(client, NULL);
	ucb_counter_inc(&m_closes);
}

static struct ucb_driver m_driver = {
	.name = UNPLUG_NAME,
	.version = 0x000100,
	.methods = m_methods,
	.method_count = UNPLUG_SEL_COUNT,
	.max_struct_size = UCB_STRUCT_SIZE_FLOOR,
	.mode = 0600,
	.open = m_open,
	.close = m_close,
};

/*
 * The transport ucbridge_unplug.c calls: what ucbridge.ko's ucb_main.c does
 * around the core, with a handle table for file descriptors.
 */
#define UT_MOCK_HANDLES	256

const char *const ucbt_transport_name = "in-process dispatch core";

/* As ucb_minors_lock: open() and removal agree on the device. */
static pthread_mutex_t ut_table_lock = PTHREAD_MUTEX_INITIALIZER;
/* As the module's parameter lock: one "present" write at a time. */
static pthread_mutex_t ut_present_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ucb_device *ut_device;
static struct ucb_client *_Atomic ut_clients[UT_MOCK_HANDLES];

int ucbt_ioctl(int handle, unsigned long cmd, void *arg)
{
	return (int)ucb_ioctl(atomic_load(&ut_clients[handle]),
			      (unsigned int)cmd, arg);
}

static int ut_open(void)
{
	struct ucb_client *client;
	int handle, err = -EMFILE;

	client = malloc(sizeof(*client));
	if (!client)
		return -ENOMEM;
	pthread_mutex_lock(&ut_table_lock);
	if (!ut_device) {
		err = -ENOENT;	/* no node */
		goto unlock;
	}
	for (handle = 0; handle < UT_MOCK_HANDLES; handle++) {
		if (atomic_load(&ut_clients[handle]))
			continue;
		err = ucb_client_init(client, ut_device);
		if (err)
			break;
		client->env.admin = true;
		atomic_store(&ut_clients[handle], client);
		err = handle;
		break;
	}
unlock:
	pthread_mutex_unlock(&ut_table_lock);
	if (err < 0)
		free(client);
	return err;
}

/* As ucb_release(): no ioctl runs on the handle any more. */
static int ut_close(int handle)
{
	struct ucb_client *client = atomic_load(&ut_clients[handle]);

	ucb_client_release(client);
	free(client);
	atomic_store(&ut_clients[handle], NULL);
	return 0;
}

static int ut_set_present(bool present)
{
	struct ucb_device *device;
	int err = 0;

	pthread_mutex_lock(&ut_present_lock);
	if (present && !atomic_load(&m_registered)) {
		atomic_store(&m_registered, true);
		err = ucb_device_create(&m_driver, &device);
		if (err) {
			atomic_store(&m_registered, false);
			goto unlock;
		}
		m_driver.device = device;
		pthread_mutex_lock(&ut_table_lock);
		ut_device = device;
		pthread_mutex_unlock(&ut_table_lock);
	} else if (!present && atomic_load(&m_registered)) {
		pthread_mutex_lock(&ut_table_lock);
		device = ut_device;
		ut_device = NULL;
		pthread_mutex_unlock(&ut_table_lock);
		atomic_store(&m_running_at_unplug,
			     ucb_counter_read(&m_running));
		atomic_store(&m_unregistering, true);
		ucb_device_shutdown(device);
		m_driver.device = NULL;
		ucb_device_put(device);
		atomic_store(&m_unregistering, false);
		atomic_store(&m_registered, false);
		atomic_fetch_add(&m_waited,
				 ucb_counter_read(&m_running_at_unplug));
		ucb_counter_inc(&m_unplugs);
	}
unlock:
	pthread_mutex_unlock(&ut_present_lock);
	return err;
}

static long long ut_counter(const char *name)
{
	static const struct {
		const char *name;
		ucb_counter_t *counter;
	} counters[] = {
		{ "opens", &m_opens },
		{ "closes", &m_closes },
		{ "running", &m_running },
		{ "calls", &m_calls },
		{ "late", &m_late },
		{ "unplugs", &m_unplugs },
		{ "running_at_unplug", &m_running_at_unplug },
		{ "waited", &m_waited },
		{ "drained", &m_drained },
	};
	size_t i;

	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		if (!strcmp(name, counters[i].name))
			return ucb_counter_read(counters[i].counter);
	return -1;
}

/* The client still holds its device, so this is no use after free. */
static long long ut_removed_live_buffers(int handle)
{
	struct ucb_client *client = atomic_load(&ut_clients[handle]);

	return ucb_counter_read(&client->device->live_buffers);
}

#define UNPLUG_MOCK
#include "ucbridge_unplug.c"
