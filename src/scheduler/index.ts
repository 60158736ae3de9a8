export { type DagNode, type RunDagOptions, runDag, type TaskOutcome } from './run-dag.js';
