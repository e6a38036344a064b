/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Load from two threads at once, checked against the driver's own call
 * counters.
 */
#ifndef _UCBT_LOAD_H
#define _UCBT_LOAD_H

#include <stdbool.h>

/*
 * Two threads make @calls add and @calls noop calls each, both on @h when
 * @shared, else each on a connection of its own.  Every sum must be right
 * and the add and noop call counters must each grow by exactly 2 * @calls.
 * One TAP check.
 */
void load_two_threads(int h, unsigned long calls, bool shared);

#endif /* _UCBT_LOAD_H */
