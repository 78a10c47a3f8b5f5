#!/usr/bin/env python3
"""Benchmark of forum-api's full-text search (stdlib only): p50/p95/p99 latency of GET /api/forum/search
with 1 million messages.

It creates a private database forum_bench_search_<random>, starts the packaged forum-api on it (Flyway creates the
schema, including the search columns and GIN indexes), seeds it inside PostgreSQL in about half a minute (see seed():
users, threads with some tier-gated, deleted and sub-threads, and --messages messages of 12-28 words drawn from a
skewed vocabulary, so some words are very common and some rare; search_vector stays the generated column of
V2__search.sql), then times a fixed mix of searches over HTTP: query kinds x callers (a tier-0 member, a tier-500
member who reads the gated threads, a moderator) x both orders. It stops forum-api and drops the database at the end
(--keep keeps it, for EXPLAIN ANALYZE; --reuse-db measures a kept one). Results: docs/benchmarks.md, Search.

  mvn -B -q -ntp -DskipTests package
  nice -n 5 python3 forum-api/bench/search_latency.py [--messages 1000000] [--rounds 40] [--port 9810] [--workers 2]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, 'forum-api', 'target', 'quarkus-app', 'quarkus-run.jar')

# Ordinary words (no stop words: a query of only stop words is refused); the seed picks word i with a probability falling steeply with i (random()^3).
VOCABULARY = """release plan deploy server client database index query search thread message reply
user moderator admin tier support price payment invoice login password session cookie token socket gateway
redis postgres replica cluster node shard cache memory disk network latency throughput benchmark test build
maven java quarkus kotlin python javascript browser chrome firefox safari mobile phone tablet desktop layout
style colour dark light theme font icon image photo video audio upload download file folder backup restore
migration schema table column row transaction commit rollback lock deadlock timeout retry error warning info
debug trace metric alert dashboard graph chart report weekly monthly yearly meeting agenda minutes notes
summary question answer idea proposal feature request bug issue ticket patch fix release version tag branch
merge rebase conflict review approve comment discussion community forum member guest welcome hello thanks
please sorry great good bad better best worse worst quick slow fast easy hard simple complex clear confusing
garden tomato pepper bean potato carrot onion garlic herb flower rose tulip tree forest river mountain lake
ocean beach island city village street road bridge tunnel train station airport flight ticket hotel travel
holiday summer winter spring autumn weather rain snow wind storm sunny cloudy cold warm hot freezing recipe
bread cheese butter coffee tea water juice wine beer dinner lunch breakfast kitchen oven stove pan knife
music guitar piano violin drum concert album song lyric band singer dance movie film actor director scene
story novel chapter author library book page poem writer reader editor publish print paper magazine news
football soccer tennis golf running cycling swimming climbing hiking skiing chess puzzle game player score
team match league season coach training injury doctor nurse hospital medicine health sleep dream morning
evening night weekend monday friday january february march april october november december history science
physics chemistry biology mathematics algebra geometry statistics probability theory experiment laboratory
telescope planet star galaxy rocket satellite energy solar battery electric engine motor car bicycle
scooter parking traffic accident insurance bank account money budget salary rent house apartment room
window door kitchen garden fence neighbour friend family parent child brother sister uncle aunt cousin
birthday party gift card letter email phone call message chat video call camera microphone speaker screen
keyboard mouse laptop monitor printer scanner router modem cable wireless bluetooth charger adapter plug
hammer nail screw drill saw paint brush ladder glue tape rope bucket broom vacuum washing machine dryer
fridge freezer dishwasher microwave toaster kettle blender mixer spoon fork plate bowl cup glass bottle
candle lamp mirror carpet sofa chair desk shelf drawer wardrobe pillow blanket curtain towel soap shampoo""".split()

RARE = 'zyzzogeton'  # planted in a few hundred messages


def psql(db, sql):
    subprocess.run(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql],
                   check=True, stdout=subprocess.DEVNULL)


def call(base, path, body=None, token=None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers={'Content-Type': 'application/json',
                                          **({'Authorization': 'Bearer ' + token} if token else {})})
    with urllib.request.urlopen(req, timeout=60) as r:
        data = r.read()
    return json.loads(data) if data else None


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def seed(db, messages, users, threads, workers):
    """Bulk load straight into the scratch database: a few statements, no round trip per row.

    Message text is two fragments drawn from a pool of 8,192 random fragments of 6-14 words (the skewed
    vocabulary), so word frequencies are as if every word were drawn per message, while the random words are
    drawn 100,000 times instead of 20 million. search_vector stays the generated column of V2__search.sql, so
    PostgreSQL computes every message's tsvector exactly as for a post through the API. Foreign-key triggers are
    off for the loading sessions (session_replication_role = replica: the ids are generated consistent) and the
    secondary indexes are built once after the load; `workers` sessions insert disjoint ranges in parallel."""
    words = 'ARRAY[' + ','.join(f"'{w}'" for w in VOCABULARY) + ']'
    n = len(VOCABULARY)
    t0 = time.perf_counter()
    psql(db, 'DROP INDEX forum_message_search, forum_thread_search, forum_message_thread, forum_message_reply;')
    psql(db, f"""
        INSERT INTO forum_user (username, display_name, password_hash, role, tier_cents)
        SELECT 'seed' || g, 'Seed ' || g, 'x', CASE WHEN g % 200 = 0 THEN 'moderator' ELSE 'member' END,
               CASE WHEN g % 10 = 0 THEN 500 ELSE 0 END
        FROM generate_series(1, {users}) g;""")
    psql(db, f"""
        INSERT INTO forum_thread (title, user_id, min_tier_cents, last_activity_at, created_at, deleted_at)
        SELECT initcap((SELECT string_agg(({words})[1 + floor({n} * random() ^ 2)::int], ' ')
                        FROM generate_series(1, 3 + g % 5))),
               (SELECT min(id) FROM forum_user) + g % {users},
               CASE WHEN g % 10 = 0 THEN 500 ELSE 0 END,
               now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval,
               CASE WHEN g % 97 = 0 THEN now() END
        FROM generate_series(1, {threads}) g;""")
    # Every 50th thread becomes a sub-thread of the thread before it (so a gated parent gates it).
    psql(db, "UPDATE forum_thread t SET parent_thread_id = t.id - 1 WHERE t.id % 50 = 0 AND t.id > (SELECT min(id) FROM forum_thread);")
    psql(db, f"""
        CREATE UNLOGGED TABLE seed_fragment AS
        SELECT f AS id, (SELECT string_agg(({words})[1 + floor({n} * random() ^ 3)::int], ' ')
                         FROM generate_series(1, 6 + f % 9)) AS txt
        FROM generate_series(0, 8191) f;
        ALTER TABLE seed_fragment ADD PRIMARY KEY (id);""")
    min_thread = subprocess.run(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-Atc',
                                 'SELECT min(id) FROM forum_thread'], check=True, capture_output=True, text=True)
    min_user = subprocess.run(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-Atc',
                               'SELECT min(id) FROM forum_user'], check=True, capture_output=True, text=True)
    chunk = -(-messages // workers)
    loaders = []
    for w in range(workers):
        lo, hi = w * chunk + 1, min(messages, (w + 1) * chunk)
        # The id is set from g (not the sequence) so the parallel loaders write disjoint, ordered ids.
        loaders.append(subprocess.Popen(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1',
                                         '-q', '-c', 'SET synchronous_commit = off',
                                         '-c', 'SET session_replication_role = replica', '-c', f"""
            INSERT INTO forum_message (id, thread_id, user_id, content, content_html, created_at)
            SELECT g, {min_thread.stdout.strip()} + g % {threads}, {min_user.stdout.strip()} + g % {users},
                   a.txt || ' ' || b.txt || CASE WHEN g % 3001 = 0 THEN ' {RARE}' ELSE '' END, a.txt || ' ' || b.txt,
                   now() - (({messages} - g) || ' seconds')::interval
            FROM generate_series({lo}::bigint, {hi}) g
            JOIN seed_fragment a ON a.id = (g * 7919) % 8192
            JOIN seed_fragment b ON b.id = (g / 8192 * 104729 + g * 31) % 8192;"""], stdout=subprocess.DEVNULL))
    if any(p.wait() != 0 for p in loaders):
        sys.exit('seeding messages failed')
    psql(db, "SELECT setval('forum_message_id_seq', (SELECT max(id) FROM forum_message)); DROP TABLE seed_fragment;"
             " UPDATE forum_thread t SET message_count = c.n FROM (SELECT thread_id, count(*) AS n FROM forum_message"
             " GROUP BY thread_id) c WHERE c.thread_id = t.id;")
    t1 = time.perf_counter()
    # The indexes exactly as V1__forum_schema.sql and V2__search.sql create them, each built once, in parallel.
    indexes = ['CREATE INDEX forum_message_search ON forum_message USING gin (search_vector)',
               'CREATE INDEX forum_thread_search ON forum_thread USING gin (search_vector);'
               'CREATE INDEX forum_message_thread ON forum_message (thread_id, id);'
               'CREATE INDEX forum_message_reply ON forum_message (reply_to_id) WHERE reply_to_id IS NOT NULL']
    builders = [subprocess.Popen(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-q',
                                  '-c', "SET maintenance_work_mem = '256MB'", '-c', sql]) for sql in indexes]
    if any(p.wait() != 0 for p in builders):
        sys.exit('building the indexes failed')
    psql(db, 'VACUUM ANALYZE;')
    print(f"seeded {messages:,} messages, {threads:,} threads, {users:,} users in {t1 - t0:.0f} s; "
          f"indexes + VACUUM ANALYZE {time.perf_counter() - t1:.0f} s", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--messages', type=int, default=1_000_000)
    ap.add_argument('--threads', type=int, default=20_000)
    ap.add_argument('--users', type=int, default=5_000)
    ap.add_argument('--rounds', type=int, default=40, help='searches per query kind, order and caller')
    ap.add_argument('--port', type=int, default=9810)
    ap.add_argument('--workers', type=int, default=2, help='parallel sessions loading messages')
    ap.add_argument('--keep', action='store_true', help='keep the scratch database')
    ap.add_argument('--jar', default=JAR, help='the forum-api quarkus-run.jar to start')
    ap.add_argument('--reuse-db', help='an already seeded database (kept by --keep) instead of a new one')
    a = ap.parse_args()
    if not os.path.exists(a.jar):
        sys.exit(f'{a.jar} missing: run mvn -B -q -ntp -DskipTests package first')

    db = a.reuse_db or 'forum_bench_search_' + uuid.uuid4().hex[:8]
    if not a.reuse_db:
        subprocess.run(['createdb', '-h', '127.0.0.1', '-U', 'postgres', db], check=True)
    base = f'http://127.0.0.1:{a.port}'
    env = dict(os.environ, FORUM_HTTP_PORT=str(a.port), FORUM_DB_URL=f'jdbc:postgresql://127.0.0.1:5432/{db}',
               FORUM_REDIS_NAMESPACE='bench-search-' + db[-8:], FORUM_INTERNAL_TOKEN='bench', QUARKUS_PROFILE='prod',
               QUARKUS_MANAGEMENT_PORT=str(a.port + 1))
    log = open(os.path.join('/tmp', db + '.log'), 'w')
    api = subprocess.Popen(['java', '-jar', a.jar], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        # Started (schema migrated) once the public port answers: 401 for /api/auth/me without a session.
        for _ in range(480):
            try:
                urllib.request.urlopen(base + '/api/auth/me', timeout=2)
            except urllib.error.HTTPError:
                break
            except OSError:  # refused, reset or timed out while starting
                time.sleep(0.5)
        else:
            sys.exit(f'forum-api did not start; see {log.name}')
        if not a.reuse_db:
            seed(db, a.messages, a.users, a.threads, a.workers)
        # A tier-0 member (gated threads filtered out), a tier-500 member (reads the gated threads) and a moderator.
        callers = {}
        for role, tier, staff in (('member', 0, False), ('gated', 500, False), ('moderator', 0, True)):
            name = f'bench_{role}'
            if not a.reuse_db:
                call(base, '/api/auth/register', {'username': name, 'password': 'bench-password'})
                role_sql = ", role = 'moderator'" if staff else ''
                psql(db, f"UPDATE forum_user SET tier_cents = {tier}{role_sql} WHERE username = '{name}'")
            callers[role] = call(base, '/api/auth/login', {'username': name, 'password': 'bench-password'})['token']

        rng = random.Random(7)
        common, middle, tail = VOCABULARY[:20], VOCABULARY[60:200], VOCABULARY[300:]
        # Prefixes that are English stop words ('down', 'than', 'them') have nothing to search for: search answers 400.
        prefixes = subprocess.run(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-Atc', f"""
            SELECT p FROM unnest(ARRAY[{','.join(f"'{w[:4]}'" for w in middle)}]) AS p
            WHERE numnode(to_tsquery('english', p || ':*')) > 0"""], check=True, capture_output=True, text=True).stdout.split()
        kinds = {
            'rare word': lambda: RARE,
            'common word': lambda: rng.choice(common),
            'mid-frequency word': lambda: rng.choice(middle),
            'two words': lambda: f'{rng.choice(middle)} {rng.choice(tail)}',
            'phrase': lambda: f'"{rng.choice(common)} {rng.choice(common)}"',
            'prefix': lambda: rng.choice(prefixes) + '*',
            'word -exclusion': lambda: f'{rng.choice(middle)} -{rng.choice(common)}',
        }
        all_ms = []
        print(f"{'query kind':<20} {'caller':<10} {'order':<10} {'hits':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        # rng is seeded: every run asks the same queries in the same order.
        for kind, make in kinds.items():
            for role, token in callers.items():
                for sort in ('relevance', 'newest'):
                    ms, hits = [], 0
                    for _ in range(a.rounds):
                        q = urllib.parse.urlencode({'q': make(), 'sort': sort, 'limit': 20})
                        t0 = time.perf_counter()
                        page = call(base, '/api/forum/search?' + q, token=token)
                        ms.append((time.perf_counter() - t0) * 1000)
                        hits += len(page['results'])
                    all_ms += ms
                    print(f"{kind:<20} {role:<10} {sort:<10} {hits / a.rounds:>6.1f} {pct(ms, 50):>8.1f} "
                          f"{pct(ms, 95):>8.1f} {pct(ms, 99):>8.1f}", flush=True)
        print(f"ALL {len(all_ms)} searches: p50 {pct(all_ms, 50):.1f} ms  p95 {pct(all_ms, 95):.1f} ms  "
              f"p99 {pct(all_ms, 99):.1f} ms  max {max(all_ms):.1f} ms")
    finally:
        api.terminate()
        api.wait(30)
        log.close()
        if not a.keep and not a.reuse_db:
            subprocess.run(['dropdb', '-h', '127.0.0.1', '-U', 'postgres', '--force', db], check=False)


if __name__ == '__main__':
    main()
