// TrackR tracking script: page views (also on SPA navigation), custom events,
// outbound link clicks, file downloads, 404s and engagement (visible time and
// scroll depth). It sets no cookies and uses no storage. scripts/build-tracker.mjs
// minifies this file into public/t.js; the gzipped result must stay <= 1536 bytes.
(function (w, d) {
  'use strict';

  var script = d.currentScript;
  var loc = w.location;
  var nav = navigator;
  if (!script) return;

  function attr(name) {
    return script.getAttribute('data-' + name);
  }
  function has(name) {
    return script.hasAttribute('data-' + name);
  }

  var site = attr('site');
  var domain = attr('domain') || loc.hostname;
  var api = attr('api') || new URL('/api/event', script.src).href;
  var hashMode = has('hash');

  // data-respect-dnt: the visitor asked not to be tracked, so install a
  // trackr() that drops everything and register no listeners at all.
  if (has('respect-dnt') && (nav.doNotTrack == '1' || nav.globalPrivacyControl === true)) {
    w.trackr = function () {};
    return;
  }

  // The current page as sent in "u". Without data-hash the fragment is left
  // out: it is not part of the page and may carry tokens (OAuth implicit flow).
  function pageUrl() {
    return hashMode ? loc.href : loc.href.split('#')[0];
  }

  // opts: {props, revenue}; extra: keys copied into the body as they are (the
  // engagement fields); url: the page the event belongs to.
  function send(name, opts, extra, url) {
    var body = site ? { s: site } : { d: domain };
    var props = opts && opts.props;
    var key;
    body.n = name;
    body.u = url || pageUrl();
    body.r = d.referrer || null;
    body.w = w.innerWidth;
    if (hashMode) body.h = 1;
    if (props) {
      // the collector stores props as strings
      body.p = {};
      for (key in props) body.p[key] = '' + props[key];
    }
    if (opts && opts.revenue) body.revenue = opts.revenue;
    for (key in extra) body[key] = extra[key];
    body = JSON.stringify(body);
    // text/plain keeps this a "simple" request: no CORS preflight. keepalive
    // lets the request outlive the page, so a same-tab click on an outbound
    // link or a closing tab still delivers the event without preventDefault().
    if (w.fetch) {
      fetch(api, {
        method: 'POST',
        body: body,
        keepalive: true,
        headers: { 'Content-Type': 'text/plain' }
      }).catch(function () {});
    } else if (nav.sendBeacon) {
      nav.sendBeacon(api, body);
    }
  }

  // Engagement of the current page: "pageSent" is the URL of its page view
  // (none yet: nothing to report), "visibleMs" the visible time not yet sent,
  // "visibleSince" when the page last became visible (0 while hidden),
  // "maxDepth" the deepest scroll seen and "sentDepth" the depth last sent.
  var pageSent, lastPath, visibleMs, visibleSince, maxDepth, sentDepth;

  // Percent of the document height that has been on screen.
  function depth() {
    var de = d.documentElement;
    var height = Math.max(de.scrollHeight, d.body ? d.body.scrollHeight : 0);
    return height ? Math.min(100, Math.round((w.scrollY + w.innerHeight) / height * 100)) : 0;
  }

  // Report time and scroll since the last report, when there is something to
  // report: a second or more of visible time, or a deeper scroll. Called when
  // the page is hidden and before the next page view of an SPA.
  function engage() {
    var now = Date.now();
    if (visibleSince) visibleMs += now - visibleSince;
    visibleSince = d.hidden ? 0 : now;
    if (pageSent && (visibleMs >= 1000 || maxDepth > sentDepth)) {
      send('engagement', 0, { e: visibleMs, sd: maxDepth, i: 0 }, pageSent);
      visibleMs = 0;
      sentDepth = maxDepth;
    }
  }

  // A page view. spa: an automatic SPA navigation, skipped when the page
  // (path, and fragment in hash mode) did not change, e.g. pushState to the
  // same path or popstate for an in-page anchor.
  function page(spa, opts) {
    var path = loc.pathname + (hashMode ? loc.hash : '');
    if (spa && path == lastPath) return;
    engage();
    lastPath = path;
    pageSent = pageUrl();
    visibleMs = 0;
    sentDepth = maxDepth = depth();
    send('pageview', opts, 0, pageSent);
  }

  // The public API: trackr('pageview'), trackr('event', name, {props, revenue}),
  // trackr('404').
  function trackr(cmd, name, opts) {
    if (cmd == 'pageview') page(0, name);
    else if (cmd == 'event') send(name, opts);
    else if (cmd == '404') send('404', { props: { path: loc.pathname } });
  }

  // One delegated listener for outbound links and downloads; auxclick covers
  // the middle button (open in a new tab), which fires no click event.
  function onClick(ev) {
    var a = ev.target.closest && ev.target.closest('a[href]');
    if (!a || (ev.type == 'auxclick' && ev.button != 1) || !/^https?:$/.test(a.protocol)) return;
    if (/\.(pdf|zip|docx?|xlsx?|pptx?|csv|txt|mp3|mp4|dmg|exe|gz|7z|rar|tar)$/i.test(a.pathname)) {
      send('File Download', { props: { url: a.href } });
    } else if (a.host != loc.host) {
      send('Outbound Link: Click', { props: { url: a.href } });
    }
  }

  function start() {
    var hist = w.history;
    var push = hist.pushState;
    var queue = (w.trackr && w.trackr.q) || [];
    var i;

    visibleSince = d.hidden ? 0 : Date.now();
    if (!has('manual')) {
      page(0);
      // Plausible's choice: pushState and popstate are navigations;
      // replaceState only rewrites the current entry.
      hist.pushState = function () {
        push.apply(this, arguments);
        page(1);
      };
      w.addEventListener('popstate', function () { page(1); });
      // back/forward cache: the page is shown again without loading anew
      w.addEventListener('pageshow', function (ev) { if (ev.persisted) page(0); });
      if (hashMode) w.addEventListener('hashchange', function () { page(1); });
    }
    if (has('404')) trackr('404');

    d.addEventListener('click', onClick);
    d.addEventListener('auxclick', onClick);
    w.addEventListener('scroll', function () {
      var x = depth();
      if (x > maxDepth) maxDepth = x;
    }, { passive: true });
    d.addEventListener('visibilitychange', engage);
    w.addEventListener('pagehide', engage);

    // Calls the page queued before this script ran; listeners are already in
    // place, so a bad queued call cannot leave the page half tracked.
    w.trackr = trackr;
    for (i = 0; i < queue.length; i++) trackr.apply(0, queue[i]);
  }

  // A prerendered page (speculation rules) counts only once it is shown.
  if (d.prerendering) d.addEventListener('prerenderingchange', start, { once: true });
  else start();
})(window, document);
