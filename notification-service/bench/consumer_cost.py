#!/usr/bin/env python3
"""What notification-service costs per post and at rest (stdlib only).

Starts forum-api and notification-service from packaged jars (default: this checkout's
target/quarkus-app) on scratch databases it creates and drops, with a scratch Redis namespace, then:
  1. at rest: after a settle time, counts PostgreSQL transactions (pg_stat_database xact_commit +
     xact_rollback) in both databases and the CPU of both processes over --idle seconds;
  2. posts: two users post --posts messages round-robin into one thread they both follow (so every
     post is a new_message with one follower notification and its pushes), waits until
     notification-service's cursors reached forum-api's newest seq of every stream, and prints transactions and CPU
     per post.

  python3 notification-service/bench/consumer_cost.py [--apps DIR] [--posts 500] [--rate 50] [--idle 30]
      [--threads 1] [--jfr FILE]

--threads N spreads the posts round-robin over N threads (both users follow each), so that with many event
shards (FORUM_EVENT_SHARDS, read by both services) the events fall into many shards; the window at rest is then
measured again after the posts, when every one of those shards has a cursor. --jfr FILE records a JFR profile of
notification-service over the whole run.

--apps DIR holds forum-api/ and notification-service/ quarkus-app directories (to compare builds).
Ports --port (forum-api) and --port + 2 (notification-service), default 9380; their management
interfaces (health, metrics) on those + 10. Needs PostgreSQL at
127.0.0.1:5432 (user postgres) and Redis at 127.0.0.1:6379.
"""
import argparse
import http.client
import os
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'forum-api', 'bench'))
from relay_latency import call  # noqa: E402  (the same HTTP helper as forum-api's bench)

TICKS = os.sysconf('SC_CLK_TCK')


OWN_QUERIES = {}  # transactions this script ran per database (subtracted from the deltas)


def psql(db, sql):
    OWN_QUERIES[db] = OWN_QUERIES.get(db, 0) + 1
    return subprocess.run(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-tAc', sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def xacts(db):
    return int(psql('postgres', f"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '{db}'"))


def rows_returned(db):
    return int(psql('postgres', f"SELECT tup_returned FROM pg_stat_database WHERE datname = '{db}'"))


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def wait_ready(port, name, proc, timeout=420):  # a busy shared machine starts slowly
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f'{name} exited with {proc.returncode}')
        try:
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=2)
            c.request('GET', '/q/health/ready')
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f'{name} not ready on :{port}')


class Snapshot:
    def __init__(self, dbs, pids):
        self.time = time.time()
        self.xacts = {db: xacts(db) - OWN_QUERIES.get(db, 0) for db in dbs}
        self.rows = {db: rows_returned(db) for db in dbs}
        self.cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}


def settle_stats():
    time.sleep(1.5)  # pg_stat_database is flushed by backends at most once a second


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser()
    ap.add_argument('--apps', help='directory with forum-api/ and notification-service/ quarkus-app dirs')
    ap.add_argument('--port', type=int, default=9380)
    ap.add_argument('--posts', type=int, default=500)
    ap.add_argument('--rate', type=float, default=50, help='posts per second')
    ap.add_argument('--idle', type=int, default=30, help='seconds measured at rest')
    ap.add_argument('--settle', type=int, default=20, help='seconds after start-up before measuring')
    ap.add_argument('--db-prefix', default='bench', help='databases are <prefix>_forum_<id>, <prefix>_notify_<id>')
    ap.add_argument('--java', default='java')
    ap.add_argument('--threads', type=int, default=1, help='threads the posts are spread over (round-robin)')
    ap.add_argument('--jfr', help='record a JFR profile of notification-service into this file')
    a = ap.parse_args()

    def app(name):
        base = os.path.join(a.apps, name) if a.apps else os.path.join(root, name, 'target', 'quarkus-app')
        return os.path.join(base, 'quarkus-run.jar')

    run = uuid.uuid4().hex[:8]
    forum_db, notify_db = f'{a.db_prefix}_forum_{run}', f'{a.db_prefix}_notify_{run}'
    namespace = f'bench_{run}'
    api_port, notify_port = a.port, a.port + 2
    api = f'http://127.0.0.1:{api_port}'
    for db in (forum_db, notify_db):
        psql('postgres', f'CREATE DATABASE {db}')
    env = dict(os.environ, FORUM_DB_URL=f'jdbc:postgresql://127.0.0.1:5432/{forum_db}',
               NOTIFY_DB_URL=f'jdbc:postgresql://127.0.0.1:5432/{notify_db}',
               FORUM_REDIS_NAMESPACE=namespace, NOTIFY_REDIS_NAMESPACE=namespace,
               FORUM_RATE_LIMIT_POSTS='1000000', FORUM_RATE_LIMIT_REACTIONS='1000000',
               FORUM_INTERNAL_TOKEN=f'bench-{run}',
               # every bench user registers and logs in from 127.0.0.1 (docs/security.md, 4)
               FORUM_RATE_LIMIT_LOGIN_PER_ACCOUNT='1000000', FORUM_RATE_LIMIT_LOGIN_PER_ADDRESS='1000000',
               FORUM_RATE_LIMIT_REGISTERS_PER_ADDRESS='1000000',
               NOTIFY_FORUM_API_URL=f'http://127.0.0.1:{api_port}')
    procs = {}
    logs = os.path.join(root, 'notification-service', 'target', 'bench')
    os.makedirs(logs, exist_ok=True)
    try:
        procs['forum-api'] = subprocess.Popen(
            [a.java, '-Dquarkus.profile=prod', f'-Dquarkus.http.port={api_port}',
             f'-Dquarkus.management.port={api_port + 10}', '-jar', app('forum-api')],
            env=env, stdout=open(f'{logs}/forum-api-{run}.log', 'w'), stderr=subprocess.STDOUT)
        wait_ready(api_port + 10, 'forum-api', procs['forum-api'])
        procs['notification-service'] = subprocess.Popen(
            [a.java] + ([f'-XX:StartFlightRecording=filename={os.path.abspath(a.jfr)},settings=profile']
                        if a.jfr else []) + ['-Dquarkus.profile=prod', f'-Dquarkus.http.port={notify_port}',
             f'-Dquarkus.management.port={notify_port + 10}', '-jar', app('notification-service')],
            env=env, stdout=open(f'{logs}/notification-service-{run}.log', 'w'), stderr=subprocess.STDOUT)
        wait_ready(notify_port + 10, 'notification-service', procs['notification-service'])
        pids = {name: p.pid for name, p in procs.items()}
        dbs = (forum_db, notify_db)

        def at_rest(label):
            rest0 = Snapshot(dbs, pids)
            time.sleep(a.idle)
            rest1 = Snapshot(dbs, pids)
            span = rest1.time - rest0.time
            print(f'{label}, {span:.0f} s:')
            for db, name in ((notify_db, 'forum_notify'), (forum_db, 'forum')):
                print(f'  PostgreSQL in {name}: transactions/s {(rest1.xacts[db] - rest0.xacts[db]) / span:.2f}, '
                      f'rows returned/s {(rest1.rows[db] - rest0.rows[db]) / span:.0f}')
            for name in pids:
                print(f'  CPU {name}: {100 * (rest1.cpu[name] - rest0.cpu[name]) / span:.2f} % of a core')

        time.sleep(a.settle)
        at_rest('at rest')

        tokens = []
        for i in range(2):
            name = f'bench_{run}_{i}'
            call(api, 'POST', '/api/auth/register', {'username': name, 'password': 'bench-password'})
            tokens.append(call(api, 'POST', '/api/auth/login',
                               {'username': name, 'password': 'bench-password'})['token'])
        threads = []
        for t in range(a.threads):
            threads.append(call(api, 'POST', '/api/forum/threads', {'title': f'bench {run} {t}', 'content': 'bench'},
                                tokens[0])['id'])
            call(api, 'POST', f'/api/forum/threads/{threads[-1]}/follow', None, tokens[1])

        def stream_positions(db, sql):
            rows = psql(db, sql)
            return {tuple(r.split('|')[:2]): int(r.split('|')[2]) for r in rows.splitlines() if r}

        def heads():
            # every stream's newest seq: (shard_epoch, shard) per shard, ('0', '') for the legacy global stream
            return stream_positions(forum_db, "SELECT coalesce(shard_epoch, 0), coalesce(shard::text, ''), max(seq) "
                                              "FROM outbox_event WHERE seq IS NOT NULL GROUP BY 1, 2")

        def cursors():
            return stream_positions(notify_db, "SELECT shard_epoch, shard::text, last_seq FROM consumer_shard_cursor "
                                               "UNION ALL SELECT 0, '', last_seq FROM consumer_cursor")

        def caught_up(timeout=120):
            deadline = time.time() + timeout
            while time.time() < deadline:
                done = cursors()
                if all(done.get(stream, 0) >= seq for stream, seq in heads().items()):
                    return True
                time.sleep(0.2)
            return False

        caught_up()
        settle_stats()
        post0 = Snapshot(dbs, pids)
        start = time.time()
        for i in range(a.posts):
            due = start + i / a.rate
            if due > time.time():
                time.sleep(due - time.time())
            call(api, 'POST', f'/api/forum/threads/{threads[i % a.threads]}/messages', {'content': f'message {i} of {run}'},
                 tokens[i % 2])
        posting = time.time() - start
        ok = caught_up()
        settle_stats()
        post1 = Snapshot(dbs, pids)
        n = a.posts
        print(f'{n} posts in {posting:.1f} s ({n / posting:.0f}/s), consumer caught up: {ok}')
        for db, label in ((notify_db, 'forum_notify'), (forum_db, 'forum')):
            print(f'  PostgreSQL transactions per post in {label}: {(post1.xacts[db] - post0.xacts[db]) / n:.2f}, '
                  f'rows returned per post: {(post1.rows[db] - post0.rows[db]) / n:.1f} (the script\'s own catch-up '
                  f'checks included)')
        for name in pids:
            print(f'  CPU {name}: {1000 * (post1.cpu[name] - post0.cpu[name]) / n:.2f} ms per post')
        c = http.client.HTTPConnection('127.0.0.1', notify_port + 10, timeout=10)
        c.request('GET', '/q/metrics')
        read = [line for line in c.getresponse().read().decode().splitlines()
                if line.startswith('notify_consumer_events_read_total')]
        print('  events read by notification-service: ' + ('; '.join(read) if read else 'not reported by this build'))
        if a.threads > 1:
            time.sleep(a.settle)
            at_rest(f'at rest after the posts ({a.threads} threads)')
    finally:
        for p in procs.values():
            p.terminate()
        for p in procs.values():
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
        for db in (forum_db, notify_db):
            subprocess.run(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc',
                            f'DROP DATABASE IF EXISTS {db} WITH (FORCE)'], capture_output=True)


if __name__ == '__main__':
    main()
