// SPDX-License-Identifier: GPL-2.0
/*
 * The reference driver's methods.  Their selectors are fixed by the ABI
 * (enum ucb_reference_selector); each one shows one shape of call.
 */
#include "ucb_reference.h"

/**
 * struct ucb_reference_client - what the driver keeps for each client
 * @status: Its status page, kept at hand.
 * @client: The client, to notify.
 * @notify_lock: One notify call at a time changes the sequence.
 * @notifier: Sends the sequence's next notification.
 * @notify_index: The next one's index.
 * @notify_count: How many the sequence has.
 * @notify_flags: Their event flags.
 * @notify_interval_us: The time between two.
 */
struct ucb_reference_client {
	struct ucb_reference_status *status;
	struct ucb_client *client;
	struct ucb_env_mutex notify_lock;
	struct ucb_env_work notifier;
	u64 notify_index;
	u64 notify_count;
	u32 notify_flags;
	u64 notify_interval_us;
};

/**
 * struct ucb_reference_job - the work of one async call (its private memory)
 * @work: Completes it.
 * @async: The call.
 * @value: The delayed method's value.
 * @data: The asyncChecksum method's copy of its input.
 * @length: Its length.
 */
struct ucb_reference_job {
	struct ucb_env_work work;
	struct ucb_async *async;
	u64 value;
	void *data;
	u32 length;
};

/*
 * Count the call on the client's status page, as each method starts.  The
 * page is the client's alone, but its calls may run on several threads.
 */
static void ucb_reference_count(struct ucb_args *args, u32 selector)
{
	struct ucb_reference_client *rc = ucb_client_private(args->client);

	BUILD_BUG_ON(UCB_REFERENCE_METHOD_COUNT > UCB_REFERENCE_STATUS_METHODS);
	ucb_env_count(&rc->status->calls[selector]);
}

/* The notify method's sequence, one notification per run. */
static void ucb_reference_notify_next(struct ucb_env_work *work)
{
	struct ucb_reference_client *rc =
		container_of(work, struct ucb_reference_client, notifier);
	u64 args[2] = { rc->notify_index, rc->notify_count };

	/* No room and not droppable: again once the client has read some. */
	if (ucb_client_notify(rc->client, UCB_NOTIFY_MESSAGE, args, 2,
			      rc->notify_flags)) {
		ucb_env_work_schedule(work, 1000);
		return;
	}
	if (++rc->notify_index < rc->notify_count)
		ucb_env_work_schedule(work, rc->notify_interval_us);
}

/* Every client gets its status page and a notifier as it opens. */
static u32 ucb_reference_open(struct ucb_client *client, u32 type)
{
	struct ucb_reference_client *rc;
	u32 size;

	rc = ucb_env_zalloc(sizeof(*rc));
	if (!rc)
		return UCB_IORETURN_NO_MEMORY;
	rc->status = ucb_client_memory(client, UCB_REFERENCE_MEMORY_STATUS,
				       &size);
	if (!rc->status) {
		ucb_env_free(rc);
		return UCB_IORETURN_NO_MEMORY;
	}
	rc->client = client;
	ucb_env_mutex_init(&rc->notify_lock);
	ucb_env_work_init(&rc->notifier, ucb_reference_notify_next);
	ucb_client_set_private(client, rc);
	return UCB_IORETURN_SUCCESS;
}

/* Its async calls are done; a notification sequence may still run. */
static void ucb_reference_close(struct ucb_client *client)
{
	struct ucb_reference_client *rc = ucb_client_private(client);

	ucb_env_work_cancel(&rc->notifier);
	ucb_env_mutex_destroy(&rc->notify_lock);
	ucb_env_free(rc);
}

static u32 ucb_noop(struct ucb_args *args)
{
	ucb_reference_count(args, UCB_SEL_NOOP);
	return UCB_IORETURN_SUCCESS;
}

static u32 ucb_add(struct ucb_args *args)
{
	ucb_reference_count(args, UCB_SEL_ADD);
	args->scalar_out[0] = args->scalar_in[0] + args->scalar_in[1];
	return UCB_IORETURN_SUCCESS;
}

static u32 ucb_echo(struct ucb_args *args)
{
	ucb_reference_count(args, UCB_SEL_ECHO);
	if (args->struct_out_size < args->struct_in_size)
		return UCB_IORETURN_OVERRUN;
	memcpy(args->struct_out, args->struct_in, args->struct_in_size);
	args->struct_out_size = args->struct_in_size;
	return UCB_IORETURN_SUCCESS;
}

/* Standard CRC-32C: "123456789" gives 0xe3069283. */
static u32 ucb_crc32c(const void *data, size_t len)
{
	return ~ucb_env_crc32c(~0U, data, len);
}

static u32 ucb_checksum(struct ucb_args *args)
{
	ucb_reference_count(args, UCB_SEL_CHECKSUM);
	args->scalar_out[0] = ucb_crc32c(args->struct_in,
					 args->struct_in_size);
	args->scalar_out[1] = args->struct_in_size;
	return UCB_IORETURN_SUCCESS;
}

static u32 ucb_errno_to_ioreturn(int err)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
		return UCB_IORETURN_NOT_PERMITTED;
	case -ENOMEM:
		return UCB_IORETURN_NO_MEMORY;
	case -ENAMETOOLONG:
	case -ELOOP:
		return UCB_IORETURN_BAD_ARGUMENT;
	default:
		return UCB_IORETURN_ERROR;
	}
}

/*
 * The use case ucbridge grew from: a variable-length path in, what the
 * kernel finds there out.  The path is 1 to UCB_PATH_INFO_MAX - 1 bytes
 * (PATH_MAX - 1) with no NUL
 * inside, optionally followed by one terminating NUL.  The core guarantees
 * a NUL after the input, so the copy is used in place.
 */
static u32 ucb_path_info(struct ucb_args *args)
{
	const char *path = args->struct_in;
	size_t len = args->struct_in_size;
	u64 ino, size;
	u32 mode;
	int err;

	ucb_reference_count(args, UCB_SEL_PATH_INFO);
	if (len && path[len - 1] == '\0')
		len--;
	if (len == 0 || len > UCB_PATH_INFO_MAX - 1 || memchr(path, '\0', len))
		return UCB_IORETURN_BAD_ARGUMENT;

	err = ucb_env_path_stat(path, &ino, &mode, &size);
	if (err == -ENOENT || err == -ENOTDIR) {
		args->scalar_out[0] = 0;	/* not found; the rest stay 0 */
		return UCB_IORETURN_SUCCESS;
	}
	if (err)
		return ucb_errno_to_ioreturn(err);
	args->scalar_out[0] = 1;
	args->scalar_out[1] = ino;
	args->scalar_out[2] = mode;
	args->scalar_out[3] = size;
	return UCB_IORETURN_SUCCESS;
}

static u32 ucb_fixed_transform(struct ucb_args *args)
{
	struct ucb_transform in, out;

	ucb_reference_count(args, UCB_SEL_FIXED_TRANSFORM);
	/* Copy: the byte buffers carry no alignment guarantee. */
	memcpy(&in, args->struct_in, sizeof(in));
	out.a = in.b;
	out.b = in.a;
	out.c = in.c + in.d;
	out.d = in.c ^ in.d;
	memcpy(args->struct_out, &out, sizeof(out));
	return UCB_IORETURN_SUCCESS;
}

/* CRC-32C of the whole input: the struct, then the scalars. */
static u32 ucb_input_crc32c(const struct ucb_args *args)
{
	u32 crc = ucb_env_crc32c(~0U, args->struct_in, args->struct_in_size);

	return ~ucb_env_crc32c(crc, args->scalar_in,
			       args->scalar_in_count * sizeof(u64));
}

/*
 * Read the whole input, struct and scalars, twice, some time apart, and
 * report whether both reads agree.  With copy-once they always do, however
 * hard another thread rewrites the caller's buffers meanwhile.  An optional
 * scalar sets the delay in microseconds.
 */
static u32 ucb_consistency(struct ucb_args *args)
{
	u64 delay_us = UCB_CONSISTENCY_DEFAULT_DELAY_US;
	u32 first, second;

	ucb_reference_count(args, UCB_SEL_CONSISTENCY);
	if (args->scalar_in_count > 1)
		return UCB_IORETURN_BAD_ARGUMENT;
	if (args->scalar_in_count == 1)
		delay_us = args->scalar_in[0];
	if (delay_us > UCB_CONSISTENCY_MAX_DELAY_US)
		return UCB_IORETURN_BAD_ARGUMENT;

	first = ucb_input_crc32c(args);
	ucb_env_delay_us(delay_us);
	second = ucb_input_crc32c(args);
	args->scalar_out[0] = first == second;
	return UCB_IORETURN_SUCCESS;
}

static u32 ucb_reset_stats(struct ucb_args *args)
{
	ucb_reference_count(args, UCB_SEL_RESET_STATS);
	ucb_device_reset_stats(ucb_client_device(args->client));
	return UCB_IORETURN_SUCCESS;
}

static u32 ucb_generate(struct ucb_args *args)
{
	u64 n = args->scalar_in[0];
	u8 *out = args->struct_out;
	u32 i;

	ucb_reference_count(args, UCB_SEL_GENERATE);
	if (n > UCB_STRUCT_SIZE_LIMIT)
		return UCB_IORETURN_BAD_ARGUMENT;
	if (n > args->struct_out_size)
		return UCB_IORETURN_OVERRUN;
	for (i = 0; i < n; i++) {
		out[i] = UCB_GENERATE_BYTE(i);
		/* Up to 64 MiB: let others run every 64 KiB. */
		if ((i & 0xffff) == 0xffff)
			ucb_env_cond_resched();
	}
	args->struct_out_size = (u32)n;
	return UCB_IORETURN_SUCCESS;
}

/* Takes a struct and does nothing with it: the cost of the copy alone. */
static u32 ucb_sink(struct ucb_args *args)
{
	ucb_reference_count(args, UCB_SEL_SINK);
	return UCB_IORETURN_SUCCESS;
}

/*
 * The shared-memory counterpart of consistency: checksum a range of the
 * client's buffer, which it may be rewriting all the while, twice, some
 * time apart, and report whether both agree.  Both passes read one
 * snapshot, so they always do.  Scalars: offset, length, delay in
 * microseconds (at most UCB_CONSISTENCY_MAX_DELAY_US); out: CRC32C,
 * length, 1 if stable.
 */
static u32 ucb_shared_checksum(struct ucb_args *args)
{
	u64 offset = args->scalar_in[0], length = args->scalar_in[1];
	u64 delay_us = args->scalar_in[2];
	struct ucb_snapshot snapshot;
	u32 first, second;
	int err;

	ucb_reference_count(args, UCB_SEL_SHARED_CHECKSUM);
	if (delay_us > UCB_CONSISTENCY_MAX_DELAY_US)
		return UCB_IORETURN_BAD_ARGUMENT;
	err = ucb_client_memory_snapshot(args->client,
					 UCB_REFERENCE_MEMORY_BUFFER, offset,
					 length, &snapshot);
	if (err)
		return err == -ENOMEM ? UCB_IORETURN_NO_MEMORY :
					UCB_IORETURN_BAD_ARGUMENT;
	first = ucb_crc32c(snapshot.data, snapshot.size);
	ucb_env_delay_us(delay_us);
	second = ucb_crc32c(snapshot.data, snapshot.size);
	ucb_snapshot_release(args->client, &snapshot);
	args->scalar_out[0] = first;
	args->scalar_out[1] = length;
	args->scalar_out[2] = first == second;
	return UCB_IORETURN_SUCCESS;
}

/* An async call's work was cancelled before it ran: it ends here. */
static void ucb_reference_job_cancel(struct ucb_async *async)
{
	struct ucb_reference_job *job = ucb_async_private(async);

	/* Not pending: it ran, and completed the call. */
	if (!ucb_env_work_cancel(&job->work))
		return;
	ucb_env_free(job->data);
	ucb_async_complete(async, UCB_IORETURN_ABORTED, NULL, 0);
}

static void ucb_delayed_done(struct ucb_env_work *work)
{
	struct ucb_reference_job *job =
		container_of(work, struct ucb_reference_job, work);
	u64 value = job->value;

	ucb_async_complete(job->async, UCB_IORETURN_SUCCESS, &value, 1);
}

/*
 * Answer later, from a timer's work: scalars delay in microseconds and a
 * value, which the completion carries back.  With no delay it answers
 * before it returns, as a driver whose hardware was quick.
 */
static u32 ucb_delayed(struct ucb_args *args)
{
	struct ucb_reference_job *job = ucb_async_private(args->async);

	ucb_reference_count(args, UCB_SEL_DELAYED);
	if (args->scalar_in[0] > UCB_DELAYED_MAX_DELAY_US)
		return UCB_IORETURN_BAD_ARGUMENT;
	if (!args->scalar_in[0]) {
		ucb_async_complete(args->async, UCB_IORETURN_SUCCESS,
				   &args->scalar_in[1], 1);
		return UCB_IORETURN_SUCCESS;
	}
	job->async = args->async;
	job->value = args->scalar_in[1];
	ucb_env_work_init(&job->work, ucb_delayed_done);
	ucb_env_work_schedule(&job->work, args->scalar_in[0]);
	return UCB_IORETURN_SUCCESS;
}

static void ucb_async_checksum_done(struct ucb_env_work *work)
{
	struct ucb_reference_job *job =
		container_of(work, struct ucb_reference_job, work);
	u64 out[2] = { ucb_crc32c(job->data, job->length), job->length };

	ucb_env_free(job->data);
	ucb_async_complete(job->async, UCB_IORETURN_SUCCESS, out, 2);
}

/*
 * checksum, answered from a worker: the input is the call's, gone when
 * the method returns, so the work gets a copy of that kernel copy.
 */
static u32 ucb_async_checksum(struct ucb_args *args)
{
	struct ucb_reference_job *job = ucb_async_private(args->async);

	ucb_reference_count(args, UCB_SEL_ASYNC_CHECKSUM);
	job->length = args->struct_in_size;
	if (job->length) {
		job->data = ucb_env_alloc(job->length);
		if (!job->data)
			return UCB_IORETURN_NO_MEMORY;
		memcpy(job->data, args->struct_in, job->length);
	}
	job->async = args->async;
	ucb_env_work_init(&job->work, ucb_async_checksum_done);
	ucb_env_work_schedule(&job->work, 0);
	return UCB_IORETURN_SUCCESS;
}

/*
 * Start a sequence of notifications to the calling client, replacing one
 * that runs: scalars count, interval in microseconds, event flags.
 */
static u32 ucb_notify(struct ucb_args *args)
{
	struct ucb_reference_client *rc = ucb_client_private(args->client);
	u64 count = args->scalar_in[0], interval_us = args->scalar_in[1];
	u64 flags = args->scalar_in[2];

	ucb_reference_count(args, UCB_SEL_NOTIFY);
	if (count > UCB_NOTIFY_MAX_COUNT ||
	    interval_us > UCB_DELAYED_MAX_DELAY_US ||
	    flags & ~(u64)UCB_EVENT_CAN_DROP)
		return UCB_IORETURN_BAD_ARGUMENT;
	ucb_env_mutex_lock(&rc->notify_lock);
	ucb_env_work_cancel(&rc->notifier);
	rc->notify_index = 0;
	rc->notify_count = count;
	rc->notify_flags = (u32)flags;
	rc->notify_interval_us = interval_us;
	if (count)
		ucb_env_work_schedule(&rc->notifier, 0);
	ucb_env_mutex_unlock(&rc->notify_lock);
	return UCB_IORETURN_SUCCESS;
}

#define UCB_VAR		UCB_VARIABLE_SIZE
#define UCB_LIMIT	UCB_STRUCT_SIZE_LIMIT

static const struct ucb_method ucb_reference_methods[] = {
	[UCB_SEL_NOOP] = {
		.handler = ucb_noop, .name = "noop",
	},
	[UCB_SEL_ADD] = {
		.handler = ucb_add, .name = "add",
		.scalar_in_count = 2, .scalar_out_count = 1,
	},
	[UCB_SEL_ECHO] = {
		.handler = ucb_echo, .name = "echo",
		.struct_in_size = UCB_VAR, .struct_in_max = UCB_LIMIT,
		.struct_out_size = UCB_VAR, .struct_out_max = UCB_LIMIT,
	},
	[UCB_SEL_CHECKSUM] = {
		.handler = ucb_checksum, .name = "checksum",
		.struct_in_size = UCB_VAR, .struct_in_max = UCB_LIMIT,
		.scalar_out_count = 2,
	},
	[UCB_SEL_PATH_INFO] = {
		.handler = ucb_path_info, .name = "pathInfo",
		.struct_in_size = UCB_VAR, .struct_in_max = UCB_PATH_INFO_MAX,
		.scalar_out_count = 4,
	},
	[UCB_SEL_FIXED_TRANSFORM] = {
		.handler = ucb_fixed_transform, .name = "fixedTransform",
		.struct_in_size = sizeof(struct ucb_transform),
		.struct_out_size = sizeof(struct ucb_transform),
	},
	[UCB_SEL_CONSISTENCY] = {
		.handler = ucb_consistency, .name = "consistency",
		.scalar_in_count = UCB_VAR,
		.struct_in_size = UCB_VAR, .struct_in_max = UCB_LIMIT,
		.scalar_out_count = 1,
	},
	[UCB_SEL_RESET_STATS] = {
		.handler = ucb_reset_stats, .name = "resetStats",
		.flags = UCB_METHOD_FLAG_ADMIN,
	},
	[UCB_SEL_GENERATE] = {
		.handler = ucb_generate, .name = "generate",
		.scalar_in_count = 1,
		.struct_out_size = UCB_VAR, .struct_out_max = UCB_LIMIT,
	},
	[UCB_SEL_SINK] = {
		.handler = ucb_sink, .name = "sink",
		.struct_in_size = UCB_VAR, .struct_in_max = UCB_LIMIT,
	},
	[UCB_SEL_SHARED_CHECKSUM] = {
		.handler = ucb_shared_checksum, .name = "sharedChecksum",
		.scalar_in_count = 3, .scalar_out_count = 3,
	},
	[UCB_SEL_DELAYED] = {
		.handler = ucb_delayed, .name = "delayed",
		.scalar_in_count = 2,
		.flags = UCB_METHOD_FLAG_ASYNC,
		.cancel = ucb_reference_job_cancel,
		.async_size = sizeof(struct ucb_reference_job),
	},
	[UCB_SEL_ASYNC_CHECKSUM] = {
		.handler = ucb_async_checksum, .name = "asyncChecksum",
		.struct_in_size = UCB_VAR, .struct_in_max = UCB_LIMIT,
		.flags = UCB_METHOD_FLAG_ASYNC,
		.cancel = ucb_reference_job_cancel,
		.async_size = sizeof(struct ucb_reference_job),
	},
	[UCB_SEL_NOTIFY] = {
		.handler = ucb_notify, .name = "notify",
		.scalar_in_count = 3,
	},
};

static const struct ucb_memory_type
ucb_reference_memory_types[UCB_REFERENCE_MEMORY_TYPE_COUNT] = {
	[UCB_REFERENCE_MEMORY_BUFFER] = {
		.name = "buffer", .size = UCB_REFERENCE_DEFAULT_BUFFER_SIZE,
	},
	[UCB_REFERENCE_MEMORY_STATUS] = {
		.name = "status", .size = sizeof(struct ucb_reference_status),
		.flags = UCB_MEMORY_READ_ONLY,
	},
};

/**
 * ucb_reference_driver_fill() - describe an instance of the reference driver
 * @driver: Zeroed storage for it, to register.
 * @max_struct_size: Initial driver-wide bound on variable struct sizes.
 *
 * Its buffer memory type is UCB_REFERENCE_DEFAULT_BUFFER_SIZE bytes; a
 * caller wanting another size points @driver->memory_types at a copy.
 */
void ucb_reference_driver_fill(struct ucb_driver *driver, u32 max_struct_size)
{
	BUILD_BUG_ON(sizeof(ucb_reference_methods) !=
		     UCB_REFERENCE_METHOD_COUNT * sizeof(struct ucb_method));
	driver->name = UCB_REFERENCE_NAME;
	driver->version = UCB_REFERENCE_VERSION;
	driver->methods = ucb_reference_methods;
	driver->method_count = UCB_REFERENCE_METHOD_COUNT;
	driver->max_struct_size = max_struct_size;
	driver->memory_types = ucb_reference_memory_types;
	driver->memory_type_count = UCB_REFERENCE_MEMORY_TYPE_COUNT;
	driver->open = ucb_reference_open;
	driver->close = ucb_reference_close;
	/*
	 * Root only until userspace says otherwise: scripts/install's udev
	 * rule gives the node to group ucbridge (0660) and the desktop user.
	 * Past the node, privilege is checked per method.
	 */
	driver->mode = 0600;
}
