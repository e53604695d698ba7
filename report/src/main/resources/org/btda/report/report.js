// Draws the btda report from the embedded answers of the study queries (sql/queries). Every number shown is a value
// of one of those answers; this script only arranges them (fills empty hours with 0, joins per-torrent rows by
// torrent, picks the top rows). Once drawn, it writes a summary of every chart's series and every table into
// <pre id="report-check">, which the report's test reads from the rendered page.
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('btda-data').textContent);
  var WORLD = JSON.parse(document.getElementById('btda-world').textContent);
  var Q = DATA.queries;
  // Natural Earth 110m countries, keyed by ISO 3166-1 alpha-2 (the enrichment's country codes).
  echarts.registerMap('world', WORLD);
  var HOUR = 3600 * 1000;
  var check = { charts: {}, tables: {}, errors: [] };
  window.addEventListener('error', function (e) { check.errors.push(String(e.message)); });

  // A figure that fails to draw is reported (on the page and in the check) and the others still are.
  function safe(name, fn) {
    try { fn(); } catch (e) {
      check.errors.push(name + ': ' + e);
      main.appendChild(el('p', { 'class': 'note' }, ['Figure "' + name + '" could not be drawn: ' + e]));
    }
  }
  function rows(key) { return (Q[key] && Q[key].result && Q[key].result.data) || []; }
  // ClickHouse writes DateTime64(3, 'UTC') as 'YYYY-MM-DD hh:mm:ss.sss' in UTC.
  function ts(s) { return Date.parse(String(s).replace(' ', 'T') + (String(s).length > 19 ? 'Z' : '.000Z')); }
  function num(v) { return v === null || v === undefined ? null : Number(v); }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function pct(v) { return v === null || v === undefined ? '–' : (100 * Number(v)).toFixed(1) + ' %'; }
  function speed(v) {
    if (v === null || v === undefined) return '–';
    var units = ['B/s', 'kB/s', 'MB/s', 'GB/s'], x = Number(v), i = 0;
    while (x >= 1000 && i < units.length - 1) { x /= 1000; i++; }
    return (x >= 100 ? x.toFixed(0) : x.toFixed(1)) + ' ' + units[i];
  }
  function utc(msOrText) {
    var d = typeof msOrText === 'number' ? new Date(msOrText) : new Date(ts(msOrText));
    return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }
  var names = {};
  rows('torrent_overview').forEach(function (r) { names[r.torrent] = r.name; });
  function torrentLabel(t) {
    if (t === 'all') return 'all torrents';
    return (names[t] ? names[t] + ' ' : '') + '(' + t.slice(0, 8) + ')';
  }

  var main = document.getElementById('figures');
  function section(title, question, keys) {
    var s = el('section', {}, [el('h2', {}, [title]), el('p', { 'class': 'question' }, [question])]);
    main.appendChild(s);
    // Each figure names its query files; hovering one shows the parameters it ran with (for the README's curl recipe).
    var src = el('p', { 'class': 'source' }, ['From ']);
    keys.forEach(function (k, i) {
      var q = Q[k], params = Object.keys(q.params).map(function (p) { return p + '=' + q.params[p]; }).join(', ');
      if (i > 0) src.appendChild(document.createTextNode(', '));
      var own = Object.keys(q.params).filter(function (p) { return ['from', 'to', 'torrents'].indexOf(p) < 0; })
        .map(function (p) { return p + '=' + q.params[p]; }).join(', ');
      src.appendChild(el('code', { title: params }, ['sql/queries/' + q.file + (own ? ' (' + own + ')' : '')]));
    });
    s.appendChild(src);
    return s;
  }
  function chart(parent, id, option, cls) {
    var div = el('div', { id: id, 'class': 'chart' + (cls ? ' ' + cls : '') });
    parent.appendChild(div);
    option.animation = false;
    var c = echarts.init(div, null, { renderer: 'canvas' });
    c.setOption(option);
    var drawn = c.getOption();
    var axis = [].concat(drawn.yAxis || [], drawn.xAxis || []).filter(function (a) { return a.type === 'category'; })[0];
    check.charts[id] = { categories: axis ? axis.data : null, series: drawn.series.map(function (s) {
      return { name: s.name, type: s.type, data: s.data,
        markArea: s.markArea && s.markArea.data ? s.markArea.data.map(function (a) {
          return { from: a[0].xAxis, to: a[1].xAxis, name: a[0].name }; }) : [],
        markLine: s.markLine && s.markLine.data ? s.markLine.data.map(function (l) {
          return { xAxis: l.xAxis, name: l.name }; }) : [] };
    }) };
    window.addEventListener('resize', function () { c.resize(); });
    return c;
  }
  function table(parent, id, header, body, numeric) {
    var t = el('table', { id: id }, [el('thead', {}, [el('tr', {}, header.map(function (h, i) {
      return el('th', numeric && numeric[i] ? { 'class': 'num' } : {}, [h]); }))])]);
    var tb = el('tbody');
    body.forEach(function (r) {
      tb.appendChild(el('tr', {}, r.map(function (v, i) {
        return el('td', numeric && numeric[i] ? { 'class': 'num' } : {}, [v === null || v === undefined ? '–' : String(v)]); })));
    });
    t.appendChild(tb);
    parent.appendChild(t);
    check.tables[id] = body.map(function (r) { return r.map(function (v) { return v === null || v === undefined ? null : String(v); }); });
    return t;
  }
  function hoursBetween(lo, hi) {
    var out = [];
    for (var h = lo; h <= hi; h += HOUR) out.push(h);
    return out;
  }

  // ---- downtime (shared by the hourly charts) ----
  var downtime = rows('downtime').map(function (r) {
    return [{ xAxis: ts(r.down_from), name: r.reason,
      itemStyle: { color: r.reason === 'unclean stop' ? 'rgba(214, 69, 65, 0.18)' : 'rgba(120, 130, 140, 0.18)' } },
      { xAxis: ts(r.down_to) }];
  });
  var downtimeArea = { silent: true, label: { show: true, position: 'insideTop', color: '#7a2b28', fontSize: 10 },
    data: downtime };

  // ---- header ----
  safe('header', function () {
    var h = document.getElementById('header');
    var runs = rows('runs');
    var any = Q.downloads_per_hour.params;
    var windowText = (any.from.indexOf('1970-01-01') === 0 ? 'from the first record' : 'from ' + any.from + ' UTC')
      + ' ' + (any.to.indexOf('2100-01-01') === 0 ? 'to now' : 'to ' + any.to + ' UTC');
    var torrents = rows('torrent_overview').map(function (r) { return torrentLabel(r.torrent); });
    var thresholds = {}, versions = {}, timeouts = {};
    runs.forEach(function (r) {
      if (r.completion_threshold !== null) thresholds[r.completion_threshold] = 1;
      versions[r.btda_version + (r.command ? ' (' + r.command + ')' : '')] = 1;
      if (r.network_timeout_ms) timeouts[r.network_timeout_ms / 1000 + ' s'] = 1;
    });
    var span = runs.length ? utc(runs[0].started_at) + ' – ' + (runs[runs.length - 1].stopped_at
      ? utc(runs[runs.length - 1].stopped_at) : 'running') : 'no run recorded';
    var meta = [
      ['Torrents', (DATA.torrents.length ? DATA.torrents.length + ' selected: ' : torrents.length + ': ') + torrents.join(', ')],
      ['Window', windowText],
      ['Runs', runs.length + ' run(s), ' + span],
      ['btda version', Object.keys(versions).join(', ') || '–'],
      ['Completion threshold', Object.keys(thresholds).map(function (t) { return pct(t); }).join(', ') || '–'],
      ['Network timeout', Object.keys(timeouts).join(', ') || '–'],
      ['Report', 'generated ' + DATA.generated_at + ' by btda ' + DATA.btda_version
        + (DATA.refresh_s > 0 ? ', refreshes every ' + DATA.refresh_s + ' s' : '')]
    ];
    var t = el('table', { 'class': 'meta', id: 'header-meta' });
    meta.forEach(function (m) { t.appendChild(el('tr', {}, [el('td', {}, [m[0]]), el('td', {}, [m[1]])])); });
    h.appendChild(t);
    check.tables['header-meta'] = meta;
    var details = el('details', {}, [el('summary', {}, ['Runs and their settings'])]);
    table(details, 'runs', ['run', 'command', 'version', 'started', 'stopped', 'clean stop', 'threshold', 'network timeout', 'stats interval'],
      runs.map(function (r) {
        return [r.run_id.slice(0, 8), r.command, r.btda_version, utc(r.started_at), r.stopped_at ? utc(r.stopped_at) : 'running',
          r.stopped_at ? (r.clean_stop ? 'yes' : 'no') : '–', pct(r.completion_threshold), r.network_timeout_ms + ' ms', r.stats_interval_ms + ' ms'];
      }));
    h.appendChild(details);
  });

  // ---- 1. confirmed downloads per hour ----
  safe('downloadsPerHour', function () {
    var s = section('Confirmed downloads per hour',
      'How many peers completed a torrent each hour (by the hour they crossed the threshold)? Shaded: btda was not running '
      + '(grey: stopped, red: unclean stop), so a dip there is not a dip in demand.', ['downloads_per_hour', 'downtime']);
    var data = rows('downloads_per_hour'), byTorrent = {}, lo = Infinity, hi = -Infinity;
    data.forEach(function (r) {
      var h = ts(r.hour); lo = Math.min(lo, h); hi = Math.max(hi, h);
      (byTorrent[r.torrent] = byTorrent[r.torrent] || {})[h] = num(r.downloads);
    });
    downtime.forEach(function (d) {
      lo = Math.min(lo, Math.floor(d[0].xAxis / HOUR) * HOUR); hi = Math.max(hi, Math.floor((d[1].xAxis - 1) / HOUR) * HOUR);
    });
    var hours = lo <= hi ? hoursBetween(lo, hi) : [];
    var series = Object.keys(byTorrent).filter(function (t) { return t !== 'all'; }).map(function (t) {
      return { name: torrentLabel(t), type: 'bar', stack: 'torrents', barMaxWidth: 14,
        data: hours.map(function (h) { return [h, byTorrent[t][h] || 0]; }) };
    });
    series.push({ name: 'all torrents', type: 'line', step: 'middle', symbol: 'none', lineStyle: { width: 1.5, color: '#1d2733' },
      data: hours.map(function (h) { return [h, (byTorrent.all || {})[h] || 0]; }), markArea: downtimeArea });
    chart(s, 'chart-downloads-per-hour', {
      tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: { left: 50, right: 20, top: 40, bottom: 60 },
      xAxis: { type: 'time' }, yAxis: { type: 'value', name: 'downloads', minInterval: 1 },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }], series: series });
  });

  // ---- 2. where: maps and tables ----
  safe('places', function () {
    var s = section('Where the downloaders are',
      'In which countries are the confirmed downloads, and how fast do peers there download (median of each peer\'s fastest observed speed)?',
      ['places_country', 'places_continent', 'places_city']);
    var countries = rows('places_country');
    var known = countries.filter(function (r) { return r.country !== ''; });
    var unknown = countries.filter(function (r) { return r.country === ''; });
    var pair = el('div', { 'class': 'pair' }); s.appendChild(pair);
    var a = el('div'), b = el('div'); pair.appendChild(a); pair.appendChild(b);
    a.appendChild(el('h3', {}, ['Confirmed downloads per country']));
    b.appendChild(el('h3', {}, ['Median of peers\' max download speed per country']));
    var dl = known.filter(function (r) { return num(r.downloads) > 0; })
      .map(function (r) { return { name: r.country, value: num(r.downloads) }; });
    var sp = known.filter(function (r) { return r.median_max_speed_bps !== null; })
      .map(function (r) { return { name: r.country, value: num(r.median_max_speed_bps) }; });
    function map(label, data, fmt) {
      var max = data.reduce(function (m, d) { return Math.max(m, d.value); }, 0) || 1;
      return { tooltip: { trigger: 'item', formatter: function (p) { return p.name + ': ' + (isNaN(p.value) ? '–' : fmt(p.value)); } },
        visualMap: { min: 0, max: max, left: 0, bottom: 0, calculable: true, inRange: { color: ['#e0f0ff', '#08519c'] },
          formatter: function (v) { return fmt(v); } },
        series: [{ name: label, type: 'map', map: 'world', roam: true, nameProperty: 'name', emphasis: { label: { show: false } },
          itemStyle: { areaColor: '#f1f1f1', borderColor: '#aaa', borderWidth: 0.4 }, data: data }] };
    }
    chart(a, 'chart-map-downloads', map('downloads', dl, function (v) { return String(Math.round(v)); }), 'map');
    chart(b, 'chart-map-speed', map('median max speed', sp, speed), 'map');
    if (unknown.length) {
      s.appendChild(el('p', { 'class': 'note' }, [unknown[0].downloads + ' download(s) and ' + unknown[0].peers
        + ' peer(s) without a known country are not on the maps.']));
    }
    var pair2 = el('div', { 'class': 'pair' }); s.appendChild(pair2);
    var c = el('div'), d = el('div'); pair2.appendChild(c); pair2.appendChild(d);
    c.appendChild(el('h3', {}, ['By continent']));
    table(c, 'table-continents', ['continent', 'downloads', 'peers', 'median max speed'], rows('places_continent').map(function (r) {
      return [r.continent || 'unknown', r.downloads, r.peers, speed(r.median_max_speed_bps)]; }), [0, 1, 1, 1]);
    d.appendChild(el('h3', {}, ['Top cities']));
    table(d, 'table-cities', ['city', 'country', 'downloads', 'peers', 'median max speed'], rows('places_city').map(function (r) {
      return [r.city || 'unknown', r.country || '–', r.downloads, r.peers, speed(r.median_max_speed_bps)]; }), [0, 0, 1, 1, 1]);
  });

  // ---- 3. discovered peers per hour by source ----
  safe('discoveries', function () {
    var s = section('Discovered peers per hour, by source',
      'Which sources (tracker, DHT, PEX, incoming, magnet) bring peers each hour, and how many of their reports are new peers rather than duplicates?',
      ['discoveries_per_hour', 'downtime']);
    var data = rows('discoveries_per_hour'), bySource = {}, lo = Infinity, hi = -Infinity;
    data.forEach(function (r) {
      var h = ts(r.hour); lo = Math.min(lo, h); hi = Math.max(hi, h);
      var x = bySource[r.source] = bySource[r.source] || { fresh: {}, dup: {} };
      x.fresh[h] = num(r.new_peers); x.dup[h] = num(r.duplicates);
    });
    var hours = lo <= hi ? hoursBetween(lo, hi) : [];
    var series = [];
    Object.keys(bySource).sort().forEach(function (src) {
      series.push({ name: src + ' new', type: 'bar', stack: src, barMaxWidth: 10,
        data: hours.map(function (h) { return [h, bySource[src].fresh[h] || 0]; }) });
      series.push({ name: src + ' duplicate', type: 'bar', stack: src, barMaxWidth: 10, itemStyle: { opacity: 0.45 },
        data: hours.map(function (h) { return [h, bySource[src].dup[h] || 0]; }) });
    });
    if (series.length) series[0].markArea = downtimeArea;
    chart(s, 'chart-discoveries-per-hour', {
      tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: { left: 50, right: 20, top: 40, bottom: 60 },
      xAxis: { type: 'time' }, yAxis: { type: 'value', name: 'reports', minInterval: 1 },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }], series: series });
  });

  // ---- 4. per torrent ----
  safe('perTorrent', function () {
    var s = section('Per torrent',
      'Per torrent: confirmed downloads against the trackers\' scraped "completed", unique peers found, the share of peers seen at least twice '
      + '(a download needs two sightings), and how often the first contact with a peer succeeded.',
      ['downloads_vs_scrape', 'torrent_overview', 'revisit_share']);
    var by = {};
    function get(t) { return by[t] = by[t] || { torrent: t }; }
    rows('downloads_vs_scrape').forEach(function (r) { var x = get(r.torrent); x.confirmed = num(r.confirmed);
      x.completed_max = num(r.completed_max); x.completed_growth = num(r.completed_growth); x.ratio = num(r.ratio_to_growth); });
    rows('torrent_overview').forEach(function (r) { var x = get(r.torrent); x.unique_peers = num(r.unique_peers);
      x.first_success = num(r.first_contact_success_share); });
    rows('revisit_share').filter(function (r) { return r.torrent !== 'all'; }).forEach(function (r) {
      get(r.torrent).seen_twice = num(r.share_of_seen); });
    var list = Object.keys(by).map(function (k) { return by[k]; }).sort(function (a, b) {
      return (b.confirmed || 0) - (a.confirmed || 0) || (b.unique_peers || 0) - (a.unique_peers || 0) || (a.torrent < b.torrent ? -1 : 1); });
    var top = list.slice(0, 25);
    chart(s, 'chart-torrents', {
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 50, right: 20, top: 40, bottom: 90 },
      xAxis: { type: 'category', data: top.map(function (x) { return torrentLabel(x.torrent); }), axisLabel: { rotate: 30, fontSize: 10 } },
      yAxis: { type: 'value', name: 'peers' },
      series: [
        { name: 'confirmed downloads', type: 'bar', data: top.map(function (x) { return x.confirmed || 0; }) },
        { name: 'scraped completed (growth in window)', type: 'bar', data: top.map(function (x) { return x.completed_growth; }) }] });
    var all = rows('revisit_share').filter(function (r) { return r.torrent === 'all'; })[0];
    table(s, 'table-torrents', ['torrent', 'confirmed', 'scraped completed (max)', 'completed growth', 'confirmed / growth',
      'unique peers', 'seen twice', 'first contact succeeded'], list.map(function (x) {
      return [torrentLabel(x.torrent), x.confirmed, x.completed_max, x.completed_growth, pct(x.ratio), x.unique_peers,
        pct(x.seen_twice), pct(x.first_success)]; }), [0, 1, 1, 1, 1, 1, 1, 1]);
    if (all) s.appendChild(el('p', {}, ['All torrents: ' + all.peers_seen_twice + ' of ' + all.peers_seen
      + ' peers seen were seen at least twice (' + pct(all.share_of_seen) + ').']));
  });

  // ---- 5. contact outcomes and the longest gap ----
  safe('contacts', function () {
    var s = section('Contact outcomes and silences',
      'What happens at the first contact with a peer (success, timeout, refused, protocol violations, ...)? And how long do peers stay '
      + 'silent between messages: would a shorter network timeout cut sessions off?', ['first_contact', 'longest_gap', 'runs']);
    var pair = el('div', { 'class': 'pair' }); s.appendChild(pair);
    var a = el('div'), b = el('div'); pair.appendChild(a); pair.appendChild(b);
    var outcomes = rows('first_contact');
    chart(a, 'chart-contact-outcomes', {
      tooltip: { trigger: 'axis' }, grid: { left: 150, right: 30, top: 20, bottom: 30 },
      xAxis: { type: 'value', name: 'peers' },
      yAxis: { type: 'category', inverse: true, data: outcomes.map(function (r) { return r.outcome + (r.reason ? ' · ' + r.reason : ''); }) },
      series: [{ name: 'first contacts', type: 'bar', data: outcomes.map(function (r) { return num(r.peers); }),
        label: { show: true, position: 'right', formatter: function (p) { return pct(outcomes[p.dataIndex].share); } } }] });
    var gap = rows('longest_gap'), hist = gap.filter(function (r) { return r.section === 'histogram'; });
    var max = gap.filter(function (r) { return r.label === 'max'; })[0];
    var timeouts = rows('runs').map(function (r) { return num(r.network_timeout_ms); }).filter(function (v) { return v > 0; });
    var timeout = timeouts.length ? timeouts[timeouts.length - 1] : null;
    var upper = function (i) { return i + 1 < hist.length ? num(hist[i + 1].ms) : Math.max(num(hist[i].ms) * 2, max ? num(max.ms) : 0); };
    chart(b, 'chart-longest-gap', {
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 50, right: 50, top: 40, bottom: 40 },
      xAxis: { type: 'value', name: 's', axisLabel: { formatter: function (v) { return v / 1000; } } },
      yAxis: [{ type: 'value', name: 'sessions', minInterval: 1 }, { type: 'value', name: 'share', max: 1 }],
      series: [
        { name: 'sessions with this longest gap', type: 'bar', barMaxWidth: 16, data: hist.map(function (r) { return [num(r.ms), num(r.observations)]; }) },
        { name: 'share with a shorter gap', type: 'line', yAxisIndex: 1, step: 'end',
          data: hist.map(function (r, i) { return [upper(i), num(r.cumulative_share)]; }),
          markLine: timeout ? { symbol: 'none', label: { formatter: 'network timeout ' + timeout / 1000 + ' s' },
            lineStyle: { color: '#d64541', type: 'dashed' }, data: [{ xAxis: timeout, name: 'network timeout' }] } : undefined }] });
    table(b, 'table-gap-quantiles', ['quantile', 'longest gap', 'sessions'], gap.filter(function (r) { return r.section === 'quantile'; })
      .map(function (r) { return [r.label, (num(r.ms) / 1000).toFixed(1) + ' s', r.observations]; }), [0, 1, 1]);
  });

  // ---- 6. networks ----
  safe('networks', function () {
    var s = section('ISPs and hosters',
      'In which networks (autonomous systems, registered domains) are the downloaders and peers? Hosting networks (seedboxes, '
      + 'data centres; by name) are drawn apart from consumer ISPs.', ['networks_asn', 'networks_domain']);
    function bars(parent, id, key, measure, title) {
      var data = rows(key).filter(function (r) { return r.network !== ''; }).slice()
        .sort(function (a, b) { return num(b[measure]) - num(a[measure]) || (a.network < b.network ? -1 : 1); })
        .filter(function (r) { return num(r[measure]) > 0; }).slice(0, 15);
      var label = function (r) { return key === 'networks_asn' ? 'AS' + r.network + ' ' + (r.name || '').slice(0, 24) : r.network; };
      parent.appendChild(el('h3', {}, [title]));
      chart(parent, id, {
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } }, legend: { top: 0 },
        grid: { left: 190, right: 30, top: 30, bottom: 25 }, xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', inverse: true, data: data.map(label), axisLabel: { fontSize: 10 } },
        series: ['hosting', 'consumer'].map(function (kind) {
          return { name: kind, type: 'bar', stack: 'kind', color: kind === 'hosting' ? '#d98c1f' : '#3f7fbf',
            data: data.map(function (r) { return r.kind === kind ? num(r[measure]) : '-'; }) };
        }) });
    }
    var p1 = el('div', { 'class': 'pair' }), p2 = el('div', { 'class': 'pair' }); s.appendChild(p1); s.appendChild(p2);
    var a = el('div'), b = el('div'), c = el('div'), d = el('div');
    p1.appendChild(a); p1.appendChild(b); p2.appendChild(c); p2.appendChild(d);
    bars(a, 'chart-asn-downloads', 'networks_asn', 'downloads', 'ASNs by confirmed downloads');
    bars(b, 'chart-asn-peers', 'networks_asn', 'peers', 'ASNs by peers');
    bars(c, 'chart-domain-downloads', 'networks_domain', 'downloads', 'Domains by confirmed downloads');
    bars(d, 'chart-domain-peers', 'networks_domain', 'peers', 'Domains by peers');
  });

  // ---- 7. clients ----
  safe('clients', function () {
    var s = section('Clients of the downloaders',
      'Which BitTorrent clients (name and version, from the peer id or the BEP 10 handshake) do the confirmed downloaders run?',
      ['clients']);
    var data = rows('clients');
    var top = data.slice(0, 20);
    chart(s, 'chart-clients', {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 190, right: 60, top: 20, bottom: 25 }, xAxis: { type: 'value', name: 'downloads', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: top.map(function (r) { return r.client_name; }), axisLabel: { fontSize: 10 } },
      series: [{ name: 'confirmed downloads', type: 'bar', color: '#3f7fbf', data: top.map(function (r) { return num(r.downloads); }),
        label: { show: true, position: 'right', formatter: function (p) { return pct(top[p.dataIndex].share); } } }] });
    if (data.length > top.length) {
      s.appendChild(el('p', { 'class': 'note' }, [(data.length - top.length) + ' more client(s) in the table below.']));
    }
    table(s, 'table-clients', ['client', 'confirmed downloads', 'share'], data.map(function (r) {
      return [r.client_name, r.downloads, pct(r.share)]; }), [0, 1, 1]);
  });

  // ---- 7b. files of multi-file torrents ----
  safe('files', function () {
    var data = rows('files');
    if (!data.length) return;      // no multi-file torrent in the window's selection: no section
    var s = section('Downloads per file',
      'In multi-file torrents, how many peers finished each file (also those who never took the whole torrent)?',
      ['files']);
    var byTorrent = {};
    var order = [];
    data.forEach(function (r) {
      if (!byTorrent[r.torrent]) { byTorrent[r.torrent] = []; order.push(r.torrent); }
      byTorrent[r.torrent].push(r);
    });
    order.forEach(function (t, i) {
      var files = byTorrent[t];
      s.appendChild(el('h3', {}, [files[0].name || t]));
      chart(s, 'chart-files-' + i, {
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        grid: { left: 220, right: 40, top: 10, bottom: 25 }, xAxis: { type: 'value', name: 'downloads', minInterval: 1 },
        yAxis: { type: 'category', inverse: true, data: files.map(function (r) { return r.path; }), axisLabel: { fontSize: 10 } },
        series: [{ name: 'file downloads', type: 'bar', color: '#5f9f5f', data: files.map(function (r) { return num(r.downloads); }),
          label: { show: true, position: 'right' } }] });
    });
  });

  // ---- 8. speed ----
  safe('speeds', function () {
    var s = section('How fast peers download',
      'What share of peers downloads slower than a given speed (each peer\'s fastest observed piece gain; a lower bound)?',
      ['speed_cdf', 'speed_quantiles']);
    var cdf = rows('speed_cdf');
    chart(s, 'chart-speed-cdf', {
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return pct(v); } },
      grid: { left: 50, right: 30, top: 20, bottom: 40 },
      xAxis: { type: 'log', name: 'B/s', axisLabel: { formatter: speed } },
      yAxis: { type: 'value', name: 'share of peers', max: 1 },
      series: [{ name: 'share of peers slower than', type: 'line', step: 'end', symbol: 'none',
        data: cdf.map(function (r) { return [num(r.bytes_per_s), num(r.cumulative_share)]; }) }] });
    table(s, 'table-speed-quantiles', ['quantile', 'max download speed', 'peers'], rows('speed_quantiles')
      .filter(function (r) { return r.section === 'quantile'; })
      .map(function (r) { return [r.label, speed(r.bytes_per_s), r.peers]; }), [0, 1, 1]);
  });

  function writeCheck() {
    check.resources = performance.getEntriesByType('resource').map(function (e) { return e.name; });
    document.getElementById('report-check').textContent = JSON.stringify(check);
  }
  writeCheck();
  window.addEventListener('load', function () { setTimeout(writeCheck, 0); });
})();
