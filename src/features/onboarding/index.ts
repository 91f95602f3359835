/** Front door of onboarding: the consent version, who the sender is (findCurrentMember, findSender), and its composer. */
export { CONSENT_VERSION, consentVersionLabel } from './consent/consent.js';
export { createOnboardingComposer } from './onboarding.composer.js';
export { findCurrentMember, findSender } from './onboarding.repository.js';
