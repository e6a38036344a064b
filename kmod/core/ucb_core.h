/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ucbridge dispatch core: the portable part of ucbridge.ko.
 *
 * The same sources build into the kernel module and, through the userspace
 * environment shim, into the in-process mock.  Everything they need from
 * their surroundings comes from ucb_env.h; drivers see only
 * <linux/ucbridge_driver.h>.
 */
#ifndef _UCB_CORE_H
#define _UCB_CORE_H

#include "ucb_env.h"
#include <linux/ucbridge_driver.h>

/*
 * A local that is written whole before it is read, exempt from the
 * zeroing CONFIG_INIT_STACK_ALL_ZERO gives every local: on the call path
 * that zeroing would be dead stores costing as much as the stores that
 * follow (GCC 12, Clang 16 and later; elsewhere nothing to exempt from).
 */
#if defined(__has_attribute)
#if __has_attribute(__uninitialized__)
#define ucb_uninitialized	__attribute__((__uninitialized__))
#endif
#endif
#ifndef ucb_uninitialized
#define ucb_uninitialized
#endif

/* ucbridge.ko's own version. */
#define UCB_VERSION_STRING	"0.2.0"

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
/* One memory type's memory: made at first use, freed with its owner. */
struct ucb_memory {
	void *kaddr;
	u32 size;
	struct ucb_env_memory env;
};

struct ucb_client_count {
	ucb_counter_t successes;
	ucb_counter_t errors;
};

/**
 * struct ucb_device - a registered driver, as the core keeps it
 * @driver: The driver's own description.  Read only inside the gate: once
 *	ucb_device_shutdown() has closed it, nothing here touches the driver.
 * @method_count: The driver's, kept for after it is gone.
 * @max_struct_size: Driver-wide bound on variable struct sizes, from
 *	%UCB_STRUCT_SIZE_FLOOR to %UCB_STRUCT_SIZE_LIMIT.  It may change at
 *	any time through ucb_device_set_max_struct_size(), so the core reads
 *	it once per call.
 * @stats: Per-method counters.
 * @live_buffers: Heap buffers the core holds right now.
 * @refs: One for the registration, one for each client.
 * @gate: Every ioctl passes it; shutdown closes it and waits for those in.
 * @lock: Protects @clients and each client's @state.
 * @clients: Open clients, linked through &struct ucb_client.next/prev.
 * @env: What the environment keeps per device (the kernel: its node).
 */
struct ucb_device {
	const struct ucb_driver *driver;
	u32 method_count;
	u32 max_struct_size;
	struct ucb_stats *stats;
	ucb_counter_t live_buffers;
	ucb_ref_t refs;
	struct ucb_env_gate gate;
	struct ucb_env_mutex lock;
	struct ucb_env_mutex memory_lock;	/* making per-client memory */
	struct ucb_client *clients;
	struct ucb_memory memory[UCB_MEMORY_TYPE_MAX];	/* shared types */
	struct ucb_env_device env;
};

/* Where a client is in its life; changes under its device's lock. */
enum ucb_client_state {
	UCB_CLIENT_NEW,		/* no type accepted yet */
	UCB_CLIENT_OPEN,	/* the driver's open accepted a type */
	UCB_CLIENT_CLOSED,	/* the driver's close ran, or never will */
};

/**
 * struct ucb_client - one open file of a driver's node (IOKit's user client)
 * @device: The driver it talks to; the client holds a reference.
 * @env: What the environment keeps per client.
 * @state: enum ucb_client_state, read without the lock with acquire.
 * @type: The user-client type the driver accepted.
 * @private: The driver's, set in its open callback.
 * @prev, @next: In @device's list of clients.
 * @area: The call area of the call that holds @busy.
 * @input_cache: A heap buffer kept for the client's struct inputs above
 *	%UCB_SMALL_STRUCT_SIZE, so that a call needs no allocation; it grows
 *	to the largest input seen up to %UCB_INPUT_CACHE_MAX and is freed by
 *	ucb_client_release().
 * @input_cache_size: Its size in bytes.
 * @busy: Held by the call using @area and @input_cache; a concurrent call on
 *	the same client allocates buffers of its own instead of waiting.
 * @counts: This client's calls per method, what %UCB_IOC_METHOD_INFO
 *	reports to a caller without %CAP_SYS_ADMIN.
 * @events_lock: Protects everything below it.
 * @events_env: Who waits for them.
 * @events_head, @events_tail: Events to read, oldest first.
 * @pending: Async calls accepted and not yet completed.
 * @events_reserved: Queued events plus async calls not yet read back, at
 *	most %UCB_EVENT_QUEUE_MAX.
 * @notify_dropped: Droppable notifications lost since the last reported.
 * @async_last_id, @notify_last_id: Numbers given so far.
 * @events_hangup: The driver is gone: read(2) ends once the queue does.
 */
struct ucb_client {
	struct ucb_device *device;
	struct ucb_env_client env;
	u32 state;
	u32 type;
	void *private;
	struct ucb_client *prev, *next;
	struct ucb_call_area area;
	void *input_cache;
	size_t input_cache_size;
	ucb_flag_t busy;
	struct ucb_client_count *counts;
	struct ucb_memory memory[UCB_MEMORY_TYPE_MAX];	/* per-client types */
	ucb_spinlock_t events_lock;
	struct ucb_env_events events_env;
	struct ucb_event_entry *events_head, *events_tail;
	struct ucb_async *pending;
	u32 events_reserved;
	u32 notify_dropped;
	u64 async_last_id;
	u64 notify_last_id;
	bool events_hangup;
};

/**
 * struct ucb_event_entry - one event in a client's queue
 * @next: The next one in the queue.
 * @event: The record read(2) returns.
 */
struct ucb_event_entry {
	struct ucb_event_entry *next;
	struct ucb_event event;
};

/* Where an async call is in its life; changes under its queue's lock. */
enum ucb_async_state {
	UCB_ASYNC_SUBMITTING,	/* its method is running in the submission */
	UCB_ASYNC_COMPLETED_EARLY,	/* completed before the method returned */
	UCB_ASYNC_PENDING,	/* accepted, on the client's pending list */
	UCB_ASYNC_DONE,		/* completed: its entry is queued or read */
};

/**
 * struct ucb_async - an async call, from submission to its event's read
 * @entry: Its completion event; first, so the queue frees the call.
 * @client: The client it came through.
 * @method: Its method, for the cancel callback.
 * @prev, @next: On the client's pending list while %UCB_ASYNC_PENDING.
 * @state: enum ucb_async_state.
 * @cancel_sent: Its method's cancel callback was called (at most once).
 * @pins: Cancels running on it: it is not freed before they are done.
 * @read: Its event was read while pinned; the last unpin frees it.
 * @private: The driver's &struct ucb_method.async_size bytes.
 */
struct ucb_async {
	struct ucb_event_entry entry;
	struct ucb_client *client;
	const struct ucb_method *method;
	struct ucb_async *prev, *next;
	u32 state;
	bool cancel_sent;
	bool read;
	u32 pins;
	u64 private[];
};

int ucb_device_create(const struct ucb_driver *driver,
		      struct ucb_device **device);
void ucb_device_shutdown(struct ucb_device *device);
void ucb_device_put(struct ucb_device *device);
int ucb_device_set_max_struct_size(struct ucb_device *device, u32 size);
u32 ucb_device_max_struct_size(const struct ucb_device *device);
int ucb_client_init(struct ucb_client *client, struct ucb_device *device);
void ucb_client_release(struct ucb_client *client);
long ucb_ioctl(struct ucb_client *client, unsigned int cmd,
	       void __user *arg);
int ucb_client_map(struct ucb_client *client, u64 offset, u64 length,
		   bool shared, bool writable, struct ucb_memory **memory,
		   bool *read_only);

/* What ucb_client_events_state() says: poll(2)'s POLLIN and POLLHUP. */
#define UCB_EVENTS_READABLE	(1U << 0)
#define UCB_EVENTS_HANGUP	(1U << 1)

/* Async calls (ucb_async.c), for the dispatcher and client lifetimes. */
u32 ucb_async_begin(struct ucb_client *client, const struct ucb_method *method,
		    u32 selector, const u64 *reference,
		    struct ucb_async **asyncp);
void ucb_async_end(struct ucb_async *async, u32 result, u64 *id);
int ucb_async_cancel(struct ucb_client *client, u64 id);
void ucb_client_cancel_all(struct ucb_client *client);
void ucb_client_events_hangup(struct ucb_client *client);
void ucb_client_events_discard(struct ucb_client *client);

long ucb_client_read_events(struct ucb_client *client, void __user *buf,
			    size_t count);
u32 ucb_client_events_state(struct ucb_client *client);

#endif /* _UCB_CORE_H */
