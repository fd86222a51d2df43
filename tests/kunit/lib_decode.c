// SPDX-License-Identifier: GPL-2.0
/* module/decode.c, compiled into ptscope_kunit.ko (see Kbuild) */
#include "../../module/decode.c"
