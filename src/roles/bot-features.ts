import type { Middleware } from 'grammy';
import type { BotContext } from '../bot/context.js';
import { resumeDialogueFromDraft } from '../bot/dialogue/resume.js';
import { createAnnouncementsComposer } from '../features/announcements/index.js';
import { createCheckInsComposer } from '../features/check-ins/index.js';
import {
  createCuratorComposer,
  createFullDetailsComposer,
  registerCuratorCardButton,
} from '../features/curator/index.js';
import {
  createCuratorToolsComposer,
  createFamilyCardButtonComposer,
} from '../features/curator-tools/index.js';
import { createFieldComposer } from '../features/field/index.js';
import { createFallbackComposer, createMenuComposer } from '../features/menu/index.js';
import { createOnboardingComposer, findSender } from '../features/onboarding/index.js';
import { createPassportComposer } from '../features/passport/index.js';
import {
  createConsultationFamilyComposer,
  createPhoneBookingComposer,
  createPsychologistComposer,
  phoneBookingButton,
} from '../features/psychologists/index.js';
import {
  createHeldMessagesComposer,
  createRelayButtonsComposer,
  createRelayComposer,
} from '../features/relay/index.js';
import { createRequestsComposer } from '../features/requests/index.js';
import { createSettingsComposer } from '../features/settings/index.js';
import { createStaffInviteComposer } from '../features/staff/index.js';
import { createSupervisionComposer } from '../features/supervision/index.js';
import { createSupportMeasuresComposer } from '../features/support-measures/index.js';
import { createWebAccessComposer } from '../features/web-access/index.js';

/** The features the bot role runs, in the order they take an update (given to `createBot`). */
export function createBotFeatures(): Middleware<BotContext>[] {
  // The curator's card offers «Записать к психологу» for a family reached by phone (psychologists' button).
  registerCuratorCardButton(phoneBookingButton);
  return [
    createStaffInviteComposer(),
    // The card's «Ответить» / «Ждём ответа семьи» before the curator composer takes every `cur:` press.
    createRelayButtonsComposer(),
    // The card's «Карточка семьи» is curator-tools' (the family card's owner), also before the curator composer.
    createFamilyCardButtonComposer(),
    createCuratorComposer(),
    // A psychologist's commands (and /help) before curator-tools' staff help; a family's booking buttons.
    createPsychologistComposer(),
    createConsultationFamilyComposer(),
    createPhoneBookingComposer(),
    createFullDetailsComposer(),
    createSupervisionComposer(),
    createWebAccessComposer(),
    createCuratorToolsComposer(),
    createAnnouncementsComposer(),
    createFieldComposer(),
    // Dialogues (createConversation) are registered in these composers before their entry handlers.
    createOnboardingComposer(),
    createPassportComposer(),
    createSettingsComposer(),
    createRequestsComposer(),
    // «Хочу оформить» and «Есть вопрос» enter the request dialogue: after the composer that registers it.
    createSupportMeasuresComposer(),
    createCheckInsComposer(),
    // A message from someone whose dialogue lost its live state goes back into it (every dialogue is known
    // by now); before the menu, the relay and the fallback would take it as something else.
    resumeDialogueFromDraft,
    createMenuComposer(),
    // Replies to relayed messages and cards, and relay modes: after every dialogue, before the fallback.
    createRelayComposer(),
    // A family's message outside any dialogue: to its one open request's curator, or kept until they choose.
    createHeldMessagesComposer(),
    createFallbackComposer(),
  ];
}

/** Who the sender is, for every update: the registered family member (onboarding owns the table) and their latest draft. */
export const findBotSender = findSender;
