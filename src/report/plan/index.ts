export { renderDot } from './dot.js';
export {
  type GithubMatrix,
  type GithubMatrixJob,
  githubMatrix,
  renderGithubMatrix,
} from './github-matrix.js';
export { type PlanJson, planJson, renderJson } from './json.js';
export { renderMermaid } from './mermaid.js';
export { renderTree } from './tree.js';
