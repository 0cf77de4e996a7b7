// The TensorFlow.js namespace every lib uses (through index.ts). Node loads tfjs-core's CommonJS
// build, which registers no gradient functions (tf.grad fails with "gradient function not found");
// the union package's Node bundle registers all of them on this same core instance.
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
// The pure-JS backend is always there and is the default until initBackend picks another.
import '@tensorflow/tfjs-backend-cpu';
import { registerConvWithBiasGradient } from './gradients/conv-with-bias.ts';
import { registerHigherOrderGradients } from './gradients/higher-order-gradients.ts';
import { registerGroupNormGradient } from './kernels/group-norm.ts';
import { CPU_KERNELS, registerKernels } from './kernels/register-kernels.ts';

registerHigherOrderGradients();
registerGroupNormGradient();
registerConvWithBiasGradient();
registerKernels(CPU_KERNELS);

export { tf };

// The cpu backend prints a banner urging tfjs-node on first use; where that package cannot install
// (DESIGN "Compute backend") the advice is noise in every CLI run. Backend choice is reported by
// initBackend instead.
// Selecting it now (synchronous for a sync backend) keeps the engine from building a fresh one.
const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
if (cpu != null && 'firstUse' in cpu) cpu.firstUse = false;
void tf.setBackend('cpu');
