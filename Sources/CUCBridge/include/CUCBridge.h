/*
 * The ucbridge ABI, for Swift: kmod/include/uapi/linux/ucbridge.h itself,
 * reached through a symbolic link so that there is one copy of it.
 */
#ifndef CUCBRIDGE_H
#define CUCBRIDGE_H

#include <sys/eventfd.h>
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
static const unsigned long ucb_ioc_memory_info = UCB_IOC_MEMORY_INFO;
static const unsigned long ucb_ioc_call_async = UCB_IOC_CALL_ASYNC;
static const unsigned long ucb_ioc_cancel = UCB_IOC_CANCEL;

/* UCB_MEMORY_OFFSET(type): the mmap() offset of a memory type. */
static inline __u64 ucb_memory_offset(__u32 type)
{
	return UCB_MEMORY_OFFSET(type);
}

/*
 * ioctl(2) with an argument that may be NULL: the Glibc overlay's ioctl()
 * takes a non-optional pointer, and probes must be able to send NULL.
 */
static inline int ucb_sys_ioctl(int fd, unsigned long request, void *argument)
{
	return ioctl(fd, request, argument);
}

/*
 * eventfd(2), which the Glibc module leaves out: the wake-up descriptor of
 * a connection's event reader.
 */
static inline int ucb_sys_eventfd(unsigned int count, int flags)
{
	return eventfd(count, flags);
}

#endif
