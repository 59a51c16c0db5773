// Runs once when the transcript is first shown (Gradio js_on_load: `element`, `trigger`).
// Listeners are delegated so they survive re-renders. A citation number opens its passage in place:
// a popover beside the number on a desktop, a bottom sheet on a phone (<= 640 px).
let open = null;
const cfg = () => (document.querySelector('header.brand') || {dataset: {}}).dataset;
const close = (refocus) => {
  if (!open) return;
  const {pop, target} = open;
  open = null;
  pop.remove();
  const marker = element.querySelector(`button.cite-marker[data-target="${target}"][aria-expanded="true"]`)
    || element.querySelector(`button.cite-marker[data-target="${target}"]`);
  element.querySelectorAll('button.cite-marker[aria-expanded="true"]')
    .forEach((b) => b.setAttribute('aria-expanded', 'false'));
  if (refocus && marker) marker.focus();
};
const place = (pop, marker) => {
  if (window.matchMedia('(max-width: 640px)').matches) {
    pop.classList.add('cite-sheet');
    return;
  }
  const r = marker.getBoundingClientRect();
  const w = pop.offsetWidth;
  const left = Math.max(8, Math.min(r.left + window.scrollX - 24, window.scrollX + window.innerWidth - w - 8));
  let top = r.bottom + window.scrollY + 8;
  const below = window.innerHeight - r.bottom;
  if (below < pop.offsetHeight + 16 && r.top > below) top = r.top + window.scrollY - pop.offsetHeight - 8;
  pop.style.left = `${left}px`;
  pop.style.top = `${Math.max(window.scrollY + 8, top)}px`;
};
const show = (marker) => {
  const target = marker.dataset.target || '';
  const box = document.getElementById(target);
  if (!box) return;
  close(false);
  const c = cfg();
  const pop = document.createElement('div');
  pop.className = 'chat cite-pop';
  pop.lang = (element.querySelector('.chat') || {}).lang || 'fr';
  pop.setAttribute('role', 'dialog');
  pop.setAttribute('aria-modal', 'false');
  pop.setAttribute('aria-label', (c.popLabel || 'Source {n}').replace('{n}', box.dataset.n || ''));
  const head = document.createElement('div');
  head.className = 'pop-head';
  const summary = box.querySelector('summary');
  if (summary) summary.querySelectorAll('.num, .src-name, .badge').forEach((n) => head.appendChild(n.cloneNode(true)));
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.className = 'pop-close';
  btn.setAttribute('aria-label', c.popClose || 'Close');
  btn.textContent = '×';
  btn.addEventListener('click', () => close(true));
  head.appendChild(btn);
  const body = box.querySelector('.cite-body').cloneNode(true);
  pop.append(head, body);
  document.body.appendChild(pop);
  place(pop, marker);
  const view = pop.querySelector('.doc-text');
  const passage = pop.querySelector('.in-doc-passage');
  if (view && passage) view.scrollTop = Math.max(0, passage.offsetTop - view.offsetTop - 12);
  marker.setAttribute('aria-expanded', 'true');
  open = {pop, target};
  btn.focus({preventScroll: true});
};
element.addEventListener('click', (ev) => {
  const chip = ev.target.closest('button.chip');
  if (chip && element.contains(chip)) {
    trigger('click', {question: chip.dataset.question || ''});
    return;
  }
  const marker = ev.target.closest('button.cite-marker');
  if (marker && element.contains(marker)) {
    ev.stopPropagation();
    if (open && open.target === marker.dataset.target) close(true);
    else show(marker);
  }
});
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && open) {
    ev.preventDefault();
    close(true);
  }
});
document.addEventListener('pointerdown', (ev) => {
  if (!open || open.pop.contains(ev.target) || ev.target.closest('button.cite-marker')) return;
  close(false);
});
window.addEventListener('resize', () => {
  if (!open) return;
  const marker = element.querySelector(`button.cite-marker[data-target="${open.target}"]`);
  if (marker) place(open.pop, marker);
});
