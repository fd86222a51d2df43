// SPDX-License-Identifier: GPL-2.0
/* module/render.c, compiled into ptscope_kunit.ko (see Kbuild) */
#include "../../module/render.c"
