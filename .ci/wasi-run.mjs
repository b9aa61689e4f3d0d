// WASI runner for `cargo test --target wasm32-wasip1`: cargo calls it as
// `node --no-warnings wasi-run.mjs <module.wasm> [test args...]` (see
// CARGO_TARGET_WASM32_WASIP1_RUNNER in .ci/wasm.sh). It runs the module under
// Node's built-in WASI preview1 with the whole file system preopened at `/`
// (absolute paths work as in a native run), passes the environment through,
// and exits with the module's exit code (101 for a trap, i.e. a panic).
//
// The module runs in a child node process, which reports the module's exit
// code to this one over IPC before it exits. Node 20 has been seen to crash
// with SIGSEGV while tearing down after a module that had finished and
// passed (twice in CI, after `test result: ok`); the reported code stands
// then, with a note; so does a crash before the report once the tests have
// printed `test result: ok` (see below). Any other death fails the run.
import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';
import process from 'node:process';

const CHILD = 'PIXB64_WASI_RUN_CHILD';
const [wasmPath, ...rest] = process.argv.slice(2);
if (!wasmPath) {
  console.error('usage: node --no-warnings wasi-run.mjs <module.wasm> [args...]');
  process.exit(2);
}

if (process.env[CHILD] !== '1') {
  // Node 20's V8 has crashed (SIGSEGV; SIGTRAP "abort: Invalid bytecode")
  // while tearing down a module that had finished, after libtest printed
  // `test result: ok` but before the exit code was reported. The module's
  // stdout passes through here, so such a crash is told apart from one in a
  // test: with that line seen (libtest prints it once, after every test) the
  // run counts as passed, with a note; without it the run fails.
  const child = spawn(
    process.execPath,
    ['--no-warnings', fileURLToPath(import.meta.url), wasmPath, ...rest],
    { stdio: ['inherit', 'pipe', 'inherit', 'ipc'], env: { ...process.env, [CHILD]: '1' } },
  );
  let reported = null;
  let passed = false;
  let tail = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    tail = (tail + chunk.toString('latin1')).slice(-8192);
    if (/^test result: ok\. \d+ passed; 0 failed;/m.test(tail)) passed = true;
    if (/^test result: FAILED/m.test(tail)) passed = false;
  });
  child.on('message', (m) => {
    if (m && typeof m.code === 'number') reported = m.code;
  });
  child.on('close', (code, signal) => {
    if (reported !== null) {
      if (signal || code !== reported) {
        console.error(`wasi-run: node exited with ${signal ?? code} after the module ` +
          `finished with exit code ${reported}; using the module's code`);
      }
      process.exit(reported);
    }
    if (signal && passed) {
      console.error(`wasi-run: node died (${signal}) after the tests printed ` +
        '`test result: ok`; counting the run as passed');
      process.exit(0);
    }
    console.error(`wasi-run: the module did not finish (node exited with ${signal ?? code})`);
    process.exit(code || 1);
  });
} else {
  const env = { ...process.env };
  delete env[CHILD];
  const wasi = new WASI({
    version: 'preview1',
    args: [wasmPath, ...rest],
    env,
    preopens: { '/': '/' },
    returnOnExit: true,
  });

  const module = await WebAssembly.compile(await readFile(wasmPath));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  let code;
  try {
    code = wasi.start(instance);
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    // wasm32-wasip1 builds with panic=abort: a panic ends in an `unreachable`
    // trap. libtest captures a test's output, so its panic message is lost
    // unless the tests run with `--nocapture`.
    console.error(`wasm trap: ${e.message} (a Rust panic aborts the module; ` +
      'run the tests with `-- --nocapture` to see its message)');
    code = 101;
  }
  // Report first, then exit once the message is out.
  process.send({ code: code ?? 0 }, () => process.exit(code ?? 0));
}
