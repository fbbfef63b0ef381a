import { html } from './html.ts';
import { page } from './layout.ts';

export function loginPage(csrfToken: string, problem: string | null): string {
  return page({ title: 'Log in', current: '/login', user: null, csrfToken }, html`
<form class="login" method="post" action="/login">
  ${problem === null ? null : html`<p class="notice" role="alert" id="login-problem">${problem}</p>`}
  <input type="hidden" name="_csrf" value="${csrfToken}">
  <p><label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required${problem === null ? null : html` aria-describedby="login-problem"`}></p>
  <p><label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required></p>
  <p><button type="submit">Log in</button></p>
</form>`);
}
