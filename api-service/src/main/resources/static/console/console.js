// The notifyhub ops console: a page of the public API and nothing more. Every call goes through api() with the
// key from session storage, so the console can do exactly what the API lets that key do. Text from jobs is only
// ever put in the page as text (textContent, through el()), never parsed as HTML.
'use strict';

const KEY = 'notifyhub.apiKey';
const REFRESH_MS = 3000;
const FINAL = ['sent', 'failed', 'cancelled'];
const RECIPIENT_FIELD = { email: 'recipient', sms: 'phone', push: 'token' };

let caller = null; // {clientId, admin} as GET /api/stats says
let timer = null; // the refresh of the page on show, if it refreshes itself

// ---- building the page ----------------------------------------------------------------------------------------

/** An element with attributes and children; strings become text nodes, so they are never parsed as HTML. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === 'onclick') node.addEventListener('click', value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function $(selector) {
  return document.querySelector(selector);
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function time(iso) {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

function statusBadge(status) {
  return el('span', { class: 'status status-' + status }, status);
}

/** us***@example.com, +1415***0123, abcd***wxyz: enough to recognise, not enough to copy. */
function mask(value) {
  if (typeof value !== 'string' || value.length === 0) return value;
  const at = value.lastIndexOf('@');
  if (at > 0) {
    const local = value.slice(0, at);
    return local.slice(0, local.length > 2 ? 2 : 1) + '***' + value.slice(at);
  }
  if (/^\+\d{8,}$/.test(value)) return value.slice(0, 5) + '***' + value.slice(-4);
  if (value.length > 10) return value.slice(0, 4) + '***' + value.slice(-4);
  return value.slice(0, 2) + '***';
}

function recipientOf(job) {
  return job.payload ? job.payload[RECIPIENT_FIELD[job.type]] : undefined;
}

/** A datetime-local value (the browser's time zone) as an ISO instant, or '' when empty. */
function instant(local) {
  return local ? new Date(local).toISOString() : '';
}

// ---- the API --------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
    this.status = status;
    this.problem = problem || {};
  }
}

/** Calls the API with the signed-in key; answers {body, next} or throws an ApiError (a 401 signs out). */
async function api(method, path, body, key) {
  const headers = { Authorization: 'Bearer ' + (key || sessionStorage.getItem(KEY)) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch (e) {
    parsed = null;
  }
  if (!response.ok) {
    if (response.status === 401 && !key) signOut('Your key was refused: ' + ((parsed && parsed.detail) || 'sign in again.'));
    throw new ApiError(response.status, parsed);
  }
  return { body: parsed, next: nextLink(response.headers.get('Link')) };
}

/** The path and query of Link: <...>; rel="next", so it is fetched from this origin whatever host the API saw. */
function nextLink(header) {
  const match = header && header.match(/<([^>]+)>\s*;\s*rel="next"/);
  if (!match) return null;
  const url = new URL(match[1], location.href);
  return url.pathname + url.search;
}

function query(form, fields) {
  const params = new URLSearchParams();
  for (const name of fields) {
    const input = form.elements[name];
    if (!input || !input.value) continue;
    params.set(name, input.type === 'datetime-local' ? instant(input.value) : input.value);
  }
  return params;
}

// ---- sign-in --------------------------------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const key = $('#api-key').value.trim();
  $('#sign-in-error').textContent = '';
  try {
    const stats = await api('GET', '/api/stats', undefined, key);
    sessionStorage.setItem(KEY, key);
    caller = stats.body.caller;
    $('#api-key').value = '';
    showSignedIn();
    if (!location.hash || location.hash === '#/sign-in') location.hash = '#/overview';
    else route();
  } catch (e) {
    $('#sign-in-error').textContent = e.status === 401 ? 'That key is unknown or revoked.' : 'Sign-in failed: ' + e.message;
  }
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  caller = null;
  stopRefresh();
  document.querySelectorAll('.page').forEach(page => { page.hidden = true; });
  $('#nav').hidden = true;
  $('#who').hidden = true;
  $('#sign-in').hidden = false;
  $('#sign-in-error').textContent = typeof message === 'string' ? message : '';
}

function showSignedIn() {
  $('#sign-in').hidden = true;
  $('#nav').hidden = false;
  $('#who').hidden = false;
  $('#who-client').textContent = caller.clientId + (caller.admin ? ' (admin)' : '');
  document.querySelectorAll('.admin-only').forEach(node => { node.hidden = !caller.admin; });
}

// ---- routing --------------------------------------------------------------------------------------------------

function stopRefresh() {
  if (timer) clearInterval(timer);
  timer = null;
}

function refreshEvery(load) {
  stopRefresh();
  timer = setInterval(() => load().catch(() => {}), REFRESH_MS);
}

function show(page) {
  document.querySelectorAll('.page').forEach(node => { node.hidden = node.id !== 'page-' + page; });
  const section = page === 'job' ? 'jobs' : page;
  document.querySelectorAll('#nav a').forEach(link => {
    link.classList.toggle('active', link.dataset.page === section);
  });
}

function route() {
  if (!sessionStorage.getItem(KEY) || !caller) return;
  stopRefresh();
  const hash = location.hash || '#/overview';
  const job = hash.match(/^#\/jobs\/([0-9a-fA-F]{24})$/);
  if (job) {
    show('job');
    showJob(job[1]);
  } else if (hash.startsWith('#/jobs')) {
    show('jobs');
    jobs.start();
  } else if (hash.startsWith('#/compose')) {
    show('compose');
  } else if (hash.startsWith('#/dead-letters')) {
    show('dead-letters');
    deadLetters.start();
  } else if (hash.startsWith('#/workers') && caller.admin) {
    show('workers');
    workers().catch(e => { $('#workers-error').textContent = e.message; });
    refreshEvery(workers);
  } else if (hash.startsWith('#/keys') && caller.admin) {
    show('keys');
    loadKeys().catch(e => { $('#keys-error').textContent = e.message; });
  } else if (hash.startsWith('#/clients') && caller.admin) {
    show('clients');
  } else {
    show('overview');
    overview().catch(e => { $('#overview-updated').textContent = 'not refreshed: ' + e.message; });
    refreshEvery(overview);
  }
}

/** A bar of a share of 120 px; sized through the style object, which the page's CSP allows (style attributes not). */
function bar(className, share) {
  const node = el('span', { class: className });
  node.style.width = Math.round(120 * share) + 'px';
  return node;
}

// ---- overview -------------------------------------------------------------------------------------------------

async function overview() {
  const stats = (await api('GET', '/api/stats')).body;
  $('#overview-updated').textContent = 'as of ' + time(stats.at) + ', refreshing every ' + REFRESH_MS / 1000 + ' s';
  const counts = map => Object.entries(map).map(([name, count]) =>
    el('tr', { 'data-name': name }, el('th', {}, name), el('td', { class: 'num' }, count)));
  fill($('#by-status tbody'), counts(stats.byStatus));
  fill($('#by-type tbody'), counts(stats.byType));
  const most = Math.max(1, ...stats.throughput.map(m => m.sent + m.failed));
  fill($('#throughput tbody'), stats.throughput.map(minute => el('tr', {},
    el('td', {}, time(minute.start).slice(11, 16)), el('td', { class: 'num' }, minute.sent),
    el('td', { class: 'num' }, minute.failed),
    el('td', {}, bar('bar', minute.sent / most), bar('bar failed', minute.failed / most)))));
  if (caller.admin) {
    $('#charts-card').hidden = false;
    await charts();
  } else {
    $('#charts-card').hidden = true;
  }
  if (stats.queues) {
    fill($('#queues tbody'), stats.queues.map(queue => el('tr', { 'data-name': queue.name },
      el('td', {}, queue.name), el('td', { class: 'num' }, queue.messages ?? '?'),
      el('td', { class: 'num' }, queue.consumers ?? '?'))));
    $('#queues').hidden = false;
    $('#queues-note').textContent = '';
  } else {
    $('#queues').hidden = true;
    $('#queues-note').textContent = 'Queue depths cover every client\'s traffic: they are shown to admin keys only.';
  }
}

// ---- charts (admins: the counts are every client's traffic) ----------------------------------------------------

const plots = {};

/** A uPlot chart in `target`, made once and then given new data; the series are [name, colour] pairs. */
function plot(target, series, columns) {
  if (typeof uPlot === 'undefined') {
    $(target).textContent = 'The chart library did not load.';
    return;
  }
  if (!plots[target]) {
    plots[target] = new uPlot({
      width: 520, height: 200,
      scales: { x: { time: true } },
      axes: [{}, { size: 50 }],
      series: [{}, ...series.map(([label, stroke]) => ({ label, stroke, width: 2, points: { show: false } }))],
    }, columns, $(target));
  } else {
    plots[target].setData(columns);
  }
}

async function charts() {
  const series = (await api('GET', '/api/stats/series')).body;
  const samples = series.samples;
  const at = samples.map(sample => Date.parse(sample.at) / 1000);
  $('#charts-note').textContent = samples.length + ' samples, one every ' + series.everySeconds + ' s (this API replica keeps '
    + series.capacity + ', in memory)';
  $('#charts-card').dataset.samples = samples.length;
  plot('#chart-finished', [['sent', '#198754'], ['failed', '#dc3545']],
    [at, samples.map(sample => sample.sent), samples.map(sample => sample.failed)]);
  plot('#chart-backlog', [['backlog', '#0d6efd']], [at, samples.map(sample => sample.backlog)]);
}

// ---- workers --------------------------------------------------------------------------------------------------

function ago(seconds) {
  return seconds < 60 ? seconds + ' s ago' : Math.floor(seconds / 60) + ' min ago';
}

async function workers() {
  const list = (await api('GET', '/api/admin/workers')).body;
  $('#workers-error').textContent = '';
  $('#workers-updated').textContent = 'refreshing every ' + REFRESH_MS / 1000 + ' s';
  $('#workers-empty').hidden = list.length > 0;
  fill($('#workers-table tbody'), list.map(worker => el('tr', { 'data-id': worker.id, 'data-state': worker.state },
    el('td', {}, worker.id), el('td', {}, el('span', { class: 'status state-' + worker.state }, worker.state)),
    el('td', {}, worker.channels.join(', ')),
    el('td', { class: 'num' }, worker.inFlight + ' / ' + worker.inFlightLimit, ' ',
      bar('bar', worker.inFlightLimit ? worker.inFlight / worker.inFlightLimit : 0)),
    el('td', {}, ago(worker.seenSecondsAgo)), el('td', {}, time(worker.startedAt)),
    el('td', {}, worker.breakers.map(breaker => el('span', {
      class: 'breaker breaker-' + breaker.state.toLowerCase(), 'data-breaker': breaker.name }, breaker.name + ' ' + breaker.state))))));
}

// ---- keys and clients (admins) --------------------------------------------------------------------------------

async function loadKeys() {
  const params = query($('#keys-filter'), ['clientId']);
  const keys = (await api('GET', '/api/admin/keys?' + params.toString())).body;
  fill($('#keys-table tbody'), keys.map(key => el('tr', { 'data-id': key.keyId, 'data-client': key.clientId },
    el('td', {}, el('code', {}, key.keyId)), el('td', {}, key.clientId), el('td', {}, key.admin ? 'yes' : ''),
    el('td', {}, time(key.createdAt)), el('td', {}, time(key.revokedAt)),
    el('td', {}, key.revokedAt ? null : el('button', { type: 'button', class: 'revoke', onclick: () => revokeKey(key) },
      'Revoke')))));
}

function problemFields(e) {
  return (e.problem.errors || []).map(problem => problem.field + ': ' + problem.reason).join('; ') || e.message;
}

async function createKey(event) {
  event.preventDefault();
  $('#keys-error').textContent = '';
  $('#key-created').hidden = true;
  const body = { clientId: $('#key-client').value.trim(), admin: $('#key-admin').checked };
  try {
    const created = (await api('POST', '/api/admin/keys', body)).body;
    $('#key-created-client').textContent = created.clientId + (created.admin ? ' (admin)' : '');
    $('#key-created-key').textContent = created.key;
    $('#key-created-secret-line').hidden = !created.webhookSecret;
    $('#key-created-secret').textContent = created.webhookSecret || '';
    $('#key-created').hidden = false;
    $('#key-client').value = '';
    $('#key-admin').checked = false;
    await loadKeys();
  } catch (e) {
    $('#keys-error').textContent = problemFields(e);
  }
}

async function revokeKey(key) {
  if (!confirm('Revoke key ' + key.keyId + ' of ' + key.clientId + '? Calls with it are refused from then on.')) return;
  try {
    await api('DELETE', '/api/admin/keys/' + encodeURIComponent(key.keyId));
    await loadKeys();
  } catch (e) {
    $('#keys-error').textContent = e.message;
  }
}

let clientId = null;

function showClient(settings) {
  clientId = settings.clientId;
  pairs($('#client-fields'), [['client', settings.clientId], ['default webhook', settings.callbackUrl || 'none'],
    ['webhook signing secret', settings.webhookSecretSet ? 'set (never shown again)' : 'not set'],
    ['verified senders', settings.senders.length ? settings.senders.join(', ') : 'none'],
    ['retention', settings.retention || 'the default'], ['updated', time(settings.updatedAt) || 'never']]);
  $('#cl-callback').value = settings.callbackUrl || '';
  $('#cl-senders').value = settings.senders.join('\n');
  $('#client-body').hidden = false;
}

async function openClient(event) {
  event.preventDefault();
  $('#client-error').textContent = '';
  $('#client-result').textContent = '';
  $('#client-secret-line').hidden = true;
  try {
    showClient((await api('GET', '/api/admin/clients/' + encodeURIComponent($('#client-id').value.trim()))).body);
  } catch (e) {
    $('#client-body').hidden = true;
    $('#client-error').textContent = e.message;
  }
}

async function saveClient(event) {
  event.preventDefault();
  const form = $('#client-form');
  form.querySelectorAll('.field-error').forEach(span => { span.textContent = ''; });
  $('#client-error').textContent = '';
  $('#client-result').textContent = '';
  const senders = $('#cl-senders').value.split('\n').map(line => line.trim()).filter(line => line);
  const body = { callbackUrl: $('#cl-callback').value.trim() || null, senders };
  try {
    showClient((await api('PUT', '/api/admin/clients/' + encodeURIComponent(clientId), body)).body);
    $('#client-result').textContent = 'Saved.';
  } catch (e) {
    const unplaced = (e.problem.errors || []).filter(problem => {
      const span = form.querySelector('[data-field="' + problem.field.replace(/\[\d+\]$/, '') + '"]');
      if (span) span.textContent = problem.reason;
      return !span;
    });
    $('#client-error').textContent = unplaced.length ? unplaced.map(p => p.field + ': ' + p.reason).join('; ')
      : (e.problem.errors ? 'Fix the fields marked above.' : e.message);
  }
}

async function rotateSecret() {
  if (!confirm('Make a new webhook signing secret for ' + clientId + '? The old one keeps signing for a while.')) return;
  try {
    const rotated = (await api('POST', '/api/admin/clients/' + encodeURIComponent(clientId) + '/webhook-secret')).body;
    $('#client-secret').textContent = rotated.webhookSecret;
    $('#client-secret-line').hidden = false;
  } catch (e) {
    $('#client-error').textContent = e.message;
  }
}

// ---- job lists (jobs, dead letters) ---------------------------------------------------------------------------

/** A filtered, paged table of jobs from one endpoint, refreshing the page on show. */
function jobList(options) {
  let first = null;
  let current = null;
  let next = null;

  async function load(path) {
    const page = await api('GET', path);
    current = path;
    next = page.next;
    fill($(options.table + ' tbody'), page.body.map(options.row));
    $(options.nextButton).disabled = !next;
    $(options.firstButton).disabled = current === first;
    if (options.count) $(options.count).textContent = page.body.length + ' on this page';
    $(options.error).textContent = '';
  }

  function start() {
    first = options.endpoint + '?' + query($(options.form), options.filters).toString();
    load(first).catch(e => { $(options.error).textContent = e.message; });
    refreshEvery(() => load(current));
  }

  function problemText(e) {
    const fields = (e.problem.errors || []).map(p => p.field + ' ' + p.reason).join('; ');
    return fields || e.message;
  }

  $(options.form).addEventListener('submit', event => {
    event.preventDefault();
    first = options.endpoint + '?' + query($(options.form), options.filters).toString();
    load(first).catch(e => { $(options.error).textContent = problemText(e); });
  });
  $(options.nextButton).addEventListener('click', () => load(next).catch(e => { $(options.error).textContent = e.message; }));
  $(options.firstButton).addEventListener('click', () => load(first).catch(e => { $(options.error).textContent = e.message; }));
  return { start, reload: () => load(current) };
}

function idLink(job) {
  return el('a', { href: '#/jobs/' + job._id, class: 'job-link' }, job._id);
}

const jobs = jobList({
  endpoint: '/api/jobs', form: '#jobs-filter', table: '#jobs-table', error: '#jobs-error',
  nextButton: '#jobs-next', firstButton: '#jobs-first', count: '#jobs-count',
  filters: ['status', 'type', 'createdAfter', 'createdBefore', 'recipient', 'limit'],
  row: job => el('tr', { 'data-id': job._id, 'data-status': job.status },
    el('td', {}, idLink(job)), el('td', {}, job.type), el('td', {}, statusBadge(job.status)),
    el('td', {}, mask(recipientOf(job))), el('td', { class: 'num' }, job.attempts),
    el('td', {}, time(job.createdAt)), el('td', {}, time(job.updatedAt)),
    el('td', {}, ['scheduled', 'queued'].includes(job.status)
      ? el('button', { type: 'button', class: 'cancel', onclick: () => cancel(job._id, '#jobs-error', jobs.reload) }, 'Cancel')
      : null)),
});

const deadLetters = jobList({
  endpoint: '/api/dead-letters', form: '#dead-filter', table: '#dead-table', error: '#dead-error',
  nextButton: '#dead-next', firstButton: '#dead-first',
  filters: ['type', 'createdAfter', 'createdBefore', 'recipient'],
  row: job => el('tr', { 'data-id': job._id },
    el('td', {}, idLink(job)), el('td', {}, job.type), el('td', {}, mask(recipientOf(job))),
    el('td', { class: 'num' }, job.attempts), el('td', {}, job.error), el('td', {}, time(job.updatedAt)),
    el('td', {}, el('button', { type: 'button', class: 'retry', onclick: () => retry(job._id, '#dead-error', deadLetters.reload) },
      'Retry'))),
});

async function cancel(id, errorAt, then) {
  try {
    await api('DELETE', '/api/jobs/' + id);
    await then();
  } catch (e) {
    $(errorAt).textContent = e.status === 409 ? 'Too late to cancel: the job is ' + e.problem.jobStatus + '.' : e.message;
  }
}

async function retry(id, errorAt, then) {
  try {
    await api('POST', '/api/jobs/' + id + '/retry');
    $('#dead-result').textContent = 'Job ' + id + ' queued again.';
    await then();
  } catch (e) {
    $(errorAt).textContent = e.status === 409 ? 'Not retried: the job is ' + e.problem.jobStatus + '.' : e.message;
  }
}

async function replay() {
  $('#dead-error').textContent = '';
  const params = query($('#dead-filter'), ['type', 'createdAfter', 'createdBefore', 'recipient']);
  try {
    const result = await api('POST', '/api/dead-letters/replay?' + params.toString());
    $('#dead-result').textContent = 'Replayed ' + result.body.replayed + ' job(s).';
    await deadLetters.reload();
  } catch (e) {
    $('#dead-error').textContent = e.status === 403 ? 'Only an admin key may replay.' : e.message;
  }
}

// ---- one job --------------------------------------------------------------------------------------------------

async function showJob(id) {
  $('#job-id').textContent = id;
  $('#job-error').textContent = '';
  const load = async () => {
    const job = (await api('GET', '/api/jobs/' + id)).body;
    $('#job-body').hidden = false;
    renderJob(job);
    if (FINAL.includes(job.status)) stopRefresh();
  };
  try {
    await load();
    refreshEvery(load);
  } catch (e) {
    $('#job-body').hidden = true;
    $('#job-error').textContent = e.status === 404 ? 'No such job (or not one this key may see).' : e.message;
  }
}

function pairs(target, entries) {
  target.replaceChildren(...entries.filter(([, value]) => value !== undefined && value !== null && value !== '')
    .flatMap(([name, value]) => [el('dt', {}, name), el('dd', { 'data-field': name }, value)]));
}

function renderJob(job) {
  pairs($('#job-fields'), [
    ['status', statusBadge(job.status)], ['type', job.type], ['priority', job.priority], ['attempts', job.attempts],
    ['created', time(job.createdAt)], ['updated', time(job.updatedAt)], ['scheduled for', time(job.scheduledAt)],
    ['provider', job.provider], ['provider message id', job.providerMessageId], ['error', job.error],
    ['status webhook', job.callbackUrl]]);
  $('#job-webhook-section').hidden = !job.callbackUrl;
  if (job.callbackUrl) {
    api('GET', '/api/jobs/' + job._id + '/webhook').then(({ body: webhook }) => pairs($('#job-webhook'), [
      ['url', webhook.url], ['state', el('span', { class: 'status webhook-' + webhook.state }, webhook.state)],
      ['POSTs tried', webhook.attempts], ['next POST due', time(webhook.dueAt)],
      ['delivered', time(webhook.deliveredAt)], ['last error', webhook.lastError]]))
      .catch(e => { $('#job-webhook').replaceChildren(el('dd', {}, 'not known: ' + e.message)); });
  }
  const recipientField = RECIPIENT_FIELD[job.type];
  pairs($('#job-payload'), Object.entries(job.payload || {}).map(([name, value]) =>
    [name, name === recipientField ? mask(value) : (typeof value === 'string' ? value : JSON.stringify(value))]));
  fill($('#job-history tbody'), (job.history || []).map(attempt => el('tr', {},
    el('td', { class: 'num' }, attempt.number), el('td', {}, time(attempt.startedAt)), el('td', {}, time(attempt.endedAt)),
    el('td', { class: 'num' }, attempt.startedAt && attempt.endedAt
      ? (Date.parse(attempt.endedAt) - Date.parse(attempt.startedAt)) + ' ms' : ''),
    el('td', {}, attempt.worker), el('td', {}, attempt.provider), el('td', {}, attempt.outcome),
    el('td', {}, attempt.error))));
  const actions = [];
  if (['scheduled', 'queued'].includes(job.status)) {
    actions.push(el('button', { type: 'button', id: 'job-cancel', onclick: () => cancel(job._id, '#job-error', () => showJob(job._id)) },
      'Cancel'));
  }
  if (job.status === 'failed') {
    actions.push(el('button', { type: 'button', id: 'job-retry', onclick: () => retry(job._id, '#job-error', () => showJob(job._id)) },
      'Retry'));
  }
  $('#job-actions').replaceChildren(...actions);
}

// ---- compose --------------------------------------------------------------------------------------------------

function composeType() {
  return $('#c-type').value;
}

function showComposeFields() {
  document.querySelectorAll('#compose-form fieldset').forEach(set => { set.hidden = set.dataset.type !== composeType(); });
}

function fieldError(field, reason) {
  const type = composeType();
  const spans = [...document.querySelectorAll('#compose-form .field-error')].filter(span => span.dataset.field === field
    && (!span.closest('fieldset') || span.closest('fieldset').dataset.type === type));
  if (spans.length === 0) return false;
  spans.forEach(span => { span.textContent = reason; });
  return true;
}

async function compose(event) {
  event.preventDefault();
  const form = $('#compose-form');
  form.querySelectorAll('.field-error').forEach(span => { span.textContent = ''; });
  $('#compose-error').textContent = '';
  $('#compose-result').replaceChildren();
  const type = composeType();
  const set = form.querySelector('fieldset[data-type="' + type + '"]');
  const payload = {};
  for (const input of set.querySelectorAll('input, textarea')) {
    if (input.name === 'data') {
      if (!input.value.trim()) continue;
      try {
        payload.data = JSON.parse(input.value);
      } catch (e) {
        fieldError('payload.data', 'is not valid JSON');
        return;
      }
    } else {
      payload[input.name] = input.value;
    }
  }
  const body = { type, payload, priority: form.elements.priority.value };
  if (form.elements.scheduledAt.value) body.scheduledAt = instant(form.elements.scheduledAt.value);
  if (form.elements.callbackUrl.value) body.callbackUrl = form.elements.callbackUrl.value;
  try {
    const job = (await api('POST', '/api/jobs', body)).body;
    $('#compose-result').replaceChildren('Created ', el('a', { href: '#/jobs/' + job._id, id: 'compose-created' }, job._id),
      ' (' + job.status + ').');
  } catch (e) {
    const unplaced = (e.problem.errors || []).filter(problem => !fieldError(problem.field, problem.reason));
    $('#compose-error').textContent = unplaced.length
      ? unplaced.map(problem => problem.field + ': ' + problem.reason).join('; ')
      : (e.problem.errors ? 'Fix the fields marked above.' : e.message);
  }
}

// ---- start ----------------------------------------------------------------------------------------------------

async function start() {
  $('#sign-in-form').addEventListener('submit', signIn);
  $('#sign-out').addEventListener('click', () => signOut());
  $('#compose-form').addEventListener('submit', compose);
  $('#c-type').addEventListener('change', showComposeFields);
  $('#replay').addEventListener('click', replay);
  $('#key-form').addEventListener('submit', createKey);
  $('#keys-filter').addEventListener('submit', event => {
    event.preventDefault();
    loadKeys().catch(e => { $('#keys-error').textContent = e.message; });
  });
  $('#client-find').addEventListener('submit', openClient);
  $('#client-form').addEventListener('submit', saveClient);
  $('#client-rotate').addEventListener('click', rotateSecret);
  window.addEventListener('hashchange', route);
  if (!sessionStorage.getItem(KEY)) {
    signOut();
    return;
  }
  try {
    caller = (await api('GET', '/api/stats')).body.caller;
    showSignedIn();
    route();
  } catch (e) {
    if (e.status !== 401) signOut('Could not reach the API: ' + e.message);
  }
}

start();
