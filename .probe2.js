const path = require('path'), fs = require('fs'), os = require('os');
const wt = require('worker_threads');
const tf = require('@tensorflow/tfjs-core');
const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const workerContents = require(path.join(wasmDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js')).wasmWorkerContents;
const factoryPath = path.join(wasmDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.js');
const workerFile = path.join(os.tmpdir(), `tfjs-wasm-worker-${process.pid}.js`);
fs.writeFileSync(workerFile, workerContents.replace(/\n/g, "\\n") + `\nglobal.importScripts=function(){global.WasmBackendModuleThreadedSimd=require(${JSON.stringify(factoryPath)});};\n`);
class NodeWasmWorker extends wt.Worker {
  constructor(file, opts) { super(String(file).startsWith('blob:') ? workerFile : file, opts); this.on("error", e => console.log("werr", e)); }
  postMessage(msg, transfer) {
    if (msg && msg.cmd === 'load' && typeof msg.urlOrBlob !== 'string') msg = { ...msg, urlOrBlob: 'factory' };
    return super.postMessage(msg, transfer);
  }
}
Object.defineProperty(global, 'Worker', { get: () => NodeWasmWorker, set: () => {}, configurable: true });
const os2=require('os'); const realCpus=os2.cpus; os2.cpus=()=>{const c=realCpus.call(os2); return [...c,...c,...c,...c];};
const wasm = require('@tensorflow/tfjs-backend-wasm');
(async () => {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(+process.argv[2] || 2);
  const ok = await tf.setBackend('wasm');
  console.log('ok', ok, tf.getBackend(), wasm.getThreadsCount());
  const x = tf.randomUniform([64,64,64,64]); const w = tf.randomUniform([3,3,64,64]);
  for (let i=0;i<3;i++){ const t=Date.now(); const c=process.cpuUsage(); const y = tf.conv2d(x,w,1,'same'); y.dataSync(); const u=process.cpuUsage(c); console.log('conv ms', Date.now()-t, 'cpu ms', (u.user+u.system)/1000); y.dispose(); }
  const a=tf.randomUniform([1024,1024]); for(let i=0;i<3;i++){const t=Date.now(); const c=process.cpuUsage(); const y=tf.matMul(a,a); y.dataSync(); const u=process.cpuUsage(c); console.log('mm', Date.now()-t, (u.user+u.system)/1000); y.dispose();} process.exit(0);
})().catch(e=>{console.error('ERR',e); process.exit(1)});
