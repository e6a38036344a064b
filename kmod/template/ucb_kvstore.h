/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The template driver: a key/value store per client, portable C built into
 * ucbridge_kvstore.ko and into the in-process mock.  It uses only the
 * driver API of <linux/ucbridge_driver.h> and, from ucb_env.h, memory
 * (ucb_env_alloc/zalloc/free), struct ucb_env_mutex, and memcpy/memcmp/
 * memset: copy this directory to start a driver of your own.
 */
#ifndef _UCB_KVSTORE_H
#define _UCB_KVSTORE_H

#include "ucb_env.h"
#include <linux/ucbridge_driver.h>
#include <uapi/linux/ucbridge_kvstore.h>

/* 0.1.0, as (major << 16 | minor << 8 | patch). */
#define UCB_KVSTORE_VERSION		0x000100
#define UCB_KVSTORE_VERSION_STRING	"0.1.0"

/*
 * The driver-wide bound on variable struct sizes it registers with: room
 * for the largest put (UCB_KVSTORE_PUT_MAX) and the next power of two.
 */
#define UCB_KVSTORE_MAX_STRUCT_SIZE	8192

void ucb_kvstore_driver_fill(struct ucb_driver *driver);

#endif /* _UCB_KVSTORE_H */
