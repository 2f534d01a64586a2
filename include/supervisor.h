/*
 * supervisor.h: runs a formation on libuv until it stops (SPEC section 6).
 */
#ifndef TFRUN_SUPERVISOR_H
#define TFRUN_SUPERVISOR_H

#include "plan.h"

/*
 * Starts every instance of the plan, supervises them, and returns tfrun's
 * exit status once every instance has ended and every handle is closed.
 */
int supervisor_run(const struct plan *plan);

#endif
