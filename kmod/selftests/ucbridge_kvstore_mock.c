// SPDX-License-Identifier: GPL-2.0
/*
 * A userspace test of the template driver's memory: its stores are freed on
 * close, on unregister, after a refused type and after setQuota grows them.
 * It runs the driver behind the dispatch core in this process, as the mock
 * does, counts the environment's live allocations (ucb_env_alloc() and
 * ucb_env_zalloc() less ucb_env_free(), through the linker's --wrap), and
 * prints TAP.  AddressSanitizer adds its own checks: no use after free, and
 * no leak at exit (see the Makefile's rule).
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "ucb_core.h"
#include "ucb_kvstore.h"

static int failures, tests;

static void check(bool ok, const char *what)
{
	tests++;
	if (!ok)
		failures++;
	printf("%sok %d - %s\n", ok ? "" : "not ", tests, what);
}

/* The environment's allocations not yet freed: the driver's and the core's. */
static atomic_long live_allocations;

void *__real_ucb_env_alloc(size_t size);
void *__real_ucb_env_zalloc(size_t size);
void __real_ucb_env_free(void *p);
void *__wrap_ucb_env_alloc(size_t size);
void *__wrap_ucb_env_zalloc(size_t size);
void __wrap_ucb_env_free(void *p);

void *__wrap_ucb_env_alloc(size_t size)
{
	void *p = __real_ucb_env_alloc(size);

	if (p)
		atomic_fetch_add(&live_allocations, 1);
	return p;
}

void *__wrap_ucb_env_zalloc(size_t size)
{
	void *p = __real_ucb_env_zalloc(size);

	if (p)
		atomic_fetch_add(&live_allocations, 1);
	return p;
}

void __wrap_ucb_env_free(void *p)
{
	if (p)
		atomic_fetch_sub(&live_allocations, 1);
	__real_ucb_env_free(p);
}

static long allocations_live(void)
{
	return atomic_load(&live_allocations);
}

static struct ucb_client *client_open(struct ucb_device *device, bool admin)
{
	struct ucb_client *client = malloc(sizeof(*client));

	if (!client || ucb_client_init(client, device))
		abort();
	client->env.admin = admin;
	return client;
}

static void client_close(struct ucb_client *client)
{
	ucb_client_release(client);
	free(client);
}

/* One call: the IOReturn, or 0xffffffff with errno set when it failed. */
static u32 call(struct ucb_client *client, u32 selector, const u64 *scalars,
		u32 scalar_count, const void *in, u32 in_size, u64 *out,
		u32 out_count, void *struct_out, u32 struct_out_size)
{
	struct ucb_call c = {
		.size = sizeof(c), .selector = selector,
		.scalar_in_count = scalar_count, .struct_in_size = in_size,
		.scalar_out_count = out_count,
		.struct_out_size = struct_out_size,
		.scalar_in = (uintptr_t)scalars, .struct_in = (uintptr_t)in,
		.scalar_out = (uintptr_t)out, .struct_out = (uintptr_t)struct_out,
	};
	long err = ucb_ioctl(client, UCB_IOC_CALL, &c);

	if (err) {
		errno = (int)-err;
		return 0xffffffffU;
	}
	return c.result;
}

static u32 put(struct ucb_client *client, const char *key, u32 value_len)
{
	u8 buf[UCB_KVSTORE_PUT_MAX];
	struct ucb_kvstore_put head = {
		.key_len = (u32)strlen(key), .value_len = value_len,
	};

	memcpy(buf, &head, sizeof(head));
	memcpy(buf + sizeof(head), key, head.key_len);
	memset(buf + sizeof(head) + head.key_len, 'v', value_len);
	return call(client, UCB_KVSTORE_SEL_PUT, NULL, 0, buf,
		    sizeof(head) + head.key_len + value_len, NULL, 0, NULL, 0);
}

static u32 open_type(struct ucb_client *client, u32 type)
{
	struct ucb_open o = { .size = sizeof(o), .type = type };

	if (ucb_ioctl(client, UCB_IOC_OPEN, &o))
		return 0xffffffffU;
	return o.result;
}

/* Fill a client's store: @n keys of @value_len bytes each. */
static bool fill(struct ucb_client *client, int n, u32 value_len)
{
	char key[16];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "key%d", i);
		if (put(client, key, value_len) != UCB_IORETURN_SUCCESS)
			return false;
	}
	return true;
}

static void *hammer(void *arg)
{
	struct ucb_client *client = arg;
	char key[16];
	u64 out[3];
	int i;

	for (i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "h%d", i % 50);
		put(client, key, (u32)(i % 300));
		call(client, UCB_KVSTORE_SEL_DELETE, NULL, 0, key, 3, NULL, 0,
		     NULL, 0);
		call(client, UCB_KVSTORE_SEL_COUNT, NULL, 0, NULL, 0, out, 3,
		     NULL, 0);
	}
	return NULL;
}

int main(void)
{
	struct ucb_client *a, *b, *c, *refused;
	struct ucb_driver driver = {};
	struct ucb_device *device;
	pthread_t threads[2];
	long before;
	u64 scalar, out[3];
	int i;

	printf("TAP version 13\n");
	ucb_kvstore_driver_fill(&driver);
	if (ucb_device_create(&driver, &device))
		abort();
	driver.device = device;

	before = allocations_live();
	a = client_open(device, false);
	check(fill(a, UCB_KVSTORE_DEFAULT_QUOTA, UCB_KVSTORE_VALUE_MAX),
	      "a full store of the largest values");
	check(put(a, "one more", 0) == UCB_IORETURN_NO_SPACE,
	      "and no more than the quota");
	client_close(a);
	check(allocations_live() == before, "close frees the store");

	before = allocations_live();
	a = client_open(device, true);
	scalar = UCB_KVSTORE_QUOTA_MAX;
	check(call(a, UCB_KVSTORE_SEL_SET_QUOTA, &scalar, 1, NULL, 0, NULL, 0,
		   NULL, 0) == UCB_IORETURN_SUCCESS, "setQuota to the maximum");
	check(fill(a, UCB_KVSTORE_QUOTA_MAX, 100), "a store of its maximum");
	scalar = 1;
	check(call(a, UCB_KVSTORE_SEL_SET_QUOTA, &scalar, 1, NULL, 0, NULL, 0,
		   NULL, 0) == UCB_IORETURN_SUCCESS, "setQuota down to 1");
	check(call(a, UCB_KVSTORE_SEL_COUNT, NULL, 0, NULL, 0, out, 3, NULL,
		   0) == UCB_IORETURN_SUCCESS && out[0] == UCB_KVSTORE_QUOTA_MAX,
	      "keeps every entry");
	client_close(a);
	check(allocations_live() == before, "close frees a grown store");

	before = allocations_live();
	refused = client_open(device, false);
	check(open_type(refused, 7) == UCB_IORETURN_BAD_ARGUMENT,
	      "type 7 is refused");
	check(open_type(refused, UCB_KVSTORE_TYPE_READ_ONLY) ==
	      UCB_IORETURN_SUCCESS, "then the read-only type is accepted");
	check(put(refused, "k", 1) == UCB_IORETURN_NOT_PERMITTED,
	      "which may not put");
	client_close(refused);
	check(allocations_live() == before, "a refused type holds nothing");

	a = client_open(device, false);
	for (i = 0; i < 2; i++)
		pthread_create(&threads[i], NULL, hammer, a);
	for (i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	check(call(a, UCB_KVSTORE_SEL_COUNT, NULL, 0, NULL, 0, out, 3, NULL,
		   0) == UCB_IORETURN_SUCCESS && out[0] <= 50,
	      "two threads on one client");

	/* Unregister with clients open, one with entries, one never called. */
	b = client_open(device, false);
	c = client_open(device, false);
	check(fill(b, 10, 1000), "another store");
	ucb_device_shutdown(device);
	check(call(a, UCB_KVSTORE_SEL_COUNT, NULL, 0, NULL, 0, out, 3, NULL,
		   0) == 0xffffffffU && errno == ENODEV,
	      "after unregister a call fails with ENODEV");
	check(put(c, "k", 1) == 0xffffffffU && errno == ENODEV,
	      "also on a client that never called");
	client_close(a);
	client_close(b);
	client_close(c);
	ucb_device_put(device);
	check(allocations_live() == 0,
	      "unregister freed the stores, close and put the rest");

	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}

