/*
 * ports.c: the PORT of each instance (SPEC section 4), foreman's port_for
 * with range checks.
 */
#include <stddef.h>

#include "ports.h"

/* Computes the port of instance n of the type at index; see ports.h. */
int
ports_for(long base, long step, size_t index, long n, long *port)
{
	long room;

	if (base < 1 || base > PORTS_MAX || step < 1 || n < 1)
		return -1;

	/*
	 * Every term is checked against what is left below PORTS_MAX before
	 * it is added, so no multiplication or sum can overflow.
	 */
	room = PORTS_MAX - base;
	if (index > (size_t)(room / step))
		return -1;
	room -= step * (long)index;
	if (n - 1 > room)
		return -1;
	*port = base + step * (long)index + (n - 1);
	return 0;
}
