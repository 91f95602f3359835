// The sandbox page: renders each person's chat with the bot and turns clicks into their actions.
// Every text from the bot goes through textContent, never innerHTML.
'use strict';

const panes = new Map();
const narrowScreen = window.matchMedia('(max-width: 760px)');

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `ошибка ${response.status}`);
  return body;
}

function postJson(path, value) {
  return api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
}

function toast(text, { alert = false, pane } = {}) {
  const node = el('div', alert ? 'toast toast-alert' : 'toast', text);
  node.setAttribute('role', alert ? 'alert' : 'status');
  const where = pane?.toasts ?? document.getElementById('toasts');
  where.append(node);
  const remove = () => node.remove();
  node.addEventListener('click', remove);
  setTimeout(remove, alert ? 8000 : 3500);
}

function reportFailure(pane, error) {
  toast(`Не получилось: ${error.message}`, { alert: true, pane });
}

// --- rendering a message ---

const ENTITY_TAGS = {
  bold: 'strong',
  italic: 'em',
  underline: 'u',
  strikethrough: 's',
  code: 'code',
  pre: 'pre',
  spoiler: 'span',
  blockquote: 'blockquote',
  expandable_blockquote: 'blockquote',
};

/** Text with Telegram's entities as elements; offsets are UTF-16 units, like JavaScript strings. */
function renderFormatted(text, entities = []) {
  const container = el('div', 'text');
  appendRange(container, text, entities, 0, text.length);
  return container;
}

function appendRange(parent, text, entities, start, end) {
  let cursor = start;
  const inside = entities
    .filter((e) => e.offset >= start && e.offset + e.length <= end)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  for (let i = 0; i < inside.length; i += 1) {
    const entity = inside[i];
    if (entity.offset < cursor) continue; // nested in one already drawn
    if (entity.offset > cursor) parent.append(text.slice(cursor, entity.offset));
    const entityEnd = entity.offset + entity.length;
    let node;
    if (entity.type === 'text_link' || entity.type === 'url') {
      node = el('a');
      const href = entity.type === 'url' ? text.slice(entity.offset, entityEnd) : entity.url;
      if (/^https?:\/\//i.test(href || '')) {
        node.href = href;
        node.target = '_blank';
        node.rel = 'noopener noreferrer';
      }
    } else {
      node = el(ENTITY_TAGS[entity.type] || 'span', `entity-${entity.type}`);
    }
    const nested = inside.filter((other) => other !== entity);
    appendRange(node, text, nested, entity.offset, entityEnd);
    parent.append(node);
    cursor = entityEnd;
  }
  if (cursor < end) parent.append(text.slice(cursor, end));
}

function formatSize(bytes) {
  if (!bytes && bytes !== 0) return '';
  if (bytes < 1024) return `${bytes} Б`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} КБ`;
  return `${(bytes / 1024 / 1024).toFixed(1)} МБ`;
}

function fileUrl(fileId) {
  return `/api/files/${encodeURIComponent(fileId)}`;
}

function renderMedia(message) {
  if (message.photo?.length) {
    const largest = message.photo[message.photo.length - 1];
    const img = el('img', 'photo');
    img.alt = 'Фото';
    img.loading = 'lazy';
    img.src = fileUrl(largest.file_id);
    return img;
  }
  if (message.document) {
    const link = el('a', 'document');
    link.href = fileUrl(message.document.file_id);
    link.download = message.document.file_name || 'файл';
    const extension = /\.([^.]{1,4})$/.exec(message.document.file_name || '')?.[1] || 'файл';
    link.append(el('span', 'document-icon', extension));
    const label = el('span', 'document-label');
    label.append(el('span', 'document-name', message.document.file_name || 'Документ'));
    label.append(el('span', 'document-size', formatSize(message.document.file_size)));
    link.append(label);
    return link;
  }
  const placeholders = [
    ['voice', () => `🎤 Голосовое сообщение, ${message.voice.duration} с`],
    ['audio', () => `🎵 ${message.audio.title || message.audio.file_name || 'Аудио'}`],
    ['video', () => `🎬 Видео, ${message.video.duration} с`],
    ['video_note', () => `⏺ Видеосообщение, ${message.video_note.duration} с`],
    ['animation', () => '🎞 GIF'],
    ['sticker', () => `${message.sticker.emoji || '🖼'} Стикер`],
    [
      'contact',
      () =>
        `👤 Контакт: ${[message.contact.first_name, message.contact.last_name].filter(Boolean).join(' ')}, ${message.contact.phone_number}`,
    ],
    ['location', () => `📍 Геопозиция: ${message.location.latitude}, ${message.location.longitude}`],
    ['venue', () => `📍 ${message.venue.title}, ${message.venue.address}`],
  ];
  for (const [field, describe] of placeholders) {
    if (message[field]) return el('div', `media-placeholder media-${field}`, describe());
  }
  return null;
}

function summary(message) {
  if (!message) return '';
  const text = message.text || message.caption;
  if (text) return text.length > 80 ? `${text.slice(0, 80)}…` : text;
  if (message.photo) return 'Фото';
  if (message.document) return `📄 ${message.document.file_name || 'Документ'}`;
  if (message.contact) return `👤 ${message.contact.phone_number}`;
  return 'Сообщение';
}

// The region's zone (TZ_REGION), not the browser's: the bubbles' times agree with the times the bot writes.
const regionTimeZone = document.body.dataset.timeZone || undefined;

function timeOf(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleTimeString('ru-RU', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: regionTimeZone,
  });
}

function renderInlineKeyboard(pane, message) {
  const rows = message.reply_markup?.inline_keyboard;
  if (!rows?.length) return null;
  const keyboard = el('div', 'inline-keyboard');
  for (const row of rows) {
    const line = el('div', 'keyboard-row');
    for (const button of row) {
      if (button.url) {
        const link = el('a', 'inline-button', `${button.text} ↗`);
        if (/^https?:\/\//i.test(button.url)) {
          link.href = button.url;
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
        }
        line.append(link);
        continue;
      }
      const node = el('button', 'inline-button', button.text);
      node.type = 'button';
      if (typeof button.callback_data === 'string') {
        node.addEventListener('click', () => {
          postJson(`/api/chats/${pane.userId}/button`, {
            messageId: message.message_id,
            data: button.callback_data,
          }).catch((error) => reportFailure(pane, error));
        });
      } else {
        node.disabled = true;
        node.title = 'Такие кнопки песочница не поддерживает';
      }
      line.append(node);
    }
    keyboard.append(line);
  }
  return keyboard;
}

function renderBubble(pane, message) {
  const fromBot = Boolean(message.from?.is_bot);
  const row = el('div', `message-row ${fromBot ? 'from-bot' : 'from-user'}`);
  row.dataset.messageId = String(message.message_id);
  const bubble = el('div', 'bubble');
  if (message.reply_to_message) {
    bubble.append(el('div', 'quote', summary(message.reply_to_message)));
  }
  const media = renderMedia(message);
  if (media) bubble.append(media);
  const text = message.text ?? message.caption;
  const deepLink = !fromBot && /^\/start \S/.test(message.text || '');
  if (deepLink) {
    // Telegram shows a person who opened a bot link only «/start»; the payload goes to the bot alone.
    const shown = el('div', 'text', '/start');
    shown.title = message.text;
    bubble.append(shown);
  } else if (text) {
    bubble.append(renderFormatted(text, message.entities ?? message.caption_entities));
  }
  const meta = el('div', 'meta');
  const reply = el('button', 'reply-action', 'ответить');
  reply.type = 'button';
  reply.title = 'Ответить на это сообщение';
  reply.addEventListener('click', () => startReply(pane, message));
  meta.append(reply);
  if (message.edit_date) meta.append(el('span', 'edited', 'изменено'));
  meta.append(el('time', 'time', timeOf(message.edit_date || message.date)));
  bubble.append(meta);
  row.append(bubble);
  const keyboard = renderInlineKeyboard(pane, message);
  if (keyboard) row.append(keyboard);
  return row;
}

// --- a pane: one person's chat ---

function upsertMessage(pane, message) {
  const existing = pane.rows.get(message.message_id);
  if (message.deleted) {
    existing?.remove();
    pane.rows.delete(message.message_id);
    pane.messages.delete(message.message_id);
    renderReplyKeyboard(pane);
    return;
  }
  const nearBottom = pane.list.scrollHeight - pane.list.scrollTop - pane.list.clientHeight < 80;
  pane.messages.set(message.message_id, message);
  const row = renderBubble(pane, message);
  if (existing) {
    existing.replaceWith(row);
  } else {
    const later = [...pane.rows.entries()]
      .filter(([id]) => id > message.message_id)
      .sort(([a], [b]) => a - b)[0];
    if (later) pane.list.insertBefore(row, later[1]);
    else pane.list.append(row);
    if (nearBottom || !message.from?.is_bot) pane.list.scrollTop = pane.list.scrollHeight;
    if (pane.section.hidden) pane.chip.classList.add('has-new');
  }
  pane.rows.set(message.message_id, row);
  renderReplyKeyboard(pane);
}

/** The keyboard under the input: the latest one the bot sent and did not remove (as the emulator sees it). */
function renderReplyKeyboard(pane) {
  const ids = [...pane.messages.keys()].sort((a, b) => b - a);
  let keyboard = null;
  for (const id of ids) {
    const markup = pane.messages.get(id).reply_keyboard;
    if (!pane.messages.get(id).from?.is_bot || !markup) continue;
    if (markup.keyboard) keyboard = markup;
    if (markup.keyboard || markup.remove_keyboard) break;
  }
  pane.replyKeyboard.replaceChildren();
  pane.replyKeyboard.hidden = !keyboard;
  pane.input.placeholder = keyboard?.input_field_placeholder || 'Сообщение';
  if (!keyboard) return;
  for (const row of keyboard.keyboard) {
    const line = el('div', 'keyboard-row');
    for (const button of row) {
      const label = typeof button === 'string' ? button : button.text;
      const icon = button.request_contact ? '📱 ' : button.request_location ? '📍 ' : '';
      const node = el('button', 'reply-button', `${icon}${label}`);
      node.type = 'button';
      if (button.request_contact) {
        node.title = 'Отправит ваш номер телефона боту';
        node.dataset.request = 'contact';
      }
      node.addEventListener('click', () => {
        postJson(`/api/chats/${pane.userId}/reply-button`, { text: label }).catch((error) =>
          reportFailure(pane, error),
        );
      });
      line.append(node);
    }
    pane.replyKeyboard.append(line);
  }
}

function startReply(pane, message) {
  pane.replyTo = message.message_id;
  pane.replyPreview.hidden = false;
  pane.replyQuote.textContent = summary(message);
  pane.input.focus();
}

function cancelReply(pane) {
  pane.replyTo = undefined;
  pane.replyPreview.hidden = true;
  pane.replyQuote.textContent = '';
}

// Telegram takes at most 4,096 characters a message; its apps send a longer text as several messages, cut
// at a line break or a space near the limit (the same rule as src/telegram/message-limits.ts). Each part
// comes with what is left from it on, so a failed send puts back exactly what did not go.
const TEXT_LIMIT = 4096;

function splitLikeTelegram(text) {
  const parts = [];
  let rest = text;
  while (rest.length > TEXT_LIMIT) {
    const window = rest.slice(0, TEXT_LIMIT + 1);
    const newline = window.lastIndexOf('\n');
    const space = window.lastIndexOf(' ');
    const at = newline > TEXT_LIMIT / 2 ? newline : space > TEXT_LIMIT / 2 ? space : -1;
    if (at === -1) {
      // Never between the two halves of an emoji.
      const hard = /[\uD800-\uDBFF]/.test(rest[TEXT_LIMIT - 1] ?? '') ? TEXT_LIMIT - 1 : TEXT_LIMIT;
      parts.push({ text: rest.slice(0, hard), rest });
      rest = rest.slice(hard);
    } else {
      parts.push({ text: rest.slice(0, at), rest });
      rest = rest.slice(at + 1);
    }
  }
  if (rest.length > 0) parts.push({ text: rest, rest });
  return parts;
}

async function sendText(pane) {
  const text = pane.input.value.trim();
  if (!text) return;
  const replyTo = pane.replyTo;
  pane.input.value = '';
  cancelReply(pane);
  // One after another, in order; a reply goes with the first part, as in Telegram.
  for (const [index, part] of splitLikeTelegram(text).entries()) {
    const body = { text: part.text, ...(index === 0 && replyTo ? { replyTo } : {}) };
    try {
      await postJson(`/api/chats/${pane.userId}/text`, body);
    } catch (error) {
      pane.input.value = part.rest;
      reportFailure(pane, error);
      return;
    }
  }
}

async function sendFile(pane, file) {
  const kind = file.type.startsWith('image/') ? 'photo' : 'document';
  const query = new URLSearchParams({ name: file.name });
  const caption = pane.input.value.trim();
  if (caption) query.set('caption', caption);
  if (pane.replyTo) query.set('reply_to', String(pane.replyTo));
  try {
    await api(`/api/chats/${pane.userId}/${kind}?${query}`, {
      method: 'POST',
      headers: { 'content-type': file.type || 'application/octet-stream' },
      body: file,
    });
    pane.input.value = '';
    cancelReply(pane);
  } catch (error) {
    reportFailure(pane, error);
  }
}

function clearPane(pane) {
  pane.list.replaceChildren();
  pane.rows.clear();
  pane.messages.clear();
  cancelReply(pane);
  renderReplyKeyboard(pane);
}

/** Brings a pane up to date with the emulator, keeping what live events already brought in meanwhile. */
async function loadPane(pane) {
  const messages = await api(`/api/chats/${pane.userId}/messages`);
  const fetched = new Set(messages.map((message) => message.message_id));
  const newestFetched = Math.max(0, ...fetched);
  for (const id of [...pane.rows.keys()]) {
    if (!fetched.has(id) && id <= newestFetched) upsertMessage(pane, { message_id: id, deleted: true });
  }
  for (const message of messages) {
    const known = pane.messages.get(message.message_id);
    const knownEdits = known?.previous_versions?.length ?? 0;
    if (known && knownEdits > (message.previous_versions?.length ?? 0)) continue;
    upsertMessage(pane, message);
  }
  pane.list.scrollTop = pane.list.scrollHeight;
}

function setUpPane(section) {
  const userId = Number(section.dataset.userId);
  const pane = {
    userId,
    section,
    chip: document.querySelector(`.chip[data-user-id="${userId}"]`),
    list: section.querySelector('.messages'),
    input: section.querySelector('.text-input'),
    replyPreview: section.querySelector('.reply-preview'),
    replyQuote: section.querySelector('.reply-preview-quote'),
    replyKeyboard: section.querySelector('.reply-keyboard'),
    toasts: el('div', 'pane-toasts'),
    rows: new Map(),
    messages: new Map(),
    replyTo: undefined,
  };
  pane.toasts.setAttribute('aria-live', 'assertive');
  section.append(pane.toasts);
  section.querySelector('.composer').addEventListener('submit', (event) => {
    event.preventDefault();
    void sendText(pane);
  });
  pane.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void sendText(pane);
    }
  });
  section.querySelector('.reply-cancel').addEventListener('click', () => cancelReply(pane));
  section.querySelector('.monitoring')?.addEventListener('click', () => void openMonitoring(pane));
  const fileInput = section.querySelector('.file-input');
  fileInput.addEventListener('change', () => {
    const [file] = fileInput.files;
    fileInput.value = '';
    if (file) void sendFile(pane, file);
  });
  panes.set(userId, pane);
}

// --- «Панель мониторинга»: the real sign-in, /web in the chat and the link the bot answers with ---

const LOGIN_LINK = /https?:\/\/\S+\/web\/login\/[A-Za-z0-9_-]+/;

async function openMonitoring(pane) {
  // Opened now, while the click counts as the person's: a window opened after the wait would be blocked.
  const tab = window.open('about:blank', '_blank');
  const before = Math.max(0, ...pane.messages.keys());
  try {
    await postJson(`/api/chats/${pane.userId}/text`, { text: '/web' });
    const giveUpAt = Date.now() + 20_000;
    for (;;) {
      const answer = [...pane.messages.values()].find(
        (m) => m.message_id > before && m.from?.is_bot && LOGIN_LINK.test(m.text ?? ''),
      );
      if (answer) {
        const link = LOGIN_LINK.exec(answer.text)[0];
        if (tab) tab.location.href = link;
        else window.location.href = link;
        return;
      }
      if (Date.now() > giveUpAt) throw new Error('бот не прислал ссылку, попробуйте ещё раз');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    tab?.close();
    reportFailure(pane, error);
  }
}

// --- which panes are shown ---

function showPane(pane, shown) {
  pane.section.hidden = !shown;
  pane.chip.setAttribute('aria-pressed', String(shown));
  if (shown) {
    pane.chip.classList.remove('has-new');
    pane.list.scrollTop = pane.list.scrollHeight;
  }
}

function onChipClick(pane) {
  if (narrowScreen.matches) {
    for (const other of panes.values()) showPane(other, other === pane);
    return;
  }
  const shownCount = [...panes.values()].filter((p) => !p.section.hidden).length;
  if (!pane.section.hidden && shownCount === 1) return; // keep at least one chat on screen
  showPane(pane, pane.section.hidden);
}

function fitToScreen() {
  if (!narrowScreen.matches) return;
  const shown = [...panes.values()].filter((p) => !p.section.hidden);
  shown.slice(1).forEach((p) => showPane(p, false));
  if (shown.length === 0) showPane(panes.values().next().value, true);
}

// --- live updates ---

async function reloadAll() {
  await Promise.all([...panes.values()].map((pane) => loadPane(pane)));
}

function followEvents() {
  const source = new EventSource('/api/events');
  const reset = document.getElementById('reset');
  source.onopen = () => {
    document.body.classList.remove('offline');
    // Whatever happened while the stream was down is fetched again.
    reloadAll().catch((error) => reportFailure(undefined, error));
  };
  source.onerror = () => document.body.classList.add('offline');
  source.onmessage = (frame) => {
    const event = JSON.parse(frame.data);
    if (event.type === 'resetting') {
      for (const pane of panes.values()) clearPane(pane);
      reset.disabled = true;
      reset.textContent = 'Готовим заново…';
      return;
    }
    if (event.type === 'reset') {
      reset.disabled = false;
      reset.textContent = 'Начать заново';
      reloadAll().catch((error) => reportFailure(undefined, error));
      return;
    }
    const pane = panes.get(event.chatId);
    if (!pane) return;
    if (event.type === 'callback_answer') {
      if (event.answer.text) toast(event.answer.text, { alert: Boolean(event.answer.show_alert), pane });
      return;
    }
    upsertMessage(pane, event.message);
  };
}

/** «Начать заново» wipes every chat: it asks first, and only «Да, начать заново» starts over. */
function setUpReset() {
  const button = document.getElementById('reset');
  const confirmBox = document.getElementById('reset-confirm');
  const ask = (open) => {
    confirmBox.hidden = !open;
    button.hidden = open;
    (open ? document.getElementById('reset-no') : button).focus();
  };
  button.addEventListener('click', () => ask(true));
  document.getElementById('reset-no').addEventListener('click', () => ask(false));
  confirmBox.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') ask(false);
  });
  document.getElementById('reset-yes').addEventListener('click', () => {
    ask(false);
    button.disabled = true;
    button.textContent = 'Готовим заново…';
    postJson('/api/reset', {})
      .catch((error) => reportFailure(undefined, error))
      .finally(() => {
        button.disabled = false;
        button.textContent = 'Начать заново';
      });
  });
}

function start() {
  for (const section of document.querySelectorAll('.pane')) setUpPane(section);
  for (const pane of panes.values()) pane.chip.addEventListener('click', () => onChipClick(pane));
  narrowScreen.addEventListener('change', fitToScreen);
  fitToScreen();
  setUpReset();
  followEvents();
  // Also without the live stream (a proxy that buffers it), the chats are there on opening the page.
  reloadAll().catch((error) => reportFailure(undefined, error));
}

start();
