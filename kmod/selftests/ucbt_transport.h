/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the selftest needs from the thing it tests: the real /dev/ucbridge
 * (ucbt_device.c) or the dispatch core linked in-process (ucbt_mock.c).
 * The tests themselves are the same source for both.
 */
#ifndef _UCBT_TRANSPORT_H
#define _UCBT_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Name shown in the TAP header. */
extern const char *const ucbt_transport_name;

/* Open a connection; a handle >= 0 or -errno. */
int ucbt_open(void);
void ucbt_close(int handle);

/* One ioctl: 0 or -errno, never -1 with errno. */
int ucbt_ioctl(int handle, unsigned long cmd, void *arg);

/*
 * read(2) of the connection's events: bytes read or -errno; never blocks
 * (the device is opened O_NONBLOCK, the core's read never waits).
 */
long ucbt_read(int handle, void *buf, size_t count);

/*
 * poll(2) of the connection for POLLIN, up to @timeout_ms: the revents
 * (POLLIN, POLLHUP), 0 on timeout, or -errno.  The mock polls the core's
 * eventfd and then reports ucb_client_events_state().
 */
int ucbt_poll(int handle, int timeout_ms);

/* mmap() of the connection: the mapping, or NULL and -errno in *err. */
void *ucbt_mmap(int handle, size_t length, int prot, int flags,
		__u64 offset, int *err);

/*
 * Run @fn in the identity of an unprivileged user (uid/gid 65534, no
 * capabilities).  Connections @fn opens are unprivileged.  Returns @fn's
 * result, or -errno if it could not be run.
 */
int ucbt_run_unprivileged(int (*fn)(void));

/* Set the driver-wide max_struct_size: 0 or -errno. */
int ucbt_set_max_struct_size(__u32 size);

/* Memory the driver side may be holding now, in bytes: the kernel's used
 * memory for the device, this process's heap for the in-process core. */
long long ucbt_memory_in_use(void);

/*
 * Unload and reload the reference driver's module, as rmmod and insmod
 * would, and try to unload the framework's (ucbridge.ko): 0 or -errno;
 * -EOPNOTSUPP where there is no module.  The mock unregisters its driver
 * (ucb_device_shutdown()) and registers it again; it has no framework
 * module.  Reloading while loaded fails with EEXIST, or EOPNOTSUPP where
 * no reload is possible.
 */
int ucbt_unload(void);
int ucbt_reload(void);
int ucbt_unload_core(void);

#endif /* _UCBT_TRANSPORT_H */
