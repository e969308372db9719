// What other folders use from the dependency graph. Pure.
export { executionOrder, runGraph, type Requester, type RunGraph } from './execution-order';
export { DependencyGraph, type Edge, type EdgeColumn } from './dependency-graph';
export { toMermaid, componentsByIntegration } from './mermaid';
export { toPlanText } from './plan-text';
