'use strict';
// JFR recordings of a JVM during a scenario (jcmd JFR.start / JFR.stop) and a text summary of where
// its CPU went, from `jfr print` (JDK 17 has no `jfr view`): the hottest methods by own samples
// (top frame), by inclusive samples (anywhere on the stack), the threads that were sampled, and the
// CPU load per thread.
const { execFileSync } = require('child_process');

function start(pid, file) {
  execFileSync('jcmd', [String(pid), 'JFR.start', 'name=bench', 'settings=profile', `filename=${file}`], { stdio: 'ignore' });
}

function stop(pid) {
  execFileSync('jcmd', [String(pid), 'JFR.stop', 'name=bench'], { stdio: 'ignore' });
}

function print(file, events, depth) {
  return execFileSync('jfr', ['print', '--events', events, '--stack-depth', String(depth), file], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
}

const frameName = (line) => line.trim().replace(/\s+line:.*$/, '').replace(/^"|"$/g, '');

// events of `jfr print`: "<type> {", "eventThread/sampledThread = "name" (...)", "duration = 12.3 ms",
// "stackTrace = [ frames ]", "}"
function events(file, types, depth = 48) {
  const text = print(file, types, depth);
  const out = [];
  let cur = null;
  let inStack = false;
  for (const line of text.split('\n')) {
    let m;
    if ((m = /^(jdk\.\w+) \{/.exec(line))) {
      cur = { type: m[1], thread: '?', frames: [], ms: 0 };
      out.push(cur);
      inStack = false;
    } else if (!cur) {
      continue;
    } else if ((m = /^\s*(?:sampledThread|eventThread) = "(.*)" \(/.exec(line))) {
      cur.thread = m[1];
    } else if ((m = /^\s*duration = ([\d.]+) (ns|us|ms|s|min)\b/.exec(line))) {
      cur.ms = Number(m[1]) * { ns: 1e-6, us: 1e-3, ms: 1, s: 1e3, min: 6e4 }[m[2]];
    } else if (/^\s*stackTrace = \[/.test(line)) {
      inStack = true;
    } else if (inStack && /^\s*\]/.test(line)) {
      inStack = false;
    } else if (inStack && line.trim() && line.trim() !== '...') {
      cur.frames.push(frameName(line));
    }
  }
  return out;
}

const samples = (file) => events(file, 'jdk.ExecutionSample');
const isLibraryFrame = (f) => /^(java|jdk|sun)\./.test(f);

// group thread names that differ only by a number: "executor-thread-12" -> "executor-thread-#"
const threadGroup = (name) => name.replace(/\d+/g, '#');

function top(map, n) {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

function threadCpu(file) {
  const text = print(file, 'jdk.ThreadCPULoad', 1);
  const sums = new Map();
  let thread = null;
  let user = 0;
  for (const line of text.split('\n')) {
    let m;
    if ((m = /eventThread = "(.*)" \(/.exec(line))) thread = m[1];
    else if ((m = /^\s*user = ([\d.]+)%/.exec(line))) user = Number(m[1]);
    else if ((m = /^\s*system = ([\d.]+)%/.exec(line)) && thread) {
      const s = sums.get(thread) || { sum: 0, n: 0 };
      s.sum += user + Number(m[1]);
      s.n++;
      sums.set(thread, s);
    }
  }
  // mean load of each thread over its readings, summed per group of threads
  const groups = new Map();
  for (const [name, s] of sums) groups.set(threadGroup(name), (groups.get(threadGroup(name)) || 0) + s.sum / s.n);
  return groups;
}

/** A plain-text summary of a recording: returns {text, total} */
function summarize(file, title, n = 20) {
  const ss = samples(file);
  const self = new Map();
  const incl = new Map();
  const threads = new Map();
  const pkgs = new Map();
  for (const s of ss) {
    if (!s.frames.length) continue;
    self.set(s.frames[0], (self.get(s.frames[0]) || 0) + 1);
    for (const f of new Set(s.frames)) incl.set(f, (incl.get(f) || 0) + 1);
    const g = threadGroup(s.thread);
    threads.set(g, (threads.get(g) || 0) + 1);
    // the first frame of this project's code (dev.forum.*) on the stack: which of our methods the time is spent under
    const own = s.frames.find((f) => f.startsWith('dev.forum.'));
    if (own) pkgs.set(own, (pkgs.get(own) || 0) + 1);
  }
  const total = ss.length || 1;
  const pc = (v) => ((100 * v) / total).toFixed(1).padStart(5) + ' %';
  const lines = [`== JFR ${title}: ${ss.length} execution samples (${file})`];
  lines.push('-- sampled threads (grouped):');
  for (const [k, v] of top(threads, 10)) lines.push(`${pc(v)}  ${k}`);
  lines.push(`-- top ${n} methods by own samples (top frame):`);
  for (const [k, v] of top(self, n)) lines.push(`${pc(v)}  ${k}`);
  lines.push(`-- top ${n} methods by inclusive samples (on the stack):`);
  for (const [k, v] of top(incl, n)) lines.push(`${pc(v)}  ${k}`);
  lines.push(`-- innermost project method (dev.forum.*) on the stack, top ${n}:`);
  for (const [k, v] of top(pkgs, n)) lines.push(`${pc(v)}  ${k}`);
  // where threads wait (the profile settings record parks, monitor waits and socket reads over 10-20 ms)
  const waits = events(file, 'jdk.ThreadPark,jdk.JavaMonitorEnter,jdk.JavaMonitorWait,jdk.SocketRead', 32)
    .filter((e) => !/^(JFR|Attach|Signal|Finalizer|Reference|Common-Cleaner|process reaper)/.test(e.thread));
  if (waits.length) {
    const byType = new Map();
    const bySite = new Map();
    for (const e of waits) {
      const g = `${e.type} in ${threadGroup(e.thread)}`;
      byType.set(g, (byType.get(g) || 0) + e.ms);
      const own = e.frames.find((x) => x.startsWith('dev.forum.')) || e.frames.find((x) => !isLibraryFrame(x)) || e.frames[0] || '?';
      const k = `${e.type.slice(4)} ${threadGroup(e.thread)} @ ${own}`;
      bySite.set(k, (bySite.get(k) || 0) + e.ms);
    }
    lines.push('-- waiting (blocking events over the threshold): total seconds by event and thread group:');
    for (const [k, v] of top(byType, 10)) lines.push(`${(v / 1000).toFixed(1).padStart(7)} s  ${k}`);
    lines.push(`-- waiting: top ${n} sites (innermost project frame, else first non-JDK frame):`);
    for (const [k, v] of top(bySite, n)) lines.push(`${(v / 1000).toFixed(1).padStart(7)} s  ${k}`);
  }
  const tc = threadCpu(file);
  if (tc.size) {
    lines.push('-- CPU by thread group (jdk.ThreadCPULoad: mean % of the whole machine per thread, summed per group):');
    for (const [k, v] of top(tc, 12)) lines.push(`${v.toFixed(2).padStart(6)} %  ${k}`);
  }
  return { text: lines.join('\n'), total: ss.length };
}

module.exports = { start, stop, summarize };

// node bench/lib/jfr.js <recording.jfr> [title]: the same summary for any recording
if (require.main === module) {
  process.stdout.write(summarize(process.argv[2], process.argv[3] || process.argv[2]).text + '\n');
}
