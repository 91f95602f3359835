import { describe, expect, it } from 'vitest';
import { createAppNotifications } from '../../roles/pipeline.js';
import { createNotificationRegistry } from './notification-registry.js';

describe("delivery's notification registry", () => {
  it('puts people waiting for each other first and digests last in the send budget', () => {
    const registry = createAppNotifications();
    for (const kind of [
      'request_card',
      'urgent_request_alert',
      'escalation_alert',
      'relay_to_family',
      'relay_to_staff',
      'relay_edit',
    ]) {
      expect(registry.sendClassOf(kind), kind).toBe('urgent');
    }
    expect(registry.sendClassOf('escalation_digest')).toBe('bulk');
    for (const kind of ['escalation_reminder', 'family_request_taken', 'relay_undelivered', 'unknown_kind']) {
      expect(registry.sendClassOf(kind), kind).toBe('notice');
    }
  });

  it('renders nothing for a kind no feature registered, and refuses a kind registered twice', async () => {
    const render = async () => ({ text: 'x' });
    const registry = createNotificationRegistry([{ kinds: ['a'], render }]);
    const notification = { kind: 'b' } as Parameters<typeof registry.render>[1];
    expect(await registry.render({} as Parameters<typeof registry.render>[0], notification)).toBeUndefined();
    expect(() =>
      createNotificationRegistry([
        { kinds: ['a'], render },
        { kinds: ['a'], render },
      ]),
    ).toThrow(/registered twice/);
  });
});
