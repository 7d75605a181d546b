/* doithoai web chat: plain ES5, no framework, no external resource. All text goes in via textContent.
   The session token stays in localStorage (a youth returning in this browser keeps their identity and
   can /cauhoi and /xoa); it travels only in POST bodies, never in a URL. The transcript is kept in
   sessionStorage (gone with the tab), at most MAX_LOG bubbles, and is forgotten when /xoa erases. */
(function () {
  'use strict';

  var T = { attachment: '📎 ' }; // the Vietnamese texts come from handlers/texts.py through the page
  try {
    var given = JSON.parse(document.getElementById('texts').textContent);
    for (var k in given) { if (given.hasOwnProperty(k)) { T[k] = String(given[k]); } }
  } catch (e) { /* keep going with what we have */ }
  var KEY_SESSION = 'doithoai.session';
  var KEY_LOG = 'doithoai.transcript';
  var KEY_AFTER = 'doithoai.after'; // id of the last outbox message shown
  var POLL_MS = 15000;              // answers and reminders arrive through /api/poll
  var MAX_LOG = 30;                 // enough to pick up after a reload, no whole history
  var DELAYS = [1000, 2000, 4000, 8000, 15000]; // about 30 s in all
  var SESSION_RE = /^[A-Za-z0-9_-]{22}\.[0-9a-f]{32}$/; // <id>.<signature>, issued by /api/session
  var UNIT_RE = /^[A-Za-z0-9_-]{1,32}$/;
  var CAMPAIGN_RE = /^[A-Za-z][A-Za-z0-9]{1,15}$/;

  var messages = document.getElementById('messages');
  var statusEl = document.getElementById('status');
  var form = document.getElementById('composer');
  var input = document.getElementById('input');
  var sendBtn = document.getElementById('send');
  var restartBtn = document.getElementById('restart');
  var unitBar = document.getElementById('unitbar');
  var unitLine = document.getElementById('unitline');
  var changeUnitBtn = document.getElementById('changeunit');

  var session = null;
  var entries = []; // what is saved: {who, text, rows?, att?, off?, chosen?}
  var nodes = [];   // the element of each entry, same index
  var busy = false;
  var gen = 0;      // bumped by "Bắt đầu lại" so late answers of the old session are ignored

  // Web storage may throw inside a third-party iframe; fall back to memory.
  function storage(kind) {
    var memory = {};
    function area() { return window[kind]; }
    return {
      get: function (k) {
        try { return area().getItem(k); } catch (e) { return memory.hasOwnProperty(k) ? memory[k] : null; }
      },
      set: function (k, v) {
        try { area().setItem(k, v); } catch (e) { memory[k] = v; }
      },
      remove: function (k) {
        try { area().removeItem(k); } catch (e) { /* ignore */ }
        delete memory[k];
      }
    };
  }
  var store = storage('localStorage');  // the session token and the poll cursor
  var tab = storage('sessionStorage');  // the transcript

  function randomId() {
    var chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
    var out = '';
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var j = 0; j < bytes.length; j++) { bytes[j] = Math.floor(Math.random() * 256); }
    }
    for (var i = 0; i < bytes.length; i++) { out += chars.charAt(bytes[i] % 64); }
    return out;
  }

  function make(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function save() {
    if (!session) { return; } // nothing is kept for a conversation that was erased
    try { tab.set(KEY_LOG, JSON.stringify(entries.slice(-MAX_LOG))); } catch (e) { /* quota */ }
  }

  function scrollDown() {
    messages.scrollTop = messages.scrollHeight;
  }

  function setStatus(text, warn) {
    statusEl.textContent = text || '';
    statusEl.className = warn ? 'warn' : '';
  }

  function refreshButtons() {
    for (var i = 0; i < entries.length; i++) {
      if (!entries[i].rows) { continue; }
      var buttons = nodes[i].querySelectorAll('.buttons button');
      for (var j = 0; j < buttons.length; j++) { buttons[j].disabled = busy || !!entries[i].off; }
    }
  }

  function setBusy(value) {
    var hadFocus = document.activeElement === input;
    busy = value;
    input.disabled = value;
    sendBtn.disabled = value;
    refreshButtons();
    if (!value && (hadFocus || input.getAttribute('data-refocus'))) {
      input.removeAttribute('data-refocus');
      input.focus();
    } else if (value && hadFocus) {
      input.setAttribute('data-refocus', '1');
    }
  }

  function isOptin(row) {
    for (var i = 0; i < row.length; i++) { if (!/^remind:/.test(row[i].data)) { return false; } }
    return row.length > 0;
  }

  function renderButtons(entry, wrap, rows) {
    var box = make('div', 'buttons');
    rows.forEach(function (row) {
      var rowEl = make('div', 'row');
      row.forEach(function (b) {
        var btn = make('button', entry.chosen === b.data ? 'chosen' : '', b.label);
        btn.type = 'button';
        btn.disabled = busy || !!entry.off;
        btn.onclick = function () { press(entry, b); };
        rowEl.appendChild(btn);
      });
      box.appendChild(rowEl);
    });
    wrap.appendChild(box);
  }

  function bubbleOf(who, text, att) {
    var wrap = make('div', 'msg ' + who);
    var bubble = make('div', 'bubble', text);
    (att || []).forEach(function (a) {
      var file = make(a.url ? 'a' : 'span', 'attachment', T.attachment + a.filename);
      if (a.url) { file.href = a.url; file.title = a.title || ''; file.setAttribute('download', ''); }
      bubble.appendChild(file);
    });
    wrap.appendChild(bubble);
    return wrap;
  }

  // A receipt that asks about reminders shows that question and its buttons in a block of their own
  // (its last paragraph), apart from «Gửi câu hỏi khác / Câu hỏi của mình».
  function addBubble(entry, stay) {
    entries.push(entry);
    var rows = entry.rows || [];
    var optin = rows.filter(isOptin);
    var cut = entry.text.lastIndexOf('\n\n');
    var node;
    if (optin.length && cut > 0) {
      node = make('div', 'group');
      var main = bubbleOf(entry.who, entry.text.slice(0, cut), entry.att);
      var rest = rows.filter(function (r) { return !isOptin(r); });
      if (rest.length) { renderButtons(entry, main, rest); }
      var ask = bubbleOf(entry.who + ' optin', entry.text.slice(cut + 2));
      renderButtons(entry, ask, optin);
      node.appendChild(main);
      node.appendChild(ask);
    } else {
      node = bubbleOf(entry.who, entry.text, entry.att);
      if (rows.length) { renderButtons(entry, node, rows); }
    }
    nodes.push(node);
    messages.appendChild(node);
    if (!stay) { scrollDown(); }
  }

  // New replies: show them from their start (a long notice is read from its top), or the bottom if it fits.
  function scrollToReplies(first) {
    var bottom = messages.scrollHeight - messages.clientHeight;
    messages.scrollTop = Math.max(0, Math.min(bottom, first.offsetTop - 8));
  }

  function system(text) {
    addBubble({ who: 'system', text: text });
    save();
  }

  function post(url, body, done) {
    request('POST', url, body, done);
  }

  function request(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    var finished = false;
    function finish(status) {
      if (finished) { return; }
      finished = true;
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      done(status, data);
    }
    xhr.open(method, url, true);
    if (body !== null) { xhr.setRequestHeader('Content-Type', 'application/json'); }
    xhr.timeout = 30000;
    xhr.onload = function () { finish(xhr.status); };
    xhr.onerror = function () { finish(0); };
    xhr.ontimeout = function () { finish(0); };
    xhr.send(body === null ? null : JSON.stringify(body));
  }

  // Messages that are not a reply (answers, reminders): shown without closing the current buttons.
  function poll() {
    var myGen = gen;
    if (!session || document.hidden) { return; }
    var after = store.get(KEY_AFTER) || '0';
    if (!/^[0-9]{1,15}$/.test(after)) { after = '0'; }
    post('api/poll', { session: session, after: Number(after) }, function (status, data) {
        if (myGen !== gen) { return; }
        if (status === 401) { forget(); return; }
        if (status !== 200 || !data || !data.messages || !data.messages.length) { return; }
        var last = Number(after);
        data.messages.forEach(function (m) {
          if (typeof m.id === 'number' && m.id > last) { last = m.id; }
          addBubble({ who: 'bot', text: m.text || '', rows: m.buttons || [], att: m.attachments || [] });
        });
        store.set(KEY_AFTER, String(last));
        save();
      });
  }

  // The server refused the token (forged, or signed with another secret): start a new session.
  function forget() {
    session = null;
    store.remove(KEY_SESSION);
    store.remove(KEY_AFTER);
  }

  // /xoa erased the youth's data: drop the token and every stored bubble, keep only the bot's confirmation.
  function erased(replies) {
    forget();
    tab.remove(KEY_LOG);
    entries = [];
    nodes = [];
    messages.textContent = '';
    showReplies(replies);
  }

  function showReplies(replies) {
    if (!replies || !replies.length) { return; }
    for (var i = 0; i < entries.length; i++) { entries[i].off = true; }
    refreshButtons();
    var first = null;
    replies.forEach(function (r) {
      addBubble({ who: 'bot', text: r.text || '', rows: r.buttons || [], att: r.attachments || [] }, true);
      if (!first) { first = nodes[nodes.length - 1]; }
    });
    var before = nodes[nodes.indexOf(first) - 1]; // the youth's own message stays in view above the answer
    scrollToReplies(before && entries[nodes.indexOf(before)].who === 'user' ? before : first);
    save();
  }

  // Sends one user message, retrying with the same mid so the server can drop duplicates.
  // undo(): what to give back when the message was refused (the typed text, the pressed buttons).
  function send(payload, undo) {
    var myGen = gen;
    payload.session = session;
    payload.mid = randomId();
    setBusy(true);
    setStatus(T.sending);
    function attempt(n) {
      post('api/message', payload, function (status, data) {
        if (myGen !== gen) { return; }
        if (status === 200 && data) {
          setStatus('');
          setBusy(false);
          if (data.erased === true) { erased(data.replies); } else { showReplies(data.replies); }
        } else if (status === 401) {
          setStatus('');
          setBusy(false);
          forget();
          system((data && data.error) || T.failed);
          if (undo) { undo(); }
          newSession(0); // greets again: the new session has not consented yet
        } else if ((status === 0 || status >= 500) && n < DELAYS.length) {
          setStatus(T.retrying, true);
          setTimeout(function () { if (myGen === gen) { attempt(n + 1); } }, DELAYS[n]);
        } else {
          setStatus('');
          setBusy(false);
          system((data && data.error) || T.failed); // e.g. 429: too many consents from this network
          if (undo) { undo(); }
        }
      });
    }
    attempt(0);
  }

  function press(entry, b) {
    if (busy || entry.off) { return; }
    if (b.data === 'reunit') { hideUnit(); }
    entry.off = true;
    entry.chosen = b.data;
    var idx = entries.indexOf(entry);
    var buttons = nodes[idx].querySelectorAll('.buttons button');
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].textContent === b.label) { buttons[i].className = 'chosen'; }
    }
    addBubble({ who: 'user', text: b.label });
    save();
    send({ button: b.data }, function () { // refused: the choice can be made again
      entry.off = false;
      delete entry.chosen;
      for (var j = 0; j < buttons.length; j++) { buttons[j].className = ''; }
      refreshButtons();
      save();
    });
  }

  function submitText() {
    var text = input.value;
    if (busy || !/\S/.test(text)) { return; }
    input.value = '';
    autosize();
    addBubble({ who: 'user', text: text });
    save();
    if (/^\/donvi\b/i.test(text)) { hideUnit(); }
    function undo() { if (!input.value) { input.value = text; autosize(); } }
    if (session) { send({ text: text }, undo); return; }
    newSession(0, function () { save(); send({ text: text }, undo); }); // after /xoa: a new identity
  }

  function autosize() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 140) + 'px';
  }

  function queryValue(name, re) {
    var m = new RegExp('[?&]' + name + '=([^&#]*)').exec(window.location.search);
    if (!m) { return ''; }
    var value = '';
    try { value = decodeURIComponent(m[1]); } catch (e) { return ''; }
    return re.test(value) ? value : '';
  }

  function unitCode() { return queryValue('unit', UNIT_RE); }

  // ?campaign=KEY&unit=CODE starts the chat with /start KEY-CODE (the campaign's unit), like a Telegram link.
  function campaignKey() { return queryValue('campaign', CAMPAIGN_RE); }

  // The deep link's unit, named by the page (T.unitLine) and changeable: «Đổi đơn vị» sends /donvi.
  function showUnit() {
    if (!T.unitLine || !unitCode()) { return; }
    unitLine.textContent = T.unitLine;
    unitBar.hidden = false;
  }

  function hideUnit() {
    unitBar.hidden = true;
    if (!unitCode()) { return; }
    try { // a later «Bắt đầu lại» or reload must not bring the old unit back (the campaign stays)
      var key = campaignKey();
      window.history.replaceState(null, '', window.location.pathname + (key ? '?campaign=' + key : ''));
    } catch (e) { /* ignore */ }
  }

  function changeUnit() {
    if (busy) { return; }
    hideUnit();
    addBubble({ who: 'user', text: T.changeUnit });
    save();
    if (session) { send({ text: '/donvi' }); return; }
    newSession(0, function () { send({ text: '/donvi' }); });
  }

  function sendStart() {
    var unit = unitCode(), key = campaignKey();
    var payload = key ? (unit ? key + '-' + unit : key) : unit;
    send({ text: payload ? '/start ' + payload : '/start' });
  }

  function newSession(n, then) {
    var myGen = gen;
    setBusy(true);
    setStatus(T.connecting);
    post('api/session', {}, function (status, data) {
      if (myGen !== gen) { return; }
      if (status === 200 && data && SESSION_RE.test(data.session || '')) {
        session = data.session;
        store.set(KEY_SESSION, session);
        store.remove(KEY_AFTER);
        (then || sendStart)();
      } else if ((status === 0 || status >= 500) && n < DELAYS.length) {
        setStatus(T.retrying, true);
        setTimeout(function () { if (myGen === gen) { newSession(n + 1, then); } }, DELAYS[n]);
      } else {
        setStatus('');
        setBusy(false);
        system((data && data.error) || T.noSession); // 429: too many new chats from this network
      }
    });
  }

  function loadTranscript() {
    var saved = [];
    store.remove(KEY_LOG); // older pages kept the whole transcript in localStorage
    try { saved = JSON.parse(tab.get(KEY_LOG) || '[]') || []; } catch (e) { saved = []; }
    if (Object.prototype.toString.call(saved) !== '[object Array]') { saved = []; }
    saved.forEach(function (e) {
      if (e && typeof e.text === 'string' && /^(bot|user|system)$/.test(e.who)) { addBubble(e); }
    });
  }

  function start() {
    session = store.get(KEY_SESSION);
    if (!SESSION_RE.test(session || '')) { session = null; }
    loadTranscript();
    if (session && entries.length) { setBusy(false); return; }
    if (session) { sendStart(); } else { newSession(0); }
  }

  // "Bắt đầu lại" clears the screen and starts the steps again; the identity stays, so the youth can
  // still see (/cauhoi) and erase (/xoa) what they sent. Only /xoa ends an identity.
  function restart() {
    gen++;
    tab.remove(KEY_LOG);
    entries = [];
    nodes = [];
    messages.textContent = '';
    input.value = '';
    autosize();
    setStatus('');
    setBusy(false);
    if (!session) { newSession(0); return; }
    system(T.restarted);
    sendStart();
  }

  form.onsubmit = function (e) { e.preventDefault(); submitText(); };
  input.onkeydown = function (e) {
    // Ignore Enter while an IME (e.g. Vietnamese Telex on Android) is composing.
    if ((e.key === 'Enter' || e.keyCode === 13) && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submitText();
    }
  };
  input.oninput = autosize;
  restartBtn.onclick = restart;
  changeUnitBtn.onclick = changeUnit;
  showUnit();
  setInterval(poll, POLL_MS);
  document.addEventListener('visibilitychange', poll);
  start();
}());
