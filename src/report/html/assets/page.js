// The filter, opening a cluster named in the address (#c12), and a self-check (#selfcheck).
(function () {
  'use strict';
  var input = document.getElementById('filter');
  var status = document.getElementById('filter-status');
  var rows = Array.prototype.slice.call(document.querySelectorAll('[data-row]'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('[data-group]'));
  var keys = null;

  function filter() {
    var q = input.value.trim().toLowerCase();
    if (!keys) {
      keys = rows.map(function (r) {
        return (r.textContent + ' ' + (r.getAttribute('data-key') || '')).toLowerCase();
      });
    }
    var shown = 0;
    rows.forEach(function (r, i) {
      var hit = q === '' || keys[i].indexOf(q) >= 0;
      r.hidden = !hit;
      if (hit) { shown += 1; }
    });
    groups.forEach(function (g) {
      var any = g.querySelector('[data-row]:not([hidden])') !== null;
      g.hidden = !any;
      if (q !== '' && any) { g.open = true; }
    });
    status.textContent = q === '' ? '' : shown + ' of ' + rows.length + ' rows match';
    return shown;
  }

  input.addEventListener('input', filter);
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== input) {
      e.preventDefault();
      input.focus();
    } else if (e.key === 'Escape' && document.activeElement === input) {
      input.value = '';
      filter();
    }
  });

  function openTarget() {
    var el = location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
    if (el && el.tagName === 'DETAILS') { el.open = true; }
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();

  // Opens the first cluster and its first member by clicking, tries the filter, and records
  // what it found as data-check-* attributes on <html> (read by the browser tests).
  function selfcheck() {
    var root = document.documentElement;
    var result = {
      clusters: document.querySelectorAll('details.cluster').length,
      templates: document.querySelectorAll('tr.tpl').length,
      charts: document.querySelectorAll('svg.chart').length,
      opened: 0, panes: 0, side: 0, marks: 0, filtered: -1
    };
    var cluster = document.querySelector('details.cluster');
    if (cluster) {
      cluster.querySelector('summary').click();
      var pair = cluster.querySelector('details.member');
      if (pair && cluster.open) {
        pair.querySelector('summary').click();
        var panes = pair.querySelectorAll('.pane');
        var boxes = Array.prototype.map.call(panes, function (p) { return p.getBoundingClientRect(); });
        result.opened = pair.open ? 1 : 0;
        result.panes = boxes.filter(function (b) { return b.height > 0 && b.width > 0; }).length;
        // side by side: two visible panes on one row, left to right
        result.side = boxes.length === 2 && boxes[0].top === boxes[1].top && boxes[0].right <= boxes[1].left ? 1 : 0;
        result.marks = pair.querySelectorAll('mark').length;
      }
      var kept = cluster.querySelector('.rep code');
      if (kept) {
        input.value = kept.textContent;
        filter();
        result.filtered = document.querySelectorAll('details.cluster:not([hidden])').length;
        input.value = '';
        filter();
      }
    }
    Object.keys(result).forEach(function (k) { root.setAttribute('data-check-' + k, String(result[k])); });
    root.setAttribute('data-check-scripts', String(document.scripts.length));
    root.setAttribute('data-check-images', String(document.images.length));
  }

  window.addEventListener('load', function () {
    document.documentElement.setAttribute('data-load-ms', String(Math.round(performance.now())));
    if (location.hash === '#selfcheck') { selfcheck(); }
  });
})();
