/* The one-line chat widget: <script src="https://chat.example/widget.js" data-lang="fr" defer></script>.
   Adds a floating button that opens the chat's /embed/ page (same origin as this script) in a panel:
   a side panel on a desktop, full screen on a phone. Options (data-*): lang (fr|en), label, color,
   position (right|left); color defaults to the server's BOT_BRAND_COLOR. The iframe tells its height
   through postMessage; both sides check the origin. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__exobotWidget) return;
  window.__exobotWidget = true;
  var chatOrigin = new URL(script.src, location.href).origin;
  var d = script.dataset;
  var lang = d.lang === 'en' ? 'en' : 'fr';
  var labels = {
    fr: {open: 'Poser une question sur les exosomes', close: 'Fermer le chat', title: 'Chat : exosomes, ce que disent les sources'},
    en: {open: 'Ask a question about exosomes', close: 'Close the chat', title: 'Chat: exosomes, what the sources say'}
  }[lang];
  var brand = '#0f766e'; /* BOT_BRAND_COLOR: GET /widget.js writes the server's colour here */
  var color = /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(d.color || '') ? d.color : brand;
  var side = d.position === 'left' ? 'left' : 'right';

  var css = document.createElement('style');
  css.textContent =
    '.exobot-btn{position:fixed;bottom:20px;' + side + ':20px;z-index:2147483000;display:flex;align-items:center;' +
    'gap:.5rem;padding:.8rem 1.1rem;border:none;border-radius:999px;background:' + color + ';color:#fff;' +
    'font:600 1rem/1.2 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;box-shadow:0 6px 20px rgb(0 0 0/.25);cursor:pointer}' +
    '.exobot-btn:focus-visible,.exobot-close:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}' +
    '.exobot-panel{position:fixed;z-index:2147483001;bottom:20px;' + side + ':20px;width:min(440px,calc(100vw - 40px));' +
    'max-height:calc(100vh - 40px);display:flex;flex-direction:column;background:#fff;border-radius:14px;' +
    'box-shadow:0 12px 40px rgb(0 0 0/.3);overflow:hidden;border-top:5px solid ' + color + '}' +
    '.exobot-panel[hidden]{display:none}' +
    '.exobot-bar{display:flex;justify-content:space-between;align-items:center;padding:.35rem .5rem .35rem .9rem;' +
    'font:600 .95rem system-ui,sans-serif;color:#1f2937;border-bottom:1px solid #e5e7eb}' +
    '.exobot-close{width:2.5rem;height:2.5rem;border:none;border-radius:999px;background:transparent;font-size:1.6rem;' +
    'cursor:pointer;color:#1f2937}' +
    '.exobot-frame{display:block;width:100%;height:560px;max-height:calc(100vh - 100px);border:0;flex:1 1 auto}' +
    '@media (max-width:640px){.exobot-panel{inset:0;width:100%;max-height:none;height:100%;border-radius:0}' +
    '.exobot-frame{max-height:none;height:100%}}';
  document.head.appendChild(css);

  var btn = document.createElement('button');
  btn.type = 'button';
  btn.className = 'exobot-btn';
  btn.setAttribute('aria-haspopup', 'dialog');
  btn.setAttribute('aria-expanded', 'false');
  btn.textContent = d.label || labels.open;

  var panel = document.createElement('div');
  panel.className = 'exobot-panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', labels.title);
  var bar = document.createElement('div');
  bar.className = 'exobot-bar';
  var title = document.createElement('span');
  title.textContent = labels.title;
  var close = document.createElement('button');
  close.type = 'button';
  close.className = 'exobot-close';
  close.setAttribute('aria-label', labels.close);
  close.textContent = '×';
  bar.append(title, close);
  panel.appendChild(bar);
  var frame = null;

  function open() {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.className = 'exobot-frame';
      frame.title = labels.title;
      frame.src = chatOrigin + '/embed/?lang=' + lang + '&parent_origin=' + encodeURIComponent(location.origin);
      frame.addEventListener('load', function () {
        frame.contentWindow.postMessage({type: 'exobot:hello'}, chatOrigin);
      });
      panel.appendChild(frame);
    }
    panel.hidden = false;
    btn.hidden = true;
    btn.setAttribute('aria-expanded', 'true');
    close.focus();
  }
  function shut() {
    panel.hidden = true;
    btn.hidden = false;
    btn.setAttribute('aria-expanded', 'false');
    btn.focus();
  }
  btn.addEventListener('click', open);
  close.addEventListener('click', shut);
  panel.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') { ev.preventDefault(); shut(); }
  });
  window.addEventListener('message', function (ev) {
    if (ev.origin !== chatOrigin || !frame || ev.source !== frame.contentWindow) return;
    var data = ev.data || {};
    if (data.type === 'exobot:height' && typeof data.height === 'number' && !window.matchMedia('(max-width:640px)').matches) {
      frame.style.height = Math.max(320, Math.min(data.height, window.innerHeight - 100)) + 'px';
    }
    if (data.type === 'exobot:escape' && !panel.hidden) shut();
  });
  document.body.append(btn, panel);
})();
