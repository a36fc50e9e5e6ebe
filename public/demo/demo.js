// The demo site's own code: a tiny router over history.pushState and the
// buttons that send custom events. A separate file so the page runs under a
// strict Content-Security-Policy (no inline script).

// Calls made before /t.js has loaded wait in trackr.q; the tracker drains it.
window.trackr = window.trackr || function () {
  (window.trackr.q = window.trackr.q || []).push(arguments);
};

(function () {
  'use strict';

  // Route from the address: "#/faq" wins, else the last path segment under
  // /demo/ ("" is home). Unknown routes show home.
  function route() {
    if (location.hash === '#/faq') return 'faq';
    var name = location.pathname.replace(/^\/demo\/?/, '').replace(/\/$/, '');
    return document.querySelector('[data-page="' + name + '"]') ? name : 'home';
  }

  function render() {
    var current = route();
    document.querySelectorAll('[data-page]').forEach(function (el) {
      el.hidden = el.getAttribute('data-page') !== current;
    });
    document.querySelectorAll('nav a').forEach(function (a) {
      var name = a.getAttribute('href') === '#/faq' ? 'faq'
        : a.pathname.replace(/^\/demo\/?/, '') || 'home';
      if (name === current) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    document.title = current.charAt(0).toUpperCase() + current.slice(1) + ' — Acme Widgets';
  }

  function status(text) {
    document.getElementById('status').textContent = text;
  }

  // Links marked data-route change the route without a reload; the tracker
  // sees the pushState and sends a page view.
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest('a[data-route]');
    if (!a || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    // leaving a hash route for a path: drop the fragment with the push
    history.pushState(null, '', a.pathname);
    render();
    window.scrollTo(0, 0);
  });
  window.addEventListener('popstate', render);
  window.addEventListener('hashchange', render);

  document.getElementById('signup').addEventListener('click', function () {
    trackr('event', 'Signup', { props: { plan: 'pro' } });
    status('Thanks! A "Signup" event with plan=pro was sent.');
  });
  document.getElementById('buy').addEventListener('click', function () {
    trackr('event', 'Purchase', {
      revenue: { amount: 10.5, currency: 'EUR' },
      props: { plan: 'pro' }
    });
    status('A "Purchase" event with 10.50 EUR revenue was sent.');
  });

  render();
})();
