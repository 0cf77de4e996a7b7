import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf, writeFileAtomic } from '@ldinv/tensor';

function toUint8(data: tf.io.WeightData): Uint8Array {
  const buf = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return new Uint8Array(buf);
}

function expectedBytes(specs: tf.io.WeightsManifestEntry[]): number {
  let n = 0;
  for (const s of specs) {
    if (s.dtype !== 'float32' && s.dtype !== 'int32') throw new Error(`weight ${s.name}: dtype ${s.dtype} is not supported`);
    n += 4 * s.shape.reduce((a, b) => a * b, 1);
  }
  return n;
}

/**
 * A tf.io handler for a directory holding `model.json` (tfjs weights manifest) and
 * `weights.bin`, written with node:fs so it works on every backend (wasm included)
 * without tfjs-node. Weights only: the architecture lives in the prior's manifest.json.
 */
export function directoryHandler(dir: string): tf.io.IOHandler {
  const modelPath = join(dir, 'model.json');
  const binPath = join(dir, 'weights.bin');
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      mkdirSync(dir, { recursive: true });
      const specs = artifacts.weightSpecs ?? [];
      const bytes = artifacts.weightData ? toUint8(artifacts.weightData) : new Uint8Array(0);
      writeFileAtomic(binPath, bytes);
      const model = {
        format: artifacts.format ?? 'ldinv-weights',
        generatedBy: artifacts.generatedBy ?? 'ldinv',
        convertedBy: null,
        modelTopology: artifacts.modelTopology ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
      };
      writeFileAtomic(modelPath, JSON.stringify(model, null, 1));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightSpecsBytes: JSON.stringify(specs).length,
          weightDataBytes: bytes.byteLength,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      let model: { format?: string; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
      try {
        model = JSON.parse(readFileSync(modelPath, 'utf8'));
      } catch (err) {
        throw new Error(`${modelPath}: cannot read weights manifest (${(err as Error).message.split('\n')[0]})`);
      }
      const groups = model.weightsManifest;
      if (!Array.isArray(groups) || groups.length === 0) throw new Error(`${modelPath}: weightsManifest is missing`);
      const specs = groups.flatMap((g) => g.weights);
      const buffers = groups.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
      const data = Buffer.concat(buffers);
      const want = expectedBytes(specs);
      if (data.byteLength !== want) {
        throw new Error(`${binPath}: expected ${want} bytes for the weights listed in model.json, got ${data.byteLength} (truncated or wrong file)`);
      }
      const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
      return { format: model.format, weightSpecs: specs, weightData };
    },
  };
}

/** Saves named tensors through an IOHandler. */
export async function saveTensors(handler: tf.io.IOHandler, tensors: Map<string, tf.Tensor>, format = 'ldinv-weights'): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights([...tensors].map(([name, tensor]) => ({ name, tensor })));
  if (!handler.save) throw new Error('weights handler cannot save');
  await handler.save({ format, generatedBy: 'ldinv', weightSpecs: specs, weightData: data });
}

/** Loads named tensors through an IOHandler (the caller disposes them). */
export async function loadTensors(handler: tf.io.IOHandler): Promise<Map<string, tf.Tensor>> {
  if (!handler.load) throw new Error('weights handler cannot load');
  const artifacts = await handler.load();
  const decoded = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), artifacts.weightSpecs ?? []);
  return new Map(Object.entries(decoded));
}

/**
 * One binary file of named tensors plus a JSON header, for checkpoints:
 * 'LDCK' | u32 header bytes | header JSON {meta, specs} | weight data. Written atomically.
 */
export async function writeBundle(path: string, meta: unknown, tensors: Map<string, tf.Tensor>): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights([...tensors].map(([name, tensor]) => ({ name, tensor })));
  const header = new TextEncoder().encode(JSON.stringify({ meta, specs }));
  const out = new Uint8Array(8 + header.byteLength + data.byteLength);
  out.set(new TextEncoder().encode('LDCK'), 0);
  new DataView(out.buffer).setUint32(4, header.byteLength, true);
  out.set(header, 8);
  out.set(new Uint8Array(data), 8 + header.byteLength);
  writeFileAtomic(path, out);
}

export function readBundle(path: string): { meta: unknown; tensors: Map<string, tf.Tensor> } {
  const buf = readFileSync(path);
  if (buf.byteLength < 8 || buf.toString('latin1', 0, 4) !== 'LDCK') throw new Error(`${path}: not an ldinv checkpoint`);
  const n = buf.readUInt32LE(4);
  if (8 + n > buf.byteLength) throw new Error(`${path}: header runs past the end of the file (truncated)`);
  const { meta, specs } = JSON.parse(buf.toString('utf8', 8, 8 + n)) as { meta: unknown; specs: tf.io.WeightsManifestEntry[] };
  const body = buf.subarray(8 + n);
  const want = expectedBytes(specs);
  if (body.byteLength !== want) throw new Error(`${path}: expected ${want} bytes of weights, got ${body.byteLength} (truncated)`);
  const data = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
  return { meta, tensors: new Map(Object.entries(tf.io.decodeWeights(data, specs))) };
}
