/**
 * The panel's only stylesheet, inlined in every page (the CSP allows inline styles and nothing
 * external). hono/jsx escapes it like any text, so it must not contain < > & or quotes.
 */
export const css = `
*{box-sizing:border-box}
body{
  margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2933;
  background:#f2f4f7
}
a{color:#1d5fbf}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
header.top{
  display:flex;flex-wrap:wrap;align-items:center;gap:.4em 1.6em;padding:.55em 1.5em;
  background:#1f3349;color:#e4ebf3
}
header.top a{color:#c9d8ea;text-decoration:none}
header.top a:hover{color:#fff;text-decoration:underline}
.brand{font-weight:700;font-size:1.15em;letter-spacing:.02em}
header.top .brand{color:#fff}
nav.menu{flex:1;display:flex;flex-wrap:wrap;gap:.2em 1.1em}
nav.menu a[aria-current=page]{color:#fff;font-weight:600;border-bottom:2px solid #7fb0ff}
.who{color:#fff;font-weight:600}
.langs{display:flex;gap:.6em}
.langs a[aria-current=true]{color:#fff;font-weight:600}
form.logout{margin:0}
form.logout button{background:transparent;color:#e4ebf3;border:1px solid #5d7591}
form.logout button:hover{background:#2c4866}
main{max-width:1440px;margin:0 auto;padding:1.2em 1.5em 3em}
h1{font-size:1.45em;margin:.3em 0 .7em}
h1 small{font-weight:400;color:#52606d;font-size:.75em;margin-left:.4em}
.card{
  background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:1em 1.2em;margin-bottom:1em
}
.alert{
  background:#fdecea;border:1px solid #f5b5ae;color:#8a1c12;border-radius:6px;padding:.6em .9em;
  margin:0 0 1em
}
.notice{
  background:#e8f5ea;border:1px solid #a7d7ae;color:#1e5b28;border-radius:6px;padding:.6em .9em;
  margin:0 0 1em
}
.scroll{overflow-x:auto}
table.list{
  border-collapse:collapse;width:100%;background:#fff;border:1px solid #d9e2ec;font-size:.95em
}
table.list caption{text-align:left;font-weight:600;padding:.3em 0}
table.records{margin-bottom:1em}
.crumbs{margin:.2em 0 0}
table.list th,table.list td{
  padding:.4em .55em;text-align:left;border-bottom:1px solid #e4e9ef;vertical-align:top
}
table.list th{background:#e9eef4;font-weight:600}
table.list td.links a{display:block;margin:0 0 .2em}
table.list th a{color:#1f2933;text-decoration:none}
table.list th a:hover{text-decoration:underline}
table.list tbody tr:hover{background:#f6f9fc}
table.list td.check,table.list th.check{width:2.2em;text-align:center}
table.list td.flag{text-align:center;color:#1e7b34}
td.empty{color:#7b8794;text-align:center;padding:1.5em}
.actions{display:flex;flex-wrap:wrap;align-items:center;gap:.5em;margin:.7em 0}
.actions .label{color:#52606d}
button,.button{
  font:inherit;padding:.38em .95em;border-radius:4px;border:1px solid #9aa5b1;background:#fff;
  color:#1f2933;cursor:pointer;text-decoration:none;display:inline-block
}
button:hover,.button:hover{background:#eef2f6}
button.primary,.button.primary{background:#1d5fbf;border-color:#1d5fbf;color:#fff}
button.primary:hover,.button.primary:hover{background:#174e9e}
button.danger{border-color:#c0392b;color:#a5281b}
button.danger:hover{background:#fdecea}
form.filter{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.5em 1em;margin:0 0 1em}
form.filter label{display:flex;flex-direction:column;font-size:.9em;color:#52606d;gap:.15em}
input,select,textarea{
  font:inherit;padding:.35em .5em;border:1px solid #9aa5b1;border-radius:4px;background:#fff;
  color:#1f2933
}
input[readonly]{background:#f2f4f7;color:#52606d}
input[aria-invalid=true],
select[aria-invalid=true],
textarea[aria-invalid=true]{
  border-color:#c0392b;outline:1px solid #c0392b
}
.pager{display:flex;flex-wrap:wrap;align-items:center;gap:.8em;margin:.8em 0;color:#52606d}
.pager span.off{color:#9aa5b1}
form.edit{max-width:640px}
.field{display:grid;grid-template-columns:12em 1fr;gap:.6em;align-items:start;margin:.55em 0}
.field .name{padding-top:.35em;font-weight:500}
.field input[type=text],
.field input[type=email],
.field input[type=password],
.field input[type=date],
.field select,
.field textarea{
  width:100%
}
.field textarea{min-height:4.5em}
.field input[type=checkbox]{justify-self:start;margin:.45em 0 0}
.field .hint{grid-column:2;color:#7b8794;font-size:.85em;margin-top:-.4em}
.req{color:#c0392b;margin-left:.2em}
dl.result{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1.2em}
dl.result dt{font-weight:600}
dl.result dd{margin:0;word-break:break-all}
.login{max-width:360px;margin:9vh auto 0;padding:0 1em}
.login .brand{display:block;text-align:center;font-size:1.6em;color:#1f3349;margin-bottom:.6em}
.login label{display:block;font-weight:500;margin:.8em 0 .25em}
.login input{width:100%}
.login button{width:100%;margin-top:1.2em}
.login .langs{justify-content:center;margin-top:1em}
.login .langs a[aria-current=true]{color:#1f2933;font-weight:600;text-decoration:none}
`
