// SPDX-License-Identifier: GPL-2.0
/*
 * The dispatch core the mock runs, called straight from C: the floor under
 * UCBridgeMock's Swift layers.  The core's code is UCBridgeMock's own
 * (CUCBridgeCore); only its headers are included here.
 */
#include <stdlib.h>

#include "ucb_core.h"
#include "ucb_reference.h"

#include "cbench.h"
#include "noop_batch.h"

struct ucbb_core {
	struct ucb_driver driver;
	struct ucb_device *device;
	struct ucb_client client;
};

struct ucbb_core *ucbb_core_open(uint32_t max_struct_size)
{
	struct ucbb_core *core = calloc(1, sizeof(*core));

	if (!core)
		return NULL;
	ucb_reference_driver_fill(&core->driver, max_struct_size);
	if (ucb_device_create(&core->driver, &core->device))
		goto free_core;
	core->driver.device = core->device;
	if (ucb_client_init(&core->client, core->device))
		goto put_device;
	return core;

put_device:
	ucb_device_put(core->device);
free_core:
	free(core);
	return NULL;
}

int64_t ucbb_core_noop(struct ucbb_core *core, uint64_t n)
{
	uint64_t start = ucbb_now_ns(), i;

	for (i = 0; i < n; i++) {
		struct ucb_call call = {
			.size = sizeof(call),
			.selector = UCB_SEL_NOOP,
		};
		long err = ucb_ioctl(&core->client, UCB_IOC_CALL, &call);

		if (err)
			return err;
		if (call.result != UCB_IORETURN_SUCCESS)
			return -EBADMSG;
	}
	return (int64_t)(ucbb_now_ns() - start);
}

int64_t ucbb_core_noop_batch(struct ucbb_core *core, uint32_t count, uint64_t n)
{
	struct ucb_call *calls = calloc(count, sizeof(*calls));
	uint64_t start = ucbb_now_ns(), i;
	int64_t ret = 0;

	if (!calls || count == 0 || n % count) {
		free(calls);
		return -EINVAL;
	}
	for (i = 0; i < n && !ret; i += count) {
		struct ucb_batch batch = ucbb_noop_batch(calls, count);

		ret = ucb_ioctl(&core->client, UCB_IOC_CALL_BATCH, &batch) ?:
		      ucbb_noop_batch_check(&batch, calls);
	}
	free(calls);
	return ret ? ret : (int64_t)(ucbb_now_ns() - start);
}
