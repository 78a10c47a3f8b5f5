#!/usr/bin/env node
'use strict';
// The end-to-end benchmark runner (scripts/bench): starts the stacks, runs the scenarios with
// loadgen.js against each, prints one JSON line per scenario and stack, then the tables.
// See README "Benchmarks" and docs/benchmarks.md for the options and what is measured.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { ForumStack, PeerStack, OwnPostgres, log, sleep, niced } = require('./lib/stack');
const jfr = require('./lib/jfr');
const report = require('./lib/report');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const env = process.env;

const SMOKE = flag('--smoke');
const QUICK = flag('--quick');
const PROFILE = flag('--profile');
const NO_PEER = flag('--no-peer') || SMOKE;
// The smoke checks delivery, not speed: short start-up warm-ups (they still run) keep CI's run to seconds.
if (SMOKE) {
  env.FORUM_WARMUP_ITERATIONS ??= '50';
  env.NOTIFY_WARMUP_ITERATIONS ??= '5';
}
let scenarios = args.filter((a) => !a.startsWith('--'));
if (!scenarios.length) scenarios = SMOKE ? ['smoke'] : ['a', 'b', 'c', 'idle'];
const KNOWN = ['smoke', 'a', 'b', 'c', 'idle', 'idle100k', 'cold', 'shards'];
for (const s of scenarios) if (!KNOWN.includes(s)) throw new Error(`unknown scenario ${s} (${KNOWN.join(', ')})`);

const BASE = Number(env.BENCH_PORT_BASE || 9100);
const id = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '_').toLowerCase() + '_' + Math.random().toString(36).slice(2, 6);
const outDir = env.BENCH_OUT || path.join(ROOT, 'run/bench', id);
const logDir = path.join(outDir, 'logs');
const workDir = path.join(outDir, 'work');
for (const d of [logDir, workDir]) fs.mkdirSync(d, { recursive: true });
const cacheDir = env.BENCH_CACHE || path.join(os.tmpdir(), 'forum-bench-cache');
// the peer: PEER_DIR, else shared/peer-node beside the repository or beside one of its parents
// (a git worktree may sit deeper than the main checkout)
function findPeer() {
  if (env.PEER_DIR) return env.PEER_DIR;
  for (let d = path.dirname(ROOT); d !== path.dirname(d); d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'shared/peer-node/server.js'))) return path.join(d, 'shared/peer-node');
  }
  return path.resolve(ROOT, '../shared/peer-node');
}
const PEER_DIR = findPeer();
const resultsFile = path.join(outDir, 'results.jsonl');

// scenario parameters (QUICK: a minute-long trial of the same shapes)
const Q = QUICK;
const SPEC = {
  smoke: { mode: 'fixed', clients: 100, threads: 5, rate: 20, duration: 3, warmup: 1, drain: 10 },
  a: { mode: 'fixed', clients: Q ? 200 : 1000, threads: 20, rate: Q ? 20 : 50, duration: Q ? 5 : 20 },
  b: { mode: 'fixed', clients: Q ? 400 : 4000, threads: 40, rate: Q ? 40 : 100, duration: Q ? 5 : 20 },
  c: Q
    ? { mode: 'max', clients: 400, threads: 20, startRate: 50, stepFactor: 2, stepDuration: 3, maxSteps: 3 }
    : { mode: 'max', clients: 2000, threads: 20, startRate: 50, stepFactor: 1.25, stepDuration: 10 },
  idle: { mode: 'idle', clients: Q ? 500 : 5000, threads: 20 },
  idle100k: { mode: 'idle', clients: Number(env.BENCH_IDLE_CONNECTIONS || 100000), threads: 20, sourceIps: 8 },
  cold: { mode: 'fixed', clients: Q ? 200 : 1000, threads: 20, rate: Q ? 20 : 50, duration: Q ? 10 : 60, warmup: 0, coldDelay: 10 },
  // issue 14: many threads, each watched on one or two of 4 gateways; what each gateway hears and
  // spends (this project only; its own warm-up, which warms the two extra gateways too)
  shards: {
    mode: 'fixed', clients: Q ? 400 : 2000, threads: Q ? 200 : 1000, rate: Q ? 50 : 200, duration: Q ? 5 : 20, warmup: Q ? 3 : 30,
    gateways: 4, layout: 'spread', rest: Q ? 3 : 5, forumOnly: true,
  },
};

const running = env.BENCH_API_URL
  ? {
      api: env.BENCH_API_URL,
      gateways: (env.BENCH_GATEWAY_URLS || 'http://127.0.0.1:8081,http://127.0.0.1:8083').split(','),
      notify: env.BENCH_NOTIFY_URL || 'http://127.0.0.1:8082',
      dbs: (env.BENCH_DBS || 'forum,forum_notify').split(','),
      redisPort: Number(env.BENCH_REDIS_PORT || 6379),
    }
  : null;

const forum = new ForumStack({
  root: ROOT, id, logDir, workDir, running,
  ports: {
    api: BASE + 10, gateways: [BASE + 11, BASE + 13, BASE + 15, BASE + 16], notify: BASE + 12, idle: BASE + 14, redis: BASE + 90,
    redisCluster: [60, 61, 62, 63, 64, 65].map((i) => BASE + i), // BENCH_REDIS=cluster; each node's bus on its port + 10
  },
});
const stacks = [forum];
const peerNeeded = !NO_PEER && scenarios.some((sc) => !SPEC[sc].forumOnly);
if (peerNeeded && fs.existsSync(path.join(PEER_DIR, 'server.js'))) {
  stacks.push(new PeerStack({
    peerDir: PEER_DIR, id, logDir, workDir, cacheDir,
    ports: { replicas: [BASE + 50, BASE + 51], idle: BASE + 52, redis: BASE + 91 },
  }));
} else if (peerNeeded) {
  log(`no peer at ${PEER_DIR} (set PEER_DIR): this project only`);
}

function loadgenOpts(spec) {
  const o = ['--mode', spec.mode, '--clients', spec.clients];
  const add = (k, v) => v !== undefined && o.push(k, v);
  add('--rate', spec.rate);
  add('--duration', spec.duration);
  add('--warmup', spec.warmup);
  add('--drain', spec.drain);
  add('--start-rate', spec.startRate);
  add('--step-factor', spec.stepFactor);
  add('--step-duration', spec.stepDuration);
  add('--max-steps', spec.maxSteps);
  add('--layout', spec.layout);
  add('--rest', spec.rest);
  return o.map(String);
}

// onLoad: called once when the generator starts posting (after its clients are connected)
function runLoadgen(name, argv, onLoad) {
  return new Promise((resolve, reject) => {
    const logFile = path.join(logDir, `loadgen-${name}.log`);
    const shown = argv.join(' ').replace(/(--(?:post-token|ws-tokens) )\S+/g, '$1…')
      .replace(/(--thread-ids )(\d+)\S*,(\d+)\b/, (m, k, a, b) => `${k}${a}…${b}`);
    log(`${name}: node bench/loadgen.js ${shown}`);
    const [cmd, cmdArgs] = niced(process.execPath, [path.join(__dirname, 'loadgen.js'), ...argv]);
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const lf = fs.createWriteStream(logFile);
    child.stderr.on('data', (d) => {
      if (onLoad && /warm-up|measuring/.test(d)) {
        onLoad();
        onLoad = null;
      }
      lf.write(d);
      process.stderr.write(d);
    });
    child.on('exit', (code) => {
      lf.end();
      if (code !== 0) return reject(new Error(`loadgen ${name} failed (exit ${code}); see ${logFile}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch (e) {
        reject(new Error(`loadgen ${name}: no JSON result (${e.message})`));
      }
    });
  });
}

function emit(stack, scenario, result, extra = {}) {
  const line = { stack: stack.name, scenario, date: new Date().toISOString(), ...extra, ...result };
  fs.appendFileSync(resultsFile, JSON.stringify(line) + '\n');
  process.stdout.write(JSON.stringify(line) + '\n');
  return line;
}

async function runScenario(stack, sc) {
  const spec = SPEC[sc];
  if (spec.forumOnly && stack.name !== 'forum') return null;
  if (spec.mode === 'idle') return runIdle(stack, sc, spec);
  if (spec.gateways) {
    log(`${sc}: ${spec.gateways} gateway replicas`);
    await stack.useGateways(spec.gateways);
    try {
      return emit(stack, sc, await runLoadgen(`${stack.name}-${sc}`, [...loadgenOpts(spec), ...stack.loadgenArgs(spec.threads, { metrics: true })]));
    } finally {
      await stack.useGateways(stack.defaultGateways);
    }
  }
  if (sc === 'cold') {
    if (stack.external) {
      log('cold: skipped for a running stack (this runner must restart every service)');
      return null;
    }
    log(`cold: restarting every ${stack.name} service, then waiting ${spec.coldDelay} s`);
    await stack.stopServices();
    await stack.start();
    await sleep(spec.coldDelay * 1000);
  }
  const argv = [...loadgenOpts(spec), ...stack.loadgenArgs(spec.threads)];
  const profiled = PROFILE && sc === 'c' && stack.name === 'forum' && !stack.external;
  const recs = profiled
    ? [['forum-api', stack.procs.forum_api.pid], ['gateway', stack.procs.gateway1.pid]].map(([n, pid]) => ({ n, pid, file: path.join(outDir, `${n}-c.jfr`) }))
    : [];
  // recorded while posts flow, not while the clients connect
  const res = await runLoadgen(`${stack.name}-${sc}`, argv, () => recs.forEach((r) => {
    jfr.start(r.pid, r.file);
    r.started = true;
  }));
  for (const r of recs) if (r.started) jfr.stop(r.pid);
  const line = emit(stack, sc, res);
  for (const r of recs.filter((x) => x.started)) {
    const s = jfr.summarize(r.file, `${r.n} during scenario c`);
    fs.writeFileSync(r.file.replace(/\.jfr$/, '.txt'), s.text + '\n');
    process.stderr.write(s.text + '\n');
  }
  return line;
}

async function runIdle(stack, sc, spec) {
  let n = spec.clients;
  const argv = ['--mode', 'idle', '--clients', String(n)];
  if (spec.sourceIps) {
    argv.push('--source-ips', Array.from({ length: spec.sourceIps }, (_, i) => `127.0.0.${i + 1}`).join(','));
  }
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  if (n + 1000 > limit) {
    log(`${sc}: open files limited to ${limit} (ulimit -n; the hard limit here is ${execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()}): ` +
      `${limit - 1000} connections instead of ${n}`);
    n = limit - 1000;
    argv[3] = String(n);
  }
  const port = stack.name === 'forum' ? forum.o.ports.idle : stack.o.ports.idle;
  const server = stack.external ? null : await stack.idleServer(port);
  if (!server) {
    log(`${sc}: skipped for a running stack (needs a fresh gateway)`);
    return null;
  }
  try {
    const base = stack.loadgenArgs(spec.threads);
    const keep = new Set(['--client', '--thread-ids', '--ws-tokens']);
    for (let i = 0; i < base.length; i += 2) if (keep.has(base[i])) argv.push(base[i], base[i + 1]);
    argv.push('--sub-urls', server.url, '--idle-pid', String(server.pid), '--gc-cmd', server.gcCmd, '--connect-concurrency', '100');
    const res = await runLoadgen(`${stack.name}-${sc}`, argv);
    return emit(stack, sc, res, { requested_clients: spec.clients });
  } finally {
    await server.stop();
  }
}

const ownPg = env.BENCH_PG === 'own' && !running ? new OwnPostgres({ port: BASE + 92, dir: path.join(cacheDir, 'pgdata') }) : null;

let stopping = false;
async function cleanup() {
  if (stopping) return;
  stopping = true;
  for (const s of stacks) {
    try {
      await s.stop();
    } catch (e) {
      log(`stopping ${s.name}: ${e.message}`);
    }
  }
  if (ownPg) ownPg.stop();
  if (env.BENCH_NICE && fs.existsSync('/proc/self/autogroup')) {
    try {
      fs.writeFileSync('/proc/self/autogroup', '0');
    } catch {}
  }
}
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));
process.on('SIGTERM', () => cleanup().then(() => process.exit(143)));

// BENCH_NICE: processes are started under nice (lib/stack.js); where the kernel shares CPU between
// sessions first (autogroup), nice only ranks processes inside a session, so the session's group
// gets the same nice value
function niceSession() {
  if (!env.BENCH_NICE || !fs.existsSync('/proc/self/autogroup')) return;
  try {
    fs.writeFileSync('/proc/self/autogroup', env.BENCH_NICE);
    log(`session CPU group: ${fs.readFileSync('/proc/self/autogroup', 'utf8').trim()}`);
  } catch (e) {
    log(`could not set the session's nice (${e.message})`);
  }
}

(async () => {
  niceSession();
  log(`results in ${outDir}; scenarios ${scenarios.join(' ')}; stacks ${stacks.map((s) => s.name).join(', ')}`);
  const maxThreads = Math.max(...scenarios.map((s) => SPEC[s].threads));
  if (ownPg) {
    ownPg.start();
    process.env.BENCH_PGSS = '1';
  }
  for (const s of stacks) {
    log(`starting ${s.name}`);
    const t0 = Date.now();
    await s.start();
    await s.setup(maxThreads);
    log(`${s.name} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  // warm: a, b and c measure a system that has served ~10,000 posts since its start (JIT compiled,
  // pools filled), as in daily use; `cold` is the scenario for the first minute after a start
  const WARM_POSTS = Number(env.BENCH_WARM_POSTS ?? (QUICK ? 500 : 10000));
  if (WARM_POSTS > 0 && scenarios.some((sc) => ['a', 'b', 'c'].includes(sc))) {
    for (const s of stacks) {
      const rate = 100;
      const argv = ['--mode', 'fixed', '--clients', '200', '--rate', String(rate), '--duration', String(Math.ceil(WARM_POSTS / rate)),
        '--warmup', '0', ...s.loadgenArgs(20)];
      const r = await runLoadgen(`${s.name}-warm`, argv);
      log(`${s.name} warmed with ${r.posted} posts: p50 ${r.latency_ms.p50} ms, p99 ${r.latency_ms.p99} ms, lost ${r.lost}`);
    }
  }
  const lines = [];
  for (const sc of scenarios) {
    for (const s of stacks) {
      const line = await runScenario(s, sc);
      if (line) lines.push(line);
    }
  }
  await cleanup();
  process.stderr.write('\n');
  process.stdout.write(report.tables(lines) + '\n');
  log(`results: ${resultsFile}`);
  if (SMOKE) {
    const bad = lines.filter((l) => l.lost !== 0 || l.duplicates !== 0 || l.post_errors !== 0 || l.connect_errors !== 0 || l.disconnects !== 0 || !(l.received_deliveries > 0));
    if (bad.length || !lines.length) {
      log('SMOKE FAILED: ' + JSON.stringify(bad.map((l) => ({ lost: l.lost, duplicates: l.duplicates, post_errors: l.post_errors, connect_errors: l.connect_errors, disconnects: l.disconnects, received: l.received_deliveries }))));
      process.exit(1);
    }
    log(`smoke passed: ${lines[0].received_deliveries} deliveries, 0 lost, 0 duplicates`);
  }
})().catch(async (e) => {
  log('error: ' + (e.stack || e.message));
  await cleanup();
  process.exit(1);
});
