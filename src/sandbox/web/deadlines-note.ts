/**
 * The page's line about deadlines, written from the policies the sandbox actually runs, so what it promises
 * (when the curator is reminded, when each supervisor is alerted) is what a person will see.
 */

import { requestCategories } from '../../db/schema/enums.js';
import type { DeadlinePolicies } from '../../deadline-policies.js';

/** A window of the policy file (minutes, decimals allowed) the way a person says it: «2 мин», «30 с», «1 ч 30 мин». */
export function formatWindow(minutes: number, language: 'ru' | 'en' = 'ru'): string {
  const [d, h, m, sec] = language === 'ru' ? ['д', 'ч', 'мин', 'с'] : ['d', 'h', 'min', 's'];
  const totalSeconds = Math.max(1, Math.round(minutes * 60));
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const mins = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts = [
    days > 0 ? `${days} ${d}` : '',
    hours > 0 ? `${hours} ${h}` : '',
    mins > 0 ? `${mins} ${m}` : '',
    seconds > 0 ? `${seconds} ${sec}` : '',
  ].filter(Boolean);
  return parts.join(' ');
}

function span(values: number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? formatWindow(low) : `${formatWindow(low)} – ${formatWindow(high)}`;
}

/**
 * E.g. «Сроки здесь сокращены, чтобы эскалации было видно: взять заявку в работу — за 2 мин (срочную к
 * психологу — за 1 мин), решить — за 10 мин. Если заявку к психологу никто не взял: через 1 мин куратору
 * придёт напоминание, через 2 мин — оповещение в чат «Руководитель», через 4 мин — «Руководитель области».»
 */
export function sandboxDeadlinesNote(
  policies: DeadlinePolicies,
  chats: { district: string; regional: string },
): string {
  const take = span(requestCategories.map((category) => policies[category].takeWithinMinutes));
  const resolve = span(requestCategories.map((category) => policies[category].resolveWithinMinutes));
  const urgent = formatWindow(policies.psychologistUrgent.takeWithinMinutes);
  const psychologist = policies.psychologist.takeWithinMinutes;
  return (
    `Сроки здесь сокращены, чтобы эскалации было видно: взять заявку в работу — за ${take} ` +
    `(срочную к психологу — за ${urgent}), решить — за ${resolve}. ` +
    `Если заявку к психологу никто не взял: через ${formatWindow(psychologist / 2)} куратору придёт напоминание, ` +
    `через ${formatWindow(psychologist)} — оповещение в чат «${chats.district}», ` +
    `через ${formatWindow(psychologist * 2)} — в чат «${chats.regional}».`
  );
}
