/* hearsay: bounded MPMC queue (see queue.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "queue.h"

struct hs_queue {
	pthread_mutex_t mu;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	void **ring;
	size_t cap, head, count;
	bool closed;
	bool kicked;   /* hs_queue_kick: the next waiting pop returns early */
};

hs_queue *hs_queue_new(size_t capacity)
{
	hs_queue *q = calloc(1, sizeof(*q));
	pthread_condattr_t ca;

	if (!q || capacity == 0)
		goto fail;
	q->ring = calloc(capacity, sizeof(void *));
	if (!q->ring)
		goto fail;
	q->cap = capacity;
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->not_empty, &ca);
	pthread_cond_init(&q->not_full, &ca);
	pthread_condattr_destroy(&ca);
	return q;
fail:
	if (q)
		free(q->ring);
	free(q);
	return NULL;
}

void hs_queue_free(hs_queue *q)
{
	if (!q)
		return;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	free(q->ring);
	free(q);
}

static void put_locked(hs_queue *q, void *item)
{
	q->ring[(q->head + q->count) % q->cap] = item;
	q->count++;
	pthread_cond_signal(&q->not_empty);
}

int hs_queue_try_push(hs_queue *q, void *item)
{
	int rc = -1;
	pthread_mutex_lock(&q->mu);
	if (!q->closed && q->count < q->cap) {
		put_locked(q, item);
		rc = 0;
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int hs_queue_push(hs_queue *q, void *item)
{
	int rc = -1;
	pthread_mutex_lock(&q->mu);
	while (!q->closed && q->count == q->cap)
		pthread_cond_wait(&q->not_full, &q->mu);
	if (!q->closed) {
		put_locked(q, item);
		rc = 0;
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int hs_queue_pop(hs_queue *q, void **item, int64_t timeout_us)
{
	struct timespec dl;
	int rc;

	if (timeout_us >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_sec += timeout_us / 1000000;
		dl.tv_nsec += (timeout_us % 1000000) * 1000;
		if (dl.tv_nsec >= 1000000000) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000;
		}
	}
	pthread_mutex_lock(&q->mu);
	while (q->count == 0 && !q->closed && !q->kicked) {
		if (timeout_us < 0) {
			pthread_cond_wait(&q->not_empty, &q->mu);
		} else if (pthread_cond_timedwait(&q->not_empty, &q->mu, &dl) == ETIMEDOUT) {
			break;
		}
	}
	q->kicked = false;
	if (q->count > 0) {
		*item = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->count--;
		pthread_cond_signal(&q->not_full);
		rc = 1;
	} else {
		rc = q->closed ? -1 : 0;
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

void hs_queue_close(hs_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
}

void hs_queue_kick(hs_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->kicked = true;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
}

size_t hs_queue_depth(hs_queue *q)
{
	size_t n;
	pthread_mutex_lock(&q->mu);
	n = q->count;
	pthread_mutex_unlock(&q->mu);
	return n;
}

size_t hs_queue_capacity(const hs_queue *q)
{
	return q->cap;
}
