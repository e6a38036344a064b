/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ucbridge dispatch core: the portable part of a ucbridge driver.
 *
 * The same sources build into the kernel module and, through the userspace
 * environment shim, into the in-process mock.  Everything they need from
 * their surroundings comes from ucb_env.h.
 */
#ifndef _UCB_CORE_H
#define _UCB_CORE_H

#include "ucb_env.h"
#include <uapi/linux/ucbridge.h>

struct ucb_method;
struct ucb_client;

/**
 * struct ucb_args - what a method sees of a call: kernel memory only
 * @client: The connection the call came through.
 * @method: The table entry being run (its @context is the method's own).
 * @scalar_in: Copied input scalars.
 * @scalar_in_count: How many, already checked against the table.
 * @scalar_out: Zeroed room for output scalars.
 * @scalar_out_count: In: room at @scalar_out.  The method sets it to how
 *	many it wrote; it may not grow it.
 * @struct_in: Copied input struct.  struct_in[struct_in_size] is always a
 *	NUL byte that is not part of the input, so a method can treat a
 *	NUL-free input as a C string without a second copy.
 * @struct_in_size: Bytes at @struct_in, already checked against the table.
 * @struct_out: Zeroed room for the output struct.
 * @struct_out_size: In: room at @struct_out.  The method sets it to how
 *	many bytes it wrote; it may not grow it.
 */
struct ucb_args {
	struct ucb_client *client;
	const struct ucb_method *method;
	const u64 *scalar_in;
	u32 scalar_in_count;
	u64 *scalar_out;
	u32 scalar_out_count;
	const void *struct_in;
	u32 struct_in_size;
	void *struct_out;
	u32 struct_out_size;
};

/**
 * typedef ucb_method_fn - a method implementation
 * @args: The call, with every input checked and copied.
 *
 * Return: an IOReturn.  Outputs are delivered only on %UCB_IORETURN_SUCCESS.
 */
typedef u32 ucb_method_fn(struct ucb_args *args);

/**
 * struct ucb_method - one entry of a driver's method table, indexed by
 *	selector (IOKit's IOExternalMethodDispatch2022)
 * @handler: The implementation.
 * @name: Short name shown by introspection, under %UCB_NAME_SIZE bytes.
 * @scalar_in_count: Exact input scalar count, or %UCB_VARIABLE_SIZE.
 * @struct_in_size: Exact input struct size, or %UCB_VARIABLE_SIZE.
 * @scalar_out_count: Exact output scalar room, or %UCB_VARIABLE_SIZE.
 * @struct_out_size: Exact output struct room, or %UCB_VARIABLE_SIZE.
 * @struct_in_max: Largest variable input struct (ignored when fixed); the
 *	driver's max_struct_size bounds it further.
 * @struct_out_max: Largest variable output struct, likewise.
 * @flags: UCB_METHOD_FLAG_*.
 * @context: Private to the handler.
 */
struct ucb_method {
	ucb_method_fn *handler;
	const char *name;
	u32 scalar_in_count;
	u32 struct_in_size;
	u32 scalar_out_count;
	u32 struct_out_size;
	u32 struct_in_max;
	u32 struct_out_max;
	u32 flags;
	void *context;
};

/**
 * struct ucb_driver - one ucbridge driver instance
 * @name: Reported by %UCB_IOC_DRIVER_INFO.
 * @version: (major << 16 | minor << 8 | patch).
 * @methods: The method table, indexed by selector.
 * @method_count: Entries in @methods, 1 to %UCB_METHOD_COUNT_MAX.
 * @max_struct_size: Driver-wide bound on variable struct sizes, from
 *	%UCB_STRUCT_SIZE_FLOOR to %UCB_STRUCT_SIZE_LIMIT.  It may change at
 *	any time through ucb_driver_set_max_struct_size(), so the core reads
 *	it once per call.
 * @stats: Per-method counters, owned by the core.
 * @live_buffers: Heap buffers the core holds right now.
 */
struct ucb_driver {
	const char *name;
	u32 version;
	const struct ucb_method *methods;
	u32 method_count;
	u32 max_struct_size;
	struct ucb_stats *stats;
	ucb_counter_t live_buffers;
};

/*
 * Struct buffers up to this size live in the connection's call area, larger
 * ones in its input cache or a buffer of the call's own.
 */
#define UCB_SMALL_STRUCT_SIZE	256

/*
 * The largest input cache a connection keeps between calls.  Larger inputs
 * get a buffer that is freed when the call returns, so an idle connection
 * holds at most this much plus its struct ucb_client and counters, whatever
 * it sent before (see README, "Bounds").
 */
#define UCB_INPUT_CACHE_MAX	(64 * 1024)

/*
 * The most entries a method table may have.  Each connection keeps two
 * counters per method, so this bounds them too: 16 KiB at most.
 */
#define UCB_METHOD_COUNT_MAX	1024

/**
 * struct ucb_call_area - the kernel memory a call works in
 * @scalar_in: Copied input scalars.
 * @scalar_out: Output scalar room, zeroed up to the room offered.
 * @struct_in: A struct input up to %UCB_SMALL_STRUCT_SIZE bytes, + 1 for
 *	the NUL that always follows it (see &struct ucb_args).
 * @struct_out: Output struct room up to %UCB_SMALL_STRUCT_SIZE bytes.
 *
 * Each connection has one, so the common call needs neither an allocation
 * nor a large stack frame; a second call racing on the same connection
 * allocates one of its own.
 */
struct ucb_call_area {
	u64 scalar_in[UCB_MAX_SCALARS];
	u64 scalar_out[UCB_MAX_SCALARS];
	u8 struct_in[UCB_SMALL_STRUCT_SIZE + 1];
	u8 struct_out[UCB_SMALL_STRUCT_SIZE];
};

/**
 * struct ucb_client_count - one method's calls on one connection
 * @successes: Calls that ended in success.
 * @errors: Calls that did not.
 *
 * Each call bumps exactly one of the two, so any read of both gives
 * errors <= calls = successes + errors.
 */
struct ucb_client_count {
	ucb_counter_t successes;
	ucb_counter_t errors;
};

/**
 * struct ucb_client - one open connection to a driver
 * @driver: The driver it talks to.
 * @env: What the environment keeps per connection.
 * @area: The call area of the call that holds @busy.
 * @input_cache: A heap buffer kept for the connection's struct inputs above
 *	%UCB_SMALL_STRUCT_SIZE, so that a call needs no allocation; it grows
 *	to the largest input seen up to %UCB_INPUT_CACHE_MAX and is freed by
 *	ucb_client_release().
 * @input_cache_size: Its size in bytes.
 * @busy: Held by the call using @area and @input_cache; a concurrent call on
 *	the same connection allocates buffers of its own instead of waiting.
 * @counts: This connection's calls per method, what %UCB_IOC_METHOD_INFO
 *	reports to a caller without %CAP_SYS_ADMIN.
 */
struct ucb_client {
	struct ucb_driver *driver;
	struct ucb_env_client env;
	struct ucb_call_area area;
	void *input_cache;
	size_t input_cache_size;
	ucb_flag_t busy;
	struct ucb_client_count *counts;
};

int ucb_driver_init(struct ucb_driver *driver);
int ucb_driver_set_max_struct_size(struct ucb_driver *driver, u32 size);
void ucb_driver_destroy(struct ucb_driver *driver);
void ucb_driver_reset_stats(struct ucb_driver *driver);
int ucb_client_init(struct ucb_client *client, struct ucb_driver *driver);
void ucb_client_release(struct ucb_client *client);
long ucb_ioctl(struct ucb_client *client, unsigned int cmd,
	       void __user *arg);

#endif /* _UCB_CORE_H */
