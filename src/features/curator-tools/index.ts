/** Front door of curator-tools: the «Карточка семьи» button others put on their messages, and its composers. */
export { createCuratorToolsComposer } from './curator-tools.composer.js';
export { createFamilyCardButtonComposer } from './curator-tools.family-card.composer.js';
export { intakePhoneSchema } from './curator-tools.intake.js';
export { familyCallback } from './curator-tools.keyboards.js';
