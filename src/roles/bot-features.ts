import type { Middleware } from 'grammy';
import type { BotContext } from '../bot/context.js';
import { createCuratorComposer } from '../features/curator/curator.composer.js';
import { createFullDetailsComposer } from '../features/curator/curator.details.composer.js';
import { createCuratorToolsComposer } from '../features/curator-tools/curator-tools.composer.js';
import { createFallbackComposer } from '../features/menu/fallback.composer.js';
import { createMenuComposer } from '../features/menu/menu.composer.js';
import { createOnboardingComposer } from '../features/onboarding/onboarding.composer.js';
import { findCurrentMember } from '../features/onboarding/onboarding.repository.js';
import { createPassportComposer } from '../features/passport/passport.composer.js';
import { createRelayButtonsComposer, createRelayComposer } from '../features/relay/relay.composer.js';
import { createHeldMessagesComposer } from '../features/relay/relay.held.composer.js';
import { createRequestsComposer } from '../features/requests/requests.composer.js';
import { createSettingsComposer } from '../features/settings/settings.composer.js';
import { createStaffInviteComposer } from '../features/staff/staff.composer.js';
import { createSupervisionComposer } from '../features/supervision/supervision.composer.js';

/** The features the bot role runs, in the order they take an update (given to `createBot`). */
export function createBotFeatures(): Middleware<BotContext>[] {
  return [
    createStaffInviteComposer(),
    // The card's «Ответить» / «Ждём ответа семьи» before the curator composer takes every `cur:` press.
    createRelayButtonsComposer(),
    createCuratorComposer(),
    createFullDetailsComposer(),
    createSupervisionComposer(),
    createCuratorToolsComposer(),
    // Dialogues (createConversation) are registered in these composers before their entry handlers.
    createOnboardingComposer(),
    createPassportComposer(),
    createSettingsComposer(),
    createRequestsComposer(),
    createMenuComposer(),
    // Replies to relayed messages and cards, and relay modes: after every dialogue, before the fallback.
    createRelayComposer(),
    // A family's message outside any dialogue: to its one open request's curator, or kept until they choose.
    createHeldMessagesComposer(),
    createFallbackComposer(),
  ];
}

/** Who the sender is, for every update: the registered family member (onboarding owns the table). */
export const findBotMember = findCurrentMember;
