// SPDX-License-Identifier: GPL-2.0
#include "io_object_slots.h"

uintptr_t io_object_chunks[1 << (IO_OBJECT_INDEX_BITS - IO_OBJECT_CHUNK_BITS)];
