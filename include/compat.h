/*
 * compat.h: attribute macros and small helpers shared by every module.
 */
#ifndef TFRUN_COMPAT_H
#define TFRUN_COMPAT_H

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define printflike(a, b) __attribute__((format(printf, a, b)))
#define tf_noreturn __attribute__((noreturn))
#define tf_unused __attribute__((unused))
#else
#define printflike(a, b)
#define tf_noreturn
#define tf_unused
#endif

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

#endif
