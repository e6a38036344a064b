// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest transport: the real /dev/ucbridge of a loaded ucbridge.ko, or of
 * a test-only broken variant (ucbridge_break_<name>.ko): the device has the
 * same name, the module does not, so $UCBT_MODULE_NAME names it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ucbt_transport.h"

#define UCBT_DEVICE	"/dev/ucbridge"
#define UCBT_NOBODY	65534

const char *const ucbt_transport_name = UCBT_DEVICE;

/* Where ucbt_reload() finds ucbridge.ko: $UCBT_MODULE. */
static const char *ucbt_module_path(void)
{
	return getenv("UCBT_MODULE");
}

/* The module providing the device: $UCBT_MODULE_NAME, else ucbridge. */
static const char *ucbt_module_name(void)
{
	const char *name = getenv("UCBT_MODULE_NAME");

	return name && *name ? name : "ucbridge";
}

int ucbt_open(void)
{
	int fd = open(UCBT_DEVICE, O_RDWR | O_CLOEXEC);

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
	char param[256], text[16];
	int fd, len, err = 0;

	len = snprintf(param, sizeof(param),
		       "/sys/module/%s/parameters/max_struct_size",
		       ucbt_module_name());
	if (len < 0 || (size_t)len >= sizeof(param))
		return -ENAMETOOLONG;
	fd = open(param, O_WRONLY | O_CLOEXEC);
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
	return syscall(SYS_delete_module, ucbt_module_name(), O_NONBLOCK) ?
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
