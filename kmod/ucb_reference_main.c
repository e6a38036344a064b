// SPDX-License-Identifier: GPL-2.0
/*
 * ucbridge_reference.ko: the reference driver, /dev/ucbridge/reference.
 *
 * Its methods (reference/ucb_reference.c) are portable C that the mock runs
 * too; this file registers them with ucbridge.ko through the driver API
 * alone and gives them the kernel's CRC32C, path lookup, sleeping and
 * workqueue.
 */
#include <linux/crc32c.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/sched.h>
#include <linux/stat.h>
#include <linux/workqueue.h>

#include "ucb_reference.h"

u32 ucb_env_crc32c(u32 crc, const void *data, size_t len)
{
	/* crc32c() takes an unsigned int length: feed it in pieces. */
	while (len) {
		unsigned int n = min_t(size_t, len, UINT_MAX);

		crc = crc32c(crc, data, n);
		data += n;
		len -= n;
	}
	return crc;
}

int ucb_env_path_stat(const char *name, u64 *ino, u32 *mode, u64 *size)
{
	struct path path;
	struct kstat stat;
	int err;

	/* As stat(2) does: follow symlinks, trigger automounts. */
	err = kern_path(name, LOOKUP_FOLLOW | LOOKUP_AUTOMOUNT, &path);
	if (err)
		return err;
	err = vfs_getattr(&path, &stat, STATX_INO | STATX_MODE | STATX_SIZE,
			  AT_STATX_SYNC_AS_STAT);
	path_put(&path);
	if (err)
		return err;
	*ino = stat.ino;
	*mode = stat.mode;
	*size = stat.size;
	return 0;
}

void ucb_env_delay_us(unsigned int us)
{
	fsleep(us);
}

void ucb_env_cond_resched(void)
{
	cond_resched();
}

static void ucb_env_work_run(struct work_struct *work)
{
	struct ucb_env_work *env_work =
		container_of(to_delayed_work(work), struct ucb_env_work, dwork);

	env_work->fn(env_work);
}

void ucb_env_work_init(struct ucb_env_work *work,
		       void (*fn)(struct ucb_env_work *work))
{
	INIT_DELAYED_WORK(&work->dwork, ucb_env_work_run);
	work->fn = fn;
}

void ucb_env_work_schedule(struct ucb_env_work *work, u64 delay_us)
{
	queue_delayed_work(system_wq, &work->dwork,
			   usecs_to_jiffies(min_t(u64, delay_us, UINT_MAX)));
}

bool ucb_env_work_cancel(struct ucb_env_work *work)
{
	return cancel_delayed_work_sync(&work->dwork);
}

static unsigned int buffer_size = UCB_REFERENCE_DEFAULT_BUFFER_SIZE;
module_param(buffer_size, uint, 0444);
MODULE_PARM_DESC(buffer_size,
		 "Bytes of each client's shared buffer (memory type 0), 1 to 64 MiB; default 1 MiB");

static struct ucb_driver ucb_reference_driver;
static struct ucb_memory_type
ucb_reference_memory_types[UCB_REFERENCE_MEMORY_TYPE_COUNT];

static int __init ucb_reference_init(void)
{
	struct ucb_driver *driver = &ucb_reference_driver;

	if (!buffer_size || buffer_size > UCB_MEMORY_SIZE_LIMIT)
		return -EINVAL;
	ucb_reference_driver_fill(driver,
				  UCB_REFERENCE_DEFAULT_MAX_STRUCT_SIZE);
	memcpy(ucb_reference_memory_types, driver->memory_types,
	       sizeof(ucb_reference_memory_types));
	ucb_reference_memory_types[UCB_REFERENCE_MEMORY_BUFFER].size =
		buffer_size;
	driver->memory_types = ucb_reference_memory_types;
	return ucb_register_driver(driver);
}

static void __exit ucb_reference_exit(void)
{
	ucb_unregister_driver(&ucb_reference_driver);
}

module_init(ucb_reference_init);
module_exit(ucb_reference_exit);

MODULE_DESCRIPTION("ucbridge reference driver: the methods its tests call");
MODULE_AUTHOR("The ucbridge authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(UCB_REFERENCE_VERSION_STRING);
