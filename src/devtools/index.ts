/**
 * yracer/devtools: a devtools panel for a model (`YracerDevtools`), and the
 * inspection it is built on, usable on its own (`inspectModel`,
 * `DevtoolsRecorder`).
 */
export { YracerDevtools, type YracerDevtoolsProps } from './yracer-devtools.tsx';
export { documentBytes, inspectModel, type InspectedDocument, type InspectedQuery, type ModelInspection } from './inspect-model.ts';
export { DevtoolsRecorder, type DevtoolsRecorderOptions, type LastChange, type RecordedFrame, type RenderCount } from './devtools-recorder.ts';
export { observeRenders, type RenderNote } from '../react/render-log.ts';
export type { FrameRecord } from '../model/documents/sync-port.ts';
