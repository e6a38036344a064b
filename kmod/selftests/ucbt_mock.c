// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest transport: the dispatch core linked into this process through the
 * userspace environment shim, running the reference driver.
 */
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>

#include "ucb_core.h"
#include "ucb_reference.h"
#include "ucbt_transport.h"

#define UCBT_MAX_HANDLES	256

const char *const ucbt_transport_name = "in-process dispatch core";

static pthread_mutex_t ucbt_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ucb_driver ucbt_driver;
static struct ucb_device *ucbt_device;
static struct ucb_client *ucbt_clients[UCBT_MAX_HANDLES];
static bool ucbt_unprivileged;
static bool ucbt_unloaded;	/* ucbt_unload() without ucbt_reload() */

int ucbt_open(void)
{
	struct ucb_client *client;
	int handle, err = -EMFILE;

	pthread_mutex_lock(&ucbt_lock);
	if (ucbt_unloaded) {
		err = -ENOENT;		/* no node without a driver */
		goto unlock;
	}
	if (!ucbt_device) {
		ucb_reference_driver_fill(&ucbt_driver,
				UCB_REFERENCE_DEFAULT_MAX_STRUCT_SIZE);
		err = ucb_device_create(&ucbt_driver, &ucbt_device);
		if (err)
			goto unlock;
		ucbt_driver.device = ucbt_device;
	}
	for (handle = 0; handle < UCBT_MAX_HANDLES; handle++) {
		if (ucbt_clients[handle])
			continue;
		client = malloc(sizeof(*client));
		if (!client) {
			err = -ENOMEM;
			break;
		}
		if (ucb_client_init(client, ucbt_device)) {
			free(client);
			err = -ENOMEM;
			break;
		}
		client->env.admin = !ucbt_unprivileged;
		ucbt_clients[handle] = client;
		err = handle;
		break;
	}
unlock:
	pthread_mutex_unlock(&ucbt_lock);
	return err;
}

void ucbt_close(int handle)
{
	pthread_mutex_lock(&ucbt_lock);
	ucb_client_release(ucbt_clients[handle]);
	free(ucbt_clients[handle]);
	ucbt_clients[handle] = NULL;
	pthread_mutex_unlock(&ucbt_lock);
}

int ucbt_ioctl(int handle, unsigned long cmd, void *arg)
{
	return (int)ucb_ioctl(ucbt_clients[handle], (unsigned int)cmd, arg);
}

long ucbt_read(int handle, void *buf, size_t count)
{
	return ucb_client_read_events(ucbt_clients[handle], buf, count);
}

int ucbt_poll(int handle, int timeout_ms)
{
	struct ucb_client *client = ucbt_clients[handle];
	struct pollfd p = { .fd = ucb_mock_events_fd(client), .events = POLLIN };
	int n = poll(&p, 1, timeout_ms);
	u32 state;

	if (n <= 0)
		return n < 0 ? -errno : 0;
	state = ucb_client_events_state(client);
	return (state & UCB_EVENTS_READABLE ? POLLIN : 0) |
	       (state & UCB_EVENTS_HANGUP ? POLLHUP : 0);
}

void *ucbt_mmap(int handle, size_t length, int prot, int flags,
		__u64 offset, int *err)
{
	return ucb_mock_mmap(ucbt_clients[handle], length, prot, flags, offset,
			     err);
}

int ucbt_run_unprivileged(int (*fn)(void))
{
	int ret;

	ucbt_unprivileged = true;
	ret = fn();
	ucbt_unprivileged = false;
	return ret;
}

int ucbt_set_max_struct_size(__u32 size)
{
	return ucb_device_set_max_struct_size(ucbt_device, size);
}

long long ucbt_memory_in_use(void)
{
	struct mallinfo2 info = mallinfo2();

	return (long long)(info.uordblks + info.hblkhd);
}

/* As the reference module's exit: unregister, with clients open or not. */
int ucbt_unload(void)
{
	int err = 0;

	pthread_mutex_lock(&ucbt_lock);
	if (ucbt_unloaded) {
		err = -ENOENT;
	} else if (ucbt_device) {
		ucb_device_shutdown(ucbt_device);
		ucbt_driver.device = NULL;
		ucb_device_put(ucbt_device);
		ucbt_device = NULL;
	}
	ucbt_unloaded = !err;
	pthread_mutex_unlock(&ucbt_lock);
	return err;
}

int ucbt_unload_core(void)
{
	return -EOPNOTSUPP;
}

/* The next ucbt_open() registers the driver again. */
int ucbt_reload(void)
{
	int err = 0;

	pthread_mutex_lock(&ucbt_lock);
	if (!ucbt_unloaded)
		err = -EEXIST;
	ucbt_unloaded = false;
	pthread_mutex_unlock(&ucbt_lock);
	return err;
}
