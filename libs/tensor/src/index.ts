// The one place that imports TensorFlow.js; every other lib goes through here.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export { tf };
export type { Tensor, Rank } from '@tensorflow/tfjs-core';
