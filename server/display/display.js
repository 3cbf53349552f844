// The waiting-room screen: the state arrives over Server-Sent Events (/display/{clinic}/events?token=), the
// full DisplayState on connect and on every change. EventSource reconnects by itself; while it does, the
// screen says "Reconnecting…". A refused token (revoked, wrong) shows the refusal and stops. No patient names
// ever reach this page (initials only when the clinic allows them).
(() => {
  "use strict";
  const match = location.pathname.match(/\/display\/(\d+)\/?$/);
  const base = "/display/" + (match ? match[1] : "0");
  const query = "?token=" + encodeURIComponent(new URLSearchParams(location.search).get("token") || "");
  const $ = (id) => document.getElementById(id);
  const RETRY_MS = 3000;

  let timeZone;
  let shown = null; // the calls on screen ("number|called_at"); null until the first state
  let source = null;
  let retry = null;
  let refused = false;
  let chimes = 0;

  // --- the clock, in the clinic's time zone --------------------------------------------------------------
  function tick() {
    const now = new Date();
    const fmt = (options) => {
      try {
        return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(now);
      } catch (_) {
        return new Intl.DateTimeFormat(undefined, options).format(now);
      }
    };
    $("time").textContent = fmt({ hour: "2-digit", minute: "2-digit" });
    $("date").textContent = fmt({ weekday: "long", day: "numeric", month: "long" });
  }

  // --- the chime: Web Audio, two soft tones, no sound file ------------------------------------------------
  let audio = null;
  function audioContext() {
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    }
    return audio;
  }
  function soundHint() {
    const ctx = audioContext();
    $("sound").hidden = !ctx || ctx.state === "running";
  }
  function unlockSound() {
    const ctx = audioContext();
    if (ctx && ctx.state !== "running") ctx.resume().then(soundHint, soundHint);
  }
  function chime() {
    chimes += 1;
    document.body.dataset.chimes = String(chimes);
    const ctx = audioContext();
    if (!ctx) return;
    if (ctx.state !== "running") ctx.resume().catch(() => {});
    const start = ctx.currentTime + 0.05;
    [[880, 0], [660, 0.45]].forEach(([hz, at]) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.0001, start + at);
      gain.gain.exponentialRampToValueAtTime(0.5, start + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 1.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + at);
      osc.stop(start + at + 1.4);
    });
  }

  // --- rendering -----------------------------------------------------------------------------------------
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function card(call, index, fresh) {
    const node = el("div", "card" + (index === 0 ? " newest" : "") + (fresh ? " fresh" : ""));
    node.dataset.number = String(call.queue_number);
    node.appendChild(el("div", "num", String(call.queue_number)));
    const where = el("div", "where");
    if (call.room) where.appendChild(el("div", "room", "Room " + call.room));
    where.appendChild(el("div", "doctor", call.doctor_name));
    if (call.patient_initials) where.appendChild(el("div", "initials", call.patient_initials));
    node.appendChild(where);
    return node;
  }

  function render(state) {
    timeZone = state.timezone || undefined;
    $("clinic").textContent = state.clinic_name;
    document.title = state.clinic_name + " · Waiting room";
    const keys = state.now_serving.map((c) => c.queue_number + "|" + c.called_at);
    const fresh = shown === null ? new Set() : new Set(keys.filter((k) => !shown.has(k)));
    const cards = $("cards");
    cards.replaceChildren(...state.now_serving.map((c, i) => card(c, i, fresh.has(keys[i]))));
    cards.hidden = state.now_serving.length === 0;
    $("serving-empty").hidden = state.now_serving.length !== 0;
    const next = $("next");
    next.replaceChildren(...state.next.map((n) => el("li", "", String(n))));
    next.hidden = state.next.length === 0;
    $("next-empty").hidden = state.next.length !== 0;
    if (fresh.size) chime();
    shown = new Set(keys);
    tick();
  }

  // --- the connection ------------------------------------------------------------------------------------
  function status(text) {
    $("status").textContent = text || "";
    $("status").hidden = !text;
  }

  function refuse(body) {
    refused = true;
    if (source) source.close();
    clearTimeout(retry);
    status(null);
    const detail = (body && typeof body.detail === "string" && body.detail) || "this display link is not valid";
    $("refused-detail").textContent = detail.charAt(0).toUpperCase() + detail.slice(1) + ".";
    $("refused").hidden = false;
    document.body.dataset.refused = "1";
  }

  // The stream was closed for good (EventSource gives up on a refusal): ask /state why.
  async function probe() {
    try {
      const r = await fetch(base + "/state" + query, { cache: "no-store" });
      if (r.status === 401 || r.status === 403 || r.status === 404) {
        refuse(await r.json().catch(() => ({})));
        return;
      }
      if (r.ok) render(await r.json());
    } catch (_) {
      // the server cannot be reached: try again
    }
    retry = setTimeout(connect, RETRY_MS);
  }

  function connect() {
    clearTimeout(retry);
    if (source) source.close();
    source = new EventSource(base + "/events" + query);
    source.onmessage = (event) => {
      status(null);
      render(JSON.parse(event.data));
    };
    source.addEventListener("refused", (event) => refuse(JSON.parse(event.data || "{}")));
    source.onerror = () => {
      if (refused) return;
      status("Reconnecting…");
      if (source.readyState === EventSource.CLOSED) probe();
    };
  }

  document.addEventListener("click", unlockSound);
  document.addEventListener("keydown", unlockSound);
  tick();
  setInterval(tick, 1000);
  setTimeout(soundHint, 1500);
  connect();
})();
