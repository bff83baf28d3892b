import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { disposeInfos, runWasmKernel } from './wasm-kernel-utils';

/**
 * dX of a stride-1 convolution is a forward convolution of dy with the spatially flipped
 * filter whose in/out channels are swapped, padded by (filter - 1 - pad) on each side;
 * XNNPACK runs that as fast as the forward pass. Other strides and NCHW fall back to the
 * backend's own kernel.
 */
export function makeConv2DBackpropInputKernel(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
    const convInfo = backend_util.computeConv2DInfo(
      inputShape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    if (convInfo.strideHeight !== 1 || convInfo.strideWidth !== 1 || convInfo.dataFormat !== 'channelsLast') {
      if (!fallback) throw new Error('Conv2DBackpropInput: unsupported configuration');
      return fallback(args);
    }
    const { filterHeight, filterWidth, padInfo } = convInfo;
    const flipped = runWasmKernel('Reverse', backend, { x: filter }, { dims: [0, 1] });
    const swapped = runWasmKernel('Transpose', backend, { x: flipped }, { perm: [0, 1, 3, 2] });
    const dx = runWasmKernel(
      'Conv2D',
      backend,
      { x: dy, filter: swapped },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [filterHeight - 1 - padInfo.top, filterHeight - 1 - padInfo.bottom],
          [filterWidth - 1 - padInfo.left, filterWidth - 1 - padInfo.right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [1, 1],
      },
    );
    disposeInfos(backend, flipped, swapped);
    return dx;
  };
  return { kernelName: Conv2DBackpropInput, backendName: 'wasm', kernelFunc };
}
