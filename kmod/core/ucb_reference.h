/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference driver: the methods every ucbridge test and example uses.
 */
#ifndef _UCB_REFERENCE_H
#define _UCB_REFERENCE_H

#include "ucb_core.h"

/* 0.1.0, as (major << 16 | minor << 8 | patch). */
#define UCB_REFERENCE_VERSION		0x000100
#define UCB_REFERENCE_VERSION_STRING	"0.1.0"

/* Driver-wide bound on variable struct sizes unless configured: 1 MiB. */
#define UCB_REFERENCE_DEFAULT_MAX_STRUCT_SIZE	(1U << 20)

extern const struct ucb_method
	ucb_reference_methods[UCB_REFERENCE_METHOD_COUNT];

int ucb_reference_driver_init(struct ucb_driver *driver, u32 max_struct_size);

#endif /* _UCB_REFERENCE_H */
