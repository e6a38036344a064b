// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl() for this executable: glibc's system call wrapper, the same few
 * instructions, plus a switch that answers UCB_IOC_CALL in user space as a
 * successful noop.  With the switch on (only in `ucbridge-bench ir`),
 * callgrind can count the instructions the C and Swift callers of a real
 * device execute per call, without a kernel that implements it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <linux/ucbridge.h>
#include <linux/ucbridge_reference.h>

#include "cbench.h"

static bool ucbb_fake_calls;

void ucbb_fake_device_calls(void)
{
	ucbb_fake_calls = true;
}

int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;
	long ret;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (__builtin_expect(ucbb_fake_calls, 0) && request == UCB_IOC_CALL) {
		struct ucb_call *call = arg;

		call->result = UCB_IORETURN_SUCCESS;
		call->scalar_out_count = 0;
		call->struct_out_size = 0;
		return 0;
	}
	if (__builtin_expect(ucbb_fake_calls, 0) && request == UCB_IOC_OPEN) {
		struct ucb_open *open = arg;

		open->result = UCB_IORETURN_SUCCESS;
		return 0;
	}
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_ioctl), "D"((long)fd), "S"(request),
			   "d"(arg)
			 : "rcx", "r11", "memory");
	if ((unsigned long)ret > -4096UL) {
		errno = (int)-ret;
		return -1;
	}
	return (int)ret;
}
