// SPDX-License-Identifier: GPL-2.0
/*
 * Compile-time checks that the ABI has the layout its documentation
 * promises: fixed sizes, no implicit padding.
 */
#include <stddef.h>

#include "CUCBridge.h"

_Static_assert(sizeof(struct ucb_call) == UCB_CALL_SIZE_VER0,
	       "struct ucb_call has padding or grew without a new VER");
_Static_assert(offsetof(struct ucb_call, scalar_in) == 32,
	       "struct ucb_call pointers must be 8-byte aligned");
_Static_assert(sizeof(struct ucb_driver_info) == UCB_DRIVER_INFO_SIZE_VER0,
	       "struct ucb_driver_info has padding");
_Static_assert(sizeof(struct ucb_method_info) == UCB_METHOD_INFO_SIZE_VER0,
	       "struct ucb_method_info has padding");
_Static_assert(sizeof(struct ucb_transform) == 24,
	       "struct ucb_transform has padding");
_Static_assert(sizeof(struct ucb_batch) == UCB_BATCH_SIZE_VER0,
	       "struct ucb_batch has padding or grew without a new VER");
