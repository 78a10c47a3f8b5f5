'use strict';
// CPU and memory of processes from /proc, and PostgreSQL's per-database counters, for the measured
// windows of the load generator. CPU is reported in % of ONE core over a window.
const fs = require('fs');
const os = require('os');
const { execFileSync, execFile } = require('child_process');

const CLK_TCK = 100; // Linux USER_HZ
const NCPU = os.cpus().length;

function cpuTicks(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return null;
  }
}

function status(pid) {
  try {
    const out = {};
    for (const line of fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const m = /^(VmRSS|RssAnon):\s+(\d+) kB/.exec(line);
      if (m) out[m[1]] = Number(m[2]);
    }
    return out;
  } catch {
    return {};
  }
}

const rssKb = (pid) => status(pid).VmRSS || null;

function machineTicks() {
  const l = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = l.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total, busy: total - l[3] - l[4] };
}

// ------------------------------------------------------------------ PostgreSQL (psql, trust auth)
function psqlArgs(sql) {
  return ['-h', process.env.PGHOST || '127.0.0.1', '-p', process.env.PGPORT || '5432', '-U', 'postgres', '-d', 'postgres', '-qAtc', sql];
}
const quoteList = (dbs) => dbs.map((d) => `'${d.replace(/'/g, "''")}'`).join(',');

// backends of the given databases, plus PostgreSQL's own background processes (wal writer,
// checkpointer, ...; shared with whatever else uses this server)
function pgPidsSql(dbs) {
  return `select pid from pg_stat_activity where datname in (${quoteList(dbs)}) ` +
    `or (datname is null and backend_type not in ('client backend', 'walsender'))`;
}
const PG_COLS = ['xact_commit', 'xact_rollback', 'tup_returned', 'tup_fetched', 'tup_inserted', 'tup_updated', 'tup_deleted', 'blks_read', 'blks_hit'];
function pgStatSql(dbs) {
  return `select ${PG_COLS.map((c) => `sum(${c})::bigint`).join(',')} from pg_stat_database where datname in (${quoteList(dbs)})`;
}
const parsePids = (out) => out.split('\n').filter(Boolean).map(Number);
function parseStat(out) {
  const v = out.trim().split('|').map(Number);
  const o = {};
  PG_COLS.forEach((c, i) => (o[c] = v[i] || 0));
  return o;
}
const runPsql = (sql) => execFileSync('psql', psqlArgs(sql), { encoding: 'utf8' });
const runPsqlAsync = (sql, sep = '|') =>
  new Promise((resolve) => execFile('psql', ['-F', sep, ...psqlArgs(sql)], { encoding: 'utf8' }, (e, out) => resolve(e ? '' : out)));

// pg_stat_statements, when the server has it loaded (BENCH_PG=own): statements of the window
const PGSS = process.env.BENCH_PGSS === '1';
const US = '\x1f';
function pgssSql(dbs) {
  return `select s.calls, s.rows, round(s.total_exec_time::numeric, 2), regexp_replace(s.query, '\\s+', ' ', 'g') ` +
    `from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname in (${quoteList(dbs)}) ` +
    `order by s.total_exec_time desc limit 30`;
}
function parsePgss(out) {
  return out.split('\n').filter(Boolean).map((l) => {
    const [calls, rows, ms, query] = l.split(US);
    return { calls: Number(calls), rows: Number(rows), ms: Number(ms), query: query.slice(0, 240) };
  });
}

/**
 * Watches named processes ({name: pid}) and, when pgDbs is non-empty, the PostgreSQL backends of
 * those databases (as one process named "postgres"). start() is synchronous (take it before the
 * window), end() takes the CPU reading at once and the PostgreSQL counters right after.
 */
class Meter {
  constructor(procs, pgDbs) {
    this.procs = procs;
    this.pgDbs = pgDbs || [];
  }

  start() {
    const s = { t: performance.timeOrigin + performance.now(), self: process.cpuUsage(), machine: machineTicks(), ticks: {} };
    for (const [name, pid] of Object.entries(this.procs)) s.ticks[name] = cpuTicks(pid);
    if (this.pgDbs.length) {
      s.pg = new Map(parsePids(runPsql(pgPidsSql(this.pgDbs))).map((p) => [p, cpuTicks(p)]));
      s.pgStat = parseStat(runPsql(pgStatSql(this.pgDbs)));
      if (PGSS) runPsql('select pg_stat_statements_reset()');
    }
    this.s = s;
  }

  async end() {
    const a = this.s;
    const b = { t: performance.timeOrigin + performance.now(), self: process.cpuUsage(), machine: machineTicks(), ticks: {} };
    for (const [name, pid] of Object.entries(this.procs)) b.ticks[name] = cpuTicks(pid);
    const pgOld = a.pg ? new Map([...a.pg.keys()].map((p) => [p, cpuTicks(p)])) : null;
    const secs = (b.t - a.t) / 1000;
    const pct = (ticks) => (100 * ticks) / CLK_TCK / secs;
    const selfUs = b.self.user - a.self.user + b.self.system - a.self.system;
    const cpu = { loadgen: (100 * selfUs) / 1e6 / secs };
    const rss = { loadgen: rssKb(process.pid) };
    for (const name of Object.keys(this.procs)) {
      cpu[name] = a.ticks[name] == null || b.ticks[name] == null ? null : pct(b.ticks[name] - a.ticks[name]);
      rss[name] = rssKb(this.procs[name]);
    }
    let pg = null;
    if (pgOld) {
      const statOut = await runPsqlAsync(pgStatSql(this.pgDbs));
      const pidsNow = parsePids(await runPsqlAsync(pgPidsSql(this.pgDbs)));
      let ticks = 0;
      for (const [p, t0] of a.pg) {
        const t1 = pgOld.get(p);
        if (t0 != null && t1 != null) ticks += t1 - t0;
      }
      let anonKb = 0;
      for (const p of pidsNow) {
        if (!a.pg.has(p)) ticks += cpuTicks(p) || 0; // a backend opened during the window
        anonKb += status(p).RssAnon || 0;
      }
      cpu.postgres = pct(ticks);
      rss.postgres = anonKb; // private memory of its processes (shared buffers not counted)
      if (statOut) {
        const s1 = parseStat(statOut);
        pg = {};
        for (const c of PG_COLS) pg[c] = s1[c] - a.pgStat[c];
        pg.xacts = pg.xact_commit + pg.xact_rollback;
        if (PGSS) pg.statements = parsePgss(await runPsqlAsync(pgssSql(this.pgDbs), US));
      }
    }
    const mt = b.machine.total - a.machine.total;
    cpu.machine_busy = (100 * NCPU * (b.machine.busy - a.machine.busy)) / mt;
    const known = Object.entries(cpu).reduce((x, [k, v]) => (k === 'machine_busy' || v == null ? x : x + v), 0);
    cpu.other = Math.max(0, cpu.machine_busy - known);
    for (const k of Object.keys(cpu)) cpu[k] = r2(cpu[k]);
    for (const k of Object.keys(rss)) rss[k] = rss[k] == null ? null : r2(rss[k] / 1024);
    return { secs, cpu_pct: cpu, rss_mb: rss, pg };
  }
}

function r2(x) {
  return x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 100) / 100;
}

module.exports = { Meter, rssKb, cpuTicks, r2, NCPU };
