// SPDX-License-Identifier: GPL-2.0
/*
 * ucbridge_kvstore.ko: the template driver, /dev/ucbridge/kvstore.
 *
 * Its callbacks and methods (template/ucb_kvstore.c) are portable C that
 * the mock runs too; all this file does is register them with ucbridge.ko
 * through the driver API when the module loads, and unregister them when
 * it unloads.  ucb_unregister_driver() may be called with clients open: it
 * closes their stores, and their later calls fail with ENODEV.
 */
#include <linux/module.h>

#include "template/ucb_kvstore.h"

static struct ucb_driver ucb_kvstore_driver;

static int __init ucb_kvstore_init(void)
{
	ucb_kvstore_driver_fill(&ucb_kvstore_driver);
	return ucb_register_driver(&ucb_kvstore_driver);
}

static void __exit ucb_kvstore_exit(void)
{
	ucb_unregister_driver(&ucb_kvstore_driver);
}

module_init(ucb_kvstore_init);
module_exit(ucb_kvstore_exit);

MODULE_DESCRIPTION("ucbridge template driver: a key/value store per client");
MODULE_AUTHOR("The ucbridge authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(UCB_KVSTORE_VERSION_STRING);
