() => {
  // Light palette only; the page's lang and title follow the chat's language (set in the header).
  const strip = () => document.querySelectorAll('.dark').forEach((el) => el.classList.remove('dark'));
  const sync = () => {
    const h = document.querySelector('header.brand');
    if (!h) return;
    if (h.dataset.lang && document.documentElement.lang !== h.dataset.lang) document.documentElement.lang = h.dataset.lang;
    if (h.dataset.title && document.title !== h.dataset.title) document.title = h.dataset.title;
  };
  strip();
  sync();
  new MutationObserver(strip).observe(document.body, {attributes: true, subtree: false});
  new MutationObserver(sync).observe(document.body, {childList: true, subtree: true, attributes: true,
    attributeFilter: ['data-lang']});

  // The character counter: shown near the limit, a clear message above it (nothing is cut).
  const count = (box) => {
    const out = document.getElementById('q-counter');
    if (!out || !box) return;
    const max = Number(out.dataset.max || 0);
    const n = box.value.length;
    const tpl = n > max ? out.dataset.over : (n >= max * 0.8 ? out.dataset.near : '');
    const text = (tpl || '').replace('{n}', String(n)).replace('{max}', String(max));
    if (out.textContent !== text) out.textContent = text;  // only on change: the observer below sees it
    if (out.classList.contains('over') !== n > max) out.classList.toggle('over', n > max);
    if (out.hidden !== !tpl) out.hidden = !tpl;
    const invalid = n > max ? 'true' : 'false';
    if (box.getAttribute('aria-invalid') !== invalid) box.setAttribute('aria-invalid', invalid);
  };
  document.addEventListener('input', (ev) => {
    if (ev.target.matches && ev.target.matches('#question textarea')) count(ev.target);
  });
  new MutationObserver(() => count(document.querySelector('#question textarea')))
    .observe(document.body, {childList: true, subtree: true});

  // Inside the widget's iframe: tell the page (only the origin it named) how tall the chat is.
  const parentOrigin = new URLSearchParams(location.search).get('parent_origin') || '';
  if (window.parent !== window && /^https?:\/\/[^/\s]+$/.test(parentOrigin)) {
    let last = 0;
    const report = () => {
      const c = document.querySelector('.gradio-container');
      const h = Math.ceil(c ? c.getBoundingClientRect().height : document.body.scrollHeight);
      if (Math.abs(h - last) < 2) return;
      last = h;
      window.parent.postMessage({type: 'exobot:height', height: h}, parentOrigin);
    };
    const ro = new ResizeObserver(report);
    ro.observe(document.body);
    const gc = document.querySelector('.gradio-container');
    if (gc) ro.observe(gc);
    window.addEventListener('message', (ev) => {
      if (ev.origin !== parentOrigin || ev.source !== window.parent) return;
      if (ev.data && ev.data.type === 'exobot:hello') { last = 0; report(); }
    });
    setTimeout(report, 300);
    // Escape closes the widget's panel, unless it is closing an open citation first (capture phase).
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && !document.querySelector('.cite-pop')) {
        window.parent.postMessage({type: 'exobot:escape'}, parentOrigin);
      }
    }, true);
  }
}
