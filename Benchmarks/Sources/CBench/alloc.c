// SPDX-License-Identifier: GPL-2.0
/*
 * A malloc counter.  This executable defines the C allocation functions, so
 * the dynamic linker binds every library's calls (the Swift runtime's
 * swift_slowAlloc included) to these; each counts, while counting is on,
 * and hands the request to glibc's own allocator.  free() need not be
 * wrapped: the memory is glibc's either way.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbench.h"

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *__libc_memalign(size_t align, size_t size);

static bool ucbb_counting;
static uint64_t ucbb_allocs;

static inline void ucbb_count(void)
{
	if (__atomic_load_n(&ucbb_counting, __ATOMIC_RELAXED))
		__atomic_fetch_add(&ucbb_allocs, 1, __ATOMIC_RELAXED);
}

void ucbb_alloc_count_start(void)
{
	__atomic_store_n(&ucbb_allocs, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ucbb_counting, true, __ATOMIC_SEQ_CST);
}

uint64_t ucbb_alloc_count_stop(void)
{
	__atomic_store_n(&ucbb_counting, false, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&ucbb_allocs, __ATOMIC_RELAXED);
}

void *malloc(size_t size)
{
	ucbb_count();
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	ucbb_count();
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	ucbb_count();
	return __libc_realloc(p, size);
}

void *memalign(size_t align, size_t size)
{
	ucbb_count();
	return __libc_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
	ucbb_count();
	return __libc_memalign(align, size);
}

int posix_memalign(void **p, size_t align, size_t size)
{
	void *m;

	if (!align || align % sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	ucbb_count();
	m = __libc_memalign(align, size);
	if (!m)
		return ENOMEM;
	*p = m;
	return 0;
}
