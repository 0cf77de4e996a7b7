// tfjs-core's gradients of Tanh, Sigmoid and Exp use the op's saved OUTPUT y. The saved copy is
// recorded on the tape before the op that produces y, so it is unreachable from x when a gradient
// is differentiated again: tf.grad(tf.grad(tanh)) throws "Cannot compute gradient of y=f(x)".
// The PINN baseline needs exactly that (u_xx of a tanh MLP, then d/dθ), and K = exp(Y) puts Exp
// inside such chains. These configs save the INPUT and recompute the output (one elementwise op
// more per backward pass), which keeps every order of derivative connected:
//   d tanh = 1 - tanh(x)^2,  d sigmoid = s (1 - s) with s = sigmoid(x),  d exp = exp(x).
import { Exp, registerGradient, Sigmoid, Tanh, type GradConfig, type Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

export const HIGHER_ORDER_GRADIENTS: readonly GradConfig[] = [
  {
    kernelName: Tanh,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as Tensor, tf.sub(1, tf.square(tf.tanh(x)))) }),
  },
  {
    kernelName: Sigmoid,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => {
        const s = tf.sigmoid(x);
        return tf.mul(dy as Tensor, tf.mul(s, tf.sub(1, s)));
      },
    }),
  },
  {
    kernelName: Exp,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as Tensor, tf.exp(x)) }),
  },
];

/** Replaces tfjs's output-saving gradients of Tanh, Sigmoid and Exp (call after they are registered). */
export function registerHigherOrderGradients(): void {
  for (const config of HIGHER_ORDER_GRADIENTS) registerGradient(config);
}
