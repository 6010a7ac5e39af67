// An open-loop load client for the singles benchmark (SinglesBenchmark runs it): one job per POST at a fixed
// rate whatever the answers take, each answer timed from the moment its request was due (no coordinated
// omission), on keep-alive connections. Node.js, because a load client sharing two cores with what it measures
// must cost little: Java's HttpClient took about 2 ms of CPU per request here.
//   node open-loop.js <port> <api key> <email|sms> <rate per second> <seconds>
// Prints one JSON line: requests by status (-1: no answer), latency percentiles in ms, and its own CPU.
'use strict';
const http = require('http');
const [port, key, type, rate, seconds] = [Number(process.argv[2]), process.argv[3], process.argv[4],
  Number(process.argv[5]), Number(process.argv[6])];
// fewer connections than the API takes (1,024): past them requests wait here, timed from their due time all the
// same, rather than in SYN retries against a full accept queue
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const DEADLINE_MS = 30000; // a request not answered 30 s after it was due counts as not answered
const total = Math.round(rate * seconds);
const interval = 1000 / rate;
const latencies = new Float64Array(total);
const statuses = {};
let done = 0;
let next = 0;
const cpuBefore = process.cpuUsage();
const start = performance.now();

function body(n) {
  return type === 'sms'
    ? JSON.stringify({ type: 'sms', payload: { phone: '+1415555' + String(n % 10000).padStart(4, '0'), message: 'Benchmark' } })
    : JSON.stringify({ type: 'email', payload: { recipient: `user${n}@example.com`, subject: 'Hello', body: 'Benchmark' } });
}

function answered(n, due, status) {
  latencies[n] = performance.now() - due;
  statuses[status] = (statuses[status] || 0) + 1;
  if (++done === total) {
    finish();
  }
}

function fire(n) {
  const due = start + n * interval;
  const payload = body(n);
  let settled = false;
  const settle = status => { if (!settled) { settled = true; answered(n, due, status); } };
  const request = http.request({ host: '127.0.0.1', port, path: '/api/jobs', method: 'POST', agent, headers: {
    'Content-Type': 'application/json', 'Authorization': 'Bearer ' + key, 'Content-Length': Buffer.byteLength(payload) } },
  response => { response.resume(); response.on('end', () => settle(response.statusCode)); response.on('error', () => settle(-1)); });
  const deadline = setTimeout(() => request.destroy(new Error('deadline')), Math.max(1, due + DEADLINE_MS - performance.now()));
  request.on('close', () => clearTimeout(deadline));
  request.on('error', () => settle(-1));
  request.end(payload);
}

function tick() {
  const now = performance.now();
  while (next < total && start + next * interval <= now) {
    fire(next++);
  }
  if (next < total) {
    setTimeout(tick, Math.max(0, Math.min(1, start + next * interval - performance.now())));
  }
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function finish() {
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ statuses, requests: total, elapsedSeconds: elapsed,
    p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1],
    cpuSeconds: (cpu.user + cpu.system) / 1e6 }) + '\n', () => process.exit(0));
}

tick();
