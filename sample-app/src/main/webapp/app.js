// The sample bank's page: plain fetch() calls to the REST API under api/ (the browser asks for the login).
const money = cents => (cents / 100).toFixed(2);
const $ = id => document.getElementById(id);

async function api(path, options = {}) {
  const res = await fetch('api/' + path, {
    ...options,
    headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
    credentials: 'same-origin'
  });
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const detail = body && body.violations && body.violations.length
      ? body.violations.map(v => v.path + ' ' + v.message).join('; ') : (body && body.message) || res.statusText;
    throw new Error(res.status + ' ' + ((body && body.error) || '') + ': ' + detail);
  }
  return body;
}

// A cell is [text, class] or [a DOM node] (a button).
function rows(tableId, items, cells, append = false) {
  const tbody = $(tableId).querySelector('tbody');
  if (!append) tbody.innerHTML = '';
  for (const item of items) {
    const tr = document.createElement('tr');
    for (const [value, cls] of cells(item)) {
      const td = document.createElement('td');
      if (value instanceof Node) td.appendChild(value); else td.textContent = value;
      if (cls) td.className = cls;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}

let me = null;
// The account whose history is shown, and the oldest entry id shown (the next page is older than it).
let shown = null, oldest = null;
const HISTORY_PAGE = 10;
const transferCells = t => [[t.id], [t.kind], [t.fromAccount ?? '—'], [t.toAccount], [money(t.amount), 'num'], [t.by], [t.at]];

function historyButton(account) {
  const b = document.createElement('button');
  b.textContent = 'history';
  b.className = 'history';
  b.addEventListener('click', () => showHistory(account.id, false));
  return b;
}

async function showHistory(account, older) {
  try {
    const before = older && oldest !== null ? `&before=${oldest}` : '';
    showEntries(account, await api(`accounts/${account}/history?limit=${HISTORY_PAGE}${before}`), older);
  } catch (e) {
    say(e.message, false);
  }
}

function showEntries(account, items, older) {
  if (!older) { shown = account; oldest = null; }
  $('history-account').textContent = account;
  rows('history', items, transferCells, older);
  if (items.length) oldest = items[items.length - 1].id;
  $('history-older').disabled = items.length < HISTORY_PAGE;
  $('history-section').hidden = false;
}

function say(text, ok) {
  $('message').textContent = text;
  $('message').className = ok ? 'ok' : 'error';
}

// One read of the replicas for the whole page (GET overview): the accounts, the transfers, the audit and the
// shown account's history all come from the same state, so they agree with each other.
async function refresh() {
  try {
    const owner = $('mine').checked && me ? '&owner=' + encodeURIComponent(me.replicaPrincipal) : '';
    const account = shown !== null ? `&account=${shown}&entries=${HISTORY_PAGE}` : '';
    const o = await api(`overview?recent=20${owner}${account}`);
    rows('accounts', o.accounts, a => [[a.id], [a.owner], [a.name], [money(a.balance), 'num'], [historyButton(a)]]);
    rows('transfers', o.recent, transferCells);
    if (o.statement) showEntries(shown, o.statement.entries, false);
    const audit = o.audit;
    $('audit').textContent = `deposits ${money(audit.deposits)}, accounts sum to ${money(audit.sumOfAccounts)} over ${audit.accounts} accounts`
      + (audit.deposits === audit.sumOfAccounts && audit.deposits === audit.ledgerBalances ? ' — balanced' : ' — NOT BALANCED');
  } catch (e) {
    say(e.message, false);
  }
  await refreshGroup();
}

async function refreshGroup() {
  try {
    const g = await api('group');
    $('group-summary').textContent = `n = ${g.n}, f = ${g.f}; view ${g.view ?? 'not yet known'}, primary ${g.primary ?? '?'}; `
      + `${g.replicas.filter(r => r.reachable).length} of ${g.n} replicas reachable`;
    const said = (r, v) => r.state == null ? '–' : String(v);   // what the replica reported; a dash when it did not answer
    rows('replicas', g.replicas, r => [[r.id], [r.host + ':' + r.port], [r.reachable ? 'yes' : 'NO', r.reachable ? 'up' : 'down'],
      [g.primary === r.id ? 'primary' : ''], [said(r, r.state)], [said(r, r.reportedView)], [said(r, r.stableCheckpoint)],
      [said(r, r.lastExecuted)], [said(r, r.recoveries)], [said(r, r.recoveriesSeen)]]);
  } catch (e) {
    $('group-summary').textContent = 'group status unavailable: ' + e.message;
  }
}

function submit(formId, action) {
  $(formId).addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      say(await action(), true);
    } catch (e) {
      say(e.message, false);
    }
    await refresh();
  });
}

const cents = input => Math.round(parseFloat($(input).value) * 100);

submit('transfer-form', async () => {
  const t = await api('transfers', { method: 'POST',
    body: JSON.stringify({ from: Number($('from').value), to: Number($('to').value), amount: cents('amount') }) });
  return `transfer ${t.id}: ${money(t.amount)} from ${t.fromAccount} to ${t.toAccount}`;
});
submit('deposit-form', async () => {
  const a = await api(`accounts/${Number($('deposit-to').value)}/deposits`, { method: 'POST', body: JSON.stringify({ amount: cents('deposit-amount') }) });
  return `account ${a.id} now holds ${money(a.balance)}`;
});
submit('open-form', async () => {
  const a = await api('accounts', { method: 'POST', body: JSON.stringify({ owner: $('open-owner').value || null, name: $('open-name').value }) });
  return `opened account ${a.id} for ${a.owner}`;
});

api('me').then(m => { me = m; $('me').textContent = `${me.user} (BFT client ${me.clientId}; the replicas know it as ${me.replicaPrincipal})`; })
  .catch(e => say(e.message, false));
$('mine').addEventListener('change', refresh);
$('history-older').addEventListener('click', () => showHistory(shown, true));
refresh();
setInterval(refreshGroup, 3000);
