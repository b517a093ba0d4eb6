/* The web chat of the Individual Number Card call centers, for any page: one
   <script src="https://BOT/webchat/widget.js" defer></script>.

   A web component with a Shadow DOM (the page's styles and the widget's do not touch), plain
   ES2020 with no framework and nothing inline, so that a strict Content-Security-Policy takes it.
   What a person or the bot wrote is only ever set as textContent, never parsed as HTML.
   Nothing is written to cookies or storage before the widget is opened; from then on the tab's
   sessionStorage holds the conversation's id, the language and the messages not yet sent.

   Delivery: every message of the conversation (the user's and the bot's) comes over Server-Sent
   Events numbered in order; the stream resumes after the last number shown (Last-Event-ID), so a
   drop, a sleeping phone or a reload loses and doubles nothing. Each message is posted with an id
   drawn once: a retry, a double click or a message typed offline is one message. */
(() => {
  "use strict";
  const CONFIG = "__WEBCHAT_CONFIG__";
  const script = document.currentScript;
  if (!script || customElements.get("mynumber-chat")) return;
  const BASE = new URL(".", script.src).href;
  const STORE = "mynumber-webchat";
  const CODES = CONFIG.languages.map(([code]) => code);
  const ALIASES = { fil: "tl", in: "id" };

  const codeOf = (locale) => {
    if (!locale) return null;
    const code = String(locale).replace("_", "-").split("-")[0].toLowerCase();
    const known = ALIASES[code] || code;
    return CODES.includes(known) ? known : null;
  };
  const firstLanguage = (...wanted) => wanted.map(codeOf).find(Boolean) || "en";
  const randomId = () => {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const format = (text, values) => text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const tel = (number) => "tel:" + number.replace(/\D/g, "");

  const storage = {
    read() {
      try {
        return JSON.parse(sessionStorage.getItem(STORE) || "null");
      } catch (error) {
        return null; // storage refused (a private mode, a policy): a conversation of this page only
      }
    },
    write(state) {
      try {
        sessionStorage.setItem(STORE, JSON.stringify(state));
      } catch (error) { /* as above */ }
    },
    clear() {
      try {
        sessionStorage.removeItem(STORE);
      } catch (error) { /* as above */ }
    },
  };

  /* An element with attributes, listeners (on...) and children; "text" is its textContent. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.filter(Boolean));
    return node;
  }

  /* A speech bubble, drawn (no emoji font needed, nothing for the page's policy to load). */
  function bubbleIcon() {
    const svg = "http://www.w3.org/2000/svg";
    const icon = document.createElementNS(svg, "svg");
    const path = document.createElementNS(svg, "path");
    for (const [name, value] of [["viewBox", "0 0 24 24"], ["width", "22"], ["height", "22"], ["aria-hidden", "true"], ["focusable", "false"]]) icon.setAttribute(name, value);
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    path.setAttribute("fill", "currentColor");
    icon.append(path);
    return icon;
  }

  /* ``text`` into ``node`` as text, its phone numbers as tel: links. */
  function fill(node, text, phones) {
    const numbers = (phones || []).filter(Boolean);
    if (!numbers.length) {
      node.textContent = text;
      return node;
    }
    const pattern = new RegExp("(" + numbers.map((n) => n.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")).join("|") + ")");
    for (const part of text.split(pattern)) {
      node.append(numbers.includes(part) ? el("a", { href: tel(part), text: part }) : document.createTextNode(part));
    }
    return node;
  }

  class MynumberChat extends HTMLElement {
    constructor() {
      super();
      this.state = storage.read();
      const asked = new URLSearchParams(location.search).get("lang");
      this.language = (this.state && codeOf(this.state.lang)) ||
        firstLanguage(asked, this.getAttribute("lang"), document.documentElement.lang, ...(navigator.languages || []), navigator.language);
      this.seq = 0; // the number of the last message shown
      this.live = false; // whether the stream has caught up (what comes next is announced)
      this.source = null;
      this.sending = false;
      this.backoff = 0;
      this.clients = new Map(); // message ids not yet acknowledged -> their bubbles
      this.build();
    }

    get words() {
      return CONFIG.words[this.language] || CONFIG.words.en;
    }

    connectedCallback() {
      addEventListener("online", () => this.reconnect());
      addEventListener("offline", () => this.offline());
      document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && this.reconnect());
      if (this.state && this.state.open) this.open(false);
    }

    build() {
      const shadow = this.attachShadow({ mode: "open" });
      this.launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "panel", onclick: () => (this.panel.hidden ? this.open(true) : this.close()) },
        bubbleIcon(), (this.launcherLabel = el("span")));
      this.heading = el("h2", { id: "title" });
      this.chooser = el("select", { onchange: () => this.switchLanguage(this.chooser.value) },
        ...CONFIG.languages.map(([code, name]) => el("option", { value: code, lang: code, text: name })));
      this.closer = el("button", { type: "button", class: "close", onclick: () => this.close() }, el("span", { "aria-hidden": "true", text: "×" }));
      this.urgent = el("section", { class: "urgent", "aria-labelledby": "urgent-title" });
      this.status = el("p", { class: "status", role: "status" });
      this.log = el("div", { class: "log", role: "log", "aria-live": "off", tabindex: "0" }); // polite once caught up
      this.input = el("textarea", { id: "input", rows: "2", maxlength: String(CONFIG.maxText), autocomplete: "off", onkeydown: (event) => this.onKey(event) });
      this.inputLabel = el("label", { for: "input", class: "sr" });
      this.sendButton = el("button", { type: "submit", class: "send" });
      this.form = el("form", { class: "composer", onsubmit: (event) => this.submit(event) }, this.inputLabel, this.input, this.sendButton);
      this.privacy = el("p", { class: "privacy" });
      this.panel = el("section", { id: "panel", class: "panel", role: "dialog", "aria-labelledby": "title", hidden: true, onkeydown: (event) => event.key === "Escape" && (event.preventDefault(), this.close()) },
        el("div", { class: "head" }, this.heading, this.chooser, this.closer), this.urgent, this.log, this.status, this.form, this.privacy);
      this.root = el("div", { class: "root" }, this.launcher, this.panel);
      shadow.append(el("link", { rel: "stylesheet", href: BASE + "widget.css" }), this.root);
      this.showWords();
      if (window.visualViewport) {
        visualViewport.addEventListener("resize", () => this.fit());
        visualViewport.addEventListener("scroll", () => this.fit());
      }
    }

    showWords() {
      const words = this.words;
      this.root.lang = this.language;
      this.launcherLabel.textContent = words.launcher;
      this.heading.textContent = words.title;
      this.chooser.value = this.language;
      this.chooser.setAttribute("aria-label", words.language);
      this.closer.setAttribute("aria-label", words.close);
      this.log.setAttribute("aria-label", words.log);
      this.inputLabel.textContent = words.input;
      this.input.placeholder = words.placeholder;
      this.sendButton.textContent = words.send;
      this.privacy.textContent = words.privacy;
      if (!this.urgent.firstChild) this.showUrgent(null);
    }

    /* The lost-card panel: from the bot, as of now; without it, the number alone. */
    showUrgent(panel) {
      const words = this.words;
      const phones = panel ? panel.phones : [{ number: CONFIG.urgent.number, tel: CONFIG.urgent.tel, header: "☎ " + CONFIG.urgent.number, statuses: [words["urgent.unknown"]] }];
      this.urgent.replaceChildren(
        el("h3", { id: "urgent-title", text: panel ? panel.title : words["urgent.title"] }),
        el("p", { class: "lead", text: panel ? panel.lead : words["urgent.lead"] }),
        ...phones.map((phone) => el("div", { class: "phone" },
          el("a", { href: phone.tel, class: "number", text: phone.header }),
          phone.name ? el("span", { class: "name", text: phone.name }) : null,
          ...phone.statuses.map((status) => el("span", { class: "hours", text: status })))),
        ...(panel ? panel.notes : []).map((note) => el("p", { class: "note", text: note })));
    }

    async loadUrgent() {
      const lang = this.language;
      try {
        const answer = await fetch(`${BASE}welcome?lang=${lang}`, { credentials: "omit", cache: "no-store" });
        if (!answer.ok) throw new Error(String(answer.status));
        const data = await answer.json();
        if (lang === this.language) this.showUrgent(data.urgent);
      } catch (error) {
        this.showUrgent(null);
      }
    }

    /* The conversation's state, drawn on first use: nothing is stored before that. */
    ensureState() {
      if (!this.state) this.state = { id: randomId(), lang: this.language, pending: [], open: true };
      this.save();
      return this.state;
    }

    save() {
      if (this.state) storage.write(this.state);
    }

    open(focus) {
      this.ensureState().open = true;
      this.save();
      this.panel.hidden = false;
      this.launcher.setAttribute("aria-expanded", "true");
      this.root.classList.add("opened");
      this.fit();
      this.loadUrgent();
      for (const item of this.state.pending) if (!this.clients.has(item.id)) this.showPending(item);
      this.connect();
      this.flush();
      if (focus) this.input.focus();
    }

    close() {
      this.panel.hidden = true;
      this.launcher.setAttribute("aria-expanded", "false");
      this.root.classList.remove("opened");
      if (this.state) {
        this.state.open = false;
        this.save();
      }
      this.disconnect();
      this.launcher.focus();
    }

    /* The panel over the whole visible viewport on a phone, above its keyboard. */
    fit() {
      const viewport = window.visualViewport;
      const small = matchMedia("(max-width: 520px), (max-height: 520px)").matches;
      const style = this.panel.style;
      if (viewport && small && !this.panel.hidden) {
        style.top = `${viewport.offsetTop}px`;
        style.height = `${viewport.height}px`;
      } else {
        style.top = "";
        style.height = "";
      }
      // Little height left (a keyboard up, a landscape phone): only what the conversation needs.
      this.root.classList.toggle("cramped", Boolean(viewport) && viewport.height < 480);
    }

    switchLanguage(code) {
      this.language = codeOf(code) || this.language;
      if (this.state) {
        this.state.lang = this.language;
        this.save();
      }
      this.showWords();
      this.loadUrgent();
    }

    // -- the stream ---------------------------------------------------------------------------

    connect() {
      if (this.source || !this.state || this.panel.hidden || !navigator.onLine) return;
      const url = `${BASE}events?conversation=${encodeURIComponent(this.state.id)}&after=${this.seq}`;
      const source = new EventSource(url);
      this.source = source;
      if (!this.live) this.log.setAttribute("aria-live", "off"); // the transcript so far, unannounced
      source.addEventListener("message", (event) => this.receive(JSON.parse(event.data)));
      source.addEventListener("ready", () => this.caughtUp());
      source.addEventListener("open", () => {
        clearTimeout(this.slow);
        if (this.status.textContent === this.words.reconnecting) this.say("");
      });
      source.addEventListener("error", () => {
        if (source.readyState === EventSource.CLOSED && this.source === source) {
          this.source = null; // refused: try again later, from the last number shown
          setTimeout(() => this.connect(), 3000);
        }
        // Streams end every few seconds and come back at once: say so only when one does not.
        clearTimeout(this.slow);
        this.slow = setTimeout(() => {
          if (navigator.onLine && this.source && this.source.readyState !== EventSource.OPEN) this.say(this.words.reconnecting);
        }, 3000);
      });
    }

    disconnect() {
      if (this.source) this.source.close();
      this.source = null;
    }

    reconnect() {
      if (!navigator.onLine) return;
      this.say("");
      if (this.source && this.source.readyState === EventSource.CLOSED) this.source = null;
      this.connect();
      this.flush();
    }

    offline() {
      this.disconnect();
      this.say(this.words.offline);
    }

    caughtUp() {
      if (!this.live) {
        this.live = true;
        this.log.setAttribute("aria-live", "polite");
      }
    }

    receive(message) {
      if (message.seq <= this.seq) return;
      this.seq = message.seq;
      if (message.from === "user") {
        this.dropChoices();
        const pending = message.client && this.clients.get(message.client);
        if (pending) {
          // Shown as delivered; it leaves the queue once its post is answered (a post whose
          // answer was lost is sent again, and the bot takes it as the same message).
          this.clients.delete(message.client);
          pending.classList.remove("pending");
          pending.dataset.seq = message.seq;
          pending.lang = message.lang || this.language;
          return;
        }
      }
      this.insert(this.bubble(message));
    }

    bubble(message) {
      const words = this.words;
      const node = el("div", { class: `msg ${message.from === "user" ? "user" : "bot"}`, lang: message.lang || this.language, "data-seq": message.seq },
        el("span", { class: "sr", lang: this.language, text: (message.from === "user" ? words.you : words.bot) + " " }),
        fill(el("p", { class: "text" }), message.text, message.phones));
      const buttons = message.buttons || [];
      if (buttons.length) {
        node.append(el("div", { class: "choices" },
          ...buttons.map((button) => el("button", { type: "button", text: button.label, onclick: () => this.press(button) }))));
      }
      return node;
    }

    /* Shown messages keep their order: the ones not yet sent stay last. */
    insert(node) {
      const firstPending = this.log.querySelector(".pending");
      this.log.insertBefore(node, firstPending);
      this.scrolled();
    }

    /* The newest message in view; once the conversation has begun, the lost-card panel keeps
       only its number and status, to leave the room to the conversation. */
    scrolled() {
      this.root.classList.toggle("talking", this.log.childElementCount > 0);
      this.log.scrollTop = this.log.scrollHeight;
    }

    dropChoices() {
      for (const choices of this.log.querySelectorAll(".choices")) choices.remove();
    }

    // -- sending ------------------------------------------------------------------------------

    onKey(event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    }

    submit(event) {
      event.preventDefault();
      const text = this.input.value;
      if (!text.trim()) return;
      if (text.length > CONFIG.maxText) {
        this.say(format(this.words.too_long, { limit: CONFIG.maxText }));
        return;
      }
      this.input.value = "";
      this.queue({ text });
    }

    press(button) {
      this.queue({ button: button.payload, label: button.label });
      this.input.focus(); // the pressed button is gone with the others: focus stays in the chat
    }

    queue(item) {
      const state = this.ensureState();
      item.id = randomId();
      state.pending.push(item);
      this.save();
      this.dropChoices();
      this.showPending(item);
      this.connect();
      this.flush();
    }

    showPending(item) {
      const node = this.bubble({ from: "user", text: item.text !== undefined ? item.text : item.label });
      node.classList.add("pending");
      this.clients.set(item.id, node);
      this.log.append(node);
      this.scrolled();
    }

    settle(id) {
      if (!this.state) return;
      this.state.pending = this.state.pending.filter((item) => item.id !== id);
      this.save();
    }

    say(text) {
      if (this.status.textContent !== text) this.status.textContent = text;
    }

    retry(delay) {
      clearTimeout(this.retrying);
      this.retrying = setTimeout(() => this.flush(), delay);
    }

    /* Post the oldest message not yet sent, then the next: one at a time, in order. */
    async flush() {
      if (this.sending || !this.state || !this.state.pending.length) return;
      if (!navigator.onLine) return this.say(this.words.offline);
      this.sending = true;
      const item = this.state.pending[0];
      let next = true;
      try {
        const answer = await fetch(`${BASE}messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ conversation: this.state.id, id: item.id, text: item.text, button: item.button, label: item.label, locale: this.language }),
          credentials: "omit",
          cache: "no-store",
        });
        const data = await answer.json().catch(() => ({}));
        if (answer.status === 429 || answer.status >= 500) {
          const wait = Number(answer.headers.get("retry-after")) || data.retry_after || 0;
          if (data.message) this.say(data.message);
          throw Object.assign(new Error(String(answer.status)), { wait });
        }
        this.backoff = 0;
        this.settle(item.id);
        if (!answer.ok) this.refused(item.id, data.message);
        else this.answered(item.id, data);
      } catch (error) {
        // Not taken, or taken with the answer lost: the same id again, later.
        this.backoff = Math.min((this.backoff || 500) * 2, 15000);
        this.retry(error.wait ? error.wait * 1000 : this.backoff);
        next = false;
      } finally {
        this.sending = false;
      }
      if (next) this.flush();
    }

    refused(id, message) {
      const node = this.clients.get(id);
      this.clients.delete(id);
      if (node) node.remove();
      this.say(message || this.words.refused);
    }

    answered(id, data) {
      this.say("");
      if (data.seq === null && this.clients.has(id)) {
        this.clients.get(id).classList.remove("pending"); // kept nowhere: the mailbox is down
        this.clients.delete(id);
      }
      if (data.forgotten) this.forgotten();
      for (const reply of data.direct || []) this.insert(this.bubble({ from: "bot", text: reply.text, buttons: reply.buttons }));
    }

    /* /forget: the server has erased the conversation; so is the tab's. */
    forgotten() {
      this.disconnect();
      storage.clear();
      this.state = null;
      this.seq = 0;
      this.clients.clear();
      this.log.replaceChildren();
      this.scrolled();
      this.say(this.words.forgotten);
    }
  }

  customElements.define("mynumber-chat", MynumberChat);
  if (!document.querySelector("mynumber-chat")) document.body.append(document.createElement("mynumber-chat"));
})();
