/** Front door of monitoring: what the web monitoring pages show, computed in PostgreSQL within a scope. */
export {
  familiesOverview,
  type Overview,
  operationsFigures,
  overview,
  requestPage,
} from './monitoring.usecases.js';
