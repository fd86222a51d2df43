// SPDX-License-Identifier: GPL-2.0
/* module/gen.c, compiled into ptscope_kunit.ko (see Kbuild) */
#include "../../module/gen.c"
