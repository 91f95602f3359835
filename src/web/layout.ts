import type { Translate } from '../i18n.js';
import { type Html, html } from './html.js';

export type WebPage = 'overview' | 'register' | 'families' | 'operations' | 'request' | 'none';

/** Who is signed in, as the layout shows it: their name and which pages their role opens. */
export interface LayoutViewer {
  fullName: string;
  role: 'supervisor' | 'observer' | 'admin';
}

const pagesOf = (role: LayoutViewer['role']) =>
  role === 'admin'
    ? (['operations'] as const)
    : role === 'supervisor'
      ? (['overview', 'register', 'families'] as const)
      : (['overview', 'register'] as const);

/** The start page of a role: admins go to Operations, everyone else to the Overview. */
export const homeOf = (role: LayoutViewer['role']) =>
  role === 'admin' ? '/web/operations' : '/web/overview';

/** Every page: skip link, navigation of the role's pages, the sign-out form (with its CSRF token), main. */
export function layout(
  t: Translate,
  page: {
    title: string;
    current: WebPage;
    viewer?: LayoutViewer;
    csrf?: string;
    body: Html;
    scripts?: readonly string[];
    language: 'ru' | 'en';
  },
): Html {
  const { viewer } = page;
  const nav = viewer
    ? html`<nav aria-label="${t('web-nav')}">${pagesOf(viewer.role).map(
        (name) =>
          html`<a href="/web/${name}" ${name === page.current ? html`aria-current="page"` : ''}>${t(`web-nav-${name}`)}</a>`,
      )}</nav>
      <span class="who">${viewer.fullName}</span>
      <form method="post" action="/web/logout"><input type="hidden" name="_csrf" value="${page.csrf ?? ''}">
        <button type="submit" class="link">${t('web-sign-out')}</button></form>`
    : '';
  const other = page.language === 'ru' ? 'en' : 'ru';
  return html`<!doctype html>
<html lang="${page.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${page.title} · ${t('web-title')}</title>
<link rel="stylesheet" href="/web/assets/app.css">
</head>
<body>
<a class="skip" href="#main">${t('web-skip')}</a>
<header><strong>${t('web-title')}</strong>${nav}<a href="?lang=${other}" lang="${other}">${other === 'en' ? 'English' : 'Русский'}</a></header>
<main id="main" tabindex="-1">
<h1>${page.title}</h1>
${page.body}
</main>
${(page.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</body>
</html>`;
}

/** A page with only a message and what to do next (an expired link, a page not found, signed out). */
export function messagePage(
  t: Translate,
  language: 'ru' | 'en',
  title: string,
  text: string,
  viewer?: LayoutViewer,
  csrf?: string,
) {
  return layout(t, {
    title,
    current: 'none',
    language,
    ...(viewer ? { viewer } : {}),
    ...(csrf ? { csrf } : {}),
    body: html`<p class="notice" role="status">${text}</p>`,
  });
}
