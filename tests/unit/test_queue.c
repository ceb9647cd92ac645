/* hearsay: unit tests for the bounded MPMC queue (daemon/queue.c). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "queue.h"
#include "timeutil.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

#define ITEM(n) ((void *)(uintptr_t)(n))
#define NUM(p) ((uintptr_t)(p))

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* ---- single thread -------------------------------------------------------------------- */

START_TEST(test_new_and_capacity)
{
	ck_assert_ptr_null(hs_queue_new(0));
	hs_queue *q = hs_queue_new(3);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(hs_queue_capacity(q), 3);
	ck_assert_uint_eq(hs_queue_depth(q), 0);
	hs_queue_free(q);
	hs_queue_free(NULL);
}
END_TEST

START_TEST(test_try_push_full)
{
	hs_queue *q = hs_queue_new(3);
	void *it = NULL;

	ck_assert_int_eq(hs_queue_try_push(q, ITEM(1)), 0);
	ck_assert_int_eq(hs_queue_try_push(q, ITEM(2)), 0);
	ck_assert_int_eq(hs_queue_try_push(q, ITEM(3)), 0);
	ck_assert_uint_eq(hs_queue_depth(q), 3);
	ck_assert_int_eq(hs_queue_try_push(q, ITEM(4)), -1);
	ck_assert_int_eq(hs_queue_try_push(q, ITEM(4)), -1);
	ck_assert_uint_eq(hs_queue_depth(q), 3);
	/* one out, one in again */
	ck_assert_int_eq(hs_queue_pop(q, &it, 0), 1);
	ck_assert_uint_eq(NUM(it), 1);
	ck_assert_int_eq(hs_queue_try_push(q, ITEM(4)), 0);
	ck_assert_int_eq(hs_queue_try_push(q, ITEM(5)), -1);
	for (uintptr_t want = 2; want <= 4; want++) {
		ck_assert_int_eq(hs_queue_pop(q, &it, 0), 1);
		ck_assert_uint_eq(NUM(it), want);
	}
	ck_assert_uint_eq(hs_queue_depth(q), 0);
	hs_queue_free(q);
}
END_TEST

START_TEST(test_fifo_wraparound)
{
	hs_queue *q = hs_queue_new(4);
	uintptr_t next_in = 1, next_out = 1;
	void *it;

	/* push/pop in uneven steps so the ring wraps many times */
	for (int round = 0; round < 200; round++) {
		int pushes = 1 + round % 4;
		for (int i = 0; i < pushes && hs_queue_try_push(q, ITEM(next_in)) == 0; i++)
			next_in++;
		int pops = 1 + (round * 7) % 3;
		for (int i = 0; i < pops; i++) {
			int rc = hs_queue_pop(q, &it, 0);
			if (rc == 0)
				break;
			ck_assert_int_eq(rc, 1);
			ck_assert_uint_eq(NUM(it), next_out);
			next_out++;
		}
		ck_assert_uint_eq(hs_queue_depth(q), next_in - next_out);
	}
	while (hs_queue_pop(q, &it, 0) == 1) {
		ck_assert_uint_eq(NUM(it), next_out);
		next_out++;
	}
	ck_assert_uint_eq(next_out, next_in);
	ck_assert_uint_gt(next_in, 200);
	/* NULL is a valid item */
	ck_assert_int_eq(hs_queue_push(q, NULL), 0);
	it = ITEM(9);
	ck_assert_int_eq(hs_queue_pop(q, &it, 0), 1);
	ck_assert_ptr_null(it);
	hs_queue_free(q);
}
END_TEST

START_TEST(test_pop_timeout)
{
	hs_queue *q = hs_queue_new(2);
	void *it = ITEM(77);

	/* zero timeout: immediate */
	int64_t t0 = hs_mono_us();
	ck_assert_int_eq(hs_queue_pop(q, &it, 0), 0);
	ck_assert_int_lt(hs_mono_us() - t0, 50000);
	ck_assert_uint_eq(NUM(it), 77); /* untouched */

	/* 120 ms: waits at least that long, not much longer */
	t0 = hs_mono_us();
	ck_assert_int_eq(hs_queue_pop(q, &it, 120000), 0);
	int64_t waited = hs_mono_us() - t0;
	ck_assert_int_ge(waited, 120000);
	ck_assert_int_lt(waited, 2000000);
	ck_assert_uint_eq(NUM(it), 77);

	/* sub-second timeout with a large microsecond part (tv_nsec carry) */
	t0 = hs_mono_us();
	ck_assert_int_eq(hs_queue_pop(q, &it, 999999), 0);
	waited = hs_mono_us() - t0;
	ck_assert_int_ge(waited, 999999);
	ck_assert_int_lt(waited, 3000000);

	/* an item already there: returned at once */
	ck_assert_int_eq(hs_queue_push(q, ITEM(5)), 0);
	t0 = hs_mono_us();
	ck_assert_int_eq(hs_queue_pop(q, &it, 5000000), 1);
	ck_assert_uint_eq(NUM(it), 5);
	ck_assert_int_lt(hs_mono_us() - t0, 1000000);
	hs_queue_free(q);
}
END_TEST

START_TEST(test_closed_drains)
{
	hs_queue *q = hs_queue_new(4);
	void *it;

	ck_assert_int_eq(hs_queue_push(q, ITEM(1)), 0);
	ck_assert_int_eq(hs_queue_push(q, ITEM(2)), 0);
	hs_queue_close(q);
	/* pushes fail once closed, even with room */
	ck_assert_int_eq(hs_queue_try_push(q, ITEM(3)), -1);
	ck_assert_int_eq(hs_queue_push(q, ITEM(3)), -1);
	ck_assert_uint_eq(hs_queue_depth(q), 2);
	/* pops drain what is left, then report closed without waiting */
	ck_assert_int_eq(hs_queue_pop(q, &it, -1), 1);
	ck_assert_uint_eq(NUM(it), 1);
	ck_assert_int_eq(hs_queue_pop(q, &it, 1000000), 1);
	ck_assert_uint_eq(NUM(it), 2);
	int64_t t0 = hs_mono_us();
	it = ITEM(99);
	ck_assert_int_eq(hs_queue_pop(q, &it, -1), -1);
	ck_assert_int_eq(hs_queue_pop(q, &it, 1000000), -1);
	ck_assert_int_eq(hs_queue_pop(q, &it, 0), -1);
	ck_assert_int_lt(hs_mono_us() - t0, 500000);
	ck_assert_uint_eq(NUM(it), 99);
	hs_queue_close(q); /* closing twice is harmless */
	ck_assert_int_eq(hs_queue_pop(q, &it, -1), -1);
	hs_queue_free(q);
}
END_TEST

/* ---- blocking and wake-ups ---------------------------------------------------------------- */

typedef struct waiter {
	hs_queue *q;
	int64_t timeout_us;
	void *item;
	atomic_int started;
	atomic_int done;
	int rc;
} waiter;

static void *pop_thread(void *arg)
{
	waiter *w = arg;
	atomic_store(&w->started, 1);
	w->rc = hs_queue_pop(w->q, &w->item, w->timeout_us);
	atomic_store(&w->done, 1);
	return NULL;
}

static void *push_thread(void *arg)
{
	waiter *w = arg;
	atomic_store(&w->started, 1);
	w->rc = hs_queue_push(w->q, w->item);
	atomic_store(&w->done, 1);
	return NULL;
}

/* Start fn and wait until it is (very probably) blocked inside the queue. */
static void start_blocked(pthread_t *th, void *(*fn)(void *), waiter *w)
{
	ck_assert_int_eq(pthread_create(th, NULL, fn, w), 0);
	while (!atomic_load(&w->started))
		sleep_ms(1);
	sleep_ms(100);
	ck_assert_msg(!atomic_load(&w->done), "thread did not block");
}

START_TEST(test_close_wakes_pop)
{
	hs_queue *q = hs_queue_new(2);
	waiter w = { .q = q, .timeout_us = -1, .item = ITEM(55) };
	pthread_t th;

	start_blocked(&th, pop_thread, &w);
	hs_queue_close(q);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(w.rc, -1);
	ck_assert_uint_eq(NUM(w.item), 55);

	/* several blocked pops with a timeout are all woken by one close */
	hs_queue *q2 = hs_queue_new(2);
	waiter ws[3];
	pthread_t ths[3];
	for (int i = 0; i < 3; i++) {
		memset(&ws[i], 0, sizeof(ws[i]));
		ws[i].q = q2;
		ws[i].timeout_us = 30 * 1000000LL;
		ck_assert_int_eq(pthread_create(&ths[i], NULL, pop_thread, &ws[i]), 0);
	}
	for (int i = 0; i < 3; i++)
		while (!atomic_load(&ws[i].started))
			sleep_ms(1);
	sleep_ms(100);
	int64_t t0 = hs_mono_us();
	hs_queue_close(q2);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(pthread_join(ths[i], NULL), 0);
		ck_assert_int_eq(ws[i].rc, -1);
	}
	ck_assert_int_lt(hs_mono_us() - t0, 5000000);
	hs_queue_free(q2);
	hs_queue_free(q);
}
END_TEST

START_TEST(test_close_wakes_push)
{
	hs_queue *q = hs_queue_new(1);
	waiter w = { .q = q, .item = ITEM(2) };
	pthread_t th;
	void *it;

	ck_assert_int_eq(hs_queue_push(q, ITEM(1)), 0);
	start_blocked(&th, push_thread, &w);
	hs_queue_close(q);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(w.rc, -1);
	/* the refused item was not added */
	ck_assert_uint_eq(hs_queue_depth(q), 1);
	ck_assert_int_eq(hs_queue_pop(q, &it, 0), 1);
	ck_assert_uint_eq(NUM(it), 1);
	ck_assert_int_eq(hs_queue_pop(q, &it, 0), -1);
	hs_queue_free(q);
}
END_TEST

START_TEST(test_push_pop_wake_each_other)
{
	hs_queue *q = hs_queue_new(1);
	pthread_t th;
	void *it;

	/* a blocked push completes when a pop makes room */
	ck_assert_int_eq(hs_queue_push(q, ITEM(1)), 0);
	waiter w = { .q = q, .item = ITEM(2) };
	start_blocked(&th, push_thread, &w);
	ck_assert_int_eq(hs_queue_pop(q, &it, 0), 1);
	ck_assert_uint_eq(NUM(it), 1);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(w.rc, 0);
	ck_assert_int_eq(hs_queue_pop(q, &it, 0), 1);
	ck_assert_uint_eq(NUM(it), 2);

	/* a blocked pop completes when an item arrives */
	waiter r = { .q = q, .timeout_us = -1 };
	start_blocked(&th, pop_thread, &r);
	ck_assert_int_eq(hs_queue_try_push(q, ITEM(3)), 0);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_uint_eq(NUM(r.item), 3);
	ck_assert_uint_eq(hs_queue_depth(q), 0);
	hs_queue_free(q);
}
END_TEST

START_TEST(test_kick)
{
	hs_queue *q = hs_queue_new(2);
	waiter w = { .q = q, .timeout_us = -1, .item = ITEM(8) };
	pthread_t th;
	void *it;

	/* a pop blocked forever returns 0 when kicked */
	start_blocked(&th, pop_thread, &w);
	hs_queue_kick(q);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(w.rc, 0);
	ck_assert_uint_eq(NUM(w.item), 8);
	/* the kick was used up: the next pop times out normally */
	int64_t t0 = hs_mono_us();
	ck_assert_int_eq(hs_queue_pop(q, &it, 50000), 0);
	ck_assert_int_ge(hs_mono_us() - t0, 50000);
	/* a kicked pop still returns an item that is there */
	ck_assert_int_eq(hs_queue_push(q, ITEM(4)), 0);
	hs_queue_kick(q);
	ck_assert_int_eq(hs_queue_pop(q, &it, -1), 1);
	ck_assert_uint_eq(NUM(it), 4);
	hs_queue_free(q);
}
END_TEST

/* ---- stress ---------------------------------------------------------------------------------- */

#define N_PROD 4
#define N_CONS 4
#define PER_PROD 10000

typedef struct stress {
	hs_queue *q;
	atomic_int seen[N_PROD * PER_PROD];
	atomic_long popped;
	atomic_int order_errors;
	atomic_int push_failures;
} stress;

typedef struct worker {
	stress *s;
	int id;
	long count;
} worker;

static void *producer(void *arg)
{
	worker *w = arg;
	for (int i = 0; i < PER_PROD; i++) {
		uintptr_t v = (uintptr_t)(w->id * PER_PROD + i) + 1; /* never NULL */
		int rc;
		/* mix blocking and non-blocking pushes */
		if (i % 3 == 0) {
			while ((rc = hs_queue_try_push(w->s->q, ITEM(v))) != 0)
				sched_yield();
		} else {
			rc = hs_queue_push(w->s->q, ITEM(v));
		}
		if (rc != 0)
			atomic_fetch_add(&w->s->push_failures, 1);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	worker *w = arg;
	int last[N_PROD];
	void *it;
	int rc;

	for (int p = 0; p < N_PROD; p++)
		last[p] = -1;
	/* alternate between a timeout and waiting forever */
	for (;;) {
		rc = hs_queue_pop(w->s->q, &it, (w->count & 1) ? 1000 : -1);
		if (rc == -1)
			break;
		if (rc == 0)
			continue;
		uintptr_t v = NUM(it) - 1;
		ck_assert_uint_lt(v, N_PROD * PER_PROD);
		int p = (int)(v / PER_PROD), i = (int)(v % PER_PROD);
		/* each producer's items come out in the order they went in */
		if (i <= last[p])
			atomic_fetch_add(&w->s->order_errors, 1);
		last[p] = i;
		atomic_fetch_add(&w->s->seen[v], 1);
		atomic_fetch_add(&w->s->popped, 1);
		w->count++;
	}
	return NULL;
}

START_TEST(test_mpmc_stress)
{
	static stress s;
	worker prod[N_PROD], cons[N_CONS];
	pthread_t pt[N_PROD], ct[N_CONS];

	memset(&s, 0, sizeof(s));
	s.q = hs_queue_new(64);
	ck_assert_ptr_nonnull(s.q);
	for (int i = 0; i < N_CONS; i++) {
		cons[i] = (worker){ &s, i, 0 };
		ck_assert_int_eq(pthread_create(&ct[i], NULL, consumer, &cons[i]), 0);
	}
	for (int i = 0; i < N_PROD; i++) {
		prod[i] = (worker){ &s, i, 0 };
		ck_assert_int_eq(pthread_create(&pt[i], NULL, producer, &prod[i]), 0);
	}
	for (int i = 0; i < N_PROD; i++)
		ck_assert_int_eq(pthread_join(pt[i], NULL), 0);
	hs_queue_close(s.q);
	long per_cons_total = 0;
	for (int i = 0; i < N_CONS; i++) {
		ck_assert_int_eq(pthread_join(ct[i], NULL), 0);
		per_cons_total += cons[i].count;
	}

	ck_assert_int_eq(atomic_load(&s.push_failures), 0);
	ck_assert_int_eq(atomic_load(&s.order_errors), 0);
	ck_assert_int_eq(atomic_load(&s.popped), N_PROD * PER_PROD);
	ck_assert_int_eq(per_cons_total, N_PROD * PER_PROD);
	for (int v = 0; v < N_PROD * PER_PROD; v++)
		ck_assert_msg(atomic_load(&s.seen[v]) == 1, "item %d seen %d times", v,
		              atomic_load(&s.seen[v]));
	ck_assert_uint_eq(hs_queue_depth(s.q), 0);
	hs_queue_free(s.q);
}
END_TEST

static Suite *queue_suite(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("basic");

	tcase_add_test(tc, test_new_and_capacity);
	tcase_add_test(tc, test_try_push_full);
	tcase_add_test(tc, test_fifo_wraparound);
	tcase_add_test(tc, test_pop_timeout);
	tcase_add_test(tc, test_closed_drains);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_close_wakes_pop);
	tcase_add_test(tc, test_close_wakes_push);
	tcase_add_test(tc, test_push_pop_wake_each_other);
	tcase_add_test(tc, test_kick);
	tcase_add_test(tc, test_mpmc_stress);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(queue_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
