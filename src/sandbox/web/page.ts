/** The sandbox page's HTML: the frame of the chats, rendered on the server; messages are filled in by the script. */

export interface WebPerson {
  /** The emulated Telegram user (and their private chat with the bot). */
  userId: number;
  title: string;
  subtitle: string;
  shownByDefault: boolean;
  /** A supervisor or an observer: the pane has «Панель мониторинга», which signs in through the bot's /web. */
  monitoring?: boolean;
}

export interface PageNotes {
  /** What the page says about deadlines (shortened in the sandbox, or not yet). */
  deadlines: string;
  /**
   * The region's time zone (TZ_REGION): the bubbles show their times in it, as the bot writes its times,
   * whatever zone the browser is in.
   */
  timeZone: string;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

function initialOf(title: string): string {
  return escapeHtml(Array.from(title)[0] ?? '?');
}

function renderChip(person: WebPerson): string {
  return `<button type="button" class="chip" data-user-id="${person.userId}" aria-pressed="${person.shownByDefault}">${escapeHtml(person.title)}<span class="chip-name">${escapeHtml(person.subtitle.split(' — ')[0] ?? '')}</span></button>`;
}

function renderPane(person: WebPerson): string {
  const id = person.userId;
  return `
    <section class="pane" data-user-id="${id}" aria-label="Чат: ${escapeHtml(person.title)}"${person.shownByDefault ? '' : ' hidden'}>
      <header class="pane-header">
        <div class="avatar" aria-hidden="true">${initialOf(person.title)}</div>
        <div class="pane-heading">
          <h2 class="pane-title">${escapeHtml(person.title)}</h2>
          <p class="pane-subtitle">${escapeHtml(person.subtitle)}</p>
        </div>${
          person.monitoring
            ? `
        <button type="button" class="monitoring" title="Отправить боту /web и открыть ссылку из ответа">Панель мониторинга</button>`
            : ''
        }
      </header>
      <div class="messages" role="log" aria-live="polite" aria-label="Сообщения"></div>
      <div class="reply-preview" hidden>
        <div class="reply-preview-text"><span class="reply-preview-label">Ответ на сообщение</span><span class="reply-preview-quote"></span></div>
        <button type="button" class="reply-cancel" aria-label="Не отвечать на это сообщение">✕</button>
      </div>
      <form class="composer" autocomplete="off">
        <label class="attach" title="Отправить фото или документ">
          <svg class="attach-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg><span class="visually-hidden">Отправить фото или документ</span>
          <input type="file" class="file-input">
        </label>
        <textarea name="text" class="text-input" rows="1" placeholder="Сообщение" aria-label="Сообщение"></textarea>
        <button type="submit" class="send" aria-label="Отправить">➤</button>
      </form>
      <div class="reply-keyboard" hidden></div>
    </section>`;
}

export function renderPage(people: readonly WebPerson[], notes: PageNotes): string {
  return `<!doctype html>
<html lang="ru">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Патронаж — песочница</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/sandbox.css">
  <script src="/sandbox.js" defer></script>
</head>
<body data-time-zone="${escapeHtml(notes.timeZone)}">
  <header class="banner">
    <div class="banner-text">
      <h1>Патронаж — песочница</h1>
      <p>Это не настоящий Telegram: бот работает с эмулятором, все люди и данные здесь демонстрационные.
        Пишите и нажимайте кнопки за каждого — так можно пройти весь путь семьи и куратора без телефона.</p>
      <p class="deadlines">${escapeHtml(notes.deadlines)}</p>
    </div>
    <div class="reset-box">
      <button type="button" id="reset" class="reset">Начать заново</button>
      <div id="reset-confirm" class="reset-confirm" role="alertdialog" aria-labelledby="reset-confirm-text" hidden>
        <p id="reset-confirm-text">Все переписки и данные песочницы сотрутся, демонстрационные люди появятся заново. Начать заново?</p>
        <button type="button" id="reset-yes" class="reset">Да, начать заново</button>
        <button type="button" id="reset-no" class="reset-cancel">Отмена</button>
      </div>
    </div>
  </header>
  <nav class="people" aria-label="Чьи чаты показать">${people.map(renderChip).join('')}</nav>
  <main class="panes">${people.map(renderPane).join('')}
  </main>
  <div id="toasts" class="toasts" aria-live="assertive"></div>
</body>
</html>
`;
}
