/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The reference driver, ucbridge_reference.ko (/dev/ucbridge/reference): the
 * methods every ucbridge test and example calls.  Its selectors and
 * structures are fixed forever: tests outside this project rely on them.
 */
#ifndef _UAPI_LINUX_UCBRIDGE_REFERENCE_H
#define _UAPI_LINUX_UCBRIDGE_REFERENCE_H

#include <linux/types.h>

/* The reference driver's service name: /dev/ucbridge/reference. */
#define UCB_REFERENCE_NAME	"reference"

/* Selectors of the reference driver. */
enum ucb_reference_selector {
	UCB_SEL_NOOP		= 0,	/* nothing in, nothing out */
	UCB_SEL_ADD		= 1,	/* 2 scalars in, 1 out: wrapping sum */
	UCB_SEL_ECHO		= 2,	/* variable struct in, same bytes out */
	UCB_SEL_CHECKSUM	= 3,	/* variable struct in, CRC32C + length */
	UCB_SEL_PATH_INFO	= 4,	/* path in, found/ino/mode/size out */
	UCB_SEL_FIXED_TRANSFORM	= 5,	/* struct ucb_transform in and out */
	UCB_SEL_CONSISTENCY	= 6,	/* struct (+delay) in, 1 if stable */
	UCB_SEL_RESET_STATS	= 7,	/* admin only: zero the counters */
	UCB_SEL_GENERATE	= 8,	/* n in, n pattern bytes out */
	UCB_SEL_SINK		= 9,	/* variable struct in, nothing out */
	UCB_SEL_SHARED_CHECKSUM	= 10,	/* buffer range in, CRC32C out */
	UCB_SEL_DELAYED		= 11,	/* async: delay, value in; value later */
	UCB_SEL_ASYNC_CHECKSUM	= 12,	/* async: struct in; CRC32C later */
	UCB_SEL_NOTIFY		= 13,	/* count, interval, flags in: notes */
	UCB_REFERENCE_METHOD_COUNT
};

/*
 * Memory types of the reference driver, each one per client, mapped at
 * UCB_MEMORY_OFFSET(type):
 *
 * UCB_REFERENCE_MEMORY_BUFFER: read-write, 1 MiB unless the module
 *	parameter buffer_size says otherwise; the sharedChecksum method
 *	checksums a range of it.
 * UCB_REFERENCE_MEMORY_STATUS: read-only, one page: a struct
 *	ucb_reference_status the driver keeps up to date.
 */
enum ucb_reference_memory_type {
	UCB_REFERENCE_MEMORY_BUFFER	= 0,
	UCB_REFERENCE_MEMORY_STATUS	= 1,
	UCB_REFERENCE_MEMORY_TYPE_COUNT
};

/* Selectors the status page has room for. */
#define UCB_REFERENCE_STATUS_METHODS	32

/**
 * struct ucb_reference_status - the status page, read with no system call
 * @calls: How many times each method, by selector, ran for this client;
 *	calls refused before the method (a failed check) are not in it.
 */
struct ucb_reference_status {
	__u64 calls[UCB_REFERENCE_STATUS_METHODS];
};

/**
 * struct ucb_transform - input and output of the fixedTransform method
 * @a: Out: the input's @b.
 * @b: Out: the input's @a.
 * @c: Out: input @c + @d, modulo 2^64.
 * @d: Out: input @c XOR @d.
 */
struct ucb_transform {
	__u32 a;
	__u32 b;
	__u64 c;
	__u64 d;
};

/*
 * Largest input of the pathInfo method: a path of up to PATH_MAX - 1 bytes
 * and its optional terminating NUL.
 */
#define UCB_PATH_INFO_MAX	4096

/* Longest input of the consistency method's optional delay scalar. */
#define UCB_CONSISTENCY_MAX_DELAY_US	10000
#define UCB_CONSISTENCY_DEFAULT_DELAY_US	100

/*
 * The delayed method (async): scalars delay in microseconds, at most
 * UCB_DELAYED_MAX_DELAY_US, and a value; completes after the delay with
 * the value as its one argument, or UCB_IORETURN_ABORTED when cancelled.
 * With a delay of 0 it completes before the submission returns.
 */
#define UCB_DELAYED_MAX_DELAY_US	10000000

/*
 * The asyncChecksum method (async): a variable struct in; completes from a
 * worker with two arguments, the CRC32C of the copied input and its length.
 */

/*
 * The notify method: scalars count (at most UCB_NOTIFY_MAX_COUNT), interval
 * in microseconds (at most UCB_DELAYED_MAX_DELAY_US) and event flags (0 or
 * UCB_EVENT_CAN_DROP).  Sends the client count notifications of message
 * type UCB_NOTIFY_MESSAGE, interval apart, the first at once; each carries
 * two arguments, its index from 0 and count.  A new notify call replaces a
 * sequence still running.  Out: nothing.
 */
#define UCB_NOTIFY_MAX_COUNT		100000
#define UCB_NOTIFY_MESSAGE		0xe0000100U

/* Byte i of the generate method's output. */
#define UCB_GENERATE_BYTE(i)	((__u8)((i) % 251))

#endif /* _UAPI_LINUX_UCBRIDGE_REFERENCE_H */
