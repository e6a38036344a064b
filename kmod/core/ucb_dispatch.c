// SPDX-License-Identifier: GPL-2.0
/*
 * ucbridge dispatch core: parse a call, check it against the method table,
 * copy its inputs once, run the method, copy back what it wrote.
 *
 * Every byte of user memory is read at most once.  Methods see kernel
 * copies only, so nothing a racing user thread does after the copy can
 * change what a method checked (the IOKit double-fetch trap).
 */
#include "ucb_buffer.h"
#include "ucb_core.h"
#include "ucb_test_breakage.h"

/*
 * Calls of a batch between two chances for other tasks to run: a batch is
 * bounded like one large call, and a check per call costs more than it
 * gives.
 */
#define UCB_BATCH_RESCHED_CALLS	16

/* Longest argument header accepted, as copy_struct_from_user() callers. */
#define UCB_ARGS_SIZE_MAX	4096

/* The three fields written back to the caller are adjacent. */
#define UCB_CALL_RESULT_OFFSET	offsetof(struct ucb_call, result)
#define UCB_CALL_RESULT_SIZE	(3 * sizeof(u32))

static int ucb_check_zeroed_user(const u8 __user *from, size_t size)
{
	u8 chunk[64];
	size_t i, n;

	while (size) {
		n = min(size, sizeof(chunk));
		if (copy_from_user(chunk, from, n))
			return -EFAULT;
		for (i = 0; i < n; i++)
			if (chunk[i])
				return -E2BIG;
		from += n;
		size -= n;
	}
	return 0;
}

/*
 * Copy an extensible argument struct whose first member is its own __u32
 * size, like copy_struct_from_user(), but reading the size only once: the
 * size word first, then the bytes after it.  A shorter struct is zero
 * extended, a longer one must have an all-zero tail.
 */
static int ucb_args_size_check(u32 usize, size_t min_size)
{
	if (usize < min_size)
		return -EINVAL;
	if (usize > UCB_ARGS_SIZE_MAX)
		return -E2BIG;
	return 0;
}

static int ucb_copy_args_in(void *dst, size_t ksize, size_t min_size,
			    const void __user *src)
{
	const u8 __user *usrc = src;
	u32 usize;
	int err;

	if (copy_from_user(&usize, usrc, sizeof(usize)))
		return -EFAULT;
	err = ucb_args_size_check(usize, min_size);
	if (err)
		return err;

	memset(dst, 0, ksize);
	memcpy(dst, &usize, sizeof(usize));
	if (copy_from_user((u8 *)dst + sizeof(usize), usrc + sizeof(usize),
			   min_t(size_t, usize, ksize) - sizeof(usize)))
		return -EFAULT;
	if (usize > ksize)
		return ucb_check_zeroed_user(usrc + ksize, usize - ksize);
	return 0;
}

/*
 * Read a call as ucb_copy_args_in() would, in fewer copies: struct ucb_call
 * is its first version, so one copy of that size brings the size word and
 * every field; only a longer struct's tail is read again, to check that it
 * is zero.  Should the one copy fault, the size word alone decides, so that
 * a short struct at the end of a mapping still gets EINVAL.  A batch's
 * entries pass the batch's @batch_size, single calls 0.
 */
static noinline int ucb_read_call_fault(const struct ucb_call __user *ucall)
{
	u32 usize;

	if (copy_from_user(&usize, ucall, sizeof(usize)))
		return -EFAULT;
	return ucb_args_size_check(usize, UCB_CALL_SIZE_VER0) ?: -EFAULT;
}

static __always_inline int ucb_read_call(struct ucb_call *call,
					 const struct ucb_call __user *ucall,
					 u32 batch_size)
{
	int err;

	BUILD_BUG_ON(sizeof(*call) != UCB_CALL_SIZE_VER0);
	if (unlikely(ucb_copy_small_from_user(call, ucall, sizeof(*call))))
		return ucb_read_call_fault(ucall);
	/* The common header is the first version's, in a batch or not. */
	if (likely(call->size == sizeof(*call) &&
		   (!batch_size || batch_size == sizeof(*call))))
		return 0;
	err = ucb_args_size_check(call->size, UCB_CALL_SIZE_VER0);
	if (err)
		return err;
	/* A batch entry's size is the batch's call_size, before its tail. */
	if (batch_size && call->size != batch_size)
		return -EINVAL;
	if (unlikely(call->size > sizeof(*call)))
		return ucb_check_zeroed_user((const u8 __user *)(ucall + 1),
					     call->size - sizeof(*call));
	return 0;
}

/* Copy an extensible result struct back: as much as the caller knows. */
static int ucb_copy_args_out(void __user *dst, const void *src, size_t ksize,
			     u32 usize)
{
	if (copy_to_user(dst, src, min_t(size_t, usize, ksize)))
		return -EFAULT;
	return 0;
}

/*
 * Take the connection's call area, or allocate one when another call on the
 * connection holds it: the common call needs no allocation, and the stack
 * frame stays small enough for a VFS lookup in a method on top of it.
 */
static __always_inline int ucb_area_get(struct ucb_client *client,
					struct ucb_call_buffers *bufs)
{
	if (ucb_flag_trylock(&client->busy)) {
		bufs->area = &client->area;
		bufs->area_owned = false;
		return 0;
	}
	bufs->area = ucb_env_alloc(sizeof(*bufs->area));
	if (!bufs->area)
		return -ENOMEM;
	bufs->area_owned = true;
	ucb_counter_inc(&client->device->live_buffers);
	return 0;
}

static __always_inline void ucb_area_put(struct ucb_client *client,
					 struct ucb_call_buffers *bufs)
{
	if (!bufs->area_owned) {
		ucb_flag_unlock(&client->busy);
		return;
	}
	ucb_env_free(bufs->area);
	ucb_counter_dec(&client->device->live_buffers);
}

static int ucb_buffer_alloc(struct ucb_device *device, struct ucb_buffer *buf,
			    size_t size, bool zeroed)
{
	buf->data = zeroed ? ucb_env_zalloc(size) : ucb_env_alloc(size);
	if (!buf->data)
		return -ENOMEM;
	buf->size = size;
	buf->kind = UCB_BUFFER_HEAP;
	ucb_counter_inc(&device->live_buffers);
	return 0;
}

/*
 * A heap or cached buffer: the call's hold on it ends.  Out of line, as the
 * common call has none.
 */
static noinline void ucb_buffer_free(struct ucb_device *device,
				     struct ucb_buffer *buf)
{
	if (buf->kind == UCB_BUFFER_HEAP)
		ucb_env_free(buf->data);
	ucb_counter_dec(&device->live_buffers);
	buf->kind = UCB_BUFFER_NONE;
}

/* The common call's buffers are in its area: nothing to free, no call. */
static inline void ucb_buffer_put(struct ucb_device *device,
				  struct ucb_buffer *buf)
{
	if (buf->kind != UCB_BUFFER_NONE)
		ucb_buffer_free(device, buf);
}

static void ucb_buffer_use(struct ucb_buffer *buf, void *data, size_t size,
			   enum ucb_buffer_kind kind)
{
	buf->data = data;
	buf->size = size;
	buf->kind = kind;
}

/* The allocator's own size class: a power of two from 512 bytes up. */
static size_t ucb_input_cache_size(size_t size)
{
	size_t cache_size = 2 * UCB_SMALL_STRUCT_SIZE;

	while (cache_size < size)
		cache_size *= 2;
	return cache_size;
}

/* Grow a connection's input cache to hold @size bytes, dropping the old. */
static noinline int ucb_input_cache_grow(struct ucb_client *client,
					 size_t size)
{
	size_t cache_size = ucb_input_cache_size(size);
	void *grown;

	grown = ucb_env_alloc(cache_size);
	if (!grown)
		return -ENOMEM;
	ucb_env_free(client->input_cache);
	client->input_cache = grown;
	client->input_cache_size = cache_size;
	return 0;
}

/*
 * Room for @size bytes of struct input at *@data, the area's if it fits.
 * A larger input goes into its connection's input cache while the call
 * holds the connection's area: no allocation per call, and no zeroing
 * either, which a kernel with init_on_alloc does to every fresh buffer.
 * The cache grows to the largest input seen up to UCB_INPUT_CACHE_MAX; a
 * larger input gets a buffer freed after the call, so an idle connection
 * never holds more than that.  Inline up to the cache, so that the cost
 * has no step at the area's size.
 */
static __always_inline int ucb_input_buffer_get(struct ucb_client *client,
						struct ucb_call_buffers *bufs,
						size_t size, u8 **data)
{
	int err;

	if (likely(size <= sizeof(bufs->area->struct_in))) {
		*data = bufs->area->struct_in;
		return 0;
	}
	if (bufs->area_owned || size > ucb_test_input_cache_max()) {
		err = ucb_buffer_alloc(client->device, &bufs->struct_in, size,
				       false);
		if (!err)
			*data = bufs->struct_in.data;
		return err;
	}
	if (unlikely(client->input_cache_size < size)) {
		err = ucb_input_cache_grow(client, size);
		if (err)
			return err;
	}
	ucb_buffer_use(&bufs->struct_in, client->input_cache, size,
		       UCB_BUFFER_CACHED);
	ucb_counter_inc(&client->device->live_buffers);
	*data = client->input_cache;
	return 0;
}

/* Zeroed room for @size bytes of struct output at *@data. */
static __always_inline int ucb_output_buffer_get(struct ucb_device *device,
						 struct ucb_call_buffers *bufs,
						 size_t size, void **data)
{
	bool zeroed = !ucb_test_break_zeroing();
	int err;

	if (likely(size <= sizeof(bufs->area->struct_out))) {
		if (zeroed && size)
			memset(bufs->area->struct_out, 0, size);
		*data = bufs->area->struct_out;
		return 0;
	}
	err = ucb_buffer_alloc(device, &bufs->struct_out, size, zeroed);
	if (!err)
		*data = bufs->struct_out.data;
	return err;
}

static bool ucb_count_matches(u32 want, u32 got)
{
	/* Variable scalar counts are bounded by UCB_MAX_SCALARS already. */
	return want == UCB_VARIABLE_SIZE || want == got;
}

static u32 ucb_effective_max(u32 size, u32 method_max, u32 driver_max)
{
	return size == UCB_VARIABLE_SIZE ? min(method_max, driver_max) : size;
}

/*
 * Check a call against its method table entry, as IOKit checks against
 * IOExternalMethodDispatch: fixed counts and sizes must match exactly,
 * variable sizes must stay within their maxima.  Returns an IOReturn and,
 * on success, the struct output room the method gets.
 */
static __always_inline u32 ucb_check_call(const struct ucb_client *client,
					  const struct ucb_method *method,
					  const struct ucb_call *call,
					  bool async, u32 max_struct_size,
					  u32 *struct_out_room)
{
	/* One test for the common call: a sync method with no flags. */
	if (unlikely(method->flags || async)) {
		if ((method->flags & UCB_METHOD_FLAG_ADMIN) &&
		    !ucb_env_client_is_admin(&client->env))
			return UCB_IORETURN_NOT_PRIVILEGED;
		/* An async method answers through an event, a sync one now. */
		if (!(method->flags & UCB_METHOD_FLAG_ASYNC) != !async)
			return UCB_IORETURN_BAD_ARGUMENT;
	}
	if (!ucb_count_matches(method->scalar_in_count,
			       call->scalar_in_count) ||
	    !ucb_count_matches(method->scalar_out_count,
			       call->scalar_out_count))
		return UCB_IORETURN_BAD_ARGUMENT;

	/* Maxima only where a size is variable: the common call has none. */
	if (method->struct_in_size == UCB_VARIABLE_SIZE ?
	    call->struct_in_size > ucb_effective_max(method->struct_in_size,
						     method->struct_in_max,
						     max_struct_size) :
	    call->struct_in_size != method->struct_in_size)
		return UCB_IORETURN_BAD_ARGUMENT;

	if (method->struct_out_size == UCB_VARIABLE_SIZE)
		*struct_out_room =
			min(call->struct_out_size,
			    ucb_effective_max(method->struct_out_size,
					      method->struct_out_max,
					      max_struct_size));
	else if (call->struct_out_size != method->struct_out_size)
		return UCB_IORETURN_BAD_ARGUMENT;
	else
		*struct_out_room = method->struct_out_size;
	return UCB_IORETURN_SUCCESS;
}

/* Copy scalars and struct input in, once each, and make output room. */
static __always_inline int ucb_copy_inputs(struct ucb_client *client,
					   const struct ucb_call __user *ucall,
					   const struct ucb_call *call,
					   struct ucb_call_buffers *bufs,
					   struct ucb_args *args)
{
	struct ucb_call_area *area = bufs->area;
	void *struct_out;
	u8 *struct_in;
	int err;

	/* Absent inputs and outputs cost no copy and no zeroing. */
	if (call->scalar_in_count &&
	    copy_from_user(area->scalar_in, u64_to_user_ptr(call->scalar_in),
			   call->scalar_in_count * sizeof(u64)))
		return -EFAULT;
	/* A method writes no scalar beyond its room, so only that is zeroed. */
	if (call->scalar_out_count)
		memset(area->scalar_out, 0,
		       call->scalar_out_count * sizeof(u64));

	/* Sizes are bounded by UCB_STRUCT_SIZE_LIMIT: + 1 is safe. */
	err = ucb_input_buffer_get(client, bufs,
				   (size_t)call->struct_in_size + 1,
				   &struct_in);
	if (err)
		return err;
	if (call->struct_in_size &&
	    copy_from_user(struct_in, u64_to_user_ptr(call->struct_in),
			   call->struct_in_size))
		return -EFAULT;
	struct_in[call->struct_in_size] = '\0';

	err = ucb_output_buffer_get(client->device, bufs,
				    args->struct_out_size, &struct_out);
	if (err)
		return err;

	args->scalar_in = area->scalar_in;
	args->scalar_out = area->scalar_out;
	args->struct_in = struct_in;
	args->struct_out = struct_out;
	return ucb_test_use_live_inputs(client->device, ucall, call, bufs,
					args);
}

/*
 * Copy back exactly what the method wrote: struct first, scalars second.
 * The header follows in ucb_call().
 */
static __always_inline int ucb_copy_outputs(const struct ucb_call *call,
					    const struct ucb_args *args,
					    u32 struct_out_room)
{
	u32 struct_bytes = ucb_test_break_zeroing() ? struct_out_room :
						      args->struct_out_size;

	if (struct_bytes &&
	    copy_to_user(u64_to_user_ptr(call->struct_out), args->struct_out,
			 struct_bytes))
		return -EFAULT;
	if (args->scalar_out_count &&
	    copy_to_user(u64_to_user_ptr(call->scalar_out), args->scalar_out,
			 args->scalar_out_count * sizeof(u64)))
		return -EFAULT;
	return 0;
}

static __always_inline void ucb_release_buffers(struct ucb_client *client,
						struct ucb_call_buffers *bufs,
						u32 result)
{
	struct ucb_device *device = client->device;

	ucb_test_release_live_inputs(device, bufs);
	ucb_buffer_put(device, &bufs->struct_out);
	if (!ucb_test_break_free(result))
		ucb_buffer_put(device, &bufs->struct_in);
	ucb_area_put(client, bufs);
}

static __always_inline u32 ucb_run_method(const struct ucb_method *method,
					  struct ucb_args *args)
{
	u32 scalar_room = args->scalar_out_count;
	u32 struct_room = args->struct_out_size;
	u32 result;

	result = method->handler(args);
	/* A method that claims more than it was given is a driver bug. */
	if (WARN_ON_ONCE(args->scalar_out_count > scalar_room ||
			 args->struct_out_size > struct_room))
		return UCB_IORETURN_INTERNAL_ERROR;
	return result;
}

/*
 * Write the outcome into the caller's header: the result and, on success
 * only, the output counts the method left in @ran (NULL when no method
 * ran).  One copy of three adjacent fields.
 */
static __always_inline int ucb_write_back(struct ucb_call __user *ucall,
					  const struct ucb_call *call,
					  const struct ucb_args *ran)
{
	bool success = ran && call->result == UCB_IORETURN_SUCCESS;
	/* The header's result, scalar_out_count and struct_out_size. */
	u32 outcome[3] = {
		call->result,
		success ? ran->scalar_out_count : 0,
		success ? ran->struct_out_size : 0,
	};

	BUILD_BUG_ON(offsetof(struct ucb_call, scalar_out_count) !=
		     UCB_CALL_RESULT_OFFSET + sizeof(u32) ||
		     offsetof(struct ucb_call, struct_out_size) !=
		     UCB_CALL_RESULT_OFFSET + 2 * sizeof(u32) ||
		     sizeof(outcome) != UCB_CALL_RESULT_SIZE);
	if (ucb_copy_small_to_user((u8 __user *)ucall + UCB_CALL_RESULT_OFFSET,
				   outcome, sizeof(outcome)))
		return -EFAULT;
	return 0;
}

/* Driver-wide and on the connection: one of successes or errors each. */
static __always_inline void ucb_count_call(struct ucb_client *client,
					   u32 selector, bool error)
{
	struct ucb_client_count *count = &client->counts[selector];

	ucb_env_stats_count(client->device->stats, selector, error);
	ucb_counter_inc(error ? &count->errors : &count->successes);
}

/*
 * Run the driver's open callback for @type unless the client is open
 * already (*@was_open).  Returns the driver's IOReturn.
 */
static u32 ucb_client_open(struct ucb_client *client, u32 type,
			   bool *was_open)
{
	struct ucb_device *device = client->device;
	const struct ucb_driver *driver = device->driver;
	u32 result = UCB_IORETURN_SUCCESS;

	*was_open = ucb_load_acquire(&client->state) == UCB_CLIENT_OPEN;
	if (*was_open)
		return result;
	ucb_env_mutex_lock(&device->lock);
	*was_open = client->state == UCB_CLIENT_OPEN;
	if (!*was_open) {
		client->type = type;
		if (driver->open)
			result = driver->open(client, type);
		if (result == UCB_IORETURN_SUCCESS)
			ucb_store_release(&client->state, UCB_CLIENT_OPEN);
	}
	ucb_env_mutex_unlock(&device->lock);
	return result;
}

/*
 * Dispatch a call read from @ucall and write its outcome back there.  An
 * async call comes with its request @async_req (else NULL), which gets
 * the accepted call's number.  Returns 0 once it was dispatched (its
 * result says how it went), or the errno of a call that could not be.
 *
 * Inlined into the single call and into a batch's loop, where @async_req
 * is a constant NULL, and into the async call: the call's frame is its
 * ioctl's, and each copy loses the branches it cannot take.  @bufs and
 * @args are filled before any use: zeroing them first, as a kernel built
 * with CONFIG_INIT_STACK_ALL_ZERO does to every local, is most of what a
 * call without inputs would cost here.
 */
static __always_inline int ucb_call_run(struct ucb_client *client,
					struct ucb_call __user *ucall,
					struct ucb_call *call,
					struct ucb_async_call *async_req)
{
	struct ucb_device *device = client->device;
	const struct ucb_driver *driver = device->driver;
	struct ucb_call_buffers bufs ucb_uninitialized;
	struct ucb_args args ucb_uninitialized;
	const struct ucb_args *ran = NULL;
	struct ucb_async *async = NULL;
	const struct ucb_method *method;
	u32 method_result = UCB_IORETURN_ABORTED;
	u32 struct_out_room = 0;
	bool was_open;
	u32 selector;
	int err;

	if (call->flags || call->scalar_in_count > UCB_MAX_SCALARS ||
	    call->scalar_out_count > UCB_MAX_SCALARS)
		return -EINVAL;

	/*
	 * A first call without a chosen type opens the client with type 0;
	 * every later call sees it open at the cost of one load.
	 */
	if (unlikely(ucb_load_acquire(&client->state) != UCB_CLIENT_OPEN)) {
		call->result = ucb_client_open(client, 0, &was_open);
		if (call->result != UCB_IORETURN_SUCCESS)
			return ucb_write_back(ucall, call, NULL);
	}

	/* No method to count it against. */
	if (call->selector >= driver->method_count) {
		call->result = UCB_IORETURN_UNSUPPORTED;
		return ucb_write_back(ucall, call, NULL);
	}
	selector = array_index_nospec(call->selector, driver->method_count);
	method = &driver->methods[selector];

	call->result = ucb_check_call(client, method, call, async_req,
				      READ_ONCE(device->max_struct_size),
				      &struct_out_room);
	if (call->result != UCB_IORETURN_SUCCESS)
		goto write_back;
	if (unlikely(async_req)) {
		call->result = ucb_async_begin(client, method, selector,
					       async_req->reference, &async);
		if (call->result != UCB_IORETURN_SUCCESS)
			goto write_back;
	}

	err = ucb_area_get(client, &bufs);
	if (err)
		goto end_async;
	bufs.struct_in.kind = UCB_BUFFER_NONE;
	bufs.struct_out.kind = UCB_BUFFER_NONE;
	ucb_test_init_live_inputs(&bufs);
	args.client = client;
	args.method = method;
	args.scalar_in_count = call->scalar_in_count;
	args.scalar_out_count = call->scalar_out_count;
	args.struct_in_size = call->struct_in_size;
	args.struct_out_size = struct_out_room;
	args.async = async;
	err = ucb_copy_inputs(client, ucall, call, &bufs, &args);
	if (err)
		goto release_buffers;

	call->result = method_result = ucb_run_method(method, &args);
	ran = &args;
	if (call->result == UCB_IORETURN_SUCCESS)
		err = ucb_copy_outputs(call, &args, struct_out_room);

release_buffers:
	ucb_release_buffers(client, &bufs, call->result);
end_async:
	/* Accepted once its method said so, even if write-back faults. */
	if (unlikely(async))
		ucb_async_end(async, method_result, &async_req->id);
	if (err)
		goto count;
write_back:
	err = ucb_write_back(ucall, call, ran);
count:
	/* Last, so that a call failing anywhere, even here, is an error. */
	ucb_count_call(client, selector,
		       err || call->result != UCB_IORETURN_SUCCESS);
	return err;
}

/*
 * UCB_IOC_CALL, inlined into ucb_ioctl(), whose frame every ioctl sets up
 * anyway.
 */
static __always_inline long ucb_call(struct ucb_client *client,
				     struct ucb_call __user *ucall)
{
	struct ucb_call call ucb_uninitialized;
	int err;

	err = ucb_read_call(&call, ucall, 0);
	if (err)
		return err;
	return ucb_call_run(client, ucall, &call, NULL);
}

/*
 * UCB_IOC_CALL_ASYNC: a call read and dispatched as UCB_IOC_CALL's, whose
 * method answers later through an event.  The accepted call's number is
 * written back last.
 */
static noinline long ucb_call_async(struct ucb_client *client,
			   struct ucb_async_call __user *uasync)
{
	struct ucb_async_call req;
	struct ucb_call __user *ucall;
	struct ucb_call call ucb_uninitialized;
	int err;

	err = ucb_copy_args_in(&req, sizeof(req), UCB_ASYNC_CALL_SIZE_VER0,
			       uasync);
	if (err)
		return err;
	if (req.flags)
		return -EINVAL;
	ucall = u64_to_user_ptr(req.call);
	err = ucb_read_call(&call, ucall, 0);
	if (err)
		return err;
	err = ucb_call_run(client, ucall, &call, &req);
	if (err || call.result != UCB_IORETURN_SUCCESS)
		return err;
	if (copy_to_user((u8 __user *)uasync +
			 offsetof(struct ucb_async_call, id),
			 &req.id, sizeof(req.id)))
		return -EFAULT;
	return 0;
}

/* UCB_IOC_CANCEL: ask the method of one pending async call to end it. */
static long ucb_cancel(struct ucb_client *client, void __user *ucancel)
{
	struct ucb_cancel cancel;
	int err;

	err = ucb_copy_args_in(&cancel, sizeof(cancel), UCB_CANCEL_SIZE_VER0,
			       ucancel);
	if (err)
		return err;
	if (cancel.flags)
		return -EINVAL;
	return ucb_async_cancel(client, cancel.id);
}

/*
 * UCB_IOC_CALL_BATCH: the batch's calls one after another, each read,
 * checked, run and written back exactly as a single call.  No entry is
 * kept once the next is read, so a batch holds no more kernel memory than
 * its largest call.
 */
static noinline long ucb_call_batch(struct ucb_client *client,
			   struct ucb_batch __user *ubatch)
{
	struct ucb_call __user *ucall;
	struct ucb_batch batch;
	struct ucb_call call ucb_uninitialized;
	u64 struct_bytes = 0;
	u32 completed;
	int err;

	err = ucb_copy_args_in(&batch, sizeof(batch), UCB_BATCH_SIZE_VER0,
			       ubatch);
	if (err)
		return err;
	if (batch.flags & ~UCB_BATCH_STOP_ON_ERROR || batch.reserved ||
	    batch.count > UCB_BATCH_MAX_CALLS ||
	    batch.call_size < UCB_CALL_SIZE_VER0 ||
	    batch.call_size > UCB_ARGS_SIZE_MAX)
		return -EINVAL;

	for (completed = 0; completed < batch.count; completed++) {
		/* At most 1024 entries of 4096 bytes: no u64 overflow. */
		ucall = u64_to_user_ptr(batch.calls +
					(u64)completed * batch.call_size);
		err = ucb_read_call(&call, ucall, batch.call_size);
		if (err)
			break;
		/* Each term is below 2^32, the sum of 1024 of them fits. */
		struct_bytes += (u64)call.struct_in_size + call.struct_out_size;
		if (struct_bytes > UCB_BATCH_BYTES_MAX) {
			err = -E2BIG;
			break;
		}
		err = ucb_call_run(client, ucall, &call, NULL);
		if (err)
			break;
		if (call.result != UCB_IORETURN_SUCCESS &&
		    batch.flags & UCB_BATCH_STOP_ON_ERROR) {
			completed++;
			break;
		}
		if (completed % UCB_BATCH_RESCHED_CALLS ==
		    UCB_BATCH_RESCHED_CALLS - 1)
			ucb_env_cond_resched();
	}

	if (copy_to_user((u8 __user *)ubatch +
			 offsetof(struct ucb_batch, completed),
			 &completed, sizeof(completed)))
		return -EFAULT;
	return err;
}

/* Copy a name into a fixed, NUL-padded field, truncating if it must. */
static void ucb_copy_name(char *dst, const char *src)
{
	size_t len = strnlen(src, UCB_NAME_SIZE - 1);

	memcpy(dst, src, len);
	memset(dst + len, 0, UCB_NAME_SIZE - len);
}

static long ucb_driver_info(struct ucb_client *client, void __user *uinfo)
{
	struct ucb_device *device = client->device;
	struct ucb_driver_info in, out = {};
	int err;

	err = ucb_copy_args_in(&in, sizeof(in), UCB_DRIVER_INFO_SIZE_VER0,
			       uinfo);
	if (err)
		return err;
	if (in.flags)
		return -EINVAL;

	out.size = in.size;
	out.abi_version = UCB_ABI_VERSION;
	out.driver_version = device->driver->version;
	out.method_count = device->method_count;
	out.max_scalars = UCB_MAX_SCALARS;
	out.max_struct_size = READ_ONCE(device->max_struct_size);
	out.struct_size_limit = UCB_STRUCT_SIZE_LIMIT;
	out.live_buffers = ucb_counter_read(&device->live_buffers);
	ucb_copy_name(out.name, device->driver->name);
	return ucb_copy_args_out(uinfo, &out, sizeof(out), in.size);
}

/*
 * Driver-wide counters show every user's activity, so only an admin reads
 * them; anyone else reads the calls made on this connection.
 */
static void ucb_method_counts(struct ucb_client *client, u32 selector,
			      u64 *calls, u64 *errors)
{
	const struct ucb_client_count *count = &client->counts[selector];
	u64 successes;

	if (ucb_env_client_is_admin(&client->env)) {
		ucb_env_stats_read(client->device->stats, selector, calls,
				   errors);
		return;
	}
	successes = ucb_counter_read(&count->successes);
	*errors = ucb_counter_read(&count->errors);
	*calls = successes + *errors;
}

static long ucb_method_info(struct ucb_client *client, void __user *uinfo)
{
	struct ucb_device *device = client->device;
	struct ucb_method_info in, out = {};
	const struct ucb_method *method;
	u32 max_struct_size;
	u32 selector;
	int err;

	err = ucb_copy_args_in(&in, sizeof(in), UCB_METHOD_INFO_SIZE_VER0,
			       uinfo);
	if (err)
		return err;
	if (in.flags)
		return -EINVAL;
	if (in.selector >= device->method_count)
		return -ENOENT;
	selector = array_index_nospec(in.selector, device->method_count);
	method = &device->driver->methods[selector];
	max_struct_size = READ_ONCE(device->max_struct_size);

	out.size = in.size;
	out.selector = selector;
	out.method_flags = method->flags;
	out.scalar_in_count = method->scalar_in_count;
	out.struct_in_size = method->struct_in_size;
	out.scalar_out_count = method->scalar_out_count;
	out.struct_out_size = method->struct_out_size;
	out.struct_in_max = ucb_effective_max(method->struct_in_size,
					      method->struct_in_max,
					      max_struct_size);
	out.struct_out_max = ucb_effective_max(method->struct_out_size,
					       method->struct_out_max,
					       max_struct_size);
	ucb_method_counts(client, selector, &out.calls, &out.errors);
	ucb_copy_name(out.name, method->name);
	return ucb_copy_args_out(uinfo, &out, sizeof(out), in.size);
}

/* A memory type's length: its size in whole pages (at most 64 MiB). */
static u32 ucb_memory_length(const struct ucb_memory_type *memory_type)
{
	return (memory_type->size + UCB_PAGE_SIZE - 1) / UCB_PAGE_SIZE *
	       UCB_PAGE_SIZE;
}

/* The memory of @type that @client sees; made at first use. */
static struct ucb_memory *ucb_memory_of(struct ucb_client *client, u32 type)
{
	struct ucb_device *device = client->device;
	const struct ucb_memory_type *memory_type =
		&device->driver->memory_types[type];
	struct ucb_memory *memory, made = {};

	memory = memory_type->flags & UCB_MEMORY_SHARED ?
		 &device->memory[type] : &client->memory[type];
	/* Made once, then only read: a method's lookup takes no lock. */
	if (ucb_load_acquire(&memory->kaddr))
		return memory;
	ucb_env_mutex_lock(&device->memory_lock);
	if (!memory->kaddr) {
		if (ucb_env_memory_alloc(&made, ucb_memory_length(memory_type))) {
			memory = NULL;
			goto unlock;
		}
		memory->size = made.size;
		memory->env = made.env;
		/* Published whole: its size and environment first. */
		ucb_store_release(&memory->kaddr, made.kaddr);
	}
unlock:
	ucb_env_mutex_unlock(&device->memory_lock);
	return memory;
}

static long ucb_memory_info(struct ucb_client *client, void __user *uinfo)
{
	const struct ucb_driver *driver = client->device->driver;
	const struct ucb_memory_type *memory_type;
	struct ucb_memory_info in, out = {};
	u32 type;
	int err;

	err = ucb_copy_args_in(&in, sizeof(in), UCB_MEMORY_INFO_SIZE_VER0,
			       uinfo);
	if (err)
		return err;
	if (in.flags)
		return -EINVAL;
	if (in.type >= driver->memory_type_count)
		return -ENOENT;
	type = array_index_nospec(in.type, driver->memory_type_count);
	memory_type = &driver->memory_types[type];

	out.size = in.size;
	out.type = type;
	out.memory_flags = memory_type->flags;
	out.length = ucb_memory_length(memory_type);
	out.offset = UCB_MEMORY_OFFSET(type);
	ucb_copy_name(out.name, memory_type->name);
	return ucb_copy_args_out(uinfo, &out, sizeof(out), in.size);
}

/**
 * ucb_client_map() - check an mmap() of a client's memory and find it
 * @client: The client.
 * @offset: The mmap() offset: UCB_MEMORY_OFFSET() of a memory type.
 * @length: The length mapped, from the type's start.
 * @shared: MAP_SHARED.
 * @writable: PROT_WRITE asked for.
 * @memory: Out: the memory to map; it lives as long as the client.
 * @read_only: Out: the mapping must never become writable.
 *
 * Return: 0, -EINVAL for an offset, length or private mapping the ABI
 * refuses, -EACCES for writing a read-only type, -ENOMEM, or -ENODEV once
 * the driver is unregistered.
 */
int ucb_client_map(struct ucb_client *client, u64 offset, u64 length,
		   bool shared, bool writable, struct ucb_memory **memory,
		   bool *read_only)
{
	struct ucb_env_gate *gate = &client->device->gate;
	const struct ucb_driver *driver;
	u32 type, flags;
	int idx, err = 0;

	idx = ucb_env_gate_enter(gate);
	if (ucb_env_gate_closed(gate)) {
		err = -ENODEV;
		goto out;
	}
	driver = client->device->driver;
	type = offset >> 32;
	if ((u32)offset || type >= driver->memory_type_count || !shared) {
		err = -EINVAL;
		goto out;
	}
	type = array_index_nospec(type, driver->memory_type_count);
	flags = driver->memory_types[type].flags;
	if (!length || length > ucb_memory_length(&driver->memory_types[type])) {
		err = -EINVAL;
		goto out;
	}
	if (writable && flags & UCB_MEMORY_READ_ONLY) {
		err = -EACCES;
		goto out;
	}
	*read_only = flags & UCB_MEMORY_READ_ONLY;
	*memory = ucb_memory_of(client, type);
	if (!*memory)
		err = -ENOMEM;
out:
	ucb_env_gate_exit(gate, idx);
	return err;
}

/**
 * ucb_client_memory() - a memory type's memory as a client sees it
 * @client: The client, in one of its driver's methods or callbacks.
 * @type: The memory type.
 * @size: Out: its size in bytes.
 *
 * The client may be writing it at any moment: a method validates values
 * from it only in a snapshot (ucb_client_memory_snapshot()).
 *
 * Return: its kernel address, made zeroed at first use, or NULL for an
 * unknown type or when out of memory.
 */
void *ucb_client_memory(struct ucb_client *client, u32 type, u32 *size)
{
	const struct ucb_driver *driver = client->device->driver;
	struct ucb_memory *memory;

	if (type >= driver->memory_type_count)
		return NULL;
	memory = ucb_memory_of(client,
			       array_index_nospec(type,
						  driver->memory_type_count));
	if (!memory)
		return NULL;
	*size = memory->size;
	return memory->kaddr;
}
EXPORT_SYMBOL_GPL(ucb_client_memory);

/**
 * ucb_device_memory() - a shared memory type's memory, for its driver
 * @device: The driver's device (&struct ucb_driver.device).
 * @type: A %UCB_MEMORY_SHARED memory type; registration made it.
 * @size: Out: its size in bytes.
 *
 * Return: its kernel address, or NULL for an unknown or per-client type.
 */
void *ucb_device_memory(struct ucb_device *device, u32 type, u32 *size)
{
	const struct ucb_driver *driver = device->driver;

	if (type >= driver->memory_type_count)
		return NULL;
	type = array_index_nospec(type, driver->memory_type_count);
	if (!(driver->memory_types[type].flags & UCB_MEMORY_SHARED))
		return NULL;
	*size = device->memory[type].size;
	return device->memory[type].kaddr;
}
EXPORT_SYMBOL_GPL(ucb_device_memory);

/**
 * ucb_client_memory_snapshot() - copy part of a client's memory, once
 * @client: The client, in one of its driver's methods.
 * @type: The memory type.
 * @offset: Where the part starts, in bytes.
 * @length: Its length; 0 is an empty snapshot.
 * @snapshot: Out: the copy, which no client can write: a method checks
 *	values there and uses the values it checked.
 *
 * Return: 0, -EINVAL for an unknown type or a part outside the memory,
 * or -ENOMEM.  On 0, ucb_snapshot_release() gives the copy back.
 */
int ucb_client_memory_snapshot(struct ucb_client *client, u32 type,
			       u64 offset, u64 length,
			       struct ucb_snapshot *snapshot)
{
	struct ucb_device *device = client->device;
	const u8 *live;
	void *copy;
	u32 size;

	if (type >= device->driver->memory_type_count)
		return -EINVAL;
	live = ucb_client_memory(client, type, &size);
	if (!live)
		return -ENOMEM;
	if (offset > size || length > size - offset)
		return -EINVAL;
	if (ucb_test_break_shared_live()) {
		snapshot->data = live + offset;
		snapshot->size = length;
		return 0;
	}
	copy = ucb_env_alloc(length ?: 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, live + offset, length);
	ucb_counter_inc(&device->live_buffers);
	snapshot->data = copy;
	snapshot->size = length;
	return 0;
}
EXPORT_SYMBOL_GPL(ucb_client_memory_snapshot);

/**
 * ucb_snapshot_release() - give back a snapshot
 * @client: The client it was made for.
 * @snapshot: The snapshot.
 */
void ucb_snapshot_release(struct ucb_client *client,
			  struct ucb_snapshot *snapshot)
{
	if (ucb_test_break_shared_live())
		return;
	ucb_env_free((void *)snapshot->data);
	ucb_counter_dec(&client->device->live_buffers);
	snapshot->data = NULL;
}
EXPORT_SYMBOL_GPL(ucb_snapshot_release);

/* UCB_IOC_OPEN: IOServiceOpen's type, before the first call. */
static long ucb_open_type(struct ucb_client *client, void __user *uopen)
{
	struct ucb_open open;
	bool was_open;
	int err;

	err = ucb_copy_args_in(&open, sizeof(open), UCB_OPEN_SIZE_VER0, uopen);
	if (err)
		return err;
	if (open.flags)
		return -EINVAL;
	open.result = ucb_client_open(client, open.type, &was_open);
	if (was_open)
		return -EBUSY;
	if (copy_to_user((u8 __user *)uopen + offsetof(struct ucb_open, result),
			 &open.result, sizeof(open.result)))
		return -EFAULT;
	return 0;
}

/* Every ioctl but UCB_IOC_CALL, which ucb_ioctl() handles itself. */
static __always_inline long ucb_dispatch(struct ucb_client *client,
					 unsigned int cmd, void __user *arg)
{
	switch (cmd) {
	case UCB_IOC_DRIVER_INFO:
		return ucb_driver_info(client, arg);
	case UCB_IOC_METHOD_INFO:
		return ucb_method_info(client, arg);
	case UCB_IOC_OPEN:
		return ucb_open_type(client, arg);
	case UCB_IOC_CALL_BATCH:
		return ucb_call_batch(client, arg);
	case UCB_IOC_MEMORY_INFO:
		return ucb_memory_info(client, arg);
	case UCB_IOC_CALL_ASYNC:
		return ucb_call_async(client, arg);
	case UCB_IOC_CANCEL:
		return ucb_cancel(client, arg);
	default:
		return -ENOTTY;
	}
}

/**
 * ucb_ioctl() - handle one ioctl on a ucbridge client
 * @client: The client.
 * @cmd: The ioctl command.
 * @arg: Its user pointer argument.
 *
 * Return: 0, or a negative errno: -ENOTTY for a command we do not know,
 * -ENODEV for any once the client's driver is unregistered.
 */
long ucb_ioctl(struct ucb_client *client, unsigned int cmd,
	       void __user *arg)
{
	struct ucb_env_gate *gate = &client->device->gate;
	long ret;
	int idx;

	idx = ucb_env_gate_enter(gate);
	if (unlikely(ucb_env_gate_closed(gate)))
		ret = -ENODEV;
	else if (likely(cmd == UCB_IOC_CALL))
		ret = ucb_call(client, arg);
	else
		ret = ucb_dispatch(client, cmd, arg);
	ucb_env_gate_exit(gate, idx);
	return ret;
}

static bool ucb_size_valid(u32 size, u32 max)
{
	return size == UCB_VARIABLE_SIZE ? max <= UCB_STRUCT_SIZE_LIMIT :
					   size <= UCB_STRUCT_SIZE_LIMIT;
}

static bool ucb_method_valid(const struct ucb_method *method)
{
	return method->handler && method->name &&
	       strnlen(method->name, UCB_NAME_SIZE) < UCB_NAME_SIZE &&
	       (method->scalar_in_count <= UCB_MAX_SCALARS ||
		method->scalar_in_count == UCB_VARIABLE_SIZE) &&
	       (method->scalar_out_count <= UCB_MAX_SCALARS ||
		method->scalar_out_count == UCB_VARIABLE_SIZE) &&
	       ucb_size_valid(method->struct_in_size, method->struct_in_max) &&
	       ucb_size_valid(method->struct_out_size,
			      method->struct_out_max) &&
	       !(method->flags & ~(UCB_METHOD_FLAG_ADMIN |
				   UCB_METHOD_FLAG_ASYNC)) &&
	       method->async_size <= UCB_ASYNC_PRIVATE_MAX &&
	       ((method->flags & UCB_METHOD_FLAG_ASYNC) ||
		(!method->cancel && !method->async_size));
}

/* A name that is safe as a file name in /dev/ucbridge and sysfs. */
static bool ucb_name_valid(const char *name)
{
	size_t i, len = name ? strnlen(name, UCB_NAME_SIZE) : 0;

	if (!len || len >= UCB_NAME_SIZE || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '_' && c != '-' &&
		    c != '.')
			return false;
	}
	return true;
}

static bool ucb_memory_types_valid(const struct ucb_driver *driver)
{
	const struct ucb_memory_type *memory_type;
	u64 per_client = 0;
	u32 i;

	if (driver->memory_type_count > UCB_MEMORY_TYPE_MAX ||
	    (driver->memory_type_count && !driver->memory_types))
		return false;
	for (i = 0; i < driver->memory_type_count; i++) {
		memory_type = &driver->memory_types[i];
		if (!memory_type->name ||
		    strnlen(memory_type->name, UCB_NAME_SIZE) >= UCB_NAME_SIZE ||
		    !memory_type->size ||
		    memory_type->size > UCB_MEMORY_SIZE_LIMIT ||
		    memory_type->flags & ~(UCB_MEMORY_READ_ONLY |
					   UCB_MEMORY_SHARED))
			return false;
		if (!(memory_type->flags & UCB_MEMORY_SHARED))
			per_client += ucb_memory_length(memory_type);
	}
	return per_client <= UCB_MEMORY_CLIENT_LIMIT;
}

static bool ucb_driver_valid(const struct ucb_driver *driver)
{
	u32 i;

	if (!ucb_name_valid(driver->name) || !driver->methods ||
	    !driver->method_count ||
	    driver->method_count > UCB_METHOD_COUNT_MAX ||
	    driver->max_struct_size < UCB_STRUCT_SIZE_FLOOR ||
	    driver->max_struct_size > UCB_STRUCT_SIZE_LIMIT ||
	    driver->mode & ~0777U || !ucb_memory_types_valid(driver))
		return false;
	for (i = 0; i < driver->method_count; i++)
		if (!ucb_method_valid(&driver->methods[i]))
			return false;
	return true;
}

/* Free a set of memory types' memory: what was made of it. */
static void ucb_memory_free(struct ucb_memory *memory)
{
	u32 i;

	for (i = 0; i < UCB_MEMORY_TYPE_MAX; i++)
		ucb_env_memory_free(&memory[i]);
}

/**
 * ucb_device_create() - validate a driver and set up the core's side of it
 * @driver: The driver, filled in (see &struct ucb_driver); it must stay
 *	unchanged until ucb_device_shutdown().
 * @devicep: Where the new device goes; it holds one reference, dropped by
 *	ucb_device_put().
 *
 * Return: 0, -EINVAL for a malformed driver, or -ENOMEM.
 */
int ucb_device_create(const struct ucb_driver *driver,
		      struct ucb_device **devicep)
{
	struct ucb_device *device;
	u32 i;
	int err;

	if (!ucb_driver_valid(driver))
		return -EINVAL;
	device = ucb_env_zalloc(sizeof(*device));
	if (!device)
		return -ENOMEM;
	device->driver = driver;
	device->method_count = driver->method_count;
	device->max_struct_size = driver->max_struct_size;
	device->stats = ucb_env_stats_alloc(driver->method_count);
	if (!device->stats) {
		err = -ENOMEM;
		goto free_device;
	}
	for (i = 0; i < driver->memory_type_count; i++) {
		if (!(driver->memory_types[i].flags & UCB_MEMORY_SHARED))
			continue;
		err = ucb_env_memory_alloc(&device->memory[i],
					   ucb_memory_length(&driver->memory_types[i]));
		if (err)
			goto free_memory;
	}
	err = ucb_env_gate_init(&device->gate);
	if (err)
		goto free_memory;
	ucb_env_mutex_init(&device->lock);
	ucb_env_mutex_init(&device->memory_lock);
	ucb_ref_init(&device->refs);
	*devicep = device;
	return 0;

free_memory:
	ucb_memory_free(device->memory);
	ucb_env_stats_free(device->stats);
free_device:
	ucb_env_free(device);
	return err;
}

/**
 * ucb_device_shutdown() - cut a device off from its driver
 * @device: The device.
 *
 * Refuses every later ioctl with -ENODEV, waits for those running,
 * cancels every pending async call and waits for it, and calls the
 * driver's close callback for each client it opened.  Completions stay
 * readable; then read(2) says the driver is gone.  When this returns the
 * core holds no pointer into the driver.
 */
void ucb_device_shutdown(struct ucb_device *device)
{
	const struct ucb_driver *driver = device->driver;
	struct ucb_client *client;

	ucb_env_gate_close(&device->gate);
	ucb_env_mutex_lock(&device->lock);
	for (client = device->clients; client; client = client->next) {
		if (client->state == UCB_CLIENT_OPEN) {
			ucb_client_cancel_all(client);
			if (driver->close)
				driver->close(client);
		}
		client->state = UCB_CLIENT_CLOSED;
		ucb_client_events_hangup(client);
	}
	device->driver = NULL;
	ucb_env_mutex_unlock(&device->lock);
}

static void ucb_device_get(struct ucb_device *device)
{
	ucb_ref_get(&device->refs);
}

/**
 * ucb_device_put() - drop a reference to a device, freeing it with the last
 * @device: The device.
 */
void ucb_device_put(struct ucb_device *device)
{
	if (!ucb_ref_put(&device->refs))
		return;
	ucb_env_mutex_destroy(&device->memory_lock);
	ucb_env_mutex_destroy(&device->lock);
	ucb_env_gate_destroy(&device->gate);
	ucb_memory_free(device->memory);
	ucb_env_stats_free(device->stats);
	ucb_env_free(device);
}

/**
 * ucb_device_set_max_struct_size() - change the driver-wide struct bound
 * @device: The device.
 * @size: The new bound, %UCB_STRUCT_SIZE_FLOOR to %UCB_STRUCT_SIZE_LIMIT.
 *
 * Calls in flight keep the bound they started with.
 *
 * Return: 0, or -EINVAL for a size out of range.
 */
int ucb_device_set_max_struct_size(struct ucb_device *device, u32 size)
{
	if (size < UCB_STRUCT_SIZE_FLOOR || size > UCB_STRUCT_SIZE_LIMIT)
		return -EINVAL;
	WRITE_ONCE(device->max_struct_size, size);
	return 0;
}

/**
 * ucb_device_max_struct_size() - the driver-wide struct bound now
 * @device: The device.
 *
 * Return: the bound calls starting now get.
 */
u32 ucb_device_max_struct_size(const struct ucb_device *device)
{
	return READ_ONCE(device->max_struct_size);
}

/**
 * ucb_device_reset_stats() - zero a driver's driver-wide call counters
 * @device: The driver's device (&struct ucb_driver.device, or
 *	ucb_client_device() in a method).
 *
 * Clients' own counters go on.
 */
void ucb_device_reset_stats(struct ucb_device *device)
{
	ucb_env_stats_reset(device->stats);
}
EXPORT_SYMBOL_GPL(ucb_device_reset_stats);

/**
 * ucb_client_init() - set up a new client of a device
 * @client: Storage for it.
 * @device: The device; the client takes a reference.
 *
 * The environment part, @client->env, is the caller's to fill in.
 *
 * Return: 0, or -ENOMEM; on failure there is nothing to release.
 */
int ucb_client_init(struct ucb_client *client, struct ucb_device *device)
{
	memset(client, 0, sizeof(*client));
	client->device = device;
	client->counts = ucb_env_zalloc(device->method_count *
					sizeof(*client->counts));
	if (!client->counts)
		return -ENOMEM;
	if (ucb_env_events_init(&client->events_env)) {
		ucb_env_free(client->counts);
		return -ENOMEM;
	}
	ucb_spin_init(&client->events_lock);
	ucb_device_get(device);
	ucb_env_mutex_lock(&device->lock);
	client->next = device->clients;
	if (device->clients)
		device->clients->prev = client;
	device->clients = client;
	/* A client opened after unregistering reads the end at once. */
	if (ucb_env_gate_closed(&device->gate)) {
		client->state = UCB_CLIENT_CLOSED;
		ucb_client_events_hangup(client);
	}
	ucb_env_mutex_unlock(&device->lock);
	return 0;
}

/**
 * ucb_client_release() - close a client and free what it holds
 * @client: The client; no ioctl or read may be running on it.
 *
 * Unless the driver is gone, cancels the client's pending async calls,
 * waits for them, and calls the driver's close callback.  Events not
 * read are discarded.
 */
void ucb_client_release(struct ucb_client *client)
{
	struct ucb_device *device = client->device;

	ucb_env_mutex_lock(&device->lock);
	if (client->state == UCB_CLIENT_OPEN) {
		ucb_client_cancel_all(client);
		if (device->driver->close)
			device->driver->close(client);
	}
	client->state = UCB_CLIENT_CLOSED;
	if (client->prev)
		client->prev->next = client->next;
	else
		device->clients = client->next;
	if (client->next)
		client->next->prev = client->prev;
	ucb_env_mutex_unlock(&device->lock);

	ucb_client_events_discard(client);
	ucb_env_events_destroy(&client->events_env);
	ucb_env_free(client->input_cache);
	ucb_env_free(client->counts);
	ucb_memory_free(client->memory);
	ucb_device_put(device);
}

/**
 * ucb_client_private() - the driver's per-client state
 * @client: The client.
 *
 * Return: what the driver set with ucb_client_set_private(), or NULL.
 */
void *ucb_client_private(const struct ucb_client *client)
{
	return client->private;
}
EXPORT_SYMBOL_GPL(ucb_client_private);

/**
 * ucb_client_set_private() - keep per-client state, in the open callback
 * @client: The client.
 * @private: The driver's; the close callback frees it.
 */
void ucb_client_set_private(struct ucb_client *client, void *private)
{
	client->private = private;
}
EXPORT_SYMBOL_GPL(ucb_client_set_private);

/**
 * ucb_client_type() - the user-client type the driver accepted
 * @client: The client.
 *
 * Return: the type passed to the open callback (IOServiceOpen's type).
 */
u32 ucb_client_type(const struct ucb_client *client)
{
	return client->type;
}
EXPORT_SYMBOL_GPL(ucb_client_type);

/**
 * ucb_client_driver() - the driver a client talks to
 * @client: The client, in one of its driver's callbacks or methods.
 *
 * Return: the registered driver, for its @context.
 */
const struct ucb_driver *ucb_client_driver(const struct ucb_client *client)
{
	return client->device->driver;
}
EXPORT_SYMBOL_GPL(ucb_client_driver);

/**
 * ucb_client_device() - the device a client talks to
 * @client: The client.
 *
 * Return: its device, for ucb_device_reset_stats().
 */
struct ucb_device *ucb_client_device(const struct ucb_client *client)
{
	return client->device;
}
EXPORT_SYMBOL_GPL(ucb_client_device);
