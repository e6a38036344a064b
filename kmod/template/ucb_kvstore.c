// SPDX-License-Identifier: GPL-2.0
/*
 * The template driver: a key/value store per client, written against the
 * ucbridge driver API alone.  <uapi/linux/ucbridge_kvstore.h> documents
 * what callers see; this file shows the parts every driver has:
 *
 *  - per-client state made in the open callback (which also sees the
 *    user-client type, IOServiceOpen's type) and freed in close;
 *  - a lock in that state, since two threads may call on one descriptor;
 *  - a bound on everything a client can make the driver hold;
 *  - methods that check their input on the core's copy of it, which no
 *    caller can change any more, with the table doing the coarse checks;
 *  - an admin-only method (UCB_METHOD_FLAG_ADMIN).
 *
 * It is portable C: the same file is built into ucbridge_kvstore.ko and
 * into the in-process mock, so it uses the driver API, ucb_env_alloc(),
 * ucb_env_zalloc(), ucb_env_free(), struct ucb_env_mutex and memcpy(),
 * memcmp(), memset(), and nothing else of the kernel.
 */
#include "ucb_kvstore.h"

/**
 * struct ucb_kvstore_entry - one key and its value, in one allocation
 * @key_len: Bytes of key at the start of @data.
 * @value_len: Bytes of value after the key.
 * @data: The key, then the value.
 */
struct ucb_kvstore_entry {
	u32 key_len;
	u32 value_len;
	u8 data[];
};

/**
 * struct ucb_kvstore - one client's store: the driver's per-client state
 * @lock: Protects everything below but @writable.
 * @writable: Whether the client may change the store (its type); set in
 *	open, never changed.
 * @slots: @capacity pointers, each an entry or NULL.  An entry keeps its
 *	slot until it is deleted, so a slot's index is a stable list cursor.
 * @capacity: Length of @slots; never below @quota.
 * @quota: The most entries the store may hold.
 * @count: Entries held.
 * @bytes: Bytes of their keys and values.
 */
struct ucb_kvstore {
	struct ucb_env_mutex lock;
	bool writable;
	struct ucb_kvstore_entry **slots;
	u32 capacity;
	u32 quota;
	u32 count;
	u64 bytes;
};

/* What a method's client set in open: never NULL, open always sets it. */
static struct ucb_kvstore *ucb_kvstore_of(const struct ucb_args *args)
{
	return ucb_client_private(args->client);
}

static bool ucb_kvstore_key_valid(u32 len)
{
	return len >= 1 && len <= UCB_KVSTORE_KEY_MAX;
}

static u32 ucb_kvstore_entry_size(const struct ucb_kvstore_entry *entry)
{
	return entry->key_len + entry->value_len;
}

/* The slot holding @key, or NULL.  Under @store->lock. */
static struct ucb_kvstore_entry **
ucb_kvstore_find(struct ucb_kvstore *store, const void *key, u32 key_len)
{
	struct ucb_kvstore_entry *entry;
	u32 i;

	for (i = 0; i < store->capacity; i++) {
		entry = store->slots[i];
		if (entry && entry->key_len == key_len &&
		    !memcmp(entry->data, key, key_len))
			return &store->slots[i];
	}
	return NULL;
}

/* The first empty slot, or NULL.  Under @store->lock. */
static struct ucb_kvstore_entry **
ucb_kvstore_empty_slot(struct ucb_kvstore *store)
{
	u32 i;

	for (i = 0; i < store->capacity; i++)
		if (!store->slots[i])
			return &store->slots[i];
	return NULL;
}

/*
 * put: struct ucb_kvstore_put, the key, the value.  The table bounds the
 * input at UCB_KVSTORE_PUT_MAX; the rest is checked here, on the core's
 * copy: what was checked is what is stored.
 */
static u32 ucb_kvstore_put(struct ucb_args *args)
{
	struct ucb_kvstore *store = ucb_kvstore_of(args);
	const u8 *in = args->struct_in;
	struct ucb_kvstore_entry *entry, *old = NULL, **slot;
	struct ucb_kvstore_put head;
	u32 size;

	if (!store->writable)
		return UCB_IORETURN_NOT_PERMITTED;
	if (args->struct_in_size < sizeof(head))
		return UCB_IORETURN_BAD_ARGUMENT;
	/* Copy the header out: the input bytes carry no alignment. */
	memcpy(&head, in, sizeof(head));
	/* Each length is bounded before they are added: no overflow. */
	if (!ucb_kvstore_key_valid(head.key_len) ||
	    head.value_len > UCB_KVSTORE_VALUE_MAX)
		return UCB_IORETURN_BAD_ARGUMENT;
	size = head.key_len + head.value_len;
	if (args->struct_in_size != sizeof(head) + size)
		return UCB_IORETURN_BAD_ARGUMENT;

	/* Allocate and fill outside the lock; only the swap is inside. */
	entry = ucb_env_alloc(sizeof(*entry) + size);
	if (!entry)
		return UCB_IORETURN_NO_MEMORY;
	entry->key_len = head.key_len;
	entry->value_len = head.value_len;
	memcpy(entry->data, in + sizeof(head), size);

	ucb_env_mutex_lock(&store->lock);
	slot = ucb_kvstore_find(store, entry->data, entry->key_len);
	if (slot) {
		old = *slot;
		store->bytes -= ucb_kvstore_entry_size(old);
	} else if (store->count < store->quota) {
		/* count < quota <= capacity: there is an empty slot. */
		slot = ucb_kvstore_empty_slot(store);
		if (slot)
			store->count++;
	}
	if (slot) {
		*slot = entry;
		store->bytes += size;
		entry = NULL;
	}
	ucb_env_mutex_unlock(&store->lock);

	/* The value replaced, if any; the new entry, if it found no room. */
	ucb_env_free(old);
	if (entry) {
		ucb_env_free(entry);
		return UCB_IORETURN_NO_SPACE;
	}
	return UCB_IORETURN_SUCCESS;
}

/* get: the key in, its value out. */
static u32 ucb_kvstore_get(struct ucb_args *args)
{
	struct ucb_kvstore *store = ucb_kvstore_of(args);
	struct ucb_kvstore_entry **slot;
	u32 result = UCB_IORETURN_SUCCESS;

	if (!ucb_kvstore_key_valid(args->struct_in_size))
		return UCB_IORETURN_BAD_ARGUMENT;

	ucb_env_mutex_lock(&store->lock);
	slot = ucb_kvstore_find(store, args->struct_in, args->struct_in_size);
	if (!slot) {
		result = UCB_IORETURN_NOT_FOUND;
	} else if ((*slot)->value_len > args->struct_out_size) {
		result = UCB_IORETURN_OVERRUN;
	} else {
		memcpy(args->struct_out, (*slot)->data + (*slot)->key_len,
		       (*slot)->value_len);
		args->struct_out_size = (*slot)->value_len;
	}
	ucb_env_mutex_unlock(&store->lock);
	return result;
}

/* delete: the key in. */
static u32 ucb_kvstore_delete(struct ucb_args *args)
{
	struct ucb_kvstore *store = ucb_kvstore_of(args);
	struct ucb_kvstore_entry *old = NULL, **slot;

	if (!store->writable)
		return UCB_IORETURN_NOT_PERMITTED;
	if (!ucb_kvstore_key_valid(args->struct_in_size))
		return UCB_IORETURN_BAD_ARGUMENT;

	ucb_env_mutex_lock(&store->lock);
	slot = ucb_kvstore_find(store, args->struct_in, args->struct_in_size);
	if (slot) {
		old = *slot;
		*slot = NULL;
		store->count--;
		store->bytes -= ucb_kvstore_entry_size(old);
	}
	ucb_env_mutex_unlock(&store->lock);

	if (!old)
		return UCB_IORETURN_NOT_FOUND;
	ucb_env_free(old);
	return UCB_IORETURN_SUCCESS;
}

/*
 * list: a cursor in; the key in the first used slot at or after it and the
 * cursor after that slot out.  The end: no key, UCB_KVSTORE_LIST_END.
 */
static u32 ucb_kvstore_list(struct ucb_args *args)
{
	struct ucb_kvstore *store = ucb_kvstore_of(args);
	u64 cursor = args->scalar_in[0];
	struct ucb_kvstore_entry *entry;
	u32 i;

	/* Any key must fit, so that a walk cannot fail half-way. */
	if (args->struct_out_size < UCB_KVSTORE_KEY_MAX)
		return UCB_IORETURN_OVERRUN;
	args->scalar_out[0] = UCB_KVSTORE_LIST_END;
	args->struct_out_size = 0;

	ucb_env_mutex_lock(&store->lock);
	for (i = cursor < store->capacity ? (u32)cursor : store->capacity;
	     i < store->capacity; i++) {
		entry = store->slots[i];
		if (!entry)
			continue;
		memcpy(args->struct_out, entry->data, entry->key_len);
		args->struct_out_size = entry->key_len;
		args->scalar_out[0] = (u64)i + 1;
		break;
	}
	ucb_env_mutex_unlock(&store->lock);
	return UCB_IORETURN_SUCCESS;
}

/* count: entries, bytes and quota out. */
static u32 ucb_kvstore_count(struct ucb_args *args)
{
	struct ucb_kvstore *store = ucb_kvstore_of(args);

	ucb_env_mutex_lock(&store->lock);
	args->scalar_out[0] = store->count;
	args->scalar_out[1] = store->bytes;
	args->scalar_out[2] = store->quota;
	ucb_env_mutex_unlock(&store->lock);
	return UCB_IORETURN_SUCCESS;
}

/*
 * setQuota, admin only (the core checks the flag): the client's entry
 * limit.  Growing it grows the slot array, keeping every entry in its
 * slot; shrinking it drops nothing.
 */
static u32 ucb_kvstore_set_quota(struct ucb_args *args)
{
	struct ucb_kvstore *store = ucb_kvstore_of(args);
	struct ucb_kvstore_entry **slots, **old = NULL;
	u64 quota = args->scalar_in[0];
	u32 result = UCB_IORETURN_SUCCESS;

	if (quota < 1 || quota > UCB_KVSTORE_QUOTA_MAX)
		return UCB_IORETURN_BAD_ARGUMENT;

	ucb_env_mutex_lock(&store->lock);
	if (quota > store->capacity) {
		slots = ucb_env_zalloc(quota * sizeof(*slots));
		if (!slots) {
			result = UCB_IORETURN_NO_MEMORY;
			goto unlock;
		}
		memcpy(slots, store->slots, store->capacity * sizeof(*slots));
		old = store->slots;
		store->slots = slots;
		store->capacity = (u32)quota;
	}
	store->quota = (u32)quota;
unlock:
	ucb_env_mutex_unlock(&store->lock);
	ucb_env_free(old);
	return result;
}

/*
 * The open callback: accept the user-client type or refuse it, and make
 * the client's state.  Runs once per client, before its first call.
 */
static u32 ucb_kvstore_open(struct ucb_client *client, u32 type)
{
	struct ucb_kvstore *store;

	if (type >= UCB_KVSTORE_TYPE_COUNT)
		return UCB_IORETURN_BAD_ARGUMENT;
	store = ucb_env_zalloc(sizeof(*store));
	if (!store)
		return UCB_IORETURN_NO_MEMORY;
	store->slots = ucb_env_zalloc(UCB_KVSTORE_DEFAULT_QUOTA *
				      sizeof(*store->slots));
	if (!store->slots) {
		ucb_env_free(store);
		return UCB_IORETURN_NO_MEMORY;
	}
	store->capacity = UCB_KVSTORE_DEFAULT_QUOTA;
	store->quota = UCB_KVSTORE_DEFAULT_QUOTA;
	store->writable = type == UCB_KVSTORE_TYPE_READ_WRITE;
	ucb_env_mutex_init(&store->lock);
	ucb_client_set_private(client, store);
	return UCB_IORETURN_SUCCESS;
}

/*
 * The close callback: free everything open made.  It runs when the client
 * closes or the driver is unregistered, and no call of the client runs
 * then or later, so it needs no lock.
 */
static void ucb_kvstore_close(struct ucb_client *client)
{
	struct ucb_kvstore *store = ucb_client_private(client);
	u32 i;

	for (i = 0; i < store->capacity; i++)
		ucb_env_free(store->slots[i]);
	ucb_env_free(store->slots);
	ucb_env_mutex_destroy(&store->lock);
	ucb_env_free(store);
	ucb_client_set_private(client, NULL);
}

#define UCB_VAR		UCB_VARIABLE_SIZE

/*
 * The table does the coarse checks before a method runs: counts, and the
 * largest input and output each method takes.
 */
static const struct ucb_method ucb_kvstore_methods[] = {
	[UCB_KVSTORE_SEL_PUT] = {
		.handler = ucb_kvstore_put, .name = "put",
		.struct_in_size = UCB_VAR,
		.struct_in_max = UCB_KVSTORE_PUT_MAX,
	},
	[UCB_KVSTORE_SEL_GET] = {
		.handler = ucb_kvstore_get, .name = "get",
		.struct_in_size = UCB_VAR,
		.struct_in_max = UCB_KVSTORE_KEY_MAX,
		.struct_out_size = UCB_VAR,
		.struct_out_max = UCB_KVSTORE_VALUE_MAX,
	},
	[UCB_KVSTORE_SEL_DELETE] = {
		.handler = ucb_kvstore_delete, .name = "delete",
		.struct_in_size = UCB_VAR,
		.struct_in_max = UCB_KVSTORE_KEY_MAX,
	},
	[UCB_KVSTORE_SEL_LIST] = {
		.handler = ucb_kvstore_list, .name = "list",
		.scalar_in_count = 1, .scalar_out_count = 1,
		.struct_out_size = UCB_VAR,
		.struct_out_max = UCB_KVSTORE_KEY_MAX,
	},
	[UCB_KVSTORE_SEL_COUNT] = {
		.handler = ucb_kvstore_count, .name = "count",
		.scalar_out_count = 3,
	},
	[UCB_KVSTORE_SEL_SET_QUOTA] = {
		.handler = ucb_kvstore_set_quota, .name = "setQuota",
		.scalar_in_count = 1,
		.flags = UCB_METHOD_FLAG_ADMIN,
	},
};

/**
 * ucb_kvstore_driver_fill() - describe an instance of the template driver
 * @driver: Zeroed storage for it, to register with ucb_register_driver()
 *	(or to run in the mock: ``MockDevice { ucb_kvstore_driver_fill($0) }``).
 */
void ucb_kvstore_driver_fill(struct ucb_driver *driver)
{
	BUILD_BUG_ON(sizeof(ucb_kvstore_methods) !=
		     UCB_KVSTORE_METHOD_COUNT * sizeof(struct ucb_method));
	BUILD_BUG_ON(UCB_KVSTORE_PUT_MAX > UCB_KVSTORE_MAX_STRUCT_SIZE);
	driver->name = UCB_KVSTORE_NAME;
	driver->version = UCB_KVSTORE_VERSION;
	driver->methods = ucb_kvstore_methods;
	driver->method_count = UCB_KVSTORE_METHOD_COUNT;
	driver->max_struct_size = UCB_KVSTORE_MAX_STRUCT_SIZE;
	/*
	 * Root only until a udev rule grants more (scripts/install: group
	 * ucbridge, 0660); whoever opens it gets a store of their own, and
	 * setQuota checks privilege.
	 */
	driver->mode = 0600;
	driver->open = ucb_kvstore_open;
	driver->close = ucb_kvstore_close;
}
