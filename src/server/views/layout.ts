// The page frame: skip link, header with the navigation the user's role may use, main landmark, and
// the logout form (a POST with its CSRF token). No script, no inline style: one stylesheet from /assets.
import type { UserRole } from '../../db/serveTables.ts';
import { html } from './html.ts';
import type { SafeHtml } from './html.ts';

export interface PageUser {
  email: string;
  role: UserRole;
}

export interface Chrome {
  title: string;
  /** Path of the nav entry to mark as current. */
  current: string;
  user: PageUser | null;
  csrfToken: string;
}

interface NavEntry {
  path: string;
  label: string;
  roles: readonly UserRole[];
}

const ALL: readonly UserRole[] = ['investigator', 'data-manager', 'admin'];
export const NAV: readonly NavEntry[] = [
  { path: '/', label: 'Overview', roles: ALL },
  { path: '/signals', label: 'Signals', roles: ALL },
  { path: '/looks', label: 'Looks', roles: ALL },
  { path: '/plan', label: 'Plan', roles: ALL },
  { path: '/data-quality', label: 'Data quality', roles: ['data-manager', 'admin'] },
  { path: '/audit', label: 'Audit', roles: ['admin'] },
];

export const STYLESHEET_PATH = '/assets/dashboard.css';

export function page(chrome: Chrome, body: SafeHtml): string {
  const nav = chrome.user === null ? null : NAV.filter((n) => n.roles.includes(chrome.user?.role ?? 'investigator'));
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${chrome.title} · CohortWatch</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">CohortWatch</span>
  ${nav === null ? null : html`<nav aria-label="Main"><ul>${nav.map((n) => html`<li><a href="${n.path}"${n.path === chrome.current ? html` aria-current="page"` : null}>${n.label}</a></li>`)}</ul></nav>`}
  ${chrome.user === null ? null : html`<form class="logout" method="post" action="/logout">
    <span class="who">${chrome.user.email} (${chrome.user.role})</span>
    <input type="hidden" name="_csrf" value="${chrome.csrfToken}">
    <button type="submit">Log out</button>
  </form>`}
</header>
<main id="main" tabindex="-1">
<h1>${chrome.title}</h1>
${body}
</main>
</body>
</html>`.value}`;
}

export function errorPage(chrome: Chrome, message: string): string {
  return page(chrome, html`<p class="notice" role="alert">${message}</p>`);
}
