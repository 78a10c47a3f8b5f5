#!/usr/bin/env python3
"""Cost of forum-api's write path (stdlib only): CPU, transactions and rows per POST, and the cost at rest.

Needs a running forum-api with a high rate limit, its pid, and its own database (nothing else may use that
database during the run: every figure is a delta of pg_stat_database / of that database's backends):

  createdb -h 127.0.0.1 -U postgres forum_wp_bench
  FORUM_DB_URL=jdbc:postgresql://127.0.0.1:5432/forum_wp_bench FORUM_HTTP_PORT=9201 FORUM_INTERNAL_TOKEN=x \\
    FORUM_REDIS_NAMESPACE=forum_wp FORUM_RATE_LIMIT_POSTS=1000000 java -jar forum-api/target/quarkus-app/quarkus-run.jar &
  python3 forum-api/bench/write_cost.py --base http://127.0.0.1:9201 --db forum_wp_bench --pid $! --namespace forum_wp

One account posts 100-byte messages round-robin over --threads threads at --rate posts/s (open loop, keep-alive
connections) for --seconds, after --warmup posts. Measured over the window from the first POST until the relay
has published the last event:
- CPU of forum-api (/proc/<pid>/stat) and of the PostgreSQL backends connected to --db (pg_stat_activity pids),
  per post; PostgreSQL's shared background processes (WAL writer, checkpointer) are not included;
- pg_stat_database deltas per post: transactions committed/rolled back, rows returned/fetched/inserted/updated/
  deleted, buffer hits;
- with --pg-log (forum-api started with ?options=-c%20log_statement%3Dall in its JDBC URL), SQL statements per
  post, counted from PostgreSQL's log lines for --db, with the most frequent ones;
- with --pgss (the server has pg_stat_statements loaded and created in the postgres database, e.g. scripts/bench's
  BENCH_PG=own cluster; the whole server's statistics are reset at the start of the window), the statements
  of --db over the window, top by execution time (a statement that waits for a row lock shows it as time);
- with --lock-sample-ms, how long the backends of --db waited for locks (pg_stat_activity sampled at that interval:
  waiting backends x interval), per post;
- commit-to-Redis latency and seq order/gap-freedom of the events received, per stream (shard).
Then --idle-seconds with no requests: transactions/s, rows returned/s and CPU % at rest. Prints one JSON line.
"""
import argparse
import collections
import datetime as dt
import http.client
import json
import os
import re
import subprocess
import threading
import time
import uuid
from urllib.parse import urlparse

from relay_latency import pct, subscriber

CLK_TCK = os.sysconf('SC_CLK_TCK')
STATS = ['xact_commit', 'xact_rollback', 'tup_returned', 'tup_fetched', 'tup_inserted', 'tup_updated',
         'tup_deleted', 'blks_hit', 'blks_read']


def psql(db, sql):
    out = subprocess.run(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-AtXq', '-c', sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split('|') for line in out.strip().splitlines() if line]


def cpu_seconds(pid):
    try:
        with open(f'/proc/{pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except FileNotFoundError:
        return None


def snapshot(db, pid):
    # pg_stat_database is read from another database so the reading itself is not counted in db's figures.
    row = psql('postgres', f"SELECT {', '.join(STATS)} FROM pg_stat_database WHERE datname = '{db}'")[0]
    backends = [int(r[0]) for r in psql('postgres', f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}'")]
    return {'t': time.time(), 'stats': dict(zip(STATS, map(int, row))), 'api_cpu': cpu_seconds(pid),
            'pg_cpu': {p: cpu_seconds(p) for p in backends}}


def delta(a, b):
    pg = sum((b['pg_cpu'][p] or 0) - (a['pg_cpu'].get(p) or 0) for p in b['pg_cpu'])
    return {'seconds': b['t'] - a['t'], 'api_cpu': b['api_cpu'] - a['api_cpu'], 'pg_cpu': pg,
            'stats': {k: b['stats'][k] - a['stats'][k] for k in STATS}}


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, base, token=None):
        u = urlparse(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
        self.token = token

    def call(self, method, path, body=None):
        headers = {'Content-Type': 'application/json'}
        if self.token:
            headers['Authorization'] = 'Bearer ' + self.token
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status >= 300:
            raise RuntimeError(f"{method} {path} -> {r.status} {data[:200]!r}")
        return json.loads(data) if data else None


def post_open_loop(base, token, thread_ids, rate, count, connections, latencies):
    """Sends count posts at rate/s (scheduled times, not waiting for replies), round-robin over the threads."""
    lock, next_index, start = threading.Lock(), [0], time.perf_counter()
    content = 'x' * 90 + ' **bold**'

    def worker():
        client = Client(base, token)
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= count:
                return
            due = start + i / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            client.call('POST', f'/api/forum/threads/{thread_ids[i % len(thread_ids)]}/messages', {'content': content})
            with lock:
                latencies.append((time.perf_counter() - due) * 1000)

    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def statement_times(db, posts):
    # Read from the postgres database (where the extension is created), so db needs nothing and counts nothing.
    rows = psql('postgres', "SELECT calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 110)"
                f" FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '{db}')"
                " ORDER BY total_exec_time DESC")
    total = sum(float(r[1]) for r in rows)
    return {'exec_ms_per_post': round(total / posts, 3),
            'top': [{'calls_per_post': round(int(r[0]) / posts, 2), 'mean_ms': round(float(r[1]) / int(r[0]), 3),
                     'ms_per_post': round(float(r[1]) / posts, 3), 'query': '|'.join(r[2:])} for r in rows[:8]]}


def sample_lock_waits(db, interval, waited, stop):
    """Adds up the seconds db's backends spent waiting for a lock (waiting backends x time to the next sample), from
    samples about every interval seconds, until stop is set; waited = [seconds, samples]."""
    sql = f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}' AND wait_event_type = 'Lock';\n"
    # One psql session for all samples (a sample costs ~1 ms instead of a process start).
    session = subprocess.Popen(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-AtXq'],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    last, waiting = time.perf_counter(), 0
    while not stop.is_set():
        session.stdin.write(sql)
        session.stdin.flush()
        count = int(session.stdout.readline())
        now = time.perf_counter()
        waited[0] += waiting * (now - last)
        waited[1] += 1
        last, waiting = now, count
        time.sleep(interval)
    session.stdin.close()
    session.wait()


def log_size(path):
    return os.path.getsize(path) if path else 0


STATEMENT = re.compile(r'LOG:  (?:statement|execute [^:]*): (.*)')


def statements(path, offset, db):
    counts = collections.Counter()
    with open(path, errors='replace') as f:
        f.seek(offset)
        for line in f:
            if f'@{db} ' not in line:
                continue
            m = STATEMENT.search(line)
            if m:
                counts[re.sub(r'\s+', ' ', m.group(1))[:110]] += 1
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', default='http://127.0.0.1:9201')
    ap.add_argument('--db', required=True)
    ap.add_argument('--pid', type=int, required=True)
    ap.add_argument('--redis', default='127.0.0.1:6379')
    ap.add_argument('--namespace', default='forum')
    ap.add_argument('--rate', type=float, default=50)
    ap.add_argument('--seconds', type=float, default=20)
    ap.add_argument('--threads', type=int, default=20)
    ap.add_argument('--connections', type=int, default=8)
    ap.add_argument('--warmup', type=int, default=2000)
    ap.add_argument('--idle-seconds', type=float, default=20)
    ap.add_argument('--pg-log', help='PostgreSQL log file, to count statements (needs log_statement=all)')
    ap.add_argument('--pgss', action='store_true', help='report pg_stat_statements of the window (needs the extension)')
    ap.add_argument('--lock-sample-ms', type=float, default=0, help='sample lock waits at this interval (0: off)')
    a = ap.parse_args()

    rhost, rport = a.redis.split(':')
    received, ready, stop = [], threading.Event(), threading.Event()
    threading.Thread(target=subscriber, args=(rhost, int(rport), f"{a.namespace}:events:*", received, ready, stop),
                     daemon=True).start()
    ready.wait(5)

    name = f"cost_{uuid.uuid4().hex[:8]}"
    anon = Client(a.base)
    anon.call('POST', '/api/auth/register', {'username': name, 'password': 'bench-password'})
    token = anon.call('POST', '/api/auth/login', {'username': name, 'password': 'bench-password'})['token']
    client = Client(a.base, token)
    thread_ids = [client.call('POST', '/api/forum/threads', {'title': f'{name} {i}', 'content': 'bench'})['id']
                  for i in range(a.threads)]
    mine = set(thread_ids)

    def new_messages():
        return [(ts, e) for ts, e in list(received) if e.get('type') == 'new_message' and e.get('thread_id') in mine]

    def wait_published(expected):
        deadline = time.time() + 60
        while len(new_messages()) < expected and time.time() < deadline:
            time.sleep(0.02)

    if a.warmup:
        post_open_loop(a.base, token, thread_ids, 1e9, a.warmup, a.connections, [])
    wait_published(a.threads + a.warmup)
    time.sleep(2)  # let the sweep and scheduled work settle before the window

    count = int(a.rate * a.seconds)
    before_events = len(new_messages())
    log_offset = log_size(a.pg_log)
    if a.pgss:
        psql('postgres', 'SELECT pg_stat_statements_reset()')
    lock_waits, sampling = [0.0, 0], threading.Event()
    if a.lock_sample_ms:
        threading.Thread(target=sample_lock_waits, args=(a.db, a.lock_sample_ms / 1000, lock_waits, sampling),
                         daemon=True).start()
    s0 = snapshot(a.db, a.pid)
    latencies = []
    post_open_loop(a.base, token, thread_ids, a.rate, count, a.connections, latencies)
    wait_published(before_events + count)
    s1 = snapshot(a.db, a.pid)
    sampling.set()
    times = statement_times(a.db, count) if a.pgss else None
    load = delta(s0, s1)
    stmts = statements(a.pg_log, log_offset, a.db) if a.pg_log else None

    events = new_messages()[before_events:]
    lat = [(ts - dt.datetime.fromisoformat(e['committed_at'].replace('Z', '+00:00')).timestamp()) * 1000
           for ts, e in events]
    # seq is per stream: (shard_epoch, shard) since the per-shard streams, one global stream before them.
    streams = collections.defaultdict(list)
    for _, e in received:
        if 'seq' in e:
            streams[(e.get('shard_epoch'), e.get('shard'))].append(e['seq'])
    time.sleep(3)
    i0 = snapshot(a.db, a.pid)
    time.sleep(a.idle_seconds)
    i1 = snapshot(a.db, a.pid)
    idle = delta(i0, i1)
    stop.set()

    result = {
        'posts': count, 'rate': a.rate, 'published': len(events),
        'window_s': round(load['seconds'], 2),
        'cpu_ms_per_post': {'forum_api': round(load['api_cpu'] * 1000 / count, 3),
                            'postgres_backends': round(load['pg_cpu'] * 1000 / count, 3)},
        'per_post': {k: round(v / count, 2) for k, v in load['stats'].items()},
        'http_ms': {'p50': round(pct(latencies, 50), 1), 'p99': round(pct(latencies, 99), 1)},
        'commit_to_redis_ms': {'p50': round(pct(lat, 50), 1), 'p99': round(pct(lat, 99), 1)} if lat else None,
        'streams': len(streams),
        'seq_increasing': all(y > x for seqs in streams.values() for x, y in zip(seqs, seqs[1:])),
        'seq_gap_free': bool(streams) and all(seqs[-1] - seqs[0] + 1 == len(seqs) for seqs in streams.values()),
        'idle': {'seconds': round(idle['seconds'], 1),
                 'xact_per_s': round((idle['stats']['xact_commit'] + idle['stats']['xact_rollback']) / idle['seconds'], 2),
                 'tup_returned_per_s': round(idle['stats']['tup_returned'] / idle['seconds'], 1),
                 'forum_api_cpu_pct': round(idle['api_cpu'] * 100 / idle['seconds'], 2),
                 'postgres_backends_cpu_pct': round(idle['pg_cpu'] * 100 / idle['seconds'], 2)},
    }
    if times is not None:
        result['pg_stat_statements'] = times
    if a.lock_sample_ms:
        result['lock_wait_ms_per_post'] = round(lock_waits[0] * 1000 / count, 3)
        result['lock_wait_samples'] = lock_waits[1]
    if stmts is not None:
        result['statements_per_post'] = round(sum(stmts.values()) / count, 2)
        result['top_statements_per_post'] = [[round(n / count, 2), s] for s, n in stmts.most_common(25)]
    print(json.dumps(result))


if __name__ == '__main__':
    main()
