#!/usr/bin/env python3
"""The textbook Python task queue (multiprocessing JoinableQueue + shared Array + Lock), the `python-seed`
baseline of `taskq bench`.

One producer (this process) puts N tasks of the standard workload (task i: value = i % 1000, payload = i * 0.5);
C consumer processes get them, compute the result (value + 1, payload * 2), add it to their own row of a shared
Array under one Lock, and call task_done. The producer joins. With --per-put K > 1 each put carries a list of K
tasks (the batched variant): the consumer adds up the K results, updates the Array once under the Lock and calls
task_done once.

As the article's Example 3 writes it: the Array is multiprocessing.Array's default, a synchronized wrapper whose
every element access takes its own lock, next to the explicit Lock; consumers call get(True, 1) (block for at most
a second). With --tuned the Array is created with lock=False (only the explicit Lock guards it) and consumers call a
plain blocking get(): the two speed-ups a careful programmer would make. `taskq bench` reports both.

Timing (inside this process, time.perf_counter_ns): the clock starts right before the first put and stops right
after queue.join() returns; consumer start-up is outside it (they are started and waiting first).
Prints one JSON object on stdout: count, perPut, consumers, elapsedNanos, done, sumValue, sumPayload.
Unlike the article's example, consumers stop on a sentinel, not on "the queue was empty for a second" (a get that
times out is retried), so a slow producer cannot make them leave early.
"""
import argparse
import json
import multiprocessing
import queue as queue_module
import sys
import time

DONE, SUM_VALUE, SUM_PAYLOAD = 0, 1, 2
FIELDS = 3


def consume(queue, totals, lock, index, ready, tuned):
    ready.release()
    row = index * FIELDS
    while True:
        if tuned:
            item = queue.get()
        else:
            try:
                item = queue.get(True, 1)
            except queue_module.Empty:
                continue
        if item is None:
            queue.task_done()
            return
        if isinstance(item, list):
            done, sum_value, sum_payload = 0, 0, 0.0
            for value, payload in item:
                done += 1
                sum_value += value + 1
                sum_payload += payload * 2
            with lock:
                totals[row + DONE] += done
                totals[row + SUM_VALUE] += sum_value
                totals[row + SUM_PAYLOAD] += sum_payload
        else:
            value, payload = item
            with lock:
                totals[row + DONE] += 1
                totals[row + SUM_VALUE] += value + 1
                totals[row + SUM_PAYLOAD] += payload * 2
        queue.task_done()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--consumers", type=int, default=3)
    parser.add_argument("--per-put", type=int, default=1)
    parser.add_argument("--tuned", action="store_true")
    args = parser.parse_args()
    if args.count < 1 or args.consumers < 1 or args.per_put < 1:
        print("seed_queue.py: --count, --consumers and --per-put must be >= 1", file=sys.stderr)
        return 2

    queue = multiprocessing.JoinableQueue()
    lock = multiprocessing.Lock()
    # Doubles hold every total exactly: the sums stay integers below 2^53 for the counts used here.
    totals = (multiprocessing.Array('d', args.consumers * FIELDS, lock=False) if args.tuned
              else multiprocessing.Array('d', args.consumers * FIELDS))
    ready = multiprocessing.Semaphore(0)
    consumers = [multiprocessing.Process(target=consume, args=(queue, totals, lock, k, ready, args.tuned))
                 for k in range(args.consumers)]
    for p in consumers:
        p.start()
    for _ in consumers:
        ready.acquire()

    n, per_put = args.count, args.per_put
    start = time.perf_counter_ns()
    if per_put == 1:
        for i in range(n):
            queue.put((i % 1000, i * 0.5))
    else:
        for lo in range(0, n, per_put):
            queue.put([(i % 1000, i * 0.5) for i in range(lo, min(lo + per_put, n))])
    queue.join()
    elapsed = time.perf_counter_ns() - start

    for _ in consumers:
        queue.put(None)
    for p in consumers:
        p.join()
    codes = [p.exitcode for p in consumers]
    done = sum(int(totals[k * FIELDS + DONE]) for k in range(args.consumers))
    sum_value = sum(int(totals[k * FIELDS + SUM_VALUE]) for k in range(args.consumers))
    sum_payload = sum(totals[k * FIELDS + SUM_PAYLOAD] for k in range(args.consumers))
    print(json.dumps({"count": n, "perPut": per_put, "tuned": args.tuned, "consumers": args.consumers,
                      "elapsedNanos": elapsed, "done": done, "sumValue": sum_value, "sumPayload": sum_payload,
                      "consumerExitCodes": codes}))
    return 0 if all(c == 0 for c in codes) else 1


if __name__ == "__main__":
    sys.exit(main())
