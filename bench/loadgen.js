#!/usr/bin/env node
'use strict';
// Load generator for the end-to-end benchmark (started by bench/run.js; usable alone).
// Prints ONE JSON line on stdout; progress on stderr.
//
// Modes
//   --mode fixed  open --clients WebSocket clients over --sub-urls (contiguous blocks), each
//                 subscribed to one thread (round-robin), post --rate posts/s for --duration s
//                 (after --warmup s not measured), then wait up to --drain s (30) for the
//                 deliveries: what has not arrived by then is lost.
//   --mode max    the same clients; open-loop steps of --step-duration s from --start-rate,
//                 x --step-factor per step, until p99 > --max-p99-ms or anything is lost (or a
//                 post fails, or the generator cannot hold the rate); then a finer climb
//                 (x (1 + (factor-1)/3)) from the best passing rate. Reports the best passing step.
//                 When the first step fails, it steps down (/ factor, to --min-rate 5) until one passes.
//   --mode idle   open --clients subscribed clients to the first --sub-urls entry and report the
//                 RSS growth of --idle-pid (KB per connection), after running --gc-cmd (if any)
//                 before each reading. --source-ips spreads the connections over local addresses.
//
// Options
//   --client forum|socketio      protocol (lib/clients.js)
//   --thread-ids 1,2,3           the threads (as many as the scenario's thread count)
//   --post-urls http://..,...    POST targets, round-robin per thread so that every thread's posts
//                                alternate targets
//   --post-path /api/forum/threads/{id}/messages   --post-token T (Bearer, for POSTs)
//   --sub-urls ws://..,...       --ws-tokens t1,t2 (Bearer for the handshake, round-robin)
//   --layout blocks|spread       which sub-url each client uses: blocks (default) = contiguous blocks
//                                of clients, so every thread has watchers on every url when there are
//                                more clients than threads; spread = a thread's watchers on one or two
//                                of the urls only (half the threads each, picked by a fixed hash of the
//                                thread's index: the same layout every run)
//   --rest 5                     fixed mode: a window of that many seconds with no posts, after the
//                                warm-up, whose CPU is reported as cpu_pct_at_rest (what the processes
//                                spend with these clients connected and nothing happening)
//   --metrics-urls http://..,... one Prometheus endpoint per sub-url (a gateway's /q/metrics): read
//                                before a measured step and after its drain, and reported per gateway
//                                with its clients, threads watched and deliveries
//   --payload 100                --connect-concurrency 200
//   --procs name=pid,...         processes whose CPU (% of one core) and RSS are reported per window
//   --pg-dbs db1,db2             PostgreSQL databases: their backends' CPU and pg_stat_database deltas
//
// Latency is measured in this process's clock only: POST sent -> frame received. Each post's
// content starts with "<run tag>:<seq>|", found in the raw frame bytes (no JSON parsing), so every
// delivery is matched to its post; a delivery beyond the thread's subscriber count is a duplicate.
const http = require('http');
const { performance } = require('perf_hooks');
const { execSync } = require('child_process');
const clients = require('./lib/clients');
const { Meter, rssKb, r2 } = require('./lib/procs');

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error('unexpected argument ' + a);
    const eq = a.indexOf('=');
    if (eq > 0) o[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) o[a.slice(2)] = argv[++i];
    else o[a.slice(2)] = 'true';
  }
  return o;
}
const A = parseArgs(process.argv.slice(2));
const num = (k, d) => (A[k] === undefined ? d : Number(A[k]));
const list = (s) => (s ? String(s).split(',').map((x) => x.trim()).filter(Boolean) : []);
const opt = {
  mode: A.mode || 'fixed',
  client: A.client || 'forum',
  clients: num('clients', 1000),
  threadIds: list(A['thread-ids']).map(Number),
  rate: num('rate', 50),
  duration: num('duration', 20),
  warmup: num('warmup', 3),
  drain: num('drain', 30),
  payload: num('payload', 100),
  postUrls: list(A['post-urls']).map((u) => new URL(u)),
  postPath: A['post-path'] || '/api/forum/threads/{id}/messages',
  postToken: A['post-token'],
  subUrls: list(A['sub-urls']),
  wsTokens: list(A['ws-tokens']),
  connectConcurrency: num('connect-concurrency', 200),
  procs: Object.fromEntries(list(A.procs).map((s) => s.split('=')).map(([n, p]) => [n, Number(p)])),
  pgDbs: list(A['pg-dbs']),
  startRate: num('start-rate', 50),
  stepFactor: num('step-factor', 1.25),
  stepDuration: num('step-duration', 10),
  maxP99: num('max-p99-ms', 1000),
  maxSteps: num('max-steps', 30),
  minRate: num('min-rate', 5),
  refine: A.refine !== 'false',
  idlePid: num('idle-pid', 0),
  gcCmd: A['gc-cmd'],
  settle: num('settle', 5),
  sourceIps: list(A['source-ips']),
  layout: A.layout || 'blocks',
  rest: num('rest', 0),
  metricsUrls: list(A['metrics-urls']),
};
if (!['blocks', 'spread'].includes(opt.layout)) throw new Error('unknown --layout ' + opt.layout);
if (opt.metricsUrls.length && opt.metricsUrls.length !== opt.subUrls.length) throw new Error('--metrics-urls needs one url per --sub-urls entry');
if (!opt.threadIds.length) throw new Error('--thread-ids is required');
if (!opt.subUrls.length) throw new Error('--sub-urls is required');

const log = (...a) => process.stderr.write(`[loadgen ${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CONNECT_ATTEMPTS = 5;

// ------------------------------------------------------------------ per-post bookkeeping
const T = opt.threadIds.length;
const subs = new Int32Array(T);
const runTag = Math.random().toString(36).slice(2, 8);
const tagBuf = Buffer.from(runTag + ':');
const MAX_POSTS = 4 << 20;
const sendT = new Float64Array(MAX_POSTS);
const expPer = new Int32Array(MAX_POSTS);
const recvPer = new Int32Array(MAX_POSTS);
const stepOf = new Int32Array(MAX_POSTS).fill(-1);
const steps = [];
let nextSeq = 0;
let inflight = 0;
let disconnects = 0;
let foreign = 0;
let framesTotal = 0; // matched deliveries, any step
const G = opt.subUrls.length;
const framesPerUrl = new Float64Array(G); // matched deliveries per sub-url, any step
const clientsPerUrl = new Int32Array(G);
const threadsPerUrl = Array.from({ length: G }, () => new Set());
let postsDone = 0; // successful POST responses, any step

// latencies by sixth of a step's posts (10 s windows of a 60 s step: where in the cold minute the tail is)
const sixths = () => Array.from({ length: 6 }, () => []);

function newStep(rate, seconds) {
  steps.push({
    rate, n: Math.max(1, Math.round(rate * seconds)), posted: 0, postErrors: 0, expected: 0, received: 0,
    lat: [[], [], []], lat6: sixths(), http: [], firstSeq: -1, lastSeq: -1, firstPostT: 0, lastRecvT: 0,
  });
  return steps.length - 1;
}

// one received frame (on a client of sub-url gi): find "<tag>:<seq>|" in its bytes
function onFrame(buf, gi) {
  const t = now();
  const i = buf.indexOf(tagBuf);
  if (i < 0) {
    foreign++;
    return;
  }
  let seq = 0;
  for (let j = i + tagBuf.length; j < buf.length; j++) {
    const d = buf[j] - 48;
    if (d < 0 || d > 9) break;
    seq = seq * 10 + d;
  }
  recvPer[seq]++;
  framesTotal++;
  framesPerUrl[gi]++;
  const si = stepOf[seq];
  if (si >= 0) {
    const s = steps[si];
    s.received++;
    const third = Math.min(2, Math.floor((3 * (seq - s.firstSeq)) / s.n));
    s.lat[third].push(t - sendT[seq]);
    s.lat6[Math.min(5, Math.floor((6 * (seq - s.firstSeq)) / s.n))].push(t - sendT[seq]);
    s.lastRecvT = t;
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const pad = 'x'.repeat(opt.payload);
const postHeaders = { 'content-type': 'application/json' };
if (opt.postToken) postHeaders.authorization = 'Bearer ' + opt.postToken;

function post(stepIdx) {
  const seq = nextSeq++;
  if (seq >= MAX_POSTS) throw new Error('too many posts for one run');
  const ti = seq % T;
  const nT = opt.postUrls.length;
  // alternate targets per post and per thread (seq % n alone pins a thread to one target when T is even)
  const target = opt.postUrls[(seq + (T % nT === 0 ? Math.floor(seq / T) : 0)) % nT];
  const head = `${runTag}:${seq}|`;
  const body = JSON.stringify({ content: head + pad.slice(0, Math.max(0, opt.payload - head.length)) });
  const s = stepIdx >= 0 ? steps[stepIdx] : null;
  expPer[seq] = subs[ti];
  stepOf[seq] = stepIdx;
  if (s) {
    s.posted++;
    s.expected += subs[ti];
    if (s.firstSeq < 0) {
      s.firstSeq = seq;
      s.firstPostT = now();
    }
    s.lastSeq = seq;
  }
  const t0 = now();
  sendT[seq] = t0;
  inflight++;
  let done = false;
  const fail = (why) => {
    if (done) return;
    done = true;
    inflight--;
    if (s) {
      s.postErrors++;
      s.expected -= expPer[seq];
      if (s.postErrors <= 3) log(`post ${seq} failed: ${why}`);
    }
    expPer[seq] = 0;
  };
  const req = http.request(
    {
      agent, host: target.hostname, port: target.port, method: 'POST',
      path: opt.postPath.replace('{id}', String(opt.threadIds[ti])),
      headers: { ...postHeaders, 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 201 && res.statusCode !== 200) return fail('HTTP ' + res.statusCode);
        if (done) return;
        done = true;
        inflight--;
        postsDone++;
        if (s) s.http.push(now() - t0);
      });
      res.on('error', (e) => fail(e.message));
    }
  );
  req.on('error', (e) => fail(e.message));
  req.end(body);
}

// open loop: post k is due at t0 + k/rate, whatever happened to the earlier ones
function postPhase(rate, seconds, stepIdx) {
  const n = Math.max(1, Math.round(rate * seconds));
  const t0 = now();
  let i = 0;
  let lagMax = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(n, Math.floor(((now() - t0) * rate) / 1000) + 1);
      while (i < due) {
        const lag = now() - (t0 + (i * 1000) / rate);
        if (lag > lagMax) lagMax = lag;
        post(stepIdx);
        i++;
      }
      if (i >= n) return resolve({ lagMax, elapsed: (now() - t0) / 1000 + 1 / rate, n });
      setTimeout(tick, Math.max(0, t0 + (i * 1000) / rate - now()));
    };
    tick();
  });
}

async function drain(si, seconds) {
  const s = steps[si];
  const deadline = now() + seconds * 1000;
  while (now() < deadline && (s.received < s.expected || inflight > 0)) await sleep(20);
}

function percentiles(arr, ps) {
  if (!arr.length) return ps.map(() => null);
  const a = Float64Array.from(arr).sort();
  return ps.map((p) => a[Math.min(a.length - 1, Math.max(0, Math.ceil((p / 100) * a.length) - 1))]);
}

function stepResult(si, duration, phase, window) {
  const s = steps[si];
  let lost = 0;
  let dup = 0;
  for (let q = s.firstSeq; q >= 0 && q <= s.lastSeq; q++) {
    if (stepOf[q] !== si) continue;
    const d = expPer[q] - recvPer[q];
    if (d > 0) lost += d;
    else dup -= d;
  }
  const [p50, p90, p99, max] = percentiles([].concat(...s.lat), [50, 90, 99, 100]);
  const [h50, h99] = percentiles(s.http, [50, 99]);
  const [f50] = percentiles(s.lat[0], [50]);
  const [l50] = percentiles(s.lat[2], [50]);
  // over [first post, last receipt]: a backlog that drains after the window is not credited
  const span = s.lastRecvT > s.firstPostT ? (s.lastRecvT - s.firstPostT) / 1000 : duration;
  return {
    rate: s.rate, duration, posted: s.posted, post_errors: s.postErrors,
    achieved_rate: r2(phase.n / phase.elapsed), sched_lag_ms_max: r2(phase.lagMax),
    expected_deliveries: s.expected, received_deliveries: s.received, lost, duplicates: dup,
    deliveries_per_s: r2(s.received / Math.max(duration, span)),
    latency_ms: { p50: r2(p50), p90: r2(p90), p99: r2(p99), max: r2(max) },
    p50_first_last_third_ms: [r2(f50), r2(l50)],
    p50_p99_by_sixth_ms: s.lat6.map((l) => percentiles(l, [50, 99]).map(r2)),
    http_ms: { p50: r2(h50), p99: r2(h99) },
    window_s: r2(window.secs), cpu_pct: window.cpu_pct, rss_mb: window.rss_mb, pg: window.pg,
    deliveries_in_window: window.deliveries_in_window, posts_done_in_window: window.posts_done_in_window,
  };
}

const meter = new Meter(opt.procs, opt.pgDbs);

async function measureStep(rate, seconds) {
  const si = newStep(rate, seconds);
  const scraped0 = await scrapeAll();
  const perUrl0 = Float64Array.from(framesPerUrl);
  meter.start();
  const f0 = framesTotal;
  const p0 = postsDone;
  const phase = await postPhase(rate, seconds, si);
  const window = await meter.end();
  // what the servers completed inside the CPU window (behind the offered load when overloaded)
  window.deliveries_in_window = framesTotal - f0;
  window.posts_done_in_window = postsDone - p0;
  await drain(si, opt.drain);
  const res = stepResult(si, seconds, phase, window);
  if (scraped0) res.per_gateway = perGateway(scraped0, await scrapeAll(), perUrl0);
  steps[si].lat = [[], [], []];
  steps[si].lat6 = sixths();
  steps[si].http = [];
  return res;
}

// ------------------------------------------------------------------ clients
// the sub-url of client i (watching thread ti) out of g
function urlOf(i, ti, n, g) {
  if (opt.layout === 'blocks' || g === 1) return Math.floor((i * g) / n);
  // spread: the thread's k-th watcher on its first or second url; a fixed integer hash of the thread's
  // index, so the layout (and what each gateway has to hear) is the same in every run
  let h = Math.imul(ti + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = (h ^ (h >>> 13)) >>> 0;
  const first = h % g;
  const both = ((h >>> 8) & 1) === 1;
  const second = (first + 1 + ((h >>> 9) % (g - 1))) % g;
  return both && Math.floor(i / T) % 2 === 1 ? second : first;
}

// ------------------------------------------------------------------ gateway metrics (Prometheus text)
// {"name{labels}": value} of every sample of every --metrics-urls entry, or null without them
async function scrapeAll() {
  if (!opt.metricsUrls.length) return null;
  return Promise.all(opt.metricsUrls.map(async (url) => {
    const samples = {};
    try {
      const text = await (await fetch(url)).text();
      for (const line of text.split('\n')) {
        const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)/.exec(line);
        if (m) samples[m[1]] = Number(m[2]);
      }
    } catch (e) {
      log(`metrics ${url}: ${e.message}`);
    }
    return samples;
  }));
}

// the sum of the samples of one metric whose labels include every one given
function metricSum(samples, name, labels = '') {
  let sum = 0;
  let found = false;
  for (const [k, v] of Object.entries(samples)) {
    const brace = k.indexOf('{');
    if ((brace < 0 ? k : k.slice(0, brace)) !== name) continue;
    if (labels && !labels.split(',').every((l) => k.includes(l))) continue;
    sum += v;
    found = true;
  }
  return found ? sum : null;
}

function perGateway(before, after, perUrl0) {
  const delta = (i, name, labels) => {
    const a = metricSum(before[i], name, labels);
    const b = metricSum(after[i], name, labels);
    return a === null || b === null ? null : r2(b - a);
  };
  return opt.subUrls.map((url, i) => ({
    url, clients: clientsPerUrl[i], threads_watched: threadsPerUrl[i].size,
    deliveries: framesPerUrl[i] - perUrl0[i],
    events_received: {
      pubsub: delta(i, 'gateway_events_received_total', 'source="pubsub"'),
      feed: delta(i, 'gateway_events_received_total', 'source="feed"'),
    },
    frames_written: delta(i, 'gateway_deliveries_total'),
  }));
}

async function openClients(n, urls) {
  const out = [];
  let next = 0;
  let errors = 0;
  let retries = 0;
  const t0 = now();
  async function worker() {
    while (next < n) {
      const i = next++;
      const ti = i % T;
      const gi = urlOf(i, ti, n, urls.length);
      // a refused or failed connection is retried (as a browser would, with backoff) a few times
      for (let attempt = 1; ; attempt++) {
        const c = clients.create(opt.client, {
          headers: opt.wsTokens.length ? { authorization: 'Bearer ' + opt.wsTokens[i % opt.wsTokens.length] } : {},
          localAddress: opt.sourceIps.length ? opt.sourceIps[i % opt.sourceIps.length] : undefined,
          onFrame: (buf) => onFrame(buf, gi),
          onClose: () => disconnects++,
        });
        try {
          await c.connect(urls[gi]);
          await c.subscribe(opt.threadIds[ti]);
          subs[ti]++;
          clientsPerUrl[gi]++;
          threadsPerUrl[gi].add(ti);
          out.push(c);
          break;
        } catch (e) {
          c.close();
          if (attempt < CONNECT_ATTEMPTS) {
            retries++;
            if (retries <= 3) log(`client ${i} failed (${e.message}); retrying`);
            await sleep(500 * attempt);
            continue;
          }
          errors++;
          if (errors <= 5) log(`client ${i} failed after ${attempt} attempts: ${e.message}`);
          break;
        }
      }
      if ((i + 1) % 10000 === 0) log(`${i + 1} clients opened`);
    }
  }
  await Promise.all(Array.from({ length: Math.min(opt.connectConcurrency, n) }, worker));
  const secs = (now() - t0) / 1000;
  log(`${out.length}/${n} clients connected and subscribed in ${secs.toFixed(1)} s over ${urls.length} endpoint(s), ${retries} retries`);
  return { clients: out, errors, retries, secs };
}

function closeClients(list) {
  for (const c of list) c.close();
}

function common(conn) {
  return {
    client: opt.client, clients: conn.clients.length, threads: T, payload: opt.payload,
    connect_s: r2(conn.secs), connect_errors: conn.errors, connect_retries: conn.retries, disconnects, foreign_frames: foreign,
    loadgen_rss_mb: r2(rssKb(process.pid) / 1024),
  };
}

async function modeFixed() {
  const conn = await openClients(opt.clients, opt.subUrls);
  await sleep(1000);
  if (opt.warmup > 0) {
    log(`warm-up ${opt.warmup} s at ${opt.rate} posts/s`);
    await postPhase(opt.rate, opt.warmup, -1);
    await sleep(500);
  }
  let rest = null;
  if (opt.rest > 0) {
    log(`at rest ${opt.rest} s`);
    await sleep(1000); // the warm-up's last deliveries
    meter.start();
    await sleep(opt.rest * 1000);
    rest = (await meter.end()).cpu_pct;
  }
  log(`measuring ${opt.duration} s at ${opt.rate} posts/s`);
  const res = await measureStep(opt.rate, opt.duration);
  const out = { mode: 'fixed', ...res, ...(rest ? { cpu_pct_at_rest: rest } : {}), ...common(conn) };
  closeClients(conn.clients);
  return out;
}

async function modeMax() {
  const conn = await openClients(opt.clients, opt.subUrls);
  await sleep(1000);
  if (opt.warmup > 0) {
    log(`warm-up ${opt.warmup} s at ${opt.startRate} posts/s`);
    await postPhase(opt.startRate, opt.warmup, -1);
    await sleep(500);
  }
  const all = [];
  let best = null;
  let firstFail = null;
  let rate = opt.startRate;
  let factor = opt.stepFactor;
  let refining = false;
  let stopReason = 'max-steps reached';
  for (let k = 0; k < opt.maxSteps; k++) {
    const res = await measureStep(rate, opt.stepDuration);
    const why = [];
    if (res.lost > 0) why.push(`lost ${res.lost}`);
    if (res.duplicates > 0) why.push(`duplicates ${res.duplicates}`);
    if (res.post_errors > 0) why.push(`post errors ${res.post_errors}`);
    if (res.latency_ms.p99 === null || res.latency_ms.p99 > opt.maxP99) why.push(`p99 ${res.latency_ms.p99} ms > ${opt.maxP99}`);
    if (res.achieved_rate < 0.95 * rate) why.push(`generator reached only ${res.achieved_rate} posts/s`);
    res.pass = why.length === 0;
    res.refine = refining;
    all.push(res);
    log(`step ${k + 1}: ${rate} posts/s -> ${res.deliveries_per_s} deliveries/s, p50 ${res.latency_ms.p50} p99 ${res.latency_ms.p99} ms, ` +
      `lost ${res.lost}, cpu ${JSON.stringify(res.cpu_pct)} ${res.pass ? 'PASS' : 'FAIL: ' + why.join('; ')}`);
    if (!res.pass) {
      stopReason = `at ${rate} posts/s: ` + why.join('; ');
      if (!firstFail || rate < firstFail.rate) firstFail = res;
      if (!best && rate > opt.minRate) {
        // nothing has passed yet: step down (÷ factor) until a step passes
        await sleep(2000);
        rate = Math.max(opt.minRate, Math.floor(rate / opt.stepFactor));
        continue;
      }
      if (!opt.refine || refining || !best) break;
      refining = true;
      factor = 1 + (opt.stepFactor - 1) / 3;
      await sleep(2000);
      const fr = Math.round(best.rate * factor);
      rate = fr > best.rate ? fr : best.rate + 1;
      if (rate >= res.rate) break;
      continue;
    }
    if (!best || res.deliveries_per_s > best.deliveries_per_s) best = res;
    const nr = Math.round(rate * factor);
    rate = nr > rate ? nr : rate + 1;
    if (firstFail && rate >= firstFail.rate) {
      stopReason += ' (finer climb reached the failed rate)';
      break;
    }
    await sleep(1000);
  }
  const out = {
    mode: 'max', step_duration: opt.stepDuration, criteria: { p99_ms_max: opt.maxP99, loss: 0 },
    best, stop_reason: stopReason,
    steps: all.map((s) => ({
      rate: s.rate, achieved_rate: s.achieved_rate, deliveries_per_s: s.deliveries_per_s, lost: s.lost,
      duplicates: s.duplicates, p50: s.latency_ms.p50, p99: s.latency_ms.p99, max: s.latency_ms.max,
      http_p99: s.http_ms.p99, cpu_pct: s.cpu_pct, pass: s.pass, refine: s.refine,
    })),
    ...common(conn),
  };
  closeClients(conn.clients);
  return out;
}

function gcAndRss(pid) {
  if (opt.gcCmd) {
    try {
      execSync(opt.gcCmd, { stdio: 'ignore' });
    } catch (e) {
      log('gc command failed: ' + e.message);
    }
  }
  return rssKb(pid);
}

async function modeIdle() {
  const pid = opt.idlePid;
  if (!pid) throw new Error('--mode idle needs --idle-pid');
  const rss0 = gcAndRss(pid);
  await sleep(2000);
  const before = rssKb(pid);
  const conn = await openClients(opt.clients, [opt.subUrls[0]]);
  log(`settling ${opt.settle} s`);
  await sleep(opt.settle * 1000);
  gcAndRss(pid);
  await sleep(2000);
  const after = rssKb(pid);
  const n = conn.clients.length;
  const out = {
    mode: 'idle', idle_rss_mb: { first: r2(rss0 / 1024), before: r2(before / 1024), after: r2(after / 1024) },
    kb_per_connection: n ? r2((after - before) / n) : null, source_ips: opt.sourceIps.length || 1, ...common(conn),
  };
  closeClients(conn.clients);
  return out;
}

(async () => {
  const f = { fixed: modeFixed, max: modeMax, idle: modeIdle }[opt.mode];
  if (!f) throw new Error('unknown --mode ' + opt.mode);
  const out = await f();
  process.stdout.write(JSON.stringify(out) + '\n');
  setTimeout(() => process.exit(0), 300);
})().catch((e) => {
  log('error: ' + (e.stack || e.message));
  process.exit(1);
});
