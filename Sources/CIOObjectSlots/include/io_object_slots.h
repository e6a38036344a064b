/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The chunk directory of UCBridgeIOKit's handle table (IOObjectTable.swift).
 *
 * A synchronous call through the IOKit shim is inlined into its caller,
 * which finds the handle's slot through this directory.  It is a C array
 * because code in another module reaches a Swift global only through a
 * call to its addressor (6 instructions a lookup); this array is one load
 * away, its address a link-time constant.
 */
#ifndef IO_OBJECT_SLOTS_H
#define IO_OBJECT_SLOTS_H

#include <stdint.h>

/* A handle's slot index: its low bits; the slot's generation is above. */
#define IO_OBJECT_INDEX_BITS 20
/* Slots per chunk, as a power of two. */
#define IO_OBJECT_CHUNK_BITS 10

/* Each chunk's address, 0 until made; made once, kept for the process. */
extern uintptr_t io_object_chunks[1 << (IO_OBJECT_INDEX_BITS - IO_OBJECT_CHUNK_BITS)];

/**
 * io_object_chunk() - the address of a chunk of slots
 * @chunk: the chunk's number, a slot index shifted by IO_OBJECT_CHUNK_BITS
 *
 * Return: the chunk's address, with its slots made (an acquiring load), or
 * 0 for a chunk not made.
 */
static inline uintptr_t io_object_chunk(uintptr_t chunk)
{
	return __atomic_load_n(&io_object_chunks[chunk], __ATOMIC_ACQUIRE);
}

/**
 * io_object_set_chunk() - publish a chunk of slots, once they are made
 * @chunk: the chunk's number
 * @address: its address
 */
static inline void io_object_set_chunk(uintptr_t chunk, uintptr_t address)
{
	__atomic_store_n(&io_object_chunks[chunk], address, __ATOMIC_RELEASE);
}

#endif
