// Runs first: counts script errors and content the page's policy blocked, on <html>.
(function () {
  var root = document.documentElement;
  function bump(name) {
    root.setAttribute(name, String(Number(root.getAttribute(name) || 0) + 1));
  }
  window.addEventListener('error', function () { bump('data-errors'); });
  document.addEventListener('securitypolicyviolation', function () { bump('data-blocked'); });
})();
