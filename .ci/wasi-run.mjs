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
// then, with a note. A child that dies by SIGSEGV before it reports is run
// once more (once the crash came before the report); any other death, or a
// second one, fails the run.
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
  // One retry when node itself crashes (SIGSEGV) before the module reported:
  // seen once in CI after `test result: ok` had been printed, i.e. in node's
  // teardown of a module that passed. A crash of the module's own making
  // happens again on the second run, which then fails.
  const run = (attempt) => {
    const child = spawn(
      process.execPath,
      ['--no-warnings', fileURLToPath(import.meta.url), wasmPath, ...rest],
      { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: { ...process.env, [CHILD]: '1' } },
    );
    let reported = null;
    child.on('message', (m) => {
      if (m && typeof m.code === 'number') reported = m.code;
    });
    child.on('exit', (code, signal) => {
      if (reported !== null) {
        if (signal || code !== reported) {
          console.error(`wasi-run: node exited with ${signal ?? code} after the module ` +
            `finished with exit code ${reported}; using the module's code`);
        }
        process.exit(reported);
      }
      console.error(`wasi-run: the module did not finish (node exited with ${signal ?? code})`);
      if (signal === 'SIGSEGV' && attempt === 1) {
        console.error('wasi-run: running the module once more');
        run(2);
        return;
      }
      process.exit(code || 1);
    });
  };
  run(1);
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
