// Finds a consent banner and its controls, and clicks one. Run in the page with one argument:
// {rules, words, click}. `rules` are the platforms of tracker-lists/cmp.toml, `words` the
// labels of the text fallback, `click` the control to click (`accept`, `reject`, `settings`,
// `reject_second_layer`) or null to look only. Searches the page and every open shadow root.
// Returns JSON: {platform, accept, reject, settings, clicked: {how, x, y, mouse}}.
(function (a) {
  const MAX_ELEMENTS = 20000;
  const roots = [document];
  let seen = 0;
  for (let i = 0; i < roots.length && seen < MAX_ELEMENTS; i++) {
    for (const el of roots[i].querySelectorAll('*')) {
      if (++seen > MAX_ELEMENTS) break;
      if (el.shadowRoot) roots.push(el.shadowRoot);
    }
  }
  const all = (selector) => {
    const found = [];
    for (const root of roots) {
      try { found.push(...root.querySelectorAll(selector)); } catch (e) { /* not CSS here */ }
    }
    return found;
  };
  const up = (n) => n.parentElement || (n.getRootNode() instanceof ShadowRoot ? n.getRootNode().host : null);
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    for (let n = el; n && n.nodeType === 1; n = up(n)) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
    }
    return true;
  };
  const firstVisible = (selectors) => {
    for (const selector of selectors || []) {
      for (const el of all(selector)) if (visible(el)) return el;
    }
    return null;
  };
  const norm = (t) => (t || '').replace(/\s+/g, ' ').trim().toLowerCase().replace(/[.!…]+$/, '');
  const CONTROLS = 'button, a, [role="button"], input[type="button"], input[type="submit"]';
  const byText = (words) => {
    const wanted = new Set((words || []).map(norm));
    for (const el of all(CONTROLS)) {
      const label = norm(el.tagName === 'INPUT' ? el.value : (el.innerText || el.textContent));
      if (label && wanted.has(label) && visible(el)) return el;
    }
    return null;
  };
  const urls = Array.from(document.scripts, (s) => s.src)
    .concat(performance.getEntriesByType('resource').map((e) => e.name))
    .map((u) => u.split(/[?#]/)[0].replace(/^[a-z]+:\/\//i, '').toLowerCase());
  const rule = a.rules.find((r) =>
    (r.markers || []).some((m) => all(m).length > 0) ||
    (r.scripts || []).some((p) => urls.some((u) => u.includes(p.toLowerCase())))) || null;
  const find = (kind) => {
    if (rule) {
      const el = firstVisible(rule[kind]);
      if (el) return [el, 'rule'];
    }
    const el = byText(a.words[kind === 'reject_second_layer' ? 'reject' : kind]);
    return el ? [el, 'text'] : [null, null];
  };
  const out = {
    platform: rule ? rule.id : null,
    accept: !!find('accept')[0],
    reject: !!find('reject')[0],
    settings: !!find('settings')[0],
    clicked: null,
  };
  if (a.click) {
    const [el, how] = find(a.click);
    if (el) {
      el.scrollIntoView({ block: 'center', inline: 'center' });
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      const root = el.getRootNode();
      const hit = root.elementFromPoint ? root.elementFromPoint(x, y) : null;
      // A control under another element (an overlay) is clicked by script instead.
      const mouse = !!hit && (hit === el || el.contains(hit));
      if (!mouse) el.click();
      out.clicked = { how, x, y, mouse };
    }
  }
  return JSON.stringify(out);
})
