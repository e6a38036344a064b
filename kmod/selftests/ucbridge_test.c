// SPDX-License-Identifier: GPL-2.0
/*
 * ucbridge selftest: every reference method and every check of the dispatch
 * core, against the real /dev/ucbridge or the in-process core (see
 * ucbt_transport.h).  Output is TAP (kselftest style); the exit status is 0
 * only when every check passed.
 *
 * Six checks guard safety properties and have positive controls: built
 * against a deliberately broken core (kmod/core/ucb_test_breakage.h) they
 * must fail:
 *   "copy-once ..."                against UCB_TEST_BREAK_COPY_ONCE
 *   "no infoleak ..."              against UCB_TEST_BREAK_ZEROING
 *   "no live buffers ..."          against UCB_TEST_BREAK_FREE
 *   "bounded memory ..."           against UCB_TEST_BREAK_CACHE
 *   "shared memory: snapshot ..."  against UCB_TEST_BREAK_SHARED_LIVE
 *   "async bound: ..."             against UCB_TEST_BREAK_ASYNC_BOUND
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ucb_core.h"		/* UCB_INPUT_CACHE_MAX, the documented bound */
#include "ucb_reference.h"	/* UCB_REFERENCE_DEFAULT_BUFFER_SIZE */
#include "ucbt_lib.h"
#include "ucbt_load.h"
#include "ucbt_race.h"

/* ---- ioctl framing ------------------------------------------------ */

static void test_unknown_ioctl(int h)
{
	int dummy = 0;

	check(ucbt_ioctl(h, _IO(UCB_IOC_MAGIC, 0x7f), &dummy) == -ENOTTY,
	      "unknown ucbridge ioctl number -> ENOTTY");
	check(ucbt_ioctl(h, _IOWR('T', 0x01, int), &dummy) == -ENOTTY,
	      "foreign ioctl -> ENOTTY");
}

static void test_driver_info(int h)
{
	struct ucb_driver_info info;
	uint8_t big[sizeof(info) + 64];
	size_t len;

	check(get_driver_info(h, &info) == 0, "driver info succeeds");
	check(info.size == sizeof(info) && info.abi_version == UCB_ABI_VERSION,
	      "driver info: abi_version %u", info.abi_version);
	check(info.method_count == UCB_REFERENCE_METHOD_COUNT,
	      "driver info: method_count %u", info.method_count);
	check(info.max_scalars == UCB_MAX_SCALARS,
	      "driver info: max_scalars %u", info.max_scalars);
	check(info.struct_size_limit == UCB_STRUCT_SIZE_LIMIT &&
	      info.max_struct_size >= PAGE &&
	      info.max_struct_size <= UCB_STRUCT_SIZE_LIMIT,
	      "driver info: max_struct_size %u, limit %u",
	      info.max_struct_size, info.struct_size_limit);
	len = strnlen(info.name, sizeof(info.name));
	check(strcmp(info.name, UCB_REFERENCE_NAME) == 0 &&
	      all_bytes(info.name + len, sizeof(info.name) - len, 0),
	      "driver info: name \"%s\", NUL padded", info.name);
	check(info.driver_version != 0, "driver info: version %#x",
	      info.driver_version);

	memset(&info, 0, sizeof(info));
	info.size = UCB_DRIVER_INFO_SIZE_VER0 - 1;
	check(ucbt_ioctl(h, UCB_IOC_DRIVER_INFO, &info) == -EINVAL,
	      "driver info: size below VER0 -> EINVAL");
	info.size = UCB_DRIVER_INFO_SIZE_VER0;
	info.flags = 1;
	check(ucbt_ioctl(h, UCB_IOC_DRIVER_INFO, &info) == -EINVAL,
	      "driver info: non-zero flags -> EINVAL");

	memset(big, 0, sizeof(big));
	((struct ucb_driver_info *)big)->size = sizeof(big);
	check(ucbt_ioctl(h, UCB_IOC_DRIVER_INFO, big) == 0 &&
	      all_bytes(big + sizeof(info), 64, 0),
	      "driver info: longer struct with zero tail accepted, tail untouched");
	big[sizeof(big) - 1] = 1;
	check(ucbt_ioctl(h, UCB_IOC_DRIVER_INFO, big) == -E2BIG,
	      "driver info: longer struct with non-zero tail -> E2BIG");
	check(ucbt_ioctl(h, UCB_IOC_DRIVER_INFO, NULL) == -EFAULT,
	      "driver info: NULL argument -> EFAULT");
}

struct expected_method {
	const char *name;
	__u32 scalar_in_count, struct_in_size;
	__u32 scalar_out_count, struct_out_size;
	__u32 flags;
};

#define VAR UCB_VARIABLE_SIZE

static const struct expected_method expected_methods[] = {
	[UCB_SEL_NOOP] = { "noop", 0, 0, 0, 0, 0 },
	[UCB_SEL_ADD] = { "add", 2, 0, 1, 0, 0 },
	[UCB_SEL_ECHO] = { "echo", 0, VAR, 0, VAR, 0 },
	[UCB_SEL_CHECKSUM] = { "checksum", 0, VAR, 2, 0, 0 },
	[UCB_SEL_PATH_INFO] = { "pathInfo", 0, VAR, 4, 0, 0 },
	[UCB_SEL_FIXED_TRANSFORM] = { "fixedTransform", 0, 24, 0, 24, 0 },
	[UCB_SEL_CONSISTENCY] = { "consistency", VAR, VAR, 1, 0, 0 },
	[UCB_SEL_RESET_STATS] = { "resetStats", 0, 0, 0, 0,
				  UCB_METHOD_FLAG_ADMIN },
	[UCB_SEL_GENERATE] = { "generate", 1, 0, 0, VAR, 0 },
	[UCB_SEL_SINK] = { "sink", 0, VAR, 0, 0, 0 },
	[UCB_SEL_SHARED_CHECKSUM] = { "sharedChecksum", 3, 0, 3, 0, 0 },
	[UCB_SEL_DELAYED] = { "delayed", 2, 0, 0, 0, UCB_METHOD_FLAG_ASYNC },
	[UCB_SEL_ASYNC_CHECKSUM] = { "asyncChecksum", 0, VAR, 0, 0,
				     UCB_METHOD_FLAG_ASYNC },
	[UCB_SEL_NOTIFY] = { "notify", 3, 0, 0, 0, 0 },
};

static void test_method_info(int h)
{
	__u32 max = max_struct_size(h);
	struct ucb_method_info mi;
	__u32 sel;
	int err;

	/* A method added to the ABI header but not here fails this. */
	check(ARRAY_SIZE(expected_methods) == UCB_REFERENCE_METHOD_COUNT,
	      "method info: the selftest expects all %u reference methods",
	      UCB_REFERENCE_METHOD_COUNT);
	for (sel = 0; sel < ARRAY_SIZE(expected_methods); sel++) {
		const struct expected_method *e = &expected_methods[sel];
		__u32 in_max, out_max;

		in_max = e->struct_in_size != VAR ? e->struct_in_size :
			 sel == UCB_SEL_PATH_INFO ? UCB_PATH_INFO_MAX : max;
		out_max = e->struct_out_size != VAR ? e->struct_out_size : max;
		/* Before check(): its arguments are read in no set order. */
		err = get_method_info(h, sel, &mi);
		check(err == 0 && mi.selector == sel && strcmp(mi.name, e->name) == 0 &&
		      mi.scalar_in_count == e->scalar_in_count &&
		      mi.struct_in_size == e->struct_in_size &&
		      mi.scalar_out_count == e->scalar_out_count &&
		      mi.struct_out_size == e->struct_out_size &&
		      mi.method_flags == e->flags &&
		      mi.struct_in_max == in_max &&
		      mi.struct_out_max == out_max,
		      "method info %u: %s (%#x %#x %#x %#x, max %u/%u, flags %u)",
		      sel, mi.name, mi.scalar_in_count, mi.struct_in_size,
		      mi.scalar_out_count, mi.struct_out_size,
		      mi.struct_in_max, mi.struct_out_max, mi.method_flags);
	}
	check(get_method_info(h, UCB_REFERENCE_METHOD_COUNT, &mi) == -ENOENT,
	      "method info: selector == method_count -> ENOENT");
	check(get_method_info(h, 0xffffffff, &mi) == -ENOENT,
	      "method info: selector 0xffffffff -> ENOENT");
	memset(&mi, 0, sizeof(mi));
	mi.size = sizeof(mi);
	mi.flags = 0x80000000;
	check(ucbt_ioctl(h, UCB_IOC_METHOD_INFO, &mi) == -EINVAL,
	      "method info: non-zero flags -> EINVAL");
	mi.flags = 0;
	mi.size = UCB_METHOD_INFO_SIZE_VER0 - 4;
	check(ucbt_ioctl(h, UCB_IOC_METHOD_INFO, &mi) == -EINVAL,
	      "method info: size below VER0 -> EINVAL");
}

static void test_call_header(int h)
{
	uint8_t raw[sizeof(struct ucb_call) + 64];
	struct ucb_call *uc = (struct ucb_call *)raw;
	uint8_t *pages = guarded_pages();
	struct ucb_call before;

	memset(raw, 0, sizeof(raw));
	uc->size = sizeof(*uc);
	uc->selector = UCB_SEL_NOOP;
	uc->result = 0x12345678;
	before = *uc;
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == 0 &&
	      uc->result == UCB_IORETURN_SUCCESS,
	      "call: noop with exact size succeeds");
	before.result = UCB_IORETURN_SUCCESS;
	check(memcmp(&before, uc, sizeof(before)) == 0,
	      "call: only result and the output counts are written back");

	uc->size = 0;
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == -EINVAL, "call: size 0 -> EINVAL");
	uc->size = UCB_CALL_SIZE_VER0 - 1;
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == -EINVAL,
	      "call: size VER0-1 -> EINVAL");
	uc->size = sizeof(raw);
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == 0 &&
	      uc->result == UCB_IORETURN_SUCCESS,
	      "call: longer struct with zero tail accepted");
	raw[sizeof(raw) - 1] = 0x01;
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == -E2BIG,
	      "call: longer struct with non-zero tail -> E2BIG");
	raw[sizeof(raw) - 1] = 0;
	raw[sizeof(*uc)] = 0x80;
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == -E2BIG,
	      "call: first byte past the struct non-zero -> E2BIG");
	raw[sizeof(*uc)] = 0;
	uc->size = 4097;
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == -E2BIG,
	      "call: size 4097 -> E2BIG");
	uc->size = 0xffffffff;
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == -E2BIG,
	      "call: size 0xffffffff -> E2BIG");

	uc->size = sizeof(*uc);
	uc->flags = 1;
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == -EINVAL,
	      "call: flags 1 -> EINVAL");
	uc->flags = 0x80000000;
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == -EINVAL,
	      "call: flags 0x80000000 -> EINVAL");
	uc->flags = 0;
	uc->scalar_in_count = UCB_MAX_SCALARS + 1;
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == -EINVAL,
	      "call: scalar_in_count 17 -> EINVAL");
	uc->scalar_in_count = 0;
	uc->scalar_out_count = UCB_MAX_SCALARS + 1;
	check(ucbt_ioctl(h, UCB_IOC_CALL, uc) == -EINVAL,
	      "call: scalar_out_count 17 -> EINVAL");
	uc->scalar_out_count = 0;

	check(ucbt_ioctl(h, UCB_IOC_CALL, NULL) == -EFAULT,
	      "call: NULL header -> EFAULT");
	check(ucbt_ioctl(h, UCB_IOC_CALL, pages + 2 * PAGE) == -EFAULT,
	      "call: inaccessible header -> EFAULT");
	memcpy(pages + 2 * PAGE - 32, uc, 32);
	check(ucbt_ioctl(h, UCB_IOC_CALL, pages + 2 * PAGE - 32) == -EFAULT,
	      "call: header straddling into an inaccessible page -> EFAULT");
	/* compat_ptr() cuts a 32-bit caller's argument to 32 bits. */
	if (sizeof(void *) == 4)
		skip("a 32-bit argument cannot be a kernel address",
		     "call: kernel-address header -> EFAULT");
	else
		check(ucbt_ioctl(h, UCB_IOC_CALL, KERNEL_ADDRESS) == -EFAULT,
		      "call: kernel-address header -> EFAULT");
	memcpy(pages + 1, uc, sizeof(*uc));
	check(ucbt_ioctl(h, UCB_IOC_CALL, pages + 1) == 0,
	      "call: misaligned header works");
	munmap(pages, 3 * PAGE);
}

static void test_selectors(int h)
{
	static const __u32 bad[] = { UCB_REFERENCE_METHOD_COUNT, 0x100,
				     0x7fffffff, 0xffffffff };
	__u64 out[1] = { 0x1111 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct call c = { .selector = bad[i], .scalar_out = out,
				  .scalar_out_count = 1 };

		check(do_call(h, &c) == 0 &&
		      c.result == UCB_IORETURN_UNSUPPORTED &&
		      c.scalar_out_count == 0 && out[0] == 0x1111,
		      "selector %#x -> kIOReturnUnsupported, counts 0", bad[i]);
	}
}

/* ---- the four checks, per method ---------------------------------- */

struct shape {
	__u32 scalar_in_count, struct_in_size;
	__u32 scalar_out_count, struct_out_size;
};

static __u32 call_shape(int h, __u32 sel, const struct shape *s)
{
	static __u64 scalars_in[UCB_MAX_SCALARS], scalars_out[UCB_MAX_SCALARS];
	static uint8_t in[64], out[64];
	struct call c = {
		.selector = sel,
		.scalar_in = scalars_in, .scalar_in_count = s->scalar_in_count,
		.struct_in = in, .struct_in_size = s->struct_in_size,
		.scalar_out = scalars_out,
		.scalar_out_count = s->scalar_out_count,
		.struct_out = out, .struct_out_size = s->struct_out_size,
	};

	memset(in, 'a', sizeof(in));
	return call_result(h, &c);
}

/* Every fixed count or size off by one either way must be refused. */
static void test_fixed_checks(int h)
{
	static const struct { __u32 sel; struct shape ok; } methods[] = {
		{ UCB_SEL_NOOP, { 0, 0, 0, 0 } },
		{ UCB_SEL_ADD, { 2, 0, 1, 0 } },
		{ UCB_SEL_CHECKSUM, { 0, 8, 2, 0 } },
		{ UCB_SEL_PATH_INFO, { 0, 1, 4, 0 } },
		{ UCB_SEL_FIXED_TRANSFORM, { 0, 24, 0, 24 } },
		{ UCB_SEL_CONSISTENCY, { 0, 8, 1, 0 } },
		{ UCB_SEL_RESET_STATS, { 0, 0, 0, 0 } },
		{ UCB_SEL_GENERATE, { 1, 0, 0, 8 } },
		{ UCB_SEL_SINK, { 0, 8, 0, 0 } },
		{ UCB_SEL_ECHO, { 0, 8, 0, 8 } },
		{ UCB_SEL_NOTIFY, { 3, 0, 0, 0 } },	/* 0 notifications */
	};
	size_t i, field;

	for (i = 0; i < ARRAY_SIZE(methods); i++) {
		const struct expected_method *e = &expected_methods[methods[i].sel];
		__u32 want[4] = { e->scalar_in_count, e->struct_in_size,
				  e->scalar_out_count, e->struct_out_size };
		static const char *const names[4] = {
			"scalar_in_count", "struct_in_size",
			"scalar_out_count", "struct_out_size" };

		check(call_shape(h, methods[i].sel, &methods[i].ok) ==
		      UCB_IORETURN_SUCCESS, "%s: valid shape succeeds", e->name);
		for (field = 0; field < 4; field++) {
			struct shape s = methods[i].ok;
			__u32 *value = (__u32 *)&s + field;
			int delta;

			if (want[field] == VAR)
				continue;
			for (delta = -1; delta <= 1; delta += 2) {
				if (want[field] == 0 && delta < 0)
					continue;
				*value = want[field] + (__u32)delta;
				check(call_shape(h, methods[i].sel, &s) ==
				      UCB_IORETURN_BAD_ARGUMENT,
				      "%s: %s %u (want %u) -> kIOReturnBadArgument",
				      e->name, names[field], *value,
				      want[field]);
			}
		}
	}
}

/* ---- methods ------------------------------------------------------ */

static void test_noop_add(int h)
{
	__u64 in[2] = { 40, 2 }, out[1] = { 0 };
	struct call c = { .selector = UCB_SEL_NOOP };

	check(call_result(h, &c) == UCB_IORETURN_SUCCESS &&
	      c.scalar_out_count == 0 && c.struct_out_size == 0,
	      "noop succeeds with nothing out");

	c = (struct call){ .selector = UCB_SEL_ADD, .scalar_in = in,
			   .scalar_in_count = 2, .scalar_out = out,
			   .scalar_out_count = 1 };
	check(call_result(h, &c) == UCB_IORETURN_SUCCESS && out[0] == 42 &&
	      c.scalar_out_count == 1, "add 40 + 2 = %llu",
	      (unsigned long long)out[0]);
	in[0] = UINT64_MAX;
	in[1] = 3;
	c.scalar_out_count = 1;
	check(call_result(h, &c) == UCB_IORETURN_SUCCESS && out[0] == 2,
	      "add wraps: UINT64_MAX + 3 = %llu", (unsigned long long)out[0]);
}

/* The sizes the issue calls out around page and crossover boundaries. */
static const __u32 boundary_sizes[] = {
	0, 1, 4095, 4096, 4097, 8191, 8192, 8193, 65536, MIB,
};

static void test_echo_size(int h, __u32 size, __u32 max)
{
	uint8_t *in = xmalloc(size + 1), *out = xmalloc(size + 16);
	struct call c = { .selector = UCB_SEL_ECHO, .struct_in = in,
			  .struct_in_size = size, .struct_out = out,
			  .struct_out_size = size + 16 };
	__u32 result;

	fill_pattern(in, size + 1, size);
	memset(out, 0xa5, size + 16);
	result = call_result(h, &c);
	if (size <= max)
		check(result == UCB_IORETURN_SUCCESS &&
		      c.struct_out_size == size &&
		      memcmp(in, out, size) == 0 &&
		      all_bytes(out + size, 16, 0xa5),
		      "echo %u bytes: same bytes back, room past them untouched",
		      size);
	else
		check(result == UCB_IORETURN_BAD_ARGUMENT &&
		      c.struct_out_size == 0 && all_bytes(out, size + 16, 0xa5),
		      "echo %u bytes (max %u) -> kIOReturnBadArgument, nothing written",
		      size, max);
	free(in);
	free(out);
}

static void test_echo(int h)
{
	__u32 max = max_struct_size(h);
	uint8_t in[5000], out[5000];
	struct call c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(boundary_sizes); i++)
		test_echo_size(h, boundary_sizes[i], max);
	test_echo_size(h, max, max);
	test_echo_size(h, max + 1, max);

	fill_pattern(in, sizeof(in), 7);
	memset(out, 0x5a, sizeof(out));
	c = (struct call){ .selector = UCB_SEL_ECHO, .struct_in = in,
			   .struct_in_size = sizeof(in), .struct_out = out,
			   .struct_out_size = sizeof(in) - 1 };
	check(call_result(h, &c) == UCB_IORETURN_OVERRUN &&
	      c.struct_out_size == 0 && all_bytes(out, sizeof(out), 0x5a),
	      "echo: room one byte short -> kIOReturnOverrun, nothing written");
}

static void test_checksum(int h)
{
	__u32 max = max_struct_size(h);
	__u64 out[2];
	struct call c;
	size_t i;

	c = (struct call){ .selector = UCB_SEL_CHECKSUM,
			   .struct_in = "123456789", .struct_in_size = 9,
			   .scalar_out = out, .scalar_out_count = 2 };
	check(call_result(h, &c) == UCB_IORETURN_SUCCESS &&
	      out[0] == 0xe3069283 && out[1] == 9,
	      "checksum(\"123456789\") = %#llx (CRC-32C check value)",
	      (unsigned long long)out[0]);

	for (i = 0; i < ARRAY_SIZE(boundary_sizes); i++) {
		__u32 size = boundary_sizes[i];
		uint8_t *in = xmalloc(size);

		fill_pattern(in, size, ~size);
		c = (struct call){ .selector = UCB_SEL_CHECKSUM,
				   .struct_in = in, .struct_in_size = size,
				   .scalar_out = out, .scalar_out_count = 2 };
		check(call_result(h, &c) == UCB_IORETURN_SUCCESS &&
		      out[0] == reference_crc32c(in, size) && out[1] == size,
		      "checksum of %u bytes matches the reference CRC-32C",
		      size);
		free(in);
	}
	c.struct_in_size = max + 1;
	c.struct_in = NULL;
	check(call_result(h, &c) == UCB_IORETURN_BAD_ARGUMENT,
	      "checksum of max+1 bytes -> kIOReturnBadArgument before any copy");
}

static __u32 path_info(int h, const void *path, __u32 len, __u64 out[4])
{
	struct call c = { .selector = UCB_SEL_PATH_INFO, .struct_in = path,
			  .struct_in_size = len, .scalar_out = out,
			  .scalar_out_count = 4 };

	memset(out, 0xff, 4 * sizeof(__u64));
	return call_result(h, &c);
}

static void test_path_info(int h)
{
	char file[] = "/tmp/ucbridge-test-XXXXXX";
	char *long_path = xmalloc(PATH_MAX + 1);
	struct stat st;
	__u64 out[4];
	int fd;

	fd = mkstemp(file);
	if (fd < 0 || write(fd, "0123456789abcdef", 16) != 16 ||
	    stat(file, &st)) {
		check(false, "pathInfo: temporary file");
		return;
	}
	close(fd);

	check(path_info(h, file, strlen(file), out) == UCB_IORETURN_SUCCESS &&
	      out[0] == 1 && out[1] == st.st_ino && out[2] == st.st_mode &&
	      out[3] == 16,
	      "pathInfo(%s): found, inode, mode %#llo, size 16", file,
	      (unsigned long long)out[2]);
	check(path_info(h, file, strlen(file) + 1, out) == UCB_IORETURN_SUCCESS &&
	      out[0] == 1 && out[1] == st.st_ino,
	      "pathInfo: a terminating NUL is accepted");
	check(path_info(h, "/", 1, out) == UCB_IORETURN_SUCCESS &&
	      out[0] == 1 && S_ISDIR(out[2]), "pathInfo(\"/\"): a directory");
	unlink(file);
	check(path_info(h, file, strlen(file), out) == UCB_IORETURN_SUCCESS &&
	      out[0] == 0 && out[1] == 0 && out[2] == 0 && out[3] == 0,
	      "pathInfo of a removed file: found 0, zeros");
	check(path_info(h, "/etc/passwd/x", 13, out) == UCB_IORETURN_SUCCESS &&
	      out[0] == 0, "pathInfo through a non-directory: found 0");
	check(path_info(h, "/tmp\0/x", 7, out) == UCB_IORETURN_BAD_ARGUMENT,
	      "pathInfo: embedded NUL -> kIOReturnBadArgument");
	check(path_info(h, "", 0, out) == UCB_IORETURN_BAD_ARGUMENT,
	      "pathInfo: empty -> kIOReturnBadArgument");
	check(path_info(h, "\0", 1, out) == UCB_IORETURN_BAD_ARGUMENT,
	      "pathInfo: only a NUL -> kIOReturnBadArgument");

	/* PATH_MAX - 1 slashes still name "/". */
	memset(long_path, '/', PATH_MAX + 1);
	long_path[PATH_MAX - 1] = '\0';
	check(path_info(h, long_path, PATH_MAX - 1, out) ==
	      UCB_IORETURN_SUCCESS && out[0] == 1 && S_ISDIR(out[2]),
	      "pathInfo: PATH_MAX-1 bytes accepted");
	check(path_info(h, long_path, PATH_MAX, out) == UCB_IORETURN_SUCCESS &&
	      out[0] == 1, "pathInfo: PATH_MAX-1 bytes + NUL accepted");
	long_path[PATH_MAX - 1] = '/';
	check(path_info(h, long_path, PATH_MAX, out) ==
	      UCB_IORETURN_BAD_ARGUMENT,
	      "pathInfo: PATH_MAX bytes without NUL -> kIOReturnBadArgument");
	check(path_info(h, long_path, PATH_MAX + 1, out) ==
	      UCB_IORETURN_BAD_ARGUMENT && out[0] == ~0ull,
	      "pathInfo: PATH_MAX+1 bytes -> kIOReturnBadArgument (over max)");
	memset(long_path, 'a', 300);
	long_path[0] = '/';
	check(path_info(h, long_path, 300, out) == UCB_IORETURN_BAD_ARGUMENT,
	      "pathInfo: 299-byte name -> kIOReturnBadArgument (ENAMETOOLONG)");
	free(long_path);
}

static void test_fixed_transform(int h)
{
	struct ucb_transform in = { .a = 1, .b = 2, .c = UINT64_MAX, .d = 5 };
	struct ucb_transform out;
	struct call c = { .selector = UCB_SEL_FIXED_TRANSFORM,
			  .struct_in = &in, .struct_in_size = sizeof(in),
			  .struct_out = &out, .struct_out_size = sizeof(out) };

	memset(&out, 0xcc, sizeof(out));
	check(sizeof(struct ucb_transform) == 24,
	      "struct ucb_transform is 24 bytes");
	check(call_result(h, &c) == UCB_IORETURN_SUCCESS &&
	      c.struct_out_size == 24 && out.a == 2 && out.b == 1 &&
	      out.c == 4 && out.d == (UINT64_MAX ^ 5),
	      "fixedTransform: swap a/b, c+d, c^d");
}

static void test_consistency(int h)
{
	uint8_t buf[10000];
	__u64 delay[2] = { 0, 0 }, out[1];
	struct call c = { .selector = UCB_SEL_CONSISTENCY, .struct_in = buf,
			  .struct_in_size = sizeof(buf), .scalar_out = out,
			  .scalar_out_count = 1 };

	fill_pattern(buf, sizeof(buf), 3);
	check(call_result(h, &c) == UCB_IORETURN_SUCCESS && out[0] == 1,
	      "consistency: default delay, stable input -> 1");
	c.scalar_in = delay;
	c.scalar_in_count = 1;
	check(call_result(h, &c) == UCB_IORETURN_SUCCESS && out[0] == 1,
	      "consistency: delay 0 -> 1");
	delay[0] = UCB_CONSISTENCY_MAX_DELAY_US + 1;
	check(call_result(h, &c) == UCB_IORETURN_BAD_ARGUMENT,
	      "consistency: delay over the maximum -> kIOReturnBadArgument");
	delay[0] = 0;
	c.scalar_in_count = 2;
	check(call_result(h, &c) == UCB_IORETURN_BAD_ARGUMENT,
	      "consistency: 2 scalars -> kIOReturnBadArgument");
}

static void test_generate(int h)
{
	static const __u32 sizes[] = { 0, 1, 4097, 65536 };
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		__u64 n = sizes[i];
		uint8_t *out = xmalloc(n + 8);
		struct call c = { .selector = UCB_SEL_GENERATE,
				  .scalar_in = &n, .scalar_in_count = 1,
				  .struct_out = out,
				  .struct_out_size = (__u32)n + 8 };
		bool ok;

		memset(out, 0xa5, n + 8);
		ok = call_result(h, &c) == UCB_IORETURN_SUCCESS &&
		     c.struct_out_size == n && all_bytes(out + n, 8, 0xa5);
		for (j = 0; ok && j < n; j++)
			ok = out[j] == UCB_GENERATE_BYTE(j);
		check(ok, "generate %llu bytes: pattern i %% 251",
		      (unsigned long long)n);

		c.struct_out_size = (__u32)n - 1;
		if (n)
			check(call_result(h, &c) == UCB_IORETURN_OVERRUN,
			      "generate %llu into one byte less -> kIOReturnOverrun",
			      (unsigned long long)n);
		free(out);
	}
	{
		__u64 n = (__u64)UCB_STRUCT_SIZE_LIMIT + 1;
		uint8_t out[16];
		struct call c = { .selector = UCB_SEL_GENERATE,
				  .scalar_in = &n, .scalar_in_count = 1,
				  .struct_out = out, .struct_out_size = 16 };

		check(call_result(h, &c) == UCB_IORETURN_BAD_ARGUMENT,
		      "generate over the struct size limit -> kIOReturnBadArgument");
	}
}

static void test_sink(int h)
{
	__u32 max = max_struct_size(h);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(boundary_sizes); i++) {
		__u32 size = boundary_sizes[i];
		uint8_t *in = xmalloc(size);
		struct call c = { .selector = UCB_SEL_SINK, .struct_in = in,
				  .struct_in_size = size };

		memset(in, 1, size);
		check(call_result(h, &c) == (size <= max ?
		      UCB_IORETURN_SUCCESS : UCB_IORETURN_BAD_ARGUMENT),
		      "sink %u bytes", size);
		free(in);
	}
}

/* ---- faults ------------------------------------------------------- */

static void test_faults(int h)
{
	uint8_t *pages = guarded_pages();
	uint8_t *end = pages + 2 * PAGE;
	__u64 scalars[2] = { 1, 2 }, out[2];
	struct call c;

	c = (struct call){ .selector = UCB_SEL_ADD, .scalar_in = NULL,
			   .scalar_in_count = 2, .scalar_out = out,
			   .scalar_out_count = 1 };
	check(do_call(h, &c) == -EFAULT, "add: NULL scalar_in -> EFAULT");
	c.scalar_in = (const __u64 *)(end - 8);
	check(do_call(h, &c) == -EFAULT,
	      "add: scalar_in straddling an inaccessible page -> EFAULT");
	c.scalar_in = scalars;
	c.scalar_out = (__u64 *)end;
	check(do_call(h, &c) == -EFAULT, "add: inaccessible scalar_out -> EFAULT");
	c.scalar_out = KERNEL_ADDRESS;
	check(do_call(h, &c) == -EFAULT,
	      "add: kernel-address scalar_out -> EFAULT");

	c = (struct call){ .selector = UCB_SEL_ECHO, .struct_in = end - 100,
			   .struct_in_size = 200, .struct_out = pages,
			   .struct_out_size = 200 };
	check(do_call(h, &c) == -EFAULT,
	      "echo: struct_in straddling an inaccessible page -> EFAULT");
	c.struct_in = KERNEL_ADDRESS;
	check(do_call(h, &c) == -EFAULT,
	      "echo: kernel-address struct_in -> EFAULT");
	c.struct_in = NULL;
	check(do_call(h, &c) == -EFAULT, "echo: NULL struct_in -> EFAULT");
	c.struct_in = pages + 3;		/* misaligned is fine */
	c.struct_out = end - 100;
	check(do_call(h, &c) == -EFAULT,
	      "echo: struct_out straddling an inaccessible page -> EFAULT");
	c.struct_in = pages;
	c.struct_in_size = 20000;
	c.struct_out = pages;
	c.struct_out_size = 20000;
	check(do_call(h, &c) == -EFAULT,
	      "echo: 20000-byte struct_in running off the mapping -> EFAULT");

	c = (struct call){ .selector = UCB_SEL_NOOP, .scalar_in = KERNEL_ADDRESS,
			   .struct_in = KERNEL_ADDRESS,
			   .scalar_out = KERNEL_ADDRESS,
			   .struct_out = KERNEL_ADDRESS };
	check(call_result(h, &c) == UCB_IORETURN_SUCCESS,
	      "noop: pointers with zero counts are never touched");
	check(live_buffers(h) == 0, "no live buffers after faulting calls");
	munmap(pages, 3 * PAGE);
}

/* ---- batches ------------------------------------------------------- */

/* A batch of @count raw entries at @ucs, for the refusal checks. */
static struct ucb_batch raw_batch(struct ucb_call *ucs, __u32 count)
{
	return (struct ucb_batch){ .size = sizeof(struct ucb_batch),
				   .count = count,
				   .call_size = sizeof(struct ucb_call),
				   .calls = (uintptr_t)ucs,
				   .completed = 0xdeadbeef };
}

static void test_batch_calls(int h)
{
	struct call calls[64], mixed[3];
	__u64 noop_calls, noop_errors, calls_after, errors_after;
	__u64 sums[3], in[4] = { 1, 2, 4, 0 };
	__u8 echo_in[3][100], echo_out[3][100];
	__u32 completed, i;
	bool all_ok = true;
	int err;

	check(do_batch(h, calls, 0, 0, &completed) == 0 && completed == 0,
	      "batch: no calls -> 0, completed 0");

	method_counters(h, UCB_SEL_NOOP, &noop_calls, &noop_errors);
	for (i = 0; i < 64; i++)
		calls[i] = (struct call){ .selector = UCB_SEL_NOOP };
	check(do_batch(h, calls, 64, 0, &completed) == 0 && completed == 64,
	      "batch: 64 noops -> completed 64");
	for (i = 0; i < 64; i++)
		all_ok &= calls[i].result == UCB_IORETURN_SUCCESS;
	check(all_ok, "batch: every noop's own result is success");
	method_counters(h, UCB_SEL_NOOP, &calls_after, &errors_after);
	check(calls_after - noop_calls == 64 && errors_after == noop_errors,
	      "batch: each entry counts as one call (%llu more)",
	      (unsigned long long)(calls_after - noop_calls));

	/* Entry 1 reads the sum entry 0 wrote: entries run in order. */
	calls[0] = (struct call){ .selector = UCB_SEL_ADD, .scalar_in = in,
				  .scalar_in_count = 2, .scalar_out = &in[2],
				  .scalar_out_count = 1 };
	calls[1] = (struct call){ .selector = UCB_SEL_ADD,
				  .scalar_in = &in[2], .scalar_in_count = 2,
				  .scalar_out = &sums[0],
				  .scalar_out_count = 1 };
	in[3] = 10;
	err = do_batch(h, calls, 2, 0, &completed);
	check(err == 0 && completed == 2 &&
	      in[2] == 3 && sums[0] == 13 && calls[1].scalar_out_count == 1,
	      "batch: an entry reads what the one before it wrote (1+2=%llu, +10=%llu)",
	      (unsigned long long)in[2], (unsigned long long)sums[0]);

	for (i = 0; i < 3; i++) {
		fill_pattern(echo_in[i], sizeof(echo_in[i]), i);
		memset(echo_out[i], 0xa5, sizeof(echo_out[i]));
		calls[i] = (struct call){ .selector = UCB_SEL_ECHO,
					  .struct_in = echo_in[i],
					  .struct_in_size = 10 + 40 * i,
					  .struct_out = echo_out[i],
					  .struct_out_size = sizeof(echo_out[i]) };
	}
	check(do_batch(h, calls, 3, 0, &completed) == 0 && completed == 3 &&
	      calls[2].struct_out_size == 90 &&
	      !memcmp(echo_in[2], echo_out[2], 90) &&
	      all_bytes(echo_out[0] + 10, 90, 0xa5),
	      "batch: echo entries write exactly their own bytes");

	for (i = 0; i < 3; i++)
		mixed[i] = (struct call){ .selector = UCB_SEL_NOOP };
	mixed[1].selector = 999;
	check(do_batch(h, mixed, 3, 0, &completed) == 0 && completed == 3 &&
	      mixed[1].result == UCB_IORETURN_UNSUPPORTED &&
	      mixed[2].result == UCB_IORETURN_SUCCESS,
	      "batch: an unknown selector fails its entry only");
	mixed[2].result = 0x5a5a5a5a;
	err = do_batch(h, mixed, 3, UCB_BATCH_STOP_ON_ERROR, &completed);
	check(err == 0 && completed == 2 && mixed[1].result == UCB_IORETURN_UNSUPPORTED &&
	      mixed[2].result == 0x5a5a5a5a,
	      "batch: UCB_BATCH_STOP_ON_ERROR stops after the failing entry (completed %u)",
	      completed);
	check(live_buffers(h) == 0, "batch: no live buffers after");
}

static void test_batch_refusals(int h)
{
	struct ucb_call ucs[3], *long_ucs;
	uint8_t *pages = guarded_pages();
	uint8_t raw[sizeof(struct ucb_batch) + 8] = { 0 };
	struct ucb_batch b, *ub = (struct ucb_batch *)raw;
	__u32 i, stride = 2 * sizeof(struct ucb_call);

	for (i = 0; i < 3; i++)
		ucs[i] = (struct ucb_call){ .size = sizeof(ucs[i]),
					    .selector = UCB_SEL_NOOP };
#define REFUSED(field_change, err, what)				\
	do {								\
		b = raw_batch(ucs, 3);					\
		field_change;						\
		check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, &b) == (err) &&	\
		      b.completed == 0xdeadbeef,			\
		      "batch: " what " -> " #err ", nothing written");	\
	} while (0)
	REFUSED(b.flags = 2, -EINVAL, "unknown flag 2");
	REFUSED(b.flags = 0x80000000, -EINVAL, "unknown flag 0x80000000");
	REFUSED(b.reserved = 1, -EINVAL, "reserved 1");
	REFUSED(b.count = UCB_BATCH_MAX_CALLS + 1, -EINVAL,
		"count UCB_BATCH_MAX_CALLS + 1");
	REFUSED(b.call_size = UCB_CALL_SIZE_VER0 - 4, -EINVAL,
		"call_size below UCB_CALL_SIZE_VER0");
	REFUSED(b.call_size = 4097, -EINVAL, "call_size 4097");
	REFUSED(b.size = UCB_BATCH_SIZE_VER0 - 1, -EINVAL,
		"size below UCB_BATCH_SIZE_VER0");
	REFUSED(b.size = 4097, -E2BIG, "size 4097");
#undef REFUSED
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, NULL) == -EFAULT,
	      "batch: NULL batch -> EFAULT");
	*ub = raw_batch(ucs, 3);
	ub->size = sizeof(raw);
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, ub) == 0 && ub->completed == 3,
	      "batch: a longer batch struct with a zero tail is accepted");
	raw[sizeof(raw) - 1] = 1;
	ub->completed = 0xdeadbeef;
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, ub) == -E2BIG &&
	      ub->completed == 0xdeadbeef,
	      "batch: a longer batch struct with a non-zero tail -> E2BIG");

	/* Errors in an entry: the batch stops there, completed says where. */
	ucs[1].size = sizeof(ucs[1]) + 8;
	b = raw_batch(ucs, 3);
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, &b) == -EINVAL &&
	      b.completed == 1 && ucs[0].result == UCB_IORETURN_SUCCESS,
	      "batch: an entry whose size is not call_size -> EINVAL, completed 1");
	ucs[1].size = sizeof(ucs[1]);
	ucs[1].flags = 1;
	ucs[2].result = 0x5a5a5a5a;
	b = raw_batch(ucs, 3);
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, &b) == -EINVAL &&
	      b.completed == 1 && ucs[2].result == 0x5a5a5a5a,
	      "batch: an entry with flags -> EINVAL, completed 1, later entries untouched");
	ucs[1].flags = 0;

	long_ucs = xmalloc(3 * stride);
	memset(long_ucs, 0, 3 * stride);
	for (i = 0; i < 3; i++)
		*(struct ucb_call *)((uint8_t *)long_ucs + i * stride) =
			(struct ucb_call){ .size = stride,
					   .selector = UCB_SEL_NOOP };
	b = raw_batch(long_ucs, 3);
	b.call_size = stride;
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, &b) == 0 && b.completed == 3,
	      "batch: entries longer than struct ucb_call with zero tails run");
	((uint8_t *)long_ucs)[2 * stride - 1] = 1;
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, &b) == -E2BIG &&
	      b.completed == 1,
	      "batch: an entry with a non-zero tail -> E2BIG, completed 1");
	free(long_ucs);

	/* Struct bytes are counted before any check of the method. */
	ucs[0].struct_in_size = 40 * MIB;
	ucs[1].struct_out_size = 30 * MIB;
	b = raw_batch(ucs, 3);
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, &b) == -E2BIG &&
	      b.completed == 1 && ucs[0].result == UCB_IORETURN_BAD_ARGUMENT,
	      "batch: struct bytes over UCB_BATCH_BYTES_MAX -> E2BIG, completed 1");
	ucs[0].struct_in_size = 0;
	ucs[1].struct_out_size = 0;

	/* Faults: the entries, an entry's own pointer, completed itself. */
	b = raw_batch((struct ucb_call *)(pages + 2 * PAGE), 1);
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, &b) == -EFAULT &&
	      b.completed == 0, "batch: inaccessible entries -> EFAULT, completed 0");
	memcpy(pages + 2 * PAGE - sizeof(ucs[0]) - 32, ucs,
	       sizeof(ucs[0]) + 32);
	b = raw_batch((struct ucb_call *)(pages + 2 * PAGE - sizeof(ucs[0]) - 32),
		      2);
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, &b) == -EFAULT &&
	      b.completed == 1,
	      "batch: second entry straddling an inaccessible page -> EFAULT, completed 1");
	ucs[1].scalar_out_count = 1;
	ucs[1].selector = UCB_SEL_ADD;
	ucs[1].scalar_in_count = 2;
	ucs[1].scalar_in = (uintptr_t)pages;
	ucs[1].scalar_out = (uintptr_t)(pages + 2 * PAGE);
	b = raw_batch(ucs, 3);
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, &b) == -EFAULT &&
	      b.completed == 1,
	      "batch: an entry whose output faults -> EFAULT, completed 1");
	ucs[1] = ucs[0];
	ub = (struct ucb_batch *)pages;
	*ub = raw_batch(ucs, 3);
	mprotect(pages, PAGE, PROT_READ);
	check(ucbt_ioctl(h, UCB_IOC_CALL_BATCH, ub) == -EFAULT &&
	      ucs[2].result == UCB_IORETURN_SUCCESS,
	      "batch: completed not writable -> EFAULT after the entries ran");
	munmap(pages, 3 * PAGE);
	check(live_buffers(h) == 0, "batch: no live buffers after refusals");
}

/* ---- shared memory ------------------------------------------------ */

#define BUFFER_OFFSET	UCB_MEMORY_OFFSET(UCB_REFERENCE_MEMORY_BUFFER)
#define STATUS_OFFSET	UCB_MEMORY_OFFSET(UCB_REFERENCE_MEMORY_STATUS)

static int memory_info(int h, __u32 type, struct ucb_memory_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->type = type;
	return ucbt_ioctl(h, UCB_IOC_MEMORY_INFO, info);
}

/* sharedChecksum of [offset, offset + length): its IOReturn. */
static __u32 shared_checksum(int h, __u64 offset, __u64 length,
			     __u64 delay, __u64 out[3])
{
	__u64 in[3] = { offset, length, delay };
	struct call c = { .selector = UCB_SEL_SHARED_CHECKSUM, .scalar_in = in,
			  .scalar_in_count = 3, .scalar_out = out,
			  .scalar_out_count = 3 };

	return call_result(h, &c);
}

/* Does a child touching @p (writing when @write) die of SIGSEGV? */
static bool child_faults(volatile __u8 *p, bool write)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (write)
			p[0] = 1;
		else
			(void)p[0];
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static void test_memory_info(int h)
{
	struct ucb_memory_info info;
	__u32 page = (__u32)sysconf(_SC_PAGESIZE);
	int err = memory_info(h, UCB_REFERENCE_MEMORY_BUFFER, &info);

	check(err == 0 && !strcmp(info.name, "buffer") && info.memory_flags == 0 &&
	      info.length == UCB_REFERENCE_DEFAULT_BUFFER_SIZE &&
	      info.offset == BUFFER_OFFSET,
	      "memory info: buffer, read-write, per client, %llu bytes at offset 0",
	      (unsigned long long)info.length);
	check(memory_info(h, UCB_REFERENCE_MEMORY_STATUS, &info) == 0 &&
	      !strcmp(info.name, "status") &&
	      info.memory_flags == UCB_MEMORY_READ_ONLY &&
	      info.length == page && info.offset == STATUS_OFFSET,
	      "memory info: status, read-only, per client, one page at 1 << 32");
	check(memory_info(h, UCB_REFERENCE_MEMORY_TYPE_COUNT, &info) == -ENOENT,
	      "memory info: an unknown type -> ENOENT");
	info.flags = 1;
	check(ucbt_ioctl(h, UCB_IOC_MEMORY_INFO, &info) == -EINVAL,
	      "memory info: flags 1 -> EINVAL");
}

static void test_shared_memory(int h)
{
	size_t size = UCB_REFERENCE_DEFAULT_BUFFER_SIZE, page = PAGE;
	struct ucb_reference_status *status;
	__u64 out[3], noops;
	struct call noop = { .selector = UCB_SEL_NOOP };
	int err, h2;
	__u8 *buf, *buf2;

	buf = ucbt_mmap(h, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			BUFFER_OFFSET, &err);
	check(buf && all_bytes(buf, size, 0),
	      "shared memory: the buffer maps read-write, zeroed (%d)", err);
	if (!buf)
		return;
	fill_pattern(buf, size, 7);
	check(shared_checksum(h, 100, 1000, 0, out) == UCB_IORETURN_SUCCESS &&
	      out[0] == reference_crc32c(buf + 100, 1000) && out[1] == 1000 &&
	      out[2] == 1,
	      "shared memory: sharedChecksum sees what the client wrote");
	check(shared_checksum(h, 0, size, 0, out) == UCB_IORETURN_SUCCESS &&
	      out[0] == reference_crc32c(buf, size),
	      "shared memory: sharedChecksum of the whole buffer");
	check(shared_checksum(h, size, 0, 0, out) == UCB_IORETURN_SUCCESS &&
	      out[1] == 0, "shared memory: an empty range at the end");
	check(shared_checksum(h, size - 10, 11, 0, out) ==
	      UCB_IORETURN_BAD_ARGUMENT,
	      "shared memory: a range one byte past the end -> kIOReturnBadArgument");
	check(shared_checksum(h, 1ULL << 63, 1ULL << 63, 0, out) ==
	      UCB_IORETURN_BAD_ARGUMENT,
	      "shared memory: offset + length overflowing 64 bits -> kIOReturnBadArgument");
	check(shared_checksum(h, 0, 1, UCB_CONSISTENCY_MAX_DELAY_US + 1, out) ==
	      UCB_IORETURN_BAD_ARGUMENT,
	      "shared memory: a delay above the maximum -> kIOReturnBadArgument");

	check(!ucbt_mmap(h, page, PROT_READ, MAP_SHARED, BUFFER_OFFSET + page,
			 &err) && err == -EINVAL,
	      "mmap: an offset inside a type -> EINVAL");
	check(!ucbt_mmap(h, page, PROT_READ, MAP_SHARED,
			 UCB_MEMORY_OFFSET(UCB_REFERENCE_MEMORY_TYPE_COUNT),
			 &err) && err == -EINVAL,
	      "mmap: an unknown type -> EINVAL");
	check(!ucbt_mmap(h, size + page, PROT_READ, MAP_SHARED, BUFFER_OFFSET,
			 &err) && err == -EINVAL,
	      "mmap: longer than the type -> EINVAL");
	check(!ucbt_mmap(h, page, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			 BUFFER_OFFSET, &err) && err == -EINVAL,
	      "mmap: a private mapping -> EINVAL");
	check(!ucbt_mmap(h, page, PROT_READ | PROT_WRITE, MAP_SHARED,
			 STATUS_OFFSET, &err) && err == -EACCES,
	      "mmap: the read-only status page writable -> EACCES");

	status = ucbt_mmap(h, page, PROT_READ, MAP_SHARED, STATUS_OFFSET, &err);
	check(status != NULL, "shared memory: the status page maps read-only");
	if (status) {
		noops = status->calls[UCB_SEL_NOOP];
		call_result(h, &noop);
		call_result(h, &noop);
		call_result(h, &noop);
		check(status->calls[UCB_SEL_NOOP] - noops == 3 &&
		      status->calls[UCB_SEL_SHARED_CHECKSUM] >= 6,
		      "shared memory: the status page counts calls, with no system call");
		check(mprotect(status, page, PROT_READ | PROT_WRITE) == -1 &&
		      errno == EACCES,
		      "shared memory: mprotect() cannot make the status page writable");
		check(child_faults((volatile __u8 *)status, true),
		      "shared memory: writing the status page kills the writer (SIGSEGV)");
		munmap(status, page);
	}
	check(child_faults(buf, false),
	      "shared memory: a child process does not inherit the mapping");

	h2 = ucbt_open();
	buf2 = h2 >= 0 ? ucbt_mmap(h2, size, PROT_READ | PROT_WRITE, MAP_SHARED,
				   BUFFER_OFFSET, &err) : NULL;
	check(buf2 && all_bytes(buf2, size, 0),
	      "shared memory: another connection has a buffer of its own");
	if (buf2) {
		memset(buf2, 0x5a, size);
		ucbt_close(h2);
		check(all_bytes(buf2, size, 0x5a),
		      "shared memory: a mapping outlives close()");
		memset(buf2, 0xa5, size);
		munmap(buf2, size);
	} else if (h2 >= 0) {
		ucbt_close(h2);
	}

	race_shared_checksum(h, buf, 256 * KIB, 300);
	check(live_buffers(h) == 0, "shared memory: no live buffers after");
	munmap(buf, size);
}

struct unmapper {
	void *p;
	size_t size;
};

static void *unmap_soon(void *arg)
{
	struct unmapper *u = arg;

	usleep(2000);
	munmap(u->p, u->size);
	return NULL;
}

/* The method works on its snapshot: munmap() meanwhile changes nothing. */
static void test_munmap_during_call(int h)
{
	struct unmapper u = { .size = UCB_REFERENCE_DEFAULT_BUFFER_SIZE };
	pthread_t thread;
	__u64 out[3];
	int err;

	u.p = ucbt_mmap(h, u.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			BUFFER_OFFSET, &err);
	if (!u.p) {
		check(false, "munmap during a call: mmap (%d)", err);
		return;
	}
	memset(u.p, 0x11, u.size);
	if (pthread_create(&thread, NULL, unmap_soon, &u)) {
		check(false, "munmap during a call: thread");
		munmap(u.p, u.size);
		return;
	}
	check(shared_checksum(h, 0, u.size, UCB_CONSISTENCY_MAX_DELAY_US, out) ==
	      UCB_IORETURN_SUCCESS && out[2] == 1,
	      "munmap during a call: the call completes on its snapshot");
	pthread_join(thread, NULL);
}

/* ---- safety properties, with positive controls -------------------- */

/*
 * copy-once: while another thread rewrites the input as fast as it can,
 * the method's two reads of it must always agree.  Against the
 * live-mapping variant they do not (ucbridge_hostile races harder).
 */
static void test_copy_once(int h)
{
	static const __u32 sizes[] = { 4096, 16384, 262144 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		race_struct_input(h, sizes[i], 300);
	race_struct_input_batched(h, 16384, 100);
}

/*
 * no infoleak: output buffers are pre-filled with a pattern; only the bytes
 * a method reports may change, on the stack path and the heap path.
 */
static void test_no_infoleak(int h)
{
	static const __u32 cases[][2] = {	/* bytes written, room */
		{ 0, 64 }, { 100, 256 }, { 100, 4096 }, { 5000, 100000 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		__u64 n = cases[i][0];
		__u32 room = cases[i][1];
		uint8_t *out = xmalloc(room);
		struct call c = { .selector = UCB_SEL_GENERATE,
				  .scalar_in = &n, .scalar_in_count = 1,
				  .struct_out = out, .struct_out_size = room };

		memset(out, 0xa5, room);
		check(call_result(h, &c) == UCB_IORETURN_SUCCESS &&
		      c.struct_out_size == n &&
		      all_bytes(out + n, room - n, 0xa5),
		      "no infoleak: generate %llu bytes into %u of room leaves the rest untouched",
		      (unsigned long long)n, room);
		free(out);
	}
	{
		uint8_t in[10] = "0123456789", out[2000];
		struct call c = { .selector = UCB_SEL_ECHO, .struct_in = in,
				  .struct_in_size = 10, .struct_out = out,
				  .struct_out_size = sizeof(out) };

		memset(out, 0xa5, sizeof(out));
		check(call_result(h, &c) == UCB_IORETURN_SUCCESS &&
		      memcmp(out, in, 10) == 0 &&
		      all_bytes(out + 10, sizeof(out) - 10, 0xa5),
		      "no infoleak: echo 10 bytes into 2000 of room");
	}
}

/* Failing calls that held heap buffers, to give a leak a chance. */
static void fail_with_heap_buffers(int h)
{
	uint8_t *in = xmalloc(20000), out[16];
	struct call c = { .selector = UCB_SEL_ECHO, .struct_in = in,
			  .struct_in_size = 20000, .struct_out = out,
			  .struct_out_size = sizeof(out) };
	int i;

	memset(in, 7, 20000);
	for (i = 0; i < 10; i++)
		call_result(h, &c);		/* kIOReturnOverrun */
	free(in);
}

static void test_no_live_buffers(int h, const char *when)
{
	__u64 live = live_buffers(h);

	check(live == 0, "no live buffers %s: %llu", when,
	      (unsigned long long)live);
}

/* ---- user-client type (UCB_IOC_OPEN) -------------------------------- */

static int open_type(int h, __u32 size, __u32 flags, __u32 type,
		     __u32 *result)
{
	struct ucb_open req = { .size = size, .flags = flags, .type = type,
				.result = 0xdeadbeef };
	int err = ucbt_ioctl(h, UCB_IOC_OPEN, &req);

	*result = req.result;
	return err;
}

static void test_user_client_type(void)
{
	struct call noop = { .selector = UCB_SEL_NOOP };
	int h = ucbt_open(), err;
	__u32 result;

	if (!check(h >= 0, "type: open a second client"))
		return;
	err = open_type(h, UCB_OPEN_SIZE_VER0 - 1, 0, 1, &result);
	check(err == -EINVAL && result == 0xdeadbeef,
	      "type: size below UCB_OPEN_SIZE_VER0 -> EINVAL, nothing written");
	err = open_type(h, sizeof(struct ucb_open), 1, 1, &result);
	check(err == -EINVAL && result == 0xdeadbeef,
	      "type: unknown flags -> EINVAL, nothing written");
	err = open_type(h, sizeof(struct ucb_open), 0, 7, &result);
	check(err == 0 && result == UCB_IORETURN_SUCCESS,
	      "type: the reference driver accepts type 7 (%d, %#x)", err,
	      result);
	err = open_type(h, sizeof(struct ucb_open), 0, 0, &result);
	check(err == -EBUSY && result == 0xdeadbeef,
	      "type: a second choice -> EBUSY (%d)", err);
	check(call_result(h, &noop) == UCB_IORETURN_SUCCESS,
	      "type: calls work after the choice");
	ucbt_close(h);

	h = ucbt_open();
	if (h < 0)
		return;
	call_result(h, &noop);
	err = open_type(h, sizeof(struct ucb_open), 0, 1, &result);
	check(err == -EBUSY,
	      "type: after a first call (opened with type 0) -> EBUSY (%d)",
	      err);
	ucbt_close(h);
}

/* ---- privilege and counters --------------------------------------- */

static int unprivileged_calls(void)
{
	__u64 in[2] = { 2, 3 }, out[1];
	struct call c = { .selector = UCB_SEL_RESET_STATS };
	int h = ucbt_open(), bad = 0;

	if (!check(h >= 0, "unprivileged: open succeeds (mode 0666)"))
		return 1;
	bad += !check(call_result(h, &c) == UCB_IORETURN_NOT_PRIVILEGED &&
		      c.scalar_out_count == 0 && c.struct_out_size == 0,
		      "unprivileged: resetStats -> kIOReturnNotPrivileged");
	c = (struct call){ .selector = UCB_SEL_NOOP };
	bad += !check(call_result(h, &c) == UCB_IORETURN_SUCCESS,
		      "unprivileged: noop still succeeds");
	c = (struct call){ .selector = UCB_SEL_ADD, .scalar_in = in,
			   .scalar_in_count = 2, .scalar_out = out,
			   .scalar_out_count = 1 };
	bad += !check(call_result(h, &c) == UCB_IORETURN_SUCCESS &&
		      out[0] == 5, "unprivileged: add still succeeds");
	ucbt_close(h);
	return bad;
}

static void test_privilege_and_counters(int h)
{
	struct call c = { .selector = UCB_SEL_RESET_STATS };
	struct ucb_call *header;
	__u64 calls, errors;
	int i, err = 0;

	check(call_result(h, &c) == UCB_IORETURN_SUCCESS,
	      "privileged: resetStats succeeds");
	method_counters(h, UCB_SEL_RESET_STATS, &calls, &errors);
	check(calls == 1 && errors == 0,
	      "resetStats counts itself after the reset: %llu calls",
	      (unsigned long long)calls);
	method_counters(h, UCB_SEL_NOOP, &calls, &errors);
	check(calls == 0 && errors == 0, "counters reset: noop %llu/%llu",
	      (unsigned long long)calls, (unsigned long long)errors);

	for (i = 0; i < 5; i++) {
		c = (struct call){ .selector = UCB_SEL_NOOP };
		call_result(h, &c);
	}
	for (i = 0; i < 3; i++) {
		__u64 junk = 1;

		c = (struct call){ .selector = UCB_SEL_NOOP,
				   .scalar_in = &junk, .scalar_in_count = 1 };
		call_result(h, &c);
	}
	method_counters(h, UCB_SEL_NOOP, &calls, &errors);
	check(calls == 8 && errors == 3,
	      "counters: 5 good + 3 refused noops -> %llu calls, %llu errors",
	      (unsigned long long)calls, (unsigned long long)errors);

	/* The method runs, then writing the result back faults. */
	header = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (header != MAP_FAILED) {
		*header = (struct ucb_call){ .size = sizeof(*header),
					     .selector = UCB_SEL_NOOP };
		mprotect(header, PAGE, PROT_READ);
		err = ucbt_ioctl(h, UCB_IOC_CALL, header);
		munmap(header, PAGE);
	}
	method_counters(h, UCB_SEL_NOOP, &calls, &errors);
	check(header != MAP_FAILED && err == -EFAULT && calls == 9 &&
	      errors == 4,
	      "read-only header: EFAULT, counted as an error (%llu/%llu)",
	      (unsigned long long)calls, (unsigned long long)errors);

	err = ucbt_run_unprivileged(unprivileged_calls);
	check(err == 0, "unprivileged caller: all checks passed (%d)", err);
	method_counters(h, UCB_SEL_RESET_STATS, &calls, &errors);
	check(calls == 2 && errors == 1,
	      "refused resetStats counted as an error: %llu/%llu",
	      (unsigned long long)calls, (unsigned long long)errors);
}

/*
 * A caller without CAP_SYS_ADMIN reads the counts of its own connection,
 * not everyone's (issue: one user could watch another's activity).
 */
static int own_connection_counters(void)
{
	__u64 junk = 1, calls, errors;
	struct call c;
	int h = ucbt_open(), i;

	if (h < 0)
		return 1;
	for (i = 0; i < 5; i++) {
		c = (struct call){ .selector = UCB_SEL_NOOP };
		if (i >= 3) {
			c.scalar_in = &junk;
			c.scalar_in_count = 1;
		}
		call_result(h, &c);
	}
	method_counters(h, UCB_SEL_NOOP, &calls, &errors);
	check(calls == 5 && errors == 2,
	      "unprivileged: method info counts this connection's calls only: %llu/%llu, want 5/2",
	      (unsigned long long)calls, (unsigned long long)errors);
	ucbt_close(h);
	return 0;
}

static void test_counter_privacy(int h)
{
	__u64 calls, errors, calls_after, errors_after;

	method_counters(h, UCB_SEL_NOOP, &calls, &errors);
	if (ucbt_run_unprivileged(own_connection_counters) < 0)
		check(false, "unprivileged: could not drop privileges");
	method_counters(h, UCB_SEL_NOOP, &calls_after, &errors_after);
	check(calls > 5 && calls_after == calls + 5 &&
	      errors_after == errors + 2,
	      "privileged: method info counts every connection: %llu/%llu -> %llu/%llu",
	      (unsigned long long)calls, (unsigned long long)errors,
	      (unsigned long long)calls_after,
	      (unsigned long long)errors_after);
}

struct refused_calls {
	atomic_bool stop;
	atomic_ulong made;	/* calls returned: each counted before */
};

/* add with one scalar: refused, so every call is a call and an error. */
static void *make_refused_calls(void *arg)
{
	struct refused_calls *rc = arg;
	__u64 one = 1;
	int h = ucbt_open();

	if (h < 0)
		return NULL;
	while (!atomic_load(&rc->stop)) {
		struct call c = { .selector = UCB_SEL_ADD, .scalar_in = &one,
				  .scalar_in_count = 1 };

		call_result(h, &c);
		atomic_fetch_add(&rc->made, 1);
	}
	ucbt_close(h);
	return NULL;
}

/*
 * Counters read while another CPU counts: never more errors than calls,
 * and a reset neither loses counts made after it nor is undone by counts
 * racing it.
 */
static void test_counters_exact(int h)
{
	struct call reset = { .selector = UCB_SEL_RESET_STATS };
	struct refused_calls rc = {};
	unsigned long before_reset = 0, after_reset = 0, total;
	__u64 calls, errors, min_calls;
	int reads, inconsistent = 0;
	pthread_t thread;

	if (!check(pthread_create(&thread, NULL, make_refused_calls, &rc) == 0,
		   "counters: a thread making refused calls starts"))
		return;
	while (atomic_load(&rc.made) < 100)
		;
	for (reads = 0; reads < 20000; reads++) {
		if (reads == 10000) {
			before_reset = atomic_load(&rc.made);
			call_result(h, &reset);
			after_reset = atomic_load(&rc.made);
		}
		method_counters(h, UCB_SEL_ADD, &calls, &errors);
		inconsistent += errors > calls;
	}
	atomic_store(&rc.stop, true);
	pthread_join(thread, NULL);
	total = atomic_load(&rc.made);
	check(inconsistent == 0,
	      "counters: 20000 reads while another thread counts: %d with errors > calls",
	      inconsistent);

	/* The reset's baseline falls between the two reads of made (+1 in flight). */
	method_counters(h, UCB_SEL_ADD, &calls, &errors);
	min_calls = total - after_reset - 1;
	check(calls == errors && calls >= min_calls &&
	      calls <= total - before_reset,
	      "counters: reset under load: %llu calls after it, want %llu to %lu",
	      (unsigned long long)calls, (unsigned long long)min_calls,
	      total - before_reset);
}

/*
 * Many idle connections of an unprivileged user, each after a call with
 * the largest input: what they hold stays within the documented bound per
 * connection (the input cache and the connection itself), not the size of
 * the inputs they once sent.
 */
#define IDLE_CONNECTIONS	128
#define IDLE_CONNECTION_BOUND	(UCB_INPUT_CACHE_MAX + 64 * KIB)

static int idle_connections(void)
{
	int handles[IDLE_CONNECTIONS], opened, refused = 0;
	long long before, held;
	uint8_t *in;
	__u32 size;

	handles[0] = ucbt_open();
	if (handles[0] < 0)
		return 1;
	size = max_struct_size(handles[0]);
	in = xmalloc(size);
	memset(in, 0x5a, size);
	before = ucbt_memory_in_use();
	for (opened = 0; opened < IDLE_CONNECTIONS; opened++) {
		struct call c = { .selector = UCB_SEL_SINK, .struct_in = in,
				  .struct_in_size = size };

		if (opened && (handles[opened] = ucbt_open()) < 0)
			break;
		refused += call_result(handles[opened], &c) !=
			   UCB_IORETURN_SUCCESS;
	}
	held = ucbt_memory_in_use() - before;
	check(opened == IDLE_CONNECTIONS && !refused &&
	      held <= (long long)IDLE_CONNECTIONS * IDLE_CONNECTION_BOUND,
	      "bounded memory: %d idle unprivileged connections after %u-byte calls hold %lld KiB, at most %u KiB each",
	      opened, size, held / KIB, IDLE_CONNECTION_BOUND / KIB);
	while (opened--)
		ucbt_close(handles[opened]);
	free(in);
	return 0;
}

static void test_idle_memory(void)
{
	if (ucbt_run_unprivileged(idle_connections) < 0)
		check(false, "bounded memory: could not drop privileges");
}

static void test_threads(int h)
{
	load_two_threads(h, 5000, true);
	load_two_threads(h, 5000, false);
}

/* ---- driver-wide maximum ------------------------------------------ */

static void test_max_struct_size(int h)
{
	__u32 initial = max_struct_size(h);
	struct ucb_method_info mi;
	int err;

	err = ucbt_set_max_struct_size(UCB_STRUCT_SIZE_LIMIT);
	if (err) {
		skip("cannot set max_struct_size", "echo at the 64 MiB limit (%d)",
		     err);
		return;
	}
	check(max_struct_size(h) == UCB_STRUCT_SIZE_LIMIT &&
	      get_method_info(h, UCB_SEL_ECHO, &mi) == 0 &&
	      mi.struct_in_max == UCB_STRUCT_SIZE_LIMIT,
	      "max_struct_size raised to 64 MiB shows in introspection");
	test_echo_size(h, UCB_STRUCT_SIZE_LIMIT, UCB_STRUCT_SIZE_LIMIT);
	test_echo_size(h, UCB_STRUCT_SIZE_LIMIT + 1, UCB_STRUCT_SIZE_LIMIT);
	check(get_method_info(h, UCB_SEL_PATH_INFO, &mi) == 0 &&
	      mi.struct_in_max == UCB_PATH_INFO_MAX,
	      "pathInfo keeps its own maximum of UCB_PATH_INFO_MAX");
	check(ucbt_set_max_struct_size(UCB_STRUCT_SIZE_LIMIT + 1) == -EINVAL,
	      "max_struct_size above the limit -> EINVAL");
	check(ucbt_set_max_struct_size(4095) == -EINVAL,
	      "max_struct_size below 4096 -> EINVAL");
	check(ucbt_set_max_struct_size(initial) == 0 &&
	      max_struct_size(h) == initial,
	      "max_struct_size restored to %u", initial);
	test_echo_size(h, initial + 1, initial);
	test_no_live_buffers(h, "after 64 MiB calls");
}

/* ---- async calls and notifications -------------------------------- */

/* Reference words that differ per call and per word. */
static void reference_words(__u64 *ref, __u64 seed)
{
	int i;

	for (i = 0; i < UCB_ASYNC_REFERENCE_WORDS; i++)
		ref[i] = seed * 0x9e3779b97f4a7c15ull +
			 (__u64)i * 0x0101010101010101ull;
}

/*
 * How long wait_events() waits for the next event: a bound against a
 * hang, never a measure (the VM runs under emulation).
 */
#define EVENT_WAIT_MS	20000

/*
 * Up to @max events into @ev, read as they come: how many, fewer when
 * none came for EVENT_WAIT_MS or the read failed (ENODEV) after some, or
 * -errno when the first read failed otherwise than with EAGAIN.
 */
static int wait_events(int h, struct ucb_event *ev, int max)
{
	int got = 0;
	long n;

	while (got < max) {
		n = ucbt_read(h, ev + got, (size_t)(max - got) * sizeof(*ev));
		if (n > 0) {
			got += (int)(n / (long)sizeof(*ev));
			continue;
		}
		if (n != -EAGAIN)
			return got ? got : (int)n;
		if (ucbt_poll(h, EVENT_WAIT_MS) <= 0)
			break;
	}
	return got;
}

/* Nothing waits: a read finds nothing and poll(2) says nothing. */
static bool no_event(int h)
{
	struct ucb_event ev;

	return ucbt_read(h, &ev, sizeof(ev)) == -EAGAIN && ucbt_poll(h, 0) == 0;
}

/*
 * Cancel @id until it is no longer pending: with a driver whose cancel
 * completes at once (the reference driver's), its completion is then
 * queued.  A call that completed anyway gives ENOENT at the first try.
 */
static bool completed(int h, __u64 id)
{
	int tries;

	for (tries = 0; tries < 10000; tries++) {
		if (cancel_call(h, id) == -ENOENT)
			return true;
		usleep(100);
	}
	return false;
}

/* @n long delayed calls, ids into @ids (may be NULL): how many accepted. */
static int submit_long(int h, int n, __u64 *ids)
{
	int i;

	for (i = 0; i < n; i++) {
		__u64 id = 0;

		if (submit_delayed(h, UCB_DELAYED_MAX_DELAY_US, (__u64)i, NULL,
				   &id) != UCB_IORETURN_SUCCESS)
			break;
		if (ids)
			ids[i] = id;
	}
	return i;
}

static bool completion_is(const struct ucb_event *ev, __u64 id, __u32 result,
			  __u32 selector, const __u64 *ref)
{
	__u64 zero[UCB_ASYNC_REFERENCE_WORDS] = {};

	return ev->type == UCB_EVENT_COMPLETION && ev->id == id &&
	       ev->result == result && ev->selector == selector &&
	       ev->flags == 0 && ev->dropped == 0 &&
	       ev->arg_count <= UCB_MAX_SCALARS &&
	       all_bytes(ev->args + ev->arg_count,
			 (UCB_MAX_SCALARS - ev->arg_count) * sizeof(__u64), 0) &&
	       memcmp(ev->reference, ref ? ref : zero, sizeof(ev->reference)) == 0;
}

static void test_async_completion(int h)
{
	__u64 ref[UCB_ASYNC_REFERENCE_WORDS], ids[16], id = 0x5a5a;
	struct ucb_event ev[16];
	int i, n, wrong = 0;
	__u32 result;

	check(no_event(h), "async: no event before any async call");
	reference_words(ref, 1);
	result = submit_delayed(h, 2000, 0x0123456789abcdefull, ref, &id);
	check(result == UCB_IORETURN_SUCCESS && id != 0 && id != 0x5a5a,
	      "async: delayed accepted (%#x), id %llu", result,
	      (unsigned long long)id);
	n = wait_events(h, ev, 1);
	check(n == 1 && completion_is(&ev[0], id, UCB_IORETURN_SUCCESS,
				      UCB_SEL_DELAYED, ref) &&
	      ev[0].arg_count == 1 && ev[0].args[0] == 0x0123456789abcdefull,
	      "async: one completion: result, value, reference words, id, selector (%d, %#x)",
	      n, n == 1 ? ev[0].result : 0);
	check(no_event(h), "async: and no second event");

	/* Several at once: each id once, each with its own words. */
	for (i = 0; i < 16; i++) {
		reference_words(ref, 100 + i);
		ids[i] = 0;
		if (submit_delayed(h, (__u64)(i % 4) * 500, 1000 + i, ref,
				   &ids[i]) != UCB_IORETURN_SUCCESS)
			wrong++;
	}
	n = wait_events(h, ev, 16);
	for (i = 0; i < n; i++) {
		int j;

		for (j = 0; j < 16 && ids[j] != ev[i].id; j++)
			;
		reference_words(ref, 100 + j);
		if (j == 16 || !completion_is(&ev[i], ids[j],
					      UCB_IORETURN_SUCCESS,
					      UCB_SEL_DELAYED, ref) ||
		    ev[i].arg_count != 1 || ev[i].args[0] != 1000u + j)
			wrong++;
		if (j < 16)
			ids[j] = 0;	/* a second completion of it is wrong */
	}
	check(n == 16 && !wrong && no_event(h),
	      "async: 16 calls in flight: 16 completions, each once with its words (%d, %d wrong)",
	      n, wrong);

	id = 0x5a5a;
	result = submit_delayed(h, UCB_DELAYED_MAX_DELAY_US + 1, 1, NULL, &id);
	check(result == UCB_IORETURN_BAD_ARGUMENT && id == 0x5a5a && no_event(h),
	      "async: delay over the maximum -> kIOReturnBadArgument, no id, no event (%#x)",
	      result);
}

static void test_async_mismatch(int h)
{
	__u64 in[2] = { 0, 7 }, out[1] = { 0 }, id = 0x5a5a;
	struct call c = { .selector = UCB_SEL_DELAYED, .scalar_in = in,
			  .scalar_in_count = 2 };
	int err;

	check(call_result(h, &c) == UCB_IORETURN_BAD_ARGUMENT && no_event(h),
	      "async: delayed by UCB_IOC_CALL -> kIOReturnBadArgument, no event");
	c = (struct call){ .selector = UCB_SEL_ASYNC_CHECKSUM,
			   .struct_in = in, .struct_in_size = 8 };
	check(call_result(h, &c) == UCB_IORETURN_BAD_ARGUMENT && no_event(h),
	      "async: asyncChecksum by UCB_IOC_CALL -> kIOReturnBadArgument, no event");
	c = (struct call){ .selector = UCB_SEL_ADD, .scalar_in = in,
			   .scalar_in_count = 2, .scalar_out = out,
			   .scalar_out_count = 1 };
	err = do_async(h, &c, NULL, &id);
	check(err == 0 && c.result == UCB_IORETURN_BAD_ARGUMENT &&
	      c.scalar_out_count == 0 && out[0] == 0 && id == 0x5a5a &&
	      no_event(h),
	      "async: add by UCB_IOC_CALL_ASYNC -> kIOReturnBadArgument, nothing out, no id, no event (%d, %#x)",
	      err, c.result);
	c = (struct call){ .selector = UCB_REFERENCE_METHOD_COUNT };
	err = do_async(h, &c, NULL, &id);
	check(err == 0 && c.result == UCB_IORETURN_UNSUPPORTED &&
	      id == 0x5a5a && no_event(h),
	      "async: unknown selector -> kIOReturnUnsupported, no event");
	c = (struct call){ .selector = UCB_SEL_DELAYED, .scalar_in = in,
			   .scalar_in_count = 1 };
	err = do_async(h, &c, NULL, &id);
	check(err == 0 && c.result == UCB_IORETURN_BAD_ARGUMENT &&
	      id == 0x5a5a && no_event(h),
	      "async: delayed with 1 scalar -> kIOReturnBadArgument, no event");
}

/* A refused UCB_IOC_CALL_ASYNC: the errno, and no id or event after it. */
static void async_refused(int h, struct ucb_async_call *ac, int want,
			  const char *what)
{
	int err;

	ac->id = 0x5a5a;
	err = ucbt_ioctl(h, UCB_IOC_CALL_ASYNC, ac);
	check(err == want && ac->id == 0x5a5a && no_event(h),
	      "async: %s -> %s, no id, no event (%d)", what,
	      strerror(-want), err);
}

static void test_async_refusals(int h)
{
	__u64 in[2] = { 0, 1 };
	struct ucb_call uc = { .size = sizeof(uc), .selector = UCB_SEL_DELAYED,
			       .scalar_in_count = 2,
			       .scalar_in = (uintptr_t)in };
	uint8_t raw[sizeof(struct ucb_async_call) + 64] = {};
	struct ucb_async_call *ac = (struct ucb_async_call *)raw;
	uint8_t *pages = guarded_pages();
	__u64 ref[UCB_ASYNC_REFERENCE_WORDS];
	struct ucb_async_call *ro;
	struct ucb_event ev;
	int err = 0;

	ac->call = (uintptr_t)&uc;
	ac->size = UCB_ASYNC_CALL_SIZE_VER0 - 1;
	async_refused(h, ac, -EINVAL, "size below VER0");
	ac->size = 4097;
	async_refused(h, ac, -E2BIG, "size 4097");
	ac->size = sizeof(raw);
	raw[sizeof(raw) - 1] = 1;
	async_refused(h, ac, -E2BIG, "longer struct with non-zero tail");
	raw[sizeof(raw) - 1] = 0;
	ac->size = sizeof(*ac);
	ac->flags = 1;
	async_refused(h, ac, -EINVAL, "flags 1");
	ac->flags = 0;
	ac->call = 0;
	async_refused(h, ac, -EFAULT, "NULL call pointer");
	ac->call = (uintptr_t)(pages + 2 * PAGE);
	async_refused(h, ac, -EFAULT, "inaccessible call");
	if (sizeof(void *) == 8) {
		ac->call = KERNEL_ADDRESS_64;
		async_refused(h, ac, -EFAULT, "kernel-address call");
	}
	ac->call = (uintptr_t)&uc;
	uc.size = UCB_CALL_SIZE_VER0 - 1;
	async_refused(h, ac, -EINVAL, "call size below VER0");
	uc.size = sizeof(uc);
	uc.flags = 1;
	async_refused(h, ac, -EINVAL, "call flags 1");
	uc.flags = 0;
	uc.scalar_in_count = UCB_MAX_SCALARS + 1;
	async_refused(h, ac, -EINVAL, "call scalar_in_count 17");
	uc.scalar_in_count = 2;
	uc.scalar_in = (uintptr_t)(pages + 2 * PAGE - 8);
	async_refused(h, ac, -EFAULT, "scalars straddling an inaccessible page");
	uc.scalar_in = (uintptr_t)in;
	check(ucbt_ioctl(h, UCB_IOC_CALL_ASYNC, NULL) == -EFAULT && no_event(h),
	      "async: NULL argument -> EFAULT, no event");

	/*
	 * The id is written back last, once the call was accepted: when that
	 * faults the call runs all the same, and its completion, known by
	 * its reference words, still comes.
	 */
	ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro != MAP_FAILED) {
		reference_words(ref, 33);
		*ro = (struct ucb_async_call){ .size = sizeof(*ro),
					       .call = (uintptr_t)&uc };
		memcpy(ro->reference, ref, sizeof(ref));
		mprotect(ro, PAGE, PROT_READ);
		err = ucbt_ioctl(h, UCB_IOC_CALL_ASYNC, ro);
		munmap(ro, PAGE);
	}
	check(ro != MAP_FAILED && err == -EFAULT &&
	      uc.result == UCB_IORETURN_SUCCESS &&
	      wait_events(h, &ev, 1) == 1 &&
	      ev.type == UCB_EVENT_COMPLETION &&
	      memcmp(ev.reference, ref, sizeof(ref)) == 0 && no_event(h),
	      "async: read-only async struct -> EFAULT, yet accepted: its completion comes (%d)",
	      err);

	ac->size = sizeof(raw);
	ac->id = 0;
	check(ucbt_ioctl(h, UCB_IOC_CALL_ASYNC, ac) == 0 &&
	      uc.result == UCB_IORETURN_SUCCESS && ac->id != 0 &&
	      all_bytes(raw + sizeof(*ac), 64, 0) &&
	      wait_events(h, &ev, 1) == 1 && ev.id == ac->id,
	      "async: longer struct with zero tail accepted, tail untouched, one completion");
	munmap(pages, 3 * PAGE);
}

static void test_cancel(int h)
{
	uint8_t raw[sizeof(struct ucb_cancel) + 8] = {};
	struct ucb_cancel *cancel = (struct ucb_cancel *)raw;
	__u64 ref[UCB_ASYNC_REFERENCE_WORDS], id = 0;
	struct ucb_event ev;
	int err;

	reference_words(ref, 7);
	check(submit_delayed(h, UCB_DELAYED_MAX_DELAY_US, 1, ref, &id) ==
	      UCB_IORETURN_SUCCESS, "cancel: a 10 s delayed call accepted");
	cancel->id = id;
	cancel->size = UCB_CANCEL_SIZE_VER0 - 1;
	check(ucbt_ioctl(h, UCB_IOC_CANCEL, cancel) == -EINVAL,
	      "cancel: size below VER0 -> EINVAL");
	cancel->size = 4097;
	check(ucbt_ioctl(h, UCB_IOC_CANCEL, cancel) == -E2BIG,
	      "cancel: size 4097 -> E2BIG");
	cancel->size = sizeof(raw);
	raw[sizeof(raw) - 1] = 1;
	check(ucbt_ioctl(h, UCB_IOC_CANCEL, cancel) == -E2BIG,
	      "cancel: longer struct with non-zero tail -> E2BIG");
	raw[sizeof(raw) - 1] = 0;
	cancel->size = sizeof(*cancel);
	cancel->flags = 1;
	check(ucbt_ioctl(h, UCB_IOC_CANCEL, cancel) == -EINVAL,
	      "cancel: flags 1 -> EINVAL");
	check(ucbt_ioctl(h, UCB_IOC_CANCEL, NULL) == -EFAULT,
	      "cancel: NULL argument -> EFAULT");
	check(cancel_call(h, id + 1000) == -ENOENT && cancel_call(h, 0) == -ENOENT &&
	      cancel_call(h, ~0ull) == -ENOENT,
	      "cancel: unknown ids -> ENOENT");
	check(no_event(h), "cancel: refused cancels end nothing");
	err = cancel_call(h, id);
	check(err == 0, "cancel: the pending call -> 0 (%d)", err);
	check(wait_events(h, &ev, 1) == 1 &&
	      completion_is(&ev, id, UCB_IORETURN_ABORTED, UCB_SEL_DELAYED, ref) &&
	      ev.arg_count == 0,
	      "cancel: its completion is kIOReturnAborted with its words");
	check(cancel_call(h, id) == -ENOENT && no_event(h),
	      "cancel: once read -> ENOENT, nothing more");
	id = 0;
	submit_delayed(h, 0, 2, NULL, &id);
	check(wait_events(h, &ev, 1) == 1 && ev.id == id &&
	      ev.result == UCB_IORETURN_SUCCESS && cancel_call(h, id) == -ENOENT,
	      "cancel: after completion -> ENOENT");
}

static void test_event_reads(int h)
{
	struct ucb_event ev[4];
	uint8_t *pages = guarded_pages();
	__u64 ids[3];
	long n;
	int i;

	check(ucbt_read(h, ev, sizeof(ev)) == -EAGAIN,
	      "read: none waiting -> EAGAIN");
	check(ucbt_poll(h, 0) == 0, "poll: none waiting -> no POLLIN");

	/* Three completions queued at once: cancelled long calls. */
	for (i = 0; i < 3; i++)
		submit_delayed(h, UCB_DELAYED_MAX_DELAY_US, (__u64)i, NULL,
			       &ids[i]);
	for (i = 0; i < 3; i++)
		completed(h, ids[i]);
	check(ucbt_poll(h, 0) == POLLIN, "poll: events waiting -> POLLIN");
	check(ucbt_read(h, ev, 0) == -EINVAL &&
	      ucbt_read(h, ev, sizeof(ev[0]) - 1) == -EINVAL,
	      "read: room under one record (0, %zu) -> EINVAL",
	      sizeof(ev[0]) - 1);
	check(ucbt_read(h, NULL, sizeof(ev[0])) == -EFAULT,
	      "read: NULL buffer -> EFAULT");
	check(ucbt_read(h, pages + 2 * PAGE - 8, sizeof(ev[0])) == -EFAULT,
	      "read: buffer straddling an inaccessible page -> EFAULT");
	n = ucbt_read(h, pages + 2 * PAGE - sizeof(ev[0]) - 8,
		      2 * sizeof(ev[0]));
	check(n == (long)sizeof(ev[0]) &&
	      ((struct ucb_event *)(pages + 2 * PAGE - sizeof(ev[0]) - 8))->id ==
	      ids[0],
	      "read: room for two, the second faulting -> the first only (%ld)",
	      n);
	n = ucbt_read(h, ev, sizeof(ev[0]) + sizeof(ev[0]) / 2);
	check(n == (long)sizeof(ev[0]) && ev[0].id == ids[1],
	      "read: room for one and a half -> one whole record, the next in order (%ld)",
	      n);
	n = ucbt_read(h, ev, sizeof(ev));
	check(n == (long)sizeof(ev[0]) && ev[0].id == ids[2] &&
	      ev[0].result == UCB_IORETURN_ABORTED,
	      "read: the event behind the faults is still there (%ld)", n);
	check(no_event(h), "read, poll: drained -> EAGAIN, no POLLIN");

	for (i = 0; i < 3; i++)
		submit_delayed(h, UCB_DELAYED_MAX_DELAY_US, (__u64)i, NULL,
			       &ids[i]);
	for (i = 0; i < 3; i++)
		completed(h, ids[i]);
	n = ucbt_read(h, ev, sizeof(ev));
	check(n == 3 * (long)sizeof(ev[0]) && ev[0].id == ids[0] &&
	      ev[1].id == ids[1] && ev[2].id == ids[2],
	      "read: three records in one read, in completion order (%ld)", n);
	munmap(pages, 3 * PAGE);
}

static void test_event_queue_bound(int h)
{
	int h2 = ucbt_open(), accepted;
	__u64 id = 0x5a5a, *ids = xmalloc(UCB_EVENT_QUEUE_MAX * sizeof(*ids));
	struct ucb_event ev;
	__u32 result;

	if (!check(h2 >= 0, "queue: open a second client"))
		return;
	accepted = submit_long(h2, UCB_EVENT_QUEUE_MAX, ids);
	check(accepted == UCB_EVENT_QUEUE_MAX,
	      "queue: %d of %d long calls in flight accepted", accepted,
	      UCB_EVENT_QUEUE_MAX);
	result = submit_delayed(h2, 0, 1, NULL, &id);
	check(result == UCB_IORETURN_NO_RESOURCES && id == 0x5a5a,
	      "async bound: one call past UCB_EVENT_QUEUE_MAX -> kIOReturnNoResources, no id (%#x)",
	      result);
	check(completed(h2, ids[0]) &&
	      submit_delayed(h2, 0, 1, NULL, &id) == UCB_IORETURN_NO_RESOURCES,
	      "queue: a completion not yet read still holds its room");
	check(wait_events(h2, &ev, 1) == 1 && ev.id == ids[0],
	      "queue: read the completion");
	check(submit_delayed(h2, UCB_DELAYED_MAX_DELAY_US, 1, NULL, &id) ==
	      UCB_IORETURN_SUCCESS,
	      "queue: then one more is accepted");
	check(submit_delayed(h2, 0, 1, NULL, &id) == UCB_IORETURN_NO_RESOURCES,
	      "async bound: and the next is not");
	ucbt_close(h2);
	check(live_buffers(h) == 0,
	      "close with %d calls pending: no live buffers after it (%llu)",
	      UCB_EVENT_QUEUE_MAX, (unsigned long long)live_buffers(h));
	free(ids);
}

static void test_async_checksum(int h)
{
	static const __u32 sizes[] = { 0, 1, 9, 4095, 4096, 65539, MIB };
	__u32 max = max_struct_size(h);
	uint8_t *in = xmalloc(MIB + 1);
	__u64 sync_out[2], id;
	struct ucb_event ev;
	int round, changed = 0, wrong = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct call c = { .selector = UCB_SEL_ASYNC_CHECKSUM,
				  .struct_in = in, .struct_in_size = sizes[i] };
		struct call s = { .selector = UCB_SEL_CHECKSUM, .struct_in = in,
				  .struct_in_size = sizes[i],
				  .scalar_out = sync_out,
				  .scalar_out_count = 2 };
		bool ok;
		int err;

		if (sizes[i] > max)
			continue;
		fill_pattern(in, sizes[i], sizes[i] + 3);
		if (sizes[i] == 9)
			memcpy(in, "123456789", 9);
		err = do_async(h, &c, NULL, &id);
		ok = err == 0 && c.result == UCB_IORETURN_SUCCESS &&
		     wait_events(h, &ev, 1) == 1 &&
		     completion_is(&ev, id, UCB_IORETURN_SUCCESS,
				   UCB_SEL_ASYNC_CHECKSUM, NULL) &&
		     ev.arg_count == 2 &&
		     call_result(h, &s) == UCB_IORETURN_SUCCESS &&
		     ev.args[0] == sync_out[0] && ev.args[1] == sizes[i] &&
		     ev.args[0] == reference_crc32c(in, sizes[i]);
		check(ok, "asyncChecksum %u bytes = checksum of the same bytes (%#llx)",
		      sizes[i], (unsigned long long)ev.args[0]);
	}
	/* in has room for max + 1 bytes at the default max of 1 MiB. */
	if (max <= MIB) {
		struct call c = { .selector = UCB_SEL_ASYNC_CHECKSUM,
				  .struct_in = in, .struct_in_size = max + 1 };

		id = 0x5a5a;
		check(do_async(h, &c, NULL, &id) == 0 &&
		      c.result == UCB_IORETURN_BAD_ARGUMENT && id == 0x5a5a &&
		      no_event(h),
		      "asyncChecksum of max_struct_size + 1 -> kIOReturnBadArgument, no event");
	}

	/* The input is copied in the submission: rewriting it after changes nothing. */
	for (round = 0; round < 20; round++) {
		struct call c = { .selector = UCB_SEL_ASYNC_CHECKSUM,
				  .struct_in = in, .struct_in_size = 65536 };
		__u32 crc;

		fill_pattern(in, 65536, (uint32_t)round);
		crc = reference_crc32c(in, 65536);
		if (do_async(h, &c, NULL, &id) || c.result) {
			wrong++;
			continue;
		}
		memset(in, round, 65536);
		if (wait_events(h, &ev, 1) != 1 || ev.id != id)
			wrong++;
		else
			changed += ev.args[0] != crc;
	}
	check(!wrong && !changed,
	      "copy-once: asyncChecksum input rewritten right after submission: %d of 20 checksums changed, %d lost",
	      changed, wrong);
	free(in);
}

/* A notify call: its IOReturn, or the -errno. */
static __u32 notify(int h, __u64 count, __u64 interval_us, __u64 flags)
{
	__u64 in[3] = { count, interval_us, flags };
	struct call c = { .selector = UCB_SEL_NOTIFY, .scalar_in = in,
			  .scalar_in_count = 3 };

	return call_result(h, &c);
}

static bool notification_is(const struct ucb_event *ev, __u64 index,
			    __u64 count, __u32 flags)
{
	__u64 zero[UCB_ASYNC_REFERENCE_WORDS] = {};

	return ev->type == UCB_EVENT_NOTIFICATION &&
	       ev->result == UCB_NOTIFY_MESSAGE && ev->flags == flags &&
	       ev->selector == 0 && ev->arg_count == 2 &&
	       ev->args[0] == index && ev->args[1] == count &&
	       all_bytes(ev->args + 2, (UCB_MAX_SCALARS - 2) * sizeof(__u64), 0) &&
	       memcmp(ev->reference, zero, sizeof(zero)) == 0;
}

static void test_notifications(int h)
{
	struct ucb_event ev[50];
	int h2 = ucbt_open(), n, i, wrong = 0;

	if (!check(h2 >= 0, "notify: open a second client"))
		return;
	check(notify(h2, UCB_NOTIFY_MAX_COUNT + 1, 0, 0) ==
	      UCB_IORETURN_BAD_ARGUMENT &&
	      notify(h2, 1, UCB_DELAYED_MAX_DELAY_US + 1, 0) ==
	      UCB_IORETURN_BAD_ARGUMENT &&
	      notify(h2, 1, 0, UCB_EVENT_CAN_DROP << 1) ==
	      UCB_IORETURN_BAD_ARGUMENT && no_event(h2),
	      "notify: count, interval or flags out of range -> kIOReturnBadArgument, no event");
	check(notify(h2, 0, 0, 0) == UCB_IORETURN_SUCCESS && no_event(h2),
	      "notify: 0 notifications -> none");
	check(notify(h2, 50, 100, 0) == UCB_IORETURN_SUCCESS,
	      "notify: 50 notifications, 100 us apart");
	n = wait_events(h2, ev, 50);
	for (i = 0; i < n; i++)
		wrong += !notification_is(&ev[i], (__u64)i, 50, 0) ||
			 ev[i].id != (__u64)i + 1 || ev[i].dropped;
	check(n == 50 && !wrong,
	      "notify: 50 in order, ids from 1, args [index, 50], message %#x (%d, %d wrong)",
	      UCB_NOTIFY_MESSAGE, n, wrong);
	check(notify(h2, 2, 0, UCB_EVENT_CAN_DROP) == UCB_IORETURN_SUCCESS &&
	      wait_events(h2, ev, 2) == 2 &&
	      notification_is(&ev[0], 0, 2, UCB_EVENT_CAN_DROP) &&
	      notification_is(&ev[1], 1, 2, UCB_EVENT_CAN_DROP) &&
	      ev[0].id == 51 && ev[1].id == 52,
	      "notify: a second sequence numbers on (51, 52), droppable ones say so");
	ucbt_close(h2);
}

/*
 * Droppable notifications meet a full queue: those sent while it is full
 * are dropped, and the first one delivered after says how many.
 */
static void test_notifications_dropped(int h)
{
	enum { COUNT = 200, ROOM = 300 };
	int h2 = ucbt_open(), i, n, seen = 0, wrong = 0;
	__u64 *ids = xmalloc(UCB_EVENT_QUEUE_MAX * sizeof(*ids));
	__u64 dropped = 0, last = 0, first_index = 0, first_dropped = 0;
	struct ucb_event ev[64];

	if (!check(h2 >= 0, "drop: open a second client"))
		return;
	check(submit_long(h2, UCB_EVENT_QUEUE_MAX, ids) == UCB_EVENT_QUEUE_MAX,
	      "drop: the queue filled with long calls");
	check(notify(h2, COUNT, 1000, UCB_EVENT_CAN_DROP) ==
	      UCB_IORETURN_SUCCESS,
	      "drop: %d droppable notifications, 1 ms apart", COUNT);
	usleep(50000);
	check(no_event(h2), "drop: nothing arrives while the queue is full");
	/* Room for the rest: cancelled calls, read back. */
	for (i = 0; i < ROOM; i++)
		cancel_call(h2, ids[i]);
	while (seen < COUNT && (n = wait_events(h2, ev, 1)) == 1) {
		if (ev[0].type == UCB_EVENT_COMPLETION)
			continue;
		if (!seen) {
			first_index = ev[0].args[0];
			first_dropped = ev[0].dropped;
		} else if (ev[0].args[0] <= last) {
			wrong++;
		}
		wrong += !notification_is(ev, ev[0].args[0], COUNT,
					  UCB_EVENT_CAN_DROP);
		last = ev[0].args[0];
		dropped += ev[0].dropped;
		seen++;
		if (last == COUNT - 1)
			break;
	}
	check(last == COUNT - 1 && !wrong && seen + dropped == COUNT,
	      "drop: every notification delivered or counted dropped: %d + %llu of %d (%d wrong)",
	      seen, (unsigned long long)dropped, COUNT, wrong);
	check(dropped > 0 && first_dropped == first_index,
	      "drop: the first delivered (index %llu) reports the %llu dropped before it",
	      (unsigned long long)first_index,
	      (unsigned long long)first_dropped);
	ucbt_close(h2);
	check(live_buffers(h) == 0, "drop: no live buffers after close");
	free(ids);
}

/* Notifications that may not be dropped wait for room: none is lost. */
static void test_notifications_delayed(int h)
{
	enum { COUNT = 10 };
	int h2 = ucbt_open(), i, notes = 0, completions = 0, wrong = 0;
	__u64 *ids = xmalloc(UCB_EVENT_QUEUE_MAX * sizeof(*ids));
	struct ucb_event ev;

	if (!check(h2 >= 0, "retry: open a second client"))
		return;
	check(submit_long(h2, UCB_EVENT_QUEUE_MAX, ids) == UCB_EVENT_QUEUE_MAX,
	      "retry: the queue filled with long calls");
	check(notify(h2, COUNT, 0, 0) == UCB_IORETURN_SUCCESS,
	      "retry: %d notifications that may not be dropped", COUNT);
	usleep(20000);
	check(no_event(h2), "retry: none arrives while the queue is full");
	for (i = 0; i < COUNT; i++)
		cancel_call(h2, ids[i]);
	while ((notes < COUNT || completions < COUNT) &&
	       wait_events(h2, &ev, 1) == 1) {
		if (ev.type == UCB_EVENT_COMPLETION) {
			completions++;
			continue;
		}
		wrong += !notification_is(&ev, (__u64)notes, COUNT, 0) ||
			 ev.dropped;
		notes++;
	}
	check(notes == COUNT && completions == COUNT && !wrong,
	      "retry: all %d delivered in order once there was room, none dropped (%d, %d wrong)",
	      COUNT, notes, wrong);
	ucbt_close(h2);
	check(live_buffers(h) == 0, "retry: no live buffers after close");
	free(ids);
}

static void test_close_pending(int h)
{
	int h2 = ucbt_open(), i;
	__u64 ids[8];

	if (!check(h2 >= 0, "close: open a second client"))
		return;
	check(submit_long(h2, 100, NULL) == 100,
	      "close: 100 long calls in flight");
	for (i = 0; i < 8; i++)
		submit_delayed(h2, 0, (__u64)i, NULL, &ids[i]);
	for (i = 0; i < 8; i++)
		completed(h2, ids[i]);
	check(notify(h2, 5, 0, 0) == UCB_IORETURN_SUCCESS,
	      "close: and notifications coming");
	check(live_buffers(h) > 0, "close: live buffers while they wait (%llu)",
	      (unsigned long long)live_buffers(h));
	ucbt_close(h2);
	check(live_buffers(h) == 0,
	      "close with calls pending and events unread: no live buffers after it (%llu)",
	      (unsigned long long)live_buffers(h));
}

struct closer {
	pthread_t thread;
	int rounds, failed;
};

/* Short calls, then close at once: completions race the close. */
static void *submit_and_close(void *arg)
{
	struct closer *cl = arg;
	int round, i;

	for (round = 0; round < cl->rounds; round++) {
		int h = ucbt_open();

		if (h < 0) {
			cl->failed++;
			continue;
		}
		for (i = 0; i < 32; i++) {
			__u64 id;

			if (submit_delayed(h, (__u64)(i % 8) * 250, (__u64)i,
					   NULL, &id) != UCB_IORETURN_SUCCESS)
				cl->failed++;
		}
		if (round & 1)
			notify(h, 4, 0, UCB_EVENT_CAN_DROP);
		ucbt_close(h);
	}
	return NULL;
}

static void test_completion_racing_close(int h)
{
	struct closer cl[4] = {};
	int t, failed = 0;

	for (t = 0; t < 4; t++) {
		cl[t].rounds = 50;
		pthread_create(&cl[t].thread, NULL, submit_and_close, &cl[t]);
	}
	for (t = 0; t < 4; t++) {
		pthread_join(cl[t].thread, NULL);
		failed += cl[t].failed;
	}
	check(!failed && live_buffers(h) == 0,
	      "close racing completions: 4 threads x 50 rounds of 32 short calls: %d failed, %llu live buffers",
	      failed, (unsigned long long)live_buffers(h));
}

static void test_async(int h)
{
	test_async_completion(h);
	test_async_mismatch(h);
	test_async_refusals(h);
	test_cancel(h);
	test_event_reads(h);
	test_event_queue_bound(h);
	test_async_checksum(h);
	test_notifications(h);
	test_notifications_dropped(h);
	test_notifications_delayed(h);
	test_close_pending(h);
	test_completion_racing_close(h);
	test_no_live_buffers(h, "after async calls");
}

/*
 * The driver goes with calls pending: they complete kIOReturnAborted and
 * stay readable, then read(2) fails with ENODEV and poll(2) says
 * POLLHUP.  Then the driver goes after a close with calls pending.
 * Needs a reload (which fails with EEXIST while loaded).
 */
static void test_async_unload(void)
{
	__u64 ref[UCB_ASYNC_REFERENCE_WORDS], ids[10], id = 0;
	struct ucb_event ev[10];
	int h, i, j, n, wrong = 0, err = ucbt_reload();

	if (err == -EOPNOTSUPP) {
		skip("no reload", "unload with async calls pending");
		return;
	}
	h = ucbt_open();
	if (!check(h >= 0, "unload: open a client"))
		return;
	for (i = 0; i < 10; i++) {
		reference_words(ref, 500 + i);
		submit_delayed(h, UCB_DELAYED_MAX_DELAY_US, (__u64)i, ref,
			       &ids[i]);
	}
	check(notify(h, 1000, 1000, 0) == UCB_IORETURN_SUCCESS,
	      "unload: 10 long calls and 1000 notifications pending");
	err = ucbt_unload();
	check(err == 0, "unload: the driver unloads with them pending (%d)",
	      err);
	check(submit_delayed(h, 0, 1, NULL, &id) == (__u32)-ENODEV &&
	      cancel_call(h, ids[0]) == -ENODEV && id == 0,
	      "unload: then async calls and cancels fail with ENODEV");
	n = 0;
	for (i = 0; i < 10 && n >= 0; ) {
		n = wait_events(h, ev, 1);
		if (n != 1)
			break;
		if (ev[0].type != UCB_EVENT_COMPLETION)
			continue;	/* a notification sent before */
		/* Cancelled in no set order: each id once. */
		for (j = 0; j < 10 && ids[j] != ev[0].id; j++)
			;
		reference_words(ref, 500 + j);
		wrong += j == 10 || !completion_is(ev, ids[j],
						   UCB_IORETURN_ABORTED,
						   UCB_SEL_DELAYED, ref);
		if (j < 10)
			ids[j] = 0;
		i++;
	}
	check(i == 10 && !wrong,
	      "unload: 10 completions readable, kIOReturnAborted with their words (%d, %d wrong)",
	      i, wrong);
	while ((n = (int)ucbt_read(h, ev, sizeof(ev))) > 0)
		;		/* notifications queued before the unload */
	check(n == -ENODEV, "unload: then read -> ENODEV (%d)", n);
	n = ucbt_poll(h, 0);
	check(n & POLLHUP, "unload: poll -> POLLHUP (%#x)", n);
	ucbt_close(h);
	err = ucbt_reload();
	h = ucbt_open();
	if (!check(err == 0 && h >= 0, "unload: reloaded (%d)", err))
		return;
	check(submit_long(h, 10, NULL) == 10, "unload: 10 long calls again");
	ucbt_close(h);
	check(ucbt_unload() == 0 && ucbt_reload() == 0,
	      "unload after close with calls pending, and reload");
	h = ucbt_open();
	if (h >= 0) {
		test_no_live_buffers(h, "after the unloads");
		ucbt_close(h);
	}
}

/* ---- module lifetime (real kernel only) --------------------------- */

/*
 * A driver can go while its clients are open (a device unplugged): the
 * reference driver's module unloads with a client open, whose ioctls then
 * fail with ENODEV and whose close still works.  The framework itself
 * stays while any driver is registered.
 */
static void test_module_lifetime(int h)
{
	struct ucb_driver_info info = { .size = sizeof(info) };
	int err = ucbt_unload_core(), map_err;
	__u8 *buf;

	if (err == -EOPNOTSUPP) {
		skip("no kernel module", "module lifetime");
		return;
	}
	check(err == -EWOULDBLOCK || err == -EBUSY,
	      "ucbridge.ko refuses to unload while a driver is registered (%d)",
	      err);
	buf = ucbt_mmap(h, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			BUFFER_OFFSET, &map_err);
	if (buf)
		memset(buf, 0x3c, PAGE);
	check(ucbt_unload() == 0,
	      "the reference driver's module unloads with a client open and mapped");
	check(ucbt_ioctl(h, UCB_IOC_DRIVER_INFO, &info) == -ENODEV,
	      "the open client's ioctls then fail with ENODEV");
	check(buf && all_bytes(buf, PAGE, 0x3c),
	      "its mapping stays readable after the driver is gone");
	check(!ucbt_mmap(h, PAGE, PROT_READ, MAP_SHARED, BUFFER_OFFSET,
			 &map_err) && map_err == -ENODEV,
	      "a new mmap() of the client then fails with ENODEV");
	ucbt_close(h);
	if (buf) {
		err = ucbt_unload_core();
		check(err == -EWOULDBLOCK || err == -EBUSY,
		      "ucbridge.ko refuses to unload while a mapping outlives its descriptor (%d)",
		      err);
		check(all_bytes(buf, PAGE, 0x3c),
		      "the mapping outlives its descriptor too");
		munmap(buf, PAGE);
	}
	check(ucbt_open() == -ENOENT, "its node is gone");
	err = ucbt_reload();
	if (err == -EOPNOTSUPP) {
		skip("UCBT_MODULE not set", "module reload");
		return;
	}
	h = ucbt_open();
	check(err == 0 && h >= 0, "module reloaded and opened (%d)", err);
	if (h >= 0) {
		test_no_live_buffers(h, "after reload");
		ucbt_close(h);
	}
}

int main(void)
{
	int h;

	tap_init("ucbridge selftest");
	h = ucbt_open();
	if (h < 0) {
		printf("Bail out! cannot open: %s\n", strerror(-h));
		return 1;
	}

	test_unknown_ioctl(h);
	test_driver_info(h);
	test_method_info(h);
	test_call_header(h);
	test_selectors(h);
	test_fixed_checks(h);
	test_noop_add(h);
	test_echo(h);
	test_checksum(h);
	test_path_info(h);
	test_fixed_transform(h);
	test_consistency(h);
	test_generate(h);
	test_sink(h);
	test_faults(h);
	test_batch_calls(h);
	test_batch_refusals(h);
	test_memory_info(h);
	test_shared_memory(h);
	test_munmap_during_call(h);
	test_copy_once(h);
	test_no_infoleak(h);
	fail_with_heap_buffers(h);
	test_no_live_buffers(h, "after failed calls");
	test_user_client_type();
	test_privilege_and_counters(h);
	test_counter_privacy(h);
	test_counters_exact(h);
	test_idle_memory();
	test_threads(h);
	test_max_struct_size(h);
	test_async(h);
	test_no_live_buffers(h, "at the end");
	ucbt_close(h);
	test_async_unload();
	h = ucbt_open();
	if (h < 0) {
		printf("Bail out! cannot open again: %s\n", strerror(-h));
		return tap_finish();
	}
	test_module_lifetime(h);

	return tap_finish();
}
