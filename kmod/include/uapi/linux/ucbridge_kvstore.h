/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The template driver, ucbridge_kvstore.ko (/dev/ucbridge/kvstore): a small
 * key/value store per client, written against the driver API alone.  Copy
 * it to start a driver of your own.
 *
 * Every open of the node gets a store of its own, empty, freed on close:
 * two clients never see each other's keys.  Keys are 1 to
 * UCB_KVSTORE_KEY_MAX bytes, any bytes (compared with memcmp); values 0 to
 * UCB_KVSTORE_VALUE_MAX bytes.  A store holds at most its quota of entries,
 * UCB_KVSTORE_DEFAULT_QUOTA unless an admin raised it (setQuota), and never
 * more than UCB_KVSTORE_QUOTA_MAX: at most about 4 MiB per client.
 *
 * User-client types (IOServiceOpen's type, chosen with UCB_IOC_OPEN):
 *
 *  UCB_KVSTORE_TYPE_READ_WRITE (0, also a client that chose none): every
 *	method.
 *  UCB_KVSTORE_TYPE_READ_ONLY (1): put and delete fail with
 *	UCB_IORETURN_NOT_PERMITTED; the rest work.
 *  Any other type is refused with UCB_IORETURN_BAD_ARGUMENT, and the client
 *  may choose again.
 *
 * The methods and their shapes (scalars in / struct in -> scalars out /
 * struct out), beyond the core's own checks:
 *
 *  put	  - / struct ucb_kvstore_put + key + value -> - / -
 *	Stores a copy of the value under the key, replacing any old value.
 *	UCB_IORETURN_BAD_ARGUMENT unless the input is exactly the header, the
 *	key and the value; UCB_IORETURN_NO_SPACE for a new key when the store
 *	holds its quota of entries.
 *  get	  - / key -> - / value
 *	UCB_IORETURN_NOT_FOUND when absent; UCB_IORETURN_OVERRUN when the
 *	output room is smaller than the value (offer UCB_KVSTORE_VALUE_MAX).
 *  delete - / key -> - / -
 *	UCB_IORETURN_NOT_FOUND when absent.
 *  list  cursor / - -> next cursor / key
 *	Start with cursor 0 and pass each next cursor back: the end is a
 *	0-byte key with next cursor UCB_KVSTORE_LIST_END.  A key stays where
 *	it is until deleted, so a walk sees every key present throughout it
 *	exactly once, whatever other calls do meanwhile.  The output room must
 *	hold any key: UCB_KVSTORE_KEY_MAX bytes, else UCB_IORETURN_OVERRUN.
 *  count - / - -> entries, bytes, quota / -
 *	Entries held, the bytes of their keys and values, the quota.
 *  setQuota quota / - -> - / -		admin only (CAP_SYS_ADMIN)
 *	Sets this client's entry limit, 1 to UCB_KVSTORE_QUOTA_MAX (else
 *	UCB_IORETURN_BAD_ARGUMENT).  A quota below the entries held drops
 *	none of them: new keys are refused until deletes bring the count
 *	under it.
 *
 * Per-client state is the driver's own memory: a client can hold at most
 * its quota of entries of UCB_KVSTORE_KEY_MAX + UCB_KVSTORE_VALUE_MAX bytes,
 * and only an admin can raise the quota above UCB_KVSTORE_DEFAULT_QUOTA.
 */
#ifndef _UAPI_LINUX_UCBRIDGE_KVSTORE_H
#define _UAPI_LINUX_UCBRIDGE_KVSTORE_H

#include <linux/types.h>

/* The template driver's service name: /dev/ucbridge/kvstore. */
#define UCB_KVSTORE_NAME	"kvstore"

/* User-client types the driver accepts. */
enum ucb_kvstore_type {
	UCB_KVSTORE_TYPE_READ_WRITE	= 0,
	UCB_KVSTORE_TYPE_READ_ONLY	= 1,
	UCB_KVSTORE_TYPE_COUNT
};

/* Selectors of the template driver. */
enum ucb_kvstore_selector {
	UCB_KVSTORE_SEL_PUT		= 0,	/* header + key + value in */
	UCB_KVSTORE_SEL_GET		= 1,	/* key in, value out */
	UCB_KVSTORE_SEL_DELETE		= 2,	/* key in */
	UCB_KVSTORE_SEL_LIST		= 3,	/* cursor in, next + key out */
	UCB_KVSTORE_SEL_COUNT		= 4,	/* entries, bytes, quota out */
	UCB_KVSTORE_SEL_SET_QUOTA	= 5,	/* admin only: quota in */
	UCB_KVSTORE_METHOD_COUNT
};

/* Keys are 1 to this many bytes. */
#define UCB_KVSTORE_KEY_MAX		64
/* Values are 0 to this many bytes. */
#define UCB_KVSTORE_VALUE_MAX		4096

/* A new client's entry limit. */
#define UCB_KVSTORE_DEFAULT_QUOTA	64
/* The highest entry limit setQuota accepts. */
#define UCB_KVSTORE_QUOTA_MAX		1024

/**
 * struct ucb_kvstore_put - the head of the put method's input
 * @key_len: Bytes of key that follow, 1 to %UCB_KVSTORE_KEY_MAX.
 * @value_len: Bytes of value that follow the key, 0 to
 *	%UCB_KVSTORE_VALUE_MAX.
 *
 * The input is this header, then @key_len bytes of key, then @value_len
 * bytes of value, and nothing else: its size is exactly
 * sizeof(struct ucb_kvstore_put) + @key_len + @value_len.
 */
struct ucb_kvstore_put {
	__u32 key_len;
	__u32 value_len;
};

/* The largest input of the put method. */
#define UCB_KVSTORE_PUT_MAX	(sizeof(struct ucb_kvstore_put) + \
				 UCB_KVSTORE_KEY_MAX + UCB_KVSTORE_VALUE_MAX)

/* The list method's next cursor after the last key. */
#define UCB_KVSTORE_LIST_END	0xffffffffffffffffULL

#endif /* _UAPI_LINUX_UCBRIDGE_KVSTORE_H */
