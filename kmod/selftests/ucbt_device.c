// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest transport: the real /dev/ucbridge of a loaded ucbridge.ko.
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
#define UCBT_PARAM	"/sys/module/ucbridge/parameters/max_struct_size"
#define UCBT_NOBODY	65534

const char *const ucbt_transport_name = UCBT_DEVICE;

/* Where ucbt_reload() finds ucbridge.ko: $UCBT_MODULE. */
static const char *ucbt_module_path(void)
{
	return getenv("UCBT_MODULE");
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
	return syscall(SYS_delete_module, "ucbridge", O_NONBLOCK) ? -errno : 0;
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
