'use strict';
// Runs one credentialed fetch per demo endpoint, server and request kind, and shows what the browser did.
// The page is served on two origins by the same server: http://localhost:<port> is the app's own
// frontend (the app and the CorsGuard allowlist trust it), http://127.0.0.1:<port> is another site.

// Expected outcome, per endpoint: [own origin GET, own origin PUT, other site GET, other site PUT];
// each a pair of letters, without the agent (also monitor and off mode) | in correct mode.
// R: readable, B: blocked by the browser, G: readable when grant-credentials=true, else blocked.
const EXPECTED = {
  'reflect':              ['RR', 'RR', 'RB', 'RB'],
  'wildcard-credentials': ['BR', 'BB', 'BB', 'BB'],
  'acac-uppercase':       ['BR', 'BB', 'BB', 'BB'],
  'static-mismatch':      ['BR', 'BB', 'BB', 'BB'],
  'duplicate-acao':       ['BR', 'BB', 'BB', 'BB'],
  'no-vary':              ['RR', 'BB', 'BB', 'BB'],
  'preflight-wildcards':  ['RR', 'BR', 'RB', 'BB'],
  'null-origin':          ['RR', 'BB', 'BB', 'BB'],
  'private-network':      ['BG', 'BB', 'BB', 'BB'],
  'expose-wildcard':      ['RR', 'BB', 'BB', 'BB'],
  'acac-only':            ['BB', 'BB', 'BB', 'BB'],
  'preflight-auth':       ['RR', 'BB', 'BB', 'BB'],
  'no-credentials':       ['BG', 'BG', 'BB', 'BB'],
  'preflight-method':     ['RR', 'BB', 'BB', 'BB'],
  'preflight-headers':    ['RR', 'BB', 'BB', 'BB'],
  'correct':              ['RR', 'RR', 'BB', 'BB'],
  'public':               ['BG', 'BB', 'BB', 'BB'],
};

const KINDS = [
  {id: 'get', label: 'GET', init: {}},
  // not CORS-safelisted (method, Content-Type, custom header): the browser sends a preflight first
  {id: 'put', label: 'PUT + X-Token', init: {method: 'PUT', headers: {'Content-Type': 'application/json', 'X-Token': 'demo'}, body: '{}'}},
];
const SERVERS = ['servlet', 'netty'];

const C = window.CORSGUARD_PAGE;
const own = location.origin === C.trustedOrigin;
const correcting = C.mode === 'correct';

function expected(name, kind) {
  const e = EXPECTED[name];
  if (!e) {
    return 'unknown';
  }
  const pair = e[(own ? 0 : 2) + kind];
  const c = correcting ? pair[1] : pair[0];
  if (c === 'G') {
    return C.grantCredentials ? 'readable' : 'blocked';
  }
  return c === 'R' ? 'readable' : 'blocked';
}

async function attempt(url, init) {
  try {
    const res = await fetch(url, Object.assign({credentials: 'include', cache: 'no-store'}, init));
    const text = await res.text();
    let session = false;
    try {
      session = JSON.parse(text).session === true;
    } catch (e) {
      // a body that is not the demo's JSON (a 401): no session to show
    }
    return {outcome: 'readable', status: res.status, session: session};
  } catch (e) {
    // a CORS failure is a network error to the page, on purpose: the reason is only in the console
    return {outcome: 'blocked', status: 0, session: false};
  }
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) {
    e.className = cls;
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

function describeMode() {
  switch (C.mode) {
    case 'none': return 'no CorsGuard agent in the demo JVM';
    case 'monitor': return 'CorsGuard in monitor mode (reports, changes nothing)';
    case 'correct': return 'CorsGuard in correct mode' + (C.grantCredentials ? ' (grant-credentials=true)' : '');
    case 'off': return 'CorsGuard in off mode';
    default: return 'agent mode unknown (no MBean): expecting what happens without the agent';
  }
}

async function run() {
  const who = document.getElementById('who');
  who.textContent = 'This page: ' + location.origin + (own
    ? ' — the app\'s own origin (trusted by the app and the allowlist). '
    : ' — another site, trusted by nobody (as https://evil.example would be). ')
    + 'APIs: ' + C.servlet + ' (Tomcat), ' + C.netty + ' (Netty). ' + describeMode() + '.';
  if (own) {
    // log in: the API sets the session cookie (SameSite=None; Secure) for localhost, all ports
    await attempt(C.servlet + '/api/correct?login=1', {});
  }
  const rows = [];
  const tbody = document.querySelector('#results tbody');
  for (const ep of C.endpoints) {
    KINDS.forEach((kind, k) => {
      const tr = el('tr');
      if (k === 0) {
        const name = el('td', 'name', ep.name);
        name.rowSpan = KINDS.length;
        const what = el('td', 'what', ep.description);
        what.rowSpan = KINDS.length;
        tr.append(name, what);
      }
      tr.append(el('td', '', kind.label), el('td', '', expected(ep.name, k)));
      tbody.append(tr);
      for (const server of SERVERS) {
        tr.append(el('td', 'pending', '…'));
      }
    });
  }
  const trs = tbody.querySelectorAll('tr');
  let i = 0;
  for (const ep of C.endpoints) {
    for (let k = 0; k < KINDS.length; k++, i++) {
      const tr = trs[i];
      const cells = Array.from(tr.querySelectorAll('td')).slice(-SERVERS.length);
      for (let s = 0; s < SERVERS.length; s++) {
        const url = C[SERVERS[s]] + '/api/' + ep.name + '?kind=' + KINDS[k].id;
        const r = await attempt(url, KINDS[k].init);
        const exp = expected(ep.name, k);
        const cell = cells[s];
        cell.className = r.outcome + (r.outcome === exp ? '' : ' unexpected');
        cell.textContent = r.outcome;
        if (r.outcome === 'readable') {
          cell.append(el('span', 'tag', ' · ' + r.status + (r.session ? ' · cookie sent' : '')));
        }
        if (r.outcome !== exp) {
          cell.append(el('span', 'tag', ' ✗ expected ' + exp));
        }
        rows.push({server: SERVERS[s], endpoint: ep.name, kind: KINDS[k].id, url: url, expected: exp,
          outcome: r.outcome, status: r.status, session: r.session});
      }
    }
  }
  const asExpected = rows.filter(r => r.outcome === r.expected).length;
  const summary = document.getElementById('summary');
  summary.textContent = asExpected + ' of ' + rows.length + ' outcomes as expected; '
    + rows.filter(r => r.outcome === 'readable').length + ' readable, '
    + rows.filter(r => r.outcome === 'blocked').length + ' blocked.';
  summary.className = asExpected === rows.length ? 'ok' : 'bad';
  const result = {origin: location.origin, own: own, mode: C.mode, grantCredentials: C.grantCredentials,
    asExpected: asExpected, rows: rows};
  window.corsguardResult = result;
  document.body.dataset.done = 'true';
  return result;
}

window.corsguardDone = run();
