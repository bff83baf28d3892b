import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { makeConv2DBackpropFilterKernel } from './conv2d-backprop-filter.kernel';
import { makeConv2DBackpropInputKernel } from './conv2d-backprop-input.kernel';
import { makeMaxPoolGradKernel } from './max-pool-grad.kernel';
import { makeBatchMatMulKernel } from './batch-mat-mul.kernel';
import { makeBiasGradKernels } from './bias-grad.kernel';
import { makePoolReluBiasGradKernel } from './pool-relu-bias-grad.kernel';
import { makeFirstLayerFilterGradKernel } from './first-layer-filter-grad.kernel';
import { makeIdentityKernel } from './identity.kernel';
import { makeSingleOutputConvKernel } from './single-output-conv.kernel';

let registered = false;

function replace(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

/** Installs the training kernels on the wasm backend (idempotent). */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  const original = getKernel('Conv2DBackpropInput', 'wasm');
  replace(makeConv2DBackpropInputKernel(original?.kernelFunc));
  replace(makeConv2DBackpropFilterKernel());
  replace(makeMaxPoolGradKernel());
  const batchMatMul = getKernel('BatchMatMul', 'wasm');
  if (batchMatMul) replace(makeBatchMatMulKernel(batchMatMul.kernelFunc));
  for (const config of makeBiasGradKernels()) replace(config);
  replace(makePoolReluBiasGradKernel());
  replace(makeFirstLayerFilterGradKernel());
  const identity = getKernel('Identity', 'wasm');
  if (identity) replace(makeIdentityKernel(identity.kernelFunc));
  const fusedConv = getKernel('FusedConv2D', 'wasm');
  if (fusedConv) replace(makeSingleOutputConvKernel(fusedConv.kernelFunc));
  registered = true;
}
