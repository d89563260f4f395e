// Timeline page (dev.totem.simulator.timeline.TimelinePage); inlined into the page.
// Times are plot units (microseconds from the left edge of the run). Zoom and pan redraw in
// screen pixels: stretched elements get x and width, pins a translation, tick paths are rebuilt
// from the JSON table for the visible window. Hover and click look ticks up in that table too.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('timeline-data').textContent);
  var svg = document.getElementById('tl');
  var NS = svg.namespaceURI;
  var wrap = document.getElementById('wrap');
  var axis = document.getElementById('axis');
  var hl = document.getElementById('hl');
  var tip = document.getElementById('tip');
  var status = document.getElementById('status');
  var clipRect = document.getElementById('clip-rect');
  var L = D.left, R = D.right, SPAN = D.span;
  var laneCount = D.nodes.length;
  var lanesBottom = D.lanesTop + laneCount * D.laneH;
  var pw = D.plotWidth, zoom = 1, pan = 0, frame = 0, selection = null;
  var defaultStatus = status.textContent;

  function undelta(a) {
    var out = new Float64Array(a.length), s = 0;
    for (var i = 0; i < a.length; i++) { s += a[i]; out[i] = s; }
    return out;
  }
  var lanes = D.lanes.map(function (l) {
    return { d: undelta(l.d), dm: l.dm, dc: l.dc, s: undelta(l.s), sm: l.sm, sc: l.sc, x: undelta(l.x), xs: l.xs };
  });
  var laneOfNode = {};
  D.nodes.forEach(function (n, i) { laneOfNode[n] = i; });
  function all(selector, f) { return Array.prototype.map.call(svg.querySelectorAll(selector), f); }
  function num(el, name) { return +(el.getAttribute('data-' + name) || 0); }
  var stretches = all('.stretch', function (el) {
    return { el: el, t: num(el, 't'), e: num(el, 'e'), min: num(el, 'min'), line: el.tagName === 'line', shown: true };
  });
  var pins = all('.pin', function (el) {
    return { el: el, t: num(el, 't'), y: num(el, 'y'), w: num(el, 'w'),
      label: el.getAttribute('class').indexOf('glabel') >= 0, shown: true };
  });
  var ringLabels = all('.rl', function (el) {
    return { el: el, t: num(el, 't'), e: num(el, 'e'), w: num(el, 'w'), shown: el.getAttribute('display') !== 'none' };
  });
  ringLabels.forEach(function (p) { p.el.removeAttribute('display'); p.el.style.display = p.shown ? '' : 'none'; });
  var tickPaths = all('.ticks', function (el) {
    var lane = lanes[num(el, 'lane')], src = el.getAttribute('data-src');
    return { el: el, times: src === 'd' ? lane.d : src === 's' ? lane.s : lane.x,
      codes: src === 'd' ? lane.dc : src === 's' ? lane.sc : null, odd: src === 'd',
      g: num(el, 'g'), y: num(el, 'y'), h: num(el, 'h') };
  });

  function k() { return zoom * pw / SPAN; }
  function X(u) { return L + pan + u * k(); }
  function uAt(x) { return (x - L - pan) / k(); }

  // Times: plot units are microseconds; u + D.origin is the time shown.
  function fmtTime(u) {
    var v = Math.round(u + D.origin), a = Math.abs(v), sign = v < 0 ? '-' : '';
    if (a < 1e3) return sign + a + ' \u00b5s';
    if (a < 1e6) return sign + trim((a / 1e3).toFixed(3), 3) + ' ms';
    return sign + trim((a / 1e6).toFixed(6), 3) + ' s';
  }
  function trim(text, keep) {
    var dot = text.indexOf('.');
    while (text.length > dot + 1 + keep && text.charAt(text.length - 1) === '0') text = text.slice(0, -1);
    return text;
  }

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function niceStep(raw) {
    var p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  function drawAxis() {
    while (axis.firstChild) axis.removeChild(axis.firstChild);
    var kk = k();
    var step = Math.max(1, niceStep(110 / kk));
    // Labels in the unit of the largest visible time, with as many decimals as the step needs.
    var largest = Math.max(Math.abs(uAt(L) + D.origin), Math.abs(uAt(L + pw) + D.origin));
    var unit = largest >= 1e6 ? 1e6 : largest >= 1e3 ? 1e3 : 1;
    var unitName = unit === 1e6 ? 's' : unit === 1e3 ? 'ms' : '\u00b5s';
    var digits = Math.max(0, -Math.floor(Math.log10(step / unit) + 1e-9));
    var first = Math.ceil(((0 - pan) / kk + D.origin) / step) * step;
    el('line', { 'class': 'axis-line', x1: L, x2: L + pw, y1: D.axisY, y2: D.axisY }, axis);
    for (var v = first; ; v += step) {
      var x = X(v - D.origin);
      if (x > L + pw + 0.5) break;
      if (x < L - 0.5) continue;
      el('line', { 'class': 'tick', x1: x, x2: x, y1: D.axisY - 5, y2: D.axisY }, axis);
      el('line', { 'class': 'grid', x1: x, x2: x, y1: D.axisY, y2: lanesBottom }, axis);
      var label = el('text', { x: x, y: D.axisY - 8 }, axis);
      label.textContent = (v / unit).toFixed(digits);
    }
    var u = el('text', { 'class': 'unit', x: 6, y: D.axisY - 8 }, axis);
    u.textContent = 'time (' + unitName + ')';
  }

  function show(p, on) {
    if (p.shown !== on) { p.el.style.display = on ? '' : 'none'; p.shown = on; }
  }

  // One segment per half pixel: after drawing at x, jump past every tick that rounds to x.
  function rebuildTicks(p, lo, hi) {
    var times = p.times, codes = p.codes, parts = [], end = uAt(hi);
    var i = lowerBound(times, uAt(lo));
    while (i < times.length && times[i] <= end) {
      if (codes && (p.odd ? codes[i] & 1 : codes[i]) !== p.g) { i++; continue; }
      var x = Math.round(X(times[i]) * 2) / 2;
      parts.push('M' + x + ' ' + p.y + 'v' + p.h);
      i = Math.max(i + 1, lowerBound(times, uAt(x + 0.25)));
    }
    p.el.setAttribute('d', parts.join(''));
  }

  function update() {
    frame = 0;
    var lo = L - 30, hi = L + pw + 30, i, p, x;
    for (i = 0; i < stretches.length; i++) {
      p = stretches[i];
      var x1 = X(p.t), x2 = Math.max(X(p.e), x1 + p.min), on = x2 >= lo && x1 <= hi;
      show(p, on);
      if (!on) continue;
      x1 = Math.max(x1, lo); x2 = Math.min(x2, hi);
      if (p.line) { p.el.setAttribute('x1', x1.toFixed(2)); p.el.setAttribute('x2', x2.toFixed(2)); }
      else { p.el.setAttribute('x', x1.toFixed(2)); p.el.setAttribute('width', (x2 - x1).toFixed(2)); }
    }
    for (i = 0; i < tickPaths.length; i++) rebuildTicks(tickPaths[i], L - 2, L + pw + 2);
    var rowEnd = [];
    for (var r = 0; r < D.labelRows; r++) rowEnd.push(-Infinity);
    for (i = 0; i < pins.length; i++) {
      p = pins[i]; x = X(p.t);
      var y = p.y;
      if (p.label) {
        // Fault labels take the first free row; one that overflows the right edge hangs left of its line.
        var left = x + p.w > L + pw ? x - p.w : x;
        var row = -1;
        if (x >= L - 1 && x <= L + pw + 1) {
          for (r = 0; r < D.labelRows; r++) if (rowEnd[r] < left) { row = r; break; }
        }
        show(p, row >= 0);
        if (row < 0) continue;
        rowEnd[row] = left + p.w + 4;
        x = left; y = D.labelsTop + row * D.labelRowH;
      } else {
        var inside = x > L - 20 && x < L + pw + 20;
        show(p, inside);
        if (!inside) continue;
      }
      p.el.setAttribute('transform', 'translate(' + x.toFixed(2) + ' ' + y + ')');
    }
    for (i = 0; i < ringLabels.length; i++) {
      p = ringLabels[i];
      var start = Math.max(X(p.t), L) + 3, stop = Math.min(X(p.e), L + pw);
      var fits = stop - start >= p.w + 3;
      show(p, fits);
      if (fits) p.el.setAttribute('x', start.toFixed(1));
    }
    drawHighlight(lo, hi);
    drawAxis();
  }

  function schedule() { if (!frame) frame = requestAnimationFrame(update); }

  function clampPan() {
    var w = SPAN * k();
    pan = Math.min(pan, pw - 40);
    pan = Math.max(pan, 40 - w);
  }

  function zoomAt(mx, factor) {
    var u = uAt(mx);
    var maxZoom = Math.max(1, 100 * SPAN / pw); // up to 100 px per microsecond
    zoom = Math.min(maxZoom, Math.max(0.5, zoom * factor));
    pan = mx - L - u * k();
    clampPan();
    schedule();
  }

  function resize() {
    var width = Math.max(L + R + 200, wrap.clientWidth);
    var old = pw;
    pw = width - L - R;
    pan = pan * pw / old;
    svg.setAttribute('width', width);
    clipRect.setAttribute('width', pw);
    Array.prototype.forEach.call(svg.querySelectorAll('.lane-bg'), function (r) { r.setAttribute('width', width); });
    update();
  }

  // ---- looking ticks up ----
  function lowerBound(a, v) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] < v) lo = mid + 1; else hi = mid; }
    return lo;
  }

  // Everything of lane li within tol of the nearest tick to u: [{type, i, u}], nearest first.
  function hits(li, u, tol) {
    var lane = lanes[li], best = Infinity, found = [];
    [['deliver', lane.d], ['submit', lane.s], ['transition', lane.x]].forEach(function (pair) {
      var a = pair[1];
      for (var i = lowerBound(a, u - tol); i < a.length && a[i] <= u + tol; i++) {
        found.push({ type: pair[0], i: i, u: a[i] });
        best = Math.min(best, Math.abs(a[i] - u));
      }
    });
    var near = Math.max(0.5 / k(), 0.5);
    return found.filter(function (h) { return Math.abs(Math.abs(h.u - u) - best) <= near; })
      .sort(function (a, b) { return a.u - b.u; });
  }

  function where(ev) {
    var r = svg.getBoundingClientRect(), mx = ev.clientX - r.left, my = ev.clientY - r.top;
    var li = Math.floor((my - D.lanesTop) / D.laneH);
    if (mx < L || mx > L + pw || li < 0 || li >= laneCount) return null;
    return { mx: mx, li: li, u: uAt(mx) };
  }

  function guaranteeName(g) { return g === 1 ? 'safe' : 'agreed'; }

  function describe(li, h) {
    var lane = lanes[li];
    if (h.type === 'deliver') {
      var m = lane.dm[h.i], c = lane.dc[h.i];
      return 'deliver ' + D.msgs.id[m] + '  from ' + D.msgs.sender[m] + ', ' + guaranteeName(c & 1)
        + ', ring ' + D.rings[c >> 1];
    }
    if (h.type === 'submit') {
      return 'submit  ' + D.msgs.id[lane.sm[h.i]] + '  ' + guaranteeName(lane.sc[h.i]);
    }
    return 'transition ' + D.texts[lane.xs[h.i]];
  }

  function messageOf(li, h) {
    if (h.type === 'deliver') return lanes[li].dm[h.i];
    if (h.type === 'submit') return lanes[li].sm[h.i];
    return -1;
  }

  var MAX_TIP_LINES = 8;
  function hover(ev) {
    var w = where(ev);
    var found = w ? hits(w.li, w.u, 4 / k()) : [];
    if (!found.length) { tip.hidden = true; return; }
    var sameTime = found.every(function (h) { return h.u === found[0].u; });
    var lines = ['node ' + D.nodes[w.li] + (sameTime ? ' at ' + fmtTime(found[0].u) : '')];
    found.slice(0, MAX_TIP_LINES).forEach(function (h) {
      lines.push((sameTime ? '' : fmtTime(h.u) + '  ') + describe(w.li, h));
    });
    if (found.length > MAX_TIP_LINES) lines.push('... and ' + (found.length - MAX_TIP_LINES) + ' more');
    if (found.some(function (h) { return h.type !== 'transition'; })) lines.push('(click to follow the message)');
    tip.textContent = lines.join('\n');
    tip.hidden = false;
    var x = ev.clientX + 14, y = ev.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth - 4) x = ev.clientX - tip.offsetWidth - 10;
    if (y + tip.offsetHeight > window.innerHeight - 4) y = ev.clientY - tip.offsetHeight - 10;
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }

  // ---- following one message ----
  function clearSelection() {
    selection = null;
    while (hl.firstChild) hl.removeChild(hl.firstChild);
    status.textContent = defaultStatus;
    status.className = '';
  }

  function yMid(li) { return D.lanesTop + li * D.laneH + D.laneH / 2; }

  // The part of segment (x1,y1)-(x2,y2) with lo <= x <= hi, as path data; '' when none.
  function segment(x1, y1, x2, y2, lo, hi) {
    if (x1 > x2) { var tx = x1; x1 = x2; x2 = tx; var ty = y1; y1 = y2; y2 = ty; }
    if (x2 < lo || x1 > hi) return '';
    var slope = x2 === x1 ? 0 : (y2 - y1) / (x2 - x1);
    if (x1 < lo) { y1 += (lo - x1) * slope; x1 = lo; }
    if (x2 > hi) { y2 -= (x2 - hi) * slope; x2 = hi; }
    return 'M' + x1.toFixed(2) + ' ' + y1.toFixed(2) + 'L' + x2.toFixed(2) + ' ' + y2.toFixed(2);
  }

  function drawHighlight(lo, hi) {
    while (hl.firstChild) hl.removeChild(hl.firstChild);
    if (!selection) return;
    var s = selection, lines = '', ticks = '';
    var subY = s.subLane >= 0 ? yMid(s.subLane) + D.submitDy : 0;
    s.dels.forEach(function (d, i) {
      var x = X(d.u), y = yMid(d.li);
      if (x >= lo && x <= hi) ticks += 'M' + x.toFixed(2) + ' ' + (y - 13) + 'v26';
      if (s.subLane >= 0) lines += segment(X(s.subU), subY, x, y, lo, hi);
      else if (i > 0) lines += segment(X(s.dels[i - 1].u), yMid(s.dels[i - 1].li), x, y, lo, hi);
    });
    if (lines) el('path', { 'class': 'hl-line', d: lines }, hl);
    if (ticks) el('path', { 'class': 'hl-tick', d: ticks }, hl);
    var xs = X(s.subU);
    if (s.subLane >= 0 && xs >= lo && xs <= hi) {
      el('path', { 'class': 'hl-sub', d: 'M' + xs.toFixed(2) + ' ' + subY + 'v0' }, hl);
    }
  }

  function select(m, center) {
    var dels = [];
    lanes.forEach(function (lane, li) {
      for (var i = 0; i < lane.dm.length; i++) if (lane.dm[i] === m) dels.push({ li: li, u: lane.d[i], c: lane.dc[i] });
    });
    dels.sort(function (a, b) { return a.u - b.u; });
    var subLane = D.msgs.subNode[m] ? laneOfNode[D.msgs.subNode[m]] : -1;
    var subU = D.msgs.subT[m];
    selection = { m: m, dels: dels, subLane: subLane, subU: subU };
    var text = D.msgs.id[m] + ': ' + guaranteeName(D.msgs.g[m]) + ', from node ' + D.msgs.sender[m];
    text += subLane >= 0 ? ', submitted at ' + fmtTime(subU) : ', submit not in the trace';
    if (dels.length) {
      var nodes = {};
      dels.forEach(function (d) { nodes[D.nodes[d.li]] = (nodes[D.nodes[d.li]] || 0) + 1; });
      var missing = D.nodes.filter(function (n) { return !nodes[n]; });
      var twice = D.nodes.filter(function (n) { return nodes[n] > 1; });
      text += '; delivered on ' + Object.keys(nodes).length + ' of ' + laneCount + ' nodes, '
        + fmtTime(dels[0].u) + ' \u2013 ' + fmtTime(dels[dels.length - 1].u);
      var rings = {};
      dels.forEach(function (d) { rings[D.rings[d.c >> 1]] = true; });
      text += ', ring ' + Object.keys(rings).join(', ');
      if (missing.length) text += '; not on node ' + missing.join(', ');
      if (twice.length) text += '; more than once on node ' + twice.join(', ');
    } else {
      text += '; delivered nowhere';
    }
    status.textContent = text;
    status.className = 'found';
    if (center) {
      var us = dels.map(function (d) { return d.u; });
      if (subLane >= 0) us.push(subU);
      var first = Math.min.apply(null, us), last = Math.max.apply(null, us);
      if ((last - first) * k() > pw * 0.9) {
        // Too wide for this zoom: zoom out until the whole message takes 60% of the width.
        zoom = Math.max(0.5, zoom * pw * 0.6 / ((last - first) * k()));
      }
      if (X(first) < L || X(last) > L + pw) {
        pan = pw / 2 - (first + last) / 2 * k();
        clampPan();
      }
    }
    schedule();
  }

  var index = null;
  function find(id) {
    if (!index) {
      index = new Map();
      D.msgs.id.forEach(function (v, i) { index.set(v, i); });
    }
    var m = index.get(id);
    if (m === undefined) {
      clearSelection();
      status.textContent = 'no message "' + id + '" in this trace';
      status.className = 'missing';
    } else {
      select(m, true);
    }
  }

  // ---- input ----
  var drag = null;
  svg.addEventListener('wheel', function (ev) {
    var r = svg.getBoundingClientRect();
    ev.preventDefault();
    var delta = ev.deltaMode === 1 ? ev.deltaY * 33 : ev.deltaY;
    zoomAt(Math.min(Math.max(ev.clientX - r.left, L), L + pw), Math.exp(-delta * 0.0015));
  }, { passive: false });
  svg.addEventListener('mousedown', function (ev) {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, pan: pan, moved: false };
    ev.preventDefault();
  });
  window.addEventListener('mousemove', function (ev) {
    if (drag) {
      var dx = ev.clientX - drag.x;
      if (Math.abs(dx) > 3) { drag.moved = true; svg.classList.add('dragging'); tip.hidden = true; }
      if (drag.moved) { pan = drag.pan + dx; clampPan(); schedule(); }
    } else if (ev.target === svg || svg.contains(ev.target)) {
      hover(ev);
    } else {
      tip.hidden = true;
    }
  });
  window.addEventListener('mouseup', function (ev) {
    if (!drag) return;
    var clicked = !drag.moved;
    drag = null;
    svg.classList.remove('dragging');
    if (!clicked) return;
    var w = where(ev);
    var found = w ? hits(w.li, w.u, 4 / k()) : [];
    var m = -1;
    for (var i = 0; i < found.length && m < 0; i++) m = messageOf(w.li, found[i]);
    if (m >= 0) {
      document.getElementById('find-id').value = D.msgs.id[m];
      select(m, false);
    } else if (w) {
      clearSelection();
    }
  });
  svg.addEventListener('mouseleave', function () { tip.hidden = true; });
  document.getElementById('zoom-in').addEventListener('click', function () { zoomAt(L + pw / 2, 2); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoomAt(L + pw / 2, 0.5); });
  document.getElementById('zoom-fit').addEventListener('click', function () { zoom = 1; pan = 0; schedule(); });
  document.getElementById('find').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var id = document.getElementById('find-id').value.trim();
    if (id) find(id);
  });
  document.getElementById('find-clear').addEventListener('click', function () {
    document.getElementById('find-id').value = '';
    clearSelection();
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.target && ev.target.tagName === 'INPUT') {
      if (ev.key === 'Escape') { ev.target.blur(); clearSelection(); }
      return;
    }
    if (ev.key === '+' || ev.key === '=') zoomAt(L + pw / 2, 1.5);
    else if (ev.key === '-') zoomAt(L + pw / 2, 1 / 1.5);
    else if (ev.key === '0') { zoom = 1; pan = 0; schedule(); }
    else if (ev.key === 'ArrowLeft') { pan += pw / 5; clampPan(); schedule(); }
    else if (ev.key === 'ArrowRight') { pan -= pw / 5; clampPan(); schedule(); }
    else if (ev.key === 'Escape') clearSelection();
  });
  window.addEventListener('resize', resize);
  resize();
})();
