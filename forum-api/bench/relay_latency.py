#!/usr/bin/env python3
"""Benchmark of forum-api's write path and outbox relay (stdlib only).

Posts messages from several users concurrently and subscribes to the Redis events channels; prints
- POST /messages latency (client side),
- commit-to-Redis latency: time the event arrived on Redis minus its committed_at (same host clock),
- write throughput, and whether the seqs received are strictly increasing and gap-free in each shard.

Start forum-api with a high rate limit first, e.g.
  FORUM_RATE_LIMIT_POSTS=1000000 java -jar forum-api/target/quarkus-app/quarkus-run.jar
then: python3 forum-api/bench/relay_latency.py --messages 1000 --concurrency 4
"""
import argparse
import datetime as dt
import http.client
import json
import socket
import statistics
import threading
import time
import uuid
from urllib.parse import urlparse


def resp_read(f):
    line = f.readline()
    if not line:
        raise EOFError
    kind, rest = line[:1], line[1:-2]
    if kind == b'*':
        return [resp_read(f) for _ in range(int(rest))]
    if kind == b'$':
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)[:-2]
        return data
    return rest


def subscriber(host, port, pattern, sink, ready, stop):
    s = socket.create_connection((host, port))
    s.sendall(f"*2\r\n$10\r\nPSUBSCRIBE\r\n${len(pattern)}\r\n{pattern}\r\n".encode())
    f = s.makefile('rb')
    resp_read(f)
    ready.set()
    while not stop.is_set():
        try:
            msg = resp_read(f)
        except (EOFError, OSError, ValueError):
            break
        if isinstance(msg, list) and msg[0] == b'pmessage':
            sink.append((time.time(), json.loads(msg[3])))
    s.close()


def call(base, method, path, body=None, token=None):
    u = urlparse(base)
    c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    headers = {'Content-Type': 'application/json'}
    if token:
        headers['Authorization'] = 'Bearer ' + token
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    if r.status >= 300:
        raise RuntimeError(f"{method} {path} -> {r.status} {data[:200]!r}")
    return json.loads(data) if data else None


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', default='http://127.0.0.1:8080')
    ap.add_argument('--redis', default='127.0.0.1:6379')
    ap.add_argument('--namespace', default='forum')
    ap.add_argument('--messages', type=int, default=500)
    ap.add_argument('--concurrency', type=int, default=4)
    a = ap.parse_args()

    rhost, rport = a.redis.split(':')
    received, ready, stop = [], threading.Event(), threading.Event()
    t = threading.Thread(target=subscriber, args=(rhost, int(rport), f"{a.namespace}:events:*", received, ready, stop),
                         daemon=True)
    t.start()
    ready.wait(5)

    run = uuid.uuid4().hex[:8]
    tokens = []
    for i in range(a.concurrency):
        name = f"bench_{run}_{i}"
        call(a.base, 'POST', '/api/auth/register', {'username': name, 'password': 'bench-password'})
        tokens.append(call(a.base, 'POST', '/api/auth/login', {'username': name, 'password': 'bench-password'})['token'])
    thread_id = call(a.base, 'POST', '/api/forum/threads', {'title': f'bench {run}', 'content': 'bench'}, tokens[0])['id']

    post_latencies, lock = [], threading.Lock()
    per_worker = a.messages // a.concurrency

    def worker(token):
        for i in range(per_worker):
            t0 = time.perf_counter()
            call(a.base, 'POST', f'/api/forum/threads/{thread_id}/messages', {'content': f'message {i} **bold**'}, token)
            with lock:
                post_latencies.append((time.perf_counter() - t0) * 1000)

    start = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(tok,)) for tok in tokens]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    total = per_worker * a.concurrency

    deadline = time.time() + 30
    def mine():
        return [(ts, e) for ts, e in received if e.get('type') == 'new_message' and e.get('thread_id') == thread_id]
    while len(mine()) < total + 1 and time.time() < deadline:
        time.sleep(0.1)
    stop.set()

    events = mine()
    lat = []
    for ts, e in events:
        committed = dt.datetime.fromisoformat(e['committed_at'].replace('Z', '+00:00')).timestamp()
        lat.append((ts - committed) * 1000)
    # seq counts per stream (shard_epoch, shard): check each stream on its own.
    streams = {}
    for _, e in received:
        if 'seq' in e:
            streams.setdefault((e.get('shard_epoch'), e.get('shard')), []).append(e['seq'])
    increasing = all(all(b > a_ for a_, b in zip(s, s[1:])) for s in streams.values())
    gap_free = bool(streams) and all(s[-1] - s[0] + 1 == len(s) for s in streams.values())
    print(f"messages posted: {total} by {a.concurrency} users in {elapsed:.2f}s -> {total / elapsed:.0f} msg/s")
    print(f"POST latency ms: p50 {pct(post_latencies, 50):.1f}  p95 {pct(post_latencies, 95):.1f}  p99 {pct(post_latencies, 99):.1f}")
    print(f"events received on Redis: {len(events)} new_message (expected {total + 1})")
    if lat:
        print(f"commit->Redis latency ms: p50 {pct(lat, 50):.1f}  p95 {pct(lat, 95):.1f}  p99 {pct(lat, 99):.1f}  max {max(lat):.1f}")
    print(f"seq strictly increasing in arrival order, per shard ({len(streams)} shards): {increasing}; "
          f"gap-free: {gap_free}")


if __name__ == '__main__':
    main()
