/**
 * Front door of curator: the request card's buttons (curatorButtons, curatorCardKeyboard) that every card
 * carries, the curator's card as it is now (curatorCardView), and its composers.
 */

export { type CuratorCardButton, registerCuratorCardButton } from './curator.card-buttons.js';
export { createCuratorComposer } from './curator.composer.js';
export { createFullDetailsComposer } from './curator.details.composer.js';
export { cardStageOf, curatorButtons, curatorCallback, curatorCardKeyboard } from './curator.keyboards.js';
export { curatorCardView } from './curator.usecases.js';
