/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The hot-unplug test driver's interface: what ucbridge_unplug_test.ko
 * (kmod/test/ucb_unplug_test.c) publishes, and what the device selftest
 * (kmod/selftests/ucbridge_unplug.c) and the in-process one
 * (kmod/selftests/ucbridge_unplug_mock.c, whose driver mirrors it) call.
 *
 * Its method table:
 *
 *   UNPLUG_SEL_SLEEP  1 scalar in: microseconds, at most
 *                     UNPLUG_SLEEP_MAX_US (else kIOReturnBadArgument);
 *                     sleeps that long, then counts the call in the
 *                     client's state.  1 scalar out: the client's calls
 *                     so far, this one included.
 *   UNPLUG_SEL_ECHO   variable struct in and out, up to UNPLUG_ECHO_MAX
 *                     bytes: the input goes through the client's state and
 *                     back out, as much as fits.
 *
 * User-client types up to UNPLUG_TYPE_MAX are accepted, higher ones refused
 * with kIOReturnUnsupported (the client stays unopened).
 */
#ifndef _UCB_UNPLUG_TEST_H
#define _UCB_UNPLUG_TEST_H

#define UNPLUG_NAME		"unplug-test"
#define UNPLUG_MODULE		"ucbridge_unplug_test"

#define UNPLUG_SEL_SLEEP	0
#define UNPLUG_SEL_ECHO		1
#define UNPLUG_SEL_COUNT	2

#define UNPLUG_SLEEP_MAX_US	100000
#define UNPLUG_ECHO_MAX		4096
#define UNPLUG_TYPE_MAX		1

#endif /* _UCB_UNPLUG_TEST_H */
