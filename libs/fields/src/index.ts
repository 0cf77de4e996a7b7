export { encodeNpy, parseNpy, readField, readNpy, writeNpy, NpyError } from './npy.ts';
export type { NpyArray, NpyDtype } from './npy.ts';
export { readText } from './read-text.ts';
export { STREAM, streamRng } from './streams.ts';
export { correlation, covarianceFunction, KERNELS } from './covariance.ts';
export type { Covariance, Kernel } from './covariance.ts';
export { BIMATERIAL_DEFAULTS, FIELD_KINDS, fieldSpec, GAUSSIAN_DEFAULTS, validateFieldSpec } from './field-spec.ts';
export type { BimaterialFieldSpec, FieldKind, FieldSettings, FieldSpec, GaussianFieldSpec } from './field-spec.ts';
export { createFieldSampler, MIN_GRID, validateGrid } from './field-sampler.ts';
export { gaussianWhitening } from './gaussian-whitening.ts';
export type { GaussianWhitening } from './gaussian-whitening.ts';
export type { FieldSampler } from './field-sampler.ts';
export { cellCentreHull, SENSOR_LAYOUTS, sensorLayout } from './sensors.ts';
export type { Point, SensorLayout, SensorSpec } from './sensors.ts';
export { checkSensor, formatObsCsv, OBS_COLUMNS, parseObsCsv } from './obs-csv.ts';
export type { Observation } from './obs-csv.ts';
export { CASE_FILES, CASE_FORMAT, caseProblem, caseInputFiles, isSite, readCase, readCaseDescription, writeCase } from './case.ts';
export { SITE_CASE_FORMAT } from './site-case.ts';
export type { SiteUnits } from './site-case.ts';
export type { Case } from './case.ts';
export { NOISE_FREE_SIGMA, SIMULATE_DEFAULTS, simulateCase } from './synthetic.ts';
export type { SimulateOptions } from './synthetic.ts';
export { DATASET_FORMAT, DATASET_MANIFEST } from './dataset-manifest.ts';
export type {
  DatasetFields,
  DatasetManifest,
  GeneratedDatasetManifest,
  ImportedDatasetManifest,
  ImportedFields,
  ShardInfo,
  ValueStats,
} from './dataset-manifest.ts';
export { generateDataset, MAX_FIELDS_PER_SHARD } from './dataset-writer.ts';
export type { GenerateDatasetOptions } from './dataset-writer.ts';
export { importDataset, MIN_IMPORTED_FIELDS } from './dataset-import.ts';
export type { ImportDatasetOptions } from './dataset-import.ts';
export { openDataset } from './dataset-reader.ts';
export type { Batch, BatchOptions, Dataset } from './dataset-reader.ts';
export { normalQuantile } from './normal-quantile.ts';
