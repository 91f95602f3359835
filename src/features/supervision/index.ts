/** Front door of supervision: reassignment notices, the audit and staff categories (admin CLI), its composer. */
export { listAudit } from './supervision.audit.js';
export { createSupervisionComposer } from './supervision.composer.js';
export { deactivateStaff } from './supervision.departure.js';
export { exportRegister } from './supervision.export.js';
export {
  notifyReassignment,
  supervisionNotifications,
  toldFamilyReassignedTo,
} from './supervision.notices.js';
export { parsePeriod, periodLabel, type StatsPeriod } from './supervision.period.js';
export { categoryLabel, formatDuration, formatRating, statusLabel } from './supervision.render.js';
export { type RegisterFilters, type RegisterSort, registerSorts } from './supervision.repository.js';
export {
  findViewer,
  inCategoryScope,
  inScope,
  type SupervisionScope,
  type SupervisionViewer,
  setStaffCategories,
  viewDistrictIds,
} from './supervision.scope.js';
export {
  computeStats,
  districtNamesOf,
  type FindQuery,
  filterChoices,
  parseFindQuery,
  REGISTER_PAGE_SIZE,
  reassignmentChoices,
  reassignRequest,
  registerPage,
  type Stats,
  type SupervisionRefusal,
} from './supervision.usecases.js';
