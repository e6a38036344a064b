/*
 * The ucbridge ABI, for Swift: kmod/include/uapi/linux/ucbridge.h itself,
 * reached through a symbolic link so that there is one copy of it.
 */
#ifndef CUCBRIDGE_H
#define CUCBRIDGE_H

#include <sys/ioctl.h>

#include "uapi/linux/ucbridge.h"
#include "uapi/linux/ucbridge_reference.h"

/*
 * Swift cannot import function-like macros such as _IO(); these constants
 * carry the header's own values across.
 */
static const unsigned long ucb_ioc_call = UCB_IOC_CALL;
static const unsigned long ucb_ioc_driver_info = UCB_IOC_DRIVER_INFO;
static const unsigned long ucb_ioc_method_info = UCB_IOC_METHOD_INFO;
static const unsigned long ucb_ioc_open = UCB_IOC_OPEN;
static const unsigned long ucb_ioc_call_batch = UCB_IOC_CALL_BATCH;

/*
 * ioctl(2) with an argument that may be NULL: the Glibc overlay's ioctl()
 * takes a non-optional pointer, and probes must be able to send NULL.
 */
static inline int ucb_sys_ioctl(int fd, unsigned long request, void *argument)
{
	return ioctl(fd, request, argument);
}

#endif
