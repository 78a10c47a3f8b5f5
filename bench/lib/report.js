'use strict';
// Plain-text tables from the runner's JSON lines.

const f = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(d));

function table(head, rows) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => '| ' + r.map((c, i) => String(c).padEnd(w[i])).join(' | ') + ' |';
  return [line(head), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

// the measured step of a line: the line itself (fixed) or its best passing step (max)
const measured = (l) => (l.mode === 'max' ? l.best : l);

const SERVER_PROCS = ['replica1', 'replica2', 'forum_api', 'notify', 'postgres', 'redis'];
const isServer = (k) => SERVER_PROCS.includes(k) || /^(gateway|redis)\d+$/.test(k);

// CPU and SQL of a window are divided by what was done inside it: deliveries received and posts
// answered (equal to what was offered unless the system fell behind)
function perUnit(m) {
  return {
    deliveries: Math.max(1, m.deliveries_in_window ?? m.expected_deliveries),
    posts: Math.max(1, m.posts_done_in_window ?? m.posted),
  };
}

function cpuRows(l) {
  const m = measured(l);
  if (!m || !m.cpu_pct) return [];
  const secs = m.window_s || m.duration;
  const us = (pct) => (pct * secs * 1e6) / 100;
  const rows = [];
  let total = 0;
  for (const [k, pct] of Object.entries(m.cpu_pct)) {
    if (k === 'machine_busy' || pct === null) continue;
    if (isServer(k)) total += pct;
    rows.push([k, pct]);
  }
  rows.push(['servers (sum)', total]);
  const { deliveries, posts } = perUnit(m);
  return rows.map(([k, pct]) => [
    l.scenario, l.stack, k, f(pct), f(us(pct) / deliveries, 2), f(us(pct) / posts, 0),
    m.rss_mb && m.rss_mb[k] != null ? f(m.rss_mb[k], 0) : '',
  ]);
}

function serverUsPerDelivery(l) {
  const m = measured(l);
  if (!m || !m.cpu_pct) return null;
  const pct = Object.entries(m.cpu_pct).filter(([k]) => isServer(k)).reduce((a, [, v]) => a + (v || 0), 0);
  return (pct * (m.window_s || m.duration) * 1e4) / perUnit(m).deliveries;
}

function tables(lines) {
  const out = [];
  const load = lines.filter((l) => l.mode !== 'idle');
  if (load.length) {
    out.push('Delivery (latency: POST sent -> frame received, in the generator; c: highest passing step)');
    out.push(table(
      ['scenario', 'stack', 'clients', 'posts/s', 'deliveries/s', 'lost', 'dup', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'HTTP p50', 'HTTP p99'],
      load.map((l) => {
        const m = measured(l) || {};
        const lat = m.latency_ms || {};
        const http = m.http_ms || {};
        return [l.scenario, l.stack, l.clients, f(m.rate, 0), f(m.deliveries_per_s, 0), m.lost ?? '-', m.duplicates ?? '-',
          f(lat.p50, 2), f(lat.p90, 2), f(lat.p99, 2), f(lat.max, 1), f(http.p50, 2), f(http.p99, 2)];
      })
    ));
    out.push('');
    out.push('CPU (% of one core over the measured window; CPU-us per delivery and per post done in it) and RSS');
    out.push(table(['scenario', 'stack', 'process', '% core', 'us/delivery', 'us/post', 'RSS MB'], load.flatMap(cpuRows)));
    const sql = load.filter((l) => measured(l) && measured(l).pg);
    if (sql.length) {
      out.push('');
      out.push('SQL per post (pg_stat_database deltas over the window, the stack\'s own databases)');
      out.push(table(['scenario', 'stack', 'xacts/post', 'rows returned/post', 'fetched/post', 'inserted/post', 'updated/post', 'deleted/post'],
        sql.map((l) => {
          const m = measured(l);
          const p = (v) => f(v / perUnit(m).posts, 2);
          return [l.scenario, l.stack, p(m.pg.xacts), p(m.pg.tup_returned), p(m.pg.tup_fetched), p(m.pg.tup_inserted), p(m.pg.tup_updated), p(m.pg.tup_deleted)];
        })));
    }
    for (const l of sql.filter((x) => measured(x).pg.statements)) {
      const m = measured(l);
      const per = (v) => f(v / perUnit(m).posts, 3);
      out.push('');
      out.push(`Statements per post, scenario ${l.scenario}, ${l.stack} (pg_stat_statements, top 15 by time)`);
      out.push(table(['calls/post', 'rows/post', 'ms/post', 'statement'],
        m.pg.statements.slice(0, 15).map((q) => [per(q.calls), per(q.rows), per(q.ms), q.query.slice(0, 110)])));
    }
    const gw = load.filter((l) => measured(l) && measured(l).per_gateway);
    if (gw.length) {
      out.push('');
      out.push('Per gateway: outbox events heard (from Redis pub/sub, from the feed; counted by the gateway from before the window to ' +
        'after the drain), deliveries to its clients, CPU over the measured window and at rest (the same clients, no posts)');
      out.push(table(['scenario', 'stack', 'gateway', 'clients', 'threads watched', 'heard pubsub', 'heard feed', 'heard / posts', 'deliveries',
        '% core', '% core at rest', 'us/post'], gw.flatMap((l) => {
        const m = measured(l);
        const secs = m.window_s || m.duration;
        return m.per_gateway.map((g, i) => {
          const pct = m.cpu_pct[`gateway${i + 1}`];
          const us = pct == null ? null : (pct * secs * 1e6) / 100;
          const heard = g.events_received.pubsub;
          return [l.scenario, l.stack, `gateway${i + 1}`, g.clients, g.threads_watched, f(heard, 0), f(g.events_received.feed, 0),
            heard == null ? '-' : `${f((100 * heard) / m.posted, 1)} %`, g.deliveries, f(pct), f((l.cpu_pct_at_rest || {})[`gateway${i + 1}`]), f(us / perUnit(m).posts, 0)];
        });
      })));
    }
    const steps = load.filter((l) => l.mode === 'max');
    for (const l of steps) {
      out.push('');
      out.push(`Scenario ${l.scenario}, ${l.stack}: steps (${l.stop_reason})`);
      out.push(table(['posts/s', 'deliveries/s', 'lost', 'p50 ms', 'p99 ms', 'HTTP p99', 'machine busy %', 'other %', 'pass'],
        l.steps.map((s) => [s.rate, f(s.deliveries_per_s, 0), s.lost, f(s.p50, 1), f(s.p99, 1), f(s.http_p99, 1),
          f(s.cpu_pct.machine_busy, 0), f(s.cpu_pct.other, 0), s.pass ? 'yes' : 'no'])));
    }
  }
  const idle = lines.filter((l) => l.mode === 'idle');
  if (idle.length) {
    out.push('');
    out.push('Idle connections (one fresh server alone; RSS after a GC, before and after connecting)');
    out.push(table(['scenario', 'stack', 'connections', 'RSS before MB', 'RSS after MB', 'KB per connection', 'errors'],
      idle.map((l) => [l.scenario, l.stack, l.clients, f(l.idle_rss_mb.before), f(l.idle_rss_mb.after), f(l.kb_per_connection, 2), l.connect_errors])));
  }
  // ratios this project / peer
  const ratios = [];
  for (const sc of [...new Set(lines.map((l) => l.scenario))]) {
    const a = lines.find((l) => l.scenario === sc && l.stack === 'forum');
    const b = lines.find((l) => l.scenario === sc && l.stack === 'peer');
    if (!a || !b) continue;
    if (a.mode === 'idle') {
      ratios.push([sc, 'KB per connection', f(a.kb_per_connection / b.kb_per_connection, 2)]);
      continue;
    }
    const ma = measured(a);
    const mb = measured(b);
    if (!ma || !mb) continue;
    if (a.mode === 'max') ratios.push([sc, 'ceiling deliveries/s', f(ma.deliveries_per_s / mb.deliveries_per_s, 2)]);
    ratios.push([sc, 'p50', f(ma.latency_ms.p50 / mb.latency_ms.p50, 2)]);
    ratios.push([sc, 'p99', f(ma.latency_ms.p99 / mb.latency_ms.p99, 2)]);
    ratios.push([sc, 'server CPU per delivery', f(serverUsPerDelivery(a) / serverUsPerDelivery(b), 2)]);
  }
  if (ratios.length) {
    out.push('');
    out.push('Ratios, this project / peer (lower is better except deliveries/s)');
    out.push(table(['scenario', 'figure', 'forum / peer'], ratios));
  }
  return out.join('\n');
}

module.exports = { tables };
