// The library kiosk: talk to Wegwijs with big buttons or typed text, listen to answers,
// print the checklist, and start over. No third-party code; everything is served locally.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("kiosk-config").textContent);
  const conversation = document.getElementById("conversation");
  const optionsBox = document.getElementById("options");
  const form = document.getElementById("ask");
  const input = document.getElementById("question");
  const idle = document.getElementById("idle");
  const idleCount = document.getElementById("idle-count");
  const COUNTDOWN = Math.min(30, config.idleSeconds);
  let language = config.language;
  let session = null;
  let idleTimer = null;
  let countdownTimer = null;
  let pollTimer = null;

  function t(key) {
    return (config.texts[language] || {})[key] || "";
  }

  // [element, text key]: every fixed text on the page, set again when the language changes.
  const PAGE_TEXTS = [
    ["#title", "title"],
    ["#intro", "intro"],
    ["#question-label", "input_label"],
    ["#send span", "send"],
    ["#print span", "print"],
    ["#restart span", "restart"],
    ["#language-label", "language"],
    ["#privacy", "privacy"],
    ["#idle-title", "idle_title"],
    ["#still-here", "still_here"],
    ["#print-title", "print"],
    ["#print-now", "print"],
    ["#print-close", "back"],
  ];

  function applyTexts() {
    document.documentElement.lang = language;
    PAGE_TEXTS.forEach(function (pair) {
      document.querySelector(pair[0]).textContent = t(pair[1]);
    });
    document.querySelectorAll(".language").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.language === language));
    });
    document.querySelectorAll(".read").forEach(function (button) {
      button.lastChild.textContent = t("read_aloud");
    });
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }

  function readAloud(text) {
    if (!("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = language === "en" ? "en-GB" : "nl-NL";
    window.speechSynthesis.speak(utterance);
  }

  function addMessage(text, who) {
    const item = document.createElement("div");
    item.className = "message " + who;
    const label = document.createElement("span");
    label.className = "who";
    label.textContent = who === "bot" ? t("bot") : t("you");
    item.appendChild(label);
    item.appendChild(document.createTextNode(text));
    if (who === "bot") {
      const read = document.createElement("button");
      read.type = "button";
      read.className = "read secondary";
      read.innerHTML = '<svg aria-hidden="true" viewBox="0 0 24 24" class="icon"><path d="M3 9v6h4l5 5V4L7 9zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z"/></svg>';
      read.appendChild(document.createTextNode(t("read_aloud")));
      read.addEventListener("click", function () { readAloud(text); });
      item.appendChild(read);
    }
    conversation.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function showOptions(buttons) {
    optionsBox.replaceChildren();
    buttons.forEach(function (option) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = option.title;
      button.addEventListener("click", function () { send(option.payload, option.title); });
      optionsBox.appendChild(button);
    });
  }

  function showReplies(messages) {
    let buttons = [];
    messages.forEach(function (message) {
      if (message.text) addMessage(message.text, "bot");
      if (message.buttons && message.buttons.length) buttons = message.buttons;
    });
    if (messages.length) {
      showOptions(buttons);
      if (idle.hidden) resetIdle();  // an answer is activity too
    }
  }

  async function send(text, shown) {
    if (!text || !session) return;
    if (shown !== null) addMessage(shown || text, "you");
    optionsBox.replaceChildren();
    try {
      const result = await post("/kiosk/api/message", { session: session, text: text });
      showReplies(result.messages || []);
    } catch (error) {
      addMessage(t("error"), "bot");
    }
  }

  async function poll() {
    if (!session) return;
    try {
      const response = await fetch("/kiosk/api/updates?session=" + session);
      if (response.ok) showReplies((await response.json()).messages || []);
    } catch (error) { /* try again next time */ }
  }

  async function start() {
    conversation.replaceChildren();
    optionsBox.replaceChildren();
    input.value = "";
    const result = await post("/kiosk/api/session", {});
    session = result.session;
    await send("/greet", null);
  }

  async function restart() {
    hideIdle();
    document.getElementById("print-dialog").hidden = true;
    if (window.speechSynthesis) window.speechSynthesis.cancel();
    const old = session;
    session = null;
    conversation.replaceChildren();
    optionsBox.replaceChildren();
    input.value = "";
    language = config.language;
    applyTexts();
    try {
      const result = await post("/kiosk/api/reset", { session: old });
      session = result.session;
    } catch (error) {
      session = (await post("/kiosk/api/session", {})).session;
    }
    await send("/greet", null);
    resetIdle();
  }

  function hideIdle() {
    idle.hidden = true;
    clearInterval(countdownTimer);
  }

  function showIdle() {
    let left = COUNTDOWN;
    idle.hidden = false;
    idleCount.textContent = t("idle_seconds").replace("__S__", left);
    document.getElementById("still-here").focus();
    countdownTimer = setInterval(function () {
      left -= 1;
      idleCount.textContent = t("idle_seconds").replace("__S__", left);
      if (left <= 0) restart();
    }, 1000);
  }

  function resetIdle() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(showIdle, config.idleSeconds * 1000);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    input.value = "";
    send(text);
  });
  document.querySelectorAll(".language").forEach(function (button) {
    button.addEventListener("click", function () {
      language = button.dataset.language;
      applyTexts();
      send('/switch_language{"language": "' + language + '"}', null);
    });
  });
  document.getElementById("restart").addEventListener("click", restart);
  document.getElementById("still-here").addEventListener("click", function () {
    hideIdle();
    resetIdle();
  });
  const printDialog = document.getElementById("print-dialog");
  const printFrame = document.getElementById("print-frame");
  document.getElementById("print").addEventListener("click", function () {
    if (!session) return;
    printFrame.src = "/kiosk/print?embedded=1&session=" + session;
    printDialog.hidden = false;
    document.getElementById("print-now").focus();
  });
  document.getElementById("print-now").addEventListener("click", function () {
    printFrame.contentWindow.print();
  });
  document.getElementById("print-close").addEventListener("click", function () {
    printDialog.hidden = true;
    printFrame.src = "about:blank";
  });
  ["pointerdown", "keydown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function () { if (idle.hidden) resetIdle(); }, true);
  });

  applyTexts();
  start().then(resetIdle);
  pollTimer = setInterval(poll, 4000);
  window.wegwijsKiosk = { restart: restart, showIdle: showIdle };
})();
