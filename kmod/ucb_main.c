// SPDX-License-Identifier: GPL-2.0
/*
 * ucbridge: IOKit-style user-client method calls for Linux.
 *
 * The kernel-only glue: module parameters, the /dev/ucbridge misc device and
 * its file operations.  Everything a call does happens in the portable
 * dispatch core (core/), which the in-process mock runs too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "ucb_core.h"
#include "ucb_reference.h"

/*
 * A test-only broken variant (UCB_TEST_BREAK in Kbuild) must never pass for
 * the real module: modinfo shows "test: Y", the kernel taints itself with
 * TAINT_TEST when it loads one, and ucbridge_init() says what it is.
 */
#ifdef UCB_TEST_BUILD
#if defined(UCB_TEST_BREAK_COPY_ONCE)
#define UCB_TEST_BREAK_NAME	"copy_once"
#define UCB_TEST_BREAK_HARM	"reads its inputs from the caller's live memory"
#elif defined(UCB_TEST_BREAK_ZEROING)
#define UCB_TEST_BREAK_NAME	"zeroing"
#define UCB_TEST_BREAK_HARM	"leaks kernel memory to callers"
#elif defined(UCB_TEST_BREAK_FREE)
#define UCB_TEST_BREAK_NAME	"free"
#define UCB_TEST_BREAK_HARM	"leaks kernel memory on failed calls"
#elif defined(UCB_TEST_BREAK_CACHE)
#define UCB_TEST_BREAK_NAME	"cache"
#define UCB_TEST_BREAK_HARM	"pins kernel memory without bound in idle connections"
#else
#error "UCB_TEST_BUILD without a UCB_TEST_BREAK_* variant"
#endif
#define UCB_TEST_BANNER "TEST-ONLY BROKEN BUILD (" UCB_TEST_BREAK_NAME "): " \
			UCB_TEST_BREAK_HARM ", never use outside tests"
MODULE_INFO(test, "Y");
#endif

/* Module parameters are parsed before ucbridge_init() runs. */
static struct ucb_driver ucbridge_driver = {
	.max_struct_size = UCB_REFERENCE_DEFAULT_MAX_STRUCT_SIZE,
};

/* The core owns the range check, so the mock enforces the same one. */
static int max_struct_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned int size;
	int err;

	err = kstrtouint(val, 0, &size);
	if (err)
		return err;
	return ucb_driver_set_max_struct_size(&ucbridge_driver, size);
}

static const struct kernel_param_ops max_struct_size_ops = {
	.set = max_struct_size_set,
	.get = param_get_uint,
};

/* The core reads it once per call with READ_ONCE(), so it may change live. */
module_param_cb(max_struct_size, &max_struct_size_ops,
		&ucbridge_driver.max_struct_size, 0644);
MODULE_PARM_DESC(max_struct_size,
		 "Largest variable struct input or output in bytes, 4096 to 67108864 (default 1048576)");

static int ucbridge_open(struct inode *inode, struct file *file)
{
	struct ucb_client *client;
	int err;

	/* Charged to the opener's memory cgroup: one per open file. */
	client = kmalloc(sizeof(*client), GFP_KERNEL_ACCOUNT);
	if (!client)
		return -ENOMEM;
	err = ucb_client_init(client, &ucbridge_driver);
	if (err) {
		kfree(client);
		return err;
	}
	file->private_data = client;
	/* With no .llseek either, lseek() fails with ESPIPE on every kernel. */
	return nonseekable_open(inode, file);
}

static int ucbridge_release(struct inode *inode, struct file *file)
{
	struct ucb_client *client = file->private_data;

	ucb_client_release(client);
	kfree(client);
	return 0;
}

static long ucbridge_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	return ucb_ioctl(file->private_data, cmd, (void __user *)arg);
}

static const struct file_operations ucbridge_fops = {
	.owner = THIS_MODULE,
	.open = ucbridge_open,
	.release = ucbridge_release,
	.unlocked_ioctl = ucbridge_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice ucbridge_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ucbridge",
	.fops = &ucbridge_fops,
	/* Unprivileged callers are welcome: privilege is checked per method. */
	.mode = 0666,
};

static int __init ucbridge_init(void)
{
	int err;

#ifdef UCB_TEST_BUILD
	pr_crit(UCB_TEST_BANNER "\n");
#endif
	err = ucb_reference_driver_init(&ucbridge_driver,
					ucbridge_driver.max_struct_size);
	if (err)
		return err;
	err = misc_register(&ucbridge_misc);
	if (err)
		goto destroy_driver;
	return 0;

destroy_driver:
	ucb_driver_destroy(&ucbridge_driver);
	return err;
}

static void __exit ucbridge_exit(void)
{
	misc_deregister(&ucbridge_misc);
	ucb_driver_destroy(&ucbridge_driver);
}

module_init(ucbridge_init);
module_exit(ucbridge_exit);

#ifdef UCB_TEST_BUILD
MODULE_DESCRIPTION(UCB_TEST_BANNER);
#else
MODULE_DESCRIPTION("IOKit-style user-client method calls over one ioctl");
#endif
MODULE_AUTHOR("The ucbridge authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(UCB_REFERENCE_VERSION_STRING);
