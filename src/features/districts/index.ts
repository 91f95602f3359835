/** Front door of districts: the region's districts (the admin command line, the passport's question). */
export { createDistrictsRepository } from './districts.repository.js';
export { listDistricts } from './districts.usecases.js';
