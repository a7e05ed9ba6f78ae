// The emulator's bootstrap for FunctionGraph Node.js handlers (fgsdeploy).
//
// It loads the handler named by FGS_BOOT_HANDLER ("file.export", from the
// code directory, which is the working directory), runs the initializer
// named by FGS_BOOT_INITIALIZER once, then answers invocations: each request
// is one JSON document a line on fd 3, each answer one on fd 4. What the
// handler writes to stdout and stderr is the invocation's log; after each
// answer's output the bootstrap writes FGS_BOOT_MARKER to stdout, so that
// the emulator knows where one invocation's log ends.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { pathToFileURL } = require('url');

const MARKER = process.env.FGS_BOOT_MARKER || '';
const HANDLER = process.env.FGS_BOOT_HANDLER || '';
const INITIALIZER = process.env.FGS_BOOT_INITIALIZER || '';
const INIT_TIMEOUT = parseInt(process.env.FGS_BOOT_INIT_TIMEOUT || '0', 10) || 0;
for (const k of ['FGS_BOOT_MARKER', 'FGS_BOOT_HANDLER', 'FGS_BOOT_INITIALIZER', 'FGS_BOOT_INIT_TIMEOUT']) {
  delete process.env[k];
}

// One stream for all output, so that the marker comes after everything the
// handler wrote, whichever of stdout and stderr it used.
process.stderr.write = process.stdout.write.bind(process.stdout);

const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

class Logger {
  constructor(requestID) {
    this.requestID = requestID;
    this.level = 'INFO';
  }
  setLevel(level) {
    if (LEVELS.includes(level)) this.level = level;
  }
  log(level, args) {
    if (LEVELS.indexOf(level) < LEVELS.indexOf(this.level)) return;
    const message = require('util').format(...args);
    for (const line of message.split('\n')) {
      process.stdout.write(`${new Date().toISOString()} ${this.requestID} ${level} ${line}\n`);
    }
  }
  debug(...args) { this.log('DEBUG', args); }
  info(...args) { this.log('INFO', args); }
  warn(...args) { this.log('WARN', args); }
  error(...args) { this.log('ERROR', args); }
}

function envInt(name) {
  return parseInt(process.env[name] || '0', 10) || 0;
}

// The context FunctionGraph's Node.js runtime passes to a handler.
class Context {
  constructor(requestID, deadlineMs, alias) {
    this.requestID = requestID;
    this.deadlineMs = deadlineMs;
    this.alias = alias || '';
    this.logger = new Logger(requestID);
    try {
      this.userData = JSON.parse(process.env.RUNTIME_USERDATA || '{}');
    } catch (e) {
      this.userData = {};
    }
  }
  getRequestID() { return this.requestID; }
  getRemainingTimeInMilliSeconds() { return Math.max(0, Math.floor(this.deadlineMs - Date.now())); }
  getAccessKey() { return ''; }
  getSecretKey() { return ''; }
  getSecurityAccessKey() { return ''; }
  getSecuritySecretKey() { return ''; }
  getSecurityToken() { return ''; }
  getToken() { return ''; }
  getUserData(key) { return this.userData[key]; }
  getFunctionName() { return process.env.RUNTIME_FUNC_NAME || ''; }
  getRunningTimeInSeconds() { return envInt('RUNTIME_TIMEOUT'); }
  getVersion() { return process.env.RUNTIME_FUNC_VERSION || ''; }
  getMemorySize() { return envInt('RUNTIME_MEMORY'); }
  getCPUNumber() { return envInt('RUNTIME_CPU'); }
  getPackage() { return process.env.RUNTIME_PACKAGE || ''; }
  getProjectID() { return process.env.RUNTIME_PROJECT_ID || ''; }
  getAlias() { return this.alias; }
  getLogger() { return this.logger; }
}

function errorOf(e) {
  if (e instanceof Error) {
    const stack = String(e.stack || '').split('\n').slice(1).map((l) => l.trim())
      .filter((l) => l && !l.includes(__filename) && !l.includes('node:internal'));
    return { errorMessage: e.message, errorType: e.name || e.constructor.name, stackTrace: stack };
  }
  return { errorMessage: String(e), errorType: typeof e, stackTrace: [] };
}

async function load(spec) {
  const dot = spec.lastIndexOf('.');
  if (dot <= 0 || dot === spec.length - 1) throw new Error(`handler "${spec}" is not FILE.EXPORT`);
  const file = path.resolve(spec.slice(0, dot));
  const name = spec.slice(dot + 1);
  let mod;
  if (fs.existsSync(file + '.mjs')) {
    mod = await import(pathToFileURL(file + '.mjs').href);
  } else {
    try {
      mod = require(file);
    } catch (e) {
      if (e.code !== 'ERR_REQUIRE_ESM') throw e;
      mod = await import(pathToFileURL(require.resolve(file)).href);
    }
  }
  const fn = mod[name] !== undefined ? mod[name] : (mod.default && mod.default[name]);
  if (typeof fn !== 'function') throw new TypeError(`${spec} is not a function`);
  return fn;
}

const answers = 4;
let pending = null; // the answer function of the invocation in progress

function answer(doc) {
  process.stdout.write(MARKER, () => {
    fs.writeSync(answers, JSON.stringify(doc) + '\n');
  });
}

// call runs fn with args, waiting for its promise or, when fn takes one
// argument more than args (the callback style), for its callback.
function call(fn, args) {
  return new Promise((resolve, reject) => {
    let done = false;
    const once = (f) => (v) => { if (!done) { done = true; f(v); } };
    const ok = once(resolve);
    const fail = once(reject);
    pending = fail;
    const callback = fn.length > args.length;
    try {
      const out = callback ? fn(...args, (err, res) => (err ? fail(err) : ok(res))) : fn(...args);
      if (out && typeof out.then === 'function') out.then(ok, fail);
      else if (!callback) ok(out);
    } catch (e) {
      fail(e);
    }
  });
}

process.on('uncaughtException', (e) => {
  if (pending) pending(e);
  else process.stdout.write(`${new Date().toISOString()} uncaught exception: ${errorOf(e).errorMessage}\n`);
});
process.on('unhandledRejection', (e) => {
  if (pending) pending(e);
});

async function main() {
  let handler;
  try {
    handler = await load(HANDLER);
    if (INITIALIZER) {
      const init = await load(INITIALIZER);
      await call(init, [new Context('', Date.now() + INIT_TIMEOUT * 1000, '')]);
    }
  } catch (e) {
    answer({ type: 'ready', error: errorOf(e) });
    return;
  }
  answer({ type: 'ready' });
  const rl = readline.createInterface({ input: fs.createReadStream(null, { fd: 3 }), crlfDelay: Infinity });
  for await (const line of rl) {
    const req = JSON.parse(line);
    const ctx = new Context(req.request_id || '', req.deadline_ms || 0, req.alias || '');
    try {
      let value = await call(handler, [req.event, ctx]);
      if (typeof value !== 'string') value = value === undefined ? '' : JSON.stringify(value);
      pending = null;
      answer({ type: 'result', ok: true, result: value });
    } catch (e) {
      pending = null;
      answer({ type: 'result', ok: false, error: errorOf(e) });
    }
  }
}

main();
