/*
 * ports.h: the PORT of each instance (SPEC section 4).
 */
#ifndef TFRUN_PORTS_H
#define TFRUN_PORTS_H

#include <stddef.h>

#define PORTS_MAX 65535

/*
 * Computes base + step * index + (n - 1) for instance n (from 1) of the
 * type at Procfile position index (from 0). Returns 0 and sets *port, or -1
 * when the result would exceed PORTS_MAX or any input is out of range.
 */
int ports_for(long base, long step, size_t index, long n, long *port);

#endif
