import { describe, expect, it } from 'vitest';
import { useE2E } from '../helpers/e2e.js';
import { body, buttonsOf, delivered, eventsOf, messagesOf, takenRequest, WAIT } from './relay-fixtures.js';

/**
 * What passes between a family and its curator besides text and single files: voice, video, video notes,
 * albums, an overlong text, edits; and what does not pass (a sticker, a location) gets a clear answer.
 */
const bot = useE2E();

describe('relay of media', () => {
  it('voice, video and a video note pass as copies, labelled with the request number', async () => {
    const { C, F, card, request, toCurator, toFamily } = await takenRequest(bot);
    const label = `№ ${request.number}`;
    bot.emulator.sendText(C, 'Запишите, пожалуйста, голосовое.', { replyTo: card.message_id });
    const asked = await toFamily('голосовое');
    await delivered(bot);

    bot.emulator.sendVoice(F, { replyTo: asked.message_id });
    const voice = await bot.emulator.waitForMessage(C, (m) => m.voice !== undefined, WAIT);
    expect(voice.caption).toBe(`💬 Мария Иванова · заявка ${label}`);
    expect(voice.forward_origin).toBeUndefined();

    bot.emulator.sendVideo(F, { caption: 'Вот как течёт кран.', replyTo: asked.message_id });
    const video = await bot.emulator.waitForMessage(C, (m) => m.video !== undefined, WAIT);
    expect(video.caption).toBe(`💬 Мария Иванова · заявка ${label}\n\nВот как течёт кран.`);

    // A video note cannot carry a caption: the label comes first, then the copy.
    bot.emulator.sendVideoNote(F, { replyTo: asked.message_id });
    const heading = await toCurator(`💬 Мария Иванова · заявка ${label}`);
    expect(heading.text).toBe(`💬 Мария Иванова · заявка ${label}`);
    const note = await bot.emulator.waitForMessage(C, (m) => m.video_note !== undefined, WAIT);
    expect(buttonsOf(note)).toEqual(['Ответить']);

    // The curator answers the video note with a voice message.
    await delivered(bot);
    bot.emulator.sendVoice(C, { replyTo: note.message_id });
    const back = await bot.emulator.waitForMessage(F, (m) => m.voice !== undefined, WAIT);
    expect(back.caption).toBe(`💬 Куратор Анна Петрова · заявка ${label}`);

    // And answers the heading sent before the video note: it is about the video note too.
    bot.emulator.sendText(C, 'Спасибо, посмотрела.', { replyTo: heading.message_id });
    const onHeading = await toFamily('Спасибо, посмотрела.');
    expect(onHeading.reply_to_message?.video_note).toBeDefined();
    expect(bot.emulator.messages(C, { from: 'bot' }).some((m) => body(m).includes('Чтобы написать'))).toBe(
      false,
    );

    await delivered(bot);
    const rows = await messagesOf(bot, request.id);
    expect(rows.map((r) => r.kind)).toEqual(['text', 'voice', 'video', 'video_note', 'voice', 'text']);
    expect(rows.every((r) => r.fileId !== null || r.kind === 'text')).toBe(true);
    expect(rows.every((r) => r.familyMessageId !== null && r.staffMessageId !== null)).toBe(true);
  });

  it('an album from the family arrives as one album, and one from the curator too', async () => {
    const { C, F, card, request, toFamily } = await takenRequest(bot, 'Ольга Седова');
    bot.emulator.sendText(C, 'Пришлите фото документов.', { replyTo: card.message_id });
    const asked = await toFamily('фото документов');
    await delivered(bot);

    for (const [index, caption] of ['Паспорт', 'Свидетельство', 'Справка'].entries()) {
      bot.emulator.sendPhoto(F, {
        caption,
        mediaGroupId: 'family-album-1',
        ...(index === 0 ? { replyTo: asked.message_id } : {}),
      });
    }
    const album = [];
    for (let i = 0; i < 3; i += 1) {
      album.push(await bot.emulator.waitForMessage(C, (m) => m.media_group_id !== undefined, WAIT));
    }
    expect(new Set(album.map((m) => m.media_group_id)).size).toBe(1);
    expect(album.map((m) => m.caption)).toEqual([
      `💬 Мария Иванова · заявка № ${request.number}\n\nПаспорт`,
      'Свидетельство',
      'Справка',
    ]);
    // One acknowledgement for the album, not three.
    await delivered(bot);
    const acks = bot.emulator
      .messages(F, { from: 'bot' })
      .filter((m) => body(m).startsWith('Передаём куратору'));
    expect(acks).toHaveLength(1);

    // The curator sends two photos back as an album, replying to the family's album.
    for (const [index, caption] of ['Образец 1', 'Образец 2'].entries()) {
      bot.emulator.sendPhoto(C, {
        caption,
        mediaGroupId: 'curator-album-1',
        ...(index === 0 ? { replyTo: album[0]!.message_id } : {}),
      });
    }
    const back = [];
    for (let i = 0; i < 2; i += 1) {
      back.push(await bot.emulator.waitForMessage(F, (m) => m.media_group_id !== undefined, WAIT));
    }
    expect(back[0]!.caption).toBe(`💬 Куратор Ольга Седова · заявка № ${request.number}\n\nОбразец 1`);

    await delivered(bot);
    const rows = await messagesOf(bot, request.id);
    expect(rows.map((r) => [r.direction, r.kind, r.mediaGroupId])).toEqual([
      ['staff_to_family', 'text', null],
      ['family_to_staff', 'photo', 'family-album-1'],
      ['family_to_staff', 'photo', 'family-album-1'],
      ['family_to_staff', 'photo', 'family-album-1'],
      ['staff_to_family', 'photo', 'curator-album-1'],
      ['staff_to_family', 'photo', 'curator-album-1'],
    ]);
    expect(rows.map((r) => r.staffMessageId)).toEqual(expect.arrayContaining(album.map((m) => m.message_id)));
    expect(rows.every((r) => r.familyMessageId !== null && r.staffMessageId !== null)).toBe(true);
    expect((await eventsOf(bot, request.id)).filter((e) => e.type === 'message')).toHaveLength(6);
  });

  it('an overlong text passes whole, in parts; a sticker or a location gets a clear answer', async () => {
    const { C, F, card, request, toCurator, toFamily } = await takenRequest(bot, 'Нина Котова');
    const long = `${'Очень подробное описание ситуации. '.repeat(150)}Конец.`;
    expect(long.length).toBeGreaterThan(4096);
    bot.emulator.sendText(C, 'Опишите всё подробно.', { replyTo: card.message_id });
    const asked = await toFamily('подробно');
    await delivered(bot);

    bot.emulator.sendText(F, long, { replyTo: asked.message_id });
    const first = await toCurator('Очень подробное описание');
    const second = await toCurator('Конец.');
    expect(first.text!.length).toBeLessThanOrEqual(4096);
    expect(`${first.text} ${second.text}`.replace(/\s+/g, ' ')).toContain(
      long.replace(/\s+/g, ' ').slice(0, 200),
    );
    expect(`${first.text}\n${second.text}`.replace(/\s+/g, '')).toContain(long.replace(/\s+/g, ''));

    bot.emulator.sendSticker(F, { replyTo: asked.message_id });
    expect((await toFamily('передать куратору не получится')).text).toBe(
      'Такое сообщение передать куратору не получится. Напишите текстом или пришлите фото, документ, голосовое или видео.',
    );
    bot.emulator.sendLocation(C, { latitude: 52.5, longitude: 39.9, replyTo: first.message_id });
    expect((await toCurator('не передать семье')).text).toContain('Отправьте текст, фото');

    await delivered(bot);
    const rows = await messagesOf(bot, request.id);
    expect(rows.map((r) => r.kind)).toEqual(['text', 'text']);
    expect(rows[1]!.text).toBe(long);
  });
});

describe('edits of relayed messages', () => {
  it('an edited text is edited in the copy, both ways; an edited caption too', async () => {
    const { C, F, card, request, toCurator, toFamily } = await takenRequest(bot, 'Вера Белова');
    const sent = bot.emulator.sendText(C, 'Приду во вторник.', { replyTo: card.message_id });
    const copy = await toFamily('Приду во вторник');
    await delivered(bot);

    const edited = bot.emulator.waitForEdit(F, copy.message_id, WAIT);
    bot.emulator.editText(C, sent.message_id!, 'Приду в среду.');
    expect((await edited).text).toBe(`💬 Куратор Вера Белова · заявка № ${request.number}\n\nПриду в среду.`);
    expect(buttonsOf(await edited)).toEqual(['Ответить куратору']);

    const answer = bot.emulator.sendText(F, 'Ждём в среду', { replyTo: copy.message_id });
    const answerCopy = await toCurator('Ждём в среду');
    await delivered(bot);
    const answerEdited = bot.emulator.waitForEdit(C, answerCopy.message_id, WAIT);
    bot.emulator.editText(F, answer.message_id!, 'Ждём в среду, после 15:00');
    expect((await answerEdited).text).toContain('Ждём в среду, после 15:00');

    // A photo whose caption the family edits (Telegram sends edited_message with the new caption).
    const photo = bot.emulator.sendPhoto(F, { caption: 'Квитанция', replyTo: copy.message_id });
    const photoCopy = await toCurator('Квитанция');
    await delivered(bot);
    const original = bot.emulator.messages(F).find((m) => m.message_id === photo.message_id)!;
    const captionEdited = bot.emulator.waitForEdit(C, photoCopy.message_id, WAIT);
    bot.emulator.injectUpdate({
      edited_message: {
        ...original,
        caption: 'Квитанция за октябрь',
        edit_date: Math.floor(Date.now() / 1000),
      },
    } as never);
    expect((await captionEdited).caption).toBe(
      `💬 Мария Иванова · заявка № ${request.number}\n\nКвитанция за октябрь`,
    );

    const rows = await messagesOf(bot, request.id);
    expect(rows.map((r) => r.text)).toEqual([
      'Приду в среду.',
      'Ждём в среду, после 15:00',
      'Квитанция за октябрь',
    ]);
    expect(rows.every((r) => r.editedAt instanceof Date)).toBe(true);
    const edits = (await eventsOf(bot, request.id)).filter((e) => e.data.edited === true);
    expect(edits).toHaveLength(3);
  });

  it('a copy that cannot be edited gets a marked correction under it', async () => {
    const { C, F, card, toFamily } = await takenRequest(bot, 'Зоя Орлова');
    const sent = bot.emulator.sendText(C, 'Адрес: ул. Ленина, 5.', { replyTo: card.message_id });
    const copy = await toFamily('ул. Ленина');
    await delivered(bot);
    // The family deleted the copy in their chat: Telegram cannot edit it any more.
    await fetch(`${bot.emulator.url}/bot${bot.config.botToken}/deleteMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: F, message_id: copy.message_id }),
    });
    bot.emulator.editText(C, sent.message_id!, 'Адрес: ул. Ленина, 7.');
    const correction = await toFamily('Исправление');
    expect(correction.text).toContain('✏️ Исправление к сообщению выше.');
    expect(correction.text).toContain('Адрес: ул. Ленина, 7.');
  });
});
