'use strict';
// The systems under test, as processes this runner starts and stops:
//   ForumStack  this project's packaged services (forum-api, notification-service, two gateway
//               replicas, more for a scenario that asks: useGateways) started like scripts/run-local, on their own databases, ports and
//               redis-server; or an already running stack (BENCH_API_URL=...).
//   PeerStack   the Node.js peer (../shared/peer-node or PEER_DIR): two replicas of its server.js,
//               started as its bench.sh does, on its own database and redis-server.
const fs = require('fs');
const path = require('path');
const { spawn, execFileSync, spawnSync } = require('child_process');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Health and metrics are on each service's management port: its HTTP port + this (as in
// scripts/run-local, or BENCH_MANAGEMENT_PORT_OFFSET); builds from before the management interface serve them on the
// HTTP port.
const MANAGEMENT_PORT_OFFSET = Number(process.env.BENCH_MANAGEMENT_PORT_OFFSET || 1000);
const readyUrls = (port) => [`http://127.0.0.1:${port + MANAGEMENT_PORT_OFFSET}/q/health/ready`, `http://127.0.0.1:${port}/q/health/ready`];
const log = (...a) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`);

const pgPort = () => process.env.PGPORT || '5432';
const jdbcUrl = (db) => `jdbc:postgresql://127.0.0.1:${pgPort()}/${db}`;

function psql(sql, db = 'postgres') {
  return execFileSync('psql', ['-h', '127.0.0.1', '-p', pgPort(), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], {
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  });
}

// the pid listening on a TCP port (for a stack this runner did not start)
function pidOnPort(port) {
  const out = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' }).stdout || '';
  const m = /pid=(\d+)/.exec(out);
  return m ? Number(m[1]) : null;
}

// BENCH_NICE=<n>: every process this runner starts (services, peer, redis-servers, generator) runs
// under `nice -n <n>`, so that other work on a shared machine takes only the CPU left over
function niced(cmd, args) {
  const n = process.env.BENCH_NICE;
  return n ? ['nice', ['-n', n, cmd, ...args]] : [cmd, args];
}

class Proc {
  constructor(name, cmd, args, { env, cwd, logFile }) {
    this.name = name;
    this.cmd = cmd;
    this.args = args;
    this.env = env;
    this.cwd = cwd;
    this.logFile = logFile;
    this.child = null;
  }

  start() {
    const out = fs.openSync(this.logFile, 'a');
    const [cmd, args] = niced(this.cmd, this.args);
    this.child = spawn(cmd, args, { env: { ...process.env, ...this.env }, cwd: this.cwd, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.exited = new Promise((r) => this.child.once('exit', r));
    return this;
  }

  get pid() {
    return this.child ? this.child.pid : null;
  }

  get running() {
    return this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop() {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    // A JVM recording its start-up cache writes it at exit (JDK 25's AOT cache: the training data, then a second
    // JVM assembling the cache; AppCDS: the archive), which takes far longer than a plain stop on a busy machine:
    // killed after 15 s it leaves an empty file and the next start runs without a cache.
    const recording = this.args.some((a) => a.startsWith('-XX:AOTCacheOutput=') || a.startsWith('-XX:ArchiveClassesAtExit='));
    const t = setTimeout(() => this.running && this.child.kill('SIGKILL'), recording ? 300000 : 15000);
    await this.exited;
    clearTimeout(t);
  }
}

// the first of the URLs that answers 2xx (anyStatus: any HTTP answer)
async function waitHttp(urls, what, seconds = 180, proc = null, anyStatus = false) {
  urls = [].concat(urls);
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (proc && !proc.running) throw new Error(`${what} exited; see ${proc.logFile}`);
    for (const url of urls) {
      try {
        const r = await fetch(url);
        if (r.ok || anyStatus) return;
      } catch {}
    }
    await sleep(300);
  }
  throw new Error(`${what} not ready at ${urls.join(' or ')} after ${seconds} s` + (proc ? `; see ${proc.logFile}` : ''));
}

function redisServer(port, dir, logDir) {
  return new Proc(`redis-${port}`, 'redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir], {
    logFile: path.join(logDir, `redis-${port}.log`),
  });
}

// one node of a Redis Cluster (BENCH_REDIS=cluster): its bus on its own port (the default, port +
// 10000, would leave the run's port range)
function redisClusterNode(port, busPort, dir, logDir) {
  fs.mkdirSync(dir, { recursive: true });
  return new Proc(`redis-${port}`, 'redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--cluster-enabled', 'yes',
    '--cluster-port', String(busPort), '--cluster-config-file', path.join(dir, 'nodes.conf'), '--cluster-node-timeout', '2000',
    '--save', '', '--appendonly', 'no', '--dir', dir], {
    logFile: path.join(logDir, `redis-${port}.log`),
  });
}

const clusterInfo = (port) => spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout || '';

async function api(base, method, p, token, body) {
  const r = await fetch(base + p, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${p}: HTTP ${r.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

// ------------------------------------------------------------------ a private PostgreSQL (BENCH_PG=own)
// A throwaway cluster with a fresh cluster's defaults (as the peer's services.sh makes when nothing
// listens on 5432), on its own port, so that other work on the machine's shared PostgreSQL does not
// queue our commits; pg_stat_statements is loaded, so statements per post can be counted.
class OwnPostgres {
  constructor(o) {
    this.o = o; // {port, dir, logDir}
    this.bin = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`)[0];
  }

  // PostgreSQL refuses to run as root: as the postgres user then
  run(cmd, args) {
    const bin = path.join(this.bin, cmd);
    const [c, a] = niced(...(process.getuid() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]));
    execFileSync(c, a, { stdio: ['ignore', 'ignore', 'inherit'] });
  }

  start() {
    const { dir, port } = this.o;
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
      fs.mkdirSync(dir, { recursive: true });
      if (process.getuid() === 0) execFileSync('chown', ['postgres:postgres', dir]);
      fs.chmodSync(dir, 0o700);
      this.run('initdb', ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    }
    const logFile = path.join(dir, 'server.log');
    this.run('pg_ctl', ['-D', dir, '-l', logFile, '-w', '-t', '60', '-o',
      `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c shared_preload_libraries=pg_stat_statements -c max_connections=200`, 'start']);
    process.env.PGPORT = String(port);
    psql('create extension if not exists pg_stat_statements');
    log(`private PostgreSQL on 127.0.0.1:${port} (${dir})`);
  }

  stop() {
    try {
      this.run('pg_ctl', ['-D', this.o.dir, '-m', 'fast', '-w', 'stop']);
    } catch (e) {
      log(`stopping the private PostgreSQL: ${e.message}`);
    }
  }
}

// ------------------------------------------------------------------ this project
class ForumStack {
  constructor(o) {
    this.o = o; // {root, id, ports, logDir, workDir, running: {api, gateways[], notify, dbs[], redisPort}}
    this.name = 'forum';
    this.procs = {};
    this.db = `forum_bench_${o.id}`;
    this.notifyDb = `forum_bench_${o.id}_notify`;
    this.namespace = 'bench1';
    this.token = `bench-${o.id}-${Math.random().toString(36).slice(2)}`;
    this.createdDbs = false;
    // BENCH_REDIS=cluster: 3 masters and 3 replicas (ports.redisCluster) and every service in cluster mode
    this.redisCluster = !o.running && process.env.BENCH_REDIS === 'cluster';
    // gateways in use: the first of ports.gateways (or of a running stack's), until useGateways changes it
    this.defaultGateways = o.running ? o.running.gateways.length : 2;
    this.gatewayCount = this.defaultGateways;
  }

  get external() {
    return !!this.o.running;
  }

  get apiUrl() {
    return this.external ? this.o.running.api : `http://127.0.0.1:${this.o.ports.api}`;
  }

  gatewayHttpUrls() {
    const all = this.external ? this.o.running.gateways : this.o.ports.gateways.map((p) => `http://127.0.0.1:${p}`);
    return all.slice(0, this.gatewayCount);
  }

  // a gateway's Prometheus endpoint, on its management port
  metricsUrl(httpBase) {
    const u = new URL(httpBase);
    return `http://${u.hostname}:${Number(u.port) + MANAGEMENT_PORT_OFFSET}/q/metrics`;
  }

  // n gateway replicas from now on: starts the missing ones (and waits until they are ready), stops the
  // surplus; a running stack must already have n (BENCH_GATEWAY_URLS)
  async useGateways(n) {
    if (this.external) {
      if (this.o.running.gateways.length < n) throw new Error(`${n} gateways needed, BENCH_GATEWAY_URLS has ${this.o.running.gateways.length}`);
      this.gatewayCount = n;
      return;
    }
    const ports = this.o.ports.gateways;
    if (n > ports.length) throw new Error(`${n} gateways needed, ports for ${ports.length}`);
    for (let i = this.gatewayCount; i < n; i++) this.procs[`gateway${i + 1}`] = this.startGateway(`gateway-${ports[i]}`, ports[i]);
    for (let i = this.gatewayCount; i < n; i++) await waitHttp(readyUrls(ports[i]), `gateway :${ports[i]}`, 180, this.procs[`gateway${i + 1}`]);
    for (let i = n; i < this.gatewayCount; i++) {
      await this.procs[`gateway${i + 1}`].stop();
      delete this.procs[`gateway${i + 1}`];
    }
    this.gatewayCount = n;
  }

  wsUrl(httpBase) {
    return httpBase.replace(/^http/, 'ws') + '/api/forum/ws/v2';
  }

  jar(module) {
    return path.join(this.o.root, module, 'target/quarkus-app/quarkus-run.jar');
  }

  // BENCH_SERVICE_JVM=1: each service's own flags (scripts/jvm-flags, as run-local and the images), with
  // BENCH_JVM_CACHE=<dir> its start-up cache (AOT cache on JDK 25+, AppCDS on 17); FORUM_JAVA picks the JVM.
  serviceJvm(name, module) {
    if (process.env.BENCH_SERVICE_JVM !== '1') return [];
    const cache = process.env.BENCH_JVM_CACHE ? [path.join(process.env.BENCH_JVM_CACHE, name)] : [];
    return execFileSync(path.join(this.o.root, 'scripts/jvm-flags'), [module, ...cache]).toString().split(/\s+/).filter(Boolean);
  }

  javaProc(name, module, port, env, extraJvm = []) {
    // BENCH_EVENT_SHARDS: the number of events shards (FORUM_EVENT_SHARDS, read by every service)
    const shards = process.env.BENCH_EVENT_SHARDS ? { FORUM_EVENT_SHARDS: process.env.BENCH_EVENT_SHARDS } : {};
    const jvm = [...this.serviceJvm(name, module), ...(process.env.BENCH_JVM_OPTS || '').split(/\s+/).filter(Boolean)];
    return new Proc(name, process.env.FORUM_JAVA || 'java', ['-Dquarkus.profile=dev', `-Dquarkus.http.port=${port}`,
      `-Dquarkus.management.port=${port + MANAGEMENT_PORT_OFFSET}`, ...jvm, ...extraJvm, '-jar', this.jar(module)], {
      env: { FORUM_INTERNAL_TOKEN: this.token, ...shards, ...env },
      logFile: path.join(this.o.logDir, `${name}.log`),
    });
  }

  async start() {
    if (this.external) return this.attach();
    const { ports } = this.o;
    if (!this.createdDbs) {
      for (const db of [this.db, this.notifyDb]) psql(`create database ${db}`);
      this.createdDbs = true;
    }
    if (!this.redisKeys().length) await this.startRedis();
    const redisUrl = this.redisUrl();
    const mode = (prefix) => (this.redisCluster ? { [`${prefix}_REDIS_MODE`]: 'cluster' } : {});
    const api = this.apiUrl;
    this.procs.forum_api = this.javaProc('forum-api', 'forum-api', ports.api, {
      FORUM_DB_URL: jdbcUrl(this.db),
      FORUM_REDIS_URL: redisUrl,
      ...mode('FORUM'),
      FORUM_REDIS_NAMESPACE: this.namespace,
      FORUM_RATE_LIMIT_POSTS: '1000000',
      // Every simulated client registers and logs in from 127.0.0.1 (docs/security.md, 4).
      FORUM_RATE_LIMIT_REACTIONS: '1000000',
      FORUM_RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000000',
      FORUM_RATE_LIMIT_LOGIN_PER_ADDRESS: '1000000',
      FORUM_RATE_LIMIT_REGISTERS_PER_ADDRESS: '1000000',
    }).start();
    await waitHttp(readyUrls(ports.api), 'forum-api', 180, this.procs.forum_api);
    this.procs.notify = this.javaProc('notification-service', 'notification-service', ports.notify, {
      NOTIFY_DB_URL: jdbcUrl(this.notifyDb),
      NOTIFY_REDIS_URL: redisUrl,
      ...mode('NOTIFY'),
      NOTIFY_REDIS_NAMESPACE: this.namespace,
      NOTIFY_FORUM_API_URL: api,
    }).start();
    const gateways = ports.gateways.slice(0, this.gatewayCount);
    gateways.forEach((p, i) => {
      this.procs[`gateway${i + 1}`] = this.startGateway(`gateway-${p}`, p);
    });
    await waitHttp(readyUrls(ports.notify), 'notification-service', 180, this.procs.notify);
    for (const [i, p] of gateways.entries()) {
      await waitHttp(readyUrls(p), `gateway :${p}`, 180, this.procs[`gateway${i + 1}`]);
    }
  }

  redisPorts() {
    return this.redisCluster ? this.o.ports.redisCluster : [this.o.ports.redis];
  }

  // one URL, or the cluster's nodes as seeds
  redisUrl() {
    return this.redisPorts().map((p) => `redis://127.0.0.1:${p}`).join(',');
  }

  redisKeys() {
    return Object.keys(this.procs).filter((k) => /^redis\d*$/.test(k));
  }

  async startRedis() {
    if (!this.redisCluster) {
      this.procs.redis = redisServer(this.o.ports.redis, this.o.workDir, this.o.logDir).start();
      await sleep(300);
      return;
    }
    const ports = this.o.ports.redisCluster;
    ports.forEach((p, i) => {
      this.procs[`redis${i + 1}`] = redisClusterNode(p, p + 10, path.join(this.o.workDir, `redis-${p}`), this.o.logDir).start();
    });
    await sleep(500);
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    const deadline = Date.now() + 30000;
    while (!ports.every((p) => /cluster_state:ok/.test(clusterInfo(p)))) {
      if (Date.now() > deadline) throw new Error(`the Redis Cluster on ${ports.join(',')} is not ok after 30 s`);
      await sleep(200);
    }
    log(`Redis Cluster of ${ports.length} nodes on ports ${ports.join(',')} (3 masters, 3 replicas)`);
  }

  startGateway(name, port, extraJvm) {
    return this.javaProc(name, 'realtime-gateway', port, {
      GATEWAY_FORUM_API_URL: this.apiUrl,
      GATEWAY_REDIS_URL: this.redisUrl(),
      QUARKUS_REDIS_HOSTS: this.redisUrl(),
      ...(this.redisCluster ? { GATEWAY_REDIS_MODE: 'cluster' } : {}),
      GATEWAY_REDIS_NAMESPACE: this.namespace,
      // thousands of sockets share ten readers' tokens here
      GATEWAY_CONNECTIONS_PER_USER: '1000000',
    }, extraJvm).start();
  }

  // a running stack (not started here): its processes are found by port
  async attach() {
    const r = this.o.running;
    await waitHttp(`${r.api}/api/auth/me`, 'forum-api', 10, null, true);
    const port = (u) => Number(new URL(u).port);
    const pids = { forum_api: pidOnPort(port(r.api)) };
    r.gateways.forEach((g, i) => (pids[`gateway${i + 1}`] = pidOnPort(port(g))));
    if (r.notify) pids.notify = pidOnPort(port(r.notify));
    pids.redis = pidOnPort(r.redisPort);
    this.attachedPids = pids;
  }

  pids() {
    if (this.external) return Object.fromEntries(Object.entries(this.attachedPids).filter(([, p]) => p));
    const out = {};
    for (const k of [...this.gatewayKeys(), 'forum_api', 'notify', ...this.redisKeys()]) if (this.procs[k]) out[k] = this.procs[k].pid;
    return out;
  }

  gatewayKeys() {
    return Object.keys(this.procs).filter((k) => /^gateway\d+$/.test(k)).sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  }

  pgDbs() {
    return this.external ? this.o.running.dbs : [this.db, this.notifyDb];
  }

  // users and threads: one poster (rate limit raised), readers for the sockets
  async setup(maxThreads, readers = 10) {
    const base = this.apiUrl;
    const pw = 'bench-password-1';
    const user = async (name) => {
      await api(base, 'POST', '/api/auth/register', null, { username: name, password: pw, display_name: name });
      return (await api(base, 'POST', '/api/auth/login', null, { username: name, password: pw })).token;
    };
    const tag = this.o.id.slice(0, 8);
    this.postToken = await user(`bench_poster_${tag}`);
    this.wsTokens = [];
    for (let i = 0; i < readers; i++) this.wsTokens.push(await user(`bench_r${i}_${tag}`));
    this.threadIds = [];
    for (let i = 0; i < maxThreads; i++) {
      const t = await api(base, 'POST', '/api/forum/threads', this.postToken, { title: `bench thread ${i + 1}`, content: 'bench' });
      this.threadIds.push(t.id);
    }
  }

  // metrics: the gateways' Prometheus endpoints too (the generator reports them per gateway)
  loadgenArgs(threads, { metrics = false } = {}) {
    const gateways = this.gatewayHttpUrls();
    return [
      ...(metrics ? ['--metrics-urls', gateways.map((u) => this.metricsUrl(u)).join(',')] : []),
      '--client', 'forum', '--thread-ids', this.threadIds.slice(0, threads).join(','),
      '--post-urls', this.apiUrl, '--post-path', '/api/forum/threads/{id}/messages', '--post-token', this.postToken,
      '--sub-urls', gateways.map((u) => this.wsUrl(u)).join(','), '--ws-tokens', this.wsTokens.join(','),
      '--procs', Object.entries(this.pids()).map(([k, v]) => `${k}=${v}`).join(','), '--pg-dbs', this.pgDbs().join(','),
    ];
  }

  // a fresh gateway alone for the idle scenario: {url, pid, gcCmd, stop()}
  async idleServer(port) {
    const p = this.startGateway(`gateway-idle-${port}`, port);
    await waitHttp(readyUrls(port), `gateway :${port}`, 180, p);
    await sleep(3000);
    return { url: this.wsUrl(`http://127.0.0.1:${port}`), pid: p.pid, gcCmd: `jcmd ${p.pid} GC.run`, stop: () => p.stop() };
  }

  async stopServices() {
    const order = [...this.gatewayKeys(), 'notify', 'forum_api'];
    await Promise.all(order.filter((k) => this.procs[k]).map((k) => this.procs[k].stop()));
  }

  async stop() {
    if (this.external) return;
    await this.stopServices();
    for (const k of this.redisKeys()) await this.procs[k].stop();
    if (this.createdDbs && !process.env.BENCH_KEEP_DBS) {
      for (const db of [this.db, this.notifyDb]) {
        try {
          psql(`drop database if exists ${db} with (force)`);
        } catch (e) {
          log(`could not drop ${db}: ${e.message}`);
        }
      }
    }
  }
}

// ------------------------------------------------------------------ the Node.js peer
class PeerStack {
  constructor(o) {
    this.o = o; // {peerDir, id, ports: {replicas: [..], idle, redis}, logDir, workDir}
    this.name = 'peer';
    this.procs = {};
    this.db = `forum_bench_${o.id}_peer`;
    this.createdDb = false;
  }

  // a copy outside the repository with its own node_modules (npm ci), refreshed when the peer changes
  prepare() {
    const dst = path.join(this.o.cacheDir, 'peer-node');
    fs.mkdirSync(dst, { recursive: true });
    for (const f of fs.readdirSync(this.o.peerDir)) {
      if (f === 'node_modules' || f === 'results') continue;
      fs.cpSync(path.join(this.o.peerDir, f), path.join(dst, f), { recursive: true });
    }
    const lock = fs.readFileSync(path.join(dst, 'package-lock.json'));
    const stamp = path.join(dst, 'node_modules', '.bench-lock');
    if (!fs.existsSync(stamp) || !fs.readFileSync(stamp).equals(lock)) {
      log(`peer: npm ci in ${dst}`);
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--silent'], { cwd: dst, stdio: ['ignore', 'ignore', 'inherit'] });
      fs.writeFileSync(stamp, lock);
    }
    this.dir = dst;
  }

  replica(port, extra = []) {
    return new Proc(`peer-${port}`, 'node', [...extra, 'server.js'], {
      cwd: this.dir,
      env: { PORT: String(port), HOST: '127.0.0.1', REDIS_URL: `redis://127.0.0.1:${this.o.ports.redis}`, PGDATABASE: this.db, PGHOST: '127.0.0.1', PGPORT: pgPort(), PGUSER: 'postgres' },
      logFile: path.join(this.o.logDir, `peer-${port}.log`),
    }).start();
  }

  async start() {
    if (!this.dir) this.prepare();
    if (!this.createdDb) {
      psql(`create database ${this.db}`);
      this.createdDb = true;
      // the table of its services.sh
      psql(`CREATE TABLE IF NOT EXISTS messages (id bigserial PRIMARY KEY, thread_id bigint NOT NULL, content text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS messages_thread_id_idx ON messages (thread_id, id);`, this.db);
    }
    if (!this.procs.redis) {
      this.procs.redis = redisServer(this.o.ports.redis, this.o.workDir, this.o.logDir).start();
      await sleep(300);
    }
    this.o.ports.replicas.forEach((p, i) => (this.procs[`replica${i + 1}`] = this.replica(p)));
    for (const [i, p] of this.o.ports.replicas.entries()) {
      await waitHttp(`http://127.0.0.1:${p}/health`, `peer :${p}`, 60, this.procs[`replica${i + 1}`]);
    }
  }

  async setup(maxThreads) {
    this.threadIds = Array.from({ length: maxThreads }, (_, i) => i + 1);
  }

  pids() {
    const out = {};
    for (const k of ['replica1', 'replica2', 'redis']) if (this.procs[k]) out[k] = this.procs[k].pid;
    return out;
  }

  loadgenArgs(threads) {
    const urls = this.o.ports.replicas.map((p) => `http://127.0.0.1:${p}`).join(',');
    return [
      '--client', 'socketio', '--thread-ids', this.threadIds.slice(0, threads).join(','),
      '--post-urls', urls, '--post-path', '/api/threads/{id}/messages', '--sub-urls', urls,
      '--procs', Object.entries(this.pids()).map(([k, v]) => `${k}=${v}`).join(','), '--pg-dbs', this.db,
    ];
  }

  // as its bench.sh: a fresh replica alone, with --expose-gc so /debug/mem?gc=1 collects garbage
  async idleServer(port) {
    const p = this.replica(port, ['--expose-gc']);
    await waitHttp(`http://127.0.0.1:${port}/health`, `peer :${port}`, 60, p);
    await sleep(1000);
    return { url: `http://127.0.0.1:${port}`, pid: p.pid, gcCmd: `curl -fsS -o /dev/null http://127.0.0.1:${port}/debug/mem?gc=1`, stop: () => p.stop() };
  }

  async stopServices() {
    await Promise.all(['replica1', 'replica2'].filter((k) => this.procs[k]).map((k) => this.procs[k].stop()));
  }

  async stop() {
    await this.stopServices();
    if (this.procs.redis) await this.procs.redis.stop();
    if (this.createdDb && !process.env.BENCH_KEEP_DBS) {
      try {
        psql(`drop database if exists ${this.db} with (force)`);
      } catch (e) {
        log(`could not drop ${this.db}: ${e.message}`);
      }
    }
  }
}

module.exports = { ForumStack, PeerStack, OwnPostgres, Proc, log, sleep, psql, niced };
