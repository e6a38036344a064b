// SPDX-License-Identifier: GPL-2.0
/*
 * ucbridge: IOKit-style user clients for Linux drivers.
 *
 * The kernel-only glue of ucbridge.ko: the "ucbridge" device class, one
 * character device and sysfs directory per registered driver, and their
 * file operations.  Everything a call does happens in the portable dispatch
 * core (core/), which the in-process mock runs too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/compat.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "ucb_core.h"

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
#elif defined(UCB_TEST_BREAK_SHARED_LIVE)
#define UCB_TEST_BREAK_NAME	"shared_live"
#define UCB_TEST_BREAK_HARM	"lets methods read shared memory clients are writing"
#elif defined(UCB_TEST_BREAK_ASYNC_BOUND)
#define UCB_TEST_BREAK_NAME	"async_bound"
#define UCB_TEST_BREAK_HARM	"lets clients queue async calls and events without bound"
#else
#error "UCB_TEST_BUILD without a UCB_TEST_BREAK_* variant"
#endif
#define UCB_TEST_BANNER "TEST-ONLY BROKEN BUILD (" UCB_TEST_BREAK_NAME "): " \
			UCB_TEST_BREAK_HARM ", never use outside tests"
MODULE_INFO(test, "Y");
#endif

/* The most drivers registered at once: the minors ucbridge.ko reserves. */
#define UCB_MAX_DEVICES		256

static dev_t ucb_devt;

/*
 * Minor -> device, for open(): NULL while a device is being registered or
 * unregistered, so that open() finds only a working one.  Every device from
 * the start of its registration to the end of its unregistration is on
 * ucb_devices, which holds its name and minor taken meanwhile.
 */
static DEFINE_IDR(ucb_minors);
static LIST_HEAD(ucb_devices);
static DEFINE_MUTEX(ucb_minors_lock);

static struct ucb_device *ucb_dev_device(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t abi_version_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", UCB_ABI_VERSION);
}
static DEVICE_ATTR_RO(abi_version);

static ssize_t driver_version_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	u32 version = ucb_dev_device(dev)->driver->version;

	return sysfs_emit(buf, "%u.%u.%u\n", version >> 16,
			  (version >> 8) & 0xff, version & 0xff);
}
static DEVICE_ATTR_RO(driver_version);

static ssize_t method_count_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", ucb_dev_device(dev)->method_count);
}
static DEVICE_ATTR_RO(method_count);

static ssize_t max_struct_size_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  ucb_device_max_struct_size(ucb_dev_device(dev)));
}

/* The core owns the range check, so the mock enforces the same one. */
static ssize_t max_struct_size_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	unsigned int size;
	int err;

	err = kstrtouint(buf, 0, &size);
	if (!err)
		err = ucb_device_set_max_struct_size(ucb_dev_device(dev), size);
	return err ? err : count;
}
/* Root only: the mode is the check, as for a module parameter. */
static DEVICE_ATTR_RW(max_struct_size);

static struct attribute *ucb_attrs[] = {
	&dev_attr_abi_version.attr,
	&dev_attr_driver_version.attr,
	&dev_attr_method_count.attr,
	&dev_attr_max_struct_size.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ucb);

/* /dev/ucbridge/<name>, with the mode the driver asked for. */
static char *ucb_devnode(UCB_DEVNODE_CONST struct device *dev, umode_t *mode)
{
	struct ucb_device *device = dev_get_drvdata(dev);

	if (mode)
		*mode = device->driver->mode ? device->driver->mode : 0600;
	return kasprintf(GFP_KERNEL, "ucbridge/%s", dev_name(dev));
}

static struct class ucb_class = {
	.name = "ucbridge",
	.devnode = ucb_devnode,
};

static int ucb_open(struct inode *inode, struct file *file)
{
	struct ucb_device *device;
	struct ucb_client *client;
	int err;

	/* Charged to the opener's memory cgroup: one per open file. */
	client = kmalloc(sizeof(*client), GFP_KERNEL_ACCOUNT);
	if (!client)
		return -ENOMEM;
	mutex_lock(&ucb_minors_lock);
	device = idr_find(&ucb_minors, iminor(inode));
	err = device ? ucb_client_init(client, device) : -ENODEV;
	mutex_unlock(&ucb_minors_lock);
	if (err) {
		kfree(client);
		return err;
	}
	file->private_data = client;
	/* With no .llseek either, lseek() fails with ESPIPE on every kernel. */
	return nonseekable_open(inode, file);
}

static int ucb_release(struct inode *inode, struct file *file)
{
	struct ucb_client *client = file->private_data;

	ucb_client_release(client);
	kfree(client);
	return 0;
}

static long ucb_unlocked_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	return ucb_ioctl(file->private_data, cmd, (void __user *)arg);
}

/*
 * Events, whole records (see the ucbridge.h uapi header): the core never
 * sleeps, so waiting for one is here.
 */
static ssize_t ucb_read(struct file *file, char __user *buf, size_t count,
			loff_t *pos)
{
	struct ucb_client *client = file->private_data;
	long ret;

	for (;;) {
		ret = ucb_client_read_events(client, buf, count);
		if (ret != -EAGAIN || file->f_flags & O_NONBLOCK)
			return ret;
		if (wait_event_interruptible(client->events_env.wait,
					     ucb_client_events_state(client)))
			return -ERESTARTSYS;
	}
}

static __poll_t ucb_poll(struct file *file, poll_table *wait)
{
	struct ucb_client *client = file->private_data;
	u32 state;

	poll_wait(file, &client->events_env.wait, wait);
	state = ucb_client_events_state(client);
	if (state & UCB_EVENTS_READABLE)
		return EPOLLIN | EPOLLRDNORM;
	if (state & UCB_EVENTS_HANGUP)
		return EPOLLHUP | EPOLLERR;
	return 0;
}

/*
 * Map a memory type (see the ucbridge.h uapi header).  The mapping holds
 * the file, and so the client and its memory, until it goes away.
 */
static int ucb_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long offset, length = vma->vm_end - vma->vm_start;
	struct ucb_memory *memory;
	bool read_only;
	int err;

	err = ucb_client_map(file->private_data,
			     (u64)vma->vm_pgoff << PAGE_SHIFT,
			     length, vma->vm_flags & VM_SHARED,
			     vma->vm_flags & VM_WRITE, &memory, &read_only);
	if (err)
		return err;
	if (read_only)
		ucb_vm_flags_clear(vma, VM_MAYWRITE);
	ucb_vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP);
	for (offset = 0; offset < length; offset += PAGE_SIZE) {
		err = vm_insert_page(vma, vma->vm_start + offset,
				     vmalloc_to_page(memory->kaddr + offset));
		if (err)
			return err;
	}
	return 0;
}

static const struct file_operations ucb_fops = {
	.owner = THIS_MODULE,
	.open = ucb_open,
	.release = ucb_release,
	.read = ucb_read,
	.poll = ucb_poll,
	.unlocked_ioctl = ucb_unlocked_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = ucb_mmap,
};

/* Is @name taken?  Under ucb_minors_lock. */
static bool ucb_name_taken(const char *name)
{
	struct ucb_device *device;

	list_for_each_entry(device, &ucb_devices, env.node)
		if (!strcmp(device->driver->name, name))
			return true;
	return false;
}

/* Give back a device's minor and name.  Under ucb_minors_lock. */
static void ucb_release_minor(struct ucb_device *device)
{
	idr_remove(&ucb_minors, device->env.minor);
	list_del(&device->env.node);
}

/**
 * ucb_register_driver() - publish a driver's user clients
 * @driver: The driver, filled in as &struct ucb_driver says; it must stay
 *	in place and unchanged until ucb_unregister_driver() returns.
 *
 * Creates /dev/ucbridge/<name> and /sys/class/ucbridge/<name>/.  Opens of
 * the node may reach the driver's callbacks before this returns.
 *
 * Return: 0; -EINVAL for a malformed driver or method table, -EEXIST when a
 * driver of that name is registered, -ENOSPC when %UCB_MAX_DEVICES are, or
 * -ENOMEM.
 */
int ucb_register_driver(struct ucb_driver *driver)
{
	struct ucb_device *device;
	struct cdev *cdev;
	struct device *dev;
	int minor, err;

	err = ucb_device_create(driver, &device);
	if (err)
		return err;
	cdev = cdev_alloc();
	if (!cdev) {
		err = -ENOMEM;
		goto put_device;
	}
	cdev->owner = THIS_MODULE;
	cdev->ops = &ucb_fops;

	mutex_lock(&ucb_minors_lock);
	minor = ucb_name_taken(driver->name) ? -EEXIST :
		idr_alloc(&ucb_minors, NULL, 0, UCB_MAX_DEVICES, GFP_KERNEL);
	if (minor >= 0) {
		device->env.minor = minor;
		list_add(&device->env.node, &ucb_devices);
	}
	mutex_unlock(&ucb_minors_lock);
	if (minor < 0) {
		err = minor;
		goto put_cdev;
	}
	err = cdev_add(cdev, MKDEV(MAJOR(ucb_devt), minor), 1);
	if (err)
		goto remove_minor;
	dev = device_create_with_groups(&ucb_class, NULL, cdev->dev, device,
					ucb_groups, "%s", driver->name);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto del_cdev;
	}
	device->env.cdev = cdev;
	device->env.dev = dev;
	driver->device = device;
	/* Last: from here on open() finds it. */
	mutex_lock(&ucb_minors_lock);
	idr_replace(&ucb_minors, device, minor);
	mutex_unlock(&ucb_minors_lock);
	return 0;

del_cdev:
	cdev_del(cdev);
	cdev = NULL;
remove_minor:
	mutex_lock(&ucb_minors_lock);
	ucb_release_minor(device);
	mutex_unlock(&ucb_minors_lock);
put_cdev:
	if (cdev)
		kobject_put(&cdev->kobj);
put_device:
	ucb_device_put(device);
	return err;
}
EXPORT_SYMBOL_GPL(ucb_register_driver);

/**
 * ucb_unregister_driver() - withdraw a driver, with clients open or not
 * @driver: A driver that ucb_register_driver() accepted.
 *
 * Removes the node and the sysfs directory, refuses every later ioctl of
 * the driver's clients with -ENODEV, waits for the calls running, and calls
 * @driver->close for each client the driver opened.  When it returns
 * ucbridge holds no pointer into @driver or its module.  May sleep.
 */
void ucb_unregister_driver(struct ucb_driver *driver)
{
	struct ucb_device *device = driver->device;

	/* From here on open() finds nothing; the name stays taken. */
	mutex_lock(&ucb_minors_lock);
	idr_replace(&ucb_minors, NULL, device->env.minor);
	mutex_unlock(&ucb_minors_lock);
	/* Waits for sysfs readers, which look at the driver. */
	device_destroy(&ucb_class, device->env.cdev->dev);
	cdev_del(device->env.cdev);
	ucb_device_shutdown(device);
	mutex_lock(&ucb_minors_lock);
	ucb_release_minor(device);
	mutex_unlock(&ucb_minors_lock);
	driver->device = NULL;
	ucb_device_put(device);
}
EXPORT_SYMBOL_GPL(ucb_unregister_driver);

static int __init ucbridge_init(void)
{
	int err;

#ifdef UCB_TEST_BUILD
	pr_crit(UCB_TEST_BANNER "\n");
#endif
	err = alloc_chrdev_region(&ucb_devt, 0, UCB_MAX_DEVICES, "ucbridge");
	if (err)
		return err;
	err = class_register(&ucb_class);
	if (err)
		goto unregister_region;
	return 0;

unregister_region:
	unregister_chrdev_region(ucb_devt, UCB_MAX_DEVICES);
	return err;
}

static void __exit ucbridge_exit(void)
{
	/* No driver is registered: each holds a reference on this module. */
	class_unregister(&ucb_class);
	unregister_chrdev_region(ucb_devt, UCB_MAX_DEVICES);
	idr_destroy(&ucb_minors);
}

module_init(ucbridge_init);
module_exit(ucbridge_exit);

#ifdef UCB_TEST_BUILD
MODULE_DESCRIPTION(UCB_TEST_BANNER);
#else
MODULE_DESCRIPTION("IOKit-style user clients for Linux drivers");
#endif
MODULE_AUTHOR("The ucbridge authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(UCB_VERSION_STRING);
