// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest transport: the real /dev/ucbridge/reference of a loaded
 * ucbridge_reference.ko.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64	/* memory type offsets need a 64-bit off_t */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uapi/linux/ucbridge_reference.h>

#include "ucbt_transport.h"

#define UCBT_DEVICE	"/dev/ucbridge/" UCB_REFERENCE_NAME
#define UCBT_PARAM	"/sys/class/ucbridge/" UCB_REFERENCE_NAME "/max_struct_size"
#define UCBT_NOBODY	65534

const char *const ucbt_transport_name = UCBT_DEVICE;

/*
 * The modules under test: the reference driver's, which $UCBT_MODULE names
 * the file of for ucbt_reload(), and the framework's, ucbridge.ko unless
 * $UCBT_CORE_MODULE names a test build of it.
 */
static const char *ucbt_module_path(void)
{
	return getenv("UCBT_MODULE");
}

static const char *ucbt_core_module(void)
{
	const char *name = getenv("UCBT_CORE_MODULE");

	return name ? name : "ucbridge";
}

int ucbt_open(void)
{
	int fd = open(UCBT_DEVICE, O_RDWR | O_CLOEXEC | O_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

void ucbt_close(int handle)
{
	close(handle);
}

int ucbt_ioctl(int handle, unsigned long cmd, void *arg)
{
	return ioctl(handle, cmd, arg) ? -errno : 0;
}

long ucbt_read(int handle, void *buf, size_t count)
{
	ssize_t n = read(handle, buf, count);

	return n < 0 ? -errno : n;
}

int ucbt_poll(int handle, int timeout_ms)
{
	struct pollfd p = { .fd = handle, .events = POLLIN };
	int n = poll(&p, 1, timeout_ms);

	return n < 0 ? -errno : n ? p.revents : 0;
}

void *ucbt_mmap(int handle, size_t length, int prot, int flags,
		__u64 offset, int *err)
{
	void *p = mmap(NULL, length, prot, flags, handle, (off_t)offset);

	*err = p == MAP_FAILED ? -errno : 0;
	return p == MAP_FAILED ? NULL : p;
}

int ucbt_run_unprivileged(int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(UCBT_NOBODY) ||
		    setuid(UCBT_NOBODY)) {
			perror("dropping privileges");
			_exit(125);
		}
		_exit(fn() ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 125)
		return -ECHILD;
	return WEXITSTATUS(status);
}

int ucbt_set_max_struct_size(__u32 size)
{
	char text[16];
	int fd, len, err = 0;

	fd = open(UCBT_PARAM, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(text, sizeof(text), "%u", size);
	if (write(fd, text, (size_t)len) != len)
		err = -errno;
	close(fd);
	return err;
}

int ucbt_unload(void)
{
	return syscall(SYS_delete_module, "ucbridge_reference", O_NONBLOCK) ?
	       -errno : 0;
}

int ucbt_unload_core(void)
{
	return syscall(SYS_delete_module, ucbt_core_module(), O_NONBLOCK) ?
	       -errno : 0;
}

int ucbt_reload(void)
{
	const char *path = ucbt_module_path();
	int fd, err = 0;

	if (!path)
		return -EOPNOTSUPP;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = -errno;
	close(fd);
	return err;
}

/* MemTotal - MemFree: what the kernel and every process hold right now. */
long long ucbt_memory_in_use(void)
{
	long long total = -1, free = -1, kib;
	char line[128];
	FILE *meminfo = fopen("/proc/meminfo", "re");

	if (!meminfo)
		return -1;
	while (fgets(line, sizeof(line), meminfo)) {
		if (sscanf(line, "MemTotal: %lld kB", &kib) == 1)
			total = kib;
		else if (sscanf(line, "MemFree: %lld kB", &kib) == 1)
			free = kib;
	}
	fclose(meminfo);
	return total < 0 || free < 0 ? -1 : (total - free) * 1024;
}
