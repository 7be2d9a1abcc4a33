(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('tbody.req'));
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=verdict]'));
  var feature = document.getElementById('feature-filter');
  var search = document.getElementById('text-filter');
  var status = document.getElementById('shown-count');
  function apply() {
    var wanted = {};
    boxes.forEach(function (b) {
      wanted[b.value] = b.checked;
    });
    var f = feature.value,
      q = search.value.trim().toLowerCase(),
      shown = 0;
    rows.forEach(function (r) {
      var ok =
        wanted[r.getAttribute('data-verdict')] &&
        (!f || r.getAttribute('data-feature') === f) &&
        (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    status.textContent = shown + ' of ' + rows.length + ' requirements shown';
  }
  boxes.forEach(function (b) {
    b.addEventListener('change', apply);
  });
  feature.addEventListener('change', apply);
  search.addEventListener('input', apply);
  document.getElementById('only-findings').addEventListener('click', function () {
    boxes.forEach(function (b) {
      b.checked = b.value === 'fail' || b.value === 'non-strict' || b.value === 'error';
    });
    apply();
  });
  document.getElementById('show-all').addEventListener('click', function () {
    boxes.forEach(function (b) {
      b.checked = true;
    });
    feature.value = '';
    search.value = '';
    apply();
  });
  document.getElementById('expand-all').addEventListener('click', function () {
    var all = document.querySelectorAll('tbody.req:not([hidden]) details.evidence');
    var open = Array.prototype.some.call(all, function (d) {
      return !d.open;
    });
    Array.prototype.forEach.call(all, function (d) {
      d.open = open;
    });
  });
  function openHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) return;
    var d = el.querySelector('details.evidence') || (el.matches && el.matches('details') ? el : null);
    if (d) d.open = true;
    if (el.hidden) {
      boxes.forEach(function (b) {
        b.checked = true;
      });
      feature.value = '';
      search.value = '';
      apply();
    }
  }
  window.addEventListener('hashchange', openHash);
  openHash();
  apply();
})();
