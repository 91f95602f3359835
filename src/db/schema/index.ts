export * from './alerts.js';
export * from './audit.js';
export * from './delivery.js';
export * from './districts.js';
export * from './enums.js';
export * from './families.js';
export * from './requests.js';
export * from './staff.js';
