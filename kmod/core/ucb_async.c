// SPDX-License-Identifier: GPL-2.0
/*
 * ucbridge dispatch core: async calls and notifications, and the event
 * queue both reach a client through (IOKit's sendAsyncResult64 and
 * messageClients, read(2) and poll(2) on Linux).
 *
 * A client's queue has room for UCB_EVENT_QUEUE_MAX events.  An async call
 * takes its room when it is submitted and carries its own completion
 * record, so completing one allocates nothing, never fails and may happen
 * in any context; a notification takes room when it is sent, or is
 * dropped.  Close and unregistering cancel pending calls and wait for
 * them, so no driver holds a handle of a client that is gone.
 */
#include "ucb_core.h"
#include "ucb_test_breakage.h"

/* Readiness for the environment: under @client->events_lock. */
static void ucb_events_signal(struct ucb_client *client)
{
	ucb_env_events_signal(&client->events_env,
			      client->events_head || client->events_hangup);
}

/* Append @entry to the queue: under @client->events_lock. */
static void ucb_events_push(struct ucb_client *client,
			    struct ucb_event_entry *entry)
{
	entry->next = NULL;
	if (client->events_tail)
		client->events_tail->next = entry;
	else
		client->events_head = entry;
	client->events_tail = entry;
	ucb_events_signal(client);
}

/* Free an entry that left the queue, and give its room back. */
static void ucb_event_free(struct ucb_client *client,
			   struct ucb_event_entry *entry)
{
	ucb_env_free(entry);
	ucb_counter_dec(&client->device->live_buffers);
}

/**
 * ucb_async_begin() - take room for an async call and make its handle
 * @client: The client submitting it.
 * @method: Its method.
 * @selector: Its selector.
 * @reference: The caller's reference words.
 * @asyncp: The handle, in %UCB_ASYNC_SUBMITTING.
 *
 * Return: %UCB_IORETURN_SUCCESS, %UCB_IORETURN_NO_RESOURCES when the
 * client's queue has no room, or %UCB_IORETURN_NO_MEMORY.
 */
u32 ucb_async_begin(struct ucb_client *client, const struct ucb_method *method,
		    u32 selector, const u64 *reference,
		    struct ucb_async **asyncp)
{
	struct ucb_async *async;
	unsigned long flags;
	bool room;

	ucb_spin_lock(&client->events_lock, flags);
	room = client->events_reserved < ucb_test_event_queue_max();
	if (room)
		client->events_reserved++;
	ucb_spin_unlock(&client->events_lock, flags);
	if (!room)
		return UCB_IORETURN_NO_RESOURCES;

	/* UCB_ASYNC_PRIVATE_MAX bounds async_size (ucb_method_valid()). */
	async = ucb_env_zalloc(sizeof(*async) + method->async_size);
	if (!async) {
		ucb_spin_lock(&client->events_lock, flags);
		client->events_reserved--;
		ucb_spin_unlock(&client->events_lock, flags);
		return UCB_IORETURN_NO_MEMORY;
	}
	ucb_counter_inc(&client->device->live_buffers);
	async->client = client;
	async->method = method;
	async->state = UCB_ASYNC_SUBMITTING;
	async->entry.event.type = UCB_EVENT_COMPLETION;
	async->entry.event.selector = selector;
	memcpy(async->entry.event.reference, reference,
	       sizeof(async->entry.event.reference));
	*asyncp = async;
	return UCB_IORETURN_SUCCESS;
}

/**
 * ucb_async_end() - finish an async call's submission
 * @async: The handle ucb_async_begin() made.
 * @result: What the method returned: %UCB_IORETURN_SUCCESS accepted the
 *	call, anything else refused it.
 * @id: Where the accepted call's number goes.
 *
 * An accepted call goes on the pending list, or its completion in the
 * queue if the method completed it already; a refused one is freed.
 */
void ucb_async_end(struct ucb_async *async, u32 result, u64 *id)
{
	struct ucb_client *client = async->client;
	bool completed, wake = false;
	unsigned long flags;

	ucb_spin_lock(&client->events_lock, flags);
	completed = async->state == UCB_ASYNC_COMPLETED_EARLY;
	if (result != UCB_IORETURN_SUCCESS) {
		client->events_reserved--;
	} else {
		*id = async->entry.event.id = ++client->async_last_id;
		if (completed) {
			async->state = UCB_ASYNC_DONE;
			ucb_events_push(client, &async->entry);
			wake = true;
		} else {
			async->state = UCB_ASYNC_PENDING;
			async->prev = NULL;
			async->next = client->pending;
			if (client->pending)
				client->pending->prev = async;
			client->pending = async;
		}
	}
	ucb_spin_unlock(&client->events_lock, flags);
	if (wake)
		ucb_env_events_wake(&client->events_env);
	if (result != UCB_IORETURN_SUCCESS) {
		/* A refused call has no completion to give. */
		WARN_ON_ONCE(completed);
		ucb_event_free(client, &async->entry);
	}
}

/* Take @async off the pending list: under its client's events_lock. */
static void ucb_async_unlink(struct ucb_client *client,
			     struct ucb_async *async)
{
	if (async->prev)
		async->prev->next = async->next;
	else
		client->pending = async->next;
	if (async->next)
		async->next->prev = async->prev;
}

/**
 * ucb_async_complete() - deliver an async call's result to its client
 * @async: The call, as the method got it in &struct ucb_args.async.
 * @result: Its IOReturn.
 * @args: Its arguments, or NULL when @arg_count is 0.
 * @arg_count: How many, at most %UCB_MAX_SCALARS (more are cut off).
 *
 * Call it exactly once for each call the method accepted, from any
 * context, timers and interrupts included; it never fails, since the room
 * was taken at submission.  The handle and its private memory are gone
 * once it returns.
 */
void ucb_async_complete(struct ucb_async *async, u32 result, const u64 *args,
			u32 arg_count)
{
	struct ucb_client *client = async->client;
	struct ucb_event *event = &async->entry.event;
	unsigned long flags;
	bool wake = false;

	if (WARN_ON_ONCE(arg_count > UCB_MAX_SCALARS))
		arg_count = UCB_MAX_SCALARS;
	ucb_spin_lock(&client->events_lock, flags);
	switch (async->state) {
	case UCB_ASYNC_SUBMITTING:
		async->state = UCB_ASYNC_COMPLETED_EARLY;
		break;
	case UCB_ASYNC_PENDING:
		ucb_async_unlink(client, async);
		async->state = UCB_ASYNC_DONE;
		wake = true;
		break;
	default:
		/* Completed twice: a driver bug; the first result stands. */
		WARN_ON_ONCE(1);
		ucb_spin_unlock(&client->events_lock, flags);
		return;
	}
	event->result = result;
	event->arg_count = arg_count;
	if (arg_count)
		memcpy(event->args, args, arg_count * sizeof(u64));
	if (wake)
		ucb_events_push(client, &async->entry);
	ucb_spin_unlock(&client->events_lock, flags);
	if (wake)
		ucb_env_events_wake(&client->events_env);
}
EXPORT_SYMBOL_GPL(ucb_async_complete);

/**
 * ucb_async_private() - an async call's memory for its driver
 * @async: The call.
 *
 * Return: &struct ucb_method.async_size zeroed bytes, 8-byte aligned,
 * valid until the call is completed.
 */
void *ucb_async_private(struct ucb_async *async)
{
	return async->private;
}
EXPORT_SYMBOL_GPL(ucb_async_private);

/*
 * Ask the method of a pending call to cancel it, unless it was asked
 * already; the call stays allocated while the callback runs.  Called with
 * events_lock held and @flags saved; drops and retakes it.
 */
static void ucb_async_cancel_locked(struct ucb_client *client,
				    struct ucb_async *async,
				    unsigned long *flags)
{
	ucb_cancel_fn *cancel = async->method->cancel;
	bool free;

	async->cancel_sent = true;
	if (!cancel)
		return;
	async->pins++;
	ucb_spin_unlock(&client->events_lock, *flags);
	cancel(async);
	ucb_spin_lock(&client->events_lock, *flags);
	async->pins--;
	free = async->read && !async->pins;
	if (free) {
		ucb_spin_unlock(&client->events_lock, *flags);
		ucb_event_free(client, &async->entry);
		ucb_spin_lock(&client->events_lock, *flags);
	}
}

/**
 * ucb_async_cancel() - %UCB_IOC_CANCEL: cancel one pending call
 * @client: The client.
 * @id: The call's number.
 *
 * Return: 0 when it was pending and its method was asked, -ENOENT when no
 * call of that number is pending (or it was asked already).
 */
int ucb_async_cancel(struct ucb_client *client, u64 id)
{
	struct ucb_async *async;
	unsigned long flags;
	int err = -ENOENT;

	ucb_spin_lock(&client->events_lock, flags);
	for (async = client->pending; async; async = async->next) {
		if (async->entry.event.id != id)
			continue;
		if (!async->cancel_sent) {
			ucb_async_cancel_locked(client, async, &flags);
			err = 0;
		}
		break;
	}
	ucb_spin_unlock(&client->events_lock, flags);
	return err;
}

static bool ucb_client_idle(struct ucb_client *client)
{
	unsigned long flags;
	bool idle;

	ucb_spin_lock(&client->events_lock, flags);
	idle = !client->pending;
	ucb_spin_unlock(&client->events_lock, flags);
	return idle;
}

/**
 * ucb_client_cancel_all() - cancel every pending call and wait for them
 * @client: A client no ioctl runs on, whose driver is still there.
 *
 * After it returns no driver holds a handle of the client.  Their
 * completions are in the queue.
 */
void ucb_client_cancel_all(struct ucb_client *client)
{
	struct ucb_async *async;
	unsigned long flags;

	ucb_spin_lock(&client->events_lock, flags);
	do {
		for (async = client->pending; async; async = async->next)
			if (!async->cancel_sent)
				break;
		/* The list may change while a callback runs: start over. */
		if (async)
			ucb_async_cancel_locked(client, async, &flags);
	} while (async);
	ucb_spin_unlock(&client->events_lock, flags);
	ucb_env_events_wait(&client->events_env, ucb_client_idle(client));
}

/**
 * ucb_client_events_hangup() - the driver is gone: say so to readers
 * @client: A client whose calls were cancelled and have completed.
 */
void ucb_client_events_hangup(struct ucb_client *client)
{
	unsigned long flags;

	ucb_spin_lock(&client->events_lock, flags);
	client->events_hangup = true;
	ucb_events_signal(client);
	ucb_spin_unlock(&client->events_lock, flags);
	ucb_env_events_wake(&client->events_env);
}

/**
 * ucb_client_events_discard() - free every queued event, at release
 * @client: A client with no call pending, about to be freed.
 */
void ucb_client_events_discard(struct ucb_client *client)
{
	struct ucb_event_entry *entry, *next;

	for (entry = client->events_head; entry; entry = next) {
		next = entry->next;
		ucb_event_free(client, entry);
	}
	client->events_head = client->events_tail = NULL;
	client->events_reserved = 0;
}

/**
 * ucb_client_read_events() - read(2) of a client: whole events, oldest first
 * @client: The client.
 * @buf: User buffer.
 * @count: Its size; at least one &struct ucb_event.
 *
 * Never sleeps: the environment waits when it says -EAGAIN.
 *
 * Return: bytes read, a multiple of sizeof(struct ucb_event); -EINVAL for
 * room under one event; -EAGAIN when there is none; -ENODEV when there is
 * none and the driver is gone; -EFAULT when the first copy faults (a later
 * one ends the read, and its event stays first in the queue).
 */
long ucb_client_read_events(struct ucb_client *client, void __user *buf,
			    size_t count)
{
	struct ucb_event_entry *entry;
	struct ucb_async *async;
	unsigned long flags;
	bool hangup = false;
	size_t done = 0;
	bool free;

	if (count < sizeof(entry->event))
		return -EINVAL;
	while (count - done >= sizeof(entry->event)) {
		ucb_spin_lock(&client->events_lock, flags);
		entry = client->events_head;
		if (!entry) {
			hangup = client->events_hangup;
			ucb_spin_unlock(&client->events_lock, flags);
			break;
		}
		client->events_head = entry->next;
		if (!entry->next)
			client->events_tail = NULL;
		ucb_events_signal(client);
		ucb_spin_unlock(&client->events_lock, flags);

		if (copy_to_user((u8 __user *)buf + done, &entry->event,
				 sizeof(entry->event))) {
			ucb_spin_lock(&client->events_lock, flags);
			entry->next = client->events_head;
			client->events_head = entry;
			if (!entry->next)
				client->events_tail = entry;
			ucb_events_signal(client);
			ucb_spin_unlock(&client->events_lock, flags);
			if (!done)
				return -EFAULT;
			break;
		}
		done += sizeof(entry->event);

		ucb_spin_lock(&client->events_lock, flags);
		client->events_reserved--;
		free = true;
		if (entry->event.type == UCB_EVENT_COMPLETION) {
			async = (struct ucb_async *)entry;
			async->read = true;
			free = !async->pins;
		}
		ucb_spin_unlock(&client->events_lock, flags);
		if (free)
			ucb_event_free(client, entry);
	}
	if (done)
		return done;
	return hangup ? -ENODEV : -EAGAIN;
}

/**
 * ucb_client_events_state() - what poll(2) reports for a client
 * @client: The client.
 *
 * Return: %UCB_EVENTS_READABLE while an event waits, %UCB_EVENTS_HANGUP
 * once the driver is gone and the queue is empty.
 */
u32 ucb_client_events_state(struct ucb_client *client)
{
	unsigned long flags;
	u32 state = 0;

	ucb_spin_lock(&client->events_lock, flags);
	if (client->events_head)
		state |= UCB_EVENTS_READABLE;
	else if (client->events_hangup)
		state |= UCB_EVENTS_HANGUP;
	ucb_spin_unlock(&client->events_lock, flags);
	return state;
}

/**
 * ucb_client_notify() - send one client a notification (IOKit's message)
 * @client: A client of the driver, open: between its open and close
 *	callbacks.
 * @message: The message type, for the client (IOKit's messageType).
 * @args: Its arguments, or NULL when @arg_count is 0.
 * @arg_count: How many, at most %UCB_MAX_SCALARS.
 * @flags: %UCB_EVENT_CAN_DROP, or 0.
 *
 * May be called from any context.  When the client's queue is full, or
 * no memory is at hand at once, a notification with %UCB_EVENT_CAN_DROP
 * is dropped and counted for the client; one without fails, so that the
 * driver can send it again later.
 *
 * Return: 0 when it was queued or dropped; -ENOSPC or -ENOMEM when it was
 * not queued and may not be dropped; -EINVAL for bad @arg_count or @flags.
 */
int ucb_client_notify(struct ucb_client *client, u32 message, const u64 *args,
		      u32 arg_count, u32 flags)
{
	bool can_drop = flags & UCB_EVENT_CAN_DROP;
	struct ucb_event_entry *entry;
	unsigned long lock_flags;
	int err = 0;

	if (arg_count > UCB_MAX_SCALARS || flags & ~UCB_EVENT_CAN_DROP)
		return -EINVAL;
	entry = ucb_env_alloc_nowait(sizeof(*entry));
	if (entry) {
		ucb_counter_inc(&client->device->live_buffers);
		memset(&entry->event, 0, sizeof(entry->event));
		entry->event.type = UCB_EVENT_NOTIFICATION;
		entry->event.flags = flags;
		entry->event.result = message;
		entry->event.arg_count = arg_count;
		if (arg_count)
			memcpy(entry->event.args, args,
			       arg_count * sizeof(u64));
	}

	ucb_spin_lock(&client->events_lock, lock_flags);
	if (!entry)
		err = -ENOMEM;
	else if (client->events_reserved >= ucb_test_event_queue_max())
		err = -ENOSPC;
	if (!err) {
		client->events_reserved++;
		entry->event.id = ++client->notify_last_id;
		entry->event.dropped = client->notify_dropped;
		client->notify_dropped = 0;
		ucb_events_push(client, entry);
	} else if (can_drop) {
		client->notify_dropped++;
	}
	ucb_spin_unlock(&client->events_lock, lock_flags);

	if (!err) {
		ucb_env_events_wake(&client->events_env);
		return 0;
	}
	if (entry)
		ucb_event_free(client, entry);
	return can_drop ? 0 : err;
}
EXPORT_SYMBOL_GPL(ucb_client_notify);
