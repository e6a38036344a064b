// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest transport: the dispatch core linked into this process through the
 * userspace environment shim, running the reference driver.
 */
#include <errno.h>
#include <malloc.h>
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

int ucbt_open(void)
{
	struct ucb_client *client;
	int handle, err = -EMFILE;

	pthread_mutex_lock(&ucbt_lock);
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

int ucbt_unload(void)
{
	return -EOPNOTSUPP;
}

int ucbt_unload_core(void)
{
	return -EOPNOTSUPP;
}

int ucbt_reload(void)
{
	return -EOPNOTSUPP;
}
