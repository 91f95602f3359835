import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { splitText } from '../../telegram/message-limits.js';
import { readRelayPress, relayCallback } from './relay.keyboards.js';
import { relayableContent } from './relay.usecases.js';

describe('relay pieces', () => {
  it('splits an overlong text into parts within the limit, at spaces, losing nothing', () => {
    const text = `${'слово '.repeat(2000)}конец`;
    const parts = splitText(text, 4096);
    expect(parts.length).toBe(3);
    expect(parts.every((part) => part.length <= 4096)).toBe(true);
    expect(parts.join(' ')).toBe(text);
    expect(splitText('коротко')).toEqual(['коротко']);
    const unbroken = 'я'.repeat(5000);
    expect(splitText(unbroken, 4096).join('')).toBe(unbroken);
  });

  it('takes what can be relayed from a message and nothing else', () => {
    const base = { message_id: 1, date: 0, chat: { id: 1, type: 'private', first_name: 'A' } } as const;
    const photo = relayableContent({
      ...base,
      photo: [
        { file_id: 'small', file_unique_id: 's', width: 1, height: 1 },
        { file_id: 'large', file_unique_id: 'l', width: 9, height: 9 },
      ],
      caption: 'подпись',
      media_group_id: 'g',
    } as Message);
    expect(photo).toEqual({ kind: 'photo', text: 'подпись', fileId: 'large', mediaGroupId: 'g' });
    expect(relayableContent({ ...base, text: 'привет' } as Message)).toMatchObject({
      kind: 'text',
      text: 'привет',
    });
    expect(
      relayableContent({
        ...base,
        video_note: { file_id: 'vn', file_unique_id: 'v', length: 1, duration: 1 },
      } as Message),
    ).toMatchObject({ kind: 'video_note', fileId: 'vn', text: null });
    expect(relayableContent({ ...base, location: { latitude: 1, longitude: 1 } } as Message)).toBeUndefined();
    expect(
      relayableContent({
        ...base,
        sticker: {
          file_id: 's',
          file_unique_id: 's',
          type: 'regular',
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      } as Message),
    ).toBeUndefined();
  });

  it('reads its own button data back and refuses anything else', () => {
    expect(readRelayPress(relayCallback.toRequest(12))).toEqual({ action: 'to', id: 12 });
    expect(readRelayPress(relayCallback.replyTo(99))).toEqual({ action: 're', id: 99 });
    expect(readRelayPress(relayCallback.cancel)).toEqual({ action: 'cancel', id: 0 });
    for (const data of ['rly:to:', 'rly:to:x', 'rly:steal:1', 'rly:re:1:2', 'cur:1:take']) {
      expect(readRelayPress(data), data).toBeUndefined();
    }
  });
});
