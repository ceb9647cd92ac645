/* hearsay dashboard: live feed of flagged posts from hearsayd's /ws.
 * Plain JavaScript, no dependencies, no build step. Untrusted text from the
 * server is only ever put into the page with textContent / text nodes. */
(function () {
  'use strict';

  const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
  const CATEGORIES = ['polarising', 'rumour', 'threat', 'sentiment', 'custom'];
  const MAX_ROWS = 500;          // rows kept in the DOM (and while paused)
  const RATE_MINUTES = 30;       // width of the hits-per-minute chart
  const BACKOFF_MIN = 1000;      // reconnect delay: 1 s doubling ...
  const BACKOFF_MAX = 30000;     // ... capped at 30 s, with jitter
  const BACKLOG = 200;           // hits shown from history on first connect
  const QUIET_MS = 60000;        // "connected but quiet" after this long
  const SEEN_KEEP = 10000;       // how far below the newest seq we dedupe

  const $ = (id) => document.getElementById(id);
  const enc = new TextEncoder();
  const dec = new TextDecoder('utf-8', { ignoreBOM: true }); // bad bytes become U+FFFD

  const state = {
    ws: null, attempt: 0, retryTimer: 0, retryAt: 0,
    connSince: 0, connFirstSeq: true,
    lastSeq: 0, seenFloor: 0, seen: new Set(), keyBase: 0,
    hits: 0, paused: false, buffer: [], bufferedTotal: 0,
    pending: [], flushTimer: 0, sumTimer: 0, searchTimer: 0,
    rules: new Map(), minutes: new Map(), maxMinute: 0, drawnMinute: 0,
    lastHeard: 0,
    filter: { sev: 0, cat: '', src: '', words: [] },
    sources: new Set(), categories: new Set(),
  };
  const rowInfo = new WeakMap(); // <li> -> {sev, cat, src, search}

  /* ---- small helpers ---------------------------------------------------- */

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function labelled(tag, cls, label, text) { // visible text plus a screen-reader prefix
    const e = el(tag, cls);
    e.append(el('span', 'visually-hidden', label), text);
    return e;
  }
  const str = (v) => (typeof v === 'string' ? v : '');
  const pad = (n) => String(n).padStart(2, '0');
  const normSev = (s) => (SEVERITIES.includes(s) ? s : 'info');
  const fmtNum = (v) => (typeof v === 'number' ? v.toLocaleString() : String(v));

  function parseTime(s) {
    const d = new Date(str(s) || NaN);
    return isNaN(d.getTime()) ? null : d;
  }
  const fmtClock = (d) => pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  const fmtDate = (d) => // local time, ISO-style date
    d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + fmtClock(d);
  function tzLabel() {
    const off = -new Date().getTimezoneOffset();
    return 'UTC' + (off < 0 ? '-' : '+') + pad(Math.floor(Math.abs(off) / 60)) + ':' + pad(Math.abs(off) % 60);
  }

  /* Split str around the byte range [start, end) of its UTF-8 encoding.
   * Returns [before, match, after] or null if the span is unusable. A span
   * that cuts a multi-byte character is widened to whole characters. */
  function splitSpan(s, span) {
    if (!Array.isArray(span) || span.length !== 2) return null;
    let a = span[0], b = span[1];
    if (!Number.isInteger(a) || !Number.isInteger(b)) return null;
    const bytes = enc.encode(s);
    a = Math.max(0, Math.min(a, bytes.length));
    b = Math.max(a, Math.min(b, bytes.length));
    while (a > 0 && (bytes[a] & 0xc0) === 0x80) a--;
    while (b < bytes.length && (bytes[b] & 0xc0) === 0x80) b++;
    if (a === b) return null;
    return [dec.decode(bytes.subarray(0, a)), dec.decode(bytes.subarray(a, b)),
      dec.decode(bytes.subarray(b))];
  }
  /* Fallback when there is no usable span: find the matched text itself. */
  function findMatch(s, m) {
    if (!m) return null;
    const low = s.toLowerCase();
    if (low.length !== s.length) return null; // case mapping changed indices
    const i = low.indexOf(m.toLowerCase());
    if (i < 0) return null;
    return [s.slice(0, i), s.slice(i, i + m.length), s.slice(i + m.length)];
  }
  function textBlock(cls, s, span, match, lang) {
    const p = el('p', cls);
    const parts = span ? (splitSpan(s, span) || findMatch(s, str(match))) : null;
    if (parts) p.append(parts[0], el('mark', null, parts[1]), parts[2]);
    else p.textContent = s;
    if (lang) p.lang = lang;
    return p;
  }
  function safeUrl(u) {
    if (!str(u)) return null;
    try {
      const x = new URL(u, location.href);
      return x.protocol === 'http:' || x.protocol === 'https:' ? x.href : null;
    } catch (_) { return null; }
  }

  /* ---- hit rows --------------------------------------------------------- */

  function buildRow(m) {
    const rule = m.rule || {}, post = m.post || {};
    const sev = normSev(rule.severity), cat = str(rule.category) || 'unknown';
    const src = str(post.source) || 'unknown';
    const lang = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(str(post.lang)) ? post.lang : '';
    const li = el('li', 'hit sev-' + sev);
    Object.assign(li.dataset, { seq: m.seq == null ? '' : String(m.seq), key: String(m.key),
      severity: sev, category: cat, source: src });

    const meta = el('div', 'meta');
    const t = parseTime(m.time), created = parseTime(post.created), shown = t || created;
    const when = el('time', 'when', shown ? fmtDate(shown) : '—');
    if (shown) when.dateTime = shown.toISOString();
    when.title = (t ? 'detected ' + t.toISOString() : '') +
      (created ? (t ? '\n' : '') + 'posted ' + created.toISOString() : '');
    meta.append(when);
    if (t && created && Math.abs(t - created) > 5 * 60000) {
      meta.append(el('span', 'posted', 'posted ' + fmtDate(created)));
    }
    const ruleEl = el('strong', 'rule', str(rule.title) || str(rule.id) || 'unnamed rule');
    if (str(rule.id)) ruleEl.title = 'rule ' + rule.id;
    meta.append(labelled('span', 'badge sev-' + sev, 'severity: ', sev), ruleEl,
      labelled('span', 'tag cat', 'category: ', cat), labelled('span', 'tag src', 'source: ', src));
    if (str(post.author)) {
      meta.append(Object.assign(el('span', 'author', 'pseudonym ' + post.author.slice(0, 8)),
        { title: 'author pseudonym ' + post.author }));
    }
    if (lang) meta.append(el('span', 'lang', lang));
    const href = safeUrl(post.url);
    if (href) {
      meta.append(Object.assign(el('a', 'open', 'open post'),
        { href, target: '_blank', rel: 'noopener noreferrer', referrerPolicy: 'no-referrer' }));
    }
    li.append(meta);

    const field = m.field == null ? 'text' : m.field; // span is in this field only
    const title = str(post.title), text = str(post.text);
    if (title) li.append(textBlock('post-title', title, field === 'title' && m.span, m.match, lang));
    if (text) li.append(textBlock('post-text', text, field === 'text' && m.span, m.match, lang));

    rowInfo.set(li, {
      sev: SEVERITIES.indexOf(sev), cat, src,
      search: [rule.title, rule.id, cat, src, sev, title, text, post.author, m.match]
        .map(str).join('\n').toLowerCase(),
    });
    applyRow(li);
    return li;
  }

  function matches(info) {
    const f = state.filter;
    return info.sev >= f.sev && (!f.cat || info.cat === f.cat) && (!f.src || info.src === f.src) &&
      f.words.every((w) => info.search.includes(w));
  }
  function applyRow(li) { li.hidden = !matches(rowInfo.get(li)); }
  function applyAll() { for (const li of $('feed').children) applyRow(li); updateCounts(); }

  /* Insert a batch of hit messages, newest (highest seq) on top. */
  function render(batch) {
    batch.sort((a, b) => b.key - a.key);
    if (batch.length > MAX_ROWS) batch.length = MAX_ROWS;
    const feed = $('feed'), top = feed.firstElementChild;
    const topKey = top ? Number(top.dataset.key) : -Infinity;
    const frag = document.createDocumentFragment();
    let i = 0;
    for (; i < batch.length && batch[i].key >= topKey; i++) frag.append(buildRow(batch[i]));
    feed.insertBefore(frag, top);
    for (; i < batch.length; i++) { // late arrivals: walk down to their place
      const li = buildRow(batch[i]);
      let at = feed.firstElementChild;
      while (at && Number(at.dataset.key) > batch[i].key) at = at.nextElementSibling;
      feed.insertBefore(li, at);
    }
    while (feed.children.length > MAX_ROWS) feed.lastElementChild.remove();
  }

  function scheduleFlush() {
    if (!state.flushTimer) state.flushTimer = setTimeout(flush, 40); // batch bursts
  }
  function flush() {
    state.flushTimer = 0;
    const batch = state.pending.splice(0);
    if (state.paused) {
      state.buffer.push(...batch);
      state.bufferedTotal += batch.length;
      if (state.buffer.length > MAX_ROWS) state.buffer.splice(0, state.buffer.length - MAX_ROWS);
    } else if (batch.length) {
      render(batch);
    }
    updateCounts();
  }

  function updateCounts() {
    document.body.dataset.hitCount = String(state.hits);
    $('hit-count').textContent = String(state.hits);
    const rows = $('feed').children;
    const shown = [...rows].filter((li) => !li.hidden).length;
    $('shown-count').textContent = rows.length
      ? 'showing ' + shown + ' of ' + rows.length + ' rows' +
        (rows.length >= MAX_ROWS ? ' (newest ' + MAX_ROWS + ' kept)' : '')
      : 'no hits yet';
    $('empty').hidden = shown > 0;
    $('empty').textContent = rows.length ? 'No rows match the current filters.'
      : state.paused ? 'Paused.' : 'Waiting for flagged posts…';
    $('buffered').hidden = !state.paused;
    $('buffered').textContent = state.bufferedTotal + ' new while paused' +
      (state.bufferedTotal > state.buffer.length ? ' (newest ' + state.buffer.length + ' kept)' : '');
  }

  /* ---- filters and pause ------------------------------------------------ */

  function addOption(select, set, value) {
    if (set.has(value)) return;
    set.add(value);
    const opt = new Option(value, value);
    let at = select.options[1];
    while (at && at.value.localeCompare(value) < 0) at = at.nextElementSibling;
    select.insertBefore(opt, at || null);
  }

  function readFilters() {
    state.filter.sev = Math.max(0, SEVERITIES.indexOf($('f-sev').value));
    state.filter.cat = $('f-cat').value;
    state.filter.src = $('f-src').value;
    state.filter.words = $('f-text').value.toLowerCase().split(/\s+/).filter(Boolean);
    applyAll();
  }

  function setPaused(p) {
    state.paused = p;
    $('pause').setAttribute('aria-pressed', String(p));
    $('pause').textContent = p ? 'Resume' : 'Pause';
    document.body.classList.toggle('paused', p);
    if (!p) {
      state.pending = state.buffer.concat(state.pending);
      state.buffer = [];
      state.bufferedTotal = 0;
    }
    scheduleFlush();
  }

  /* ---- summary: per-rule counts, hits per minute, daemon stats ----------- */

  function scheduleSummary() {
    if (!state.sumTimer) state.sumTimer = setTimeout(renderSummary, 250);
  }
  function renderSummary() { state.sumTimer = 0; renderRules(); drawRate(); }

  function renderRules() {
    const body = $('rule-counts');
    const list = [...state.rules.values()].sort((a, b) =>
      b.count - a.count || a.title.localeCompare(b.title));
    const rows = list.slice(0, 40).map((r) => {
      const tr = el('tr'), name = el('td'), t = el('span', 'rule-title', r.title);
      t.title = 'rule ' + r.id + ' (' + r.cat + ')';
      name.append(labelled('span', 'badge sev-' + r.sev, 'severity: ', r.sev), ' ', t);
      tr.append(name, el('td', 'num', r.count));
      return tr;
    });
    if (list.length > 40) {
      const td = el('td', null, '… and ' + (list.length - 40) + ' more rules');
      td.colSpan = 2;
      rows.push(el('tr', 'more'));
      rows[rows.length - 1].append(td);
    }
    if (rows.length) body.replaceChildren(...rows);
  }

  function drawRate() {
    const cv = $('rate');
    const nowMin = Math.floor(Date.now() / 60000);
    state.drawnMinute = nowMin;
    // Hits come stamped by the daemon; for a replay of old data (newest hit
    // over a day ago) show the last active half hour instead of an empty one.
    const old = state.maxMinute > 0 && state.maxMinute < nowMin - 24 * 60;
    const end = old ? state.maxMinute : Math.max(nowMin, state.maxMinute);
    const counts = [];
    for (let k = end - RATE_MINUTES + 1; k <= end; k++) counts.push(state.minutes.get(k) || 0);
    const total = counts.reduce((a, b) => a + b, 0);
    const peak = Math.max(...counts);
    const endLabel = (old ? fmtDate : fmtClock)(new Date(end * 60000)).slice(0, old ? 16 : 5);
    const desc = 'Hits per minute, ' + RATE_MINUTES + ' minutes up to ' + endLabel +
      ': ' + total + ' hits, peak ' + peak + ' per minute.';
    cv.setAttribute('aria-label', desc);
    $('rate-caption').textContent = desc;

    const ctx = cv.getContext && cv.getContext('2d');
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const w = cv.clientWidth || 300, h = cv.clientHeight || 110;
    if (cv.width !== Math.round(w * dpr)) cv.width = Math.round(w * dpr);
    if (cv.height !== Math.round(h * dpr)) cv.height = Math.round(h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const css = getComputedStyle(document.body);
    const col = (name, dflt) => css.getPropertyValue(name).trim() || dflt;
    const left = 4, right = w - 4, top = 16, bottom = h - 16;
    const slot = (right - left) / RATE_MINUTES;
    const scale = Math.max(1, peak);
    ctx.fillStyle = col('--chart-bar', '#5b7fa6');
    counts.forEach((c, i) => {
      if (!c) return;
      const bh = Math.max(2, (c / scale) * (bottom - top));
      ctx.fillRect(left + i * slot + 1, bottom - bh, Math.max(1, slot - 2), bh);
    });
    ctx.fillStyle = col('--chart-axis', '#9aa5b1');
    ctx.fillRect(left, bottom, right - left, 1); // baseline
    Object.assign(ctx, { fillStyle: col('--muted', '#5f6b7a'), font: '11px system-ui, sans-serif',
      textBaseline: 'top', textAlign: 'left' });
    ctx.fillText('peak ' + peak + '/min', left, 1);
    ctx.fillText(fmtClock(new Date((end - RATE_MINUTES + 1) * 60000)).slice(0, 5), left, bottom + 3);
    ctx.textAlign = 'right';
    ctx.fillText(endLabel, right, bottom + 3);
  }

  function renderStats(m) {
    const items = [];
    const add = (k, v) => items.push(el('dt', null, k), el('dd', null, fmtNum(v)));
    if (m.posts_in != null) add('posts in', m.posts_in);
    if (m.posts_committed != null) add('posts committed', m.posts_committed);
    if (m.hits != null) add('hits (daemon total)', m.hits);
    if (m.queues && typeof m.queues === 'object') Object.entries(m.queues).forEach(([k, v]) => add('queue: ' + k, v));
    const t = parseTime(m.time);
    add('as of', t ? fmtDate(t) : 'unknown');
    $('stats').replaceChildren(...items);
  }

  /* ---- incoming messages ------------------------------------------------ */

  /* Returns true if seq was already seen (message must be ignored). */
  function seenBefore(seq) {
    if (state.connFirstSeq) {
      state.connFirstSeq = false;
      // We asked for seq > connSince; an older seq means the daemon's history
      // was reset (e.g. fresh database): start deduplicating afresh.
      if (state.connSince > 0 && seq < state.connSince) {
        state.keyBase += state.lastSeq; // keep new rows sorted above old ones
        state.seen.clear();
        state.lastSeq = 0;
        state.seenFloor = 0;
      }
    }
    if (seq <= state.seenFloor || state.seen.has(seq)) return true;
    state.seen.add(seq);
    if (seq > state.lastSeq) state.lastSeq = seq;
    if (state.seen.size > 2 * SEEN_KEEP) {
      state.seenFloor = state.lastSeq - SEEN_KEEP;
      for (const s of state.seen) if (s <= state.seenFloor) state.seen.delete(s);
    }
    return false;
  }

  function onHit(m) {
    state.hits++;
    m.key = state.keyBase + (Number.isInteger(m.seq) ? m.seq : state.lastSeq);
    const rule = m.rule || {}, post = m.post || {};
    const id = str(rule.id) || str(rule.title) || '?';
    let r = state.rules.get(id);
    if (!r) {
      r = { id, title: str(rule.title) || id, sev: normSev(rule.severity),
        cat: str(rule.category) || 'unknown', count: 0 };
      state.rules.set(id, r);
    }
    r.count++;
    const t = parseTime(m.time);
    const minute = Math.floor((t ? t.getTime() : Date.now()) / 60000);
    state.minutes.set(minute, (state.minutes.get(minute) || 0) + 1);
    if (minute > state.maxMinute) {
      state.maxMinute = minute;
      for (const k of state.minutes.keys()) if (k < minute - 4 * RATE_MINUTES) state.minutes.delete(k);
    }
    addOption($('f-cat'), state.categories, str(rule.category) || 'unknown');
    addOption($('f-src'), state.sources, str(post.source) || 'unknown');
    state.pending.push(m);
    scheduleFlush();
    scheduleSummary();
  }

  /* ---- spikes and claims --------------------------------------------------- */

  const spikes = new Map(); // id -> latest state of the spike
  const claims = new Map(); // id -> latest report of the claim

  function onSpike(m) {
    const s = m.spike;
    if (!s || !Number.isInteger(s.id)) return;
    spikes.set(s.id, s);
    if (spikes.size > 200) spikes.delete(Math.min(...spikes.keys()));
    renderSpikes();
  }

  function onClaim(m) {
    const c = m.claim;
    if (!c || !Number.isInteger(c.id)) return;
    claims.set(c.id, c);
    if (claims.size > 200) claims.delete(Math.min(...claims.keys()));
    renderClaims();
  }

  function when(s) {
    const d = parseTime(s);
    return d ? fmtDate(d).slice(0, 16) : '?';
  }

  function renderSpikes() {
    const list = [...spikes.values()].sort((a, b) => b.id - a.id).slice(0, 10);
    if (!list.length) return;
    $('spikes').replaceChildren(...list.map((s) => {
      const li = el('li', 'spike ' + (s.state === 'ended' ? 'ended' : 'live'));
      if (s.rumour) li.append(el('span', 'badge rumour', 'rumour'), ' ');
      li.append(el('span', 'sig-name', str(s.kind) + ': ' + str(s.name)));
      const mag = typeof s.magnitude === 'number' ? s.magnitude.toFixed(1) : '?';
      li.append(el('div', 'muted small', when(s.start) + ' · peak ' + fmtNum(s.peak_count) +
        ' (×' + mag + ') · ' + fmtNum(s.posts) + ' posts · ' +
        (s.state === 'ended' ? 'ended ' + when(s.end) : 'ongoing')));
      li.dataset.id = s.id;
      return li;
    }));
  }

  function renderClaims() {
    const list = [...claims.values()].sort((a, b) => b.size - a.size || b.id - a.id).slice(0, 8);
    if (!list.length) return;
    $('claims').replaceChildren(...list.map((c) => {
      const li = el('li', 'claim');
      li.append(el('div', 'claim-text', str(c.excerpt)));
      const f = c.first || {};
      li.append(el('div', 'muted small', fmtNum(c.size) + ' posts · ' + fmtNum(c.authors) +
        ' authors · ' + fmtNum(c.sources) + ' sources · first ' + when(f.time) + ' in ' +
        str(f.source)));
      li.dataset.id = c.id;
      return li;
    }));
  }

  function onMessage(data) {
    let m;
    try { m = JSON.parse(data); } catch (_) { return; }
    if (!m || typeof m !== 'object') return;
    state.lastHeard = Date.now();
    if (Number.isInteger(m.seq) && seenBefore(m.seq)) return;
    if (m.type === 'hit') onHit(m);
    else if (m.type === 'stats') renderStats(m);
    else if (m.type === 'spike') onSpike(m);
    else if (m.type === 'claim') onClaim(m);
    else if (m.type === 'heartbeat') tick(); // otherwise the 1 s timer catches up
  }

  /* ---- connection ------------------------------------------------------- */

  function setConn(s, text) {
    $('conn').dataset.state = s;
    document.body.dataset.conn = s;
    const t = $('conn-text');
    if (t.textContent !== text) t.textContent = text;
  }

  // since >= 0: everything after that seq; otherwise the recent backlog.
  function wsUrl(since) {
    const proto = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const q = since >= 0 ? '?since=' + since : '?backlog=' + BACKLOG;
    return proto + location.host + '/ws' + q;
  }

  function connect() {
    clearTimeout(state.retryTimer);
    state.retryTimer = 0;
    $('retry').hidden = true;
    $('conn-retry').textContent = '';
    const since = state.lastSeq || initialSince();
    setConn('connecting', since > 0 ? 'connecting (catching up after #' + since + ')…' : 'connecting…');
    let ws;
    try { ws = new WebSocket(wsUrl(since)); } catch (e) {
      scheduleRetry('cannot open websocket (' + e.message + ')');
      return;
    }
    state.ws = ws;
    state.connSince = since;
    state.connFirstSeq = true;
    ws.onopen = () => { if (state.ws === ws) setConn('open', 'live'); };
    ws.onmessage = (ev) => { if (state.ws === ws) { state.attempt = 0; onMessage(ev.data); } };
    ws.onclose = (ev) => {
      if (state.ws !== ws) return;
      let why = 'connection lost';
      if (ev.code === 1008) why = 'dropped by server: ' + (ev.reason || 'policy');
      else if (ev.code === 1001) why = 'server going away';
      else if (ev.code !== 1006 && ev.code) why = 'closed (' + ev.code + (ev.reason ? ' ' + ev.reason : '') + ')';
      state.ws = null;
      scheduleRetry(why);
    };
  }

  // ?since=N in the page URL replays from N; without it the page starts
  // with the last BACKLOG hits (-1).
  function initialSince() {
    const v = new URLSearchParams(location.search).get('since');
    return v && /^\d{1,15}$/.test(v) ? Number(v) : -1;
  }

  function scheduleRetry(why) {
    const base = Math.min(BACKOFF_MAX, BACKOFF_MIN * Math.pow(2, state.attempt));
    state.attempt++;
    const delay = base / 2 + Math.random() * (base / 2);
    state.retryAt = Date.now() + delay;
    state.retryTimer = setTimeout(connect, delay);
    setConn('closed', 'disconnected: ' + why);
    $('retry').hidden = false;
    tick();
  }

  function retryNow() {
    if (!state.ws) { state.attempt = 0; connect(); }
  }

  /* Once a second: "last heard", retry countdown, quiet detection, chart. */
  function tick() {
    const now = Date.now();
    const heard = $('last-heard');
    if (state.lastHeard) {
      const d = new Date(state.lastHeard);
      heard.dateTime = d.toISOString();
      heard.textContent = fmtClock(d) + ' (' + Math.round((now - state.lastHeard) / 1000) + ' s ago)';
    }
    if (state.retryTimer) {
      $('conn-retry').textContent = 'retrying in ' + Math.max(0, Math.ceil((state.retryAt - now) / 1000)) + ' s';
    } else if (state.ws && state.ws.readyState === 1) {
      const quiet = state.lastHeard ? now - state.lastHeard > QUIET_MS : false;
      setConn(quiet ? 'quiet' : 'open', quiet ? 'connected, but nothing heard lately' : 'live');
    }
    if (Math.floor(now / 60000) !== state.drawnMinute) scheduleSummary();
  }

  /* ---- start ------------------------------------------------------------ */

  function start() {
    $('tz').textContent = tzLabel();
    for (const c of CATEGORIES) addOption($('f-cat'), state.categories, c);
    $('filters').addEventListener('submit', (e) => e.preventDefault());
    for (const id of ['f-sev', 'f-cat', 'f-src']) $(id).addEventListener('change', readFilters);
    $('f-text').addEventListener('input', () => {
      clearTimeout(state.searchTimer);
      state.searchTimer = setTimeout(readFilters, 120);
    });
    $('pause').addEventListener('click', () => setPaused(!state.paused));
    $('retry').addEventListener('click', retryNow);
    window.addEventListener('online', retryNow);
    window.addEventListener('resize', scheduleSummary);
    readFilters();
    drawRate();
    setInterval(tick, 1000);
    connect();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
