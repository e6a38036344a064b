/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ucbridge: IOKit-style user-client method calls over one ioctl.
 *
 * This header is the whole contract between a ucbridge driver and its
 * callers.  The kernel module, the shared dispatch core, the in-process mock
 * and the Swift library all include it; nothing re-declares its structures
 * or constants.
 *
 * A call names a method by selector and carries up to UCB_MAX_SCALARS 64-bit
 * scalars in and out, one input struct and one output struct.  The driver
 * checks the counts and sizes against its method table (like IOKit's
 * IOExternalMethodDispatch), copies every input exactly once into kernel
 * memory, runs the method on those copies and copies back only what the
 * method wrote.
 *
 * Device nodes: ucbridge.ko publishes each registered driver as
 * /dev/ucbridge/<name>, its character device, and /sys/class/ucbridge/<name>/
 * with read-only attributes abi_version, driver_version (major.minor.patch),
 * method_count, and max_struct_size (writable by root), readable without
 * opening the node.  Each open of the node is one client of the driver.
 *
 * A driver can be unregistered while its nodes are open (a device going
 * away): every ioctl on such a descriptor then fails with ENODEV, and
 * close() still works.
 *
 * Call semantics: ioctl(fd, UCB_IOC_CALL, &call) returns 0 once a well-formed
 * call was dispatched; the dispatch outcome is an IOReturn in call.result:
 *
 *  - the driver refused to open the
 *    client with type 0 (no type
 *    chosen, see UCB_IOC_OPEN)    -> the driver's IOReturn
 *  - unknown selector             -> UCB_IORETURN_UNSUPPORTED
 *  - admin-only method, no
 *    CAP_SYS_ADMIN                -> UCB_IORETURN_NOT_PRIVILEGED
 *  - a count or size check failed -> UCB_IORETURN_BAD_ARGUMENT
 *  - otherwise                    -> the method's own result
 *
 * On a non-success result no output bytes are written and both output counts
 * come back 0.  The ioctl fails with an errno, and writes nothing back at
 * all, only when the call itself is malformed (EINVAL, E2BIG), a user pointer
 * faults (EFAULT) or kernel memory runs out (ENOMEM).  Once a method has
 * succeeded its outputs are copied out struct first, scalars second, header
 * last; an output pointer that faults part-way fails the call with EFAULT
 * and may leave that one buffer partly written.
 */
#ifndef _UAPI_LINUX_UCBRIDGE_H
#define _UAPI_LINUX_UCBRIDGE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Version of this interface; bumped only on incompatible change. */
#define UCB_ABI_VERSION		1

/* Most scalars a call carries in each direction (as IOKit). */
#define UCB_MAX_SCALARS		16

/*
 * A method table entry with this count or size accepts any value up to its
 * maximum (IOKit's kIOUCVariableStructureSize).
 */
#define UCB_VARIABLE_SIZE	0xffffffffU

/* No ucbridge driver accepts a struct buffer larger than this: 64 MiB. */
#define UCB_STRUCT_SIZE_LIMIT	(64U << 20)

/* A driver's max_struct_size is never set below this: 4 KiB. */
#define UCB_STRUCT_SIZE_FLOOR	4096U

/* Longest method or driver name, including the terminating NUL. */
#define UCB_NAME_SIZE		32

/*
 * IOReturn values, identical to IOKit's <IOKit/IOReturn.h>: sys_iokit
 * (0xE0000000) | sub_iokit_common (0) | the code in the last three digits.
 * Spelled out as literals so that every language's importer sees them.
 */
#define UCB_IORETURN_SUCCESS		0x00000000U
#define UCB_IORETURN_ERROR		0xe00002bcU
#define UCB_IORETURN_NO_MEMORY		0xe00002bdU
#define UCB_IORETURN_NO_RESOURCES	0xe00002beU
#define UCB_IORETURN_IPC_ERROR		0xe00002bfU
#define UCB_IORETURN_NO_DEVICE		0xe00002c0U
#define UCB_IORETURN_NOT_PRIVILEGED	0xe00002c1U
#define UCB_IORETURN_BAD_ARGUMENT	0xe00002c2U
#define UCB_IORETURN_LOCKED_READ	0xe00002c3U
#define UCB_IORETURN_LOCKED_WRITE	0xe00002c4U
#define UCB_IORETURN_EXCLUSIVE_ACCESS	0xe00002c5U
#define UCB_IORETURN_BAD_MESSAGE_ID	0xe00002c6U
#define UCB_IORETURN_UNSUPPORTED	0xe00002c7U
#define UCB_IORETURN_VM_ERROR		0xe00002c8U
#define UCB_IORETURN_INTERNAL_ERROR	0xe00002c9U
#define UCB_IORETURN_IO_ERROR		0xe00002caU
#define UCB_IORETURN_CANNOT_LOCK	0xe00002ccU
#define UCB_IORETURN_NOT_OPEN		0xe00002cdU
#define UCB_IORETURN_NOT_READABLE	0xe00002ceU
#define UCB_IORETURN_NOT_WRITABLE	0xe00002cfU
#define UCB_IORETURN_NOT_ALIGNED	0xe00002d0U
#define UCB_IORETURN_BAD_MEDIA		0xe00002d1U
#define UCB_IORETURN_STILL_OPEN		0xe00002d2U
#define UCB_IORETURN_RLD_ERROR		0xe00002d3U
#define UCB_IORETURN_DMA_ERROR		0xe00002d4U
#define UCB_IORETURN_BUSY		0xe00002d5U
#define UCB_IORETURN_TIMEOUT		0xe00002d6U
#define UCB_IORETURN_OFFLINE		0xe00002d7U
#define UCB_IORETURN_NOT_READY		0xe00002d8U
#define UCB_IORETURN_NOT_ATTACHED	0xe00002d9U
#define UCB_IORETURN_NO_CHANNELS	0xe00002daU
#define UCB_IORETURN_NO_SPACE		0xe00002dbU
#define UCB_IORETURN_PORT_EXISTS	0xe00002ddU
#define UCB_IORETURN_CANNOT_WIRE	0xe00002deU
#define UCB_IORETURN_NO_INTERRUPT	0xe00002dfU
#define UCB_IORETURN_NO_FRAMES		0xe00002e0U
#define UCB_IORETURN_MESSAGE_TOO_LARGE	0xe00002e1U
#define UCB_IORETURN_NOT_PERMITTED	0xe00002e2U
#define UCB_IORETURN_NO_POWER		0xe00002e3U
#define UCB_IORETURN_NO_MEDIA		0xe00002e4U
#define UCB_IORETURN_UNFORMATTED_MEDIA	0xe00002e5U
#define UCB_IORETURN_UNSUPPORTED_MODE	0xe00002e6U
#define UCB_IORETURN_UNDERRUN		0xe00002e7U
#define UCB_IORETURN_OVERRUN		0xe00002e8U
#define UCB_IORETURN_DEVICE_ERROR	0xe00002e9U
#define UCB_IORETURN_NO_COMPLETION	0xe00002eaU
#define UCB_IORETURN_ABORTED		0xe00002ebU
#define UCB_IORETURN_NO_BANDWIDTH	0xe00002ecU
#define UCB_IORETURN_NOT_RESPONDING	0xe00002edU
#define UCB_IORETURN_ISO_TOO_OLD	0xe00002eeU
#define UCB_IORETURN_ISO_TOO_NEW	0xe00002efU
#define UCB_IORETURN_NOT_FOUND		0xe00002f0U
#define UCB_IORETURN_INVALID		0xe0000001U

/**
 * struct ucb_call - one method call, argument of %UCB_IOC_CALL
 * @size: Size of this structure as the caller knows it.  Older callers pass
 *	a shorter one (at least %UCB_CALL_SIZE_VER0) and the driver treats the
 *	missing tail as zero; newer callers may pass a longer one whose extra
 *	tail must be all zero, else the ioctl fails with E2BIG.  Above 4096:
 *	E2BIG; below %UCB_CALL_SIZE_VER0: EINVAL.
 * @selector: Index of the method in the driver's table.
 * @flags: Call flags; none are defined, must be 0 (else EINVAL).
 * @scalar_in_count: Number of __u64 at @scalar_in, at most %UCB_MAX_SCALARS
 *	(else EINVAL).
 * @struct_in_size: Number of bytes at @struct_in.
 * @result: Out: the IOReturn of the dispatch (see the top of this header).
 * @scalar_out_count: In: room for __u64 at @scalar_out, at most
 *	%UCB_MAX_SCALARS (else EINVAL).  Out: how many the method wrote.
 * @struct_out_size: In: room in bytes at @struct_out.  Out: how many bytes
 *	the method wrote.
 * @scalar_in: User pointer to the input scalars.
 * @struct_in: User pointer to the input struct.
 * @scalar_out: User pointer to room for the output scalars.
 * @struct_out: User pointer to room for the output struct.
 *
 * A pointer whose count or size is 0 is never dereferenced and may be 0.
 * The three fields the driver writes back (@result, @scalar_out_count,
 * @struct_out_size) are adjacent so that write-back is one copy.
 */
struct ucb_call {
	__u32 size;
	__u32 selector;
	__u32 flags;
	__u32 scalar_in_count;
	__u32 struct_in_size;
	__u32 result;
	__u32 scalar_out_count;
	__u32 struct_out_size;
	__aligned_u64 scalar_in;
	__aligned_u64 struct_in;
	__aligned_u64 scalar_out;
	__aligned_u64 struct_out;
};

#define UCB_CALL_SIZE_VER0	64	/* sizeof first published struct */

/**
 * struct ucb_driver_info - driver description, argument of
 *	%UCB_IOC_DRIVER_INFO
 * @size: In: size of this structure as the caller knows it, with the same
 *	rules as &struct ucb_call.size (%UCB_DRIVER_INFO_SIZE_VER0 at least).
 *	The driver fills in as much as fits.
 * @flags: In: none defined, must be 0.
 * @abi_version: %UCB_ABI_VERSION of the driver.
 * @driver_version: Driver version as (major << 16 | minor << 8 | patch).
 * @method_count: Number of entries in the method table; valid selectors are
 *	0 to @method_count - 1.
 * @max_scalars: %UCB_MAX_SCALARS.
 * @max_struct_size: Current driver-wide bound on every variable struct
 *	size, in bytes, from %UCB_STRUCT_SIZE_FLOOR to @struct_size_limit (a
 *	module parameter for the reference driver).
 * @struct_size_limit: Highest value @max_struct_size can be set to.
 * @live_buffers: Kernel buffers the dispatch core holds right now, for
 *	calls in flight, async calls not yet read back and events queued; 0
 *	when there are none, so a test can prove that none leak.
 * @name: NUL-terminated, NUL-padded driver name.
 */
struct ucb_driver_info {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 driver_version;
	__u32 method_count;
	__u32 max_scalars;
	__u32 max_struct_size;
	__u32 struct_size_limit;
	__aligned_u64 live_buffers;
	char name[UCB_NAME_SIZE];
};

#define UCB_DRIVER_INFO_SIZE_VER0	72

/* The method may be called only by a caller with CAP_SYS_ADMIN. */
#define UCB_METHOD_FLAG_ADMIN	(1U << 0)
/*
 * The method answers later: it is called only through %UCB_IOC_CALL_ASYNC,
 * and a method without this flag only through %UCB_IOC_CALL and
 * %UCB_IOC_CALL_BATCH; either mismatch is refused with
 * %UCB_IORETURN_BAD_ARGUMENT (IOKit's checkCompletionExists).
 */
#define UCB_METHOD_FLAG_ASYNC	(1U << 1)

/**
 * struct ucb_method_info - one method table entry, argument of
 *	%UCB_IOC_METHOD_INFO
 * @size: In: size of this structure as the caller knows it, with the same
 *	rules as &struct ucb_driver_info.size (%UCB_METHOD_INFO_SIZE_VER0).
 * @flags: In: none defined, must be 0.
 * @selector: In: which method, 0 to method_count - 1 (else ENOENT).
 * @method_flags: UCB_METHOD_FLAG_* of the method.
 * @scalar_in_count: Required scalar input count, or %UCB_VARIABLE_SIZE.
 * @struct_in_size: Required struct input size, or %UCB_VARIABLE_SIZE.
 * @scalar_out_count: Required scalar output room, or %UCB_VARIABLE_SIZE.
 * @struct_out_size: Required struct output room, or %UCB_VARIABLE_SIZE.
 * @struct_in_max: Largest struct input accepted right now: the fixed size,
 *	or for a variable size the smaller of the method's own maximum and the
 *	driver's max_struct_size.
 * @struct_out_max: Likewise for the struct output.  A variable output with
 *	more room than this is given exactly this much.
 * @calls: Calls dispatched to this method: for a caller with CAP_SYS_ADMIN
 *	through every connection since load or the last resetStats, for anyone
 *	else through this connection since it was opened.
 * @errors: Those of @calls that did not end in success; never more than
 *	@calls.
 * @name: NUL-terminated, NUL-padded method name.
 */
struct ucb_method_info {
	__u32 size;
	__u32 flags;
	__u32 selector;
	__u32 method_flags;
	__u32 scalar_in_count;
	__u32 struct_in_size;
	__u32 scalar_out_count;
	__u32 struct_out_size;
	__u32 struct_in_max;
	__u32 struct_out_max;
	__aligned_u64 calls;
	__aligned_u64 errors;
	char name[UCB_NAME_SIZE];
};

#define UCB_METHOD_INFO_SIZE_VER0	88

/**
 * struct ucb_open - choose the user-client type, argument of %UCB_IOC_OPEN
 * @size: In: size of this structure as the caller knows it, with the same
 *	rules as &struct ucb_driver_info.size (%UCB_OPEN_SIZE_VER0).
 * @flags: In: none defined, must be 0.
 * @type: In: the user-client type (IOServiceOpen's type), for the driver.
 * @result: Out: the driver's answer, an IOReturn: %UCB_IORETURN_SUCCESS
 *	when it accepts the type.  A refused type leaves the client unopened,
 *	so another type may be tried.
 *
 * A client chooses its type at most once and before its first call: the
 * ioctl fails with EBUSY once the driver accepted a type, including the
 * type 0 that a first call without a choice opens with.  Only @result is
 * written back; should that write fault, the ioctl fails with EFAULT though
 * the driver may have accepted the type.
 */
struct ucb_open {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 result;
};

#define UCB_OPEN_SIZE_VER0		16

/**
 * struct ucb_batch - several calls in one ioctl, argument of
 *	%UCB_IOC_CALL_BATCH
 * @size: In: size of this structure as the caller knows it, with the same
 *	rules as &struct ucb_call.size (%UCB_BATCH_SIZE_VER0 at least).
 * @flags: In: 0 or %UCB_BATCH_STOP_ON_ERROR; any other bit: EINVAL.
 * @count: In: number of calls at @calls, at most %UCB_BATCH_MAX_CALLS (else
 *	EINVAL).  0 is a batch that does nothing.
 * @call_size: In: size of each entry at @calls, which is also the distance
 *	from one entry to the next: from %UCB_CALL_SIZE_VER0 to 4096 (else
 *	EINVAL).  Each entry's own @size must equal it (else EINVAL).
 * @calls: In: user pointer to @count &struct ucb_call entries.
 * @completed: Out: how many entries ran, in order from the first.
 * @reserved: In: must be 0 (else EINVAL).
 *
 * The calls run one after another, in order.  Each entry is copied, checked
 * and dispatched exactly as a single %UCB_IOC_CALL with that struct would be,
 * and gets its own @result and output counts written back before the next
 * entry is read; so an entry may consume what an earlier one wrote.  With
 * %UCB_BATCH_STOP_ON_ERROR the batch stops after the first entry whose
 * result is not %UCB_IORETURN_SUCCESS; without it every entry runs.
 *
 * The ioctl returns 0 when every entry that ran was dispatched, and then
 * writes @completed.  When an entry fails as a single call would fail with
 * an errno (EINVAL, E2BIG, EFAULT, ENOMEM), the batch stops there: that
 * entry gets no result, the entries before it keep theirs, @completed
 * says how many they are, and the ioctl fails with that errno.  So does an
 * entry that would take the batch's struct bytes, every entry's
 * @struct_in_size plus its @struct_out_size room, over
 * %UCB_BATCH_BYTES_MAX: E2BIG.  A malformed &struct ucb_batch fails the
 * ioctl before any entry runs, with nothing written; a fault writing
 * @completed fails it with EFAULT after the entries ran.  Entries are never held in kernel memory together: a
 * batch costs the kernel no more memory than its largest call.
 */
struct ucb_batch {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 call_size;
	__aligned_u64 calls;
	__u32 completed;
	__u32 reserved;
};

#define UCB_BATCH_SIZE_VER0		32

/* Stop a batch after the first call whose result is not success. */
#define UCB_BATCH_STOP_ON_ERROR		(1U << 0)

/* Most calls in one batch. */
#define UCB_BATCH_MAX_CALLS		1024

/* Most struct bytes, inputs plus output room, in one batch: 64 MiB. */
#define UCB_BATCH_BYTES_MAX		(64U << 20)

/*
 * Memory a driver shares with its clients (IOKit's clientMemoryForType and
 * IOConnectMapMemory64): each driver declares up to %UCB_MEMORY_TYPE_MAX
 * memory types, numbered from 0, each a whole number of pages up to
 * %UCB_MEMORY_SIZE_LIMIT, zeroed when it is made (at a client's first use
 * for a per-client type, when the driver registers for a shared one).
 *
 * A client maps type T with mmap(NULL, length, prot, MAP_SHARED, fd,
 * UCB_MEMORY_OFFSET(T)): @length at most the type's, from its start.  mmap
 * fails with EINVAL for any other offset, an unknown type, a longer
 * length or a private mapping; with EACCES for PROT_WRITE on a
 * %UCB_MEMORY_READ_ONLY type, whose mappings mprotect() cannot make
 * writable either; with ENODEV once the driver is unregistered.  A 32-bit
 * program needs a 64-bit off_t (mmap64) for types above 0.
 *
 * Mappings are not inherited across fork() (VM_DONTCOPY) and cannot be
 * grown by mremap().  A mapping keeps its file, so the memory outlives
 * close() of the descriptor and the driver's unregistering (the driver
 * just stops using it); it is freed once the last mapping and descriptor
 * are gone, and ucbridge.ko cannot be unloaded before.
 *
 * What a client writes there is never trusted twice: a driver method reads
 * shared memory only through a snapshot it validates, never the live pages.
 */
#define UCB_MEMORY_TYPE_MAX	16
#define UCB_MEMORY_SIZE_LIMIT	(64U << 20)
#define UCB_MEMORY_OFFSET(type)	((__u64)(type) << 32)

/* The client may only read the memory type; the driver writes it. */
#define UCB_MEMORY_READ_ONLY	(1U << 0)
/* One memory for all clients of the driver; else one per client. */
#define UCB_MEMORY_SHARED	(1U << 1)

/**
 * struct ucb_memory_info - one memory type, argument of %UCB_IOC_MEMORY_INFO
 * @size: In: size of this structure as the caller knows it, with the same
 *	rules as &struct ucb_driver_info.size (%UCB_MEMORY_INFO_SIZE_VER0).
 * @flags: In: none defined, must be 0.
 * @type: In: the memory type, from 0; ENOENT at or above the driver's
 *	count of types.
 * @memory_flags: Out: %UCB_MEMORY_READ_ONLY, %UCB_MEMORY_SHARED.
 * @length: Out: its size in bytes, a multiple of the page size.
 * @offset: Out: the mmap() offset that maps it, UCB_MEMORY_OFFSET(@type).
 * @name: Out: NUL-terminated, NUL-padded name of the type.
 */
struct ucb_memory_info {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 memory_flags;
	__aligned_u64 length;
	__aligned_u64 offset;
	char name[UCB_NAME_SIZE];
};

#define UCB_MEMORY_INFO_SIZE_VER0	64

/*
 * Async calls and notifications (IOKit's IOConnectCallAsyncMethod,
 * sendAsyncResult64 and interest notifications).
 *
 * An async call is a &struct ucb_call sent with %UCB_IOC_CALL_ASYNC, to a
 * method with %UCB_METHOD_FLAG_ASYNC.  It is read, checked and copied in
 * exactly as a %UCB_IOC_CALL, and gets a result and synchronous outputs
 * the same way.  When that result is %UCB_IORETURN_SUCCESS the call was
 * accepted: exactly one completion event for it follows, carrying the
 * method's final IOReturn, up to %UCB_MAX_SCALARS u64 arguments and the
 * caller's @reference words untouched.  Any other result means no event
 * will come.
 *
 * Events are read from the descriptor: read(2) returns whole &struct
 * ucb_event records, as many as fit (EINVAL for room under one record),
 * blocks while there are none (EAGAIN with O_NONBLOCK), and poll(2) says
 * POLLIN when one is waiting.  Events of one kind arrive in the order they
 * were sent; completions arrive in the order methods complete.
 *
 * Bounds: a client has room for %UCB_EVENT_QUEUE_MAX events, counting
 * every accepted call not yet read back and every queued notification.
 * Room for a completion is taken when the call is submitted, so no
 * completion is ever lost: a submission finding no room gets
 * %UCB_IORETURN_NO_RESOURCES and runs nothing.  A notification finding no
 * room is dropped when it carries %UCB_EVENT_CAN_DROP (counted in the next
 * notification's @dropped), else the driver is told and may retry.
 *
 * On close(2) the driver is asked to cancel every call still pending, the
 * close waits for them to complete, and their events are discarded.  When
 * the driver is unregistered, pending calls are cancelled the same way;
 * their completions (usually %UCB_IORETURN_ABORTED) stay readable, and
 * after the last one read(2) fails with ENODEV and poll(2) says POLLHUP.
 */

/* Caller's words an async call carries back (IOKit's OSAsyncReference64). */
#define UCB_ASYNC_REFERENCE_WORDS	8

/* Most events a client's queue holds or has room taken for. */
#define UCB_EVENT_QUEUE_MAX		4096

/**
 * struct ucb_async_call - an async call, argument of %UCB_IOC_CALL_ASYNC
 * @size: In: size of this structure as the caller knows it, with the same
 *	rules as &struct ucb_call.size (%UCB_ASYNC_CALL_SIZE_VER0 at least).
 * @flags: In: none defined, must be 0 (else EINVAL).
 * @call: In: user pointer to the &struct ucb_call, read and written back
 *	exactly as by %UCB_IOC_CALL.
 * @reference: In: the caller's words, returned in the call's completion.
 * @id: Out: the call's number on this client, unique while it is pending
 *	and in its completion; written only when the call was accepted.
 */
struct ucb_async_call {
	__u32 size;
	__u32 flags;
	__aligned_u64 call;
	__aligned_u64 reference[UCB_ASYNC_REFERENCE_WORDS];
	__aligned_u64 id;
};

#define UCB_ASYNC_CALL_SIZE_VER0	88

/* What an event is. */
#define UCB_EVENT_COMPLETION	1	/* an async call completed */
#define UCB_EVENT_NOTIFICATION	2	/* the driver sent a notification */

/* A notification the driver let be dropped when the queue was full. */
#define UCB_EVENT_CAN_DROP	(1U << 0)

/**
 * struct ucb_event - one record read(2) returns
 * @type: %UCB_EVENT_COMPLETION or %UCB_EVENT_NOTIFICATION.
 * @flags: A notification's flags: %UCB_EVENT_CAN_DROP or 0.
 * @result: A completion: the call's final IOReturn.  A notification: the
 *	driver's message type (IOKit's messageType).
 * @arg_count: Valid words at @args, at most %UCB_MAX_SCALARS; the rest
 *	are zero.
 * @selector: A completion: the method's selector.  A notification: 0.
 * @dropped: A notification: how many droppable notifications were lost
 *	since the previous one that reported some.  A completion: 0.
 * @id: A completion: &struct ucb_async_call.id.  A notification: its
 *	number among the client's notifications, from 1.
 * @reference: A completion: the call's reference words.  A
 *	notification: zero.
 * @args: The method's or the notification's arguments.
 */
struct ucb_event {
	__u32 type;
	__u32 flags;
	__u32 result;
	__u32 arg_count;
	__u32 selector;
	__u32 dropped;
	__aligned_u64 id;
	__aligned_u64 reference[UCB_ASYNC_REFERENCE_WORDS];
	__aligned_u64 args[UCB_MAX_SCALARS];
};

/**
 * struct ucb_cancel - ask the driver to end a pending async call early,
 *	argument of %UCB_IOC_CANCEL
 * @size: In: size of this structure as the caller knows it, with the same
 *	rules as &struct ucb_call.size (%UCB_CANCEL_SIZE_VER0 at least).
 * @flags: In: none defined, must be 0 (else EINVAL).
 * @id: In: the call's &struct ucb_async_call.id.
 *
 * The ioctl returns 0 when the call was pending and the driver was asked
 * to cancel it: its completion still comes, with whatever result the
 * driver gives (usually %UCB_IORETURN_ABORTED, or its real result when it
 * was finishing anyway).  It fails with ENOENT when no call of that id is
 * pending (never was, or completed already).
 */
struct ucb_cancel {
	__u32 size;
	__u32 flags;
	__aligned_u64 id;
};

#define UCB_CANCEL_SIZE_VER0		16

/*
 * The ioctl numbers carry no size (_IO, as iommufd): the structures grow by
 * their @size field, so the numbers never change.  Magic 0xBC, numbers 0x00
 * to 0x0F, is free in Documentation/userspace-api/ioctl/ioctl-number.rst.
 */
#define UCB_IOC_MAGIC		0xBC
#define UCB_IOC_CALL		_IO(UCB_IOC_MAGIC, 0x00)
#define UCB_IOC_DRIVER_INFO	_IO(UCB_IOC_MAGIC, 0x01)
#define UCB_IOC_METHOD_INFO	_IO(UCB_IOC_MAGIC, 0x02)
#define UCB_IOC_OPEN		_IO(UCB_IOC_MAGIC, 0x03)
#define UCB_IOC_CALL_BATCH	_IO(UCB_IOC_MAGIC, 0x04)
#define UCB_IOC_MEMORY_INFO	_IO(UCB_IOC_MAGIC, 0x05)
#define UCB_IOC_CALL_ASYNC	_IO(UCB_IOC_MAGIC, 0x06)
#define UCB_IOC_CANCEL		_IO(UCB_IOC_MAGIC, 0x07)

#endif /* _UAPI_LINUX_UCBRIDGE_H */
