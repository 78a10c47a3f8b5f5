// Starts the platform from its PACKAGED jars on free ports, for the browser tests:
// a fresh PostgreSQL database per service (created here, dropped at the end), a random Redis
// namespace, a random internal token, forum-api, two realtime-gateway replicas, the
// notification-service when its jar exists, and front doors (scripts/front-door.mjs).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const LOG_DIR = path.join(ROOT, 'client-e2e', 'logs');

const PG_HOST = process.env.FORUM_PG_HOST ?? '127.0.0.1';
const PG_PORT = process.env.FORUM_PG_PORT ?? '5432';
const REDIS_URL = process.env.FORUM_REDIS_URL ?? 'redis://127.0.0.1:6379';
const JAVA = process.env.JAVA ?? 'java';

/** Where the packaged services are: this checkout, or E2E_JAR_ROOT (another checkout's build). */
const JAR_ROOT = process.env.E2E_JAR_ROOT ? path.resolve(process.env.E2E_JAR_ROOT) : ROOT;
export const JARS = {
  api: path.join(JAR_ROOT, 'forum-api/target/quarkus-app/quarkus-run.jar'),
  gateway: path.join(JAR_ROOT, 'realtime-gateway/target/quarkus-app/quarkus-run.jar'),
  notify: path.join(JAR_ROOT, 'notification-service/target/quarkus-app/quarkus-run.jar'),
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function createDatabase(name) {
  await run('createdb', ['-h', PG_HOST, '-p', PG_PORT, '-U', 'postgres', name]);
}

async function dropDatabase(name) {
  await run('psql', ['-h', PG_HOST, '-p', PG_PORT, '-U', 'postgres', '-d', 'postgres', '-qc',
    `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]).catch((err) => {
    console.warn(`could not drop database ${name}: ${err.message}`);
  });
}

/**
 * A Java service started from its jar with -D overrides; stdout/stderr go to logs/<name>.log.
 * `ports` = [public port, management port (health, metrics)].
 */
class JavaService {
  constructor(name, jar, [port, managementPort], props, env = {}) {
    this.name = name;
    this.jar = jar;
    this.port = port;
    this.props = { 'quarkus.management.port': managementPort, ...props };
    this.env = env;
    this.proc = null;
    this.url = `http://127.0.0.1:${port}`;
    this.managementUrl = `http://127.0.0.1:${managementPort}`;
  }

  start() {
    const args = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
    for (const [k, v] of Object.entries({ 'quarkus.http.port': this.port, 'quarkus.http.host': '127.0.0.1', ...this.props })) {
      args.push(`-D${k}=${v}`);
    }
    args.push('-jar', this.jar);
    const log = createWriteStream(path.join(LOG_DIR, `${this.name}.log`), { flags: 'a' });
    log.write(`\n--- start ${new Date().toISOString()} ${JAVA} ${args.join(' ')}\n`);
    this.proc = spawn(JAVA, args, { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout.pipe(log);
    this.proc.stderr.pipe(log);
    this.exited = new Promise((resolve) => this.proc.once('exit', resolve));
    return this;
  }

  /** Polls /q/health/ready on the management port until it answers 200 (the process dying fails at once). */
  async waitReady(timeoutMs = 120000) {
    const deadline = Date.now() + timeoutMs;
    let dead = false;
    this.exited.then(() => { dead = true; });
    while (Date.now() < deadline) {
      if (dead) throw new Error(`${this.name} exited during startup (see client-e2e/logs/${this.name}.log)`);
      try {
        const res = await fetch(`${this.managementUrl}/q/health/ready`);
        if (res.ok) return;
      } catch { /* not listening yet */ }
      await sleep(250);
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms (see client-e2e/logs/${this.name}.log)`);
  }

  /** Kills the process (SIGKILL: no goodbye frames, like a crashed pod) and waits for its exit. */
  async kill(signal = 'SIGKILL') {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill(signal);
    await this.exited;
  }
}

/** A front door process; resolves once it printed its URL. */
async function startFrontDoor(name, { api, gateways, notify }) {
  const port = await freePort();
  const args = [path.join(ROOT, 'scripts/front-door.mjs'), '--port', String(port), '--host', '127.0.0.1',
    '--api', api, '--gateway', gateways.join(','), '--notify', notify];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(path.join(LOG_DIR, `${name}.log`), { flags: 'a' });
  proc.stderr.pipe(log);
  await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      log.write(d);
      out += d;
      if (out.includes('listening on')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return { name, url: `http://127.0.0.1:${port}`, proc, stop: () => proc.kill('SIGTERM') };
}

/**
 * Starts everything. Returns {api, gateways: [g1, g2], notify|null, doorA, doorB, stop()}.
 * Door A routes WebSockets to gateway 1 only, door B to gateway 2 only; both share api/notify.
 */
export async function startStack() {
  for (const [name, jar] of Object.entries(JARS)) {
    if (name !== 'notify' && !existsSync(jar)) {
      throw new Error(`${jar} is missing: package the services first (mvn -B package -DskipTests)`);
    }
  }
  mkdirSync(LOG_DIR, { recursive: true });
  const id = randomBytes(4).toString('hex');
  const apiDb = `forum_e2e_${id}`;
  const notifyDb = `forum_notify_e2e_${id}`;
  const namespace = `forum-e2e-${id}`;
  const token = randomBytes(24).toString('hex');
  const withNotify = existsSync(JARS.notify);
  const created = [];
  const services = [];
  const doors = [];

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    process.off('SIGINT', exitOnSignal);
    process.off('SIGTERM', exitOnSignal);
    for (const d of doors) d.stop();
    await Promise.all(services.map((s) => s.kill('SIGTERM').catch(() => {})));
    for (const db of created) await dropDatabase(db);
  };
  // If the test process dies without running stop(), take the child processes and databases with it.
  const killOnExit = () => {
    for (const s of services) s.proc?.kill('SIGKILL');
    for (const d of doors) d.proc.kill('SIGKILL');
    for (const db of created) {
      try {
        execFileSync('psql', ['-h', PG_HOST, '-p', PG_PORT, '-U', 'postgres', '-d', 'postgres', '-qc', `DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`], { stdio: 'ignore' });
      } catch { /* best effort */ }
    }
  };
  const exitOnSignal = (signal) => process.exit(signal === 'SIGINT' ? 130 : 143);
  process.on('exit', killOnExit);
  process.once('SIGINT', exitOnSignal);
  process.once('SIGTERM', exitOnSignal);

  try {
    await createDatabase(apiDb);
    created.push(apiDb);
    if (withNotify) {
      await createDatabase(notifyDb);
      created.push(notifyDb);
    }
    const twoPorts = () => Promise.all([freePort(), freePort()]);
    const [apiPort, g1Port, g2Port, notifyPort] = await Promise.all([twoPorts(), twoPorts(), twoPorts(), twoPorts()]);
    const jdbc = (db) => `jdbc:postgresql://${PG_HOST}:${PG_PORT}/${db}`;

    const api = new JavaService('forum-api', JARS.api, apiPort, {
      'quarkus.datasource.jdbc.url': jdbc(apiDb),
      'quarkus.datasource.username': 'postgres',
      'quarkus.redis.hosts': REDIS_URL,
      'forum.redis.namespace': namespace,
      'forum.internal.token': token,
      'forum.rate-limit.posts': 1000,
      'forum.rate-limit.reactions': 1000,
      // Every browser logs in from 127.0.0.1; plain http, so no Secure cookie.
      'forum.rate-limit.login.per-account': 100000,
      'forum.rate-limit.login.per-address': 100000,
      'forum.rate-limit.login.registers-per-address': 100000,
      'forum.auth.cookie-secure': false,
      'forum.demo-data.enabled': false,
      // The warm-ups run (they are on the path of every start), shortened: these tests check behaviour, not the
      // cold minute, and a start on a busy machine must stay within waitReady.
      'forum.warmup.iterations': 100,
      'forum.warmup.time-budget': '20s',
    }, { FORUM_DB_URL: jdbc(apiDb), FORUM_INTERNAL_TOKEN: token, FORUM_REDIS_NAMESPACE: namespace });
    services.push(api.start());
    await api.waitReady();

    const gatewayProps = {
      'gateway.forum-api.url': api.url,
      'gateway.forum-api.internal-token': token,
      'gateway.redis.namespace': namespace,
      'gateway.redis.url': REDIS_URL,
      'quarkus.redis.hosts': REDIS_URL,
      'quarkus.shutdown.timeout': '2s',
    };
    const gatewayEnv = { FORUM_INTERNAL_TOKEN: token, GATEWAY_FORUM_API_URL: api.url, GATEWAY_REDIS_NAMESPACE: namespace };
    const g1 = new JavaService('gateway-1', JARS.gateway, g1Port, gatewayProps, gatewayEnv);
    const g2 = new JavaService('gateway-2', JARS.gateway, g2Port, gatewayProps, gatewayEnv);
    services.push(g1.start(), g2.start());
    let notify = null;
    if (withNotify) {
      notify = new JavaService('notification-service', JARS.notify, notifyPort, {
        'quarkus.datasource.jdbc.url': jdbc(notifyDb),
        'quarkus.datasource.username': 'postgres',
        'quarkus.redis.hosts': REDIS_URL,
        'quarkus.rest-client.forum-api.url': api.url,
        'notify.redis.namespace': namespace,
        'notify.internal-token': token,
        'notify.consumer.id': `notification-service-${id}`,
        'notify.warmup.iterations': 5,
        'notify.warmup.time-budget': '10s',
      }, { NOTIFY_DB_URL: jdbc(notifyDb), NOTIFY_DB_PASSWORD: 'unused', FORUM_INTERNAL_TOKEN: token, NOTIFY_FORUM_API_URL: api.url, NOTIFY_REDIS_NAMESPACE: namespace });
      services.push(notify.start());
    }
    await Promise.all(services.slice(1).map((s) => s.waitReady()));

    const notifyUrl = notify ? notify.url : api.url;
    doors.push(await startFrontDoor('front-door-a', { api: api.url, gateways: [g1.url], notify: notifyUrl }));
    doors.push(await startFrontDoor('front-door-b', { api: api.url, gateways: [g2.url], notify: notifyUrl }));
    /** Runs SQL in forum-api's test database (fixtures the API has no endpoint for, e.g. the first admin). */
    const sql = (statement) => run('psql', ['-h', PG_HOST, '-p', PG_PORT, '-U', 'postgres', '-d', apiDb, '-v', 'ON_ERROR_STOP=1', '-qc', statement]);
    return { api, gateways: [g1, g2], notify, doorA: doors[0], doorB: doors[1], namespace, sql, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
