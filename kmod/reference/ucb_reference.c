// SPDX-License-Identifier: GPL-2.0
/*
 * The reference driver's methods.  Their selectors are fixed by the ABI
 * (enum ucb_reference_selector); each one shows one shape of call.
 */
#include "ucb_reference.h"

/*
 * Count the call on the client's status page, as each method starts.  The
 * page is the client's alone, but its calls may run on several threads.
 */
static void ucb_reference_count(struct ucb_args *args, u32 selector)
{
	struct ucb_reference_status *status = ucb_client_private(args->client);

	BUILD_BUG_ON(UCB_REFERENCE_METHOD_COUNT > UCB_REFERENCE_STATUS_METHODS);
	ucb_env_count(&status->calls[selector]);
}

/* Every client gets its status page as it opens, kept at hand. */
static u32 ucb_reference_open(struct ucb_client *client, u32 type)
{
	struct ucb_reference_status *status;
	u32 size;

	status = ucb_client_memory(client, UCB_REFERENCE_MEMORY_STATUS, &size);
	if (!status)
		return UCB_IORETURN_NO_MEMORY;
	ucb_client_set_private(client, status);
	return UCB_IORETURN_SUCCESS;
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
	/*
	 * Root only until userspace says otherwise: scripts/install's udev
	 * rule gives the node to group ucbridge (0660) and the desktop user.
	 * Past the node, privilege is checked per method.
	 */
	driver->mode = 0600;
}
