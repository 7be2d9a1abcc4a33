(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('tbody tr.req'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('tbody tr.feature-row'));
  var feature = document.getElementById('feature-filter');
  var differ = document.getElementById('only-differ');
  var findings = document.getElementById('only-findings');
  var status = document.getElementById('shown-count');
  function apply() {
    var f = feature.value,
      shown = 0,
      perFeature = {};
    rows.forEach(function (r) {
      var vs = Array.prototype.map.call(r.querySelectorAll('td.cell'), function (c) {
        return c.getAttribute('data-verdict');
      });
      var differs = vs.some(function (v) {
        return v !== vs[0];
      });
      var bad = vs.some(function (v) {
        return v === 'fail' || v === 'non-strict' || v === 'error';
      });
      var ok =
        (!f || r.getAttribute('data-feature') === f) && (!differ.checked || differs) && (!findings.checked || bad);
      r.hidden = !ok;
      if (ok) {
        shown++;
        perFeature[r.getAttribute('data-feature')] = true;
      }
    });
    groups.forEach(function (g) {
      g.hidden = !perFeature[g.getAttribute('data-feature')];
    });
    status.textContent = shown + ' of ' + rows.length + ' requirements shown';
  }
  [feature, differ, findings].forEach(function (el) {
    el.addEventListener('change', apply);
  });
  apply();
})();
