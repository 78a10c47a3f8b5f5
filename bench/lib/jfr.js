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

// jdk.ExecutionSample blocks: "sampledThread = "name" (javaThreadId = N)" and "stackTrace = [ ... ]"
function samples(file, depth = 48) {
  const text = print(file, 'jdk.ExecutionSample', depth);
  const out = [];
  let cur = null;
  let inStack = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('jdk.ExecutionSample')) {
      cur = { thread: '?', frames: [] };
      out.push(cur);
      inStack = false;
    } else if (!cur) {
      continue;
    } else if (/^\s*sampledThread = /.test(line)) {
      const m = /sampledThread = "(.*)" \(/.exec(line);
      cur.thread = m ? m[1] : line.trim();
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
  const tc = threadCpu(file);
  if (tc.size) {
    lines.push('-- CPU by thread group (jdk.ThreadCPULoad: mean % of the whole machine per thread, summed per group):');
    for (const [k, v] of top(tc, 12)) lines.push(`${v.toFixed(2).padStart(6)} %  ${k}`);
  }
  return { text: lines.join('\n'), total: ss.length };
}

module.exports = { start, stop, summarize };
