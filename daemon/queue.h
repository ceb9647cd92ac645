/* hearsay: bounded multi-producer multi-consumer queue of pointers.
 *
 * The queues between pipeline stages. A push hands ownership of the item
 * to whichever thread pops it. Safe from any thread (one mutex, two
 * condition variables). Closing wakes every waiter: pushes then fail, pops
 * drain what is left and then report closed.
 */
#ifndef HS_QUEUE_H
#define HS_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hs_queue hs_queue;

hs_queue *hs_queue_new(size_t capacity);
/* Frees the queue only; items still inside are the caller's to drain. */
void hs_queue_free(hs_queue *q);

/* Non-blocking: 0 on success, -1 if full or closed. */
int hs_queue_try_push(hs_queue *q, void *item);
/* Blocks while full: 0 on success, -1 if the queue is closed. */
int hs_queue_push(hs_queue *q, void *item);
/* Blocks up to timeout_us (-1 = forever). Returns 1 with *item set,
 * 0 on timeout, -1 when closed and empty. */
int hs_queue_pop(hs_queue *q, void **item, int64_t timeout_us);
void hs_queue_close(hs_queue *q);
/* Wake one blocked pop early, as if its timeout had expired (it returns 0
 * if the queue is still empty). Any thread; never blocks on the queue. */
void hs_queue_kick(hs_queue *q);
size_t hs_queue_depth(hs_queue *q);
size_t hs_queue_capacity(const hs_queue *q);

#endif
