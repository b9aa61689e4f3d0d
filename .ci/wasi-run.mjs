// WASI runner for `cargo test --target wasm32-wasip1`: cargo calls it as
// `node --no-warnings wasi-run.mjs <module.wasm> [test args...]` (see
// CARGO_TARGET_WASM32_WASIP1_RUNNER in .ci/wasm.sh). It runs the module under
// Node's built-in WASI preview1 with the whole file system preopened at `/`
// (absolute paths work as in a native run), passes the environment through,
// and exits with the module's exit code (101 for a trap, i.e. a panic).
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [wasmPath, ...rest] = process.argv.slice(2);
if (!wasmPath) {
  console.error('usage: node --no-warnings wasi-run.mjs <module.wasm> [args...]');
  process.exit(2);
}

const wasi = new WASI({
  version: 'preview1',
  args: [wasmPath, ...rest],
  env: process.env,
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
process.exit(code ?? 0);
