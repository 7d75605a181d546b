/* doithoai web chat: plain ES5, no framework, no external resource. All text goes in via textContent. */
(function () {
  'use strict';

  var T = {
    connecting: 'Đang kết nối…',
    sending: 'Đang gửi…',
    retrying: 'Mất kết nối, đang thử lại…',
    failed: 'Không gửi được tin nhắn. Bạn kiểm tra kết nối mạng rồi gửi lại nhé.',
    noSession: 'Không kết nối được máy chủ. Bạn kiểm tra mạng rồi bấm “Bắt đầu lại” nhé.',
    attachment: '📎 '
  };
  var KEY_SESSION = 'doithoai.session';
  var KEY_LOG = 'doithoai.transcript';
  var KEY_AFTER = 'doithoai.after'; // id of the last outbox message shown
  var POLL_MS = 15000;              // answers and reminders arrive through /api/poll
  var MAX_LOG = 100;
  var DELAYS = [1000, 2000, 4000, 8000, 15000]; // about 30 s in all
  var SESSION_RE = /^[A-Za-z0-9_-]{16,64}$/;
  var UNIT_RE = /^[A-Za-z0-9_-]{1,32}$/;

  var messages = document.getElementById('messages');
  var statusEl = document.getElementById('status');
  var form = document.getElementById('composer');
  var input = document.getElementById('input');
  var sendBtn = document.getElementById('send');
  var restartBtn = document.getElementById('restart');

  var session = null;
  var entries = []; // what is saved: {who, text, rows?, att?, off?, chosen?}
  var nodes = [];   // the element of each entry, same index
  var busy = false;
  var gen = 0;      // bumped by "Bắt đầu lại" so late answers of the old session are ignored

  // localStorage may throw inside a third-party iframe; fall back to memory.
  var memory = {};
  var store = {
    get: function (k) {
      try { return window.localStorage.getItem(k); } catch (e) { return memory.hasOwnProperty(k) ? memory[k] : null; }
    },
    set: function (k, v) {
      try { window.localStorage.setItem(k, v); } catch (e) { memory[k] = v; }
    },
    remove: function (k) {
      try { window.localStorage.removeItem(k); } catch (e) { /* ignore */ }
      delete memory[k];
    }
  };

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
    try { store.set(KEY_LOG, JSON.stringify(entries.slice(-MAX_LOG))); } catch (e) { /* quota */ }
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

  function renderButtons(entry, wrap) {
    var box = make('div', 'buttons');
    entry.rows.forEach(function (row) {
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

  function addBubble(entry) {
    entries.push(entry);
    var wrap = make('div', 'msg ' + entry.who);
    var bubble = make('div', 'bubble', entry.text);
    (entry.att || []).forEach(function (a) {
      bubble.appendChild(make('span', 'attachment', T.attachment + a.filename));
    });
    wrap.appendChild(bubble);
    if (entry.rows && entry.rows.length) { renderButtons(entry, wrap); }
    nodes.push(wrap);
    messages.appendChild(wrap);
    scrollDown();
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
    if (!/^[0-9]{1,18}$/.test(after)) { after = '0'; }
    request('GET', 'api/poll?session=' + encodeURIComponent(session) + '&after=' + after, null,
      function (status, data) {
        if (myGen !== gen || status !== 200 || !data || !data.messages || !data.messages.length) { return; }
        var last = Number(after);
        data.messages.forEach(function (m) {
          if (typeof m.id === 'number' && m.id > last) { last = m.id; }
          addBubble({ who: 'bot', text: m.text || '', rows: m.buttons || [], att: m.attachments || [] });
        });
        store.set(KEY_AFTER, String(last));
        save();
      });
  }

  function showReplies(replies) {
    if (!replies || !replies.length) { return; }
    for (var i = 0; i < entries.length; i++) { entries[i].off = true; }
    refreshButtons();
    replies.forEach(function (r) {
      addBubble({ who: 'bot', text: r.text || '', rows: r.buttons || [], att: r.attachments || [] });
    });
    save();
  }

  // Sends one user message, retrying with the same mid so the server can drop duplicates.
  function send(payload, restoreText) {
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
          showReplies(data.replies);
        } else if ((status === 0 || status >= 500) && n < DELAYS.length) {
          setStatus(T.retrying, true);
          setTimeout(function () { if (myGen === gen) { attempt(n + 1); } }, DELAYS[n]);
        } else {
          setStatus('');
          setBusy(false);
          system((data && data.error) || T.failed);
          if (restoreText && !input.value) { input.value = restoreText; autosize(); }
        }
      });
    }
    attempt(0);
  }

  function press(entry, b) {
    if (busy || entry.off) { return; }
    entry.off = true;
    entry.chosen = b.data;
    var idx = entries.indexOf(entry);
    var buttons = nodes[idx].querySelectorAll('.buttons button');
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].textContent === b.label) { buttons[i].className = 'chosen'; }
    }
    addBubble({ who: 'user', text: b.label });
    save();
    send({ button: b.data });
  }

  function submitText() {
    var text = input.value;
    if (busy || !session || !/\S/.test(text)) { return; }
    input.value = '';
    autosize();
    addBubble({ who: 'user', text: text });
    save();
    send({ text: text }, text);
  }

  function autosize() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 140) + 'px';
  }

  function unitCode() {
    var m = /[?&]unit=([^&#]*)/.exec(window.location.search);
    if (!m) { return ''; }
    var code = '';
    try { code = decodeURIComponent(m[1]); } catch (e) { return ''; }
    return UNIT_RE.test(code) ? code : '';
  }

  function sendStart() {
    var unit = unitCode();
    send({ text: unit ? '/start ' + unit : '/start' });
  }

  function newSession(n) {
    var myGen = gen;
    setBusy(true);
    setStatus(T.connecting);
    post('api/session', {}, function (status, data) {
      if (myGen !== gen) { return; }
      if (status === 200 && data && SESSION_RE.test(data.session || '')) {
        session = data.session;
        store.set(KEY_SESSION, session);
        sendStart();
      } else if ((status === 0 || status >= 500) && n < DELAYS.length) {
        setStatus(T.retrying, true);
        setTimeout(function () { if (myGen === gen) { newSession(n + 1); } }, DELAYS[n]);
      } else {
        setStatus('');
        system(T.noSession);
      }
    });
  }

  function loadTranscript() {
    var saved = [];
    try { saved = JSON.parse(store.get(KEY_LOG) || '[]') || []; } catch (e) { saved = []; }
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

  function restart() {
    gen++;
    store.remove(KEY_SESSION);
    store.remove(KEY_LOG);
    store.remove(KEY_AFTER);
    session = null;
    entries = [];
    nodes = [];
    messages.textContent = '';
    input.value = '';
    autosize();
    setStatus('');
    newSession(0);
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
  setInterval(poll, POLL_MS);
  document.addEventListener('visibilitychange', poll);
  start();
}());
