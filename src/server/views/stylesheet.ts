// The dashboard's one stylesheet, served from /assets (CSP style-src 'self': no inline styles).
export const DASHBOARD_CSS = `
:root { font-family: "Liberation Sans", Helvetica, Arial, sans-serif; color: #1a1a1a; background: #fff; line-height: 1.45; }
body { margin: 0; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; outline: 3px solid #0072B2; z-index: 1; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .6rem 1.2rem; background: #10324a; color: #fff; }
header.top a { color: #fff; }
.brand { font-weight: bold; font-size: 1.1rem; }
nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: bold; text-decoration-thickness: 3px; }
form.logout { margin-left: auto; display: flex; gap: .6rem; align-items: center; }
main { padding: 1rem 1.2rem 3rem; max-width: 78rem; }
main:focus { outline: none; }
h1 { font-size: 1.5rem; margin: .4rem 0 1rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
a { color: #005a8c; }
a:focus, button:focus, input:focus { outline: 3px solid #E69F00; outline-offset: 2px; }
button { font: inherit; padding: .35rem .9rem; border: 1px solid #10324a; background: #fff; color: #10324a; border-radius: 3px; cursor: pointer; }
header button { border-color: #fff; }
.notice { background: #fff8e1; border-left: 4px solid #E69F00; padding: .6rem .9rem; }
table { border-collapse: collapse; margin: .8rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding-bottom: .3rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #555; }
tr.crossed td { background: #fdecea; }
td.reason { max-width: 40rem; overflow-wrap: anywhere; }
ul.grid { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: 1rem; }
li.tile { border: 1px solid #ccc; border-radius: 4px; padding: .6rem .8rem; }
li.tile.primary { border-color: #0072B2; }
li.tile.crossed { border: 2px solid #CC3311; }
li.tile h3 { font-size: 1rem; margin: 0 0 .4rem; }
li.tile dl { display: grid; grid-template-columns: auto 1fr; gap: .1rem .6rem; margin: 0; font-size: .92rem; }
li.tile dt { color: #444; }
li.tile dd { margin: 0; }
li.tile figure { margin: .5rem 0 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #444; }
.tag { font-size: .75rem; border: 1px solid #0072B2; color: #0072B2; border-radius: 3px; padding: 0 .3rem; }
.tag.fired { border-color: #CC3311; color: #CC3311; }
.tag.state-accruing { border-color: #555; color: #555; }
.tag.state-crossed { border-color: #CC3311; color: #CC3311; font-weight: bold; }
.tag.state-complete, .tag.state-futility { border-color: #009E73; color: #00664a; }
p.state { margin: 0 0 .4rem; font-size: .9rem; }
.tag.signal-open { border-color: #CC3311; color: #CC3311; font-weight: bold; }
.tag.signal-acknowledged { border-color: #E69F00; color: #8a5f00; }
.tag.signal-closed { border-color: #555; color: #555; }
ul.filters { display: flex; gap: 1rem; list-style: none; padding: 0; }
ul.filters a[aria-current="page"] { font-weight: bold; }
form.signal-action { max-width: 40rem; border-top: 1px solid #ddd; padding-top: .5rem; }
form.signal-action label { display: block; font-weight: bold; }
form.signal-action textarea { width: 100%; font: inherit; padding: .4rem; box-sizing: border-box; }
textarea:focus { outline: 3px solid #E69F00; outline-offset: 2px; }
ul.alerts { font-size: .85rem; padding-left: 1rem; }
dl.validity { display: grid; grid-template-columns: auto 1fr; gap: .2rem 1rem; }
dl.validity dd { margin: 0; }
form.login { max-width: 22rem; }
form.login label { display: block; font-weight: bold; }
form.login input { width: 100%; padding: .4rem; font: inherit; box-sizing: border-box; }
`;
