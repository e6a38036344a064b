/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ucbridge driver API: what a driver module uses to publish IOKit-style
 * user clients (see Documentation in README.md, "Write your own driver").
 *
 * A driver fills a struct ucb_driver with its method table and registers it
 * with ucb_register_driver().  ucbridge.ko then gives it a character device,
 * /dev/ucbridge/<name>, and a sysfs directory, /sys/class/ucbridge/<name>/.
 * Every open of the node is a client (IOKit's IOUserClient instance): the
 * driver's @open callback sees the user-client type the program chose
 * (IOServiceOpen's type, 0 unless it chose one) and may keep per-client
 * state with ucb_client_set_private(); @close frees it.  Calls are checked
 * against the method table and their inputs copied into kernel memory once
 * before a method runs (see <uapi/linux/ucbridge.h>).
 *
 * Async methods (%UCB_METHOD_FLAG_ASYNC) get a handle in &struct
 * ucb_args.async and answer through ucb_async_complete(), now or later,
 * from any context; ucb_client_notify() sends a client notifications.  Both reach the client as events it reads from its
 * descriptor (see <uapi/linux/ucbridge.h>).
 *
 * ucb_unregister_driver() may be called at any time, from module exit or a
 * removal path, with clients open and calls in flight: it waits for the
 * calls and callbacks running, cancels and waits for every pending async
 * call, calls @close for every open client, and returns.  After that ucbridge never touches the driver's memory again:
 * later calls on the clients' descriptors fail with ENODEV, their close
 * still works, and the driver's module may be unloaded.
 *
 * The same declarations serve the dispatch core built into the in-process
 * mock (there, ucb_env.h provides the kernel's types).
 */
#ifndef _LINUX_UCBRIDGE_DRIVER_H
#define _LINUX_UCBRIDGE_DRIVER_H

#ifdef __KERNEL__
#include <linux/types.h>
#endif
#include <uapi/linux/ucbridge.h>

struct ucb_async;
struct ucb_client;
struct ucb_device;
struct ucb_method;

/**
 * struct ucb_args - what a method sees of a call: kernel memory only
 * @client: The client the call came through.
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
 * @async: An async call's handle (a method with %UCB_METHOD_FLAG_ASYNC),
 *	else NULL.  Inputs and outputs are the call's synchronous ones, gone
 *	when the method returns: what the work needs later, the method
 *	copies into ucb_async_private().
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
	struct ucb_async *async;
};

/**
 * typedef ucb_method_fn - a method implementation
 * @args: The call, with every input checked and copied.
 *
 * Runs in process context and may sleep.
 *
 * Return: an IOReturn.  Outputs are delivered only on %UCB_IORETURN_SUCCESS.
 * For an async call, %UCB_IORETURN_SUCCESS accepts it: the driver then
 * calls ucb_async_complete() exactly once, now or later.  Any other result
 * refuses it, and the driver must not have completed it.
 */
typedef u32 ucb_method_fn(struct ucb_args *args);

/**
 * typedef ucb_cancel_fn - ask an async method to end a call early
 * @async: A call the method accepted and has not completed.
 *
 * Called when the client asks (%UCB_IOC_CANCEL), closes, or the driver is
 * unregistered, at most once per call, in process context; it may sleep,
 * but must not wait for anything that takes the driver's open or close
 * callbacks' lock.  The driver completes the call soon, with
 * %UCB_IORETURN_ABORTED or its real result if it was finishing anyway;
 * close and unregistering wait for that.
 */
typedef void ucb_cancel_fn(struct ucb_async *async);

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
 * @cancel: Optional, for a method with %UCB_METHOD_FLAG_ASYNC: ends a
 *	pending call early.  Without it a call runs to its end, and close
 *	waits for it.
 * @async_size: Bytes of zeroed memory each async call of the method gets
 *	for the driver's own use, ucb_async_private(); at most
 *	%UCB_ASYNC_PRIVATE_MAX.
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
	ucb_cancel_fn *cancel;
	u32 async_size;
};

/* The most entries a method table may have. */
#define UCB_METHOD_COUNT_MAX	1024

/*
 * The most private bytes an async call carries for its driver: with
 * UCB_EVENT_QUEUE_MAX calls pending, a client holds at most about 20 MiB.
 */
#define UCB_ASYNC_PRIVATE_MAX	4096

/**
 * struct ucb_memory_type - memory a driver shares with its clients
 *	(IOKit's clientMemoryForType)
 * @name: Short name shown by %UCB_IOC_MEMORY_INFO, under %UCB_NAME_SIZE
 *	bytes.
 * @size: Bytes, up to %UCB_MEMORY_SIZE_LIMIT; clients map it rounded up
 *	to whole pages, and the rest of the last page is zero.
 * @flags: %UCB_MEMORY_READ_ONLY, %UCB_MEMORY_SHARED.
 */
struct ucb_memory_type {
	const char *name;
	u32 size;
	u32 flags;
};

/*
 * The most bytes of per-client memory types one driver declares, two of
 * the largest: each client may make the kernel hold this much, charged to
 * the opener's memory cgroup.
 */
#define UCB_MEMORY_CLIENT_LIMIT	(128U << 20)

/**
 * struct ucb_snapshot - a copy of shared memory a method validates and uses
 * @data: The copy, in kernel memory no client can write.
 * @size: Its size in bytes.
 *
 * Made by ucb_client_memory_snapshot(), given back with
 * ucb_snapshot_release().
 */
struct ucb_snapshot {
	const void *data;
	size_t size;
};

/**
 * struct ucb_driver - a driver that publishes user clients
 * @name: The service name: the node /dev/ucbridge/@name and the sysfs
 *	directory /sys/class/ucbridge/@name.  Letters, digits, '_', '-' and
 *	'.', under %UCB_NAME_SIZE bytes, unique among registered drivers.
 * @version: (major << 16 | minor << 8 | patch).
 * @methods: The method table, indexed by selector.
 * @method_count: Entries in @methods, 1 to %UCB_METHOD_COUNT_MAX.
 * @max_struct_size: Bound on variable struct sizes, from
 *	%UCB_STRUCT_SIZE_FLOOR to %UCB_STRUCT_SIZE_LIMIT; root may change it
 *	later in sysfs.
 * @mode: Permissions of the device node; 0 means 0600.
 * @open: Optional.  Called before a client's first call with the type it
 *	chose (0 unless it chose one with %UCB_IOC_OPEN); returns an IOReturn,
 *	and anything but %UCB_IORETURN_SUCCESS refuses the type.  May sleep.
 * @close: Optional.  Called once for each client whose @open succeeded,
 *	when it closes or when the driver is unregistered, whichever is first;
 *	no call of the client runs then or later, and its async calls have
 *	all completed (they were cancelled and waited for first): stop what
 *	else sends it notifications here.  May sleep.  Both callbacks, and
 *	the cancel callbacks on close, run under a lock of the driver's, one
 *	at a time: keep them short, and do not wait in them for anything
 *	that opens or closes a client.
 * @memory_types: Optional: the memory types clients may map, indexed by
 *	type; per-client ones are made at a client's first use, shared ones
 *	at registration.
 * @memory_type_count: Entries in @memory_types, up to
 *	%UCB_MEMORY_TYPE_MAX; the per-client ones' sizes add up to at most
 *	%UCB_MEMORY_CLIENT_LIMIT.
 * @context: The driver's own, for its callbacks and methods.
 * @device: Set by registration, for ucb_device_reset_stats(); the driver
 *	does not touch it otherwise.
 */
struct ucb_driver {
	const char *name;
	u32 version;
	const struct ucb_method *methods;
	u32 method_count;
	u32 max_struct_size;
	u32 mode;
	u32 (*open)(struct ucb_client *client, u32 type);
	void (*close)(struct ucb_client *client);
	const struct ucb_memory_type *memory_types;
	u32 memory_type_count;
	void *context;
	struct ucb_device *device;
};

void *ucb_client_private(const struct ucb_client *client);
void ucb_client_set_private(struct ucb_client *client, void *private);
u32 ucb_client_type(const struct ucb_client *client);
const struct ucb_driver *ucb_client_driver(const struct ucb_client *client);
struct ucb_device *ucb_client_device(const struct ucb_client *client);
void ucb_device_reset_stats(struct ucb_device *device);
void *ucb_client_memory(struct ucb_client *client, u32 type, u32 *size);
void *ucb_device_memory(struct ucb_device *device, u32 type, u32 *size);
int ucb_client_memory_snapshot(struct ucb_client *client, u32 type,
			       u64 offset, u64 length,
			       struct ucb_snapshot *snapshot);
void ucb_snapshot_release(struct ucb_client *client,
			  struct ucb_snapshot *snapshot);
void *ucb_async_private(struct ucb_async *async);
void ucb_async_complete(struct ucb_async *async, u32 result, const u64 *args,
			u32 arg_count);
int ucb_client_notify(struct ucb_client *client, u32 message, const u64 *args,
		      u32 arg_count, u32 flags);

#ifdef __KERNEL__
int ucb_register_driver(struct ucb_driver *driver);
void ucb_unregister_driver(struct ucb_driver *driver);
#endif

#endif /* _LINUX_UCBRIDGE_DRIVER_H */
